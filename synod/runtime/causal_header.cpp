#include "synod/runtime/causal_header.hpp"

#include "synod/wire/varint.hpp"

namespace synod::runtime {

Bytes causal_header(std::uint64_t msg_id, std::uint64_t lamport,
                    const causal::VectorClock& vclock) {
  const CausalHeader h{msg_id, lamport, vclock.encode()};
  const std::size_t hn = wire::encoded_size(h);
  Bytes out(wire::varint_size(hn));
  wire::write_varint(out.data(), hn);
  wire::encode_to(h, out);
  return out;
}

Bytes add_causal_header(std::uint64_t msg_id, std::uint64_t lamport,
                        const causal::VectorClock& vclock, ByteView payload) {
  Bytes out = causal_header(msg_id, lamport, vclock);
  out.insert(out.end(), payload.begin(), payload.end());
  return out;
}

Result<Stamped> strip_causal_header(ByteView message) {
  std::uint64_t hn = 0;
  std::size_t used = 0;
  for (int shift = 0;; shift += 7) {
    if (used >= message.size() || shift > 63) return invalid_argument("causal header: bad length");
    const std::uint8_t b = message[used++];
    hn |= static_cast<std::uint64_t>(b & 0x7FU) << shift;
    if ((b & 0x80U) == 0) break;
  }
  if (hn > kMaxCausalHeaderBytes || hn > message.size() - used) {
    return invalid_argument("causal header: length " + std::to_string(hn) + " out of bounds");
  }
  auto h = wire::decode<CausalHeader>(message.subspan(used, hn));
  if (!h) return invalid_argument("causal header: " + h.status().message());
  auto vc = causal::VectorClock::decode(h->vclock);
  if (!vc) return invalid_argument("causal header: vector clock: " + vc.status().message());
  return Stamped{h->msg_id, h->lamport, std::move(*vc), message.subspan(used + hn)};
}

}  // namespace synod::runtime
