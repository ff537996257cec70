// The channel checkers object to each kind of broken story fed to them directly.
#include <gtest/gtest.h>

#include <vector>

#include "synod/channel/channel_checker.hpp"
#include "synod/channel/channel_observations.hpp"

namespace synod::channel {
namespace {

constexpr ProtocolId kP = 40;

struct Story {
  CheckerList checkers;
  std::uint64_t seq = 0;
  std::int64_t t = 0;

  std::optional<std::string> obs(NodeId node, std::string_view what, std::vector<ObsField> f) {
    Event e{++seq, t += 1'000'000, EventKind::kObserve, node, 0, kP, 0, what, f};
    return checkers[0]->on_event(e);
  }
  std::optional<std::string> crash(NodeId node) {
    Event e{++seq, t += 1'000'000, EventKind::kCrash, node, 0, 0, 0, "", {}};
    return checkers[0]->on_event(e);
  }
  void sessions() {
    EXPECT_FALSE(obs(1, kObsSession, {{"ss", 100}}));
    EXPECT_FALSE(obs(2, kObsSession, {{"ss", 200}}));
  }
  std::optional<std::string> send(std::int64_t seq_no, std::int64_t hash) {
    return obs(1, kObsSend,
               {{"peer", 2}, {"seq", seq_no}, {"ss", 100}, {"ds", 200}, {"hash", hash}});
  }
  std::optional<std::string> deliver(std::int64_t seq_no, std::int64_t hash) {
    return obs(2, kObsDeliver,
               {{"peer", 1}, {"seq", seq_no}, {"ss", 100}, {"ds", 200}, {"hash", hash}});
  }
};

bool has(const std::optional<std::string>& v, std::string_view tag) {
  return v && v->find(tag) != std::string::npos;
}

TEST(ReliableChecker, AcceptsAnInOrderStream) {
  Story s{reliable_channel_checkers()};
  s.sessions();
  EXPECT_FALSE(s.send(1, 11));
  EXPECT_FALSE(s.send(2, 22));
  EXPECT_FALSE(s.deliver(1, 11));
  EXPECT_FALSE(s.deliver(2, 22));
}

TEST(ReliableChecker, CatchesDuplicateDelivery) {
  Story s{reliable_channel_checkers()};
  s.sessions();
  ASSERT_FALSE(s.send(1, 11));
  ASSERT_FALSE(s.deliver(1, 11));
  EXPECT_TRUE(has(s.deliver(1, 11), "duplicate"));
}

TEST(ReliableChecker, CatchesAGap) {
  Story s{reliable_channel_checkers()};
  s.sessions();
  ASSERT_FALSE(s.send(1, 11));
  ASSERT_FALSE(s.send(2, 22));
  EXPECT_TRUE(has(s.deliver(2, 22), "loss or reordering"));
}

TEST(ReliableChecker, CatchesACorruptedPayload) {
  Story s{reliable_channel_checkers()};
  s.sessions();
  ASSERT_FALSE(s.send(1, 11));
  EXPECT_TRUE(has(s.deliver(1, 12), "R2"));
}

TEST(ReliableChecker, CatchesResetOfALiveStream) {
  Story s{reliable_channel_checkers()};
  s.sessions();
  EXPECT_TRUE(has(s.obs(1, kObsReset, {{"peer", 2}, {"old_ds", 200}, {"new_ds", 201}}), "R3"));
}

TEST(ReliableChecker, AcceptsResetAfterTheReceiverRestarted) {
  Story s{reliable_channel_checkers()};
  s.sessions();
  ASSERT_FALSE(s.crash(2));
  ASSERT_FALSE(s.obs(2, kObsSession, {{"ss", 201}}));
  EXPECT_FALSE(s.obs(1, kObsReset, {{"peer", 2}, {"old_ds", 200}, {"new_ds", 201}}));
}

TEST(ReliableChecker, LivenessNeedsEveryDueMessageDelivered) {
  Story s{reliable_channel_checkers()};
  s.sessions();
  ASSERT_FALSE(s.send(1, 11));
  s.t += 10'000'000'000;  // well past the grace period
  ASSERT_FALSE(s.obs(1, "tick", {}));
  const NodeId up[] = {1, 2};
  EXPECT_TRUE(has(s.checkers[0]->at_quiescence(up, {}), "R4"));
}

TEST(ReliableChecker, LivenessExcusesStreamsToADeadLife) {
  Story s{reliable_channel_checkers()};
  s.sessions();
  ASSERT_FALSE(s.send(1, 11));
  ASSERT_FALSE(s.crash(2));
  ASSERT_FALSE(s.obs(2, kObsSession, {{"ss", 201}}));
  s.t += 10'000'000'000;
  ASSERT_FALSE(s.obs(1, "tick", {}));
  const NodeId up[] = {1, 2};
  EXPECT_FALSE(s.checkers[0]->at_quiescence(up, {}));
}

TEST(BestEffortChecker, CatchesFabricationAndCorruptionButAllowsDuplicates) {
  Story s{best_effort_channel_checkers()};
  ASSERT_FALSE(s.obs(1, kObsSend, {{"peer", 2}, {"seq", 1}, {"ss", 100}, {"hash", 11}}));
  EXPECT_FALSE(s.obs(2, kObsDeliver, {{"peer", 1}, {"seq", 1}, {"ss", 100}, {"hash", 11}}));
  EXPECT_FALSE(s.obs(2, kObsDeliver, {{"peer", 1}, {"seq", 1}, {"ss", 100}, {"hash", 11}}));
  EXPECT_TRUE(has(s.obs(2, kObsDeliver, {{"peer", 1}, {"seq", 1}, {"ss", 100}, {"hash", 12}}),
                  "corrupted"));
  EXPECT_TRUE(has(s.obs(2, kObsDeliver, {{"peer", 1}, {"seq", 2}, {"ss", 100}, {"hash", 11}}),
                  "never sent"));
}

}  // namespace
}  // namespace synod::channel
