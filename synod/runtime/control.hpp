// The control socket: a Unix-domain stream socket at <data_dir>/control.sock. A client writes one
// request line and reads one JSON line back, then the server closes the connection.
//   "status\n" -> the node's status object (see docs/runtime.md)
//   "cmd PROTOCOL VERB [ARGS]\n" -> the protocol's answer to an operator command
//     (Protocol::on_command), which may come later (a lock acquire waits for the grant)
//   anything else -> {"error":"unknown request"}
// A Unix socket (not TCP) keeps status local to the host and needs no port allocation.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include <spdlog/logger.h>
#include <asio/io_context.hpp>
#include <asio/local/stream_protocol.hpp>

#include "synod/core/status.hpp"
#include "synod/core/time.hpp"

namespace synod::runtime {

inline constexpr std::size_t kMaxControlRequestBytes = 256;
inline constexpr std::size_t kMaxControlReplyBytes = 4U << 20U;
inline constexpr Duration kControlTimeout = std::chrono::seconds(2);
// How long the server keeps a connection open for a command's late answer; clients give up
// earlier with their own deadline.
inline constexpr Duration kMaxCommandWait = std::chrono::minutes(10);

class ControlServer {
 public:
  // Answers a request by calling `respond` once, now or later (from the loop thread).
  using Respond = std::function<void(std::string reply)>;
  using Handler = std::function<void(const std::string& request, Respond respond)>;

  ControlServer(asio::io_context& io, std::string path, Handler handler,
                std::shared_ptr<spdlog::logger> log);
  ~ControlServer();
  // Removes a stale socket file left by a killed node, then binds.
  Status start();
  void stop();

 private:
  class Session;
  void accept_next();

  asio::io_context& io_;
  std::string path_;
  Handler handler_;
  std::shared_ptr<spdlog::logger> log_;
  asio::local::stream_protocol::acceptor acceptor_;
  bool stopped_ = false;
};

// Blocking client: sends `request` and returns the reply line (without the newline), or an error
// if nothing answers within `timeout` (a dead node: connection refused or no socket file).
Result<std::string> control_request(const std::string& socket_path, const std::string& request,
                                    Duration timeout = kControlTimeout);

}  // namespace synod::runtime
