// RPC over real TCP between two RpcNodes on loopback, with large payloads as SharedBytes: the
// zero-copy path end to end (ADR 0006), results kept by the calling thread while the loop reads on.
#include "synod/runtime/rpc_node.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <vector>

#include <asio/ip/tcp.hpp>

#include "synod/rpc/lambda_app.hpp"
#include "synod/rpc/rpc.hpp"

namespace synod::runtime {
namespace {

struct Blob {
  SharedBytes data;
  static constexpr auto kFields = std::make_tuple(wire::field<1>(&Blob::data));
};

class Echo {
 public:
  virtual ~Echo() = default;
  virtual Result<Blob> echo(rpc::ServerCall& call, const Blob& req) = 0;
  static constexpr std::string_view kInterfaceName = "synod.test.RuntimeEcho";
  static constexpr auto kEcho = rpc::method(1, "echo", &Echo::echo);
  static constexpr auto kMethods = std::make_tuple(kEcho);
};

class EchoServant final : public Echo {
 public:
  Result<Blob> echo(rpc::ServerCall&, const Blob& req) override { return req; }
};

constexpr std::uint64_t kEchoId = rpc::kFirstAppWellKnown;

std::uint16_t free_port() {
  asio::io_context io;
  asio::ip::tcp::acceptor a(io, {asio::ip::make_address("127.0.0.1"), 0});
  return a.local_endpoint().port();
}

NodeConfig config(NodeId id, std::uint16_t port, NodeId peer, std::uint16_t peer_port,
                  const std::string& dir) {
  NodeConfig c;
  c.id = id;
  c.listen = {"127.0.0.1", port};
  c.peers[peer] = {"127.0.0.1", peer_port};
  c.data_dir = dir + "/n" + std::to_string(id);
  c.cluster = "rpc-node-test";
  c.log_level = "error";
  c.trace = false;
  return c;
}

TEST(RpcNode, LargeSharedPayloadsOverTcpStayIntactWhileKept) {
  const std::string dir = (std::filesystem::temp_directory_path() /
                           ("synod-rpc-node-test-" + std::to_string(::getpid())))
                              .string();
  const std::uint16_t sp = free_port();
  const std::uint16_t cp = free_port();
  std::vector<std::unique_ptr<rpc::App>> apps;
  apps.push_back(rpc::make_app([](rpc::Endpoint& ep) {
    ASSERT_TRUE(ep.serve<Echo>(kEchoId, std::make_shared<EchoServant>()).is_ok());
  }));
  auto server = RpcNode::start(config(1, sp, 2, cp, dir),
                               std::make_unique<rpc::Endpoint>(rpc::RpcLimits{}, std::move(apps)));
  auto client = RpcNode::start(config(2, cp, 1, sp, dir), std::make_unique<rpc::Endpoint>());
  ASSERT_TRUE(server.is_ok() && client.is_ok());
  std::vector<Blob> sent;
  std::vector<Blob> got;  // kept on this thread: the client's decoder must not reuse their buffers
  for (std::uint32_t i = 0; i < 12; ++i) {
    Bytes b(100'000 + 50'000 * i);
    for (std::size_t k = 0; k < b.size(); ++k) b[k] = static_cast<std::uint8_t>((k * 7 + i) & 0xFF);
    sent.push_back(Blob{SharedBytes(std::move(b))});
    const Blob& req = sent.back();
    auto r = (*client)->call(
        [&req](rpc::Endpoint& ep) { return ep.proxy<Echo>(1, kEchoId).call<Echo::kEcho>(req); });
    ASSERT_TRUE(r.is_ok()) << r.status().to_string();
    got.push_back(std::move(*r));
  }
  for (std::size_t i = 0; i < sent.size(); ++i) EXPECT_TRUE(got[i].data == sent[i].data) << i;
  EXPECT_EQ((*client)->stop(), 0);
  EXPECT_EQ((*server)->stop(), 0);
  // Results outlive the node that received them: they own their buffers.
  for (std::size_t i = 0; i < sent.size(); ++i) EXPECT_TRUE(got[i].data == sent[i].data) << i;
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}

}  // namespace
}  // namespace synod::runtime
