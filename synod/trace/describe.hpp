// One-line, human-readable text for trace events, shared by the ShiViz log and the diagrams:
//   "send heartbeat 40B to n2 [m=17]", "deliver heartbeat 40B from n1 [m=17] (lamport 12)",
//   "observe suspect peer=3".
#pragma once

#include <map>
#include <string>

#include "synod/check/event.hpp"

namespace synod::trace {

// Protocol ids to names ("heartbeat"); the CLI fills it from the catalog of known protocols.
using ProtocolNames = std::map<ProtocolId, std::string>;

// "heartbeat", or "proto 7" when the id is unknown.
std::string protocol_label(const ProtocolNames& names, ProtocolId id);

// The event as one line (no time, no clocks: callers add what their format needs).
std::string describe_event(const Event& e, const ProtocolNames& names);

// Short label for an observation in a picture: "suspect 3", "leader 3" (the peer, node or leader
// it names), else "what k=v" for a small first field, else "what".
std::string observation_label(const Event& e);

// "{1:4, 2:9}" for the recorded vector clock; "-" when the event was not stamped.
std::string format_vclock(const Event& e);

}  // namespace synod::trace
