// Wire messages of the RPC endpoint (protobuf wire format via synod/wire). Every datagram the
// endpoint sends is one RpcFrame holding exactly one of request, reply or cancel.
//
// A request id is (session, seq): `session` is a random nonce a client draws from its rng at every
// start, so ids never repeat across a client's lives; `seq` counts calls within the life.
// `server_epoch` is the server life the client addressed (0 = unknown); a server executes only
// requests tagged with its own epoch, which makes at-most-once hold across server crashes (a
// request tagged for an earlier life is refused, never re-executed). See docs/protocols/rpc.md.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <tuple>

#include "synod/core/shared_bytes.hpp"
#include "synod/core/types.hpp"
#include "synod/rpc/object_id.hpp"
#include "synod/wire/codec.hpp"

namespace synod::rpc {

// Free-form call metadata for interceptors (auth tokens, trace ids): small, bounded by RpcLimits.
using Metadata = std::map<std::string, std::string>;

// Request flags (bit set).
inline constexpr std::uint32_t kFlagIdempotent = 1U << 0U;

// Payloads are SharedBytes: decoded from a received buffer they alias it (no copy), and a
// sender writes them after the head as their own pieces (encode_request_head, Context::send_chain).
struct RpcRequest {
  std::uint64_t session = 0;
  std::uint64_t seq = 0;
  std::uint64_t server_epoch = 0;
  ObjectId object;
  std::uint32_t method = 0;
  std::int64_t deadline_ns = 0;  // remaining budget when sent; the server adds it to its clock
  SharedBytes payload;
  std::uint32_t flags = 0;
  std::uint32_t attempt = 0;  // 0 for the first transmission (diagnostics only)
  Metadata metadata;

  static constexpr auto kFields = std::make_tuple(
      wire::field<1, wire::fixed>(&RpcRequest::session), wire::field<2>(&RpcRequest::seq),
      wire::field<3>(&RpcRequest::server_epoch), wire::field<4>(&RpcRequest::object),
      wire::field<5>(&RpcRequest::method), wire::field<6>(&RpcRequest::deadline_ns),
      wire::field<7>(&RpcRequest::payload), wire::field<8>(&RpcRequest::flags),
      wire::field<9>(&RpcRequest::attempt), wire::field<10>(&RpcRequest::metadata));
};

struct RpcReply {
  std::uint64_t session = 0;
  std::uint64_t seq = 0;
  std::uint64_t server_epoch = 0;
  std::int32_t code = 0;  // synod::Code
  std::string message;
  std::string exception;     // remote exception type name, empty for plain status errors
  SharedBytes payload;       // the encoded response when code == OK
  bool wrong_epoch = false;  // refused unexecuted: the request named another server life

  static constexpr auto kFields = std::make_tuple(
      wire::field<1, wire::fixed>(&RpcReply::session), wire::field<2>(&RpcReply::seq),
      wire::field<3>(&RpcReply::server_epoch), wire::field<4>(&RpcReply::code),
      wire::field<5>(&RpcReply::message), wire::field<6>(&RpcReply::exception),
      wire::field<7>(&RpcReply::payload), wire::field<8>(&RpcReply::wrong_epoch));
};

struct RpcCancel {
  std::uint64_t session = 0;
  std::uint64_t seq = 0;

  static constexpr auto kFields = std::make_tuple(wire::field<1, wire::fixed>(&RpcCancel::session),
                                                  wire::field<2>(&RpcCancel::seq));
};

struct RpcFrame {
  std::optional<RpcRequest> request;
  std::optional<RpcReply> reply;
  std::optional<RpcCancel> cancel;

  static constexpr auto kFields =
      std::make_tuple(wire::field<1>(&RpcFrame::request), wire::field<2>(&RpcFrame::reply),
                      wire::field<3>(&RpcFrame::cancel));
};

// The head of an RpcFrame holding `request` / `reply` (whose payload field must be empty): the
// frame's bytes up to and including the tag and length of a payload of `payload_bytes`. Head +
// payload decodes as the frame with that payload, because protobuf fields may come in any order.
// Lets a sender put the payload's own pieces after the head without copying them.
Bytes encode_request_head(const RpcRequest& request, std::size_t payload_bytes);
Bytes encode_reply_head(const RpcReply& reply, std::size_t payload_bytes);

// Durable record of the server's life counter (storage key "epoch").
struct RpcDurable {
  std::uint64_t epoch = 0;
  static constexpr auto kFields = std::make_tuple(wire::field<1>(&RpcDurable::epoch));
};

}  // namespace synod::rpc
