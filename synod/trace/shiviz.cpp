#include "synod/trace/shiviz.hpp"

#include <deque>
#include <unordered_map>
#include <utility>
#include <vector>

#include "synod/trace/messages.hpp"
#include "synod/trace/processes.hpp"

namespace synod::trace {
namespace {

using Clock = std::vector<std::uint64_t>;  // dense: one entry per host

// Walks the events in an order ShiViz can accept: a host's events in trace order, and a delivery
// only after its send. Merged real-run traces can show a delivery before its send (wall clocks
// disagree), so such a host waits until the send has been written.
class Emitter {
 public:
  Emitter(const Selection& sel, const ProtocolNames& names, std::string& out)
      : sel_(sel),
        names_(names),
        out_(out),
        procs_(assign_processes(sel.events)),
        links_(link_messages(sel.events)),
        clocks_(procs_.processes.size(), Clock(procs_.processes.size(), 0)),
        pending_(procs_.processes.size()) {}

  ShivizStats run() {
    out_ += kShivizRegex;
    out_ += "\n\n";
    stats_.hosts = procs_.processes.size();
    for (std::size_t i = 0; i < sel_.events.size(); ++i) {
      const int p = procs_.of_event[i];
      if (p < 0) {
        ++stats_.network_events;
        continue;
      }
      pending_[static_cast<std::size_t>(p)].push_back(i);
      drain(static_cast<std::size_t>(p));
    }
    // Whatever still waits forms a cycle through skewed clocks: break it by treating the oldest
    // waiting delivery as local, then keep draining.
    for (bool progress = true; progress;) {
      progress = false;
      for (std::size_t p = 0; p < pending_.size(); ++p) {
        if (pending_[p].empty()) continue;
        write(pending_[p].front(), /*merge=*/false);
        pending_[p].pop_front();
        drain(p);
        progress = true;
        break;
      }
    }
    return stats_;
  }

 private:
  bool ready(std::size_t i) const {
    const std::int64_t send = links_.send_of[i];
    return sel_.events[i]->kind != EventKind::kDeliver || send == MessageLinks::kNone ||
           send_clocks_.count(static_cast<std::size_t>(send)) != 0;
  }

  // Writes the host's ready events; each send written may unblock waiting hosts.
  void drain(std::size_t first_host) {
    std::vector<std::size_t> work{first_host};
    while (!work.empty()) {
      const std::size_t p = work.back();
      work.pop_back();
      auto& q = pending_[p];
      while (!q.empty() && ready(q.front())) {
        const std::size_t i = q.front();
        q.pop_front();
        write(i, /*merge=*/true);
        if (auto w = waiters_.find(i); w != waiters_.end()) {
          work.insert(work.end(), w->second.begin(), w->second.end());
          waiters_.erase(w);
        }
      }
      if (!q.empty()) {
        waiters_[static_cast<std::size_t>(links_.send_of[q.front()])].push_back(p);
      }
    }
  }

  void write(std::size_t i, bool merge) {
    const Event& e = *sel_.events[i];
    const auto p = static_cast<std::size_t>(procs_.of_event[i]);
    Clock& c = clocks_[p];
    std::string note;
    if (e.kind == EventKind::kDeliver) {
      const std::int64_t send = links_.send_of[i];
      if (merge && send != MessageLinks::kNone) {
        const Clock& s = send_clocks_.at(static_cast<std::size_t>(send));
        for (std::size_t h = 0; h < c.size(); ++h) c[h] = std::max(c[h], s[h]);
      } else {
        ++stats_.unmatched_delivers;
        note = " (send not in this log)";
      }
    }
    ++c[p];
    if (e.kind == EventKind::kSend) {
      send_clocks_.emplace(i, c);
      if (const std::int64_t d = links_.first_drop_of[i]; d != MessageLinks::kNone) {
        note = " DROPPED";
        const Event& drop = *sel_.events[static_cast<std::size_t>(d)];
        if (!drop.what.empty()) note += " (" + std::string(drop.what) + ")";
      }
    }
    out_ += describe_event(e, names_);
    out_ += note;
    out_ += " @" + format_duration(Duration(e.time_ns - sel_.origin_ns));
    out_ += '\n';
    out_ += procs_.processes[p].name;
    out_ += " {";
    out_ += entry(p, c[p]);
    for (std::size_t h = 0; h < c.size(); ++h) {
      if (h != p && c[h] != 0) out_ += "," + entry(h, c[h]);
    }
    out_ += "}\n";
    ++stats_.events;
  }

  std::string entry(std::size_t host, std::uint64_t count) const {
    return "\"" + procs_.processes[host].name + "\":" + std::to_string(count);
  }

  const Selection& sel_;
  const ProtocolNames& names_;
  std::string& out_;
  ProcessMap procs_;
  MessageLinks links_;
  std::vector<Clock> clocks_;
  std::vector<std::deque<std::size_t>> pending_;
  std::unordered_map<std::size_t, Clock> send_clocks_;  // clock of each written send
  std::unordered_map<std::size_t, std::vector<std::size_t>>
      waiters_;  // send -> hosts waiting for it
  ShivizStats stats_;
};

}  // namespace

ShivizStats write_shiviz(const Selection& selection, const ProtocolNames& names, std::string& out) {
  return Emitter(selection, names, out).run();
}

}  // namespace synod::trace
