// Base-128 varints, zigzag and little-endian fixed-width integers: the primitive encodings of the
// protobuf wire format (https://protobuf.dev/programming-guides/encoding/).
//
// Writers take a raw pointer into a buffer the caller has already sized (the codec sizes the whole
// message first), so the hot path has no capacity checks. Readers live in reader.hpp because they
// must bounds-check untrusted input.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>

namespace synod::wire {

// A varint carries 7 bits per byte, so a 64-bit value takes at most 10 bytes.
inline constexpr std::size_t kMaxVarintBytes = 10;

// Bytes needed for `v` as a varint: 1 + floor(log2(v) / 7), computed without a loop.
constexpr std::size_t varint_size(std::uint64_t v) {
  // (bit_width * 9 + 64) / 64 maps bit widths 0..7 to 1, 8..14 to 2, ... 64 to 10.
  return static_cast<std::size_t>((std::bit_width(v | 1U) * 9 + 64) / 64);
}

inline std::uint8_t* write_varint(std::uint8_t* p, std::uint64_t v) {
  while (v >= 0x80) {
    *p++ = static_cast<std::uint8_t>(v | 0x80);
    v >>= 7;
  }
  *p++ = static_cast<std::uint8_t>(v);
  return p;
}

// Zigzag maps small negative numbers to small unsigned ones (0,-1,1,-2 -> 0,1,2,3) so that sint32 /
// sint64 fields stay short; plain int32/int64 negatives always cost 10 bytes.
constexpr std::uint64_t zigzag_encode64(std::int64_t v) {
  return (static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63);
}
constexpr std::int64_t zigzag_decode64(std::uint64_t v) {
  return static_cast<std::int64_t>((v >> 1) ^ (~(v & 1) + 1));
}
// sint32 zigzags in 32 bits, as protobuf does; the result is then zero-extended into the varint.
constexpr std::uint32_t zigzag_encode32(std::int32_t v) {
  return (static_cast<std::uint32_t>(v) << 1) ^ static_cast<std::uint32_t>(v >> 31);
}
constexpr std::int32_t zigzag_decode32(std::uint32_t v) {
  return static_cast<std::int32_t>((v >> 1) ^ (~(v & 1) + 1));
}

// Fixed-width values are little-endian on the wire whatever the host order is. The shift loops
// compile to a single load/store on little-endian machines.
template <typename U>
inline std::uint8_t* write_fixed(std::uint8_t* p, U v) {
  static_assert(std::is_unsigned_v<U> && (sizeof(U) == 4 || sizeof(U) == 8));
  for (std::size_t i = 0; i < sizeof(U); ++i) p[i] = static_cast<std::uint8_t>(v >> (8 * i));
  return p + sizeof(U);
}

template <typename U>
inline U load_fixed(const std::uint8_t* p) {
  static_assert(std::is_unsigned_v<U> && (sizeof(U) == 4 || sizeof(U) == 8));
  U v = 0;
  for (std::size_t i = 0; i < sizeof(U); ++i) v |= static_cast<U>(p[i]) << (8 * i);
  return v;
}

}  // namespace synod::wire
