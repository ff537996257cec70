#include "synod/runtime/control.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include <asio/read_until.hpp>
#include <asio/steady_timer.hpp>
#include <asio/write.hpp>

namespace synod::runtime {

using asio::local::stream_protocol;

class ControlServer::Session : public std::enable_shared_from_this<Session> {
 public:
  Session(ControlServer& server, stream_protocol::socket socket)
      : server_(server), socket_(std::move(socket)), timer_(server.io_) {}

  void start() {
    auto self = shared_from_this();
    arm(kControlTimeout);  // a client that never finishes its request
    asio::async_read_until(socket_, asio::dynamic_buffer(request_, kMaxControlRequestBytes), '\n',
                           [self](std::error_code ec, std::size_t n) {
                             if (ec) {
                               self->timer_.cancel();
                               return;
                             }
                             const std::string line = self->request_.substr(0, n - 1);
                             self->arm(kMaxCommandWait);
                             self->server_.handler_(line, [self](std::string reply) {
                               self->respond(std::move(reply));
                             });
                           });
  }

 private:
  // (Re)starts the deadline after which the connection is closed unanswered.
  void arm(Duration after) {
    timer_.expires_after(after);
    timer_.async_wait([self = shared_from_this()](std::error_code ec) {
      if (!ec) self->socket_.close(ec);
    });
  }

  void respond(std::string reply) {
    if (answered_) return;
    answered_ = true;
    reply_ = std::move(reply) + "\n";
    auto self = shared_from_this();
    asio::async_write(socket_, asio::buffer(reply_), [self](std::error_code, std::size_t) {
      self->timer_.cancel();
      std::error_code ignored;
      self->socket_.close(ignored);
    });
  }

  ControlServer& server_;
  stream_protocol::socket socket_;
  asio::steady_timer timer_;
  std::string request_;
  std::string reply_;
  bool answered_ = false;
};

ControlServer::ControlServer(asio::io_context& io, std::string path, Handler handler,
                             std::shared_ptr<spdlog::logger> log)
    : io_(io),
      path_(std::move(path)),
      handler_(std::move(handler)),
      log_(std::move(log)),
      acceptor_(io) {}

ControlServer::~ControlServer() { stop(); }

Status ControlServer::start() {
  if (path_.size() >= sizeof(sockaddr_un::sun_path)) {
    return invalid_argument("control socket path " + path_ + " is longer than " +
                            std::to_string(sizeof(sockaddr_un::sun_path) - 1) +
                            " bytes; use a shorter data_dir");
  }
  // A socket that still answers belongs to a live node using the same data dir: never steal it.
  if (control_request(path_, "status", std::chrono::milliseconds(200))) {
    return unavailable("another node is running with this data dir (" + path_ + " answers)");
  }
  ::unlink(path_.c_str());
  std::error_code ec;
  const stream_protocol::endpoint ep(path_);
  acceptor_.open(ep.protocol(), ec);
  if (!ec) acceptor_.bind(ep, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return unavailable("cannot serve control socket " + path_ + ": " + ec.message());
  accept_next();
  return Status::ok();
}

void ControlServer::stop() {
  if (stopped_) return;
  stopped_ = true;
  std::error_code ignored;
  if (acceptor_.is_open()) {
    acceptor_.close(ignored);
    ::unlink(path_.c_str());
  }
}

void ControlServer::accept_next() {
  acceptor_.async_accept([this](std::error_code ec, stream_protocol::socket socket) {
    if (ec == asio::error::operation_aborted || stopped_) return;
    if (ec) {
      log_->warn("control accept failed: {}", ec.message());
    } else {
      std::make_shared<Session>(*this, std::move(socket))->start();
    }
    accept_next();
  });
}

namespace {

// Waits for `events` on fd until `deadline`; false on timeout or error.
bool wait_fd(int fd, short events, std::chrono::steady_clock::time_point deadline) {
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd, events, 0};
    const int r = ::poll(&p, 1, static_cast<int>(left.count()));
    if (r > 0) return true;
    if (r < 0 && errno != EINTR) return false;
  }
}

}  // namespace

Result<std::string> control_request(const std::string& socket_path, const std::string& request,
                                    Duration timeout) {
  sockaddr_un addr{};
  if (socket_path.size() >= sizeof addr.sun_path) {
    return invalid_argument("socket path too long: " + socket_path);
  }
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, socket_path.c_str(), socket_path.size() + 1);
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return unavailable(std::string("socket: ") + std::strerror(errno));
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    if (errno != EINPROGRESS && errno != EAGAIN) {
      return unavailable("cannot connect to " + socket_path + ": " + std::strerror(errno));
    }
    if (!wait_fd(fd, POLLOUT, deadline))
      return unavailable("timed out connecting to " + socket_path);
  }
  const std::string line = request + "\n";
  std::size_t sent = 0;
  while (sent < line.size()) {
    const ssize_t n = ::send(fd, line.data() + sent, line.size() - sent, MSG_NOSIGNAL);
    if (n > 0) {
      sent += static_cast<std::size_t>(n);
    } else if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
      if (!wait_fd(fd, POLLOUT, deadline))
        return unavailable("timed out writing to " + socket_path);
    } else {
      return unavailable("cannot write to " + socket_path + ": " + std::strerror(errno));
    }
  }
  std::string reply;
  char buf[4096];
  for (;;) {
    const auto nl = reply.find('\n');
    if (nl != std::string::npos) return reply.substr(0, nl);
    if (reply.size() > kMaxControlReplyBytes) return resource_exhausted("control reply too large");
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n > 0) {
      reply.append(buf, static_cast<std::size_t>(n));
    } else if (n == 0) {
      return unavailable("node closed the control connection without replying");
    } else if (errno == EAGAIN || errno == EINTR) {
      if (!wait_fd(fd, POLLIN, deadline))
        return unavailable("timed out waiting for " + socket_path);
    } else {
      return unavailable("cannot read " + socket_path + ": " + std::strerror(errno));
    }
  }
}

}  // namespace synod::runtime
