#include "synod/runtime/record.hpp"

#include <xxhash.h>

#include <cstring>
#include <string>

#include "synod/core/assert.hpp"
#include "synod/core/hash.hpp"

namespace synod::runtime {
namespace {

constexpr std::uint8_t kMagic[4] = {'S', 'Y', 'N', 'R'};

template <typename T>
std::uint8_t* put_le(std::uint8_t* out, T v) {
  for (std::size_t i = 0; i < sizeof(T); ++i) *out++ = static_cast<std::uint8_t>(v >> (8 * i));
  return out;
}

template <typename T>
T get_le(const std::uint8_t* p) {
  T v = 0;
  for (std::size_t i = 0; i < sizeof(T); ++i) v |= static_cast<T>(T{p[i]} << (8 * i));
  return v;
}

// Covers the key too, so a record renamed onto another key fails its check. The key's checksum
// seeds the value's: no joined copy of the (possibly large) value.
std::uint32_t record_checksum(std::string_view key, ByteView value) {
  const std::uint32_t key_sum = checksum32(as_bytes(std::string(key)));
  return XXH32(value.data(), value.size(), key_sum);
}

}  // namespace

Bytes encode_record(std::string_view key, ByteView value) {
  // Sized once and written in place (GCC 12 misreports insert-after-reserve as an overflow).
  Bytes out(kRecordHeaderBytes + value.size());
  std::uint8_t* p = out.data();
  std::memcpy(p, kMagic, sizeof kMagic);
  p = put_le<std::uint32_t>(p + sizeof kMagic, kRecordVersion);
  p = put_le<std::uint64_t>(p, value.size());
  p = put_le<std::uint32_t>(p, record_checksum(key, value));
  SYNOD_ASSERT(p == out.data() + kRecordHeaderBytes);
  if (!value.empty()) std::memcpy(p, value.data(), value.size());
  return out;
}

Result<Bytes> decode_record(std::string_view key, ByteView file) {
  if (file.size() < kRecordHeaderBytes) {
    return data_loss("truncated header (" + std::to_string(file.size()) + " of " +
                     std::to_string(kRecordHeaderBytes) + " bytes)");
  }
  if (std::memcmp(file.data(), kMagic, sizeof kMagic) != 0) return data_loss("bad magic");
  const auto version = get_le<std::uint32_t>(file.data() + 4);
  if (version != kRecordVersion) {
    return data_loss("unsupported record version " + std::to_string(version));
  }
  const auto length = get_le<std::uint64_t>(file.data() + 8);
  const std::size_t have = file.size() - kRecordHeaderBytes;
  if (length != have) {
    return data_loss("length " + std::to_string(length) + " but " + std::to_string(have) +
                     " value bytes present (" + (length > have ? "truncated" : "trailing garbage") +
                     ")");
  }
  const ByteView value = file.subspan(kRecordHeaderBytes);
  if (get_le<std::uint32_t>(file.data() + 16) != record_checksum(key, value)) {
    return data_loss("checksum mismatch");
  }
  return Bytes(value.begin(), value.end());
}

}  // namespace synod::runtime
