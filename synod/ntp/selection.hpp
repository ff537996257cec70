// System process (RFC 5905 section 11.2): from the servers' best samples, find the largest group
// whose correctness intervals [offset - distance, offset + distance] share a point (the
// intersection algorithm, Marzullo's in NTP's form, allowing f falsetickers for the smallest f
// that works while a majority agrees), drop the others as falsetickers, and combine the survivors'
// offsets weighted by 1 / root distance. The cluster algorithm's further pruning is not done:
// with a handful of servers every truechimer is combined.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "synod/core/time.hpp"
#include "synod/core/types.hpp"

namespace synod::ntp {

struct Candidate {
  NodeId server = 0;
  Duration offset{0};
  Duration distance{0};  // root distance, > 0
  std::uint8_t stratum = 0;
};

struct Selection {
  std::vector<NodeId> truechimers;  // ascending
  std::vector<NodeId> falsetickers;
  Duration offset{0};        // combined
  Duration distance{0};      // of the system peer
  NodeId system_peer = 0;    // survivor with the lowest stratum, then distance
  std::uint8_t stratum = 0;  // of the system peer
};

// Empty when no majority of candidates agrees.
std::optional<Selection> select(std::vector<Candidate> candidates);

}  // namespace synod::ntp
