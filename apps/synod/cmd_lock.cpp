// synod lock acquire|release|status: the lock service (synod/mutex) of a running cluster.
//   acquire [--node N] [--ttl D] [--timeout D]  waits for the grant and prints the fencing token;
//       the node then holds the lock for the operator under a lease of --ttl (default 30s). On
//       --timeout the request is withdrawn (the lock is passed on as soon as it arrives).
//   release [--node N]  gives it back (or withdraws a pending acquire).
//   status              every node's view; exit 1 if two nodes claim to hold the lock.
// Each algorithm is its own protocol ("mutex-central", "mutex-token-ring", ...; a node may run
// several): --protocol picks one, else the one lock service the node runs is used.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "apps/synod/commands.hpp"
#include "apps/synod/node_command.hpp"
#include "synod/node/registry.hpp"
#include "synod/runtime/control.hpp"

namespace synod::app {
namespace {

constexpr std::string_view kPrefix = "mutex-";

struct LockArgs {
  NodeTarget target;
  std::string protocol;  // empty: the node's only lock service
  std::string ttl = "30s";
  std::string timeout = "30s";
  bool json = false;
};

int fail(const std::string& what, const std::string& message) {
  std::fprintf(stderr, "synod lock %s: %s\n", what.c_str(), message.c_str());
  return kExitFailed;
}

// The lock services ("mutex-...") in a node's status object.
std::vector<std::string> lock_services(const nlohmann::json& status) {
  std::vector<std::string> out;
  if (!status.is_object() || !status.contains("protocols")) return out;
  for (const auto& [name, v] : status["protocols"].items()) {
    if (name.starts_with(kPrefix)) out.push_back(name);
  }
  return out;
}

// `wanted`, or the only lock service the node behind `socket` runs.
Result<std::string> pick_service(const std::string& socket, const std::string& wanted) {
  if (!wanted.empty()) return wanted;
  auto reply = runtime::control_request(socket, "status", runtime::kControlTimeout);
  if (!reply) return reply.status();
  const auto names = lock_services(nlohmann::json::parse(*reply, nullptr, false));
  if (names.size() == 1) return names[0];
  if (names.empty()) return unavailable("no lock service (mutex-...) runs on this node");
  std::string list;
  for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
  return invalid_argument("this node runs several lock services (" + list +
                          "): pick one with --protocol");
}

// Sends one lock command; prints the reply (JSON or a line) and returns the exit code.
int lock_command(const LockArgs& a, const std::string& verb, const std::string& args,
                 Duration timeout) {
  auto socket = target_socket(a.target);
  if (!socket) return fail(verb, socket.status().message());
  auto service = pick_service(*socket, a.protocol);
  if (!service) return fail(verb, service.status().message());
  auto reply = node_command(*socket, *service, verb, args, timeout);
  if (!reply) {
    if (verb == "acquire") {  // withdraw, so that a late grant is passed on at once
      (void)node_command(*socket, *service, "release", "", runtime::kControlTimeout);
      return fail(verb, "no grant within " + a.timeout + "; request withdrawn (" +
                            reply.status().message() + ")");
    }
    return fail(verb, reply.status().message());
  }
  auto j = nlohmann::json::parse(*reply, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return fail(verb, "malformed reply: " + *reply);
  if (a.json) std::printf("%s\n", j.dump().c_str());
  if (j.contains("error")) {
    return a.json ? kExitFailed : fail(verb, j["error"].get<std::string>());
  }
  if (a.json) return kExitOk;
  if (verb == "acquire") {
    std::printf(
        "granted: node %u holds the lock with fencing token %llu (%s; waited %lld ms; "
        "lease %lld ms)\n",
        j.value("node", 0U), static_cast<unsigned long long>(j.value("token", 0ULL)),
        j.value("algo", std::string("?")).c_str(),
        static_cast<long long>(j.value("waited_ms", 0LL)),
        static_cast<long long>(j.value("lease_ms", 0LL)));
  } else if (j.value("released", false)) {
    std::printf("released: token %llu\n", static_cast<unsigned long long>(j.value("token", 0ULL)));
  } else {
    std::printf("withdrawn: the pending acquire was cancelled\n");
  }
  return kExitOk;
}

int run_acquire(const LockArgs& a) {
  auto ttl = parse_duration(a.ttl);
  auto timeout = parse_duration(a.timeout);
  if (!ttl || !timeout || timeout->count() <= 0) {
    std::fprintf(stderr, "synod lock acquire: --ttl and --timeout take durations like 5s\n");
    return kExitUsage;
  }
  return lock_command(a, "acquire", "ttl=" + a.ttl, *timeout);
}

// One node's view of the lock: {"id", "state", and when it answers "algo", "token",
// "holder_hint"}.
nlohmann::json read_lock(const runtime::LocalNode& n, const std::string& wanted) {
  const NodeStatus st = read_node_status(n);
  nlohmann::json v = {{"id", n.id}, {"state", st.state}};
  if (st.state == "down") return v;
  const auto& j = st.status;
  const auto names = lock_services(j);
  // The chosen service, else the node's first one.
  const std::string name = !wanted.empty() ? wanted : names.empty() ? "" : names.front();
  const auto* lock =
      !name.empty() && j.is_object() && j.contains("protocols") && j["protocols"].contains(name)
          ? &j["protocols"][name]
          : nullptr;
  v["state"] = lock == nullptr ? "unresponsive" : lock->value("state", "?");
  if (lock != nullptr) {
    v["algo"] = lock->value("algo", "?");
    v["token"] = lock->value("token", 0ULL);
    v["holder_hint"] = lock->value("holder", 0U);
  }
  return v;
}

bool holds(const nlohmann::json& v) { return v["state"] == "holding"; }

int run_status(const LockArgs& a) {
  auto nodes = runtime::read_pids_file(a.target.dir);
  if (!nodes) return fail("status", nodes.status().message());
  nlohmann::json out = {{"nodes", nlohmann::json::array()}};
  for (const auto& n : *nodes) out["nodes"].push_back(read_lock(n, a.protocol));
  // Nodes are asked one after another, so two "holding" answers may be a hand-over seen at two
  // instants. Ask again: a node holding the same token at both reads held it throughout, and
  // two such nodes were read holding at overlapping times, a real breach of exclusion.
  int seen = 0;
  for (const auto& v : out["nodes"]) seen += holds(v) ? 1 : 0;
  if (seen > 1) {
    for (std::size_t i = 0; i < nodes->size(); ++i) {
      auto& v = out["nodes"][i];
      if (!holds(v)) continue;
      const auto again = read_lock((*nodes)[i], a.protocol);
      if (!holds(again) || again["token"] != v["token"]) v["state"] = "released";
    }
  }
  int holders = 0;
  std::uint64_t token = 0;
  NodeId holder = 0;
  for (const auto& v : out["nodes"]) {
    if (!holds(v)) continue;
    ++holders;
    holder = v["id"].get<NodeId>();
    token = v["token"].get<std::uint64_t>();
  }
  out["holders"] = holders;
  if (holders == 1) out["holder"] = {{"node", holder}, {"token", token}};
  if (a.json) {
    std::printf("%s\n", out.dump().c_str());
  } else {
    std::printf("%-5s %-13s %-16s %-22s %s\n", "NODE", "STATE", "ALGO", "TOKEN", "HOLDER(HINT)");
    for (const auto& v : out["nodes"]) {
      std::printf("%-5u %-13s %-16s %-22llu %u\n", v["id"].get<unsigned>(),
                  v["state"].get<std::string>().c_str(), v.value("algo", "-").c_str(),
                  static_cast<unsigned long long>(v.value("token", 0ULL)),
                  v.value("holder_hint", 0U));
    }
    if (holders == 0) std::printf("lock is free\n");
    if (holders == 1) {
      std::printf("held by node %u with token %llu\n", holder,
                  static_cast<unsigned long long>(token));
    }
  }
  if (holders > 1) return fail("status", std::to_string(holders) + " nodes claim the lock");
  return kExitOk;
}

void add_protocol_option(CLI::App* sub, LockArgs& a) {
  sub->add_option("--protocol", a.protocol,
                  "Lock service to use (mutex-central, mutex-ricart-agrawala, "
                  "mutex-suzuki-kasami, mutex-token-ring); default: the node's only one");
}

void add_target_options(CLI::App* sub, LockArgs& a) {
  sub->add_option("--dir", a.target.dir, "Cluster directory of `synod local up`")
      ->capture_default_str();
  sub->add_option("--node", a.target.node, "Node that acts for you")->capture_default_str();
  sub->add_option("--socket", a.target.socket, "A node's control socket (instead of --dir/--node)");
  sub->add_flag("--json", a.json, "Print the node's JSON reply");
  add_protocol_option(sub, a);
}

}  // namespace

void add_lock_command(CLI::App& app, Commands& out) {
  CLI::App* lock = app.add_subcommand("lock", "Acquire, release or inspect the cluster's lock");
  lock->require_subcommand(1);
  auto acq = std::make_shared<LockArgs>();
  CLI::App* a = lock->add_subcommand("acquire", "Wait for the lock; print its fencing token");
  add_target_options(a, *acq);
  a->add_option("--ttl", acq->ttl, "Lease: the node releases the lock after this long")
      ->capture_default_str();
  a->add_option("--timeout", acq->timeout, "Give up waiting after this long")
      ->capture_default_str();
  out.push_back({a, [acq] { return run_acquire(*acq); }});
  auto rel = std::make_shared<LockArgs>();
  CLI::App* r = lock->add_subcommand("release", "Release the lock (or withdraw a pending acquire)");
  add_target_options(r, *rel);
  out.push_back({r, [rel] { return lock_command(*rel, "release", "", runtime::kControlTimeout); }});
  auto st = std::make_shared<LockArgs>();
  CLI::App* s = lock->add_subcommand("status", "Every node's view of the lock");
  s->add_option("--dir", st->target.dir, "Cluster directory of `synod local up`")
      ->capture_default_str();
  s->add_flag("--json", st->json, "One JSON object");
  add_protocol_option(s, *st);
  out.push_back({s, [st] { return run_status(*st); }});
}

}  // namespace synod::app
