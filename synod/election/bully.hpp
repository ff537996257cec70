// The bully election (Garcia-Molina 1982), as the textbook gives it, driven by the failure
// detector and with an epoch on every coordinator (election_base.hpp, epoch.hpp).
//
// Rules (each cited in bully_test.cpp):
//  B1 A process begins an election when it notices the coordinator has failed, or when it starts
//     or recovers (election_base.hpp: reconcile).
//  B2 To begin an election it sends ELECTION to every process with a higher id (those the
//     detector does not suspect) and waits `answer_timeout` for an ANSWER. With no higher process
//     to ask, or no ANSWER in time, it considers itself coordinator and sends COORDINATOR to every
//     process with a lower id. (The highest process, recovering, thus bullies at once.)
//  B3 On ELECTION from a lower process: send back ANSWER and begin an election unless one is
//     already under way.
//     The detector can end the wait early: once every higher process is suspected, none can
//     answer, so the candidate declares without waiting out the timer (a leader killed while a
//     lower process already started an election costs one detection, not detection + T).
//  B4 On ANSWER: wait `coordinator_timeout` for a COORDINATOR; if none arrives, begin again.
//  B5 On COORDINATOR: record the sender as coordinator (if its epoch is newer). A process that
//     receives COORDINATOR from a lower id does not accept it: it bullies (begins an election).
#pragma once

#include <string>

#include "synod/election/election_base.hpp"
#include "synod/node/protocol_ids.hpp"

namespace synod::election {

class Bully final : public ElectionBase {
 public:
  static constexpr ProtocolId kId = kBullyProtocol;

  explicit Bully(ElectionOptions options) : ElectionBase(options) {}

  ProtocolId id() const override { return kId; }
  std::string_view name() const override { return "bully"; }

  enum class Phase : std::uint8_t { kIdle, kAwaitAnswer, kAwaitCoordinator };
  Phase phase() const { return phase_; }

 private:
  bool in_election() const override { return phase_ != Phase::kIdle; }
  void start_election(Context& ctx) override;
  void handle(Context& ctx, NodeId from, const ElectionMessage& msg) override;
  void on_election_timer(Context& ctx, ElectionTimer timer) override;
  void abandon_election(Context& ctx) override;
  std::string algorithm_status() const override;
  void on_suspect(Context& ctx, NodeId peer) override;

  void become_coordinator(Context& ctx);
  void wait(Context& ctx, Phase phase, Duration d, ElectionTimer timer);

  Phase phase_ = Phase::kIdle;
  TimerId timer_ = 0;
};

}  // namespace synod::election
