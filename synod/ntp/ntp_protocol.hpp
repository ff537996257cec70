// NTP as a protocol over the node Context (id 72; payload = the raw 48-byte NTP packet, so the
// same bytes would be valid on UDP port 123). Every node is a server (stratum s+1 once synced to
// stratum s, or a configured local reference); a node with servers or peers is also a client that
// disciplines its own SoftwareClock:
//   poll tick -> per association: send a request (client mode 3, or symmetric active mode 1)
//   reply     -> origin check, sample (theta, delta), clock filter
//   next tick -> selection over the associations' best samples (falsetickers out), combine,
//                discipline (step/slew + frequency), shift every filter by the correction
// Broadcast: a server with `broadcast` sends mode-5 packets each poll; a broadcast client first
// measures the delay with one client exchange (as ntpd's broadcast client does), then takes
// offset = T3 + delay/2 - T4 from each broadcast.
// Symmetric (peer) mode follows RFC 5905 section 8 (basic, not interleaved): each peer sends mode 1
// on its own poll, carrying org = the last transmit it received from the other and rec = when it
// arrived; a packet whose org equals our last transmit yields a sample from T1 = that transmit,
// T2 = its rec, T3 = its xmt, T4 = arrival. Both sides measure continuously without replying;
// either may synchronize to the other by stratum. A mode-1 packet from a node that is not a
// configured peer is answered statelessly with mode 2 (a passive peer, as ntpd's ephemeral one).
//
// Rules (each broken by its mutant, `mutant=N1`.., and caught by ntp_checker.hpp):
//  N1 A sample's offset is theta = ((T2 - T1) + (T3 - T4)) / 2 (exchange.hpp), true minus ours.
//  N2 A synchronized node's stratum is its system peer's plus one; a reference's is local_stratum.
//  N3 Selection never takes an unsynchronized server (stratum 0 or 16) nor one whose stratum is
//     above our own (it may be synchronized to us). (No mutant yet: see docs/protocols/ntp.md.)
//  N4 A node that gets no clock update for kHoldoverPolls polls stops claiming synchronization.
//  N5 Every poll interval, each association sends a request (reachability and fresh samples).
//
// Observations: "ntp_tick" {committed_ns, stratum, synced, peer, root_distance_ns} at every poll
// tick (the clock the checkers judge against true time), "ntp_update" {offset_ns, stratum, peer,
// falsetickers, freq_ppb}, "ntp_peer_sample" {peer, offset_ns, delay_ns, stratum}.
#pragma once

#include <map>
#include <string>

#include "synod/check/catalog.hpp"
#include "synod/node/protocol.hpp"
#include "synod/node/protocol_ids.hpp"
#include "synod/node/timer_tag.hpp"
#include "synod/ntp/auth.hpp"
#include "synod/ntp/clock_filter.hpp"
#include "synod/ntp/discipline.hpp"
#include "synod/ntp/ntp_options.hpp"
#include "synod/ntp/server.hpp"
#include "synod/timesync/software_clock.hpp"

namespace synod::ntp {

// Unanswered polls after which an association's samples are dropped (RFC 5905's reach register).
inline constexpr int kUnreachPolls = 8;
// Polls without a clock update after which this node stops claiming to be synchronized.
inline constexpr int kHoldoverPolls = 16;
// Samples an association needs before it takes part in selection: a single first exchange often
// pays for cold caches and scheduling, and the filter needs a few to pick a low-delay one.
inline constexpr std::size_t kMinFilterSamples = 4;
// RATE kisses double an association's poll interval, up to 2^kMaxPollShift times the base.
inline constexpr int kMaxPollShift = 4;

class NtpProtocol final : public Protocol {
 public:
  static constexpr ProtocolId kId = kNtpProtocol;

  explicit NtpProtocol(NtpOptions options, const KeyRing* keys = nullptr);

  ProtocolId id() const override { return kId; }
  std::string_view name() const override { return "ntp"; }
  void on_start(Context& ctx) override;
  void on_message(Context& ctx, NodeId from, ByteView payload) override;
  void on_timer(Context& ctx, std::uint64_t tag) override;
  void on_command(Context& ctx, CommandId id, std::string_view verb,
                  std::string_view args) override;
  std::string status_json() const override;

  // The disciplined clock (read it with the node's host time).
  const timesync::SoftwareClock& clock() const { return clock_; }
  bool synchronized() const { return local_reference_ || synced_stratum_ != 0; }
  std::uint8_t stratum() const;
  std::uint64_t updates() const { return discipline_.updates(); }
  // Servers the last selection rejected (falsetickers) and kept.
  const std::vector<NodeId>& falsetickers() const { return falsetickers_; }
  const std::vector<NodeId>& truechimers() const { return truechimers_; }
  const ServerCounters& server_counters() const { return server_.counters(); }

 private:
  struct Association {
    Mode mode = Mode::kClient;  // what we send: client or symmetric active
    ClockFilter filter;
    Timestamp sent = 0;  // transmit of the outstanding request (0: none)
    Time sent_at{};      // its T1 on our clock
    int unanswered = 0;
    int poll_shift = 0;
    bool denied = false;
    bool broadcast = false;       // a broadcast server: poll only to calibrate
    Duration broadcast_delay{0};  // one-way delay measured by the calibration exchange
    bool calibrated = false;
    Timestamp peer_org = 0;  // symmetric: the peer's last transmit (our next packet's org)
    Time peer_rec{};         // symmetric: when it arrived on our clock (our next packet's rec)
  };

  Time soft_now(Context& ctx) const { return clock_.read(ctx.now()); }
  ServerIdentity identity(Context& ctx) const;
  void poll(Context& ctx);
  void update_clock(Context& ctx);
  void on_reply(Context& ctx, NodeId from, const Packet& p);
  void on_broadcast(Context& ctx, NodeId from, const Packet& p);
  void on_peer(Context& ctx, NodeId from, const Packet& p);
  void send_broadcast(Context& ctx);

  NtpOptions options_;
  Server server_;
  timesync::SoftwareClock clock_;
  Discipline discipline_;
  std::map<NodeId, Association> assoc_;
  bool local_reference_ = false;
  std::uint8_t synced_stratum_ = 0;  // system peer's stratum; 0 = not synchronized
  NodeId system_peer_ = 0;
  Duration root_delay_{0};
  Duration root_dispersion_{0};
  Time reference_time_{};
  std::uint64_t ticks_ = 0;
  std::uint64_t last_update_tick_ = 0;
  Duration last_offset_{0};
  std::vector<NodeId> falsetickers_;
  std::vector<NodeId> truechimers_;
  std::uint64_t bogus_ = 0;
};

// "ntp": the protocol for `synod sim ntp` and `synod node --protocols ntp`.
ProtocolSpec ntp_spec();

// The catalog's checkers (ntp_checker.hpp) for a protocol run with `opts`.
CheckerList ntp_catalog_checkers(const ProtocolOptions& opts = {});

// This layer's registry entries (see synod/check/catalog.hpp).
Catalog catalog();

}  // namespace synod::ntp
