// The Berkeley algorithm (Gusella and Zatti 1989): a master polls every node (itself included),
// estimates each clock as reported + RTT/2, ignores samples whose RTT exceeds a limit, averages
// the clocks that agree (fault_tolerant_average.hpp) and sends each node the amount by which to
// adjust its clock, not a time (which would be stale on arrival).
//
// Rules (each cited in berkeley_test.cpp):
//  B1 Every `period` the master polls all nodes (POLL) and reads its own clock (RTT 0).
//  B2 A node answers POLL with its clock: its committed reading (SoftwareClock reading plus what
//     remains of its slew), so a slew in progress does not skew the estimate.
//  B3 The master estimates node i's clock at reception as reading + RTT/2 and keeps diff_i =
//     estimate - own clock; a sample with RTT > rtt_limit (or not positive) is ignored.
//  B4 After `reply_timeout` the master takes the fault-tolerant average of the diffs (largest set
//     within max_deviation), and sends each sampled node avg - diff_i (ADJUST); nodes that did
//     not answer in time are skipped this round.
//  B5 A node applies ADJUST to its SoftwareClock (step above the threshold, else slew) only if its
//     clock is still the one it reported (berkeley_messages.hpp: life, gen).
//  B6 Master: the node with the best priority heard from (the configured `master` first, then
//     ascending ids). A node that hears no POLL from a better node for master_timeout (plus one
//     period per better node, so they take over in order) becomes master; a master that hears a
//     POLL from a better node steps down.
//
// Observations (berkeley_checker.hpp): "master" {on}, "poll" {round}, "reply" {node, round} (the
// master received node's answer), "round" {round, sampled,
// included, rejected, avg_ns, max_rtt_ns}, "adjust" {master, round, adj_ns, committed_ns, rtt_ns,
// included, limit_ns}, "stale" {master, round}.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "synod/node/mutant.hpp"
#include "synod/node/protocol.hpp"
#include "synod/node/protocol_ids.hpp"
#include "synod/node/timer_tag.hpp"
#include "synod/timesync/berkeley_messages.hpp"
#include "synod/timesync/clock_options.hpp"
#include "synod/timesync/software_clock.hpp"

namespace synod::timesync {

struct BerkeleyOptions {
  ClockOptions clock;
  NodeId master = kNoNode;  // preferred master; kNoNode: the lowest live id
  Duration period = std::chrono::seconds(1);
  Duration rtt_limit = std::chrono::milliseconds(50);
  Duration reply_timeout = std::chrono::milliseconds(100);
  Duration max_deviation = std::chrono::milliseconds(20);
  Duration master_timeout = std::chrono::seconds(3);
  Mutant mutant;  // test only (synod/node/mutant.hpp): breaks one rule B1..B6
};

// Keys: master, period, rtt_limit, reply_timeout, max_deviation, master_timeout, mutant, clock
// options. Refused: rtt_limit > reply_timeout, reply_timeout >= period, master_timeout <= period.
Result<BerkeleyOptions> parse_berkeley_options(const ProtocolOptions& opts);

struct BerkeleyRound {
  std::uint64_t round = 0;
  std::uint32_t sampled = 0;
  std::uint32_t included = 0;
  std::uint32_t rejected = 0;  // RTT over the limit or no answer
  std::int64_t avg_ns = 0;
  std::int64_t max_rtt_ns = 0;
};

class Berkeley final : public Protocol {
 public:
  static constexpr ProtocolId kId = kBerkeleyProtocol;

  explicit Berkeley(BerkeleyOptions options);

  ProtocolId id() const override { return kId; }
  std::string_view name() const override { return "berkeley"; }
  void on_start(Context& ctx) override;
  void on_message(Context& ctx, NodeId from, ByteView payload) override;
  void on_timer(Context& ctx, std::uint64_t tag) override;
  void on_command(Context& ctx, CommandId id, std::string_view verb,
                  std::string_view args) override;
  std::string status_json() const override;

  // For tests and status.
  const SoftwareClock& clock() const { return clock_; }
  Time committed(Time host) const { return clock_.committed(host); }
  bool is_master() const { return master_; }
  NodeId following() const { return following_; }
  const BerkeleyRound& last_round() const { return last_round_; }
  std::uint64_t adjustments() const { return gen_; }
  std::uint64_t decode_errors() const { return decode_errors_; }

 private:
  enum class Timer : std::uint8_t { kTick = 1, kCollect = 2 };

  struct Sample {
    NodeId node;
    std::int64_t diff_ns;
    std::int64_t rtt_ns;
    std::uint64_t life;
    std::uint64_t gen;
  };

  std::uint32_t priority(NodeId n) const { return n == options_.master ? 0 : n; }
  Duration takeover_after(Context& ctx) const;
  void tick(Context& ctx);
  void start_round(Context& ctx);
  void finish_round(Context& ctx);
  void on_poll(Context& ctx, NodeId from, const BerkeleyMessage& m);
  void on_reply(Context& ctx, NodeId from, const BerkeleyMessage& m);
  void on_adjust(Context& ctx, NodeId from, const BerkeleyMessage& m);
  void apply(Context& ctx, NodeId master, std::uint64_t round, std::int64_t adj, std::int64_t rtt,
             bool included, std::int64_t limit);
  void set_master(Context& ctx, bool on);

  BerkeleyOptions options_;
  SoftwareClock clock_;
  std::uint64_t life_ = 0;
  std::uint64_t gen_ = 0;  // corrections applied in this life
  bool master_ = false;
  NodeId following_ = kNoNode;  // the master whose polls this node answers
  Time last_heard_{};           // host time of the last POLL from a better node
  Time last_host_{};
  // Round state (master only).
  bool collecting_ = false;
  std::uint64_t round_ = 0;
  std::uint64_t round_gen_ = 0;
  std::map<NodeId, Time> polled_;  // peer -> host time of its POLL
  std::vector<Sample> samples_;
  std::uint32_t rejected_ = 0;
  BerkeleyRound last_round_;
  std::uint64_t rounds_ = 0;
  std::uint64_t stale_ = 0;
  std::uint64_t decode_errors_ = 0;
};

}  // namespace synod::timesync
