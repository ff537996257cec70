// libFuzzer target for the wire codec: decoding arbitrary bytes must never crash, hang or trip a
// sanitizer, and whatever decodes must survive encode -> decode unchanged. Decoding from a
// SharedBytes (large fields alias the input) must agree with decoding from a ByteView, and
// encode_chain must flatten to encode for any splice size.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <type_traits>

#include "synod/wire/codec.hpp"
#include "synod/wire/test_messages.hpp"

namespace {

using synod::Bytes;
using synod::ByteView;
using synod::SharedBytes;
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

// Every SharedBytes in m: at least min_alias bytes must alias `input` (inside it, same owner),
// shorter ones must be copies that do not keep it alive.
void check_aliasing(const wire::testing::SharedPayload& m, const SharedBytes& input,
                    std::size_t min_alias) {
  auto check = [&](const SharedBytes& v) {
    const bool shares = v.owner() != nullptr && v.owner() == input.owner();
    if (v.size() < min_alias || v.empty()) {
      if (shares) fail("a small SharedBytes field pins the input");
      return;
    }
    const auto at = reinterpret_cast<std::uintptr_t>(v.data());
    const auto base = reinterpret_cast<std::uintptr_t>(input.data());
    if (!shares || at < base || at + v.size() > base + input.size()) {
      fail("a large SharedBytes field does not alias the input");
    }
  };
  check(m.byt);
  check(m.inner.label);
  for (const auto& v : m.r_byt) check(v);
  for (const auto& v : m.r_inner) check(v.label);
  if (m.o_str) check(*m.o_str);
  if (m.o_inner) check(m.o_inner->label);
  for (const auto& kv : m.m_s64) check(kv.second);
}

// The same input through both decode overloads: the same error, or values that encode the same.
template <typename T>
void fuzz_shared(ByteView input, const wire::Limits& limits) {
  const SharedBytes shared = SharedBytes::copy_of(input);
  auto from_view = wire::decode<T>(input, limits);
  auto from_shared = wire::decode<T>(shared, limits);
  if (from_view.is_ok() != from_shared.is_ok()) fail("decode overloads disagree on success");
  if (!from_view.is_ok()) {
    if (from_view.status().to_string() != from_shared.status().to_string()) {
      fail("decode overloads report different errors");
    }
    return;
  }
  const Bytes encoded = wire::encode(*from_shared);
  if (wire::encode(*from_view) != encoded) fail("decode overloads produce different values");
  for (std::size_t min_splice :
       {std::size_t{0}, std::size_t{1}, std::size_t{16}, wire::kMinSpliceBytes}) {
    const synod::ByteChain chain = wire::encode_chain(*from_shared, min_splice);
    if (chain.size() != encoded.size() || chain.flatten() != encoded) {
      fail("encode_chain(x).flatten() != encode(x)");
    }
  }
  if constexpr (std::is_same_v<T, wire::testing::SharedPayload>) {
    if (!(*from_view == *from_shared)) fail("SharedPayload: overloads decode different values");
    check_aliasing(*from_shared, shared, limits.min_alias_bytes);
  }
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
  tight.min_alias_bytes = 8;  // short inputs reach both sides of the alias threshold
  fuzz_one<wire::testing::AllTypes>(input, tight);
  fuzz_one<wire::testing::Gossip>(input, tight);
  fuzz_one<wire::testing::SharedPayload>(input, tight);
  fuzz_shared<wire::testing::SharedPayload>(input, tight);
  fuzz_shared<wire::testing::AllTypes>(input, tight);

  // The recursive Tree has no floats, so its round trip is checked with == as well.
  auto tree = wire::decode<wire::testing::Tree>(input, tight);
  if (tree.is_ok()) {
    check_round_trip(*tree);
    auto back = wire::decode<wire::testing::Tree>(wire::encode(*tree));
    if (!back.is_ok() || !(*back == *tree)) fail("Tree: decode(encode(x)) != x");
  }
  return 0;
}
