// libFuzzer target for the wire codec: decoding arbitrary bytes must never crash, hang or trip a
// sanitizer, and whatever decodes must survive encode -> decode unchanged.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "synod/wire/codec.hpp"
#include "synod/wire/test_messages.hpp"

namespace {

using synod::Bytes;
using synod::ByteView;
namespace wire = synod::wire;

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "wire_decode_fuzz: %s\n", what);
  std::abort();
}

// Round trip for a decoded value. Encodings are compared because AllTypes may hold NaNs, for which
// == is false; the encoding is a function of the exact bits, so equal bytes mean equal values.
template <typename T>
void check_round_trip(const T& x) {
  const Bytes once = wire::encode(x);
  if (once.size() != wire::encoded_size(x)) fail("encoded_size differs from encode().size()");
  auto again = wire::decode<T>(once);  // default limits are looser than the fuzzing ones
  if (!again.is_ok()) fail(("re-decode failed: " + again.status().to_string()).c_str());
  if (wire::encode(*again) != once) fail("decode(encode(x)) != x");
}

template <typename T>
void fuzz_one(ByteView input, const wire::Limits& limits) {
  auto decoded = wire::decode<T>(input, limits);
  if (!decoded.is_ok()) {
    if (decoded.status().message().empty()) fail("error without a message");
    return;
  }
  check_round_trip(*decoded);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const ByteView input(data, size);
  // Tight limits so the fuzzer reaches every limit's edge with short inputs.
  wire::Limits tight;
  tight.max_bytes = 1U << 16U;
  tight.max_depth = 6;
  tight.max_repeated = 64;
  tight.max_string = 256;
  fuzz_one<wire::testing::AllTypes>(input, tight);
  fuzz_one<wire::testing::Gossip>(input, tight);

  // The recursive Tree has no floats, so its round trip is checked with == as well.
  auto tree = wire::decode<wire::testing::Tree>(input, tight);
  if (tree.is_ok()) {
    check_round_trip(*tree);
    auto back = wire::decode<wire::testing::Tree>(wire::encode(*tree));
    if (!back.is_ok() || !(*back == *tree)) fail("Tree: decode(encode(x)) != x");
  }
  return 0;
}
