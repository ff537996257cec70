// Export to ShiViz (https://bestchai.bitbucket.io/shiviz/), which draws an execution from a log of
// events stamped with vector clocks. The file is accepted both ways ShiViz takes a log:
//   line 1: the parsing regex   (?<event>.*)\n(?<host>\S*) (?<clock>{.*})
//   line 2: the delimiter between executions (empty: one execution)
//   then per event two lines:   deliver heartbeat 8B from n1 [m=13] (lamport 8) @95.7ms
//                                n2 {"n2":5,"n1":3}
// Uploaded, ShiViz takes line 1 as the regex and line 2 as the delimiter. Pasted into its log box,
// the regex field must hold that regex, which is ShiViz's own default (its examples and an upload
// with an empty first line use it): the two header lines match nothing and are skipped, so the
// whole file can be pasted. Event texts never contain " {", so no text line reads as a clock.
// ShiViz insists that each host's own entry counts 1, 2, 3... over its events and that every entry
// names a host of the log and an event that exists, so the clocks are recomputed from the trace's
// structure instead of copied from the recorded ones (which count across lives and may refer to
// events outside the window): every (node, life) is a host, each of its events ticks its own entry,
// and a delivery merges the clock of its send first.
#pragma once

#include <cstddef>
#include <string>

#include "synod/trace/describe.hpp"
#include "synod/trace/select.hpp"

namespace synod::trace {

inline constexpr const char* kShivizRegex = R"((?<event>.*)\n(?<host>\S*) (?<clock>{.*}))";

struct ShivizStats {
  std::size_t events = 0;  // events written
  std::size_t hosts = 0;
  std::size_t network_events = 0;      // faults, heals and drops: not process events, left out
  std::size_t unmatched_delivers = 0;  // send outside the window: written as local events
};

// Appends the whole log (header included) to `out`.
ShivizStats write_shiviz(const Selection& selection, const ProtocolNames& names, std::string& out);

}  // namespace synod::trace
