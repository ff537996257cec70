#include <gtest/gtest.h>

#include <spdlog/sinks/null_sink.h>
#include <asio/connect.hpp>
#include <asio/write.hpp>

#include "synod/runtime/backoff.hpp"
#include "synod/runtime/envelope.hpp"
#include "synod/runtime/frame.hpp"
#include "synod/runtime/tcp_transport.hpp"
#include "synod/runtime/udp_transport.hpp"

namespace synod::runtime {
namespace {

using asio::ip::tcp;

std::uint16_t free_port() {
  asio::io_context io;
  tcp::acceptor a(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  return a.local_endpoint().port();
}

struct Received {
  NodeId from;
  ProtocolId protocol;
  std::string payload;
};

// A node's transport plus everything it delivered and dropped.
struct Side {
  std::vector<Received> got;
  std::vector<SharedBytes> kept;  // every delivered message the transport handed over
  std::vector<std::string> drops;
  std::unique_ptr<Transport> transport;
};

TransportSetup setup_for(NodeId self, std::uint16_t port, std::map<NodeId, std::uint16_t> peers,
                         Side& side, Limits limits = {}) {
  TransportSetup s;
  s.self = self;
  s.cluster = "test";
  s.listen = {"127.0.0.1", port};
  for (auto [id, p] : peers) s.peers[id] = {"127.0.0.1", p};
  s.limits = limits;
  s.log = std::make_shared<spdlog::logger>("test", std::make_shared<spdlog::sinks::null_sink_mt>());
  s.deliver = [&side](NodeId from, ProtocolId protocol, ByteView payload,
                      const std::shared_ptr<const void>& owner) {
    side.got.push_back({from, protocol, to_string(payload)});
    if (owner != nullptr) side.kept.emplace_back(owner, payload);
  };
  s.drop = [&side](NodeId, ProtocolId, std::size_t, std::string_view why) {
    side.drops.emplace_back(why);
  };
  return s;
}

// Runs the loop until `done` holds or `limit` passes.
template <typename F>
bool run_until(asio::io_context& io, F done, Duration limit = std::chrono::seconds(5)) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done() && std::chrono::steady_clock::now() < deadline) {
    io.restart();
    io.run_for(std::chrono::milliseconds(10));
  }
  return done();
}

Limits fast_limits() {
  Limits l;
  l.backoff_min = std::chrono::milliseconds(10);
  l.backoff_max = std::chrono::milliseconds(50);
  l.frame_timeout = std::chrono::milliseconds(200);
  return l;
}

class TcpPair : public ::testing::Test {
 protected:
  void SetUp() override {
    pa_ = free_port();
    pb_ = free_port();
    a_.transport =
        std::make_unique<TcpTransport>(io_, setup_for(1, pa_, {{2, pb_}}, a_, fast_limits()));
    b_.transport =
        std::make_unique<TcpTransport>(io_, setup_for(2, pb_, {{1, pa_}}, b_, fast_limits()));
    ASSERT_TRUE(a_.transport->start().is_ok());
    ASSERT_TRUE(b_.transport->start().is_ok());
  }
  void send(Side& s, NodeId to, const std::string& text) {
    s.transport->send(to, 7, as_bytes(text));
  }

  // A raw client connected to B, for misbehaving.
  tcp::socket raw_client() {
    tcp::socket sock(io_);
    sock.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), pb_));
    return sock;
  }
  // Runs until the raw socket sees B close it.
  bool closed_by_peer(tcp::socket& sock) {
    bool closed = false;
    std::array<std::uint8_t, 16> buf{};
    sock.async_read_some(asio::buffer(buf),
                         [&](std::error_code ec, std::size_t) { closed = ec.value() != 0; });
    return run_until(io_, [&] { return closed; });
  }

  asio::io_context io_;
  std::uint16_t pa_ = 0;
  std::uint16_t pb_ = 0;
  Side a_;
  Side b_;
};

TEST_F(TcpPair, DeliversInOrderBothWays) {
  for (int i = 0; i < 50; ++i) send(a_, 2, "a" + std::to_string(i));
  send(b_, 1, "hello from b");
  ASSERT_TRUE(run_until(io_, [&] { return b_.got.size() == 50 && a_.got.size() == 1; }));
  for (int i = 0; i < 50; ++i) {
    EXPECT_EQ(b_.got[i].payload, "a" + std::to_string(i));
    EXPECT_EQ(b_.got[i].from, 1U);
    EXPECT_EQ(b_.got[i].protocol, 7);
  }
  EXPECT_EQ(a_.got[0].payload, "hello from b");
  EXPECT_EQ(a_.transport->counters().messages_sent, 50U);
  EXPECT_EQ(b_.transport->counters().messages_received, 50U);
  EXPECT_EQ(a_.transport->counters().connects, 1U);
}

// A message sent as pieces arrives as one payload; messages the receiver keeps (the zero-copy
// hand-over) stay intact while later frames are read.
TEST_F(TcpPair, PiecesArriveJoinedAndKeptMessagesStayIntact) {
  std::vector<std::string> sent;
  for (int i = 0; i < 6; ++i) {
    const std::string big(200'000 + i, static_cast<char>('a' + i));
    ByteChain body;
    body.append(SharedBytes::copy_of(as_bytes(big.substr(0, 1000))));
    body.append(SharedBytes::copy_of(as_bytes(big.substr(1000))));
    a_.transport->send(2, 7, Bytes{'#'}, std::move(body));
    sent.push_back("#" + big);
  }
  ASSERT_TRUE(run_until(io_, [&] { return b_.got.size() == sent.size(); }));
  ASSERT_EQ(b_.kept.size(), sent.size());
  for (std::size_t i = 0; i < sent.size(); ++i) {
    EXPECT_EQ(b_.got[i].payload, sent[i]) << i;
    EXPECT_EQ(to_string(b_.kept[i].view()), sent[i]) << i;  // not overwritten by later frames
  }
}

TEST_F(TcpPair, GarbageClosesOnlyThatConnection) {
  auto sock = raw_client();
  const std::uint8_t junk[] = {0xFF, 0xFF, 0xFF, 0xFF, 0x00};  // 4 GiB frame
  asio::write(sock, asio::buffer(junk));
  ASSERT_TRUE(closed_by_peer(sock));
  EXPECT_EQ(b_.transport->counters().decode_errors, 1U);
  send(a_, 2, "still works");
  ASSERT_TRUE(run_until(io_, [&] { return b_.got.size() == 1; }));
}

TEST_F(TcpPair, WrongClusterAndUnknownNodeRejected) {
  for (const Hello& h : {Hello{1, "other"}, Hello{9, "test"}}) {
    auto sock = raw_client();
    asio::write(sock, asio::buffer(encode_frame(encode_hello(h))));
    ASSERT_TRUE(closed_by_peer(sock));
  }
  EXPECT_EQ(b_.transport->counters().rejected_peers, 2U);
}

TEST_F(TcpPair, DataBeforeHelloRejected) {
  auto sock = raw_client();
  asio::write(sock, asio::buffer(encode_frame(encode_data(7, as_bytes(std::string("x"))))));
  ASSERT_TRUE(closed_by_peer(sock));
  EXPECT_TRUE(b_.got.empty());
}

// Half a frame then silence: closed after frame_timeout while other traffic flows.
TEST_F(TcpPair, StalledHalfFrameTimesOut) {
  auto sock = raw_client();
  Bytes stream = encode_frame(encode_hello({1, "test"}));
  const Bytes data = encode_frame(encode_data(7, Bytes(100, 1)));
  stream.insert(stream.end(), data.begin(), data.begin() + 20);
  asio::write(sock, asio::buffer(stream));
  send(a_, 2, "not stalled");
  ASSERT_TRUE(run_until(io_, [&] { return b_.got.size() == 1; }));
  const auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(closed_by_peer(sock));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
  EXPECT_EQ(b_.transport->counters().timeouts, 1U);
}

TEST_F(TcpPair, ReconnectsAfterPeerRestart) {
  send(a_, 2, "first");
  ASSERT_TRUE(run_until(io_, [&] { return b_.got.size() == 1; }));
  b_.transport->stop();
  b_.transport.reset();
  // Sends to the dead peer are dropped (unreachable) without blocking anything.
  for (int i = 0; i < 5; ++i) {
    send(a_, 2, "lost");
    run_until(
        io_, [] { return false; }, std::chrono::milliseconds(30));
  }
  b_.got.clear();
  b_.transport =
      std::make_unique<TcpTransport>(io_, setup_for(2, pb_, {{1, pa_}}, b_, fast_limits()));
  ASSERT_TRUE(b_.transport->start().is_ok());
  ASSERT_TRUE(run_until(io_, [&] {
    send(a_, 2, "again");
    return !b_.got.empty();
  }));
  EXPECT_EQ(b_.got.back().payload, "again");
  EXPECT_GE(a_.transport->counters().connects, 2U);
}

TEST(TcpTransport, QueueOverflowAndOversizeDropped) {
  asio::io_context io;
  Side a;
  Limits l = fast_limits();
  l.send_queue_messages = 2;
  l.max_frame_bytes = 64;
  // Peer 2's port has no listener: messages queue while the dial is in progress.
  a.transport =
      std::make_unique<TcpTransport>(io, setup_for(1, free_port(), {{2, free_port()}}, a, l));
  ASSERT_TRUE(a.transport->start().is_ok());
  for (int i = 0; i < 5; ++i) a.transport->send(2, 7, as_bytes(std::string("m")));
  a.transport->send(2, 7, Bytes(100, 0));
  a.transport->send(3, 7, Bytes(1, 0));
  EXPECT_EQ(a.transport->counters().queue_drops, 3U);
  EXPECT_EQ(a.transport->counters().oversize_drops, 1U);
  EXPECT_EQ(a.transport->counters().unknown_peer_drops, 1U);
  ASSERT_TRUE(run_until(io, [&] { return a.transport->counters().connect_failures > 0; }));
  EXPECT_EQ(a.transport->counters().disconnect_drops, 2U);  // the queued two, unreachable
  EXPECT_EQ(a.drops.size(), 7U);
}

TEST(UdpTransport, DeliversAndDropsOversizeAndGarbage) {
  asio::io_context io;
  Side a;
  Side b;
  const auto pa = free_port();
  const auto pb = free_port();
  Limits l;
  l.udp_max_datagram_bytes = 1000;
  a.transport = std::make_unique<UdpTransport>(io, setup_for(1, pa, {{2, pb}}, a, l));
  b.transport = std::make_unique<UdpTransport>(io, setup_for(2, pb, {{1, pa}}, b, l));
  ASSERT_TRUE(a.transport->start().is_ok());
  ASSERT_TRUE(b.transport->start().is_ok());
  a.transport->send(2, 3, as_bytes(std::string("ping")));
  a.transport->send(2, 3, Bytes(2000, 0));
  EXPECT_EQ(a.transport->counters().oversize_drops, 1U);
  ASSERT_TRUE(run_until(io, [&] { return b.got.size() == 1; }));
  EXPECT_EQ(b.got[0].payload, "ping");
  EXPECT_EQ(b.got[0].from, 1U);

  asio::ip::udp::socket raw(io, asio::ip::udp::endpoint(asio::ip::udp::v4(), 0));
  const asio::ip::udp::endpoint to(asio::ip::make_address("127.0.0.1"), pb);
  raw.send_to(asio::buffer(std::string("garbage")), to);
  raw.send_to(asio::buffer(encode_frame(encode_datagram(1, cluster_hash("other"), 3, {}))), to);
  ASSERT_TRUE(run_until(io, [&] {
    return b.transport->counters().decode_errors == 1 &&
           b.transport->counters().rejected_peers == 1;
  }));
  a.transport->send(2, 3, as_bytes(std::string("after")));
  ASSERT_TRUE(run_until(io, [&] { return b.got.size() == 2; }));
}

TEST(Backoff, GrowsWithJitterAndCaps) {
  Backoff b(std::chrono::milliseconds(10), std::chrono::milliseconds(100));
  Rng rng(1);
  Duration prev_max{0};
  for (int i = 0; i < 10; ++i) {
    const Duration d = b.next(rng);
    const Duration cap = std::min<Duration>(std::chrono::milliseconds(10) * (1 << i),
                                            std::chrono::milliseconds(100));
    EXPECT_GE(d, cap / 2);
    EXPECT_LE(d, cap);
    prev_max = cap;
  }
  EXPECT_EQ(prev_max, std::chrono::milliseconds(100));
  b.reset();
  EXPECT_LE(b.next(rng), std::chrono::milliseconds(10));
}

}  // namespace
}  // namespace synod::runtime
