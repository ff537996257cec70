// The time service Cristian's method asks: one RPC method returning the server's software-clock
// time. Declared once; Proxy<TimeServer> and Skeleton<TimeServer> come from the method table.
//
// `nonce` is chosen by the client and echoed, so a reply is matched to its request and the
// checker can pair the server's "serve" observation with the client's "sample".
#pragma once

#include <cstdint>
#include <tuple>

#include "synod/rpc/rpc.hpp"
#include "synod/timesync/software_clock.hpp"

namespace synod::timesync {

struct TimeRequest {
  std::uint64_t nonce = 0;
  static constexpr auto kFields = std::make_tuple(wire::field<1>(&TimeRequest::nonce));
};

struct TimeReply {
  std::int64_t time_ns = 0;  // the server's software clock when it handled the request
  std::uint64_t nonce = 0;
  static constexpr auto kFields = std::make_tuple(wire::field<1, wire::zigzag>(&TimeReply::time_ns),
                                                  wire::field<2>(&TimeReply::nonce));
};

class TimeServer {
 public:
  virtual ~TimeServer() = default;
  virtual Result<TimeReply> now(rpc::ServerCall& call, const TimeRequest& req) = 0;

  static constexpr std::string_view kInterfaceName = "synod.timesync.TimeServer";
  // Reading a clock has no side effect: the RPC layer may retransmit it.
  static constexpr auto kNow = rpc::method(1, "now", &TimeServer::now, rpc::kIdempotent);
  static constexpr auto kMethods = std::make_tuple(kNow);
};

inline constexpr std::uint64_t kTimeServerId = rpc::kFirstAppWellKnown;

// Serves `clock` (owned by the protocol hosting the endpoint). Observes "serve" {client, nonce,
// t_server} at the instant it reads the clock.
class TimeServant final : public TimeServer {
 public:
  explicit TimeServant(const SoftwareClock& clock) : clock_(clock) {}
  Result<TimeReply> now(rpc::ServerCall& call, const TimeRequest& req) override;
  std::uint64_t served() const { return served_; }

 private:
  const SoftwareClock& clock_;
  std::uint64_t served_ = 0;
};

}  // namespace synod::timesync
