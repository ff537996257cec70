#include "synod/sim/sweep_report.hpp"

#include <fmt/format.h>

namespace synod::sim {
namespace {

// Single-quotes a word for a POSIX shell unless it only holds characters that need none.
std::string shell_word(const std::string& s) {
  const bool plain = !s.empty() && s.find_first_not_of(
                                       "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                       "0123456789_.,:=/@+-") == std::string::npos;
  if (plain) return s;
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

}  // namespace

std::string hash_hex(std::uint64_t hash) { return fmt::format("{:016x}", hash); }

std::string replay_command(const SweepLabel& label, const SweepOptions& options,
                           const SweepResult& result, const SeedViolation& violation) {
  std::string line = "synod sim " + shell_word(label.protocol);
  for (const auto& [key, value] : label.options) {
    if (key == "algo" || key == "mutant") {
      line += " --" + key + " " + shell_word(value);
    } else {
      line += " --set " + shell_word(key + "=" + value);
    }
  }
  const Duration stabilize =
      result.stabilize_ns > 0 ? Duration(result.stabilize_ns) : options.stabilize;
  line += " --nodes " + std::to_string(options.nodes) + " --seeds 1 --seed " +
          std::to_string(violation.seed) + " --duration " + exact_duration(options.duration) +
          " --stabilize " + exact_duration(stabilize) + " --faults " + shell_word(violation.faults);
  return line;
}

std::string stabilize_note(const SweepOptions& options, const SweepResult& result) {
  if (result.stabilize_raised_by.empty() || result.stabilize_ns <= options.stabilize.count()) {
    return {};
  }
  return "stabilize raised from " + exact_duration(options.stabilize) + " to " +
         exact_duration(Duration(result.stabilize_ns)) + " for " + result.stabilize_raised_by;
}

nlohmann::json sweep_json(const SweepLabel& label, const SweepOptions& options,
                          const SweepResult& result) {
  nlohmann::json violations = nlohmann::json::array();
  for (const auto& v : result.violations) {
    violations.push_back({{"seed", v.seed},
                          {"checker", v.violation.checker},
                          {"message", v.violation.message},
                          {"event", v.violation.event_seq},
                          {"time_ns", v.violation.time_ns},
                          {"faults", v.faults},
                          {"trace_hash", hash_hex(v.trace_hash)},
                          {"replay", replay_command(label, options, result, v)}});
  }
  nlohmann::json stabilize = {{"requested_ns", options.stabilize.count()},
                              {"effective_ns", result.stabilize_ns}};
  if (const std::string note = stabilize_note(options, result); !note.empty()) {
    stabilize["raised_by"] = result.stabilize_raised_by;
    stabilize["note"] = note;
  }
  return {{"protocol", label.protocol},
          {"options", label.options},
          {"nodes", options.nodes},
          {"seeds", result.seeds},
          {"violations", violations},
          {"events", result.events},
          {"events_per_sec", result.events_per_sec()},
          {"sim_seconds", result.sim_seconds},
          {"wall_seconds", result.wall_seconds},
          {"stabilize", stabilize},
          {"trace_hash", hash_hex(result.first_trace_hash)},
          {"replay_matches", result.replay_matches}};
}

}  // namespace synod::sim
