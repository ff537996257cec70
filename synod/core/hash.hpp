// Incremental 64-bit hash (XXH3) used for trace hashes and checksums.
#pragma once

#include <cstdint>
#include <string_view>

#include <xxhash.h>
#if defined(__x86_64__)
// libxxhash's runtime dispatch: XXH3 with the widest vector unit the CPU has (AVX2/AVX-512),
// same values as the SSE2 default, twice as fast on large inputs (frame checksums of 1 MiB RPC
// payloads: 25 instead of 56 us per MiB on the CI VM).
#include <xxh_x86dispatch.h>
#endif

#include "synod/core/shared_bytes.hpp"
#include "synod/core/types.hpp"

namespace synod {

class Hasher {
 public:
  Hasher() : state_(XXH3_createState()) { XXH3_64bits_reset(state_); }
  ~Hasher() { XXH3_freeState(state_); }
  Hasher(const Hasher&) = delete;
  Hasher& operator=(const Hasher&) = delete;

  void reset() { XXH3_64bits_reset(state_); }
  void add(const void* data, std::size_t n) { XXH3_64bits_update(state_, data, n); }
  void add_u64(std::uint64_t v) { add(&v, sizeof v); }
  void add(ByteView b) { add(b.data(), b.size()); }
  void add(std::string_view s) { add(s.data(), s.size()); }
  void add(const ByteChain& c) {
    for (const SharedBytes& piece : c.pieces()) add(piece.view());
  }
  std::uint64_t digest() const { return XXH3_64bits_digest(state_); }

 private:
  XXH3_state_t* state_;
};

inline std::uint64_t hash64(ByteView b) { return XXH3_64bits(b.data(), b.size()); }
// The same value as hash64(message.flatten()), without joining the pieces.
inline std::uint64_t hash64(const ByteChain& message) {
  if (message.pieces().size() == 1) return hash64(message.pieces().front().view());
  Hasher h;
  h.add(message);
  return h.digest();
}
inline std::uint32_t checksum32(ByteView b) { return XXH32(b.data(), b.size(), 0x53594E44); }

}  // namespace synod
