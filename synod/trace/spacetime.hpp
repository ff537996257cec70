// Space-time diagrams of a trace, as a standalone SVG or a standalone HTML page (the SVG inline,
// a legend, and a details panel): one horizontal line per node, time flowing left to right,
// message arrows from send to delivery, drops ending in an X, crashes ending a line (a restart
// begins a new segment; a real node killed with SIGKILL gets an inferred crash, see processes.hpp,
// and what is sent to it afterwards ends at a ring, lost), partitions as shaded bands, notable
// observations as labelled dots. Every mark carries its details (time, Lamport and vector stamps)
// in an SVG <title> shown on hover.
#pragma once

#include <cstddef>
#include <string>

#include "synod/trace/describe.hpp"
#include "synod/trace/select.hpp"
#include "synod/trace/spacetime_scale.hpp"

namespace synod::trace {

struct SpacetimeOptions {
  Spacing spacing = Spacing::kTime;
  int width_px = 0;  // width of the plot area; 0 picks one from the number of events
  std::string title = "Synod trace";
  ProtocolNames names;
  bool standalone = true;  // title and legend inside the SVG (the HTML page has its own)
};

// What was drawn (tests count these; the CLI prints a summary).
struct SpacetimeStats {
  std::size_t rows = 0;       // nodes
  std::size_t processes = 0;  // node lives
  std::size_t arrows = 0;     // send -> deliver
  std::size_t drops = 0;
  std::size_t crashes = 0;
  std::size_t inferred_crashes = 0;  // lives that ended unrecorded and were then suspected
  std::size_t lost = 0;              // sends to a node that had crashed (inferred)
  std::size_t restarts = 0;
  std::size_t observations = 0;  // notable (labelled) ones
  std::size_t bands = 0;         // partitions
  std::size_t gaps = 0;          // stretches of events left out by the cap
};

SpacetimeStats render_svg(const Selection& selection, const SpacetimeOptions& options,
                          std::string& out);
SpacetimeStats render_html(const Selection& selection, const SpacetimeOptions& options,
                           std::string& out);

}  // namespace synod::trace
