#include "synod/runtime/node_runtime.hpp"

#include <malloc.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <random>

#include <fmt/format.h>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <asio/post.hpp>
#include <nlohmann/json.hpp>

#include "synod/runtime/causal_header.hpp"
#include "synod/runtime/tcp_transport.hpp"
#include "synod/runtime/udp_transport.hpp"

namespace synod::runtime {
namespace {

// Present once a node has started in this data dir: the next start is a recovery.
constexpr const char* kStartedMarker = "node.started";

std::shared_ptr<spdlog::logger> make_logger(const NodeConfig& c, Status& error) {
  std::vector<spdlog::sink_ptr> sinks;
  sinks.push_back(std::make_shared<spdlog::sinks::stderr_sink_mt>());
  try {
    sinks.push_back(
        std::make_shared<spdlog::sinks::basic_file_sink_mt>(c.data_dir + "/node.log", false));
  } catch (const spdlog::spdlog_ex& e) {
    error = unavailable(std::string("cannot open node.log: ") + e.what());
  }
  auto log =
      std::make_shared<spdlog::logger>("node-" + std::to_string(c.id), sinks.begin(), sinks.end());
  log->set_pattern("%Y-%m-%dT%H:%M:%S.%e [node " + std::to_string(c.id) + "] %l: %v");
  log->set_level(spdlog::level::from_str(c.log_level));
  log->flush_on(spdlog::level::warn);
  return log;
}

}  // namespace

NodeRuntime::NodeRuntime(NodeConfig config)
    : config_(std::move(config)),
      signals_(io_),
      flush_timer_(io_),
      timers_(io_, [this](ProtocolId protocol, std::uint64_t tag) { fire_timer(protocol, tag); }),
      stamper_(config_.id) {
  for (const auto& [id, ep] : config_.peers) peer_ids_.push_back(id);
}

NodeRuntime::~NodeRuntime() {
  // Destroy the node and transport before the loop they post to.
  node_.reset();
  transport_.reset();
  control_.reset();
  timers_.clear();
  if (trace_) trace_->flush();
}

namespace {

// glibc serves blocks above 128 KiB (adaptively up to 32 MiB) with fresh mmaps and returns freed
// heap tops to the kernel, so every large message buffer page-faults its way in again: 8% of a
// 1 MiB RPC round trip in perf, ~40% of its latency. A node process keeps message-sized blocks
// in its heap instead, bounded: blocks above the largest frame still use mmap, and at most
// kTrimBytes of free heap top is retained. Process-wide, set once by the first runtime.
void keep_large_buffers_in_heap() {
  static const bool done = [] {
    constexpr int kMmapAbove = 32 << 20;  // above kDefaultMaxFrameBytes (16 MiB)
    constexpr int kTrimBytes = 64 << 20;
    ::mallopt(M_MMAP_THRESHOLD, kMmapAbove);
    ::mallopt(M_TRIM_THRESHOLD, kTrimBytes);
    return true;
  }();
  (void)done;
}

}  // namespace

Result<std::unique_ptr<NodeRuntime>> NodeRuntime::create(
    NodeConfig config, std::vector<std::unique_ptr<Protocol>> protocols) {
  keep_large_buffers_in_heap();
  std::unique_ptr<NodeRuntime> rt(new NodeRuntime(std::move(config)));
  SYNOD_RETURN_IF_ERROR(rt->open(std::move(protocols)));
  return rt;
}

Status NodeRuntime::open(std::vector<std::unique_ptr<Protocol>> protocols) {
  std::signal(SIGPIPE, SIG_IGN);  // a peer closing mid-write is an error code, not a death
  started_ = std::chrono::steady_clock::now();
  const std::string& dir = config_.data_dir;
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return unavailable("cannot create data dir " + dir + ": " + ec.message());

  Status log_error;
  log_ = make_logger(config_, log_error);
  SYNOD_RETURN_IF_ERROR(log_error);

  // First, so that a second node pointed at the same data dir stops before touching anything.
  // The handler only runs inside the loop, after node_ exists.
  control_path_ = dir + "/control.sock";
  control_ = std::make_unique<ControlServer>(
      io_, control_path_,
      [this](const std::string& request, ControlServer::Respond respond) {
        control_request_received(request, std::move(respond));
      },
      log_);
  SYNOD_RETURN_IF_ERROR(control_->start());

  SYNOD_RETURN_IF_ERROR(begin_life());

  if (config_.trace) {
    // Append: a restarted node continues its trace, and `recover` marks the restart.
    std::FILE* f = std::fopen((dir + "/trace.jsonl").c_str(), "ae");
    if (f == nullptr) return unavailable("cannot open " + dir + "/trace.jsonl");
    trace_ = std::make_unique<TraceWriter>(f, true);
  }

  for (const auto& p : protocols) {
    auto s = FileStorage::open(dir + "/storage/" + std::string(p->name()));
    if (!s) return s.status();
    storage_.emplace(p->id(), std::move(*s));
  }

  TransportSetup setup;
  setup.self = config_.id;
  setup.cluster = config_.cluster;
  setup.listen = config_.listen;
  setup.peers = config_.peers;
  setup.limits = config_.limits;
  setup.log = log_;
  setup.seed = std::random_device{}();
  setup.deliver = [this](NodeId from, ProtocolId protocol, ByteView message,
                         const std::shared_ptr<const void>& owner) {
    on_transport_deliver(from, protocol, message, owner);
  };
  setup.drop = [this](NodeId to, ProtocolId protocol, std::size_t bytes, std::string_view why) {
    trace(EventKind::kDrop, to, protocol, bytes, why);
  };
  if (config_.transport == TransportKind::kTcp) {
    transport_ = std::make_unique<TcpTransport>(io_, std::move(setup));
  } else {
    transport_ = std::make_unique<UdpTransport>(io_, std::move(setup));
  }
  SYNOD_RETURN_IF_ERROR(transport_->start());

  const std::uint64_t seed = config_.seed.value_or(std::random_device{}());
  node_ = std::make_unique<Node>(*this, seed, std::move(protocols));
  log_->info("node {} listening on {} ({}), cluster '{}', {} peers, seed {}, data dir {}",
             config_.id, config_.listen.to_string(), transport_name(config_.transport),
             config_.cluster, peer_ids_.size(), seed, dir);
  return Status::ok();
}

// The marker file holds the number of lives so far. Lives are numbered from 0 as in the simulator
// (life 0 = first start), so this start is life `previous` and a recovery if previous > 0.
// Written atomically (temp + rename) so a crash mid-write leaves the old count.
Status NodeRuntime::begin_life() {
  const std::string path = config_.data_dir + "/" + kStartedMarker;
  std::uint32_t previous = 0;
  if (std::FILE* f = std::fopen(path.c_str(), "re")) {
    unsigned long v = 0;
    recovering_ = true;
    // An unreadable count still means "started before": never reuse life 0.
    previous = std::fscanf(f, "%lu", &v) == 1 && v > 0 ? static_cast<std::uint32_t>(v) : 1;
    std::fclose(f);
  }
  life_ = previous;
  const std::string tmp = path + ".tmp";
  std::FILE* f = std::fopen(tmp.c_str(), "we");
  if (f == nullptr) return unavailable("cannot write " + tmp);
  std::fprintf(f, "%u\n", life_ + 1);
  const bool ok = std::fflush(f) == 0 && ::fsync(::fileno(f)) == 0;
  std::fclose(f);
  if (!ok || std::rename(tmp.c_str(), path.c_str()) != 0)
    return unavailable("cannot write " + path);
  return Status::ok();
}

void NodeRuntime::on_transport_deliver(NodeId from, ProtocolId protocol, ByteView message,
                                       const std::shared_ptr<const void>& owner) {
  if (stopped_) return;
  auto stamped = strip_causal_header(message);
  if (!stamped) {
    ++bad_causal_headers_;
    log_->warn("dropping message from node {}: {}", from, stamped.status().message());
    trace(EventKind::kDrop, from, protocol, message.size(), "bad causal header");
    return;
  }
  if (Status st = stamper_.receive(stamped->lamport, stamped->vclock); !st.is_ok()) {
    log_->warn("vector clock from node {} not merged: {}", from, st.message());
  }
  trace(EventKind::kDeliver, from, protocol, stamped->payload.size(), {}, {}, stamped->msg_id);
  node_->deliver(from, protocol, stamped->payload, owner);
}

void NodeRuntime::run_for(Duration d) {
  io_.restart();
  io_.run_for(d);
}

int NodeRuntime::run() {
  if (handle_signals_) {
    signals_.add(SIGINT);
    signals_.add(SIGTERM);
    signals_.async_wait([this](std::error_code ec, int signo) {
      if (ec) return;
      log_->info("received signal {}, shutting down", signo);
      shutdown();
    });
  }
  trace(recovering_ ? EventKind::kRecover : EventKind::kStart, kNoNode, 0, 0);
  node_->start(recovering_);
  schedule_flush();
  run_loop();
  return sync_failed_ ? 1 : 0;
}

void NodeRuntime::run_loop() {
  const Duration spin = config_.limits.busy_poll;
  if (spin <= Duration::zero()) {
    io_.run();
    return;
  }
  // Busy polling: ready handlers run at once; with none, poll again until `spin` has passed since
  // the last one, then block. A reply arriving within the window finds the thread awake, instead
  // of paying for a sleeping core's wake-up.
  auto last_work = std::chrono::steady_clock::now();
  while (!io_.stopped()) {
    if (io_.poll() > 0) {
      last_work = std::chrono::steady_clock::now();
    } else if (std::chrono::steady_clock::now() - last_work >= spin) {
      io_.run_one();
      last_work = std::chrono::steady_clock::now();
    }
  }
}

void NodeRuntime::request_stop() {
  asio::post(io_, [this] { shutdown(); });
}

void NodeRuntime::post(std::function<void()> fn) { asio::post(io_, std::move(fn)); }

void NodeRuntime::input_now(ProtocolId protocol, std::uint64_t tag) {
  if (stopped_ || !node_) return;
  node_->fire_timer(protocol, tag);
}

void NodeRuntime::control_request_received(const std::string& request,
                                           ControlServer::Respond respond) {
  if (request == "status") return respond(status_json());
  constexpr std::string_view kCmd = "cmd ";
  if (!request.starts_with(kCmd)) return respond(R"({"error":"unknown request"})");
  // cmd PROTOCOL VERB [ARGS]
  std::string_view rest = std::string_view(request).substr(kCmd.size());
  const auto sp1 = rest.find(' ');
  const std::string_view name = rest.substr(0, sp1);
  std::string_view verb;
  std::string_view args;
  if (sp1 != std::string_view::npos) {
    rest.remove_prefix(sp1 + 1);
    const auto sp2 = rest.find(' ');
    verb = rest.substr(0, sp2);
    if (sp2 != std::string_view::npos) args = rest.substr(sp2 + 1);
  }
  if (stopped_ || !node_) return respond(R"({"error":"node is stopping"})");
  for (std::size_t i = 0; i < node_->protocol_count(); ++i) {
    const Protocol& p = node_->protocol_at(i);
    if (p.name() != name) continue;
    const CommandId id = next_command_++;
    pending_commands_.emplace(id, std::move(respond));
    log_->info("command {} for {}: {} {}", id, name, verb, args);
    node_->command(p.id(), id, verb, args);
    return;
  }
  respond(R"({"error":"no protocol named )" + std::string(name) + R"( runs on this node"})");
}

void NodeRuntime::reply(ProtocolId protocol, CommandId id, std::string json) {
  const auto it = pending_commands_.find(id);
  if (it == pending_commands_.end()) {
    log_->warn("[{}] reply to unknown command {} dropped", protocol_name(protocol), id);
    return;
  }
  auto respond = std::move(it->second);
  pending_commands_.erase(it);
  respond(std::move(json));
}

void NodeRuntime::shutdown() {
  if (stopped_) return;
  stopped_ = true;
  for (auto& [id, respond] : pending_commands_) respond(R"({"error":"node stopped"})");
  pending_commands_.clear();
  transport_->stop();
  control_->stop();
  timers_.clear();
  std::error_code ignored;
  signals_.cancel(ignored);
  flush_timer_.cancel();
  for (auto& [id, s] : storage_) {
    if (Status st = s->sync(); !st.is_ok()) {
      log_->error("storage sync for protocol {} failed: {}", protocol_name(id), st.to_string());
      sync_failed_ = true;
    }
  }
  if (trace_) trace_->flush();
  log_->info("stopped");
  log_->flush();
  io_.stop();
}

void NodeRuntime::schedule_flush() {
  flush_timer_.expires_after(kFlushInterval);
  flush_timer_.async_wait([this](std::error_code ec) {
    if (ec || stopped_) return;
    if (trace_) trace_->flush();
    log_->flush();
    schedule_flush();
  });
}

void NodeRuntime::trace(EventKind kind, NodeId peer, ProtocolId protocol, std::size_t bytes,
                        std::string_view what, std::span<const ObsField> fields,
                        std::uint64_t msg_id) {
  // Stamps tick even without a trace file: every message carries them.
  bool stamped = true;
  switch (kind) {
    case EventKind::kSend: stamper_.send(); break;
    case EventKind::kDeliver: break;  // merged in on_transport_deliver
    case EventKind::kDrop:
    case EventKind::kFault:
    case EventKind::kHeal: stamped = false; break;
    default: stamper_.local(); break;
  }
  if (!trace_) return;
  Event e;
  e.seq = ++trace_seq_;
  e.time_ns = now().ns;
  e.kind = kind;
  e.node = config_.id;
  e.peer = peer;
  e.protocol = protocol;
  e.bytes = static_cast<std::uint32_t>(bytes);
  e.what = what;
  e.fields = fields;
  e.msg_id = msg_id;
  e.life = life_;
  if (stamped) {
    e.lamport = stamper_.lamport();
    e.vclock = stamper_.vclock().entries();
  }
  trace_->write(e);
}

std::string_view NodeRuntime::protocol_name(ProtocolId protocol) const {
  const Protocol* p = node_ ? node_->find(protocol) : nullptr;
  return p == nullptr ? std::string_view("?") : p->name();
}

void NodeRuntime::send(NodeId to, ProtocolId protocol, Bytes payload) {
  send_chain(to, protocol, ByteChain(std::move(payload)));
}

void NodeRuntime::send_chain(NodeId to, ProtocolId protocol, ByteChain message) {
  if (stopped_) return;
  const std::uint64_t msg_id = make_msg_id(config_.id, life_, ++msg_seq_);
  trace(EventKind::kSend, to, protocol, message.size(), {}, {}, msg_id);
  // Everything this node traced so far reaches the kernel before the message leaves: a SIGKILL
  // can lose the tail of a trace, but never the cause of something another node recorded.
  if (trace_) trace_->flush();
  // The pieces are moved, not copied: the transport writes the (small) headers and them back to
  // back.
  transport_->send(to, protocol, causal_header(msg_id, stamper_.lamport(), stamper_.vclock()),
                   std::move(message));
}

TimerId NodeRuntime::set_timer(Duration after, ProtocolId protocol, std::uint64_t tag) {
  return timers_.add(after, protocol, tag);
}

void NodeRuntime::fire_timer(ProtocolId protocol, std::uint64_t tag) {
  if (stopped_) return;
  const ObsField f[] = {{"tag", static_cast<std::int64_t>(tag)}};
  trace(EventKind::kTimer, kNoNode, protocol, 0, {}, f);
  node_->fire_timer(protocol, tag);
}

void NodeRuntime::cancel_timer(TimerId id) { timers_.cancel(id); }

Time NodeRuntime::now() const {
  // The runtime's clock is the wall clock (protocols only ever see it through Context::now()).
  return {std::chrono::duration_cast<std::chrono::nanoseconds>(
              std::chrono::system_clock::now().time_since_epoch())
              .count()};
}

Storage& NodeRuntime::storage(ProtocolId protocol) {
  auto it = storage_.find(protocol);
  SYNOD_ASSERT(it != storage_.end());  // one namespace per configured protocol
  return *it->second;
}

void NodeRuntime::observe(ProtocolId protocol, std::string_view kind, ObsFields fields) {
  trace(EventKind::kObserve, kNoNode, protocol, 0, kind,
        std::span<const ObsField>(fields.begin(), fields.size()));
  if (log_->should_log(spdlog::level::debug)) {
    std::string text;
    for (const auto& f : fields) text += fmt::format(" {}={}", f.key, f.value);
    log_->debug("[{}] observe {}{}", protocol_name(protocol), kind, text);
  }
}

void NodeRuntime::log(ProtocolId protocol, std::string_view text) {
  log_->debug("[{}] {}", protocol_name(protocol), text);
}

std::string NodeRuntime::status_json() const {
  std::string out = node_->status_json();
  SYNOD_ASSERT(!out.empty() && out.back() == '}');
  out.pop_back();
  const auto uptime = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started_);
  std::uint64_t syncs = 0;
  for (const auto& [id, s] : storage_) syncs += s->syncs();
  out += fmt::format(
      R"(,"runtime":{{"pid":{},"uptime_ms":{},"cluster":{},"data_dir":{},"recovered":{},)"
      R"("life":{},"lamport":{},"bad_causal_headers":{},)"
      R"("timers":{},"storage_syncs":{},"unknown_protocol_drops":{},"network":{}}}}})",
      ::getpid(), uptime.count(), nlohmann::json(config_.cluster).dump(),
      nlohmann::json(config_.data_dir).dump(), recovering_, life_, stamper_.lamport(),
      bad_causal_headers_, timers_.size(), syncs, node_->unknown_protocol_drops(),
      transport_->status_json());
  return out;
}

}  // namespace synod::runtime
