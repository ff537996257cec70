// The ground-truth checkers of election_checker.hpp (W1, D1, M1/M2), one factory each; the
// rules, windows and excuses are documented there.
#pragma once

#include <memory>

#include "synod/check/checker.hpp"
#include "synod/election/election_checker.hpp"

namespace synod::election {

std::unique_ptr<Checker> make_winner_checker(const ElectionOptions& o, Algorithm a);
std::unique_ptr<Checker> make_declarations_checker(const ElectionOptions& o, Algorithm a);
std::unique_ptr<Checker> make_messages_checker(const ElectionOptions& o, Algorithm a);

// M1's bounds for one calm episode with n live nodes (see election_checker.hpp).
struct MessageBounds {
  std::uint64_t election = 0;     // bully ELECTION (ANSWER: as many); ring ELECTION + ELECTED
  std::uint64_t coordinator = 0;  // bully only
  std::uint64_t total = 0;
};
MessageBounds message_bounds(Algorithm a, std::uint64_t n);

}  // namespace synod::election
