// The causal stamps a driver puts on every event of a node: a Lamport clock and a vector clock,
// ticked together. Drivers (simulator, runtime) own one per node life and call it on every local
// event, send and receive, so every protocol gets causality for free, without doing anything.
#pragma once

#include <cstdint>

#include "synod/causal/lamport.hpp"
#include "synod/causal/vector_clock.hpp"

namespace synod::causal {

struct Stamp {
  std::uint64_t lamport = 0;
  VectorClock vclock;
};

class Stamper {
 public:
  explicit Stamper(NodeId self) : vector_(self) {}

  // A local event (timer, observation, start...): LC1 + VC1.
  void local() {
    lamport_.tick();
    vector_.tick();
  }
  // A send: the event's stamps are what the message carries.
  void send() {
    lamport_.on_send();
    vector_.on_send();
  }
  // A receive of a message carrying (lamport, vclock): LC2 + VC2. A stamp that would overflow
  // the vector's limit still ticks the Lamport clock and our own entry (the event happened), and
  // is reported so the driver can count it.
  Status receive(std::uint64_t lamport, const VectorClock& vclock) {
    lamport_.on_receive(lamport);
    Status s = vector_.on_receive(vclock);
    if (!s.is_ok()) vector_.tick();
    return s;
  }

  std::uint64_t lamport() const { return lamport_.value(); }
  const VectorClock& vclock() const { return vector_.clock(); }
  Stamp stamp() const { return {lamport(), vclock()}; }

 private:
  LamportClock lamport_;
  ProcessVectorClock vector_;
};

}  // namespace synod::causal
