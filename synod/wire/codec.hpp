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
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "synod/core/assert.hpp"
#include "synod/core/shared_bytes.hpp"
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

// Top-level SharedBytes fields at least this long are spliced by encode_chain rather than
// copied. Below it a copy costs less than a separate piece (a scatter-gather entry, a reference).
inline constexpr std::size_t kMinSpliceBytes = 16 * 1024;

// msg's encoding as pieces: each top-level SharedBytes value (plain, std::optional, or an element
// of a std::vector) of at least min_splice bytes is its own piece, the very same bytes and owner,
// not a copy; everything around it (tags, length prefixes, other fields, nested messages) is
// written into one owned buffer, sliced into the pieces between. flatten() equals encode(msg).
template <Message T>
ByteChain encode_chain(const T& msg, std::size_t min_splice = kMinSpliceBytes) {
  std::size_t spliced = 0;
  std::apply(
      [&](const auto&... f) {
        ((spliced += detail::spliced_size(msg.*(f.member), min_splice)), ...);
      },
      T::kFields);
  Bytes owned(detail::message_size(msg) - spliced);
  std::vector<detail::Splice> splices;
  std::uint8_t* p = owned.data();
  std::apply(
      [&](const auto&... f) {
        ((p = detail::write_field_chain<std::remove_cvref_t<decltype(f)>>(
              p, msg.*(f.member), min_splice, owned.data(), splices)),
         ...);
      },
      T::kFields);
  SYNOD_ASSERT(p == owned.data() + owned.size());  // pair check, as in encode_to

  const SharedBytes all(std::move(owned));
  ByteChain chain;
  std::size_t done = 0;
  for (const auto& s : splices) {
    chain.append(all.slice(done, s.at - done));
    chain.append(*s.value);
    done = s.at;
  }
  chain.append(all.slice(done, all.size() - done));
  return chain;
}

namespace detail {
template <Message T>
Result<T> decode_from(Reader& r, std::size_t size, const Limits& limits) {
  if (size > limits.max_bytes) {
    r.fail(DecodeErrorKind::kInputTooLarge, size, limits.max_bytes);
    return r.error().to_status();
  }
  T msg{};
  if (!decode_message(r, msg, 0)) return r.error().to_status();
  return msg;
}
}  // namespace detail

// Decodes a whole buffer. Never aborts on any input: malformed bytes are DATA_LOSS, inputs beyond
// `limits` are RESOURCE_EXHAUSTED, each naming the field path and byte offset. SharedBytes fields
// get copies: `bytes` may be a temporary buffer.
template <Message T>
Result<T> decode(ByteView bytes, const Limits& limits = {}) {
  Reader r(bytes.data(), bytes.size(), limits);
  return detail::decode_from<T>(r, bytes.size(), limits);
}

// As above, but SharedBytes fields (at any depth, repeated and map values too) of at least
// limits.min_alias_bytes alias `input`: slices sharing its owner, valid after the caller drops
// `input`. Shorter ones are copied so that a small field never pins a large receive buffer. Other
// field types decode exactly as from a ByteView, and so do errors.
template <Message T>
Result<T> decode(const SharedBytes& input, const Limits& limits = {}) {
  Reader r(input, limits);
  return detail::decode_from<T>(r, input.size(), limits);
}

}  // namespace synod::wire
