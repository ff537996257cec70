// The protobuf-wire codec, derived from C++ types at compile time (no code generator).
//
//   struct Entry {
//     std::uint32_t node = 0;
//     std::int64_t delta = 0;
//     std::string name;
//     static constexpr auto kFields = std::make_tuple(
//         wire::field<1>(&Entry::node), wire::field<3, wire::zigzag>(&Entry::delta),
//         wire::field<4>(&Entry::name));
//   };
//   Bytes b = wire::encode(entry);
//   Result<Entry> e = wire::decode<Entry>(b);
//
// Bytes are what libprotobuf produces for the equivalent proto3 message, and libprotobuf's bytes
// decode here (protobuf_compat_test proves both). See docs/protocols/wire.md for the type mapping.
#pragma once

#include <cstddef>
#include <cstdint>

#include "synod/core/assert.hpp"
#include "synod/core/status.hpp"
#include "synod/core/types.hpp"
#include "synod/wire/decoder.hpp"
#include "synod/wire/encoder.hpp"
#include "synod/wire/field.hpp"
#include "synod/wire/limits.hpp"
#include "synod/wire/reader.hpp"

namespace synod::wire {

// Exact size of encode(msg), in one walk of the message.
template <Message T>
std::size_t encoded_size(const T& msg) {
  return detail::message_size(msg);
}

// Appends msg's encoding to out: one size walk, one resize, one write walk.
template <Message T>
void encode_to(const T& msg, Bytes& out) {
  const std::size_t old = out.size();
  const std::size_t n = detail::message_size(msg);
  out.resize(old + n);
  std::uint8_t* stop = detail::write_message(out.data() + old, msg);
  // Pair check: the writer must produce exactly what the sizer promised (else it overran).
  SYNOD_ASSERT(stop == out.data() + old + n);
}

template <Message T>
Bytes encode(const T& msg) {
  Bytes out;
  encode_to(msg, out);
  return out;
}

// Decodes a whole buffer. Never aborts on any input: malformed bytes are DATA_LOSS, inputs beyond
// `limits` are RESOURCE_EXHAUSTED, each naming the field path and byte offset.
template <Message T>
Result<T> decode(ByteView bytes, const Limits& limits = {}) {
  Reader r(bytes.data(), bytes.size(), limits);
  if (bytes.size() > limits.max_bytes) {
    r.fail(DecodeErrorKind::kInputTooLarge, bytes.size(), limits.max_bytes);
    return r.error().to_status();
  }
  T msg{};
  if (!detail::decode_message(r, msg, 0)) return r.error().to_status();
  return msg;
}

}  // namespace synod::wire
