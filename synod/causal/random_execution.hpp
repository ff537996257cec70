// Test support: random message-passing executions and their true happened-before relation.
//
// An execution is a sequence of events over N processes, each a local event, a send to another
// process, or the receive of a message sent earlier and not yet delivered. Messages are delivered
// in random order (channels are not FIFO) and some are never delivered. The sequence is a valid
// global order (every send precedes its receive), so replaying it in order drives any clock.
//
// Each event also carries the physical time of its process's clock: true time advances by a
// random step per event and each process reads it with a fixed offset in [0, max_skew], so any
// two clocks differ by at most max_skew (the paper's eps) and every clock is monotonic.
//
// happened_before() is computed independently of any clock, by reachability in the graph whose
// edges are process order (each event to the next on its process) and message edges (send to
// receive): Lamport's definition of ->.
//
// Deterministic: the same seed gives the same execution. Header-only, test code only.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "synod/core/assert.hpp"
#include "synod/core/rng.hpp"
#include "synod/core/time.hpp"
#include "synod/core/types.hpp"

namespace synod::causal::testing {

enum class EventKind : std::uint8_t { kLocal, kSend, kReceive };

struct ExecEvent {
  int process = 0;  // index into RandomExecution::nodes
  EventKind kind = EventKind::kLocal;
  int message = -1;  // send/receive: index into RandomExecution::messages
  int peer = -1;     // send: destination process; receive: source process
  Time pt;           // the process's physical clock reading at this event
};

struct ExecMessage {
  int send_event = -1;
  int receive_event = -1;  // -1: never delivered
};

struct ExecutionParams {
  int processes = 4;
  int events = 40;  // total events over all processes
  double p_send = 0.35;
  double p_receive = 0.35;  // if a message is waiting; otherwise a local event
  Duration max_skew = std::chrono::milliseconds(5);
  Duration max_step = std::chrono::microseconds(200);  // true time advance between events
};

class RandomExecution {
 public:
  std::vector<NodeId> nodes;      // distinct, arbitrary ids (not 0..N-1), one per process
  std::vector<Duration> offsets;  // each process's clock offset, in [0, max_skew]
  std::vector<ExecEvent> events;
  std::vector<ExecMessage> messages;

  static RandomExecution generate(Rng& rng, const ExecutionParams& p) {
    SYNOD_ASSERT(p.processes >= 1 && p.events >= 0);
    RandomExecution x;
    for (int i = 0; i < p.processes; ++i) {
      NodeId id = 0;
      bool fresh = false;
      while (!fresh) {
        id = static_cast<NodeId>(rng.between(1, 1'000'000));
        fresh = true;
        for (NodeId n : x.nodes) fresh = fresh && n != id;
      }
      x.nodes.push_back(id);
      x.offsets.emplace_back(rng.between(0, p.max_skew.count()));
    }
    std::vector<std::vector<int>> in_flight(static_cast<std::size_t>(p.processes));
    std::int64_t true_ns = 1'700'000'000'000'000'000;  // a realistic epoch time
    for (int k = 0; k < p.events; ++k) {
      true_ns += rng.between(1, p.max_step.count());
      ExecEvent e;
      e.process = static_cast<int>(rng.below(static_cast<std::uint64_t>(p.processes)));
      e.pt = Time{true_ns + x.offsets[static_cast<std::size_t>(e.process)].count()};
      auto& inbox = in_flight[static_cast<std::size_t>(e.process)];
      const double u = rng.unit();
      if (u < p.p_send && p.processes > 1) {
        int to = static_cast<int>(rng.below(static_cast<std::uint64_t>(p.processes - 1)));
        if (to >= e.process) ++to;
        e.kind = EventKind::kSend;
        e.peer = to;
        e.message = static_cast<int>(x.messages.size());
        x.messages.push_back({k, -1});
        in_flight[static_cast<std::size_t>(to)].push_back(e.message);
      } else if (u < p.p_send + p.p_receive && !inbox.empty()) {
        const std::size_t pick = rng.below(inbox.size());  // random delivery order
        e.kind = EventKind::kReceive;
        e.message = inbox[pick];
        inbox.erase(inbox.begin() + static_cast<std::ptrdiff_t>(pick));
        auto& m = x.messages[static_cast<std::size_t>(e.message)];
        m.receive_event = k;
        e.peer = x.events[static_cast<std::size_t>(m.send_event)].process;
      }
      x.events.push_back(e);
    }
    x.compute_happened_before();
    return x;
  }

  // e -> f (strict: false when e == f).
  bool happened_before(int e, int f) const {
    return hb_[static_cast<std::size_t>(e) * events.size() + static_cast<std::size_t>(f)];
  }
  bool concurrent(int e, int f) const {
    return e != f && !happened_before(e, f) && !happened_before(f, e);
  }
  int size() const { return static_cast<int>(events.size()); }

  // The largest difference between two processes' clocks (at most max_skew).
  Duration skew() const {
    Duration lo = offsets.front();
    Duration hi = offsets.front();
    for (Duration o : offsets) {
      lo = std::min(lo, o);
      hi = std::max(hi, o);
    }
    return hi - lo;
  }

 private:
  // Reachability by depth-first search from every event over the process-order and message
  // edges; deliberately independent of the generation order.
  void compute_happened_before() {
    const std::size_t n = events.size();
    std::vector<std::vector<int>> succ(n);
    std::vector<int> last(nodes.size(), -1);
    for (std::size_t k = 0; k < n; ++k) {
      int& prev = last[static_cast<std::size_t>(events[k].process)];
      if (prev >= 0) succ[static_cast<std::size_t>(prev)].push_back(static_cast<int>(k));
      prev = static_cast<int>(k);
    }
    for (const ExecMessage& m : messages) {
      if (m.receive_event >= 0)
        succ[static_cast<std::size_t>(m.send_event)].push_back(m.receive_event);
    }
    hb_.assign(n * n, false);
    std::vector<int> stack;
    for (std::size_t s = 0; s < n; ++s) {
      stack.assign(succ[s].begin(), succ[s].end());
      while (!stack.empty()) {
        const auto v = static_cast<std::size_t>(stack.back());
        stack.pop_back();
        if (hb_[s * n + v]) continue;
        hb_[s * n + v] = true;
        for (int w : succ[v]) stack.push_back(w);
      }
    }
  }

  std::vector<bool> hb_;  // hb_[e * n + f]: e -> f
};

}  // namespace synod::causal::testing
