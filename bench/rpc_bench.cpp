// RPC echo on 127.0.0.1, in one process and one run (issue 4's benchmark): 16 B and 1 MiB echo,
// 1 and 16 concurrent callers, for
//   RawTcp   blocking sockets, u32 length prefix, a server thread per connection (the floor);
//   Synod    two NodeRuntimes (server and client) on their own loop threads, an Echo interface,
//            callers are coroutines in the client's endpoint (closed loop, one call in flight
//            each);
//   Grpc     gRPC 1.51 sync server and client, one channel, a client thread per caller (only when
//            built with SYNOD_BENCH_GRPC, see bench/CMakeLists.txt).
// Each benchmark runs a fixed number of calls once (Iterations(1), manual time = wall time of all
// calls) and reports p50_us / p99_us (per-call latency) and calls_per_s as counters:
//   build/release/bench/rpc_bench --benchmark_format=json
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <future>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <benchmark/benchmark.h>

#include "synod/rpc/lambda_app.hpp"
#include "synod/rpc/rpc.hpp"
#include "synod/runtime/rpc_node.hpp"

#ifdef SYNOD_BENCH_GRPC
#include <grpcpp/grpcpp.h>

#include "grpc_echo.grpc.pb.h"
#endif

namespace {

using Clock = std::chrono::steady_clock;
constexpr std::size_t kSmall = 16;
constexpr std::size_t kLarge = 1U << 20U;
constexpr synod::Duration kBusyPoll = std::chrono::milliseconds(1);

// Calls per caller: enough for a stable p99 without making the run long.
int calls_per_caller(std::size_t bytes, int callers) {
  const int total = bytes <= kSmall ? 20000 : 400;
  return std::max(total / callers, 20);
}

void report(benchmark::State& state, std::vector<double>& lat_us, double wall_s) {
  std::sort(lat_us.begin(), lat_us.end());
  auto pct = [&](double p) {
    return lat_us.empty() ? 0.0 : lat_us[static_cast<std::size_t>(p * (lat_us.size() - 1))];
  };
  state.SetIterationTime(wall_s);
  state.counters["p50_us"] = pct(0.50);
  state.counters["p99_us"] = pct(0.99);
  state.counters["calls_per_s"] = static_cast<double>(lat_us.size()) / wall_s;
  state.counters["calls"] = static_cast<double>(lat_us.size());
}

double since_us(Clock::time_point t0) {
  return std::chrono::duration<double, std::micro>(Clock::now() - t0).count();
}

// ---------------------------------------------------------------- raw TCP

// spin: poll the socket (non-blocking reads in a loop) instead of sleeping in read(): the floor
// for Synod's busy_poll mode.
bool read_full(int fd, void* buf, std::size_t n, bool spin = false) {
  auto* p = static_cast<char*>(buf);
  while (n > 0) {
    const ssize_t r = ::recv(fd, p, n, spin ? MSG_DONTWAIT : 0);
    if (r < 0 && spin && (errno == EAGAIN || errno == EWOULDBLOCK)) continue;
    if (r <= 0) return false;
    p += r;
    n -= static_cast<std::size_t>(r);
  }
  return true;
}

bool write_full(int fd, const void* buf, std::size_t n) {
  const auto* p = static_cast<const char*>(buf);
  while (n > 0) {
    const ssize_t r = ::write(fd, p, n);
    if (r <= 0) return false;
    p += r;
    n -= static_cast<std::size_t>(r);
  }
  return true;
}

void no_delay(int fd) {
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

class RawServer {
 public:
  explicit RawServer(bool spin) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(fd_, 64) != 0) {
      throw std::runtime_error("raw server: bind/listen failed");
    }
    socklen_t len = sizeof a;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    acceptor_ = std::thread([this, spin] {
      for (;;) {
        const int c = ::accept(fd_, nullptr, nullptr);
        if (c < 0) return;
        no_delay(c);
        std::thread([c, spin] {
          std::vector<char> buf;
          std::uint32_t n = 0;
          while (read_full(c, &n, 4, spin)) {
            buf.resize(ntohl(n));
            if (!read_full(c, buf.data(), buf.size(), spin)) break;
            if (!write_full(c, &n, 4) || !write_full(c, buf.data(), buf.size())) break;
          }
          ::close(c);
        }).detach();
      }
    });
  }
  ~RawServer() {
    ::shutdown(fd_, SHUT_RDWR);
    ::close(fd_);
    acceptor_.join();
  }
  std::uint16_t port() const { return port_; }

 private:
  int fd_ = -1;
  std::uint16_t port_ = 0;
  std::thread acceptor_;
};

void BM_RawTcp(benchmark::State& state) {
  const auto bytes = static_cast<std::size_t>(state.range(0));
  const int callers = static_cast<int>(state.range(1));
  const bool spin = state.range(2) != 0;
  const int n = calls_per_caller(bytes, callers);
  RawServer server(spin);
  for (auto _ : state) {
    std::vector<std::vector<double>> lat(callers);
    const auto t0 = Clock::now();
    std::vector<std::thread> threads;
    for (int i = 0; i < callers; ++i) {
      threads.emplace_back([&, i] {
        const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        a.sin_port = htons(server.port());
        if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) return;
        no_delay(fd);
        std::vector<char> out(bytes, 'x');
        std::vector<char> in(bytes);
        const std::uint32_t len = htonl(static_cast<std::uint32_t>(bytes));
        for (int k = 0; k < n; ++k) {
          const auto c0 = Clock::now();
          std::uint32_t got = 0;
          if (!write_full(fd, &len, 4) || !write_full(fd, out.data(), out.size()) ||
              !read_full(fd, &got, 4, spin) || !read_full(fd, in.data(), ntohl(got), spin)) {
            break;
          }
          lat[i].push_back(since_us(c0));
        }
        ::close(fd);
      });
    }
    for (auto& t : threads) t.join();
    const double wall = since_us(t0) / 1e6;
    std::vector<double> all;
    for (auto& v : lat) all.insert(all.end(), v.begin(), v.end());
    if (all.size() != static_cast<std::size_t>(n) * callers) state.SkipWithError("raw tcp failed");
    report(state, all, wall);
  }
}

// ---------------------------------------------------------------- Synod RPC

// The payload is SharedBytes, the codec's zero-copy bytes type: the servant's `return req` shares
// the received buffer, and the encoder sends it as its own piece (see docs/adr/0006).
struct Blob {
  synod::SharedBytes data;
  static constexpr auto kFields = std::make_tuple(synod::wire::field<1>(&Blob::data));
};

class Echo {
 public:
  virtual ~Echo() = default;
  virtual synod::Result<Blob> call(synod::rpc::ServerCall& call, const Blob& req) = 0;
  static constexpr std::string_view kInterfaceName = "synod.bench.Echo";
  static constexpr auto kCall = synod::rpc::method(1, "call", &Echo::call);
  static constexpr auto kMethods = std::make_tuple(kCall);
};

class EchoServant final : public Echo {
 public:
  synod::Result<Blob> call(synod::rpc::ServerCall&, const Blob& req) override { return req; }
};

constexpr std::uint64_t kEchoId = synod::rpc::kFirstAppWellKnown;

struct Batch {
  int remaining = 0;  // loop thread only
  std::vector<std::vector<double>> lat;
  std::promise<void> done;
  bool failed = false;
};

synod::rpc::Task<void> caller(synod::rpc::Proxy<Echo> echo, Blob req, int n, int index,
                              std::shared_ptr<Batch> batch) {
  for (int k = 0; k < n; ++k) {
    const auto c0 = Clock::now();
    auto pending = echo.call<Echo::kCall>(req);  // named: no temporaries in co_await (GCC 12)
    auto r = co_await pending;
    if (!r || r->data.size() != req.data.size()) {
      batch->failed = true;
      break;
    }
    batch->lat[index].push_back(since_us(c0));
  }
  if (--batch->remaining == 0) batch->done.set_value();
}

std::uint16_t free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

synod::runtime::NodeConfig bench_config(synod::NodeId id, std::uint16_t port, synod::NodeId peer,
                                        std::uint16_t peer_port, const std::string& dir,
                                        bool checksum, synod::Duration busy_poll) {
  synod::runtime::NodeConfig c;
  c.id = id;
  c.listen = {"127.0.0.1", port};
  c.peers[peer] = {"127.0.0.1", peer_port};
  c.data_dir = dir + "/n" + std::to_string(id);
  c.cluster = "bench";
  c.log_level = "error";
  c.trace = false;
  c.limits.send_queue_bytes = 256U << 20U;  // 16 callers x 1 MiB in flight
  c.limits.max_frame_bytes = 32U << 20U;
  c.limits.frame_checksum = checksum;
  c.limits.busy_poll = busy_poll;
  return c;
}

synod::rpc::RpcLimits bench_limits() {
  synod::rpc::RpcLimits l;
  // Replies are kept for duplicate suppression; 1 MiB replies x 16384 entries would be 16 GiB.
  l.max_dedup_entries = 64;
  l.dedup_ttl = std::chrono::seconds(1);
  l.default_deadline = std::chrono::seconds(30);
  return l;
}

void BM_Synod(benchmark::State& state) {
  const auto bytes = static_cast<std::size_t>(state.range(0));
  const int callers = static_cast<int>(state.range(1));
  const bool checksum = state.range(2) != 0;
  const synod::Duration busy_poll = state.range(3) != 0 ? kBusyPoll : synod::Duration::zero();
  const int n = calls_per_caller(bytes, callers);
  const std::string dir =
      (std::filesystem::temp_directory_path() / ("synod-rpc-bench-" + std::to_string(::getpid())))
          .string();
  const std::uint16_t sp = free_port();
  const std::uint16_t cp = free_port();
  std::vector<std::unique_ptr<synod::rpc::App>> apps;
  apps.push_back(synod::rpc::make_app([](synod::rpc::Endpoint& ep) {
    SYNOD_ASSERT(ep.serve<Echo>(kEchoId, std::make_shared<EchoServant>()).is_ok());
  }));
  auto server = synod::runtime::RpcNode::start(
      bench_config(1, sp, 2, cp, dir, checksum, busy_poll),
      std::make_unique<synod::rpc::Endpoint>(bench_limits(), std::move(apps)));
  auto client =
      synod::runtime::RpcNode::start(bench_config(2, cp, 1, sp, dir, checksum, busy_poll),
                                     std::make_unique<synod::rpc::Endpoint>(bench_limits()));
  if (!server || !client) {
    state.SkipWithError("cannot start the nodes");
    return;
  }
  // Warm up: connections, the epoch handshake.
  const Blob small{synod::SharedBytes(synod::Bytes(kSmall, 'x'))};
  for (int i = 0; i < 100; ++i) {
    auto r = (*client)->call([&](synod::rpc::Endpoint& ep) {
      return ep.proxy<Echo>(1, kEchoId).call<Echo::kCall>(small);
    });
    if (!r) {
      state.SkipWithError(("warm-up failed: " + r.status().to_string()).c_str());
      return;
    }
  }
  for (auto _ : state) {
    auto batch = std::make_shared<Batch>();
    batch->remaining = callers;
    batch->lat.resize(callers);
    auto finished = batch->done.get_future();
    const Blob req{synod::SharedBytes(synod::Bytes(bytes, 'x'))};
    const auto t0 = Clock::now();
    (*client)->run_in_loop([batch, req, n, callers](synod::rpc::Endpoint& ep) {
      for (int i = 0; i < callers; ++i) {
        synod::rpc::spawn(caller(ep.proxy<Echo>(1, kEchoId), req, n, i, batch));
      }
    });
    finished.wait();
    const double wall = since_us(t0) / 1e6;
    std::vector<double> all;
    for (auto& v : batch->lat) all.insert(all.end(), v.begin(), v.end());
    if (batch->failed) state.SkipWithError("a synod call failed");
    report(state, all, wall);
  }
  (*client)->stop();
  (*server)->stop();
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}

// ---------------------------------------------------------------- gRPC

#ifdef SYNOD_BENCH_GRPC
class GrpcEcho final : public synod::bench::Echo::Service {
  grpc::Status Call(grpc::ServerContext*, const synod::bench::Blob* req,
                    synod::bench::Blob* resp) override {
    *resp = *req;
    return grpc::Status::OK;
  }
};

void BM_Grpc(benchmark::State& state) {
  const auto bytes = static_cast<std::size_t>(state.range(0));
  const int callers = static_cast<int>(state.range(1));
  const int n = calls_per_caller(bytes, callers);
  GrpcEcho service;
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(&service);
  builder.SetMaxMessageSize(32 << 20);
  auto server = builder.BuildAndStart();
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(32 << 20);
  auto channel = grpc::CreateCustomChannel("127.0.0.1:" + std::to_string(port),
                                           grpc::InsecureChannelCredentials(), args);
  auto stub = synod::bench::Echo::NewStub(channel);
  synod::bench::Blob req;
  req.set_data(std::string(bytes, 'x'));
  for (int i = 0; i < 100; ++i) {  // warm up
    grpc::ClientContext ctx;
    synod::bench::Blob resp;
    (void)stub->Call(&ctx, req, &resp);
  }
  for (auto _ : state) {
    std::vector<std::vector<double>> lat(callers);
    std::atomic<bool> failed{false};
    const auto t0 = Clock::now();
    std::vector<std::thread> threads;
    for (int i = 0; i < callers; ++i) {
      threads.emplace_back([&, i] {
        for (int k = 0; k < n; ++k) {
          const auto c0 = Clock::now();
          grpc::ClientContext ctx;
          synod::bench::Blob resp;
          if (!stub->Call(&ctx, req, &resp).ok() || resp.data().size() != bytes) {
            failed = true;
            break;
          }
          lat[i].push_back(since_us(c0));
        }
      });
    }
    for (auto& t : threads) t.join();
    const double wall = since_us(t0) / 1e6;
    std::vector<double> all;
    for (auto& v : lat) all.insert(all.end(), v.begin(), v.end());
    if (failed) state.SkipWithError("a grpc call failed");
    report(state, all, wall);
  }
  server->Shutdown();
}
#endif

void Args(benchmark::internal::Benchmark* b) {
  for (std::int64_t bytes : {std::int64_t{kSmall}, std::int64_t{kLarge}}) {
    for (std::int64_t callers : {1, 16}) b->Args({bytes, callers});
  }
  b->ArgNames({"bytes", "callers"})->Iterations(1)->UseManualTime()->Unit(benchmark::kMillisecond);
}

// Raw TCP sleeping in read() (spin:0, the floor for Synod's default) and polling (spin:1, the
// floor for Synod's busy_poll); one caller only: 16 spinning callers on 2 cores measure the
// scheduler, not the network.
void RawArgs(benchmark::internal::Benchmark* b) {
  for (std::int64_t bytes : {std::int64_t{kSmall}, std::int64_t{kLarge}}) {
    for (std::int64_t callers : {1, 16}) b->Args({bytes, callers, 0});
    b->Args({bytes, 1, 1});
  }
  b->ArgNames({"bytes", "callers", "spin"})
      ->Iterations(1)
      ->UseManualTime()
      ->Unit(benchmark::kMillisecond);
}

// Synod with and without its frame checksums (XXH3 at both ends; on by default). Raw TCP and gRPC
// have no checksum of their own above TCP's, so checksum:0 is the like-for-like comparison.
// poll:1 sets the runtime's busy_poll (both nodes spin for new events before sleeping).
void SynodArgs(benchmark::internal::Benchmark* b) {
  for (std::int64_t checksum : {1, 0}) {
    for (std::int64_t bytes : {std::int64_t{kSmall}, std::int64_t{kLarge}}) {
      for (std::int64_t callers : {1, 16}) b->Args({bytes, callers, checksum, 0});
    }
  }
  for (std::int64_t bytes : {std::int64_t{kSmall}, std::int64_t{kLarge}}) b->Args({bytes, 1, 0, 1});
  b->ArgNames({"bytes", "callers", "checksum", "poll"})
      ->Iterations(1)
      ->UseManualTime()
      ->Unit(benchmark::kMillisecond);
}

BENCHMARK(BM_RawTcp)->Apply(RawArgs);
BENCHMARK(BM_Synod)->Apply(SynodArgs);
#ifdef SYNOD_BENCH_GRPC
BENCHMARK(BM_Grpc)->Apply(Args);
#endif

}  // namespace

BENCHMARK_MAIN();
