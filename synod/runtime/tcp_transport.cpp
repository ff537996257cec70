#include "synod/runtime/tcp_transport.hpp"

#include <array>

#include <fmt/format.h>
#include <asio/connect.hpp>
#include <asio/steady_timer.hpp>
#include <asio/write.hpp>

#include "synod/runtime/backoff.hpp"
#include "synod/runtime/envelope.hpp"
#include "synod/runtime/frame.hpp"
#include "synod/runtime/send_queue.hpp"

namespace synod::runtime {

using asio::ip::tcp;

namespace {

tcp::endpoint to_asio(const Endpoint& e) { return {asio::ip::make_address(e.host), e.port}; }

}  // namespace

std::string counters_json(const TransportCounters& c) {
  return fmt::format(
      R"({{"messages_sent":{},"messages_received":{},"bytes_sent":{},"bytes_received":{},)"
      R"("queue_drops":{},"oversize_drops":{},"unknown_peer_drops":{},"disconnect_drops":{},)"
      R"("decode_errors":{},"rejected_peers":{},"timeouts":{},"connects":{},)"
      R"("connect_failures":{},"accepted":{}}})",
      c.messages_sent, c.messages_received, c.bytes_sent, c.bytes_received, c.queue_drops,
      c.oversize_drops, c.unknown_peer_drops, c.disconnect_drops, c.decode_errors, c.rejected_peers,
      c.timeouts, c.connects, c.connect_failures, c.accepted);
}

// One peer's outbound connection: idle -> connecting -> connected, and on any failure
// -> backoff -> (connecting again if messages wait, else idle). Every asynchronous callback carries
// the generation it was started under and is ignored once the connection it belonged to is gone.
class TcpTransport::Outbound : public std::enable_shared_from_this<Outbound> {
 public:
  enum class State { kIdle, kConnecting, kConnected, kBackoff, kStopped };

  Outbound(TcpTransport& t, NodeId peer, const Endpoint& ep)
      : t_(t),
        peer_(peer),
        endpoint_(to_asio(ep)),
        socket_(t.io_),
        timer_(t.io_),
        queue_(t.setup_.limits.send_queue_messages, t.setup_.limits.send_queue_bytes),
        backoff_(t.setup_.limits.backoff_min, t.setup_.limits.backoff_max) {}

  // Queues one encoded frame (payload bytes given for drop accounting).
  void send(QueuedFrame frame, ProtocolId protocol, std::size_t payload_bytes) {
    if (state_ == State::kStopped) return;
    if (!queue_.push(std::move(frame))) {
      ++t_.counters_.queue_drops;
      t_.setup_.drop(peer_, protocol, payload_bytes, "queue_full");
      return;
    }
    protocols_.push_back(protocol);
    if (state_ == State::kIdle) {
      connect();
    } else {
      write_next();
    }
  }

  void stop() {
    state_ = State::kStopped;
    ++gen_;
    timer_.cancel();
    std::error_code ignored;
    socket_.close(ignored);
  }

  std::string status_json() const {
    static constexpr const char* kNames[] = {"idle", "connecting", "connected", "backoff",
                                             "stopped"};
    return fmt::format(R"({{"state":"{}","queued":{},"queued_bytes":{},"backoff_attempt":{}}})",
                       kNames[static_cast<int>(state_)], queue_.size(), queue_.bytes(),
                       backoff_.attempt());
  }
  bool connected() const { return state_ == State::kConnected; }

 private:
  void connect() {
    state_ = State::kConnecting;
    const std::uint64_t gen = ++gen_;
    socket_ = tcp::socket(t_.io_);
    auto self = shared_from_this();
    socket_.async_connect(endpoint_,
                          [self, gen](std::error_code ec) { self->on_connect(gen, ec); });
    timer_.expires_after(t_.setup_.limits.connect_timeout);
    timer_.async_wait([self, gen](std::error_code ec) {
      if (ec || gen != self->gen_ || self->state_ != State::kConnecting) return;
      ++self->t_.counters_.timeouts;
      std::error_code ignored;
      self->socket_.close(ignored);  // completes async_connect with operation_aborted
    });
  }

  void on_connect(std::uint64_t gen, std::error_code ec) {
    if (gen != gen_ || state_ != State::kConnecting) return;
    timer_.cancel();
    if (ec) {
      ++t_.counters_.connect_failures;
      t_.setup_.log->debug("connect to node {} at {}:{} failed: {}", peer_,
                           endpoint_.address().to_string(), endpoint_.port(), ec.message());
      // An unreachable peer's queued messages are stale by the time it is back; drop them rather
      // than replay a burst later (best-effort delivery allows either).
      drop_queued("unreachable");
      retry_later();
      return;
    }
    state_ = State::kConnected;
    ++t_.counters_.connects;
    backoff_.reset();
    std::error_code ignored;
    socket_.set_option(tcp::no_delay(true), ignored);
    socket_.non_blocking(true, ignored);  // write_next's first attempt must never block the loop
    t_.setup_.log->info("connected to node {}", peer_);
    FrameOptions fo{t_.setup_.limits.max_frame_bytes, t_.setup_.limits.frame_checksum};
    queue_.push_front({encode_frame(encode_hello({t_.setup_.self, t_.setup_.cluster}), fo), {}});
    protocols_.push_front(kHelloMarker);
    write_next();
    read_for_close(gen);
  }

  // Writes the queued frames in batches (one gathered write for up to kMaxBatchFrames of them),
  // each first without waiting: a non-blocking write usually takes small frames whole, and only
  // what the socket did not take is left to async_write. That saves a trip through the event loop
  // per message, and under load a system call per frame.
  void write_next() {
    while (!writing_ && state_ == State::kConnected && !queue_.empty()) {
      const std::size_t bytes = gather();
      std::error_code ec;
      const std::size_t done = socket_.write_some(parts_, ec);
      if (ec && ec != asio::error::would_block && ec != asio::error::try_again) {
        disconnect("write failed: " + ec.message());
        return;
      }
      if (done == bytes) {
        finish_batch();
        continue;
      }
      consume(parts_, done);
      writing_ = true;
      auto self = shared_from_this();
      const std::uint64_t gen = gen_;
      // The deque keeps its elements in place while others are pushed: the buffers are stable.
      asio::async_write(socket_, parts_,
                        [self, gen](std::error_code e, std::size_t) { self->on_write(gen, e); });
    }
  }

  // parts_ := the pieces of the first frames of the queue; returns their total size.
  std::size_t gather() {
    parts_.clear();
    batch_ = 0;
    std::size_t bytes = 0;
    while (batch_ < queue_.size() && batch_ < kMaxBatchFrames) {
      const QueuedFrame& f = queue_.at(batch_);
      if (batch_ > 0 && parts_.size() + 1 + f.body.pieces().size() > kMaxBatchBuffers) break;
      parts_.push_back(asio::buffer(f.head));
      for (const SharedBytes& p : f.body.pieces()) {
        parts_.push_back(asio::buffer(p.data(), p.size()));
      }
      bytes += f.size();
      ++batch_;
    }
    return bytes;
  }

  static void consume(std::vector<asio::const_buffer>& buffers, std::size_t n) {
    std::size_t whole = 0;
    while (whole < buffers.size() && n >= buffers[whole].size()) n -= buffers[whole++].size();
    buffers.erase(buffers.begin(), buffers.begin() + static_cast<std::ptrdiff_t>(whole));
    if (n > 0) buffers.front() += n;
  }

  void finish_batch() {
    for (std::size_t i = 0; i < batch_; ++i) {
      if (protocols_.front() != kHelloMarker) {
        ++t_.counters_.messages_sent;
        t_.counters_.bytes_sent += queue_.front().size();
      }
      queue_.pop();
      protocols_.pop_front();
    }
    batch_ = 0;
  }

  void on_write(std::uint64_t gen, std::error_code ec) {
    if (gen != gen_) return;
    writing_ = false;
    if (ec) {
      disconnect("write failed: " + ec.message());
      return;
    }
    finish_batch();
    write_next();
  }

  // The peer never writes on our outbound connection; a read completes only when it closes the
  // connection (or misbehaves).
  void read_for_close(std::uint64_t gen) {
    auto self = shared_from_this();
    socket_.async_read_some(asio::buffer(sink_), [self, gen](std::error_code ec, std::size_t) {
      if (gen != self->gen_) return;
      if (!ec) ++self->t_.counters_.decode_errors;
      self->disconnect(ec ? "closed by peer: " + ec.message() : "peer wrote on an outbound link");
    });
  }

  void disconnect(const std::string& reason) {
    t_.setup_.log->info("connection to node {} lost: {}", peer_, reason);
    if (writing_ && !queue_.empty()) {  // partly written: the receiver discards the torn frame
      if (protocols_.front() != kHelloMarker) {
        ++t_.counters_.disconnect_drops;
        t_.setup_.drop(peer_, static_cast<ProtocolId>(protocols_.front()), queue_.front().size(),
                       "disconnect");
      }
      queue_.pop();
      protocols_.pop_front();
    }
    writing_ = false;
    if (!protocols_.empty() && protocols_.front() == kHelloMarker) {
      queue_.pop();
      protocols_.pop_front();
    }
    retry_later();
  }

  void drop_queued(std::string_view why) {
    while (!queue_.empty()) {
      ++t_.counters_.disconnect_drops;
      t_.setup_.drop(peer_, static_cast<ProtocolId>(protocols_.front()), queue_.front().size(),
                     why);
      queue_.pop();
      protocols_.pop_front();
    }
  }

  void retry_later() {
    std::error_code ignored;
    socket_.close(ignored);
    state_ = State::kBackoff;
    writing_ = false;
    const std::uint64_t gen = ++gen_;
    timer_.expires_after(backoff_.next(t_.rng_));
    auto self = shared_from_this();
    timer_.async_wait([self, gen](std::error_code ec) {
      if (ec || gen != self->gen_ || self->state_ != State::kBackoff) return;
      if (self->queue_.empty()) {
        self->state_ = State::kIdle;
      } else {
        self->connect();
      }
    });
  }

  // Marks the hello in protocols_ (which mirrors queue_ entry by entry).
  static constexpr std::uint32_t kHelloMarker = 0x10000;

  TcpTransport& t_;
  NodeId peer_;
  tcp::endpoint endpoint_;
  tcp::socket socket_;
  asio::steady_timer timer_;
  SendQueue queue_;
  std::deque<std::uint32_t> protocols_;  // protocol id of each queued frame, for drop reports
  Backoff backoff_;
  State state_ = State::kIdle;
  bool writing_ = false;
  std::uint64_t gen_ = 0;
  std::array<std::uint8_t, 64> sink_{};
  static constexpr std::size_t kMaxBatchFrames = 64;
  static constexpr std::size_t kMaxBatchBuffers = 256;  // well under IOV_MAX (1024)
  std::vector<asio::const_buffer> parts_;               // the batch's pieces still to write
  std::size_t batch_ = 0;  // frames at the queue's front that parts_ covers
};

// One accepted connection: expects a Hello, then Data frames, under a deadline.
class TcpTransport::Inbound : public std::enable_shared_from_this<Inbound> {
 public:
  Inbound(TcpTransport& t, tcp::socket socket)
      : t_(t),
        socket_(std::move(socket)),
        deadline_(t.io_),
        decoder_(t.setup_.limits.max_frame_bytes) {
    std::error_code ec;
    const auto remote = socket_.remote_endpoint(ec);
    remote_ = ec ? "?" : fmt::format("{}:{}", remote.address().to_string(), remote.port());
  }

  void start() {
    arm(t_.setup_.limits.frame_timeout);
    read();
  }

  void close(const std::string& reason) {
    if (closed_) return;
    closed_ = true;
    if (!reason.empty()) {
      t_.setup_.log->warn("closing connection from {} (node {}): {}", remote_,
                          peer_ == kNoNode ? std::string("?") : std::to_string(peer_), reason);
    }
    std::error_code ignored;
    socket_.close(ignored);
    deadline_.cancel();
    t_.remove_inbound(this);
  }

  NodeId peer() const { return peer_; }

 private:
  static constexpr std::size_t kReadChunkBytes = 64 * 1024;
  static constexpr std::size_t kHandOverFrameBytes = 32 * 1024;

  // Reads straight into the decoder's buffer; once a frame's header is in, the space offered
  // covers the whole frame, so a large frame is neither copied nor read in small pieces.
  void read() {
    auto self = shared_from_this();
    const auto space = decoder_.prepare(kReadChunkBytes);
    socket_.async_read_some(asio::buffer(space.data(), space.size()),
                            [self](std::error_code ec, std::size_t n) { self->on_read(ec, n); });
  }

  void on_read(std::error_code ec, std::size_t n) {
    if (closed_) return;
    if (ec) {
      if (ec != asio::error::eof && ec != asio::error::operation_aborted) {
        t_.setup_.log->debug("connection from {} ended: {}", remote_, ec.message());
      }
      close("");
      return;
    }
    t_.counters_.bytes_received += n;
    decoder_.commit(n);
    while (!closed_) {
      auto frame = decoder_.next_view();
      if (!frame) {
        ++t_.counters_.decode_errors;
        close(frame.status().message());
        return;
      }
      if (!frame->has_value()) break;
      handle(**frame);
    }
    if (closed_) return;
    if (decoder_.buffered() > 0) {
      // Arm once per frame: trickling bytes must not keep a stalled frame alive forever.
      if (!partial_) arm(t_.setup_.limits.frame_timeout);
      partial_ = true;
    } else {
      partial_ = false;
      arm(peer_ == kNoNode ? t_.setup_.limits.frame_timeout : t_.setup_.limits.idle_timeout);
    }
    read();
  }

  void handle(ByteView frame) {
    auto env = decode_envelope(frame);
    if (!env) {
      ++t_.counters_.decode_errors;
      close(env.status().message());
      return;
    }
    if (peer_ == kNoNode) {
      const auto* hello = std::get_if<Hello>(&*env);
      if (hello == nullptr) {
        ++t_.counters_.decode_errors;
        close("first frame is not a hello");
        return;
      }
      if (hello->cluster != t_.setup_.cluster) {
        ++t_.counters_.rejected_peers;
        close("cluster '" + hello->cluster + "' is not '" + t_.setup_.cluster + "'");
        return;
      }
      if (t_.setup_.peers.count(hello->sender) == 0) {
        ++t_.counters_.rejected_peers;
        close("node " + std::to_string(hello->sender) + " is not a configured peer");
        return;
      }
      peer_ = hello->sender;
      t_.setup_.log->info("accepted connection from node {} ({})", peer_, remote_);
      return;
    }
    auto* data = std::get_if<DataMsg>(&*env);
    if (data == nullptr) {
      ++t_.counters_.decode_errors;
      close("expected a data frame after the hello");
      return;
    }
    ++t_.counters_.messages_received;
    // Only large frames are handed over: a protocol keeping part of a small one would pin a whole
    // read buffer (64 KiB or more) for a few bytes; small ones are cheap to copy.
    t_.setup_.deliver(peer_, data->protocol, data->payload,
                      frame.size() >= kHandOverFrameBytes ? decoder_.owner() : nullptr);
  }

  // The connection must make progress by now + after. Called on every read, so the timer is lazy:
  // it is re-armed only when the new deadline is earlier than the one it waits for; when it fires
  // early it checks the current deadline and waits again. (Re-arming on every read posted an
  // aborted handler per message.)
  void arm(Duration after) {
    due_ = std::chrono::steady_clock::now() + after;
    if (!waiting_ || due_ < waiting_for_) wait_until(due_);
  }

  void wait_until(std::chrono::steady_clock::time_point t) {
    waiting_ = true;
    waiting_for_ = t;
    const std::uint64_t gen = ++arm_gen_;
    deadline_.expires_at(t);
    auto self = shared_from_this();
    deadline_.async_wait([self, gen](std::error_code ec) {
      if (ec || gen != self->arm_gen_ || self->closed_) return;
      self->waiting_ = false;
      if (std::chrono::steady_clock::now() < self->due_) return self->wait_until(self->due_);
      ++self->t_.counters_.timeouts;
      self->close(self->peer_ == kNoNode ? "no hello within limits.frame_timeout"
                  : self->partial_       ? "frame stalled longer than limits.frame_timeout"
                                         : "idle longer than limits.idle_timeout");
    });
  }

  TcpTransport& t_;
  tcp::socket socket_;
  asio::steady_timer deadline_;
  FrameDecoder decoder_;
  std::string remote_;
  NodeId peer_ = kNoNode;
  bool partial_ = false;
  bool closed_ = false;
  std::uint64_t arm_gen_ = 0;
  std::chrono::steady_clock::time_point due_;          // close unless progress by then
  std::chrono::steady_clock::time_point waiting_for_;  // what deadline_ waits for, if waiting_
  bool waiting_ = false;
};

TcpTransport::TcpTransport(asio::io_context& io, TransportSetup setup)
    : io_(io), setup_(std::move(setup)), acceptor_(io), rng_(setup_.seed) {
  for (const auto& [id, ep] : setup_.peers) {
    outbound_.emplace(id, std::make_shared<Outbound>(*this, id, ep));
  }
}

TcpTransport::~TcpTransport() { stop(); }

Status TcpTransport::start() {
  std::error_code ec;
  const tcp::endpoint ep = to_asio(setup_.listen);
  acceptor_.open(ep.protocol(), ec);
  if (!ec) acceptor_.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor_.bind(ep, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return unavailable("cannot listen on " + setup_.listen.to_string() + ": " + ec.message());
  accept_next();
  return Status::ok();
}

std::uint16_t TcpTransport::local_port() const {
  std::error_code ec;
  return acceptor_.local_endpoint(ec).port();
}

void TcpTransport::accept_next() {
  // The weak token lets a completion that outlives the transport (destroyed while the loop keeps
  // running, as in tests) return without touching it.
  acceptor_.async_accept(
      [this, alive = std::weak_ptr<int>(alive_)](std::error_code ec, tcp::socket socket) {
        if (alive.expired() || stopped_ || ec == asio::error::operation_aborted) return;
        if (ec) {
          setup_.log->warn("accept failed: {}", ec.message());
        } else if (inbound_.size() >= setup_.limits.max_inbound_connections) {
          ++counters_.rejected_peers;
          setup_.log->warn("refusing connection: limits.max_inbound_connections ({}) reached",
                           setup_.limits.max_inbound_connections);
        } else {
          ++counters_.accepted;
          auto conn = std::make_shared<Inbound>(*this, std::move(socket));
          inbound_.insert(conn);
          conn->start();
        }
        accept_next();
      });
}

void TcpTransport::remove_inbound(const Inbound* conn) {
  for (auto it = inbound_.begin(); it != inbound_.end(); ++it) {
    if (it->get() == conn) {
      inbound_.erase(it);
      return;
    }
  }
}

void TcpTransport::send(NodeId to, ProtocolId protocol, Bytes head, ByteChain body) {
  if (stopped_) return;
  auto it = outbound_.find(to);
  if (it == outbound_.end()) {
    ++counters_.unknown_peer_drops;
    setup_.drop(to, protocol, head.size() + body.size(), "unknown_peer");
    return;
  }
  const std::size_t payload_bytes = head.size() + body.size();
  const Bytes envelope = encode_data(protocol, head);  // small: the body follows it
  if (envelope.size() + body.size() > setup_.limits.max_frame_bytes) {
    ++counters_.oversize_drops;
    setup_.drop(to, protocol, payload_bytes, "oversize");
    return;
  }
  FrameOptions fo{setup_.limits.max_frame_bytes, setup_.limits.frame_checksum};
  it->second->send({frame_prefix(envelope, body, fo), std::move(body)}, protocol, payload_bytes);
}

void TcpTransport::stop() {
  if (stopped_) return;
  stopped_ = true;
  std::error_code ignored;
  acceptor_.close(ignored);
  for (auto& [id, out] : outbound_) out->stop();
  // close() removes each connection from inbound_, so iterate over a copy.
  const auto conns = inbound_;
  for (const auto& c : conns) c->close("");
}

std::string TcpTransport::status_json() const {
  std::string peers;
  std::size_t connected = 0;
  for (const auto& [id, out] : outbound_) {
    if (!peers.empty()) peers += ',';
    peers += fmt::format(R"("{}":{})", id, out->status_json());
    if (out->connected()) ++connected;
  }
  std::string from;
  for (const auto& c : inbound_) {
    if (c->peer() == kNoNode) continue;
    if (!from.empty()) from += ',';
    from += std::to_string(c->peer());
  }
  return fmt::format(
      R"({{"transport":"tcp","listen":"{}","outbound_connected":{},"inbound_connections":{},)"
      R"("inbound_from":[{}],"peers":{{{}}},"counters":{}}})",
      setup_.listen.to_string(), connected, inbound_.size(), from, peers, counters_json(counters_));
}

}  // namespace synod::runtime
