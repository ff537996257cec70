// Server side of NTP (RFC 5905 "procedure call" and the symmetric-passive answer), pure: given a
// request's bytes and the time it arrived, decide whether and what to answer. The driver stamps T3
// (finish) as late as it can, just before the datagram leaves, and sends it.
//
// Policy, as ntpd's and chrony's access controls: requests faster than `min_interval` from one
// client get a RATE kiss-o'-death; with `require_auth`, unauthenticated requests get DENY; a
// request with an unknown key or a bad MAC gets a crypto-NAK (RFC 5905 section 9.2).
#pragma once

#include <cstdint>
#include <map>
#include <optional>

#include "synod/core/time.hpp"
#include "synod/ntp/auth.hpp"
#include "synod/ntp/packet.hpp"

namespace synod::ntp {

// What this node tells clients about its own synchronization.
struct ServerIdentity {
  std::uint8_t stratum = kStratumUnsynchronized;
  Leap leap = Leap::kUnsynchronized;
  std::uint32_t reference_id = 0;
  Time reference_time{};
  Duration root_delay{0};
  Duration root_dispersion{0};
  std::int8_t precision = -20;  // about 1 us: what a software timestamp resolves

  // A local reference clock ("local stratum S" in chrony): synchronized by decree.
  static ServerIdentity local_reference(std::uint8_t stratum, Time now);
};

struct ServerPolicy {
  Duration min_interval{0};  // 0 = no rate limit
  bool require_auth = false;
};

// Bound on the rate-limit table; beyond it the oldest client is forgotten.
inline constexpr std::size_t kMaxRateClients = 4096;

struct ServerCounters {
  std::uint64_t requests = 0;
  std::uint64_t replies = 0;
  std::uint64_t malformed = 0;
  std::uint64_t ignored = 0;  // modes we never answer
  std::uint64_t kiss_rate = 0;
  std::uint64_t kiss_deny = 0;
  std::uint64_t crypto_nak = 0;
  std::uint64_t authenticated = 0;
};

struct Reply {
  Packet packet;
  const Key* key = nullptr;  // sign with this key in finish()
};

// A broadcast (mode 5) packet announcing `self`; the sender stamps the transmit time just before
// it leaves (Server::finish does the same for replies).
Packet broadcast_packet(const ServerIdentity& self, std::int8_t poll);

class Server {
 public:
  explicit Server(ServerPolicy policy = {}, const KeyRing* keys = nullptr)
      : policy_(policy), keys_(keys) {}

  // `client` identifies the sender for rate limiting (an address hash or a node id).
  std::optional<Reply> handle(ByteView raw, Time rx, std::uint64_t client,
                              const ServerIdentity& self);
  // Stamps T3 = `tx`, signs when the request was authenticated, and encodes.
  static Bytes finish(Reply reply, Time tx);

  const ServerCounters& counters() const { return counters_; }

 private:
  bool rate_exceeded(std::uint64_t client, Time rx);

  ServerPolicy policy_;
  const KeyRing* keys_;
  std::map<std::uint64_t, Time> last_request_;
  ServerCounters counters_;
};

}  // namespace synod::ntp
