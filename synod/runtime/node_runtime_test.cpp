// Two NodeRuntimes in one test process (each on its own thread, as each would be its own process):
// messages, timers, storage, the control socket, the trace and a clean stop.
#include "synod/runtime/node_runtime.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include <asio/ip/tcp.hpp>
#include <nlohmann/json.hpp>

namespace synod::runtime {
namespace {

namespace fs = std::filesystem;

// Pings every peer on a timer, counts pongs, persists the count.
class PingProtocol final : public Protocol {
 public:
  ProtocolId id() const override { return 5; }
  std::string_view name() const override { return "ping"; }
  void on_start(Context& ctx) override {
    ctx.observe("started", {{"peers", static_cast<std::int64_t>(ctx.peers().size())}});
    const TimerId never = ctx.set_timer(std::chrono::hours(1), 99);
    ctx.cancel_timer(never);  // a cancelled timer must never fire
    ctx.set_timer(std::chrono::milliseconds(10), 1);
  }
  void on_message(Context& ctx, NodeId from, ByteView payload) override {
    if (to_string(payload) == "ping") {
      ctx.send(from, Bytes{'p', 'o', 'n', 'g'});
    } else {
      pongs_.fetch_add(1);
      SYNOD_ASSERT(ctx.storage().put("pongs", Bytes{1}).is_ok());
      SYNOD_ASSERT(ctx.storage().sync().is_ok());
    }
  }
  void on_timer(Context& ctx, std::uint64_t tag) override {
    SYNOD_ASSERT(tag == 1);  // tag 99 was cancelled
    for (NodeId p : ctx.peers()) ctx.send(p, Bytes{'p', 'i', 'n', 'g'});
    ctx.set_timer(std::chrono::milliseconds(20), 1);
  }
  std::string status_json() const override {
    return "{\"pongs\":" + std::to_string(pongs_.load()) + "}";
  }
  static std::atomic<int> pongs_;
};
std::atomic<int> PingProtocol::pongs_{0};

std::uint16_t free_port() {
  asio::io_context io;
  asio::ip::tcp::acceptor a(io, {asio::ip::make_address("127.0.0.1"), 0});
  return a.local_endpoint().port();
}

NodeConfig config_for(NodeId id, std::uint16_t port, NodeId peer, std::uint16_t peer_port,
                      const fs::path& root, TransportKind t) {
  NodeConfig c;
  c.id = id;
  c.listen = {"127.0.0.1", port};
  c.peers[peer] = {"127.0.0.1", peer_port};
  c.protocols = {"ping"};
  c.data_dir = (root / ("n" + std::to_string(id))).string();
  c.transport = t;
  c.log_level = "warn";
  return c;
}

std::vector<std::unique_ptr<Protocol>> ping() {
  std::vector<std::unique_ptr<Protocol>> v;
  v.push_back(std::make_unique<PingProtocol>());
  return v;
}

class NodeRuntimeTest : public ::testing::TestWithParam<TransportKind> {};

TEST_P(NodeRuntimeTest, TwoNodesPingStatusAndStop) {
  const fs::path root = fs::temp_directory_path() / ("synod_rt_" + std::to_string(::getpid()));
  fs::remove_all(root);
  const auto p1 = free_port();
  const auto p2 = free_port();
  auto n1 = NodeRuntime::create(config_for(1, p1, 2, p2, root, GetParam()), ping());
  auto n2 = NodeRuntime::create(config_for(2, p2, 1, p1, root, GetParam()), ping());
  ASSERT_TRUE(n1) << n1.status().to_string();
  ASSERT_TRUE(n2) << n2.status().to_string();
  PingProtocol::pongs_ = 0;
  int rc1 = -1;
  int rc2 = -1;
  std::thread t1([&] { rc1 = (*n1)->run(); });
  std::thread t2([&] { rc2 = (*n2)->run(); });

  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (PingProtocol::pongs_ < 10 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_GE(PingProtocol::pongs_, 10);

  auto reply = control_request((root / "n1" / "control.sock").string(), "status");
  ASSERT_TRUE(reply) << reply.status().to_string();
  auto j = nlohmann::json::parse(*reply);
  EXPECT_EQ(j["node"], 1);
  EXPECT_GT(j["protocols"]["ping"]["pongs"].get<int>(), 0);
  EXPECT_GT(j["runtime"]["network"]["counters"]["messages_received"].get<int>(), 0);
  EXPECT_EQ(j["runtime"]["network"]["transport"],
            GetParam() == TransportKind::kTcp ? "tcp" : "udp");
  auto unknown = control_request((root / "n1" / "control.sock").string(), "reboot");
  ASSERT_TRUE(unknown);
  EXPECT_NE(unknown->find("unknown request"), std::string::npos);

  // A second node on the same data dir refuses to start while the first one answers.
  auto twin = NodeRuntime::create(config_for(1, free_port(), 2, p2, root, GetParam()), ping());
  ASSERT_FALSE(twin);
  EXPECT_NE(twin.status().message().find("another node is running"), std::string::npos);

  (*n1)->request_stop();
  (*n2)->request_stop();
  t1.join();
  t2.join();
  EXPECT_EQ(rc1, 0);
  EXPECT_EQ(rc2, 0);
  EXPECT_FALSE(fs::exists(root / "n1" / "control.sock"));
  EXPECT_FALSE(control_request((root / "n1" / "control.sock").string(), "status"));

  // The trace holds start, send, deliver, timer and observe events.
  std::ifstream trace(root / "n1" / "trace.jsonl");
  std::string line;
  std::set<std::string> kinds;
  while (std::getline(trace, line))
    kinds.insert(nlohmann::json::parse(line)["k"].get<std::string>());
  for (const char* k : {"start", "send", "deliver", "timer", "observe"})
    EXPECT_TRUE(kinds.count(k)) << k;
  EXPECT_TRUE(fs::exists(root / "n1" / "storage" / "ping" / "pongs.rec"));
  EXPECT_TRUE(fs::exists(root / "n1" / "node.log"));

  // A second start in the same data dir is a recovery.
  n1->reset();
  auto again = NodeRuntime::create(config_for(1, p1, 2, p2, root, GetParam()), ping());
  ASSERT_TRUE(again);
  EXPECT_NE((*again)->status_json().find("\"recovered\":true"), std::string::npos);
  again->reset();
  n2->reset();
  fs::remove_all(root);
}

INSTANTIATE_TEST_SUITE_P(Transports, NodeRuntimeTest,
                         ::testing::Values(TransportKind::kTcp, TransportKind::kUdp));

TEST(NodeRuntime, AddressInUseIsAnError) {
  const fs::path root = fs::temp_directory_path() / ("synod_rt_busy_" + std::to_string(::getpid()));
  asio::io_context io;
  asio::ip::tcp::acceptor busy(io, {asio::ip::make_address("127.0.0.1"), 0});
  auto c = config_for(1, busy.local_endpoint().port(), 2, free_port(), root, TransportKind::kTcp);
  auto rt = NodeRuntime::create(c, ping());
  ASSERT_FALSE(rt);
  EXPECT_NE(rt.status().message().find("cannot listen"), std::string::npos);
  fs::remove_all(root);
}

TEST(Control, NothingListening) {
  auto r = control_request("/tmp/synod-no-such-socket", "status", std::chrono::milliseconds(200));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.status().code(), Code::kUnavailable);
}

}  // namespace
}  // namespace synod::runtime
