// The ring-based election of Chang and Roberts (1979), as the textbook gives it, driven by the
// failure detector and with an epoch on every leader (election_base.hpp, epoch.hpp).
//
// Processes are arranged in a logical ring by ascending id (the highest's successor is the
// lowest); a process's successor is the next one clockwise that the detector does not suspect.
// Rules (each cited in ring_test.cpp):
//  C1 Initially every process is a non-participant. A process begins an election (election_base:
//     reconcile) by marking itself participant and sending ELECTION(own id) to its successor.
//  C2 On ELECTION(id): if id > own, forward it and become participant; if id < own and not a
//     participant, send ELECTION(own id) instead and become participant; if id < own and already
//     a participant, discard it.
//  C3 If id == own, this process has the highest id: it becomes non-participant, declares itself
//     (fresh epoch, round persisted first) and sends ELECTED(own id, epoch) to its successor.
//  C4 On ELECTED(id) from another process: become non-participant, record the leader, forward it;
//     the message stops when it reaches the elected process (or a process that already has it).
//  C5 (failures) An ELECTION whose candidate the detector suspects is handled like a lower id: the
//     ring skips that process, so its ELECTION could never come home and would circle forever.
//  C6 A participant that sees no ELECTED within `ring_timeout` (the message died with
//     a crashed process) becomes non-participant and begins a new election.
// The ELECTION message also carries the highest round seen along the way, so the winner's epoch
// exceeds every epoch the ring knows.
#pragma once

#include <string>

#include "synod/election/election_base.hpp"
#include "synod/node/protocol_ids.hpp"

namespace synod::election {

class Ring final : public ElectionBase {
 public:
  static constexpr ProtocolId kId = kRingProtocol;

  explicit Ring(ElectionOptions options) : ElectionBase(options) {}

  ProtocolId id() const override { return kId; }
  std::string_view name() const override { return "ring"; }

  bool participant() const { return participant_; }
  // The next process clockwise that is not suspected (self when everyone else is).
  NodeId successor(const Context& ctx) const;

 private:
  bool in_election() const override { return participant_; }
  void start_election(Context& ctx) override;
  void handle(Context& ctx, NodeId from, const ElectionMessage& msg) override;
  void on_election_timer(Context& ctx, ElectionTimer timer) override;
  void abandon_election(Context& ctx) override;
  std::string algorithm_status() const override;

  void on_election(Context& ctx, NodeId candidate);
  void on_elected(Context& ctx, const ElectionMessage& msg);
  void participate(Context& ctx, NodeId candidate);
  void win(Context& ctx);

  bool participant_ = false;
  TimerId timer_ = 0;
};

}  // namespace synod::election
