#include "synod/ntp/server.hpp"

#include <algorithm>

namespace synod::ntp {

ServerIdentity ServerIdentity::local_reference(std::uint8_t stratum, Time now) {
  ServerIdentity s;
  s.stratum = stratum;
  s.leap = Leap::kNone;
  // chrony's refid for "local" is 127.127.1.1; "LOCL" is the stratum-1 spelling.
  s.reference_id = stratum <= 1 ? refid_from_ascii("LOCL") : 0x7F7F0101U;
  s.reference_time = now;
  return s;
}

Packet broadcast_packet(const ServerIdentity& self, std::int8_t poll) {
  Packet p;
  p.mode = Mode::kBroadcast;
  p.leap = self.leap;
  p.stratum = self.stratum;
  p.poll = poll;
  p.precision = self.precision;
  p.reference_id = self.reference_id;
  p.reference = self.reference_time.ns == 0 ? 0 : to_timestamp(self.reference_time);
  p.root_delay = to_short(self.root_delay);
  p.root_dispersion = to_short(self.root_dispersion);
  return p;
}

bool Server::rate_exceeded(std::uint64_t client, Time rx) {
  if (policy_.min_interval.count() <= 0) return false;
  auto it = last_request_.find(client);
  if (it == last_request_.end()) {
    if (last_request_.size() >= kMaxRateClients) {
      auto oldest =
          std::min_element(last_request_.begin(), last_request_.end(),
                           [](const auto& a, const auto& b) { return a.second < b.second; });
      last_request_.erase(oldest);
    }
    last_request_.emplace(client, rx);
    return false;
  }
  const bool exceeded = rx - it->second < policy_.min_interval;
  it->second = rx;
  return exceeded;
}

std::optional<Reply> Server::handle(ByteView raw, Time rx, std::uint64_t client,
                                    const ServerIdentity& self) {
  auto decoded = decode(raw);
  if (!decoded.is_ok()) {
    ++counters_.malformed;
    return std::nullopt;
  }
  const Packet& req = *decoded;
  Mode answer{};
  if (req.mode == Mode::kClient) {
    answer = Mode::kServer;
  } else if (req.mode == Mode::kSymmetricActive) {
    answer = Mode::kSymmetricPassive;
  } else {
    ++counters_.ignored;
    return std::nullopt;
  }
  ++counters_.requests;

  Reply r;
  Packet& p = r.packet;
  p.version = req.version;
  p.mode = answer;
  p.poll = req.poll;
  p.precision = self.precision;
  p.origin = req.transmit;
  p.receive = to_timestamp(rx);

  const AuthResult auth = keys_ != nullptr ? verify(req, raw, *keys_) : AuthResult::kNone;
  auto kiss = [&](std::string_view code) {
    p.leap = Leap::kUnsynchronized;
    p.stratum = 0;
    p.reference_id = refid_from_ascii(code);
  };
  if (auth == AuthResult::kUnknownKey || auth == AuthResult::kBadMac ||
      (req.mac && keys_ == nullptr)) {
    // A crypto-NAK: the header of a normal reply, a zero key id and no digest.
    ++counters_.crypto_nak;
    p.leap = self.leap;
    p.stratum = self.stratum;
    p.mac = Mac{};
    return r;
  }
  if (auth == AuthResult::kOk) {
    ++counters_.authenticated;
    r.key = keys_->find(req.mac->key_id);
  }
  if (policy_.require_auth && auth != AuthResult::kOk) {
    ++counters_.kiss_deny;
    kiss(kKissCodeDeny);
    return r;
  }
  if (rate_exceeded(client, rx)) {
    ++counters_.kiss_rate;
    kiss(kKissCodeRate);
    return r;
  }
  p.leap = self.leap;
  p.stratum = self.stratum;
  p.reference_id = self.reference_id;
  p.reference = self.reference_time.ns == 0 ? 0 : to_timestamp(self.reference_time);
  p.root_delay = to_short(self.root_delay);
  p.root_dispersion = to_short(self.root_dispersion);
  ++counters_.replies;
  return r;
}

Bytes Server::finish(Reply reply, Time tx) {
  reply.packet.transmit = to_timestamp(tx);
  if (reply.key != nullptr) sign(reply.packet, *reply.key);
  return encode(reply.packet);
}

}  // namespace synod::ntp
