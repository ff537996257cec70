// synod trace shiviz|svg|html TRACE... [-o FILE] [--from 1s] [--to 2s] [--max-events N]
//                                     [--nodes 1,2] [--protocol heartbeat] [--spacing time|order]
// Turns traces (a simulator's --trace file, or the per-node trace.jsonl files of a real run, merged
// by time) into a ShiViz log or a space-time diagram. See docs/traces.md.
#include <cstdio>
#include <fstream>
#include <memory>

#include <fmt/format.h>

#include "apps/synod/catalog.hpp"
#include "apps/synod/commands.hpp"
#include "synod/node/registry.hpp"
#include "synod/trace/jsonl.hpp"
#include "synod/trace/shiviz.hpp"
#include "synod/trace/spacetime.hpp"

namespace synod::app {
namespace {

enum class Format { kShiviz, kSvg, kHtml };

constexpr std::size_t kDefaultMaxDiagramEvents = 400;

struct TraceArgs {
  Format format = Format::kSvg;
  std::vector<std::string> traces;
  std::string output = "-";
  std::string from;
  std::string to;
  std::size_t max_events = 0;
  std::string nodes;
  std::string protocol;
  std::string spacing = "time";
  int width = 0;
  std::string title;
};

// Protocol ids and names of every protocol this binary knows (a protocol names itself).
trace::ProtocolNames known_protocols() {
  trace::ProtocolNames names;
  for (const auto& entry : catalog()) {
    auto p = entry.spec.make({});
    if (p) names[(*p)->id()] = std::string((*p)->name());
  }
  return names;
}

Result<std::vector<NodeId>> parse_nodes(const std::string& text) {
  std::vector<NodeId> nodes;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    const std::size_t comma = std::min(text.find(',', pos), text.size());
    const std::string item = text.substr(pos, comma - pos);
    char* end = nullptr;
    const unsigned long v = std::strtoul(item.c_str(), &end, 10);
    if (item.empty() || *end != '\0' || v == 0 || v > 0xFFFFFFFFUL) {
      return invalid_argument("--nodes expects node ids like 1,2,3, got '" + text + "'");
    }
    nodes.push_back(static_cast<NodeId>(v));
    pos = comma + 1;
  }
  return nodes;
}

Result<ProtocolId> parse_protocol(const std::string& text, const trace::ProtocolNames& names) {
  for (const auto& [id, name] : names) {
    if (name == text) return id;
  }
  char* end = nullptr;
  const unsigned long v = std::strtoul(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || v > 0xFFFFUL) {
    std::string known;
    for (const auto& [id, name] : names) known += (known.empty() ? "" : ", ") + name;
    return invalid_argument("--protocol expects a protocol name (" + known + ") or id, got '" +
                            text + "'");
  }
  return static_cast<ProtocolId>(v);
}

Result<trace::TraceWindow> parse_window(const TraceArgs& a, const trace::ProtocolNames& names) {
  trace::TraceWindow w;
  if (!a.from.empty()) {
    auto d = parse_duration(a.from);
    if (!d) return invalid_argument("--from: " + d.status().message());
    w.from = *d;
  }
  if (!a.to.empty()) {
    auto d = parse_duration(a.to);
    if (!d) return invalid_argument("--to: " + d.status().message());
    w.to = *d;
  }
  if (w.from && w.to && *w.to < *w.from) return invalid_argument("--to must not be before --from");
  if (!a.nodes.empty()) {
    auto n = parse_nodes(a.nodes);
    if (!n) return n.status();
    w.nodes = *n;
  }
  if (!a.protocol.empty()) {
    auto p = parse_protocol(a.protocol, names);
    if (!p) return p.status();
    w.protocol = *p;
  }
  w.max_node_events = a.max_events;
  return w;
}

const char* format_name(Format f) {
  switch (f) {
    case Format::kShiviz: return "shiviz";
    case Format::kSvg: return "svg";
    case Format::kHtml: return "html";
  }
  return "?";
}

int run_trace(const TraceArgs& a) {
  const std::string cmd = std::string("synod trace ") + format_name(a.format);
  auto fail = [&](const std::string& message) {
    std::fprintf(stderr, "%s: %s\n", cmd.c_str(), message.c_str());
    return kExitUsage;
  };
  const trace::ProtocolNames names = known_protocols();
  auto window = parse_window(a, names);
  if (!window) return fail(window.status().message());
  if (a.spacing != "time" && a.spacing != "order")
    return fail("--spacing expects time or order, got '" + a.spacing + "'");

  std::vector<std::vector<OwnedEvent>> all;
  for (const auto& path : a.traces) {
    auto t = read_trace(path);
    if (!t) return fail(t.status().message());
    all.push_back(std::move(*t));
  }
  const std::vector<OwnedEvent> merged =
      all.size() == 1 ? std::move(all.front()) : merge_traces(std::move(all));
  const trace::Selection sel = trace::select_events(merged, *window);
  if (sel.events.empty()) return fail("no events in the selected window");

  std::string out;
  std::string summary;
  if (a.format == Format::kShiviz) {
    const trace::ShivizStats st = trace::write_shiviz(sel, names, out);
    summary = fmt::format("{} events on {} hosts", st.events, st.hosts);
    if (st.network_events != 0)
      summary += fmt::format("; {} network events (faults, drops) left out", st.network_events);
    if (st.unmatched_delivers != 0)
      summary += fmt::format("; {} deliveries without their send", st.unmatched_delivers);
  } else {
    trace::SpacetimeOptions opts;
    opts.spacing = a.spacing == "order" ? trace::Spacing::kOrder : trace::Spacing::kTime;
    opts.width_px = a.width;
    opts.names = names;
    if (!a.title.empty()) {
      opts.title = a.title;
    } else {
      opts.title = "Synod trace: ";
      for (std::size_t i = 0; i < a.traces.size(); ++i) opts.title += (i ? ", " : "") + a.traces[i];
    }
    const trace::SpacetimeStats st = a.format == Format::kSvg ? trace::render_svg(sel, opts, out)
                                                              : trace::render_html(sel, opts, out);
    summary = fmt::format(
        "{} nodes, {} messages, {} drops, {} crashes, {} inferred crashes ({} sends lost to them), "
        "{} restarts",
        st.rows, st.arrows, st.drops, st.crashes, st.inferred_crashes, st.lost, st.restarts);
  }
  if (sel.truncated) {
    summary +=
        fmt::format("; truncated to {} node events{} ({} more in the window)", sel.node_events,
                    sel.around_moments ? " around the crashes, faults and rare observations" : "",
                    sel.cut_events);
  }

  if (a.output == "-") {
    std::fwrite(out.data(), 1, out.size(), stdout);
    std::fprintf(stderr, "%s: %s\n", cmd.c_str(), summary.c_str());
    return kExitOk;
  }
  std::ofstream file(a.output, std::ios::binary | std::ios::trunc);
  if (!file || !file.write(out.data(), static_cast<std::streamsize>(out.size()))) {
    return fail("cannot write " + a.output);
  }
  std::printf("wrote %s: %s\n", a.output.c_str(), summary.c_str());
  return kExitOk;
}

void add_format(CLI::App& trace_app, Commands& out, Format format, const std::string& help) {
  auto args = std::make_shared<TraceArgs>();
  args->format = format;
  args->max_events = format == Format::kShiviz ? 0 : kDefaultMaxDiagramEvents;
  CLI::App* sub = trace_app.add_subcommand(format_name(format), help);
  sub->add_option("traces", args->traces,
                  "JSONL trace files (one per node of a real run, or a simulator's)")
      ->required();
  sub->add_option("-o,--output", args->output, "Output file ('-' for stdout)")
      ->capture_default_str();
  sub->add_option("--from", args->from,
                  "Start of the window, e.g. 1s or 1500ms after the trace's start");
  sub->add_option("--to", args->to, "End of the window");
  sub->add_option("--max-events", args->max_events, "Keep at most N node events (0: all)")
      ->capture_default_str();
  sub->add_option("--nodes", args->nodes, "Only these nodes, e.g. 1,2,3");
  sub->add_option("--protocol", args->protocol,
                  "Only this protocol's messages, timers and observations (name or id)");
  if (format != Format::kShiviz) {
    sub->add_option("--spacing", args->spacing, "time (true time) or order (one column per event)")
        ->capture_default_str();
    sub->add_option("--width", args->width,
                    "Width of the plot in pixels (default: from the number of events)");
    sub->add_option("--title", args->title, "Title shown above the diagram");
  }
  out.push_back({sub, [args] { return run_trace(*args); }});
}

struct MergeArgs {
  std::vector<std::string> traces;
  std::string output = "-";
};

// One execution from the per-node traces of a real run: ordered by time (ties by node, then each
// node's own order) and renumbered, written back as JSONL for `synod check` or other tools.
int run_merge(const MergeArgs& a) {
  std::vector<std::vector<OwnedEvent>> all;
  for (const auto& path : a.traces) {
    auto t = read_trace(path);
    if (!t) {
      std::fprintf(stderr, "synod trace merge: %s\n", t.status().message().c_str());
      return kExitUsage;
    }
    all.push_back(std::move(*t));
  }
  const auto merged = merge_traces(std::move(all));
  auto writer = TraceWriter::open(a.output);
  if (!writer) {
    std::fprintf(stderr, "synod trace merge: %s\n", writer.status().message().c_str());
    return kExitUsage;
  }
  for (const auto& e : merged) (*writer)->write(e.event);
  (*writer)->flush();
  if (a.output != "-") {
    std::printf("wrote %s: %zu events from %zu trace(s)\n", a.output.c_str(), merged.size(),
                a.traces.size());
  }
  return kExitOk;
}

void add_merge(CLI::App& trace_app, Commands& out) {
  auto args = std::make_shared<MergeArgs>();
  CLI::App* sub = trace_app.add_subcommand("merge", "Merge per-node traces into one JSONL trace");
  sub->add_option("traces", args->traces, "JSONL trace files")->required();
  sub->add_option("-o,--output", args->output, "Output file ('-' for stdout)")
      ->capture_default_str();
  out.push_back({sub, [args] { return run_merge(*args); }});
}

}  // namespace

void add_trace_command(CLI::App& app, Commands& out) {
  CLI::App* sub = app.add_subcommand("trace", "Export traces: ShiViz logs and space-time diagrams");
  sub->require_subcommand(1);
  add_format(*sub, out, Format::kShiviz,
             "Write a log that ShiViz (bestchai.bitbucket.io/shiviz) opens as is");
  add_format(*sub, out, Format::kSvg, "Draw a space-time diagram as a standalone SVG");
  add_format(*sub, out, Format::kHtml,
             "Draw a space-time diagram as a standalone HTML page with details on hover");
  add_merge(*sub, out);
}

}  // namespace synod::app
