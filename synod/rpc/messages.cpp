#include "synod/rpc/messages.hpp"

#include "synod/core/assert.hpp"

namespace synod::rpc {
namespace {

constexpr std::uint32_t kFrameReplyField = 2;    // RpcFrame::reply
constexpr std::uint32_t kReplyPayloadField = 7;  // RpcReply::payload
constexpr std::uint64_t kLenWireType = 2;

void put_varint(Bytes& out, std::uint64_t v) {
  std::uint8_t buf[wire::kMaxVarintBytes];
  std::uint8_t* end = wire::write_varint(buf, v);
  out.insert(out.end(), &buf[0], end);
}

}  // namespace

Bytes encode_reply_head(const RpcReply& reply, std::size_t payload_bytes) {
  SYNOD_ASSERT(reply.payload.empty());
  const Bytes inner = wire::encode(reply);
  const std::uint64_t payload_key = (kReplyPayloadField << 3U) | kLenWireType;
  const std::size_t reply_len = inner.size() + wire::varint_size(payload_key) +
                                wire::varint_size(payload_bytes) + payload_bytes;
  Bytes head;
  head.reserve(inner.size() + 32);
  put_varint(head, (kFrameReplyField << 3U) | kLenWireType);
  put_varint(head, reply_len);
  head.insert(head.end(), inner.begin(), inner.end());
  put_varint(head, payload_key);
  put_varint(head, payload_bytes);
  return head;
}

}  // namespace synod::rpc
