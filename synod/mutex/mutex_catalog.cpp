#include "synod/mutex/mutex_catalog.hpp"

#include <set>
#include <string>

#include "synod/channel/reliable_channel.hpp"
#include "synod/mutex/mutex_checker.hpp"

namespace synod::mutex {
namespace {

const std::set<std::string> kKeys = {
    "algo",     "tick",   "heartbeat_ticks", "suspect_after", "token_timeout",  "think", "hold_min",
    "hold_max", "active", "workload",        "retry",         "ring_idle_hold", "mutant"};

constexpr Algorithm kAll[] = {Algorithm::kCentral, Algorithm::kRicartAgrawala,
                              Algorithm::kSuzukiKasami, Algorithm::kTokenRing};

Status read_durations(const ProtocolOptions& opts, MutexConfig& c) {
  struct Item {
    const char* key;
    Duration* value;
  };
  const Item items[] = {{"tick", &c.lock.tick},
                        {"suspect_after", &c.lock.suspect_after},
                        {"token_timeout", &c.lock.token_timeout},
                        {"retry", &c.lock.retry},
                        {"ring_idle_hold", &c.lock.ring_idle_hold},
                        {"think", &c.workload.think},
                        {"hold_min", &c.workload.hold_min},
                        {"hold_max", &c.workload.hold_max},
                        {"active", &c.workload.active}};
  for (const Item& it : items) {
    auto d = option_duration(opts, it.key, *it.value);
    if (!d) return d.status();
    *it.value = *d;
  }
  return Status::ok();
}

// One mutant per rule tag of the algorithm's header, with the checker that catches it. Message
// count mutants run failure-free ("none": the whole run is one phase the count is judged over).
std::vector<MutantSpec> mutants(Algorithm a) {
  const std::string none = "none";
  const std::string coordinator_crash = "@2s crash 1";  // node 2 leads a new epoch
  switch (a) {
    case Algorithm::kCentral:
      return {{.tag = "CC1",
               .rule = "sends every REQUEST twice",
               .caught_by = "mutex-messages",
               .faults = none},
              {.tag = "CC2", .rule = "grants while the lock is held", .caught_by = "mutex"},
              // The waiters' retries flood the failure-free phase before L1 could judge.
              {.tag = "CC3",
               .rule = "ignores RELEASE (the lock stays taken)",
               .caught_by = "mutex-messages",
               .faults = none},
              {.tag = "CC4",
               .rule = "fencing tokens without the epoch (a new coordinator repeats them)",
               .caught_by = "mutex",
               .faults = coordinator_crash}};
    case Algorithm::kRicartAgrawala:
      return {{.tag = "RA1",
               .rule = "the Lamport clock never merges received timestamps",
               .caught_by = "mutex"},
              {.tag = "RA2",
               .rule = "replies at once while REQUESTED with an earlier (T, i)",
               .caught_by = "mutex"},
              {.tag = "RA3",
               .rule = "forgets the deferred replies on exit (only retries repair it)",
               .caught_by = "mutex-messages",
               .faults = none},
              {.tag = "RA4", .rule = "enters with one reply missing", .caught_by = "mutex"}};
    case Algorithm::kSuzukiKasami:
      return {{.tag = "SK1",
               .rule = "broadcasts every REQUEST twice",
               .caught_by = "mutex-messages",
               .faults = none},
              {.tag = "SK2",
               .rule = "sends the token away while in the critical section",
               .caught_by = "mutex"},
              {.tag = "SK3",
               .rule = "release leaves LN[i] stale (extra token hops)",
               .caught_by = "mutex-messages",
               .faults = none},
              {.tag = "SK4",
               .rule = "the receiver keeps its own fencing counter",
               .caught_by = "mutex"},
              // No first token: the requesters' retries exceed the count before L1 judges.
              {.tag = "SK5",
               .rule = "a probe round that finds no token creates none",
               .caught_by = "mutex-messages",
               .faults = none}};
    case Algorithm::kTokenRing:
      return {{.tag = "TR1", .rule = "enters without the token", .caught_by = "mutex"},
              {.tag = "TR2",
               .rule = "passes the token to the lowest other id, not the successor",
               .caught_by = "mutex",
               .faults = none},
              {.tag = "TR3",
               .rule = "the receiver keeps its own fencing counter",
               .caught_by = "mutex"},
              {.tag = "TR4",
               .rule = "a probe round that finds no token creates none",
               .caught_by = "mutex",
               .faults = none},
              {.tag = "TR5",
               .rule = "an idle process passes the token at once (no idle hold)",
               .caught_by = "mutex-messages",
               .faults = none}};
  }
  return {};
}

}  // namespace

Result<Algorithm> parse_algorithm(std::string_view name) {
  for (Algorithm a : kAll) {
    if (algorithm_name(a) == name) return a;
  }
  if (name == "ra") return Algorithm::kRicartAgrawala;
  if (name == "sk") return Algorithm::kSuzukiKasami;
  if (name == "ring") return Algorithm::kTokenRing;
  return invalid_argument("mutex: unknown algo '" + std::string(name) +
                          "' (central, ricart-agrawala, suzuki-kasami, token-ring)");
}

static Status validate(const MutexConfig& c) {
  const LockOptions& l = c.lock;
  const auto refuse = [](const std::string& why) { return invalid_argument("mutex: " + why); };
  // Every timeout counts whole ticks: a zero tick never advances them.
  if (l.tick.count() <= 0) return refuse("tick must be positive (every timeout counts ticks)");
  // A timeout below one tick would be rounded up to a tick: the token algorithms would probe
  // for a "lost" token on every tick while it is merely in flight, and the rounds refuse each
  // other's tokens forever (a livelock).
  if (l.token_timeout < l.tick) {
    return refuse("token_timeout (" + format_duration(l.token_timeout) +
                  ") must be at least one tick (" + format_duration(l.tick) +
                  "): a shorter one probes on every tick while the token is in flight (livelock)");
  }
  if (l.retry < l.tick) {
    return refuse("retry (" + format_duration(l.retry) + ") must be at least one tick (" +
                  format_duration(l.tick) + ")");
  }
  if (l.ring_idle_hold.count() < 0) return refuse("ring_idle_hold must not be negative");
  if (l.heartbeat_ticks != 0 && l.suspect_after < 2 * l.tick * l.heartbeat_ticks) {
    return refuse(
        "suspect_after must be at least 2 heartbeat intervals (else every peer is "
        "suspected between two heartbeats)");
  }
  const WorkloadOptions& w = c.workload;
  if (w.hold_min.count() < 0 || w.hold_min > w.hold_max) {
    return refuse("need 0 <= hold_min <= hold_max (got " + format_duration(w.hold_min) + " and " +
                  format_duration(w.hold_max) + ")");
  }
  if (w.think.count() < 0) return refuse("think must not be negative");
  if (w.active.count() < 0) return refuse("active must not be negative");
  return Status::ok();
}

Result<MutexConfig> parse_mutex_options(const ProtocolOptions& opts) {
  MutexConfig c;
  for (const auto& [key, value] : opts) {
    if (kKeys.count(key) == 0) return invalid_argument("mutex: unknown option '" + key + "'");
  }
  if (auto it = opts.find("algo"); it != opts.end()) {
    auto a = parse_algorithm(it->second);
    if (!a) return a.status();
    c.lock.algorithm = *a;
  }
  SYNOD_RETURN_IF_ERROR(read_durations(opts, c));
  auto hb = option_int(opts, "heartbeat_ticks", c.lock.heartbeat_ticks, 0, 1000);
  if (!hb) return hb.status();
  c.lock.heartbeat_ticks = static_cast<std::uint32_t>(*hb);
  auto wl = option_int(opts, "workload", 1, 0, 1);
  if (!wl) return wl.status();
  c.run_workload = *wl == 1;
  auto mutant = parse_rule_mutant(opts, c.lock.algorithm);
  if (!mutant) return invalid_argument("mutex: " + mutant.status().message());
  c.lock.mutant = *mutant;
  SYNOD_RETURN_IF_ERROR(validate(c));
  return c;
}

std::unique_ptr<Protocol> make_mutex_protocol(const MutexConfig& config) {
  std::unique_ptr<LockClient> client;
  if (config.run_workload) client = std::make_unique<MutexWorkload>(config.workload);
  return std::make_unique<channel::ReliableChannel>(
      std::make_unique<LockService>(config.lock, std::move(client)), channel::ReliableOptions{});
}

ProtocolSpec mutex_spec() {
  return {"mutex",
          "lock service (algo=central|ricart-agrawala|suzuki-kasami|token-ring) with a random "
          "workload over the reliable channel",
          [](const ProtocolOptions& opts) -> Result<std::unique_ptr<Protocol>> {
            auto c = parse_mutex_options(opts);
            if (!c) return c.status();
            return make_mutex_protocol(*c);
          }};
}

ProtocolSpec algorithm_spec(Algorithm a) {
  const std::string name(algorithm_name(a));
  return {std::string(protocol_id_name(protocol_id(a))),
          "lock service, " + name + " algorithm (see 'mutex')",
          [name](const ProtocolOptions& opts) -> Result<std::unique_ptr<Protocol>> {
            ProtocolOptions o = opts;
            o["algo"] = name;
            auto c = parse_mutex_options(o);
            if (!c) return c.status();
            return make_mutex_protocol(*c);
          }};
}

std::vector<ProtocolSpec> mutex_algorithm_specs() {
  std::vector<ProtocolSpec> out;
  for (Algorithm a : kAll) out.push_back(algorithm_spec(a));
  return out;
}

Catalog catalog() {
  // The checkers follow the options (the algorithm picks the protocol id they read); options
  // the parser refuses never reach a run, so a refused set gets the defaults' checkers.
  const auto checkers_for = [](std::string forced) {
    return [forced](const ProtocolOptions& opts) {
      ProtocolOptions o = opts;
      if (!forced.empty()) o["algo"] = forced;
      auto c = parse_mutex_options(o);
      return c ? mutex_checkers(*c) : mutex_checkers(Algorithm::kCentral);
    };
  };
  std::vector<ProtocolId> all;
  for (Algorithm a : kAll) all.push_back(protocol_id(a));
  Catalog out{{.spec = mutex_spec(), .checkers = checkers_for(""), .protocols = all}};
  for (Algorithm a : kAll) {
    const std::string name(algorithm_name(a));
    out.push_back({.spec = algorithm_spec(a),
                   .checkers = checkers_for(name),
                   .protocols = {protocol_id(a)},
                   .mutants = mutants(a)});
  }
  return out;
}

}  // namespace synod::mutex
