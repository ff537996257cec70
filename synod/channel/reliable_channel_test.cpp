// Golden step-by-step tests of the reliable channel's state machine, driven by hand through fake
// contexts: every frame is carried (or lost, duplicated, reordered) by the test itself.
#include <gtest/gtest.h>

#include "synod/channel/channel_observations.hpp"
#include "synod/channel/channel_test_util.hpp"
#include "synod/channel/reliable_channel.hpp"

namespace synod::channel {
namespace {

using testing::FakeContext;
using testing::frame_of;
using testing::Recorder;
using testing::Sent;

constexpr auto kData = static_cast<std::uint32_t>(FrameKind::kData);
constexpr auto kAck = static_cast<std::uint32_t>(FrameKind::kAck);
constexpr auto kNack = static_cast<std::uint32_t>(FrameKind::kNack);
constexpr auto kProbe = static_cast<std::uint32_t>(FrameKind::kProbe);

// One node: a fake context, a reliable channel and the recorder inside it.
struct End {
  End(NodeId id, std::uint64_t seed, ReliableOptions o = {})
      : ctx(id, {id == 1 ? NodeId{2} : NodeId{1}}, seed) {
    auto r = std::make_unique<Recorder>();
    rec = r.get();
    ch = std::make_unique<ReliableChannel>(std::move(r), o);
    ch->on_start(ctx);
  }
  void receive(NodeId from, const Sent& s) { ch->on_message(ctx, from, s.bytes); }

  FakeContext ctx;
  Recorder* rec = nullptr;
  std::unique_ptr<ReliableChannel> ch;
};

// Carries every frame `a` sent to `b`, in order.
std::vector<ChannelFrame> pump(End& a, End& b) {
  std::vector<ChannelFrame> frames;
  for (const Sent& s : a.ctx.take()) {
    frames.push_back(frame_of(s));
    b.receive(a.ctx.self(), s);
  }
  return frames;
}

// Advances a's clock until its next timeout has put something on the wire.
void until_sent(End& a) {
  while (a.ctx.sent.empty()) a.ctx.advance(*a.ch, std::chrono::milliseconds(1));
}

// Connects a -> b: the first send probes, the nack names b's session.
void handshake(End& a, End& b) {
  ASSERT_EQ(pump(a, b).at(0).kind, kProbe);
  ASSERT_EQ(pump(b, a).at(0).kind, kNack);
}

TEST(ReliableChannel, FirstSendProbesThenStreamStartsAtSeqOne) {
  End a(1, 11), b(2, 22);
  a.rec->send(2, "hello");
  auto sent = a.ctx.take();
  ASSERT_EQ(sent.size(), 1U);
  EXPECT_EQ(frame_of(sent[0]).kind, kProbe);
  EXPECT_EQ(a.ctx.count(kObsSend), 0U);  // not in a stream yet
  EXPECT_EQ(a.ch->in_flight(2), 1U);
  b.receive(1, sent[0]);
  auto nack = b.ctx.take();
  ASSERT_EQ(nack.size(), 1U);
  const ChannelFrame n = frame_of(nack[0]);
  EXPECT_EQ(n.kind, kNack);
  EXPECT_EQ(n.src, b.ch->session());
  EXPECT_EQ(n.dst, a.ch->session());
  EXPECT_EQ(n.echo, 0U);
  a.receive(2, nack[0]);
  EXPECT_EQ(a.ch->peer_session(2), b.ch->session());
  auto data = a.ctx.take();
  ASSERT_EQ(data.size(), 1U);
  const ChannelFrame d = frame_of(data[0]);
  EXPECT_EQ(d.kind, kData);
  EXPECT_EQ(d.seq, 1U);
  EXPECT_EQ(d.dst, b.ch->session());
  EXPECT_EQ(a.ctx.last(kObsSend)->fields.at("seq"), 1);
  b.receive(1, data[0]);
  ASSERT_EQ(b.rec->got.size(), 1U);
  EXPECT_EQ(b.rec->got[0].second, "hello");
}

TEST(ReliableChannel, CumulativeAckEmptiesTheWindowAndStopsTheTimer) {
  End a(1, 11), b(2, 22);
  a.rec->send(2, "x");
  handshake(a, b);
  a.rec->send(2, "y");
  a.rec->send(2, "z");
  pump(a, b);
  EXPECT_EQ(b.rec->got.size(), 3U);
  const auto acks = pump(b, a);
  ASSERT_EQ(acks.size(), 3U);
  EXPECT_EQ(acks.back().kind, kAck);
  EXPECT_EQ(acks.back().cum, 3U);
  EXPECT_EQ(a.ch->in_flight(2), 0U);
  EXPECT_TRUE(a.ctx.timers.empty());
}

// Selective acknowledgement: a hole is reported as cum + ranges, and the timeout resends only it.
TEST(ReliableChannel, SackedFramesAreNotRetransmitted) {
  End a(1, 11), b(2, 22);
  a.rec->send(2, "m1");
  handshake(a, b);
  a.rec->send(2, "m2");
  a.rec->send(2, "m3");
  a.rec->send(2, "m4");
  auto sent = a.ctx.take();  // seq 1..4
  ASSERT_EQ(sent.size(), 4U);
  b.receive(1, sent[0]);
  b.receive(1, sent[2]);  // seq 2 lost
  b.receive(1, sent[3]);
  ASSERT_EQ(b.rec->got.size(), 1U);  // 3 and 4 wait for 2
  auto acks = b.ctx.take();
  const ChannelFrame last = frame_of(acks.back());
  EXPECT_EQ(last.cum, 1U);
  EXPECT_EQ(last.sack, (std::vector<std::uint64_t>{3, 4}));
  for (const auto& s : acks) a.receive(2, s);
  EXPECT_EQ(a.ch->in_flight(2), 3U);
  until_sent(a);
  auto re = a.ctx.take();
  ASSERT_EQ(re.size(), 1U);
  EXPECT_EQ(frame_of(re[0]).seq, 2U);
  EXPECT_EQ(a.ch->stats().retransmissions, 1U);
  b.receive(1, re[0]);
  ASSERT_EQ(b.rec->got.size(), 4U);
  EXPECT_EQ(b.rec->got[1].second, "m2");
  EXPECT_EQ(b.rec->got[3].second, "m4");
  pump(b, a);
  EXPECT_EQ(a.ch->in_flight(2), 0U);
}

TEST(ReliableChannel, DuplicatesAreSuppressedAndReacknowledged) {
  End a(1, 11), b(2, 22);
  a.rec->send(2, "once");
  handshake(a, b);
  auto sent = a.ctx.take();
  b.receive(1, sent[0]);
  b.receive(1, sent[0]);
  EXPECT_EQ(b.rec->got.size(), 1U);
  EXPECT_EQ(b.ch->stats().duplicates, 1U);
  auto acks = b.ctx.take();
  ASSERT_EQ(acks.size(), 2U);  // the duplicate is answered: the first ack may have been lost
  EXPECT_EQ(frame_of(acks[1]).cum, 1U);
}

TEST(ReliableChannel, ReorderedFramesAreDeliveredInOrder) {
  End a(1, 11), b(2, 22);
  a.rec->send(2, "1");
  handshake(a, b);
  a.rec->send(2, "2");
  a.rec->send(2, "3");
  auto sent = a.ctx.take();
  b.receive(1, sent[2]);
  b.receive(1, sent[1]);
  EXPECT_TRUE(b.rec->got.empty());
  b.receive(1, sent[0]);
  ASSERT_EQ(b.rec->got.size(), 3U);
  EXPECT_EQ(b.rec->got[0].second + b.rec->got[1].second + b.rec->got[2].second, "123");
}

// Exponential backoff: 200ms, 400ms, 800ms, then capped at rto_max = 1s; kUnreachable once after
// give_up = 3s without an acknowledgement, and retransmission goes on.
TEST(ReliableChannel, BackoffDoublesToTheCapAndUnreachableIsReportedOnce) {
  End a(1, 11), b(2, 22);
  a.rec->send(2, "m");
  handshake(a, b);
  a.ctx.take();
  std::vector<std::int64_t> gaps_ms;
  Time last = a.ctx.now();
  for (int i = 0; i < 6; ++i) {
    until_sent(a);
    a.ctx.take();
    gaps_ms.push_back((a.ctx.now() - last).count() / 1'000'000);
    last = a.ctx.now();
  }
  EXPECT_EQ(gaps_ms, (std::vector<std::int64_t>{200, 400, 800, 1000, 1000, 1000}));
  ASSERT_EQ(a.rec->events.size(), 1U);
  EXPECT_EQ(a.rec->events[0], std::make_pair(NodeId{2}, PeerEvent::kUnreachable));
  EXPECT_EQ(a.ctx.count(kObsUnreachable), 1U);
}

TEST(ReliableChannel, FullWindowRejectsLoudlyAndReportsWritable) {
  ReliableOptions o;
  o.window = 2;
  End a(1, 11, o), b(2, 22, o);
  a.rec->send(2, "1");
  handshake(a, b);
  EXPECT_TRUE(a.rec->ctx->writable(2));
  a.rec->send(2, "2");
  EXPECT_FALSE(a.rec->ctx->writable(2));
  a.rec->send(2, "3");  // ignores back-pressure
  EXPECT_EQ(a.ch->stats().rejected, 1U);
  ASSERT_NE(a.ctx.last(kObsReject), nullptr);
  EXPECT_EQ(a.ctx.last(kObsReject)->fields.at("reason"),
            static_cast<std::int64_t>(RejectReason::kNotWritable));
  EXPECT_EQ(a.ctx.count(kObsSend), 2U);
  pump(a, b);
  pump(b, a);
  EXPECT_TRUE(a.rec->ctx->writable(2));
  ASSERT_EQ(a.rec->events.size(), 1U);
  EXPECT_EQ(a.rec->events[0], std::make_pair(NodeId{2}, PeerEvent::kWritable));
  EXPECT_EQ(b.rec->got.size(), 2U);
}

TEST(ReliableChannel, BufferedBytesLimitAppliesToo) {
  ReliableOptions o;
  o.max_buffered_bytes = 10;
  End a(1, 11, o);
  a.rec->send(2, "123456");
  EXPECT_TRUE(a.rec->ctx->writable(2));
  a.rec->send(2, "123456");
  EXPECT_FALSE(a.rec->ctx->writable(2));
}

TEST(ReliableChannel, OversizedAndMisaddressedSendsAreRejected) {
  ReliableOptions o;
  o.max_payload = 4;
  End a(1, 11, o);
  a.rec->send(2, "12345");
  a.rec->send(9, "1");
  EXPECT_EQ(a.ch->stats().rejected, 2U);
  EXPECT_TRUE(a.ctx.sent.empty());
}

// Sessions: a restarted receiver nacks frames addressed to its old life; the sender reports
// kRestarted, drops what the old life never acknowledged, and starts a new stream at seq 1.
TEST(ReliableChannel, ReceiverRestartIsReportedToTheSenderAndANewStreamStarts) {
  End a(1, 11), b(2, 22);
  a.rec->send(2, "old1");
  handshake(a, b);
  pump(a, b);
  pump(b, a);
  a.rec->send(2, "old2");  // never reaches the old life
  a.ctx.take();
  const std::uint64_t old_session = b.ch->session();
  End b2(2, 33);  // restart: a fresh object, a new session
  ASSERT_NE(b2.ch->session(), old_session);
  until_sent(a);
  const auto re = pump(a, b2);
  ASSERT_EQ(re.size(), 1U);
  EXPECT_EQ(re[0].dst, old_session);
  EXPECT_TRUE(b2.rec->got.empty());
  const auto nack = pump(b2, a);
  EXPECT_EQ(nack.at(0).kind, kNack);
  EXPECT_EQ(nack.at(0).echo, old_session);
  ASSERT_EQ(a.rec->events.size(), 1U);
  EXPECT_EQ(a.rec->events[0], std::make_pair(NodeId{2}, PeerEvent::kRestarted));
  EXPECT_EQ(a.ch->peer_session(2), b2.ch->session());
  EXPECT_EQ(a.ch->stats().dropped_on_reset, 1U);
  EXPECT_EQ(a.ctx.last(kObsReset)->fields.at("dropped"), 1);
  EXPECT_EQ(a.ch->in_flight(2), 0U);
  a.rec->send(2, "new1");
  const auto data = pump(a, b2);
  EXPECT_EQ(data.at(0).seq, 1U);
  ASSERT_EQ(b2.rec->got.size(), 1U);
  EXPECT_EQ(b2.rec->got[0].second, "new1");
}

// A nack that does not echo the believed session is stale (from a life we already left) and
// must not move the sender backwards.
TEST(ReliableChannel, StaleNackIsIgnored) {
  End a(1, 11), b(2, 22);
  a.rec->send(2, "m");
  handshake(a, b);
  ChannelFrame n;
  n.kind = kNack;
  n.src = 12345;
  n.dst = a.ch->session();
  n.echo = 999;  // not what a believes
  a.ch->on_message(a.ctx, 2, seal(n));
  EXPECT_EQ(a.ch->peer_session(2), b.ch->session());
  EXPECT_EQ(a.ch->stats().stale, 1U);
  EXPECT_TRUE(a.rec->events.empty());
}

// A restarted sender starts a new stream; the receiver keeps the old life's stream apart, so a
// late duplicate from the old life is not delivered again.
TEST(ReliableChannel, SenderRestartStartsANewStreamAndOldFramesStayDeduplicated) {
  End a(1, 11), b(2, 22);
  a.rec->send(2, "life1");
  handshake(a, b);
  auto old_frames = a.ctx.take();
  b.receive(1, old_frames[0]);
  b.ctx.take();
  End a2(1, 44);
  a2.rec->send(2, "life2");
  handshake(a2, b);
  pump(a2, b);
  b.receive(1, old_frames[0]);  // late duplicate from the first life
  ASSERT_EQ(b.rec->got.size(), 2U);
  EXPECT_EQ(b.rec->got[1].second, "life2");
  EXPECT_EQ(b.ch->stats().duplicates, 1U);
}

TEST(ReliableChannel, BadInputIsCountedNeverFatal) {
  End a(1, 11), b(2, 22);
  b.ch->on_message(b.ctx, 1, Bytes{1, 2});  // shorter than a checksum
  Bytes flipped = seal(ChannelFrame{kData, 1, b.ch->session(), 1, 0, {}, Bytes{1, 2, 3}, 0});
  flipped[3] ^= 0x10;
  b.ch->on_message(b.ctx, 1, flipped);
  EXPECT_EQ(b.ch->stats().corrupt, 2U);
  EXPECT_EQ(b.ctx.count(kObsCorrupt), 2U);
  b.ch->on_message(b.ctx, 1, seal(ChannelFrame{99, 1, 0, 0, 0, {}, {}, 0}));  // unknown kind
  b.ch->on_message(b.ctx, 1,
                   seal(ChannelFrame{kData, 1, b.ch->session(), 0, 0, {}, {}, 0}));  // seq 0
  b.ch->on_message(b.ctx, 1,
                   seal(ChannelFrame{kData, 0, b.ch->session(), 1, 0, {}, {}, 0}));  // no session
  Bytes trailer_only = seal(ChannelFrame{});
  trailer_only[0] ^= 0xFF;  // checksum now fails: counted as corrupt, not malformed
  b.ch->on_message(b.ctx, 1, trailer_only);
  EXPECT_EQ(b.ch->stats().malformed, 3U);
  EXPECT_EQ(b.ch->stats().corrupt, 3U);
  // An ack for seqs never sent, and one with a bad range list.
  a.rec->send(2, "m");
  handshake(a, b);
  const std::uint64_t bs = b.ch->session();
  const std::uint64_t as = a.ch->session();
  a.ch->on_message(a.ctx, 2, seal(ChannelFrame{kAck, bs, as, 0, 5, {}, {}, 0}));
  a.ch->on_message(a.ctx, 2, seal(ChannelFrame{kAck, bs, as, 0, 0, {3}, {}, 0}));
  EXPECT_EQ(a.ch->stats().malformed, 2U);
  a.ch->on_message(a.ctx, 2,
                   seal(ChannelFrame{kAck, 777, as, 0, 1, {}, {}, 0}));  // another life of b
  EXPECT_EQ(a.ch->stats().stale, 1U);
  EXPECT_EQ(a.ch->in_flight(2), 1U);
  EXPECT_TRUE(b.rec->got.empty());
}

TEST(ReliableChannel, FramesBeyondTheReceiveWindowAreDropped) {
  ReliableOptions small;
  small.window = 2;
  End b(2, 22, small);
  b.ch->on_message(b.ctx, 1, seal(ChannelFrame{kData, 5, b.ch->session(), 3, 0, {}, Bytes{1}, 0}));
  EXPECT_EQ(b.ch->stats().beyond_window, 1U);
  b.ch->on_message(b.ctx, 1, seal(ChannelFrame{kData, 5, b.ch->session(), 2, 0, {}, Bytes{1}, 0}));
  EXPECT_EQ(b.ch->stats().beyond_window, 1U);  // seq 2 is within [1, 1 + 2)
}

TEST(ReliableChannel, TimersAreMultiplexedAndInnerCallsPassThrough) {
  End a(1, 11);
  a.rec->ctx->set_timer(std::chrono::milliseconds(5), 42);
  a.rec->send(2, "probe me");  // arms the channel's own timer
  a.ctx.advance(*a.ch, std::chrono::milliseconds(250));
  EXPECT_EQ(a.rec->timers, (std::vector<std::uint64_t>{42}));  // the channel's timer stayed inside
  EXPECT_EQ(a.rec->ctx->self(), 1U);
  EXPECT_EQ(a.rec->ctx->now(), a.ctx.now());
  EXPECT_EQ(a.ch->id(), Recorder::kId);
  EXPECT_EQ(a.ch->name(), "recorder");
  EXPECT_EQ(a.ch->stats().probes, 2U);  // first send, then one timeout
}

}  // namespace
}  // namespace synod::channel
