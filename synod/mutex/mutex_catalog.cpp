#include "synod/mutex/mutex_catalog.hpp"

#include <set>
#include <string>

#include "synod/channel/reliable_channel.hpp"
#include "synod/mutex/mutex_checker.hpp"

namespace synod::mutex {
namespace {

const std::set<std::string> kKeys = {
    "algo",     "tick",     "heartbeat_ticks", "suspect_after", "token_timeout", "think",
    "hold_min", "hold_max", "active",          "workload",      "retry",         "ring_idle_hold"};

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
  if (c.lock.tick.count() <= 0) return invalid_argument("mutex: tick must be positive");
  if (c.lock.heartbeat_ticks != 0 &&
      c.lock.suspect_after < 2 * c.lock.tick * c.lock.heartbeat_ticks) {
    return invalid_argument("mutex: suspect_after must be at least 2 heartbeat intervals");
  }
  if (c.workload.hold_min > c.workload.hold_max || c.workload.hold_min.count() < 0) {
    return invalid_argument("mutex: need 0 <= hold_min <= hold_max");
  }
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
      return mutex_checkers(c ? c->lock.algorithm : Algorithm::kCentral);
    };
  };
  std::vector<ProtocolId> all;
  for (Algorithm a : kAll) all.push_back(protocol_id(a));
  Catalog out{{.spec = mutex_spec(), .checkers = checkers_for(""), .protocols = all}};
  for (Algorithm a : kAll) {
    const std::string name(algorithm_name(a));
    out.push_back({.spec = algorithm_spec(a),
                   .checkers = checkers_for(name),
                   .protocols = {protocol_id(a)}});
  }
  return out;
}

}  // namespace synod::mutex
