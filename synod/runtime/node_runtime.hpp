// One node process: an asio::io_context on one thread driving a Node through the NodeEnv
// interface. It owns the transport, the timers, the per-protocol FileStorage, the trace, the logger
// and the control socket.
//
// Order of effects: a protocol's storage().sync() is synchronous (fsync before it returns), and a
// send() only queues bytes for the loop to write later, so anything a protocol synced before
// sending is durable before the message leaves the process (etcd-io/raft's persist-then-send).
//
// Shutdown: SIGINT/SIGTERM stop the transport and control socket, cancel timers, sync every
// storage namespace, flush the trace and the log, and run() returns 0.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <vector>

#include <spdlog/logger.h>
#include <asio/io_context.hpp>
#include <asio/signal_set.hpp>
#include <asio/steady_timer.hpp>

#include "synod/causal/stamper.hpp"
#include "synod/node/env.hpp"
#include "synod/node/node.hpp"
#include "synod/runtime/config.hpp"
#include "synod/runtime/control.hpp"
#include "synod/runtime/file_storage.hpp"
#include "synod/runtime/timer_queue.hpp"
#include "synod/runtime/transport.hpp"
#include "synod/trace/jsonl.hpp"

namespace synod::runtime {

// How often the trace and log are flushed to the OS when nothing is sent (every send flushes the
// trace first, so what a SIGKILL loses never includes the cause of another node's event).
inline constexpr Duration kFlushInterval = std::chrono::seconds(1);

class NodeRuntime final : public NodeEnv {
 public:
  // Opens the data dir, storage, trace and log, and binds the sockets. Errors are one line.
  static Result<std::unique_ptr<NodeRuntime>> create(
      NodeConfig config, std::vector<std::unique_ptr<Protocol>> protocols);
  ~NodeRuntime() override;

  // Starts the node and runs the loop until SIGINT/SIGTERM or request_stop(); returns the exit
  // code (0 after a clean shutdown, 1 if storage could not be synced).
  int run();
  // Runs the loop for at most `d` (tests).
  void run_for(Duration d);
  // Same as receiving SIGTERM. Thread-safe.
  void request_stop();
  // Whether run() should also stop on SIGINT/SIGTERM (default true). A process hosting several
  // NodeRuntimes, or a client that handles signals itself, turns it off before run().
  void set_handle_signals(bool on) { handle_signals_ = on; }

  // ---- Reaching the hosted protocols from outside the loop (rpc's runtime facade) ----
  // Runs fn on the loop thread, after the node has started. Thread-safe: the one entry point for
  // other threads. fn may call find() and input_now().
  void post(std::function<void()> fn);
  // The hosted protocol with this id, or nullptr. Loop thread only (inside a posted closure).
  Protocol* find(ProtocolId protocol) { return node_ ? node_->find(protocol) : nullptr; }
  // Gives `protocol` a timer input with `tag` now, synchronously, as if a timer had fired (not
  // traced). This is how code outside the node makes a protocol run something queued for its next
  // input. Loop thread only; ignored once the node has stopped.
  void input_now(ProtocolId protocol, std::uint64_t tag);

  // Node status plus "runtime": counters, connections, uptime.
  std::string status_json() const;
  const std::string& control_socket_path() const { return control_path_; }

  // NodeEnv
  NodeId self() const override { return config_.id; }
  std::span<const NodeId> peers() const override { return peer_ids_; }
  void send(NodeId to, ProtocolId protocol, Bytes payload) override;
  void send_chain(NodeId to, ProtocolId protocol, ByteChain message) override;
  TimerId set_timer(Duration after, ProtocolId protocol, std::uint64_t tag) override;
  void cancel_timer(TimerId id) override;
  Time now() const override;
  Storage& storage(ProtocolId protocol) override;
  void observe(ProtocolId protocol, std::string_view kind, ObsFields fields) override;
  bool observed() const override {
    return trace_ != nullptr || log_->should_log(spdlog::level::debug);
  }
  void log(ProtocolId protocol, std::string_view text) override;
  void reply(ProtocolId protocol, CommandId id, std::string json) override;

 private:
  void control_request_received(const std::string& request, ControlServer::Respond respond);
  explicit NodeRuntime(NodeConfig config);
  Status open(std::vector<std::unique_ptr<Protocol>> protocols);
  // Ticks the causal stamps for the event (local events, sends; a delivery was merged before)
  // and writes it to the trace.
  void trace(EventKind kind, NodeId peer, ProtocolId protocol, std::size_t bytes,
             std::string_view what = {}, std::span<const ObsField> fields = {},
             std::uint64_t msg_id = 0);
  void run_loop();
  void fire_timer(ProtocolId protocol, std::uint64_t tag);
  void on_transport_deliver(NodeId from, ProtocolId protocol, ByteView message,
                            const std::shared_ptr<const void>& owner);
  Status begin_life();
  void schedule_flush();
  void shutdown();
  std::string_view protocol_name(ProtocolId protocol) const;

  NodeConfig config_;
  std::vector<NodeId> peer_ids_;
  asio::io_context io_;  // first member after config: destroyed last
  asio::signal_set signals_;
  asio::steady_timer flush_timer_;
  std::shared_ptr<spdlog::logger> log_;
  std::unique_ptr<TraceWriter> trace_;
  std::uint64_t trace_seq_ = 0;
  std::map<ProtocolId, std::unique_ptr<FileStorage>> storage_;
  std::unique_ptr<Transport> transport_;
  std::unique_ptr<ControlServer> control_;
  std::string control_path_;
  TimerQueue timers_;
  CommandId next_command_ = 1;
  std::map<CommandId, ControlServer::Respond> pending_commands_;
  std::unique_ptr<Node> node_;
  bool recovering_ = false;
  std::uint32_t life_ = 0;  // earlier starts in this data dir (0 = first life)
  std::uint32_t msg_seq_ = 0;
  causal::Stamper stamper_;
  std::uint64_t bad_causal_headers_ = 0;
  bool stopped_ = false;
  bool sync_failed_ = false;
  bool handle_signals_ = true;
  std::chrono::steady_clock::time_point started_;
};

}  // namespace synod::runtime
