// Epochs: every leader reigns in an epoch, and an epoch has at most one leader.
//
// An epoch is (round, leader id) packed as round << 32 | id, compared as one integer: a higher
// round wins, and equal rounds are ordered by id. A node declaring itself picks round = (highest
// round it has seen) + 1, so its epoch is strictly greater than any it has seen. Two nodes can
// pick the same round concurrently (a partition, two simultaneous elections) but never the same
// epoch, because the id is part of it; one node never reuses a round because it persists and
// syncs the round before announcing (a crash then restarts from at least that round). This is
// the ballot-number construction of Paxos applied to the textbook elections, which have no
// epochs of their own.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "synod/core/types.hpp"
#include "synod/node/storage.hpp"
#include "synod/wire/codec.hpp"

namespace synod::election {

using Epoch = std::uint64_t;  // 0: no epoch yet

inline constexpr std::uint64_t kMaxRound = (1ULL << 31U) - 1;  // epochs stay positive int64s

inline Epoch make_epoch(std::uint64_t round, NodeId leader) {
  return (round << 32U) | static_cast<Epoch>(leader);
}
inline std::uint64_t epoch_round(Epoch e) { return e >> 32U; }
inline NodeId epoch_leader(Epoch e) { return static_cast<NodeId>(e & 0xFFFFFFFFULL); }
// "3.5" = round 3, leader 5 (logs, status).
inline std::string epoch_string(Epoch e) {
  return std::to_string(epoch_round(e)) + "." + std::to_string(epoch_leader(e));
}

// Persisted under key "epoch": the highest round this node has declared or seen.
struct DurableRound {
  std::uint64_t max_round = 0;
  static constexpr auto kFields = std::make_tuple(wire::field<1>(&DurableRound::max_round));
};

inline constexpr std::string_view kRoundKey = "epoch";

// The stored round; 0 when none; nullopt when the record is corrupt (the node must not run: it
// could no longer promise a fresh epoch).
inline std::optional<std::uint64_t> load_round(const Storage& storage) {
  auto stored = storage.get(kRoundKey);
  if (!stored) return 0;
  auto decoded = wire::decode<DurableRound>(*stored);
  if (!decoded) return std::nullopt;
  return decoded->max_round;
}

// put + sync; false if the medium failed (the caller must then not announce).
inline bool store_round(Storage& storage, std::uint64_t round) {
  const Bytes record = wire::encode(DurableRound{round});
  return storage.put(kRoundKey, record).is_ok() && storage.sync().is_ok();
}

}  // namespace synod::election
