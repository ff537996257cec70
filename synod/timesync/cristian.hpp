// Cristian's method (Cristian 1989): a client asks a time server for its time over Synod RPC and
// sets its clock to T_server + RTT/2, where RTT = T1 - T0 is measured on its own clock. The
// result is within RTT/2 (plus the clocks' drift over the RTT) of the server's clock, because the
// server read its clock somewhere inside [T0, T1].
//
// Rules (each cited in cristian_test.cpp):
//  C1 A client samples K times per round, one call at a time, and keeps the sample with the
//     lowest RTT (its bound is the tightest).
//  C2 At the end of a round it corrects its SoftwareClock by that sample's offset: a step above
//     the step threshold, else a slew at a bounded rate (software_clock.hpp). The system clock is
//     never touched.
//  C3 A call that fails (deadline, server unavailable) abandons the round's samples and restarts
//     the round with the next server of the list; after every server failed once, the client
//     waits a period and starts over.
//  C4 Rounds repeat every `period` (re-sync against drift).
//  C5 A sample whose RTT is not positive (the client's clock jumped) is discarded.
//
// Deployment: every node runs an rpc::Endpoint hosted at protocol id 70 (not the endpoint's own
// id 40, so it coexists with other RPC protocols). Nodes listed in `servers` serve their software
// clock (TimeServer, time_server.hpp); every other node is a client.
//
// Observations (cristian_checker.hpp): "role" {server}, "ask" {server, nonce, round},
// "serve" {client, nonce, t_server}, "sample" {server, nonce, round, t_server, rtt_ns,
// estimate_ns, offset_ns}, "sync" {server, round, nonce (of the applied sample), rtt_ns,
// offset_ns, kind, committed_ns},
// "server_failed" {server, code}, "discard" {server, rtt_ns}.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "synod/node/mutant.hpp"
#include "synod/node/protocol.hpp"
#include "synod/node/protocol_ids.hpp"
#include "synod/rpc/endpoint.hpp"
#include "synod/timesync/clock_options.hpp"
#include "synod/timesync/software_clock.hpp"

namespace synod::timesync {

struct CristianOptions {
  ClockOptions clock;
  std::vector<NodeId> servers = {1, 2};  // tried in this order; absent ids are skipped
  std::uint32_t samples = 4;             // K per round
  Duration period = std::chrono::seconds(1);
  Duration timeout = std::chrono::milliseconds(500);  // per call (RPC deadline)
  Duration sample_gap = std::chrono::milliseconds(10);
  Mutant mutant;  // test only (synod/node/mutant.hpp): breaks one rule C1..C5
};

// The shortest call deadline the options accept.
inline constexpr Duration kMinCallTimeout = std::chrono::milliseconds(1);

// Keys: servers (ids, comma-separated), samples, period, timeout (>= 1 ms), sample_gap, mutant,
// and clock options. Periods and durations must be positive.
Result<CristianOptions> parse_cristian_options(const ProtocolOptions& opts);

// The figures of the last completed round (status, tests).
struct CristianRound {
  NodeId server = kNoNode;
  std::int64_t rtt_ns = 0;
  std::int64_t offset_ns = 0;
  Correction kind = Correction::kNone;
};

class Cristian final : public Protocol {
 public:
  static constexpr ProtocolId kId = kCristianProtocol;

  explicit Cristian(CristianOptions options);
  ~Cristian() override;

  ProtocolId id() const override { return kId; }
  std::string_view name() const override { return "cristian"; }
  void on_start(Context& ctx) override;
  void on_message(Context& ctx, NodeId from, ByteView payload) override;
  void on_timer(Context& ctx, std::uint64_t tag) override;
  void on_command(Context& ctx, CommandId id, std::string_view verb,
                  std::string_view args) override;
  std::string status_json() const override;

  // For tests and status.
  const SoftwareClock& clock() const { return clock_; }
  bool is_server() const { return server_; }
  NodeId current_server() const;
  std::uint64_t syncs() const { return syncs_; }
  std::uint64_t failures() const { return failures_; }
  const CristianRound& last_round() const { return last_; }

 private:
  class Client;
  friend class Client;

  void remember(Time host) { last_host_ = host; }

  CristianOptions options_;
  SoftwareClock clock_;
  std::unique_ptr<rpc::Endpoint> endpoint_;
  Client* client_ = nullptr;  // owned by endpoint_ (an App), null on servers
  bool server_ = false;
  std::uint64_t syncs_ = 0;
  std::uint64_t failures_ = 0;
  CristianRound last_;
  Time last_host_{};
};

}  // namespace synod::timesync
