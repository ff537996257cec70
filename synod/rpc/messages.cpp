#include "synod/rpc/messages.hpp"

#include "synod/core/assert.hpp"

namespace synod::rpc {
namespace {

constexpr std::uint32_t kFrameRequestField = 1;    // RpcFrame::request
constexpr std::uint32_t kFrameReplyField = 2;      // RpcFrame::reply
constexpr std::uint32_t kRequestPayloadField = 7;  // RpcRequest::payload
constexpr std::uint32_t kReplyPayloadField = 7;    // RpcReply::payload
constexpr std::uint64_t kLenWireType = 2;

void put_varint(Bytes& out, std::uint64_t v) {
  std::uint8_t buf[wire::kMaxVarintBytes];
  std::uint8_t* end = wire::write_varint(buf, v);
  out.insert(out.end(), &buf[0], end);
}

// Frame field `frame_field` holding `inner` (a message encoded without its payload) and then
// the key and length of payload field `payload_field`.
Bytes frame_head(std::uint32_t frame_field, const Bytes& inner, std::uint32_t payload_field,
                 std::size_t payload_bytes) {
  const std::uint64_t payload_key = (std::uint64_t{payload_field} << 3U) | kLenWireType;
  const std::size_t inner_len = inner.size() + wire::varint_size(payload_key) +
                                wire::varint_size(payload_bytes) + payload_bytes;
  Bytes head;
  head.reserve(inner.size() + 32);
  put_varint(head, (std::uint64_t{frame_field} << 3U) | kLenWireType);
  put_varint(head, inner_len);
  head.insert(head.end(), inner.begin(), inner.end());
  put_varint(head, payload_key);
  put_varint(head, payload_bytes);
  return head;
}

}  // namespace

Bytes encode_request_head(const RpcRequest& request, std::size_t payload_bytes) {
  SYNOD_ASSERT(request.payload.empty());
  return frame_head(kFrameRequestField, wire::encode(request), kRequestPayloadField, payload_bytes);
}

Bytes encode_reply_head(const RpcReply& reply, std::size_t payload_bytes) {
  SYNOD_ASSERT(reply.payload.empty());
  return frame_head(kFrameReplyField, wire::encode(reply), kReplyPayloadField, payload_bytes);
}

}  // namespace synod::rpc
