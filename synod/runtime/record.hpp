// The on-disk format of one durable storage record (one file per key):
//   4 bytes  magic "SYNR"
//   u32      format version (1)
//   u64      value length in bytes
//   u32      checksum32(key bytes followed by value bytes)
//   value
// Integers are little-endian. The checksum covers the key so that a record copied or renamed to
// another key is rejected, and the length is checked against the file size so that a truncated
// (torn) file is told apart from a corrupted one in the error message.
#pragma once

#include <cstdint>
#include <string_view>

#include "synod/core/status.hpp"
#include "synod/core/types.hpp"

namespace synod::runtime {

inline constexpr std::uint32_t kRecordVersion = 1;
inline constexpr std::size_t kRecordHeaderBytes = 20;

Bytes encode_record(std::string_view key, ByteView value);
// DATA_LOSS with the reason (bad magic, unsupported version, truncated, checksum mismatch).
Result<Bytes> decode_record(std::string_view key, ByteView file);

}  // namespace synod::runtime
