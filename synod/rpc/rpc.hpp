// Umbrella header: everything an application needs to declare, serve and call interfaces.
#pragma once

#include "synod/rpc/endpoint.hpp"
#include "synod/rpc/interface.hpp"
#include "synod/rpc/proxy.hpp"
#include "synod/rpc/server_call.hpp"
#include "synod/rpc/task.hpp"
