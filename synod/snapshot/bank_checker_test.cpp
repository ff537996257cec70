// The bank checker on hand-written stories: each rule fires on the history it forbids and stays
// quiet on a correct one. Two accounts of 100; node 1 sends transfer 1 (10) to node 2.
#include "synod/snapshot/bank_checker.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "synod/snapshot/bank.hpp"

namespace synod::snapshot {
namespace {

class Story {
 public:
  Story() : checkers_(bank_checkers()) {
    EXPECT_FALSE(obs(1, "bank.open", {{"balance", 100}}));
    EXPECT_FALSE(obs(2, "bank.open", {{"balance", 100}}));
  }

  std::optional<std::string> obs(NodeId node, std::string_view what, std::vector<ObsField> fields) {
    fields_.push_back(std::move(fields));
    Event e;
    e.seq = ++seq_;
    e.time_ns = static_cast<std::int64_t>(seq_) * 1'000'000;
    e.kind = EventKind::kObserve;
    e.node = node;
    e.protocol = Bank::kId;
    e.what = what;
    e.fields = fields_.back();
    return checkers_[0]->on_event(e);
  }
  std::optional<std::string> send(NodeId from, NodeId to, std::int64_t xid, std::int64_t amount) {
    return obs(from, "bank.send", {{"to", to}, {"xid", xid}, {"amount", amount}});
  }
  std::optional<std::string> recv(NodeId to, NodeId from, std::int64_t xid, std::int64_t amount) {
    return obs(to, "bank.recv", {{"from", from}, {"xid", xid}, {"amount", amount}});
  }
  std::optional<std::string> record(NodeId node) {
    return obs(node, "snap.record", {{"init", 1}, {"sid", 1}, {"nonce", node}});
  }
  // The initiator's report: balances per node, recorded transfers (from, to, xid, amount).
  std::optional<std::string> report(std::vector<std::int64_t> balances,
                                    std::vector<std::vector<std::int64_t>> channels,
                                    std::int64_t total) {
    for (std::size_t i = 0; i < balances.size(); ++i) {
      const auto n = static_cast<std::int64_t>(i + 1);
      EXPECT_FALSE(
          obs(1, "bank.part",
              {{"init", 1}, {"sid", 1}, {"node", n}, {"nonce", n}, {"balance", balances[i]}}));
    }
    for (const auto& c : channels) {
      EXPECT_FALSE(obs(1, "bank.chan",
                       {{"init", 1},
                        {"sid", 1},
                        {"from", c[0]},
                        {"to", c[1]},
                        {"xid", c[2]},
                        {"amount", c[3]}}));
    }
    return obs(1, "bank.snap",
               {{"init", 1}, {"sid", 1}, {"complete", 1}, {"total", total}, {"in_channel", 0}});
  }

 private:
  CheckerList checkers_;
  std::vector<std::vector<ObsField>> fields_;  // events point into these
  std::uint64_t seq_ = 0;
};

TEST(BankChecker, QuietOnACorrectSnapshotWithATransferInTransit) {
  Story s;
  EXPECT_FALSE(s.send(1, 2, 1, 10));
  EXPECT_FALSE(s.record(1));
  EXPECT_FALSE(s.record(2));
  EXPECT_FALSE(s.recv(2, 1, 1, 10));
  EXPECT_FALSE(s.report({90, 100}, {{1, 2, 1, 10}}, 200));
}

TEST(BankChecker, S1FlagsAnInconsistentCut) {
  Story s;
  EXPECT_FALSE(s.record(1));  // before the send
  EXPECT_FALSE(s.send(1, 2, 1, 10));
  EXPECT_FALSE(s.recv(2, 1, 1, 10));
  EXPECT_FALSE(s.record(2));  // after the receive
  const auto v = s.report({100, 110}, {}, 210);
  ASSERT_TRUE(v);
  EXPECT_NE(v->find("S1"), std::string::npos) << *v;
}

TEST(BankChecker, S2FlagsABalanceNotRecordedAtTheRecordingPoint) {
  Story s;
  EXPECT_FALSE(s.record(1));
  EXPECT_FALSE(s.record(2));
  EXPECT_FALSE(s.send(1, 2, 1, 10));
  const auto v = s.report({90, 100}, {}, 190);
  ASSERT_TRUE(v);
  EXPECT_NE(v->find("S2"), std::string::npos) << *v;
}

TEST(BankChecker, S3FlagsAMissedTransferInTransit) {
  Story s;
  EXPECT_FALSE(s.send(1, 2, 1, 10));
  EXPECT_FALSE(s.record(1));
  EXPECT_FALSE(s.record(2));
  const auto v = s.report({90, 100}, {}, 190);
  ASSERT_TRUE(v);
  EXPECT_NE(v->find("S3"), std::string::npos) << *v;
}

TEST(BankChecker, S3FlagsARecordedTransferNotInTransit) {
  Story s;
  EXPECT_FALSE(s.send(1, 2, 1, 10));
  EXPECT_FALSE(s.recv(2, 1, 1, 10));
  EXPECT_FALSE(s.record(1));
  EXPECT_FALSE(s.record(2));
  const auto v = s.report({90, 110}, {{1, 2, 1, 10}}, 210);
  ASSERT_TRUE(v);
  EXPECT_NE(v->find("S3"), std::string::npos) << *v;
}

TEST(BankChecker, S5FlagsAWrongReportedTotal) {
  Story s;
  EXPECT_FALSE(s.record(1));
  EXPECT_FALSE(s.record(2));
  const auto v = s.report({100, 100}, {}, 201);
  ASSERT_TRUE(v);
  EXPECT_NE(v->find("S5"), std::string::npos) << *v;
}

TEST(BankChecker, X1FlagsLostDoubledAndInventedMoney) {
  {
    Story s;
    EXPECT_FALSE(s.send(1, 2, 1, 10));
    EXPECT_FALSE(s.recv(2, 1, 1, 10));
    EXPECT_TRUE(s.recv(2, 1, 1, 10));  // twice
  }
  {
    Story s;
    EXPECT_TRUE(s.recv(2, 1, 7, 10));  // never sent
  }
  {
    Story s;
    EXPECT_TRUE(s.send(1, 2, 1, 101));  // overdraft
  }
  {
    Story s;
    EXPECT_TRUE(s.obs(1, "bank.open", {{"balance", 100}}));  // durable account reopened
  }
}

TEST(BankChecker, L1FlagsASnapshotThatNeverEnds) {
  Event heal;
  heal.kind = EventKind::kHeal;
  auto list = bank_checkers({.timeout = std::chrono::milliseconds(1)});
  heal.time_ns = 1;
  EXPECT_FALSE(list[0]->on_event(heal));
  const ObsField f[] = {{"init", 1}, {"sid", 1}};
  Event start;
  start.kind = EventKind::kObserve;
  start.protocol = Bank::kId;
  start.node = 1;
  start.what = "snap.start";
  start.fields = f;
  start.time_ns = 2;
  EXPECT_FALSE(list[0]->on_event(start));
  Event later;
  later.kind = EventKind::kTimer;
  later.time_ns = 10'000'000;
  EXPECT_FALSE(list[0]->on_event(later));
  const NodeId up[] = {1, 2};
  const auto v = list[0]->at_quiescence(up, {});
  ASSERT_TRUE(v);
  EXPECT_NE(v->find("L1"), std::string::npos) << *v;
}

// L1b could not fire at the defaults before (its window, timeout after the first start after the
// heal, was longer than the 5 s stabilize phase): now the window follows the options and the
// simulator lengthens the stabilize phase to it; a mutant that never reports (CL5) is caught.
TEST(BankChecker, L1WindowFollowsTheOptions) {
  const BankCheckerOptions defaults;
  EXPECT_EQ(bank_checkers(defaults)[0]->liveness_window(), defaults.liveness_window());
  EXPECT_GE(defaults.liveness_window(), defaults.settle + 2 * defaults.auto_every);
  BankCheckerOptions slower = defaults;
  slower.auto_every = std::chrono::seconds(10);
  EXPECT_GT(slower.liveness_window(), defaults.liveness_window() + std::chrono::seconds(15));
  BankCheckerOptions none = defaults;
  none.auto_every = Duration(0);
  EXPECT_EQ(none.liveness_window(), Duration(0));
}

}  // namespace
}  // namespace synod::snapshot
