// Operator commands on the lock service: what `synod lock acquire|release|status` reach through
// the control socket. The node holds the lock on the operator's behalf under a lease (etcd's lock
// API does the same): a CLI that is killed after acquiring cannot keep the lock forever.
#include <string>

#include <nlohmann/json.hpp>

#include "synod/mutex/lock_service.hpp"
#include "synod/node/registry.hpp"

namespace synod::mutex {
namespace {

constexpr Duration kDefaultLease = std::chrono::seconds(30);
constexpr Duration kMaxLease = std::chrono::hours(24);

std::string error_json(std::string_view message) {
  return nlohmann::json{{"error", message}}.dump();
}

// "ttl=5s" (other keys are refused so that typos do not silently use defaults).
Result<Duration> parse_ttl(std::string_view args) {
  ProtocolOptions opts;
  while (!args.empty()) {
    const auto sp = args.find(' ');
    const std::string_view item = args.substr(0, sp);
    args = sp == std::string_view::npos ? std::string_view{} : args.substr(sp + 1);
    if (item.empty()) continue;
    const auto eq = item.find('=');
    if (eq == std::string_view::npos || item.substr(0, eq) != "ttl") {
      return invalid_argument("unknown argument '" + std::string(item) +
                              "' (expected ttl=DURATION)");
    }
    opts["ttl"] = std::string(item.substr(eq + 1));
  }
  auto ttl = option_duration(opts, "ttl", kDefaultLease);
  if (!ttl) return ttl.status();
  if (ttl->count() <= 0 || *ttl > kMaxLease) return invalid_argument("ttl must be in (0, 24h]");
  return *ttl;
}

std::int64_t ms(Duration d) { return d.count() / 1'000'000; }

}  // namespace

void LockService::on_command(Context& ctx, CommandId id, std::string_view verb,
                             std::string_view args) {
  const InputContext::Scope scope(input_, ctx);
  if (verb == "status") {
    ctx.reply(id, status_json());
    return;
  }
  if (client_) {
    ctx.reply(id, error_json("this node runs the built-in lock workload (workload=1); start the "
                             "cluster with workload=0 to use the lock from the command line"));
    return;
  }
  if (verb == "acquire") {
    operator_acquire(id, args);
  } else if (verb == "release") {
    operator_release(id);
  } else {
    ctx.reply(id, error_json("unknown lock command '" + std::string(verb) +
                             "' (acquire [ttl=DURATION], release, status)"));
  }
}

void LockService::operator_acquire(CommandId id, std::string_view args) {
  auto ttl = parse_ttl(args);
  if (!ttl) return input_.get().reply(id, error_json(ttl.status().message()));
  if (operator_.waiting != 0) {
    return input_.get().reply(id, error_json("another acquire is already waiting on this node"));
  }
  if (state_ == LockState::kHolding) {
    return input_.get().reply(id, nlohmann::json{{"granted", true},
                                                 {"already_held", true},
                                                 {"token", token_},
                                                 {"node", input_.get().self()}}
                                      .dump());
  }
  operator_.waiting = id;
  operator_.owns = true;
  operator_.abandoned = false;
  operator_.ttl = *ttl;
  operator_.asked_at = elapsed();
  if (state_ == LockState::kIdle)
    acquire(input_.get());  // else: a wait abandoned earlier is resumed
}

void LockService::operator_granted() {
  if (operator_.abandoned) {  // nobody wants it any more: hand it on at once
    operator_ =
        OperatorLock{.grants = operator_.grants, .lease_expiries = operator_.lease_expiries};
    release(input_.get());
    return;
  }
  ++operator_.grants;
  operator_.lease = input_.get().set_timer(operator_.ttl, TimerTag::of(LockTimer::kLease).raw());
  if (operator_.waiting != 0) {
    const auto waited = elapsed() - operator_.asked_at;
    input_.get().reply(operator_.waiting,
                       nlohmann::json{{"granted", true},
                                      {"token", token_},
                                      {"node", input_.get().self()},
                                      {"algo", algorithm_name(options_.algorithm)},
                                      {"waited_ms", ms(waited)},
                                      {"lease_ms", ms(operator_.ttl)}}
                           .dump());
    operator_.waiting = 0;
  }
}

void LockService::operator_release(CommandId id) {
  if (state_ == LockState::kWaiting && operator_.owns) {
    // The algorithms cannot withdraw a request; let the grant arrive and pass the lock on.
    operator_.abandoned = true;
    if (operator_.waiting != 0) {
      input_.get().reply(operator_.waiting, error_json("cancelled by a release before the grant"));
      operator_.waiting = 0;
    }
    return input_.get().reply(id, nlohmann::json{{"released", false}, {"cancelled", true}}.dump());
  }
  if (state_ != LockState::kHolding) {
    return input_.get().reply(id, error_json("this node does not hold the lock"));
  }
  const std::uint64_t token = token_;
  input_.get().cancel_timer(operator_.lease);
  operator_ = OperatorLock{.grants = operator_.grants, .lease_expiries = operator_.lease_expiries};
  release(input_.get());
  input_.get().reply(id, nlohmann::json{{"released", true}, {"token", token}}.dump());
}

void LockService::operator_lease_expired() {
  if (state_ != LockState::kHolding || !operator_.owns) return;
  input_.get().observe("lease_expired", {{"token", static_cast<std::int64_t>(token_)}});
  ++operator_.lease_expiries;
  operator_ = OperatorLock{.grants = operator_.grants, .lease_expiries = operator_.lease_expiries};
  release(input_.get());
}

nlohmann::json LockService::operator_status() const {
  return {{"waiting", operator_.waiting != 0},
          {"grants", operator_.grants},
          {"lease_expiries", operator_.lease_expiries}};
}

}  // namespace synod::mutex
