// SharedBytes in the wire codec: large fields decoded from a SharedBytes alias it (no copy) and
// large top-level fields are spliced into encode_chain's pieces (no copy), while small ones are
// copied both ways. Aliasing is proven by pointers and owners, not inferred from values.
#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "synod/core/rng.hpp"
#include "synod/wire/codec.hpp"
#include "synod/wire/test_messages.hpp"

namespace synod::wire {
namespace {

using testing::Gossip;
using testing::SharedInner;
using testing::SharedPayload;

// n bytes of a pattern that differs per `seed`, so a misplaced slice shows up as a wrong value.
SharedBytes filled(std::size_t n, std::uint8_t seed) {
  Bytes b(n);
  for (std::size_t i = 0; i < n; ++i) b[i] = static_cast<std::uint8_t>(seed + i * 7);
  return SharedBytes(std::move(b));
}

// Whether `field`'s bytes lie inside `input`'s (std::less: pointers into different objects).
bool inside(const SharedBytes& field, const SharedBytes& input) {
  const std::less<const std::uint8_t*> lt;
  return !field.empty() && !lt(field.data(), input.data()) &&
         !lt(input.data() + input.size(), field.data() + field.size());
}

// A field aliases the input when it points into it and shares (not merely has) the input's owner.
void expect_aliases(const SharedBytes& field, const SharedBytes& input) {
  EXPECT_TRUE(inside(field, input));
  EXPECT_EQ(field.owner(), input.owner());
}
void expect_copied(const SharedBytes& field, const SharedBytes& input) {
  EXPECT_FALSE(inside(field, input));
  EXPECT_NE(field.owner(), input.owner());
}

constexpr std::size_t kBig = 4096;  // above the default min_alias_bytes (1024)
constexpr std::size_t kSmall = 10;

// Every SharedBytes position, each with a large and (where there is room) a small value.
SharedPayload every_position() {
  SharedPayload m;
  m.u32 = 7;
  m.byt = filled(kBig, 1);
  m.inner = {1, filled(kBig, 2)};
  m.r_byt = {filled(kSmall, 3), filled(kBig, 4), SharedBytes{}};
  m.r_inner = {{2, filled(kSmall, 5)}, {3, filled(kBig, 6)}};
  m.o_str = filled(kBig, 7);
  m.o_inner = SharedInner{4, filled(kSmall, 8)};
  m.m_s64 = {{-1, filled(kBig, 9)}, {5, filled(kSmall, 10)}};
  m.big = 9;
  return m;
}

SharedBytes encoded(const SharedPayload& m) { return SharedBytes(encode(m)); }

TEST(SharedBytesCodec, RoundTripsThroughBothOverloads) {
  for (const SharedPayload& m : {SharedPayload{}, every_position()}) {
    const SharedBytes in = encoded(m);
    EXPECT_EQ(in.size(), encoded_size(m));
    auto from_view = decode<SharedPayload>(in.view());
    ASSERT_TRUE(from_view.is_ok()) << from_view.status().to_string();
    EXPECT_EQ(*from_view, m);
    auto from_shared = decode<SharedPayload>(in);
    ASSERT_TRUE(from_shared.is_ok()) << from_shared.status().to_string();
    EXPECT_EQ(*from_shared, m);
  }
}

// Gossip with a SharedBytes blob.
struct SharedGossip {
  std::vector<testing::Entry> entries;
  std::optional<std::uint64_t> round;
  SharedBytes blob;
  static constexpr auto kFields =
      std::make_tuple(field<1>(&SharedGossip::entries), field<2>(&SharedGossip::round),
                      field<3>(&SharedGossip::blob));
};

TEST(SharedBytesCodec, SameBytesAsBytesFields) {
  // proto3 `bytes`: SharedBytes writes exactly what Bytes writes (protobuf_compat_test checks the
  // bytes against libprotobuf too).
  Gossip g;
  g.round = 3;
  g.blob = filled(300, 1).to_bytes();
  EXPECT_EQ(encode(SharedGossip{{}, 3, filled(300, 1)}), encode(g));
}

TEST(SharedBytesCodec, LargeFieldsAliasTheInputAtEveryDepth) {
  const SharedPayload m = every_position();
  const SharedBytes in = encoded(m);
  auto r = decode<SharedPayload>(in);
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  expect_aliases(r->byt, in);
  expect_aliases(r->inner.label, in);
  expect_aliases(r->r_byt[1], in);
  expect_aliases(r->r_inner[1].label, in);
  expect_aliases(*r->o_str, in);
  expect_aliases(r->m_s64.at(-1), in);
  // Small ones are copies: they must not keep the (large) input alive.
  expect_copied(r->r_byt[0], in);
  expect_copied(r->r_inner[0].label, in);
  expect_copied(r->o_inner->label, in);
  expect_copied(r->m_s64.at(5), in);
  EXPECT_EQ(r->r_byt[2].owner(), nullptr);  // an empty value owns nothing
}

TEST(SharedBytesCodec, DecodingFromAViewNeverAliases) {
  const SharedBytes in = encoded(every_position());
  auto r = decode<SharedPayload>(in.view());
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  for (const SharedBytes* f : {&r->byt, &r->inner.label, &r->r_byt[1], &*r->o_str}) {
    expect_copied(*f, in);
  }
}

TEST(SharedBytesCodec, MinAliasBytesIsInclusive) {
  for (std::size_t min : {std::size_t{1}, std::size_t{100}, std::size_t{1024}}) {
    SCOPED_TRACE(min);
    Limits limits;
    limits.min_alias_bytes = min;
    SharedPayload m;
    m.byt = filled(min, 1);
    if (min > 1) m.o_str = filled(min - 1, 2);
    const SharedBytes in = encoded(m);
    auto r = decode<SharedPayload>(in, limits);
    ASSERT_TRUE(r.is_ok()) << r.status().to_string();
    EXPECT_EQ(*r, m);
    expect_aliases(r->byt, in);
    if (min > 1) expect_copied(*r->o_str, in);
  }
}

TEST(SharedBytesCodec, DecodedValueOutlivesTheCallersInput) {
  const SharedPayload m = every_position();
  std::weak_ptr<const void> buffer;
  std::optional<SharedPayload> decoded;
  {
    const SharedBytes in = encoded(m);
    buffer = in.owner();
    auto r = decode<SharedPayload>(in);
    ASSERT_TRUE(r.is_ok()) << r.status().to_string();
    decoded = std::move(*r);
  }  // the caller's input and the Result are gone; the aliased fields hold the buffer
  EXPECT_FALSE(buffer.expired());
  EXPECT_EQ(*decoded, m);  // reads every aliased byte (ASan build: no use after free)
  decoded.reset();
  EXPECT_TRUE(buffer.expired());  // and the last alias frees it
}

TEST(SharedBytesCodec, InputWithoutOwnerDecodesLikeAView) {
  auto r = decode<SharedPayload>(SharedBytes{});
  ASSERT_TRUE(r.is_ok());
  EXPECT_EQ(*r, SharedPayload{});
}

// Malformed and over-limit inputs aimed at SharedBytes fields: the SharedBytes overload must fail
// exactly as the ByteView one does (same code, text, field path and offset).
TEST(SharedBytesCodec, BadInputFailsAlikeThroughBothOverloads) {
  const Bytes good = encode(every_position());
  Limits tight;
  tight.max_string = kBig - 1;
  Limits few;
  few.max_repeated = 2;
  Limits small_input;
  small_input.max_bytes = good.size() - 1;
  Limits shallow;
  shallow.max_depth = 0;
  struct Case {
    const char* name;
    Bytes input;
    Limits limits;
  };
  const std::vector<Case> cases = {
      {"byt length past end", {0x7A, 0x05, 1, 2}, {}},
      {"byt wrong wire type", {0x78, 0x01}, {}},
      {"nested label past end", {0x8A, 0x01, 0x03, 0x12, 0x09, 0x00}, {}},
      {"map value past end", {0x82, 0x02, 0x04, 0x08, 0x01, 0x12, 0x07}, {}},
      {"truncated tag", {0x80}, {}},
      {"truncated input", Bytes(good.begin(), good.end() - 1), {}},
      {"max_string", good, tight},
      {"max_repeated", good, few},
      {"max_bytes", good, small_input},
      {"max_depth", good, shallow},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    auto from_view = decode<SharedPayload>(ByteView(c.input), c.limits);
    auto from_shared = decode<SharedPayload>(SharedBytes(c.input), c.limits);
    ASSERT_FALSE(from_view.is_ok());
    ASSERT_FALSE(from_shared.is_ok());
    EXPECT_EQ(from_shared.status().to_string(), from_view.status().to_string());
  }
}

// ---- encode_chain ----

// Returns the number of pieces.
std::size_t expect_chain_is_encoding(const SharedPayload& m, std::size_t min_splice) {
  const ByteChain chain = encode_chain(m, min_splice);
  EXPECT_EQ(chain.flatten(), encode(m));
  EXPECT_EQ(chain.size(), encoded_size(m));
  return chain.pieces().size();
}

TEST(EncodeChain, FlattensToTheEncodingForEverySpliceSize) {
  const SharedPayload m = every_position();
  for (std::size_t k : {std::size_t{0}, std::size_t{1}, kSmall - 1, kSmall, kSmall + 1, kBig - 1,
                        kBig, kBig + 1, kMinSpliceBytes}) {
    SCOPED_TRACE(k);
    expect_chain_is_encoding(m, k);
    expect_chain_is_encoding(SharedPayload{}, k);
  }
  EXPECT_TRUE(encode_chain(SharedPayload{}).empty());
  EXPECT_EQ(encode_chain(m).pieces().size(), 1U);  // nothing reaches the default 16 KiB
}

TEST(EncodeChain, RandomMessagesFlattenToTheEncoding) {
  Rng rng(0x5EED);
  auto bytes = [&](std::size_t max) {
    return filled(rng.below(max + 1), static_cast<std::uint8_t>(rng.next()));
  };
  int spliced = 0;
  for (int i = 0; i < 300; ++i) {
    SCOPED_TRACE(i);
    SharedPayload m;
    m.u32 = static_cast<std::uint32_t>(rng.next());
    m.byt = bytes(300);
    m.inner = {static_cast<std::uint32_t>(rng.below(3)), bytes(200)};
    for (auto n = rng.below(5); n > 0; --n) m.r_byt.push_back(bytes(300));
    for (auto n = rng.below(3); n > 0; --n) m.r_inner.push_back({1, bytes(50)});
    if (rng.below(2) == 0) m.o_str = bytes(300);
    if (rng.below(2) == 0) m.o_inner = SharedInner{0, bytes(20)};
    for (auto n = rng.below(3); n > 0; --n) m.m_s64[rng.between(-5, 5)] = bytes(200);
    m.big = static_cast<std::uint32_t>(rng.below(2));
    const std::size_t k = rng.below(310);
    spliced += expect_chain_is_encoding(m, k) > 1 ? 1 : 0;
    if (::testing::Test::HasFailure()) break;
  }
  EXPECT_GT(spliced, 100);  // the draws do exercise splicing, not only the one-piece case
}

TEST(EncodeChain, LargeTopLevelFieldIsItsOwnPieceNotACopy) {
  SharedPayload m;
  m.u32 = 1;
  m.byt = filled(kMinSpliceBytes, 1);
  m.big = 2;
  const ByteChain chain = encode_chain(m);
  ASSERT_EQ(chain.pieces().size(), 3U);  // u32 + byt's tag and length | byt | big
  EXPECT_EQ(chain.pieces()[1].data(), m.byt.data());
  EXPECT_EQ(chain.pieces()[1].owner(), m.byt.owner());
  EXPECT_EQ(chain.pieces()[0].size(), 2U + 1U + 3U);  // u32: 08 01; byt: 7A + 3-byte length
  EXPECT_EQ(chain.flatten(), encode(m));
}

TEST(EncodeChain, OptionalAndEachRepeatedElementSplice) {
  SharedPayload m;
  m.r_byt = {filled(kBig, 1), filled(kBig, 2), filled(kSmall, 3)};
  m.o_str = filled(kBig, 4);
  const ByteChain chain = encode_chain(m, kBig);
  // tag+len | r_byt[0] | tag+len | r_byt[1] | tag+len+small r_byt[2] and o_str's tag+len | o_str
  ASSERT_EQ(chain.pieces().size(), 6U);
  EXPECT_EQ(chain.pieces()[1].data(), m.r_byt[0].data());
  EXPECT_EQ(chain.pieces()[3].data(), m.r_byt[1].data());
  EXPECT_EQ(chain.pieces()[5].data(), m.o_str->data());
  EXPECT_EQ(chain.flatten(), encode(m));
}

TEST(EncodeChain, NestedAndMapValuesAreCopiedIntoOwnedPieces) {
  SharedPayload m;
  m.inner = {1, filled(kBig, 1)};
  m.r_inner = {{2, filled(kBig, 2)}};
  m.o_inner = SharedInner{3, filled(kBig, 3)};
  m.m_s64 = {{1, filled(kBig, 4)}};
  const ByteChain chain = encode_chain(m, 1);
  ASSERT_EQ(chain.pieces().size(), 1U);
  EXPECT_FALSE(inside(m.inner.label, chain.pieces()[0]));
  EXPECT_EQ(chain.flatten(), encode(m));
}

TEST(EncodeChain, MinSpliceIsInclusive) {
  for (std::size_t k : {std::size_t{1}, std::size_t{200}, kMinSpliceBytes}) {
    SCOPED_TRACE(k);
    SharedPayload at;
    at.byt = filled(k, 1);
    const ByteChain spliced = encode_chain(at, k);
    ASSERT_EQ(spliced.pieces().size(), 2U);  // tag+len | byt (nothing after it)
    EXPECT_EQ(spliced.pieces()[1].data(), at.byt.data());

    SharedPayload below;
    below.byt = filled(k - 1, 1);
    below.big = 1;
    const ByteChain copied = encode_chain(below, k);
    EXPECT_EQ(copied.pieces().size(), 1U);
    EXPECT_EQ(copied.flatten(), encode(below));
  }
}

TEST(EncodeChain, MessagesWithoutSharedBytesAreOnePiece) {
  Gossip g;
  g.entries = {{1, 2, -3, "x"}};
  g.blob = Bytes(kMinSpliceBytes, 9);  // Bytes is never spliced: it has no owner to share
  const ByteChain chain = encode_chain(g, 1);
  ASSERT_EQ(chain.pieces().size(), 1U);
  EXPECT_EQ(chain.flatten(), encode(g));
}

}  // namespace
}  // namespace synod::wire
