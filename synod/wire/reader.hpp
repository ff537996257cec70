// Bounds-checked reading of untrusted bytes. The hot path (a one-byte varint, a tag) is inline;
// rare paths and error formatting live in reader.cpp.
//
// Errors are recorded in a small DecodeError and turned into a Status only once, at the top of
// decode(): the fast path never builds a string. As an error unwinds through nested messages each
// level adds its field number, giving messages like
//   "field 2 > field 4: length 300 runs past the end of the input (12 bytes left) at byte 17".
#pragma once

#include <cstddef>
#include <cstdint>

#include "synod/core/shared_bytes.hpp"
#include "synod/core/status.hpp"
#include "synod/wire/field.hpp"
#include "synod/wire/limits.hpp"
#include "synod/wire/varint.hpp"

namespace synod::wire {

enum class DecodeErrorKind : std::uint8_t {
  kNone,
  // Malformed input (DATA_LOSS).
  kTruncatedVarint,
  kVarintTooLong,
  kVarintOverflow,
  kTruncatedFixed,  // a = bits
  kLengthPastEnd,   // a = length, b = bytes left
  kFieldNumberZero,
  kTagTooLarge,         // a = tag
  kInvalidWireType,     // a = wire type
  kWrongWireType,       // a = got, b = expected, c = packed also accepted
  kPackedNotMultiple,   // a = payload bytes, b = element bytes
  kUnexpectedEndGroup,  // a = group number
  kUnterminatedGroup,   // a = group number
  // Limits (RESOURCE_EXHAUSTED).
  kInputTooLarge,    // a = bytes, b = max_bytes
  kDepthExceeded,    // a = max_depth
  kTooManyRepeated,  // a = max_repeated
  kStringTooLong,    // a = length, b = max_string
};

struct DecodeError {
  static constexpr int kMaxPath = 16;
  DecodeErrorKind kind = DecodeErrorKind::kNone;
  std::size_t offset = 0;
  std::uint64_t a = 0;
  std::uint64_t b = 0;
  bool c = false;
  // Field numbers from the innermost outwards.
  std::uint32_t path[kMaxPath] = {};
  int path_len = 0;

  void push_field(std::uint32_t number) {
    if (path_len < kMaxPath) path[path_len] = number;
    ++path_len;
  }
  Status to_status() const;
};

class Reader {
 public:
  Reader(const std::uint8_t* data, std::size_t size, const Limits& limits)
      : p(data), end(data + size), base_(data), limits_(limits) {}
  // Reading `source`'s bytes, which large SharedBytes fields may alias (see take_shared). `source`
  // must outlive the Reader.
  Reader(const SharedBytes& source, const Limits& limits)
      : Reader(source.data(), source.size(), limits) {
    if (source.owner() != nullptr) source_ = &source;
  }

  const Limits& limits() const { return limits_; }
  const DecodeError& error() const { return error_; }
  DecodeError& error() { return error_; }
  std::size_t left() const { return static_cast<std::size_t>(end - p); }

  // Records an error at the current position; always returns false so callers can `return
  // fail(..)`.
  bool fail(DecodeErrorKind kind, std::uint64_t a = 0, std::uint64_t b = 0, bool c = false);

  bool read_varint(std::uint64_t& v) {
    if (p < end && *p < 0x80) [[likely]] {
      v = *p++;
      return true;
    }
    return read_varint_slow(v);
  }

  template <typename U>
  bool read_fixed(U& v) {
    if (left() < sizeof(U)) return fail(DecodeErrorKind::kTruncatedFixed, 8 * sizeof(U));
    v = load_fixed<U>(p);
    p += sizeof(U);
    return true;
  }

  // A length prefix that must fit in what is left of the current (sub)message.
  bool read_length(std::size_t& n) {
    std::uint64_t v = 0;
    if (!read_varint(v)) return false;
    if (v > left()) return fail(DecodeErrorKind::kLengthPastEnd, v, left());
    n = static_cast<std::size_t>(v);
    return true;
  }

  bool read_tag(std::uint32_t& number, WireType& wire_type);

  // Skips the value of an unknown field; `depth` is the depth of the enclosing message.
  bool skip_field(std::uint32_t number, WireType wire_type, int depth);

  // Narrows the readable range to a length-delimited payload; restore with the returned old end.
  const std::uint8_t* enter(std::size_t n) {
    const std::uint8_t* outer = end;
    end = p + n;
    return outer;
  }
  void leave(const std::uint8_t* outer_end) { end = outer_end; }

  // The next n bytes (already bounds-checked) as a SharedBytes: a slice of the source when there
  // is one and n >= min_alias_bytes, else a copy. Only SharedBytes members come here, so messages
  // without them pay nothing for aliasing.
  SharedBytes take_shared(std::size_t n) {
    const std::size_t offset = static_cast<std::size_t>(p - base_);
    p += n;
    if (n == 0) return {};
    if (source_ != nullptr && n >= limits_.min_alias_bytes) return source_->slice(offset, n);
    return copy_shared(ByteView(base_ + offset, n));
  }

  const std::uint8_t* p;
  const std::uint8_t* end;

 private:
  bool read_varint_slow(std::uint64_t& v);
  // Out of line: the allocation is the slow part anyway, and g++ 12 inlining copy_of into callers
  // reports a false -Wfree-nonheap-object.
  static SharedBytes copy_shared(ByteView bytes);
  bool skip_group(std::uint32_t number, int depth);

  const std::uint8_t* base_;
  const SharedBytes* source_ = nullptr;  // set only for an input with an owner to share
  const Limits& limits_;
  DecodeError error_;
};

}  // namespace synod::wire
