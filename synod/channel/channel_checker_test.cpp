// The channel checkers object to each kind of broken story fed to them directly: stories told by
// the application (stream.*) and the driver (kStart, kSend, kDeliver, kCrash), never by ch.deliver.
#include <gtest/gtest.h>

#include <vector>

#include "synod/channel/channel_checker.hpp"
#include "synod/channel/channel_observations.hpp"
#include "synod/channel/stream_workload.hpp"

namespace synod::channel {
namespace {

constexpr ProtocolId kP = StreamWorkload::kId;
constexpr std::int64_t kLife1 = 7;  // node 1's workload life

struct Story {
  CheckerList checkers;
  std::uint64_t seq = 0;
  std::int64_t t = 0;
  std::uint64_t msg = 0;

  std::optional<std::string> ev(EventKind k, NodeId node, NodeId peer = 0,
                                std::string_view what = {}, std::vector<ObsField> f = {},
                                std::uint64_t msg_id = 0) {
    Event e{++seq, t += 1'000'000, k, node, peer, kP, 0, what, f};
    e.msg_id = msg_id;
    return checkers[0]->on_event(e);
  }
  std::optional<std::string> obs(NodeId node, std::string_view what, std::vector<ObsField> f) {
    return ev(EventKind::kObserve, node, 0, what, std::move(f));
  }
  void start() {
    EXPECT_FALSE(ev(EventKind::kStart, 1));
    EXPECT_FALSE(obs(1, kObsSession, {{"ss", 100}}));
    EXPECT_FALSE(ev(EventKind::kStart, 2));
    EXPECT_FALSE(obs(2, kObsSession, {{"ss", 200}}));
  }
  // Node 1's application sends seq `n` (bytes hashed to `hash`) to node 2 and its frame leaves.
  std::optional<std::string> send(std::int64_t n, std::int64_t hash) {
    if (auto v = ev(EventKind::kTimer, 1)) return v;
    if (auto v =
            obs(1, kObsStreamSend, {{"peer", 2}, {"life", kLife1}, {"seq", n}, {"hash", hash}}))
      return v;
    return ev(EventKind::kSend, 1, 2, {}, {}, ++msg);
  }
  // The network delivers frame `id` from node 1 to node 2.
  std::optional<std::string> arrive(std::uint64_t id) {
    return ev(EventKind::kDeliver, 2, 1, {}, {}, id);
  }
  // Node 2's application reports receiving seq `n` with bytes hashed to `hash`.
  std::optional<std::string> recv(std::int64_t n, std::int64_t hash, NodeId peer = 1) {
    return obs(
        2, kObsStreamRecv,
        {{"peer", peer}, {"sender", 1}, {"to", 2}, {"life", kLife1}, {"seq", n}, {"hash", hash}});
  }
  std::optional<std::string> end() { return ev(EventKind::kTimer, 2); }
};

bool has(const std::optional<std::string>& v, std::string_view tag) {
  return v && v->find(tag) != std::string::npos;
}

TEST(ReliableChecker, AcceptsAnInOrderStream) {
  Story s{reliable_channel_checkers()};
  s.start();
  EXPECT_FALSE(s.send(1, 11));
  EXPECT_FALSE(s.send(2, 22));
  EXPECT_FALSE(s.arrive(1));
  EXPECT_FALSE(s.recv(1, 11));
  EXPECT_FALSE(s.arrive(2));
  EXPECT_FALSE(s.recv(2, 22));
}

// R1: the application's own numbering shows the duplicate, whatever the channel says.
TEST(ReliableChecker, CatchesDuplicateDelivery) {
  Story s{reliable_channel_checkers()};
  s.start();
  ASSERT_FALSE(s.send(1, 11));
  ASSERT_FALSE(s.arrive(1));
  ASSERT_FALSE(s.recv(1, 11));
  ASSERT_FALSE(s.arrive(1));
  EXPECT_TRUE(has(s.recv(1, 11), "duplicate"));
}

TEST(ReliableChecker, CatchesAGap) {
  Story s{reliable_channel_checkers()};
  s.start();
  ASSERT_FALSE(s.send(1, 11));
  ASSERT_FALSE(s.send(2, 22));
  ASSERT_FALSE(s.send(3, 33));
  ASSERT_FALSE(s.arrive(1));
  ASSERT_FALSE(s.recv(1, 11));
  ASSERT_FALSE(s.arrive(3));
  EXPECT_TRUE(has(s.recv(3, 33), "loss or reordering"));
}

// R2: the bytes the application got are hashed by the application, not by the channel.
TEST(ReliableChecker, CatchesACorruptedPayload) {
  Story s{reliable_channel_checkers()};
  s.start();
  ASSERT_FALSE(s.send(1, 11));
  ASSERT_FALSE(s.arrive(1));
  EXPECT_TRUE(has(s.recv(1, 12), "R2"));
}

// R2: a message reaches the application only while the network delivers a frame from its sender.
TEST(ReliableChecker, CatchesADeliveryWithoutANetworkDelivery) {
  Story s{reliable_channel_checkers()};
  s.start();
  ASSERT_FALSE(s.send(1, 11));
  ASSERT_FALSE(s.end());  // node 2 is in a timer input, not receiving anything
  EXPECT_TRUE(has(s.recv(1, 11), "delivering nothing"));
}

TEST(ReliableChecker, CatchesMisattribution) {
  Story s{reliable_channel_checkers()};
  s.start();
  ASSERT_FALSE(s.send(1, 11));
  ASSERT_FALSE(s.ev(EventKind::kDeliver, 2, 3, {}, {}, 1));
  EXPECT_TRUE(has(s.recv(1, 11, /*peer=*/3), "attributed to node 3"));
}

// R3 is judged against the driver's lives: node 2 never crashed.
TEST(ReliableChecker, CatchesResetOfALiveStream) {
  Story s{reliable_channel_checkers()};
  s.start();
  EXPECT_TRUE(has(s.obs(1, kObsReset, {{"peer", 2}, {"old_ds", 200}, {"new_ds", 200}}), "R3"));
}

TEST(ReliableChecker, AcceptsResetAfterTheReceiverRestarted) {
  Story s{reliable_channel_checkers()};
  s.start();
  ASSERT_FALSE(s.ev(EventKind::kCrash, 2));
  ASSERT_FALSE(s.ev(EventKind::kRecover, 2));
  ASSERT_FALSE(s.obs(2, kObsSession, {{"ss", 201}}));
  EXPECT_FALSE(s.obs(1, kObsReset, {{"peer", 2}, {"old_ds", 200}, {"new_ds", 201}}));
}

// R4: a message sent long after both lives began and the network healed must arrive.
TEST(ReliableChecker, LivenessNeedsEveryDueMessageDelivered) {
  Story s{reliable_channel_checkers()};
  s.start();
  s.t += 5'000'000'000;
  ASSERT_FALSE(s.send(1, 11));
  s.t += 10'000'000'000;  // well past the grace period
  ASSERT_FALSE(s.end());
  const NodeId up[] = {1, 2};
  EXPECT_TRUE(has(s.checkers[0]->at_quiescence(up, {}), "R4"));
}

TEST(ReliableChecker, LivenessExcusesMessagesToADeadLife) {
  Story s{reliable_channel_checkers()};
  s.start();
  s.t += 5'000'000'000;
  ASSERT_FALSE(s.send(1, 11));
  ASSERT_FALSE(s.ev(EventKind::kCrash, 2));
  ASSERT_FALSE(s.ev(EventKind::kRecover, 2));
  s.t += 10'000'000'000;
  ASSERT_FALSE(s.end());
  const NodeId up[] = {1, 2};
  EXPECT_FALSE(s.checkers[0]->at_quiescence(up, {}));
}

TEST(ReliableChecker, WindowFollowsTheChannelTimeouts) {
  ReliableOptions slow;
  slow.rto_max = std::chrono::seconds(4);
  const auto fast = ReliableCheckerOptions::from(ReliableOptions{});
  const auto o = ReliableCheckerOptions::from(slow);
  EXPECT_GT(o.liveness_window(), fast.liveness_window() + std::chrono::seconds(8));
  EXPECT_EQ(reliable_channel_checkers(o)[0]->liveness_window(), o.liveness_window());
}

TEST(BestEffortChecker, AllowsDuplicatesOfTheFrameButNotOtherBytes) {
  Story s{best_effort_channel_checkers()};
  s.start();
  ASSERT_FALSE(s.send(1, 11));
  ASSERT_FALSE(s.arrive(1));
  EXPECT_FALSE(s.recv(1, 11));
  ASSERT_FALSE(s.arrive(1));  // the network duplicated it
  EXPECT_FALSE(s.recv(1, 11));
  ASSERT_FALSE(s.arrive(1));
  EXPECT_TRUE(has(s.recv(1, 12), "other bytes"));
}

// B2: an intact frame the network delivered must reach the application.
TEST(BestEffortChecker, CatchesASilentlyDroppedFrame) {
  Story s{best_effort_channel_checkers()};
  s.start();
  ASSERT_FALSE(s.send(1, 11));
  ASSERT_FALSE(s.arrive(1));
  EXPECT_TRUE(has(s.end(), "B2"));
}

TEST(BestEffortChecker, ExcusesAFrameTheNetworkCorrupted) {
  Story s{best_effort_channel_checkers()};
  s.start();
  ASSERT_FALSE(s.send(1, 11));
  ASSERT_FALSE(s.ev(EventKind::kFault, 1, 2, "corrupt", {}, 1));
  ASSERT_FALSE(s.arrive(1));
  EXPECT_FALSE(s.end());
  ASSERT_EQ(s.checkers[0]->verdicts().size(), 1U);
  EXPECT_EQ(s.checkers[0]->verdicts()[0].count, 1U);
}

// B3: one frame per message.
TEST(BestEffortChecker, CatchesASecondFrameForOneMessage) {
  Story s{best_effort_channel_checkers()};
  s.start();
  ASSERT_FALSE(s.send(1, 11));
  EXPECT_TRUE(has(s.ev(EventKind::kSend, 1, 2, {}, {}, 99), "B3"));
}

TEST(BestEffortChecker, CatchesAMessageThatLeftNoFrame) {
  Story s{best_effort_channel_checkers()};
  s.start();
  ASSERT_FALSE(s.ev(EventKind::kTimer, 1));
  ASSERT_FALSE(s.obs(1, kObsStreamSend, {{"peer", 2}, {"life", kLife1}, {"seq", 1}, {"hash", 1}}));
  EXPECT_TRUE(has(s.ev(EventKind::kTimer, 1), "no frame"));
}

TEST(BestEffortChecker, CatchesTheWrongFrameContent) {
  Story s{best_effort_channel_checkers()};
  s.start();
  ASSERT_FALSE(s.send(1, 11));
  ASSERT_FALSE(s.send(2, 22));
  ASSERT_FALSE(s.arrive(2));
  EXPECT_TRUE(has(s.recv(1, 11), "from a frame that carried"));
}

}  // namespace
}  // namespace synod::channel
