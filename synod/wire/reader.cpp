#include "synod/wire/reader.hpp"

#include <string>

namespace synod::wire {

namespace {

const char* wire_type_name(std::uint64_t wt) {
  switch (wt) {
    case 0: return "varint";
    case 1: return "i64";
    case 2: return "len";
    case 3: return "start-group";
    case 4: return "end-group";
    case 5: return "i32";
    default: return "invalid";
  }
}

std::string wire_type_desc(std::uint64_t wt) {
  return std::to_string(wt) + " (" + wire_type_name(wt) + ")";
}

}  // namespace

bool Reader::fail(DecodeErrorKind kind, std::uint64_t a, std::uint64_t b, bool c) {
  error_.kind = kind;
  error_.offset = static_cast<std::size_t>(p - base_);
  error_.a = a;
  error_.b = b;
  error_.c = c;
  return false;
}

SharedBytes Reader::copy_shared(ByteView bytes) { return SharedBytes::copy_of(bytes); }

bool Reader::read_varint_slow(std::uint64_t& v) {
  std::uint64_t result = 0;
  const std::uint8_t* q = p;
  for (std::size_t i = 0; i < kMaxVarintBytes; ++i) {
    if (q == end) return fail(DecodeErrorKind::kTruncatedVarint);
    const std::uint8_t byte = *q++;
    // The 10th byte holds only bit 63; anything more does not fit in 64 bits (protobuf-go rejects
    // it too, rather than silently dropping bits).
    if (i == kMaxVarintBytes - 1 && (byte & 0x7F) > 1) {
      if ((byte & 0x80) != 0) return fail(DecodeErrorKind::kVarintTooLong);
      return fail(DecodeErrorKind::kVarintOverflow);
    }
    result |= static_cast<std::uint64_t>(byte & 0x7F) << (7 * i);
    if ((byte & 0x80) == 0) {
      p = q;
      v = result;
      return true;
    }
  }
  return fail(DecodeErrorKind::kVarintTooLong);
}

bool Reader::read_tag(std::uint32_t& number, WireType& wire_type) {
  std::uint64_t tag = 0;
  if (!read_varint(tag)) return false;
  if (tag > 0xFFFFFFFFU) return fail(DecodeErrorKind::kTagTooLarge, tag);
  number = static_cast<std::uint32_t>(tag >> 3);
  const auto wt = static_cast<std::uint8_t>(tag & 7);
  if (number == 0) return fail(DecodeErrorKind::kFieldNumberZero);
  if (wt > 5) {
    error_.push_field(number);
    return fail(DecodeErrorKind::kInvalidWireType, wt);
  }
  wire_type = static_cast<WireType>(wt);
  return true;
}

bool Reader::skip_field(std::uint32_t number, WireType wire_type, int depth) {
  switch (wire_type) {
    case WireType::kVarint: {
      std::uint64_t v = 0;
      return read_varint(v);
    }
    case WireType::kI64: {
      std::uint64_t v = 0;
      return read_fixed(v);
    }
    case WireType::kI32: {
      std::uint32_t v = 0;
      return read_fixed(v);
    }
    case WireType::kLen: {
      std::size_t n = 0;
      if (!read_length(n)) return false;
      p += n;
      return true;
    }
    case WireType::kStartGroup: return skip_group(number, depth);
    case WireType::kEndGroup: return fail(DecodeErrorKind::kUnexpectedEndGroup, number);
  }
  return fail(DecodeErrorKind::kInvalidWireType, static_cast<std::uint64_t>(wire_type));
}

// Groups (proto2's deprecated nested messages) are delimited by matching start/end tags, so
// skipping one means walking its fields; the depth limit bounds the recursion.
bool Reader::skip_group(std::uint32_t number, int depth) {
  if (depth + 1 > limits_.max_depth) {
    return fail(DecodeErrorKind::kDepthExceeded, static_cast<std::uint64_t>(limits_.max_depth));
  }
  while (true) {
    if (p >= end) return fail(DecodeErrorKind::kUnterminatedGroup, number);
    std::uint32_t inner = 0;
    WireType wt = WireType::kVarint;
    if (!read_tag(inner, wt)) return false;
    if (wt == WireType::kEndGroup) {
      if (inner != number) {
        error_.push_field(inner);
        return fail(DecodeErrorKind::kUnexpectedEndGroup, inner);
      }
      return true;
    }
    if (!skip_field(inner, wt, depth + 1)) {
      error_.push_field(inner);
      return false;
    }
  }
}

Status DecodeError::to_status() const {
  std::string what;
  bool limit = false;
  switch (kind) {
    case DecodeErrorKind::kNone: what = "no error"; break;
    case DecodeErrorKind::kTruncatedVarint: what = "truncated varint"; break;
    case DecodeErrorKind::kVarintTooLong: what = "varint longer than 10 bytes"; break;
    case DecodeErrorKind::kVarintOverflow: what = "varint does not fit in 64 bits"; break;
    case DecodeErrorKind::kTruncatedFixed:
      what = "truncated fixed" + std::to_string(a) + " value";
      break;
    case DecodeErrorKind::kLengthPastEnd:
      what = "length " + std::to_string(a) + " runs past the end of the input (" +
             std::to_string(b) + " bytes left)";
      break;
    case DecodeErrorKind::kFieldNumberZero: what = "invalid field number 0"; break;
    case DecodeErrorKind::kTagTooLarge:
      what = "tag " + std::to_string(a) + " does not fit in 32 bits (field number above 2^29-1)";
      break;
    case DecodeErrorKind::kInvalidWireType: what = "invalid wire type " + std::to_string(a); break;
    case DecodeErrorKind::kWrongWireType:
      what = "wrong wire type " + wire_type_desc(a) + ", expected " + wire_type_desc(b) +
             (c ? " or 2 (len, packed)" : "");
      break;
    case DecodeErrorKind::kPackedNotMultiple:
      what = "packed payload of " + std::to_string(a) + " bytes is not a multiple of " +
             std::to_string(b);
      break;
    case DecodeErrorKind::kUnexpectedEndGroup:
      what = "end-group tag for field " + std::to_string(a) + " without a matching start-group";
      break;
    case DecodeErrorKind::kUnterminatedGroup:
      what = "group " + std::to_string(a) + " has no end-group tag";
      break;
    case DecodeErrorKind::kInputTooLarge:
      limit = true;
      what = "input of " + std::to_string(a) + " bytes exceeds max_bytes " + std::to_string(b);
      break;
    case DecodeErrorKind::kDepthExceeded:
      limit = true;
      what = "messages nested deeper than max_depth " + std::to_string(a);
      break;
    case DecodeErrorKind::kTooManyRepeated:
      limit = true;
      what = "more than max_repeated " + std::to_string(a) + " elements";
      break;
    case DecodeErrorKind::kStringTooLong:
      limit = true;
      what = "length " + std::to_string(a) + " exceeds max_string " + std::to_string(b);
      break;
  }
  std::string msg = "wire decode: ";
  for (int i = path_len - 1; i >= 0; --i) {
    if (i >= kMaxPath) {
      if (i == path_len - 1) msg += "... > ";
      continue;
    }
    msg += "field " + std::to_string(path[i]) + (i > 0 ? " > " : ": ");
  }
  msg += what + " at byte " + std::to_string(offset);
  return limit ? resource_exhausted(std::move(msg)) : data_loss(std::move(msg));
}

}  // namespace synod::wire
