// Chandy-Lamport over the bank in scripted runs: snapshots complete and conserve the money
// without faults, several run at once, `snapshot` commands answer with the global state, a crash
// mid-snapshot aborts it after the timeout (never hangs), and crashes do not lose money. Every
// run is also judged by the bank checker (X1, S1-S5, L1).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "synod/snapshot/snapshot_test_util.hpp"

namespace synod::snapshot {
namespace {

using namespace testing;
using std::chrono::milliseconds;
using std::chrono::seconds;

BankSnapshotConfig on_command_only() {
  BankSnapshotConfig c;
  c.snapshot.auto_every = Duration::zero();
  return c;
}

struct Bank5 {
  Bank5(const std::string& faults, BankSnapshotConfig config, Duration duration = seconds(5)) {
    sim = std::make_unique<sim::Simulator>(sim::scripted(faults, 5, 1, duration, seconds(3)),
                                           deployed(config), checkers_with(recorder));
    sim->start();
  }
  void until(Duration t) {
    sim->run_until(at(t));
    ASSERT_FALSE(sim->result().violation) << sim->result().violation->message;
  }
  nlohmann::json reply(NodeId node, CommandId id) const {
    const auto r = sim->command_reply(node, id);
    return r ? nlohmann::json::parse(*r) : nlohmann::json();
  }
  std::unique_ptr<sim::Simulator> sim;
  Recorder* recorder = nullptr;
};

TEST(SnapshotScenario, FaultFreeSnapshotsCompleteAndConserve) {
  Bank5 run("", BankSnapshotConfig{});
  run.until(seconds(8));
  EXPECT_GT(run.recorder->count("snap.done"), 5U);
  EXPECT_EQ(run.recorder->count("snap.abort"), 0U);
  EXPECT_EQ(run.recorder->count("bank.snap"), run.recorder->count("snap.done"));
  EXPECT_GT(run.recorder->count("bank.send"), 100U);
  std::int64_t total = 0;
  for (NodeId n = 1; n <= 5; ++n) total += bank_on(*run.sim, n).balance();
  const auto r = run.sim->run();
  ASSERT_FALSE(r.violation) << r.violation->message;
  EXPECT_LE(total, 5000);  // the rest is in transit
}

// The operator's `synod snapshot`: the reply is the assembled global state.
TEST(SnapshotScenario, CommandAnswersWithTheGlobalState) {
  Bank5 run("", on_command_only());
  run.until(seconds(1));
  const CommandId id = run.sim->command(2, Bank::kId, "snapshot");
  ASSERT_NE(id, 0U);
  run.until(seconds(2));
  const auto j = run.reply(2, id);
  ASSERT_TRUE(j.is_object());
  EXPECT_EQ(j["complete"], true) << j.dump();
  EXPECT_EQ(j["consistent"], true);
  EXPECT_EQ(j["snapshot"]["initiator"], 2);
  EXPECT_EQ(j["nodes"].size(), 5U);
  EXPECT_EQ(j["summary"]["total"], 5000);
  EXPECT_EQ(j["summary"]["conserved"], true);
  std::int64_t sum = 0;
  for (const auto& n : j["nodes"]) sum += n["state"]["balance"].get<std::int64_t>();
  for (const auto& c : j["channels"]) sum += c["message"]["amount"].get<std::int64_t>();
  EXPECT_EQ(sum, 5000);
  const auto bad = run.sim->command(2, Bank::kId, "snapshot", "now");
  run.until(seconds(3));
  EXPECT_TRUE(run.reply(2, bad).contains("error"));
}

// Any node may initiate, and snapshots with different ids run at once without mixing.
TEST(SnapshotScenario, ConcurrentSnapshotsAllComplete) {
  Bank5 run("", on_command_only());
  run.until(seconds(1));
  std::vector<std::pair<NodeId, CommandId>> ids;
  for (NodeId n : {1, 3, 5}) ids.emplace_back(n, run.sim->command(n, Bank::kId, "snapshot"));
  ids.emplace_back(3, run.sim->command(3, Bank::kId, "snapshot"));  // two from one initiator
  run.until(seconds(3));
  for (const auto& [n, id] : ids) {
    const auto j = run.reply(n, id);
    EXPECT_EQ(j["complete"], true) << j.dump();
    EXPECT_EQ(j["summary"]["total"], 5000) << j.dump();
  }
  EXPECT_EQ(run.recorder->count("snap.done"), 4U);
  EXPECT_EQ(run.recorder->count("snap.record"), 20U);  // each node records each snapshot once
}

// Failure handling: a node down mid-snapshot sends no markers, so no node can close its channel
// from it and nobody reports; the initiator aborts at the timeout, and then forgets the snapshot.
TEST(SnapshotScenario, CrashDuringSnapshotAbortsAfterTimeout) {
  Bank5 run("@1s crash 4", on_command_only());
  run.until(milliseconds(1500));
  const CommandId id = run.sim->command(1, Bank::kId, "snapshot");
  run.until(seconds(6));
  EXPECT_FALSE(run.sim->command_reply(1, id)) << "answered before the 5 s timeout";
  run.until(milliseconds(6600));
  const auto j = run.reply(1, id);
  EXPECT_EQ(j["complete"], false) << j.dump();
  EXPECT_EQ(j["missing"], nlohmann::json::array({1, 2, 3, 4, 5}));
  EXPECT_NE(j["reason"].get<std::string>().find("timed out"), std::string::npos);
  EXPECT_EQ(run.recorder->count("snap.abort"), 1U);
  EXPECT_EQ(layer_on(*run.sim, 1).open_snapshots(), 0U);
}

// Accounts and outboxes are durable and resent after a restart: no money is lost or doubled
// across crashes (X1 on every event), and a snapshot afterwards conserves the total exactly.
TEST(SnapshotScenario, CrashesLoseNoMoney) {
  Bank5 run("@1s crash 3; @1200ms crash 2; @2s restart 3; @2500ms restart 2", on_command_only());
  run.until(seconds(4));
  const CommandId id = run.sim->command(5, Bank::kId, "snapshot");
  run.until(seconds(5));
  const auto j = run.reply(5, id);
  EXPECT_EQ(j["complete"], true) << j.dump();
  EXPECT_EQ(j["summary"]["total"], 5000);
  std::uint64_t resent = 0;
  for (NodeId n = 1; n <= 5; ++n) resent += layer_on(*run.sim, n).stats().resent;
  EXPECT_GT(resent, 0U);
  EXPECT_GT(run.recorder->count("bank.recv"), 50U);
}

}  // namespace
}  // namespace synod::snapshot
