// Client load for the examples in simulated runs and sweeps: with `call_every=D` (serve.hpp) every
// node also calls random peers' servants every D (jittered by half), so that `synod sim calculator`
// and `synod mutants calculator bank` exercise the endpoint's rules (endpoint.hpp) through the
// examples' own interfaces. Real nodes leave it off: they only serve.
#pragma once

#include <memory>

#include "synod/rpc/rpc.hpp"

namespace synod::examples {

// Every call gets `deadline`. Calculator: add, divide (by zero too), accumulate (not idempotent),
// slow_add cancelled one time in five, and the add_then_divide coroutine.
std::unique_ptr<rpc::App> calculator_caller(Duration every, Duration deadline);
// Bank: anonymous accounts opened, used and dropped (one in three held for 1.5 leases, renewing
// its lease), transfers between two fresh accounts (references passed as arguments; one in three
// cancelled midway), named
// accounts opened and looked up.
std::unique_ptr<rpc::App> bank_caller(Duration every, Duration deadline, Duration lease);

}  // namespace synod::examples
