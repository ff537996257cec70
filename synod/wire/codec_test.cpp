// Unit tests for the protobuf-wire codec (codec.hpp). Byte layouts cite the protobuf encoding guide
// (https://protobuf.dev/programming-guides/encoding/).
#include "synod/wire/codec.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

#include "synod/wire/test_messages.hpp"
#include "synod/wire/varint.hpp"

namespace synod::wire {
namespace {

using testing::AllTypes;
using testing::Color;
using testing::Entry;
using testing::Gossip;
using testing::Inner;
using testing::Tree;

template <typename T>
T round_trip(const T& msg) {
  Bytes b = encode(msg);
  EXPECT_EQ(b.size(), encoded_size(msg));
  auto r = decode<T>(b);
  EXPECT_TRUE(r.is_ok()) << r.status().to_string();
  return r.is_ok() ? *r : T{};
}

template <typename T>
Status decode_error(const Bytes& b, const Limits& limits = {}) {
  auto r = decode<T>(b, limits);
  EXPECT_FALSE(r.is_ok());
  return r.status();
}

// ---- primitives ----

TEST(Varint, SizeAtEveryBoundary) {
  EXPECT_EQ(varint_size(0), 1U);
  for (std::size_t bytes = 1; bytes < 10; ++bytes) {
    const std::uint64_t last = (std::uint64_t{1} << (7 * bytes)) - 1;
    EXPECT_EQ(varint_size(last), bytes);
    EXPECT_EQ(varint_size(last + 1), bytes + 1);
  }
  EXPECT_EQ(varint_size(std::numeric_limits<std::uint64_t>::max()), 10U);
}

TEST(Varint, Zigzag) {
  // Encoding guide, "Signed Integers": 0,-1,1,-2 -> 0,1,2,3.
  EXPECT_EQ(zigzag_encode64(0), 0U);
  EXPECT_EQ(zigzag_encode64(-1), 1U);
  EXPECT_EQ(zigzag_encode64(1), 2U);
  EXPECT_EQ(zigzag_encode64(-2), 3U);
  EXPECT_EQ(zigzag_encode32(std::numeric_limits<std::int32_t>::min()), 0xFFFFFFFFU);
  EXPECT_EQ(zigzag_decode64(zigzag_encode64(std::numeric_limits<std::int64_t>::min())),
            std::numeric_limits<std::int64_t>::min());
  EXPECT_EQ(zigzag_decode32(zigzag_encode32(std::numeric_limits<std::int32_t>::max())),
            std::numeric_limits<std::int32_t>::max());
}

// ---- exact bytes ----

TEST(Encode, GuideExample150) {
  // Encoding guide: field 1 = 150 is 08 96 01.
  Entry e;
  e.node = 150;
  EXPECT_EQ(encode(e), (Bytes{0x08, 0x96, 0x01}));
}

TEST(Encode, DefaultsAreLeftOut) {
  EXPECT_TRUE(encode(Entry{}).empty());
  EXPECT_TRUE(encode(AllTypes{}).empty());
  EXPECT_EQ(encoded_size(AllTypes{}), 0U);
}

TEST(Encode, GossipBytes) {
  Gossip g;
  g.entries.push_back({1, 2, -3, "a"});
  g.round = 0;  // optional: present even though it is the default
  g.blob = {1, 2, 3};
  EXPECT_EQ(encode(g), (Bytes{0x0a, 0x09, 0x08, 0x01, 0x10, 0x02, 0x18, 0x05, 0x22, 0x01, 0x61,
                              0x10, 0x00, 0x1a, 0x03, 0x01, 0x02, 0x03}));
}

TEST(Encode, NegativeInt32TakesTenBytes) {
  AllTypes m;
  m.i32 = -1;  // field 4, sign-extended to 64 bits like protobuf's int32
  EXPECT_EQ(encode(m), (Bytes{0x20, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}));
  m.i32 = 0;
  m.s32 = -1;  // field 6, sint32: zigzag 1
  EXPECT_EQ(encode(m), (Bytes{0x30, 0x01}));
}

TEST(Encode, RepeatedScalarsArePacked) {
  AllTypes m;
  m.r_u32 = {3, 270, 86942};  // encoding guide, "Packed Repeated Fields"
  EXPECT_EQ(encode(m), (Bytes{0x92, 0x01, 0x06, 0x03, 0x8e, 0x02, 0x9e, 0xa7, 0x05}));
}

TEST(Encode, EncodeToAppends) {
  Entry e;
  e.node = 7;
  Bytes out{0xAA};
  encode_to(e, out);
  encode_to(e, out);
  EXPECT_EQ(out, (Bytes{0xAA, 0x08, 0x07, 0x08, 0x07}));
}

TEST(Encode, LargestFieldNumber) {
  AllTypes m;
  m.big = 1;
  // Tag (2^29-1) << 3 | 0 = 0xFFFFFFF8 takes 5 bytes.
  EXPECT_EQ(encode(m), (Bytes{0xf8, 0xff, 0xff, 0xff, 0x0f, 0x01}));
  EXPECT_EQ(round_trip(m), m);
}

// ---- round trips ----

AllTypes edge_values(bool max) {
  AllTypes m;
  m.b = true;
  m.u32 = max ? std::numeric_limits<std::uint32_t>::max() : 1;
  m.u64 = max ? std::numeric_limits<std::uint64_t>::max() : 1;
  m.i32 = max ? std::numeric_limits<std::int32_t>::min() : -1;
  m.i64 = max ? std::numeric_limits<std::int64_t>::min() : -1;
  m.s32 = max ? std::numeric_limits<std::int32_t>::min() : std::numeric_limits<std::int32_t>::max();
  m.s64 = max ? std::numeric_limits<std::int64_t>::min() : std::numeric_limits<std::int64_t>::max();
  m.f32 = max ? std::numeric_limits<std::uint32_t>::max() : 1;
  m.f64 = max ? std::numeric_limits<std::uint64_t>::max() : 1;
  m.sf32 = max ? std::numeric_limits<std::int32_t>::min() : -1;
  m.sf64 = max ? std::numeric_limits<std::int64_t>::min() : -1;
  m.fl = max ? std::numeric_limits<float>::max() : -0.0F;
  m.db = max ? std::numeric_limits<double>::infinity() : std::numeric_limits<double>::denorm_min();
  m.str = max ? std::string(300, 'x') : "h\0i";
  m.byt = {0, 255, 0};
  m.color = max ? Color::kNegative : Color::kGreen;
  m.inner = {max ? 0xFFFFFFFFU : 1, "in", -5};
  m.r_u32 = {0, 1, 127, 128, std::numeric_limits<std::uint32_t>::max()};
  m.r_s64 = {0, -1, std::numeric_limits<std::int64_t>::min(),
             std::numeric_limits<std::int64_t>::max()};
  m.r_f32 = {0, 1, 0xFFFFFFFFU};
  m.r_db = {0.0, -0.0, 1.5, -1e300};
  m.r_b = {true, false, true};
  m.r_str = {"", "a", std::string(200, 'z')};
  m.r_byt = {{}, {1}, Bytes(129, 7)};
  m.r_inner = {{}, {1, "", 0}, {0, "x", -1}};  // an empty element is still sent: the count matters
  m.r_color = {Color::kRed, Color::kNegative, Color::kUnspecified};
  m.o_u64 = 0;
  m.o_str = "";
  m.o_inner = Inner{};
  m.m_str = {{"", 0}, {"k", std::numeric_limits<std::uint64_t>::max()}};
  m.m_inner = {{0, {}}, {9, {9, "nine", -9}}};
  m.m_s64 = {{std::numeric_limits<std::int64_t>::min(), "min"}, {-1, ""}, {5, "five"}};
  m.r_i32 = {-1, 0, 1, std::numeric_limits<std::int32_t>::min()};
  m.o_b = false;
  m.r_sf64 = {-1, std::numeric_limits<std::int64_t>::max()};
  m.r_fl = {1.0F, -2.5F};
  m.big = 42;
  return m;
}

TEST(RoundTrip, EveryTypeAtEdgeValues) {
  for (bool max : {false, true}) {
    const AllTypes m = edge_values(max);
    const AllTypes back = round_trip(m);
    EXPECT_EQ(back, m);
    EXPECT_TRUE(std::signbit(back.r_db[1]));  // -0.0 survives
  }
}

TEST(RoundTrip, NegativeZeroFloatIsSent) {
  AllTypes m;
  m.fl = -0.0F;
  EXPECT_EQ(encode(m).size(), 5U);
  EXPECT_TRUE(std::signbit(round_trip(m).fl));
}

TEST(RoundTrip, NaNBitsSurvive) {
  AllTypes m;
  m.db = std::numeric_limits<double>::quiet_NaN();
  EXPECT_TRUE(std::isnan(round_trip(m).db));
}

TEST(RoundTrip, OptionalPresentAndAbsent) {
  Gossip g;
  EXPECT_FALSE(round_trip(g).round.has_value());
  g.round = 0;
  EXPECT_EQ(round_trip(g).round, std::optional<std::uint64_t>(0));
  g.round = std::numeric_limits<std::uint64_t>::max();
  EXPECT_EQ(round_trip(g), g);

  AllTypes m;
  m.o_inner = Inner{};  // present but empty: tag plus zero length
  EXPECT_EQ(encode(m), (Bytes{0xea, 0x01, 0x00}));
  EXPECT_TRUE(round_trip(m).o_inner.has_value());
}

TEST(RoundTrip, NestedMessagesLongerThanOneLengthByte) {
  // Exercises the back-patched length prefix: 1, 2 and 3 prefix bytes, nested twice.
  for (std::size_t n : {0U, 1U, 125U, 126U, 127U, 128U, 200U, 16383U, 16384U, 70000U}) {
    Tree t;
    t.value = -1;
    Tree child;
    child.attrs["k"] = Inner{1, std::string(n, 'q'), 2};
    child.children.push_back(Tree{});
    t.children.push_back(child);
    t.children.push_back(Tree{});
    EXPECT_EQ(round_trip(t), t) << n;
  }
}

TEST(RoundTrip, ManyEntries) {
  Gossip g;
  for (std::uint32_t i = 0; i < 1000; ++i) {
    g.entries.push_back(
        {i, std::uint64_t{i} << 40, -static_cast<std::int64_t>(i), std::to_string(i)});
  }
  g.blob = Bytes(1000, 1);
  EXPECT_EQ(round_trip(g), g);
}

// ---- decode: protobuf parsing rules ----

TEST(Decode, AcceptsUnpackedRepeatedScalars) {
  // r_u32 (18, varint), r_f32 (20, fixed32), r_s64 (19, sint64) one tag per element, mixed with a
  // packed run: protobuf parsers must accept both forms.
  const Bytes b{0x90, 0x01, 0x05, 0x92, 0x01, 0x02, 0x06, 0x07, 0x90, 0x01,
                0x08, 0xa5, 0x01, 0x01, 0x00, 0x00, 0x00, 0x98, 0x01, 0x03};
  auto r = decode<AllTypes>(b);
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_EQ(r->r_u32, (std::vector<std::uint32_t>{5, 6, 7, 8}));
  EXPECT_EQ(r->r_f32, (std::vector<std::uint32_t>{1}));
  EXPECT_EQ(r->r_s64, (std::vector<std::int64_t>{-2}));
}

TEST(Decode, LastScalarWinsAndMessagesMerge) {
  // node=1, inner{id=2}, node=3, inner{label="x"} -> node 3, inner {2, "x"}.
  const Bytes b{0x10, 0x01, 0x8a, 0x01, 0x02, 0x08, 0x02, 0x10,
                0x03, 0x8a, 0x01, 0x03, 0x12, 0x01, 'x'};
  auto r = decode<AllTypes>(b);
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_EQ(r->u32, 3U);
  EXPECT_EQ(r->inner, (Inner{2, "x", 0}));
}

TEST(Decode, MapEntriesLastWinsAndMissingPartsDefault) {
  // m_str (30): {"a": 1}, {"a": 2}, {value 5 without key}, {key "b" without value}.
  const Bytes b{0xf2, 0x01, 0x05, 0x0a, 0x01, 'a',  0x10, 0x01, 0xf2, 0x01, 0x05, 0x0a, 0x01, 'a',
                0x10, 0x02, 0xf2, 0x01, 0x02, 0x10, 0x05, 0xf2, 0x01, 0x03, 0x0a, 0x01, 'b'};
  auto r = decode<AllTypes>(b);
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_EQ(r->m_str, (std::map<std::string, std::uint64_t>{{"a", 2}, {"", 5}, {"b", 0}}));
}

TEST(Decode, ValuesAreTruncatedLikeProtobuf) {
  // uint32 from a full 64-bit varint keeps the low 32 bits; bool is any non-zero value.
  const Bytes b{0x08, 0x02, 0x10, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01};
  auto r = decode<AllTypes>(b);
  ASSERT_TRUE(r.is_ok());
  EXPECT_TRUE(r->b);
  EXPECT_EQ(r->u32, 0xFFFFFFFFU);
}

TEST(Decode, SkipsUnknownFieldsOfEveryWireType) {
  Bytes b{
      0x28, 0x96, 0x01,                                   // 5: varint
      0x31, 1,    2,    3,    4,    5,    6,    7,    8,  // 6: i64
      0x3a, 0x03, 'a',  'b',  'c',                        // 7: len
      0x45, 1,    2,    3,    4,                          // 8: i32
      0x4b, 0x08, 0x01, 0x53, 0x54, 0x4c,                 // 9: group { 1: varint, 10: group {} }
      0x08, 0x2a,                                         // 1: node = 42
      0xfb, 0xff, 0xff, 0xff, 0x0f, 0xfc, 0xff, 0xff, 0xff, 0x0f,  // 2^29-1: empty group
  };
  auto r = decode<Entry>(b);
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_EQ(*r, (Entry{42, 0, 0, ""}));
}

TEST(Decode, EmptyInput) {
  auto r = decode<AllTypes>(Bytes{});
  ASSERT_TRUE(r.is_ok());
  EXPECT_EQ(*r, AllTypes{});
}

// ---- decode: malformed input, each at its edge ----

TEST(DecodeError, TruncatedVarint) {
  Status s = decode_error<Entry>({0x08, 0x96});
  EXPECT_EQ(s.code(), Code::kDataLoss);
  EXPECT_EQ(s.message(), "wire decode: field 1: truncated varint at byte 1");
  EXPECT_EQ(decode_error<Entry>({0x88}).message(), "wire decode: truncated varint at byte 0");
}

TEST(DecodeError, VarintLength) {
  Bytes ten{0x10, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01};
  ASSERT_TRUE(decode<Entry>(ten).is_ok());  // exactly 10 bytes, 2^64-1
  EXPECT_EQ(decode<Entry>(ten)->counter, std::numeric_limits<std::uint64_t>::max());

  Bytes eleven{0x10, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x81, 0x00};
  EXPECT_EQ(decode_error<Entry>(eleven).message(),
            "wire decode: field 2: varint longer than 10 bytes at byte 1");
  Bytes overflow{0x10, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02};
  EXPECT_EQ(decode_error<Entry>(overflow).message(),
            "wire decode: field 2: varint does not fit in 64 bits at byte 1");
}

TEST(DecodeError, LengthPastEnd) {
  ASSERT_TRUE(decode<Entry>(Bytes{0x22, 0x02, 'a', 'b'}).is_ok());  // exactly to the end
  Status s = decode_error<Entry>({0x22, 0x03, 'a', 'b'});
  EXPECT_EQ(s.code(), Code::kDataLoss);
  EXPECT_EQ(
      s.message(),
      "wire decode: field 4: length 3 runs past the end of the input (2 bytes left) at byte 2");
  // Inside a nested message the end is the nested message's end, not the buffer's.
  Status nested = decode_error<Gossip>({0x0a, 0x02, 0x22, 0x03, 'a', 'b', 'c'});
  EXPECT_EQ(nested.message(),
            "wire decode: field 1 > field 4: length 3 runs past the end of the "
            "input (0 bytes left) at byte 4");
}

TEST(DecodeError, TruncatedFixed) {
  ASSERT_TRUE(decode<AllTypes>(Bytes{0x45, 1, 2, 3, 4}).is_ok());  // f32 (8): 4 bytes
  EXPECT_EQ(decode_error<AllTypes>({0x45, 1, 2, 3}).message(),
            "wire decode: field 8: truncated fixed32 value at byte 1");
  EXPECT_EQ(decode_error<AllTypes>({0x49, 1, 2, 3, 4, 5, 6, 7}).message(),
            "wire decode: field 9: truncated fixed64 value at byte 1");
}

TEST(DecodeError, FieldNumberZero) {
  Status s = decode_error<Entry>({0x08, 0x01, 0x00, 0x01});
  EXPECT_EQ(s.code(), Code::kDataLoss);
  EXPECT_EQ(s.message(), "wire decode: invalid field number 0 at byte 3");
}

TEST(DecodeError, InvalidWireTypeAndOversizedTag) {
  EXPECT_EQ(decode_error<Entry>({0x0e}).message(),
            "wire decode: field 1: invalid wire type 6 at byte 1");
  EXPECT_EQ(decode_error<Entry>({0x0f}).message(),
            "wire decode: field 1: invalid wire type 7 at byte 1");
  EXPECT_EQ(
      decode_error<Entry>({0x80, 0x80, 0x80, 0x80, 0x10, 0x00}).message(),
      "wire decode: tag 4294967296 does not fit in 32 bits (field number above 2^29-1) at byte 5");
}

TEST(DecodeError, WrongWireTypeForKnownField) {
  EXPECT_EQ(decode_error<Entry>({0x0a, 0x00}).message(),
            "wire decode: field 1: wrong wire type 2 (len), expected 0 (varint) at byte 1");
  EXPECT_EQ(decode_error<Entry>({0x20, 0x00}).message(),
            "wire decode: field 4: wrong wire type 0 (varint), expected 2 (len) at byte 1");
  EXPECT_EQ(decode_error<AllTypes>({0x95, 0x01, 0, 0, 0, 0}).message(),
            "wire decode: field 18: wrong wire type 5 (i32), expected 0 (varint) or 2 (len, "
            "packed) at byte 2");
  EXPECT_EQ(decode_error<Entry>({0x0b, 0x0c}).message(),
            "wire decode: field 1: wrong wire type 3 (start-group), expected 0 (varint) at byte 1");
  EXPECT_EQ(decode_error<AllTypes>({0xf2, 0x01, 0x02, 0x08, 0x01}).message(),
            "wire decode: field 30 > field 1: wrong wire type 0 (varint), expected 2 (len) at "
            "byte 4");
}

TEST(DecodeError, PackedFixedNotAMultiple) {
  ASSERT_TRUE(decode<AllTypes>(Bytes{0xa2, 0x01, 0x04, 1, 2, 3, 4}).is_ok());
  EXPECT_EQ(decode_error<AllTypes>({0xa2, 0x01, 0x03, 1, 2, 3}).message(),
            "wire decode: field 20: packed payload of 3 bytes is not a multiple of 4 at byte 3");
}

TEST(DecodeError, TruncatedVarintInsidePackedRun) {
  // The packed run ends mid-varint even though the buffer has more bytes after it.
  EXPECT_EQ(decode_error<AllTypes>({0x92, 0x01, 0x01, 0x80, 0x01}).message(),
            "wire decode: field 18: truncated varint at byte 3");
}

TEST(DecodeError, Groups) {
  EXPECT_EQ(decode_error<Entry>({0x4b, 0x08, 0x01}).message(),
            "wire decode: field 9: group 9 has no end-group tag at byte 3");
  EXPECT_EQ(decode_error<Entry>({0x4b, 0x54}).message(),
            "wire decode: field 9 > field 10: end-group tag for field 10 without a matching "
            "start-group at byte 2");
  EXPECT_EQ(decode_error<Entry>({0x4c}).message(),
            "wire decode: field 9: end-group tag for field 9 without a matching start-group at "
            "byte 1");
}

// ---- decode: limits, each exactly at and one past ----

TEST(DecodeLimit, MaxBytes) {
  Entry e;
  e.name = "abcd";
  const Bytes b = encode(e);  // 6 bytes
  Limits limits;
  limits.max_bytes = b.size();
  EXPECT_TRUE(decode<Entry>(b, limits).is_ok());
  limits.max_bytes = b.size() - 1;
  Status s = decode_error<Entry>(b, limits);
  EXPECT_EQ(s.code(), Code::kResourceExhausted);
  EXPECT_EQ(s.message(), "wire decode: input of 6 bytes exceeds max_bytes 5 at byte 0");
}

Tree chain(int depth) {
  Tree t;
  t.value = depth;
  if (depth > 0) t.children.push_back(chain(depth - 1));
  return t;
}

TEST(DecodeLimit, MaxDepth) {
  const Bytes b = encode(chain(5));  // top level at depth 0, deepest child at depth 5
  Limits limits;
  limits.max_depth = 5;
  auto ok = decode<Tree>(b, limits);
  ASSERT_TRUE(ok.is_ok()) << ok.status().to_string();
  EXPECT_EQ(*ok, chain(5));
  limits.max_depth = 4;
  Status s = decode_error<Tree>(b, limits);
  EXPECT_EQ(s.code(), Code::kResourceExhausted);
  EXPECT_NE(s.message().find("field 2 > field 2 > field 2 > field 2: messages nested deeper than "
                             "max_depth 4"),
            std::string::npos)
      << s.message();
  limits.max_depth = 0;
  EXPECT_TRUE(decode<Tree>(encode(chain(0)), limits).is_ok());
  EXPECT_FALSE(decode<Tree>(encode(chain(1)), limits).is_ok());
}

TEST(DecodeLimit, MaxDepthCountsMapValuesNotEntries) {
  Tree t;
  t.attrs["a"] = Inner{1, "", 0};  // the Inner is at depth 1; the entry itself does not count
  Limits limits;
  limits.max_depth = 1;
  EXPECT_TRUE(decode<Tree>(encode(t), limits).is_ok());
  limits.max_depth = 0;
  EXPECT_EQ(decode_error<Tree>(encode(t), limits).code(), Code::kResourceExhausted);
}

TEST(DecodeLimit, MaxDepthBoundsSkippedGroups) {
  // Unknown field 9 as groups nested three deep.
  const Bytes b{0x4b, 0x4b, 0x4b, 0x4c, 0x4c, 0x4c};
  Limits limits;
  limits.max_depth = 3;
  EXPECT_TRUE(decode<Entry>(b, limits).is_ok());
  limits.max_depth = 2;
  EXPECT_EQ(decode_error<Entry>(b, limits).message(),
            "wire decode: field 9 > field 9 > field 9: messages nested deeper than max_depth 2 at "
            "byte 3");
}

TEST(DecodeLimit, MaxRepeatedPackedUnpackedStringsMessagesMaps) {
  Limits limits;
  limits.max_repeated = 3;
  auto check = [&limits](AllTypes at, AllTypes past, const char* what) {
    EXPECT_TRUE(decode<AllTypes>(encode(at), limits).is_ok()) << what;
    Status s = decode_error<AllTypes>(encode(past), limits);
    EXPECT_EQ(s.code(), Code::kResourceExhausted) << what;
    EXPECT_NE(s.message().find("more than max_repeated 3 elements"), std::string::npos) << what;
  };
  AllTypes at;
  AllTypes past;
  at.r_u32 = {1, 2, 3};
  past.r_u32 = {1, 2, 3, 4};
  check(at, past, "packed varint");
  at = past = {};
  at.r_sf64 = {1, 2, 3};
  past.r_sf64 = {1, 2, 3, 4};
  check(at, past, "packed fixed");
  at = past = {};
  at.r_str = {"", "", ""};
  past.r_str = {"", "", "", ""};
  check(at, past, "strings");
  at = past = {};
  at.r_inner.resize(3);
  past.r_inner.resize(4);
  check(at, past, "messages");
  at = past = {};
  at.m_str = {{"a", 1}, {"b", 1}, {"c", 1}};
  past.m_str = {{"a", 1}, {"b", 1}, {"c", 1}, {"d", 1}};
  check(at, past, "map");

  // Unpacked, and packed runs split across records, count together.
  Bytes unpacked{0x90, 0x01, 1, 0x90, 0x01, 2, 0x92, 0x01, 0x01, 3};
  EXPECT_TRUE(decode<AllTypes>(unpacked, limits).is_ok());
  unpacked.insert(unpacked.end(), {0x90, 0x01, 4});
  EXPECT_EQ(decode_error<AllTypes>(unpacked, limits).code(), Code::kResourceExhausted);

  // A duplicate map key replaces, so it does not count against the limit.
  Bytes dup = encode(at);
  const Bytes again = encode(at);
  dup.insert(dup.end(), again.begin(), again.end());
  EXPECT_TRUE(decode<AllTypes>(dup, limits).is_ok());
}

TEST(DecodeLimit, MaxString) {
  Limits limits;
  limits.max_string = 4;
  AllTypes at;
  at.str = "abcd";
  at.byt = Bytes(4, 1);
  at.m_str["wxyz"] = 1;
  at.r_str = {"1234"};
  EXPECT_TRUE(decode<AllTypes>(encode(at), limits).is_ok());
  for (int which = 0; which < 4; ++which) {
    AllTypes past = at;
    if (which == 0) past.str += "e";
    if (which == 1) past.byt.push_back(1);
    if (which == 2) past.m_str["vwxyz"] = 1;
    if (which == 3) past.r_str.push_back("12345");
    Status s = decode_error<AllTypes>(encode(past), limits);
    EXPECT_EQ(s.code(), Code::kResourceExhausted) << which;
    EXPECT_NE(s.message().find("length 5 exceeds max_string 4"), std::string::npos) << s.message();
  }
}

}  // namespace
}  // namespace synod::wire
