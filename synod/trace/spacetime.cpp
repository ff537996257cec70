#include "synod/trace/spacetime.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <optional>
#include <unordered_map>
#include <vector>

#include "synod/trace/messages.hpp"
#include "synod/trace/processes.hpp"
#include "synod/trace/svg_writer.hpp"

namespace synod::trace {
namespace {

// Node colours: distinguishable, none of them red (red means loss: drops, crashes, partitions).
constexpr const char* kPalette[] = {"#4e79a7", "#59a14f", "#b07aa1", "#f28e2b",
                                    "#76b7b2", "#9c755f", "#d37295", "#8c8c3a"};
constexpr const char* kLossRed = "#d62728";
constexpr const char* kRoutineGrey = "#9a9a9a";
constexpr const char* kFont = "DejaVu Sans, Helvetica, Arial, sans-serif";
constexpr double kCharWidth = 6.3;  // average width of an 11px label character, for overlap checks

constexpr double kLeft = 84;  // room for row labels
constexpr double kRight = 36;
constexpr double kAxisY = 74;

std::string colour_of(std::size_t row) { return kPalette[row % std::size(kPalette)]; }

// Labels on one row must not overlap: remember the spans taken above and below the line.
class LabelSlots {
 public:
  // Returns the y offset (relative to the row) for a label of `chars` at x, or nothing.
  std::optional<double> place(double x, std::size_t chars, bool prefer_below = false) {
    const double half = static_cast<double>(chars) * kCharWidth / 2 + 3;
    for (int attempt = 0; attempt < 2; ++attempt) {
      const bool below = (attempt == 0) == prefer_below;
      auto& taken = below ? below_ : above_;
      const bool clash = std::any_of(taken.begin(), taken.end(), [&](const auto& s) {
        return x - half < s.second && x + half > s.first;
      });
      if (!clash) {
        taken.emplace_back(x - half, x + half);
        return below ? 19.0 : -9.0;
      }
    }
    return std::nullopt;
  }

  void reserve_below(double x1, double x2) { below_.emplace_back(x1, x2); }

 private:
  std::vector<std::pair<double, double>> above_;
  std::vector<std::pair<double, double>> below_;
};

class Diagram {
 public:
  Diagram(const Selection& sel, const SpacetimeOptions& opts)
      : sel_(sel),
        opts_(opts),
        procs_(assign_processes(sel.events)),
        links_(link_messages(sel.events)),
        scale_(opts.spacing, sel.events, sel.from_ns, sel.to_ns, kLeft, plot_width(sel, opts)) {
    for (const Event* e : sel_.events) {
      if (e->node != kNoNode && e->kind != EventKind::kHeal) row_of_.emplace(e->node, 0);
    }
    std::size_t r = 0;
    for (auto& [node, row] : row_of_) row = r++;
    row_h_ = row_of_.size() <= 6 ? 84 : row_of_.size() <= 12 ? 64 : 40;
    first_row_y_ = kAxisY + 46;
    rows_bottom_ =
        first_row_y_ + row_h_ * static_cast<double>(std::max<std::size_t>(row_of_.size(), 1) - 1);
    routine_ = frequent_observations(sel.events);
    std::unordered_map<const Event*, std::size_t> index;
    for (std::size_t i = 0; i < sel.events.size(); ++i) index.emplace(sel.events[i], i);
    for (const InferredCrash& c : sel.inferred_crashes) {
      dead_[c.last->node].push_back(&c);
      if (auto it = index.find(c.last); it != index.end()) inferred_at_.emplace(it->second, &c);
    }
  }

  SpacetimeStats render(std::string& out) {
    const double width = scale_.right() + kRight;
    std::string legend_svg;
    const double legend_h = opts_.standalone ? legend(legend_svg, rows_bottom_ + 62, width) : 0;
    const double height = rows_bottom_ + (opts_.standalone ? 62 + legend_h : 48);
    out += fmt::format(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" viewBox=\"0 0 {} "
        "{}\" "
        "font-family=\"{}\" font-size=\"11\">\n",
        num(width), num(height), num(width), num(height), kFont);
    out += "<title>" + xml_escape(opts_.title) + "</title>\n";
    defs(out);
    out += fmt::format("<rect x=\"0\" y=\"0\" width=\"{}\" height=\"{}\" fill=\"#ffffff\"/>\n",
                       num(width), num(height));
    header(out);
    grid(out);
    cut_bands(out);
    network_faults(out);
    process_lines(out);
    messages(out);
    node_marks(out);
    row_labels(out);
    out += legend_svg;
    out += "</svg>\n";
    stats_.rows = row_of_.size();
    stats_.processes = procs_.processes.size();
    return stats_;
  }

 private:
  static double plot_width(const Selection& sel, const SpacetimeOptions& opts) {
    if (opts.width_px > 0) return opts.width_px;
    const double per_event = opts.spacing == Spacing::kOrder ? 7 : 3;
    return std::clamp(static_cast<double>(sel.node_events) * per_event, 900.0, 4000.0);
  }

  double row_y(NodeId node) const {
    return first_row_y_ + row_h_ * static_cast<double>(row_of_.at(node));
  }
  bool has_row(NodeId node) const { return row_of_.count(node) != 0; }
  std::string node_colour(NodeId node) const { return colour_of(row_of_.at(node)); }
  std::string rel(std::int64_t t_ns) const {
    return format_duration(Duration(t_ns - sel_.origin_ns));
  }

  // "t=1.2s n3 life 2: observe suspect peer=2 · lamport 12 · vc {1:4, 3:9}"
  std::string details(std::size_t i) const {
    const Event& e = *sel_.events[i];
    std::string who = e.node == kNoNode ? std::string("network") : "n" + std::to_string(e.node);
    if (procs_.of_event[i] >= 0)
      who = procs_.processes[static_cast<std::size_t>(procs_.of_event[i])].name;
    std::string s = "t=" + rel(e.time_ns) + " " + who + ": " + describe_event(e, opts_.names);
    if (e.lamport != 0) s += "\nlamport " + std::to_string(e.lamport) + " · vc " + format_vclock(e);
    return s;
  }

  // Observations that recur constantly (heartbeat's "beat", "learn") are drawn as small grey dots;
  // the rare ones ("suspect", "trust") get colour and a label.
  bool routine(const Event& e) const {
    return std::find(routine_.begin(), routine_.end(), e.what) != routine_.end();
  }

  void defs(std::string& out) const {
    out += "<defs>\n";
    for (std::size_t r = 0; r < std::max<std::size_t>(row_of_.size(), 1); ++r) {
      if (r >= std::size(kPalette)) break;
      out += fmt::format(
          "<marker id=\"ah{}\" viewBox=\"0 0 10 10\" refX=\"9.5\" refY=\"5\" markerWidth=\"7\" "
          "markerHeight=\"7\" orient=\"auto\"><path d=\"M0,0 L10,5 L0,10 z\" "
          "fill=\"{}\"/></marker>\n",
          r, colour_of(r));
    }
    out +=
        "<marker id=\"ahgrey\" viewBox=\"0 0 10 10\" refX=\"9.5\" refY=\"5\" markerWidth=\"7\" "
        "markerHeight=\"7\" orient=\"auto\"><path d=\"M0,0 L10,5 L0,10 z\" "
        "fill=\"#9a9a9a\"/></marker>\n";
    out +=
        "<pattern id=\"cuthatch\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" "
        "patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#f2f2f2\"/><line "
        "x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#d0d0d0\" stroke-width=\"2\"/></pattern>\n";
    out += "</defs>\n";
  }
  std::string arrow_marker(NodeId sender) const {
    return fmt::format("url(#ah{})", row_of_.at(sender) % std::size(kPalette));
  }

  void header(std::string& out) const {
    if (opts_.standalone) {
      out += fmt::format(
          "<text x=\"{}\" y=\"22\" font-size=\"15\" font-weight=\"bold\" fill=\"#222\">{}</text>\n",
          num(kLeft - 60), xml_escape(opts_.title));
    }
    std::size_t messages = 0;
    for (const Event* e : sel_.events) messages += e->kind == EventKind::kSend ? 1 : 0;
    const std::string sub = fmt::format(
        "window {} – {} · {} node{} · {} events · {} messages sent · spacing: {}",
        rel(sel_.from_ns), rel(sel_.to_ns), row_of_.size(), row_of_.size() == 1 ? "" : "s",
        sel_.node_events, messages, opts_.spacing == Spacing::kTime ? "true time" : "event order");
    const double y = opts_.standalone ? 40 : 24;  // the HTML page shows the title above the plot
    out += fmt::format("<text x=\"{}\" y=\"{}\" fill=\"#555\">{}</text>\n", num(kLeft - 60), num(y),
                       xml_escape(sub));
    if (sel_.truncated) {
      const std::string what =
          sel_.around_moments
              ? fmt::format(
                    "the {} node events nearest the crashes, restarts, faults and rare "
                    "observations; {} more left out (grey bands)",
                    sel_.node_events, sel_.cut_events)
              : fmt::format("the first {} node events; {} more in the window", sel_.node_events,
                            sel_.cut_events);
      out += fmt::format(
          "<text class=\"truncated\" x=\"{}\" y=\"{}\" fill=\"{}\">Truncated: showing {} (narrow "
          "it with --from/--to, --nodes or raise --max-events)</text>\n",
          num(kLeft - 60), num(y + 16), kLossRed, xml_escape(what));
    }
  }

  void grid(std::string& out) const {
    out += "<g class=\"grid\" stroke=\"#e6e6e6\" stroke-width=\"1\">\n";
    std::string labels;
    for (std::int64_t t : scale_.ticks(90, sel_.origin_ns)) {
      const double x = scale_.x_of_time(t);
      out += fmt::format("<line x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\"/>\n", num(x),
                         num(kAxisY), num(rows_bottom_ + 24));
      labels +=
          fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"#777\">{}</text>\n",
                      num(x), num(kAxisY - 5), rel(t));
    }
    out += "</g>\n" + labels;
    out += fmt::format("<line x1=\"{0}\" y1=\"{2}\" x2=\"{1}\" y2=\"{2}\" stroke=\"#bbb\"/>\n",
                       num(scale_.left()), num(scale_.right()), num(kAxisY));
  }

  // Where --max-events left events out: a grey hatched band, so an empty stretch is not mistaken
  // for a quiet one.
  void cut_bands(std::string& out) {
    if (sel_.gaps.empty()) return;
    const double top = kAxisY + 2;
    const double bottom = rows_bottom_ + 24;
    out += "<g class=\"cuts\">\n";
    for (const auto& g : sel_.gaps) {
      const double x1 = scale_.x_of_time(g.from_ns);
      const double x2 = std::max(scale_.x_of_time(g.to_ns), x1 + 4);
      out += fmt::format(
          "<g class=\"cut ev\"><title>{} node event{} left out by --max-events, {} to {}</title>"
          "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"url(#cuthatch)\"/></g>\n",
          g.events, g.events == 1 ? "" : "s", rel(g.from_ns), rel(g.to_ns), num(x1), num(top),
          num(x2 - x1), num(bottom - top));
      ++stats_.gaps;
    }
    out += "</g>\n";
  }

  // Partitions become shaded bands until healed; a full heal is a dashed green line; faults on
  // one node (clog, clock step/drift) become a diamond on its line.
  void network_faults(std::string& out) {
    const double top = kAxisY + 2;
    const double bottom = rows_bottom_ + 24;
    std::optional<std::pair<double, std::int64_t>> open;
    std::string what;
    auto close = [&](double x2, std::int64_t t2, const std::string& why) {
      const double x1 = open->first;
      out += fmt::format(
          "<g class=\"band ev\"><title>{}</title><rect x=\"{}\" y=\"{}\" width=\"{}\" "
          "height=\"{}\" "
          "fill=\"#f6d5d1\" fill-opacity=\"0.55\"/><text x=\"{}\" y=\"{}\" fill=\"#b03a2e\" "
          "font-weight=\"bold\">{}</text></g>\n",
          xml_escape(what + " from " + rel(open->second) + " to " + rel(t2) + why), num(x1),
          num(top), num(std::max(x2 - x1, 2.0)), num(bottom - top), num(x1 + 4), num(top + 13),
          xml_escape(what));
      ++stats_.bands;
      open.reset();
    };
    for (std::size_t i = 0; i < sel_.events.size(); ++i) {
      const Event& e = *sel_.events[i];
      const double x = scale_.x_of_event(i);
      if (e.kind == EventKind::kFault && e.node == kNoNode &&
          (e.what == "partition" || e.what == "oneway")) {
        if (!open) {
          open.emplace(x, e.time_ns);
          what = std::string(e.what);
        }
      } else if ((e.kind == EventKind::kFault && e.what.starts_with("heal")) ||
                 e.kind == EventKind::kHeal) {
        if (open) close(x, e.time_ns, "");
        if (e.kind == EventKind::kHeal) {
          out += fmt::format(
              "<g class=\"heal ev\"><title>{}</title><line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" "
              "stroke=\"#2e8b57\" "
              "stroke-width=\"1.5\" stroke-dasharray=\"5,4\"/><text x=\"{}\" y=\"{}\" "
              "fill=\"#2e8b57\">{}</text></g>\n",
              xml_escape(details(i)), num(x), num(top), num(x), num(bottom), num(x + 4),
              num(bottom - 4),
              xml_escape(e.what.empty() ? std::string("heal") : std::string(e.what)));
        }
      } else if (e.kind == EventKind::kFault && e.node != kNoNode && has_row(e.node)) {
        const double y = row_y(e.node);
        out += fmt::format(
            "<g class=\"fault ev\"><title>{}</title><path d=\"M{},{} l6,6 l-6,6 l-6,-6 z\" "
            "fill=\"#e67e22\"/>"
            "<text x=\"{}\" y=\"{}\" fill=\"#c0651a\">{}</text></g>\n",
            xml_escape(details(i)), num(x), num(y - 6), num(x + 8), num(y + 18),
            xml_escape(e.what));
      } else if (e.kind == EventKind::kFault) {
        out += fmt::format(
            "<g class=\"fault ev\"><title>{}</title><line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" "
            "stroke=\"#e67e22\" "
            "stroke-dasharray=\"2,3\"/><text x=\"{}\" y=\"{}\" fill=\"#c0651a\">{}</text></g>\n",
            xml_escape(details(i)), num(x), num(top), num(x), num(bottom), num(x + 4),
            num(top + 13), xml_escape(e.what));
      }
    }
    if (open) close(scale_.right(), sel_.to_ns, " (still in force at the end of the window)");
  }

  // One segment per process on its node's row: from its start (or the window's left edge) to its
  // crash (or the right edge); paused stretches are dashed.
  void process_lines(std::string& out) {
    struct Segment {
      double x1 = 0, x2 = 0;
      bool began = false, crashed = false;
      std::vector<std::pair<double, double>> paused;
      std::optional<double> pause_x;
    };
    std::vector<Segment> segs(procs_.processes.size());
    std::vector<bool> seen(procs_.processes.size(), false);
    for (std::size_t i = 0; i < sel_.events.size(); ++i) {
      const int p = procs_.of_event[i];
      if (p < 0) continue;
      Segment& s = segs[static_cast<std::size_t>(p)];
      const Event& e = *sel_.events[i];
      const double x = scale_.x_of_event(i);
      if (!seen[static_cast<std::size_t>(p)]) {
        seen[static_cast<std::size_t>(p)] = true;
        s.began = e.kind == EventKind::kStart || e.kind == EventKind::kRecover;
        s.x1 = s.began ? x : scale_.left();
      }
      s.x2 = x;
      if (e.kind == EventKind::kCrash) s.crashed = true;
      if (inferred_at_.count(i) != 0) {
        s.crashed = true;
        s.x2 = inferred_x(i);
      }
      if (e.kind == EventKind::kPause) s.pause_x = x;
      if (e.kind == EventKind::kResume) {
        s.paused.emplace_back(s.pause_x.value_or(s.x1), x);
        s.pause_x.reset();
      }
    }
    for (std::size_t p = 0; p < segs.size(); ++p) {
      Segment& s = segs[p];
      if (!s.crashed) s.x2 = scale_.right();
      if (s.pause_x) s.paused.emplace_back(*s.pause_x, s.x2);
      const Process& proc = procs_.processes[p];
      const double y = row_y(proc.node);
      out += fmt::format(
          "<line class=\"life\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{}\" "
          "stroke-width=\"2.5\"/>\n",
          num(s.x1), num(y), num(std::max(s.x2, s.x1 + 1)), num(y), node_colour(proc.node));
      for (const auto& [a, b] : s.paused) {
        out += fmt::format(
            "<line class=\"paused\" x1=\"{0}\" y1=\"{2}\" x2=\"{1}\" y2=\"{2}\" stroke=\"#ffffff\" "
            "stroke-width=\"3\" "
            "stroke-dasharray=\"4,4\"/>\n",
            num(a), num(b), num(y));
      }
      if (proc.life > 1) {
        const std::string text = "life " + std::to_string(proc.life);
        slots_[proc.node].reserve_below(s.x1,
                                        s.x1 + 6 + static_cast<double>(text.size()) * kCharWidth);
        out += fmt::format("<text x=\"{}\" y=\"{}\" fill=\"{}\" font-style=\"italic\">{}</text>\n",
                           num(s.x1 + 6), num(y + 19), node_colour(proc.node), xml_escape(text));
      }
    }
  }

  // An inferred crash is drawn just after the life's last event (it happened some time after it).
  double inferred_x(std::size_t i) const {
    return std::min(scale_.x_of_event(i) + 7, scale_.right());
  }

  // The inferred crash of `node` that a send at `t_ns` arrived after, if any: it was lost.
  const InferredCrash* dead_at(NodeId node, std::int64_t t_ns) const {
    auto it = dead_.find(node);
    if (it == dead_.end()) return nullptr;
    for (const InferredCrash* c : it->second) {
      if (t_ns > c->last->time_ns && (c->next_life_ns < 0 || t_ns < c->next_life_ns)) return c;
    }
    return nullptr;
  }

  void messages(std::string& out) {
    out += "<g class=\"messages\" stroke-width=\"1.3\" fill=\"none\">\n";
    for (std::size_t i = 0; i < sel_.events.size(); ++i) {
      const Event& e = *sel_.events[i];
      if (e.kind == EventKind::kDeliver) {
        deliver_arrow(out, i);
      } else if (e.kind == EventKind::kDrop) {
        drop_mark(out, i);
      } else if (e.kind == EventKind::kSend && links_.deliveries[i] == 0 &&
                 links_.first_drop_of[i] == MessageLinks::kNone && has_row(e.node) &&
                 has_row(e.peer)) {
        const double x = scale_.x_of_event(i);
        const double y1 = row_y(e.node);
        if (const InferredCrash* c = dead_at(e.peer, e.time_ns)) {
          // Sent to a node that had already died: it ends part-way at a hollow red ring.
          const double y2 = y1 + (row_y(e.peer) - y1) * 0.6;
          out += fmt::format(
              "<g class=\"msg-lost ev\"><title>{}\n(lost: n{} had crashed; its trace ends at {}, "
              "n{} "
              "suspected it at {})</title><line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" "
              "stroke=\"{}\" "
              "stroke-opacity=\"0.55\" stroke-dasharray=\"2,2\"/><circle cx=\"{}\" cy=\"{}\" "
              "r=\"2.6\" "
              "fill=\"#fff\" stroke=\"{}\" stroke-width=\"1.3\"/></g>\n",
              xml_escape(details(i)), e.peer, rel(c->last->time_ns), c->suspected_by,
              rel(c->suspected_ns), num(x), num(y1), num(x + 12), num(y2), kLossRed, num(x + 12),
              num(y2), kLossRed);
          ++stats_.lost;
          continue;
        }
        // In flight at the end of the window (or its fate is outside it): a short dashed stub.
        const double y2 = y1 + (row_y(e.peer) - y1) * 0.3;
        out += fmt::format(
            "<g class=\"msg-out ev\"><title>{}\n(no delivery shown: outside the window or "
            "cut)</title><line "
            "x1=\"{}\" y1=\"{}\" "
            "x2=\"{}\" y2=\"{}\" stroke=\"#9a9a9a\" stroke-dasharray=\"3,3\" "
            "marker-end=\"url(#ahgrey)\"/></g>\n",
            xml_escape(details(i)), num(x), num(y1), num(x + 10), num(y2));
      }
    }
    out += "</g>\n";
  }

  void deliver_arrow(std::string& out, std::size_t i) {
    const Event& d = *sel_.events[i];
    // With --nodes, messages from hidden nodes are left out rather than drawn as stubs.
    if (!has_row(d.node) || !has_row(d.peer)) return;
    const std::int64_t si = links_.send_of[i];
    const double x2 = scale_.x_of_event(i);
    const double y2 = row_y(d.node);
    if (si == MessageLinks::kNone) {
      // The send is outside the window: a dashed stub coming from the sender's side.
      const double dir = row_y(d.peer) < y2 ? -1 : 1;
      out += fmt::format(
          "<g class=\"msg-in ev\"><title>{}\n(send not shown: outside the window or "
          "cut)</title><line x1=\"{}\" "
          "y1=\"{}\" x2=\"{}\" "
          "y2=\"{}\" stroke=\"#9a9a9a\" stroke-dasharray=\"3,3\" "
          "marker-end=\"url(#ahgrey)\"/></g>\n",
          xml_escape(details(i)), num(x2 - 10), num(y2 + dir * row_h_ * 0.3), num(x2), num(y2));
      return;
    }
    const Event& s = *sel_.events[static_cast<std::size_t>(si)];
    const double x1 = scale_.x_of_event(static_cast<std::size_t>(si));
    const double y1 = row_y(s.node);
    std::string title = fmt::format("n{} → n{} · {} {}B", s.node, d.node,
                                    protocol_label(opts_.names, s.protocol), s.bytes);
    if (s.msg_id != 0) title += fmt::format(" [m={}]", s.msg_id);
    title += "\nsent " + rel(s.time_ns) + stamp(s) + "\ndelivered " + rel(d.time_ns) + stamp(d);
    title += "\nlatency " + format_duration(Duration(d.time_ns - s.time_ns));
    if (links_.deliveries[static_cast<std::size_t>(si)] > 1) title += " (duplicated)";
    out += fmt::format(
        "<g class=\"msg ev\"><title>{}</title><line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" "
        "stroke=\"{}\" "
        "stroke-opacity=\"0.8\" marker-end=\"{}\"/></g>\n",
        xml_escape(title), num(x1), num(y1), num(x2), num(y2), node_colour(s.node),
        arrow_marker(s.node));
    ++stats_.arrows;
  }

  static std::string stamp(const Event& e) {
    if (e.lamport == 0) return "";
    return " (lamport " + std::to_string(e.lamport) + ", vc " + format_vclock(e) + ")";
  }

  // A dropped message: an arrow from its send heading for the receiver that stops part-way at a
  // red X. The drop event is recorded at the sender; `what` says why (partition, loss, receiver
  // down).
  void drop_mark(std::string& out, std::size_t i) {
    const Event& d = *sel_.events[i];
    if (!has_row(d.node) || !has_row(d.peer)) return;
    const std::int64_t si = links_.send_of[i];
    const double y1 = row_y(d.node);
    const double x1 = si == MessageLinks::kNone ? scale_.x_of_event(i)
                                                : scale_.x_of_event(static_cast<std::size_t>(si));
    const double y_to = row_y(d.peer);
    // The X sits most of the way to the receiver so the intended target is unambiguous.
    const double x2 = std::max(scale_.x_of_event(i), x1 + 14);
    const double y2 = y1 + (y_to - y1) * 0.78;
    std::string title = details(i);
    if (si != MessageLinks::kNone)
      title += "\nsent " + rel(sel_.events[static_cast<std::size_t>(si)]->time_ns);
    out += fmt::format(
        "<g class=\"drop ev\"><title>{}</title><line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" "
        "stroke=\"{}\" "
        "stroke-opacity=\"0.7\" stroke-dasharray=\"4,2\"/>{}</g>\n",
        xml_escape(title), num(x1), num(y1), num(x2), num(y2), kLossRed, cross(x2, y2, 4, 2));
    ++stats_.drops;
  }

  static std::string cross(double x, double y, double r, double width) {
    return fmt::format(
        "<path d=\"M{},{} L{},{} M{},{} L{},{}\" stroke=\"{}\" stroke-width=\"{}\" "
        "stroke-linecap=\"round\" "
        "fill=\"none\"/>",
        num(x - r), num(y - r), num(x + r), num(y + r), num(x - r), num(y + r), num(x + r),
        num(y - r), kLossRed, num(width));
  }

  std::string label(LabelSlots& slots, double x, double y, const std::string& text,
                    const char* colour, bool prefer_below = false) {
    // Keep labels clear of the row names on the left and inside the picture on the right.
    const double half = static_cast<double>(text.size()) * kCharWidth / 2;
    x = std::clamp(x, scale_.left() + half, scale_.right() + kRight - 4 - half);
    auto dy = slots.place(x, text.size(), prefer_below);
    if (!dy) return "";
    return fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"{}\">{}</text>",
                       num(x), num(y + *dy), colour, xml_escape(text));
  }

  // Marks on the process lines: sends, timers, observations, starts, restarts, pauses, crashes.
  // Three layers, drawn in this order: small marks, labelled observations, then the lives' marks
  // (start, restart, crash, pause), so nothing ever hides a restart or a crash. The lives' labels
  // take their place first for the same reason.
  void node_marks(std::string& out) {
    std::string marks;
    std::string notable;
    std::string lives;
    for (int pass = 0; pass < 2; ++pass) {
      for (std::size_t i = 0; i < sel_.events.size(); ++i) {
        const Event& e = *sel_.events[i];
        if (procs_.of_event[i] < 0 || !has_row(e.node)) continue;
        const bool life_mark = is_life_mark(e.kind) || inferred_at_.count(i) != 0;
        if (life_mark != (pass == 0)) continue;
        if (pass == 0) {
          life_marks(lives, i);
        } else {
          other_marks(marks, notable, i);
        }
      }
    }
    out += marks;
    out += notable;
    out += lives;
  }

  static bool is_life_mark(EventKind k) {
    return k == EventKind::kStart || k == EventKind::kRecover || k == EventKind::kCrash ||
           k == EventKind::kPause || k == EventKind::kResume;
  }

  void life_marks(std::string& out, std::size_t i) {
    const Event& e = *sel_.events[i];
    const double x = scale_.x_of_event(i);
    const double y = row_y(e.node);
    life_xs_[e.node].push_back(inferred_at_.count(i) != 0 ? inferred_x(i) : x);
    const std::string t = xml_escape(details(i));
    LabelSlots& ls = slots_[e.node];
    switch (e.kind) {
      case EventKind::kStart:
        out += fmt::format(
            "<circle class=\"start ev\" cx=\"{}\" cy=\"{}\" r=\"3.5\" fill=\"#fff\" stroke=\"{}\" "
            "stroke-width=\"1.8\"><title>{}</title></circle>\n",
            num(x), num(y), node_colour(e.node), t);
        break;
      case EventKind::kRecover:
        out += fmt::format(
            "<g class=\"restart ev\"><title>{}</title><circle cx=\"{}\" cy=\"{}\" r=\"5\" "
            "fill=\"#2e8b57\" stroke=\"#fff\" stroke-width=\"1\"/>{}</g>\n",
            t, num(x), num(y), label(ls, x, y, "restart", "#2e8b57"));
        ++stats_.restarts;
        break;
      case EventKind::kCrash:
        out += fmt::format(
            "<g class=\"crash ev\"><title>{}</title><rect x=\"{}\" y=\"{}\" width=\"12\" "
            "height=\"12\" fill=\"#fff\" fill-opacity=\"0.85\"/>{}{}</g>\n",
            t, num(x - 6), num(y - 6), cross(x, y, 6, 3),
            label(ls, x, y, "crash", kLossRed, /*prefer_below=*/true));
        ++stats_.crashes;
        break;
      case EventKind::kPause:
      case EventKind::kResume:
        out += fmt::format(
            "<g class=\"{} ev\"><title>{}</title><rect x=\"{}\" y=\"{}\" width=\"2.5\" "
            "height=\"12\" fill=\"#555\"/><rect x=\"{}\" y=\"{}\" width=\"2.5\" height=\"12\" "
            "fill=\"#555\"/>{}</g>\n",
            event_kind_name(e.kind), t, num(x - 3.5), num(y - 6), num(x + 1), num(y - 6),
            label(ls, x, y, std::string(event_kind_name(e.kind)), "#555"));
        break;
      default: break;
    }
    if (auto it = inferred_at_.find(i); it != inferred_at_.end())
      inferred_mark(out, i, *it->second);
  }

  // A life that ended without a record: a dashed ring around a red X, labelled "crash (inferred)".
  void inferred_mark(std::string& out, std::size_t i, const InferredCrash& c) {
    const Event& e = *sel_.events[i];
    const double x = inferred_x(i);
    const double y = row_y(e.node);
    const std::string why = fmt::format(
        "inferred crash of {}: its trace ends at {} ({}) and n{} suspected it at {}",
        procs_.processes[static_cast<std::size_t>(procs_.of_event[i])].name, rel(e.time_ns),
        describe_event(e, opts_.names), c.suspected_by, rel(c.suspected_ns));
    out += fmt::format(
        "<g class=\"crash-inferred ev\"><title>{}</title><circle cx=\"{}\" cy=\"{}\" r=\"8\" "
        "fill=\"#fff\" fill-opacity=\"0.85\" stroke=\"{}\" stroke-width=\"1.2\" "
        "stroke-dasharray=\"2.5,2\"/>{}{}</g>\n",
        xml_escape(why), num(x), num(y), kLossRed, cross(x, y, 4.5, 2.4),
        label(slots_[e.node], x, y, "crash (inferred)", kLossRed, /*prefer_below=*/true));
    ++stats_.inferred_crashes;
  }

  void other_marks(std::string& marks, std::string& notable, std::size_t i) {
    const Event& e = *sel_.events[i];
    const double x = scale_.x_of_event(i);
    const double y = row_y(e.node);
    const std::string t = xml_escape(details(i));
    switch (e.kind) {
      case EventKind::kSend:
        marks += fmt::format(
            "<circle class=\"send ev\" cx=\"{}\" cy=\"{}\" r=\"2.4\" fill=\"{}\"><title>{}</title>"
            "</circle>\n",
            num(x), num(y), node_colour(e.node), t);
        break;
      case EventKind::kTimer:
        marks += fmt::format(
            "<line class=\"timer ev\" x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\" stroke=\"#777\" "
            "stroke-width=\"1.2\"><title>{3}</title></line>\n",
            num(x), num(y - 5), num(y + 5), t);
        break;
      case EventKind::kObserve:
        if (routine(e)) {
          marks += fmt::format(
              "<circle class=\"obs-routine ev\" cx=\"{}\" cy=\"{}\" r=\"1.8\" fill=\"{}\"><title>{}"
              "</title></circle>\n",
              num(x), num(y - 5), kRoutineGrey, t);
        } else {
          // On a life's mark (a restart and what the new life observes at that instant) the dot
          // moves right, after the mark, so both stay visible; the tooltip keeps the time.
          double dot_x = x;
          for (double lx : life_xs_[e.node]) {
            if (std::abs(lx - dot_x) < 9.5) dot_x = lx + 9.5;
          }
          for (double ox : shifted_[e.node]) {
            if (std::abs(ox - dot_x) < 8.5) dot_x = ox + 8.5;
          }
          if (dot_x != x) shifted_[e.node].push_back(dot_x);
          notable += fmt::format(
              "<g class=\"obs ev\"><title>{}</title><circle cx=\"{}\" cy=\"{}\" r=\"4.2\" "
              "fill=\"#f1b80a\" stroke=\"#7a5c00\" stroke-width=\"0.8\"/>{}</g>\n",
              t, num(dot_x), num(y),
              label(slots_[e.node], dot_x, y, observation_label(e), "#6b5200"));
          ++stats_.observations;
        }
        break;
      default: break;
    }
  }

  void row_labels(std::string& out) const {
    for (const auto& [node, row] : row_of_) {
      const double y = row_y(node);
      out += fmt::format(
          "<text class=\"row\" x=\"{}\" y=\"{}\" text-anchor=\"end\" font-size=\"14\" "
          "font-weight=\"bold\" fill=\"{}\">n{}</text>\n",
          num(kLeft - 14), num(y + 5), colour_of(row), node);
    }
  }

  // Glyphs drawn the same way as in the diagram, with a few words each, wrapped to the width.
  // Returns the height used below `y`.
  double legend(std::string& out, double y, double width) const {
    const double x0 = kLeft - 60;
    const double y0 = y;
    double x = x0;
    // Items are laid out in order; one that would cross the right edge starts a new line (its glyph
    // coordinates are computed from x/y, so they are drawn after the wrap decision).
    auto item = [&](const std::function<std::string()>& glyph, const std::string& text) {
      const double w = 30 + static_cast<double>(text.size()) * kCharWidth + 22;
      if (x > x0 && x + w > width - 10) {
        x = x0;
        y += 22;
      }
      out += glyph();
      out += fmt::format("<text x=\"{}\" y=\"{}\" fill=\"#333\">{}</text>\n", num(x + 30),
                         num(y + 4), xml_escape(text));
      x += w;
    };
    out += "<g class=\"legend\">\n";
    out += fmt::format("<text x=\"{}\" y=\"{}\" fill=\"#555\" font-weight=\"bold\">Legend</text>\n",
                       num(x), num(y - 18));
    item(
        [&] {
          return fmt::format(
              "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{}\" stroke-width=\"1.3\" "
              "marker-end=\"url(#ah0)\"/>\n",
              num(x), num(y + 6), num(x + 24), num(y - 6), colour_of(0));
        },
        "message (sender's colour)");
    item(
        [&] {
          return fmt::format(
              "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{}\" "
              "stroke-dasharray=\"4,2\"/>{}\n",
              num(x), num(y + 6), num(x + 20), num(y - 3), kLossRed, cross(x + 20, y - 3, 4, 2));
        },
        "dropped message");
    item(
        [&] {
          return fmt::format(
              "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#9a9a9a\" "
              "stroke-dasharray=\"3,3\" "
              "marker-end=\"url(#ahgrey)\"/>\n",
              num(x + 6), num(y + 6), num(x + 18), num(y - 6));
        },
        "other end not shown (outside the window or cut)");
    item([&] { return cross(x + 12, y, 6, 3) + "\n"; }, "crash (line ends)");
    item(
        [&] {
          return fmt::format(
                     "<circle cx=\"{}\" cy=\"{}\" r=\"8\" fill=\"#fff\" stroke=\"{}\" "
                     "stroke-width=\"1.2\" stroke-dasharray=\"2.5,2\"/>",
                     num(x + 12), num(y), kLossRed) +
                 cross(x + 12, y, 4.5, 2.4) + "\n";
        },
        "inferred crash (trace ends, peers suspect it)");
    item(
        [&] {
          return fmt::format(
              "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{}\" stroke-opacity=\"0.55\" "
              "stroke-dasharray=\"2,2\"/><circle cx=\"{}\" cy=\"{}\" r=\"2.6\" fill=\"#fff\" "
              "stroke=\"{}\" stroke-width=\"1.3\"/>\n",
              num(x + 8), num(y - 7), num(x + 18), num(y + 5), kLossRed, num(x + 18), num(y + 5),
              kLossRed);
        },
        "sent to a crashed node (lost)");
    item(
        [&] {
          return fmt::format("<circle cx=\"{}\" cy=\"{}\" r=\"5\" fill=\"#2e8b57\"/>\n",
                             num(x + 12), num(y));
        },
        "restart (new life)");
    item(
        [&] {
          return fmt::format(
              "<rect x=\"{}\" y=\"{}\" width=\"24\" height=\"14\" fill=\"#f6d5d1\"/>\n", num(x),
              num(y - 7));
        },
        "partition");
    if (!sel_.gaps.empty()) {
      item(
          [&] {
            return fmt::format(
                "<rect x=\"{}\" y=\"{}\" width=\"24\" height=\"14\" fill=\"url(#cuthatch)\"/>\n",
                num(x), num(y - 7));
          },
          "events left out by --max-events");
    }
    item(
        [&] {
          return fmt::format(
              "<line x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\" stroke=\"#2e8b57\" "
              "stroke-width=\"1.5\" "
              "stroke-dasharray=\"5,4\"/>\n",
              num(x + 12), num(y - 8), num(y + 8));
        },
        "all healed");
    item(
        [&] {
          return fmt::format("<path d=\"M{},{} l6,6 l-6,6 l-6,-6 z\" fill=\"#e67e22\"/>\n",
                             num(x + 12), num(y - 6));
        },
        "node fault");
    item(
        [&] {
          return fmt::format(
              "<circle cx=\"{}\" cy=\"{}\" r=\"4.2\" fill=\"#f1b80a\" stroke=\"#7a5c00\" "
              "stroke-width=\"0.8\"/>\n",
              num(x + 12), num(y));
        },
        "observation");
    item(
        [&] {
          return fmt::format("<circle cx=\"{}\" cy=\"{}\" r=\"1.8\" fill=\"{}\"/>\n", num(x + 12),
                             num(y), kRoutineGrey);
        },
        "frequent observation");
    item(
        [&] {
          return fmt::format(
              "<line x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\" stroke=\"#777\" "
              "stroke-width=\"1.2\"/>\n",
              num(x + 12), num(y - 5), num(y + 5));
        },
        "timer");
    out += fmt::format(
        "<text x=\"{}\" y=\"{}\" fill=\"#777\">Hover any mark for its time, Lamport and vector "
        "clock.</text>\n",
        num(x0), num(y + 26));
    out += "</g>\n";
    return y + 40 - y0;
  }

  const Selection& sel_;
  const SpacetimeOptions& opts_;
  ProcessMap procs_;
  MessageLinks links_;
  TimeScale scale_;
  std::map<NodeId, std::size_t> row_of_;
  double row_h_ = 80;
  double first_row_y_ = 0;
  double rows_bottom_ = 0;
  std::map<NodeId, LabelSlots> slots_;             // label spans taken on each row
  std::map<NodeId, std::vector<double>> life_xs_;  // where each row's life marks are
  std::map<NodeId, std::vector<double>> shifted_;  // observation dots moved off a life mark
  std::vector<std::string> routine_;
  std::map<std::size_t, const InferredCrash*> inferred_at_;   // by index of the life's last event
  std::map<NodeId, std::vector<const InferredCrash*>> dead_;  // every inferred crash of a node
  SpacetimeStats stats_;
};

}  // namespace

SpacetimeStats render_svg(const Selection& selection, const SpacetimeOptions& options,
                          std::string& out) {
  return Diagram(selection, options).render(out);
}

}  // namespace synod::trace
