// The HTML page: the same SVG inline, a legend, and a details panel that shows the full record of
// whatever mark the pointer is on (or was clicked last). One file, no external resources, so it
// opens from a CI artifact or an email attachment.
#include "synod/trace/spacetime.hpp"
#include "synod/trace/svg_writer.hpp"

namespace synod::trace {
namespace {

constexpr const char* kStyle = R"(<style>
body { font-family: "DejaVu Sans", Helvetica, Arial, sans-serif; margin: 0; color: #222; background: #fafafa; }
header { padding: 10px 16px 4px; }
h1 { font-size: 17px; margin: 0 0 4px; }
.summary { color: #555; font-size: 13px; }
.layout { display: flex; align-items: flex-start; gap: 12px; padding: 8px 16px 16px; }
.plot { flex: 1; overflow: auto; border: 1px solid #ddd; background: #fff; max-height: 85vh; }
aside { width: 300px; flex: none; font-size: 13px; position: sticky; top: 8px; }
.panel { background: #fff; border: 1px solid #ddd; padding: 8px 10px; margin-bottom: 10px; }
.panel h2 { font-size: 13px; margin: 0 0 6px; color: #555; }
#details { white-space: pre-wrap; font-family: "DejaVu Sans Mono", monospace; font-size: 12px; min-height: 60px; }
.legend div { display: flex; align-items: center; gap: 8px; margin: 3px 0; }
.legend svg { flex: none; }
.ev { cursor: pointer; }
.ev.selected line, .ev.selected path, line.ev.selected { stroke-width: 3; }
.ev.selected circle, circle.ev.selected { stroke: #000; stroke-width: 1.5; }
</style>
)";

// Hover shows an element's <title> in the panel; a click pins it until the next click.
constexpr const char* kScript = R"(<script>
(function () {
  var panel = document.getElementById('details');
  var pinned = null;
  function text(el) { var t = el.querySelector('title'); return t ? t.textContent : ''; }
  function target(ev) { var el = ev.target; return el && el.closest ? el.closest('.ev') : null; }
  var svg = document.querySelector('.plot svg');
  svg.addEventListener('mouseover', function (ev) {
    var el = target(ev);
    if (el && !pinned) panel.textContent = text(el);
  });
  svg.addEventListener('click', function (ev) {
    var el = target(ev);
    if (pinned) pinned.classList.remove('selected');
    pinned = (el && el !== pinned) ? el : null;
    if (pinned) { pinned.classList.add('selected'); panel.textContent = text(pinned) + '\n(pinned: click again to release)'; }
  });
})();
</script>
)";

std::string legend_row(const std::string& glyph, const std::string& text) {
  return "<div><svg width=\"34\" height=\"18\" viewBox=\"0 0 34 18\">" + glyph + "</svg><span>" +
         xml_escape(text) + "</span></div>\n";
}

std::string legend_html() {
  std::string s = "<div class=\"panel legend\"><h2>Legend</h2>\n";
  s += legend_row(
      "<defs><marker id=\"lgah\" viewBox=\"0 0 10 10\" refX=\"9.5\" refY=\"5\" markerWidth=\"7\" "
      "markerHeight=\"7\" "
      "orient=\"auto\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#4e79a7\"/></marker></defs><line "
      "x1=\"3\" y1=\"15\" "
      "x2=\"30\" y2=\"3\" stroke=\"#4e79a7\" stroke-width=\"1.3\" marker-end=\"url(#lgah)\"/>",
      "message, send to delivery (sender's colour)");
  s += legend_row(
      "<line x1=\"3\" y1=\"15\" x2=\"24\" y2=\"6\" stroke=\"#d62728\" "
      "stroke-dasharray=\"4,2\"/><path d=\"M20,2 L28,10 "
      "M20,10 L28,2\" stroke=\"#d62728\" stroke-width=\"2\"/>",
      "dropped message (partition, loss, receiver down)");
  s += legend_row(
      "<line x1=\"3\" y1=\"15\" x2=\"13\" y2=\"9\" stroke=\"#9a9a9a\" stroke-dasharray=\"3,3\"/>",
      "message whose other end is not shown (outside the window or cut)");
  s += legend_row(
      "<line x1=\"2\" y1=\"9\" x2=\"16\" y2=\"9\" stroke=\"#4e79a7\" stroke-width=\"2.5\"/><path "
      "d=\"M11,3 "
      "L23,15 M11,15 L23,3\" stroke=\"#d62728\" stroke-width=\"3\"/>",
      "crash: the process line ends");
  s += legend_row(
      "<circle cx=\"17\" cy=\"9\" r=\"7.5\" fill=\"#fff\" stroke=\"#d62728\" stroke-width=\"1.2\" "
      "stroke-dasharray=\"2.5,2\"/><path d=\"M13,5 L21,13 M13,13 L21,5\" stroke=\"#d62728\" "
      "stroke-width=\"2.4\"/>",
      "inferred crash: the trace ends (killed, e.g. SIGKILL) and peers suspect it");
  s += legend_row(
      "<line x1=\"6\" y1=\"3\" x2=\"20\" y2=\"14\" stroke=\"#d62728\" stroke-opacity=\"0.55\" "
      "stroke-dasharray=\"2,2\"/><circle cx=\"20\" cy=\"14\" r=\"2.6\" fill=\"#fff\" "
      "stroke=\"#d62728\" stroke-width=\"1.3\"/>",
      "sent to a crashed node: lost");
  s += legend_row("<circle cx=\"17\" cy=\"9\" r=\"5\" fill=\"#2e8b57\"/>",
                  "restart: a new life begins");
  s += legend_row("<rect x=\"3\" y=\"2\" width=\"28\" height=\"14\" fill=\"#f6d5d1\"/>",
                  "partition until healed");
  s += legend_row(
      "<defs><pattern id=\"lgcut\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" "
      "patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#f2f2f2\"/><line "
      "x1=\"0\" "
      "y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#d0d0d0\" stroke-width=\"2\"/></pattern></defs><rect "
      "x=\"3\" y=\"2\" width=\"28\" height=\"14\" fill=\"url(#lgcut)\"/>",
      "events left out by --max-events");
  s += legend_row(
      "<line x1=\"17\" y1=\"0\" x2=\"17\" y2=\"18\" stroke=\"#2e8b57\" stroke-dasharray=\"5,4\" "
      "stroke-width=\"1.5\"/>",
      "all faults healed (stabilisation)");
  s += legend_row("<path d=\"M17,3 l6,6 l-6,6 l-6,-6 z\" fill=\"#e67e22\"/>",
                  "fault on one node (clog, clock)");
  s += legend_row(
      "<circle cx=\"17\" cy=\"9\" r=\"4.2\" fill=\"#f1b80a\" stroke=\"#7a5c00\" "
      "stroke-width=\"0.8\"/>",
      "observation (e.g. suspect 3)");
  s += legend_row("<circle cx=\"17\" cy=\"9\" r=\"1.8\" fill=\"#9a9a9a\"/>",
                  "routine observation (frequent kind)");
  s += legend_row(
      "<line x1=\"17\" y1=\"4\" x2=\"17\" y2=\"14\" stroke=\"#777\" stroke-width=\"1.2\"/>",
      "timer fired");
  s += legend_row("<circle cx=\"17\" cy=\"9\" r=\"2.4\" fill=\"#4e79a7\"/>", "send");
  s += "</div>\n";
  return s;
}

}  // namespace

SpacetimeStats render_html(const Selection& selection, const SpacetimeOptions& options,
                           std::string& out) {
  SpacetimeOptions svg_options = options;
  svg_options.standalone = false;
  std::string svg;
  const SpacetimeStats stats = render_svg(selection, svg_options, svg);
  out += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>" +
         xml_escape(options.title) + "</title>\n";
  out += kStyle;
  out += "</head>\n<body>\n<header><h1>" + xml_escape(options.title) +
         "</h1>\n<div class=\"summary\">";
  out += fmt::format(
      "{} processes on {} nodes · {} messages delivered · {} dropped · {} crashes · {} inferred "
      "crashes · {} lost to a crashed node · {} restarts",
      stats.processes, stats.rows, stats.arrows, stats.drops, stats.crashes, stats.inferred_crashes,
      stats.lost, stats.restarts);
  if (selection.truncated) {
    out += fmt::format(
        " · <b style=\"color:#d62728\">truncated to {} node events{} ({} more left "
        "out)</b>",
        selection.node_events,
        selection.around_moments ? " around the crashes, faults and rare observations" : "",
        selection.cut_events);
  }
  out += "</div></header>\n<div class=\"layout\">\n<div class=\"plot\">\n";
  out += svg;
  out +=
      "</div>\n<aside>\n<div class=\"panel\"><h2>Details</h2><div id=\"details\">Point at a mark "
      "to see its time, "
      "Lamport clock and vector clock; click to pin it.</div></div>\n";
  out += legend_html();
  out += "</aside>\n</div>\n";
  out += kScript;
  out += "</body>\n</html>\n";
  return stats;
}

}  // namespace synod::trace
