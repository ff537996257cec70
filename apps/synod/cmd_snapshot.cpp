// synod snapshot [--node N] [--dir DIR | --socket S] [--protocol P] [--timeout D] [--json]:
// asks node N of a running cluster to take a Chandy-Lamport snapshot (synod/snapshot) and prints
// the global state its initiator assembled: each node's recorded state, the messages recorded in
// the channels, the application's summary (the bank: total and whether it is conserved) and the
// cut's verdict under the definitions. Exit 0 when the snapshot completed (and, if the application
// says, conserved its invariant), 1 when it was aborted or not conserved.
#include <cstdio>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "apps/synod/commands.hpp"
#include "apps/synod/node_command.hpp"
#include "synod/node/registry.hpp"

namespace synod::app {
namespace {

struct SnapshotArgs {
  NodeTarget target;
  std::string protocol = "bank-snapshot";
  std::string timeout = "15s";
  bool json = false;
};

int fail(const std::string& message) {
  std::fprintf(stderr, "synod snapshot: %s\n", message.c_str());
  return kExitFailed;
}

const char* yes(const nlohmann::json& j, const char* key) {
  return j.value(key, false) ? "yes" : "no";
}

// A state or message as one cell: the bank's balance/amount, else the JSON itself.
std::string cell(const nlohmann::json& v, const char* key) {
  return v.is_object() && v.contains(key) ? v[key].dump() : v.dump();
}

void print_table(const nlohmann::json& j) {
  const auto& id = j["snapshot"];
  std::printf("snapshot (%s,%s) initiated by node %s: %s\n", id["initiator"].dump().c_str(),
              id["seq"].dump().c_str(), id["initiator"].dump().c_str(),
              j.value("complete", false) ? "complete" : "ABORTED");
  if (!j.value("reason", std::string()).empty()) {
    std::printf("reason: %s\n", j["reason"].get<std::string>().c_str());
  }
  std::printf("\n%-6s %s\n", "NODE", "BALANCE");
  for (const auto& n : j["nodes"]) {
    std::printf("%-6s %s\n", n["node"].dump().c_str(), cell(n["state"], "balance").c_str());
  }
  std::printf("\n%-10s %-6s %-9s %s\n", "CHANNEL", "SEQ", "TRANSFER", "AMOUNT");
  for (const auto& c : j["channels"]) {
    const std::string ch = c["from"].dump() + " -> " + c["to"].dump();
    std::printf("%-10s %-6s %-9s %s\n", ch.c_str(), c["seq"].dump().c_str(),
                cell(c["message"], "transfer").c_str(), cell(c["message"], "amount").c_str());
  }
  if (j["channels"].empty()) std::printf("(every channel empty)\n");
  const auto& s = j["summary"];
  if (s.contains("total")) {
    std::printf("\ntotal: %s = balances %s + in channels %s; expected %s: %s\n",
                s["total"].dump().c_str(), s["balances"].dump().c_str(),
                s["in_channels"].dump().c_str(), s["expected_total"].dump().c_str(),
                s.value("conserved", false) ? "conserved" : "NOT conserved");
  } else {
    std::printf("\nsummary: %s\n", s.dump().c_str());
  }
  std::printf(
      "cut: consistent %s, transitless %s (%zu message(s) in transit), strongly "
      "consistent %s\n",
      yes(j, "consistent"), yes(j, "transitless"), j["channels"].size(),
      yes(j, "strongly_consistent"));
}

int run_snapshot(const SnapshotArgs& a) {
  auto timeout = parse_duration(a.timeout);
  if (!timeout || timeout->count() <= 0) {
    std::fprintf(stderr, "synod snapshot: bad --timeout '%s'\n", a.timeout.c_str());
    return kExitUsage;
  }
  auto socket = target_socket(a.target);
  if (!socket) return fail(socket.status().message());
  auto reply = node_command(*socket, a.protocol, "snapshot", "", *timeout);
  if (!reply) return fail(reply.status().message());
  auto j = nlohmann::json::parse(*reply, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return fail("malformed reply: " + *reply);
  if (j.contains("error")) return fail(j["error"].dump());
  if (!j.contains("snapshot") || !j["nodes"].is_array() || !j["channels"].is_array()) {
    return fail("reply is not a global state: " + *reply);
  }
  if (a.json) {
    std::printf("%s\n", j.dump().c_str());
  } else {
    print_table(j);
  }
  const bool conserved = !j["summary"].is_object() || j["summary"].value("conserved", true);
  return j.value("complete", false) && conserved ? kExitOk : kExitFailed;
}

}  // namespace

void add_snapshot_command(CLI::App& app, Commands& out) {
  auto a = std::make_shared<SnapshotArgs>();
  CLI::App* sub = app.add_subcommand(
      "snapshot", "Take a Chandy-Lamport snapshot of a running cluster and print the global state");
  sub->add_option("--node", a->target.node, "The node that initiates it")->capture_default_str();
  sub->add_option("--dir,--cluster", a->target.dir, "Cluster directory of `synod local up`")
      ->capture_default_str();
  sub->add_option("--socket", a->target.socket,
                  "A node's control socket (instead of --dir/--node)");
  sub->add_option("--protocol", a->protocol, "The snapshotted protocol")->capture_default_str();
  sub->add_option("--timeout", a->timeout, "How long to wait for the global state")
      ->capture_default_str();
  sub->add_flag("--json", a->json, "The global state as one JSON object");
  out.push_back({sub, [a] { return run_snapshot(*a); }});
}

}  // namespace synod::app
