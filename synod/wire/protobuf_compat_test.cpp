// Compatibility with real protobuf: libprotobuf (through code generated from
// testdata/reference.proto) must read our bytes, we must read its bytes, and for the same values
// both must produce the same bytes. libprotobuf is linked into this test only.
#include <gtest/gtest.h>

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>

#include "synod/wire/codec.hpp"
#include "synod/wire/test_messages.hpp"
#include "testdata/reference.pb.h"

namespace synod::wire {
namespace {

namespace pb = ::synod::wire::reference;
using testing::AllTypes;
using testing::Color;
using testing::Inner;
using testing::SharedInner;
using testing::SharedPayload;

std::string str(const Bytes& b) { return to_string(b); }

void to_pb(const Inner& in, pb::Inner* out) {
  out->set_id(in.id);
  out->set_label(in.label);
  out->set_delta(in.delta);
}

pb::AllTypes to_pb(const AllTypes& m) {
  pb::AllTypes p;
  p.set_b(m.b);
  p.set_u32(m.u32);
  p.set_u64(m.u64);
  p.set_i32(m.i32);
  p.set_i64(m.i64);
  p.set_s32(m.s32);
  p.set_s64(m.s64);
  p.set_f32(m.f32);
  p.set_f64(m.f64);
  p.set_sf32(m.sf32);
  p.set_sf64(m.sf64);
  p.set_fl(m.fl);
  p.set_db(m.db);
  p.set_str(m.str);
  p.set_byt(str(m.byt));
  p.set_color(static_cast<pb::Color>(m.color));
  if (!(m.inner == Inner{})) to_pb(m.inner, p.mutable_inner());  // proto3: unset when empty
  for (auto v : m.r_u32) p.add_r_u32(v);
  for (auto v : m.r_s64) p.add_r_s64(v);
  for (auto v : m.r_f32) p.add_r_f32(v);
  for (auto v : m.r_db) p.add_r_db(v);
  for (bool v : m.r_b) p.add_r_b(v);
  for (const auto& v : m.r_str) p.add_r_str(v);
  for (const auto& v : m.r_byt) p.add_r_byt(str(v));
  for (const auto& v : m.r_inner) to_pb(v, p.add_r_inner());
  for (auto v : m.r_color) p.add_r_color(static_cast<pb::Color>(v));
  if (m.o_u64) p.set_o_u64(*m.o_u64);
  if (m.o_str) p.set_o_str(*m.o_str);
  if (m.o_inner) to_pb(*m.o_inner, p.mutable_o_inner());
  for (const auto& [k, v] : m.m_str) (*p.mutable_m_str())[k] = v;
  for (const auto& [k, v] : m.m_inner) to_pb(v, &(*p.mutable_m_inner())[k]);
  for (const auto& [k, v] : m.m_s64) (*p.mutable_m_s64())[k] = v;
  for (auto v : m.r_i32) p.add_r_i32(v);
  if (m.o_b) p.set_o_b(*m.o_b);
  for (auto v : m.r_sf64) p.add_r_sf64(v);
  for (auto v : m.r_fl) p.add_r_fl(v);
  p.set_big(m.big);
  return p;
}

Inner from_pb(const pb::Inner& p) { return {p.id(), p.label(), p.delta()}; }

// Reads libprotobuf's view of the values back into our struct, so one == compares everything.
AllTypes from_pb(const pb::AllTypes& p) {
  AllTypes m;
  m.b = p.b();
  m.u32 = p.u32();
  m.u64 = p.u64();
  m.i32 = p.i32();
  m.i64 = p.i64();
  m.s32 = p.s32();
  m.s64 = p.s64();
  m.f32 = p.f32();
  m.f64 = p.f64();
  m.sf32 = p.sf32();
  m.sf64 = p.sf64();
  m.fl = p.fl();
  m.db = p.db();
  m.str = p.str();
  m.byt.assign(p.byt().begin(), p.byt().end());
  m.color = static_cast<Color>(p.color());
  if (p.has_inner()) m.inner = from_pb(p.inner());
  m.r_u32.assign(p.r_u32().begin(), p.r_u32().end());
  m.r_s64.assign(p.r_s64().begin(), p.r_s64().end());
  m.r_f32.assign(p.r_f32().begin(), p.r_f32().end());
  m.r_db.assign(p.r_db().begin(), p.r_db().end());
  m.r_b.assign(p.r_b().begin(), p.r_b().end());
  m.r_str.assign(p.r_str().begin(), p.r_str().end());
  for (const auto& v : p.r_byt()) m.r_byt.emplace_back(v.begin(), v.end());
  for (const auto& v : p.r_inner()) m.r_inner.push_back(from_pb(v));
  for (int v : p.r_color()) m.r_color.push_back(static_cast<Color>(v));
  if (p.has_o_u64()) m.o_u64 = p.o_u64();
  if (p.has_o_str()) m.o_str = p.o_str();
  if (p.has_o_inner()) m.o_inner = from_pb(p.o_inner());
  for (const auto& [k, v] : p.m_str()) m.m_str[k] = v;
  for (const auto& [k, v] : p.m_inner()) m.m_inner[k] = from_pb(v);
  for (const auto& [k, v] : p.m_s64()) m.m_s64[k] = v;
  m.r_i32.assign(p.r_i32().begin(), p.r_i32().end());
  if (p.has_o_b()) m.o_b = p.o_b();
  m.r_sf64.assign(p.r_sf64().begin(), p.r_sf64().end());
  m.r_fl.assign(p.r_fl().begin(), p.r_fl().end());
  m.big = p.big();
  return m;
}

// libprotobuf's bytes with maps in key order, the order std::map gives us.
std::string deterministic(const pb::AllTypes& p) {
  std::string out;
  {
    google::protobuf::io::StringOutputStream stream(&out);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    p.SerializeToCodedStream(&coded);
  }
  return out;
}

void expect_compatible(const AllTypes& m) {
  const Bytes ours = encode(m);

  pb::AllTypes parsed;
  ASSERT_TRUE(parsed.ParseFromString(str(ours)));
  EXPECT_EQ(from_pb(parsed), m);

  const pb::AllTypes theirs = to_pb(m);
  auto decoded = decode<AllTypes>(as_bytes(theirs.SerializeAsString()));
  ASSERT_TRUE(decoded.is_ok()) << decoded.status().to_string();
  EXPECT_EQ(*decoded, m);

  EXPECT_EQ(str(ours), deterministic(theirs));  // byte for byte, not only value for value
}

TEST(ProtobufCompat, Empty) { expect_compatible(AllTypes{}); }

TEST(ProtobufCompat, EdgeValues) {
  using I32 = std::numeric_limits<std::int32_t>;
  using I64 = std::numeric_limits<std::int64_t>;
  AllTypes m;
  m.b = true;
  m.u32 = std::numeric_limits<std::uint32_t>::max();
  m.u64 = std::numeric_limits<std::uint64_t>::max();
  m.i32 = I32::min();
  m.i64 = I64::min();
  m.s32 = I32::min();
  m.s64 = I64::max();
  m.f32 = 0xFFFFFFFFU;
  m.f64 = 1;
  m.sf32 = -1;
  m.sf64 = I64::min();
  m.fl = -0.0F;
  m.db = -std::numeric_limits<double>::infinity();
  m.str = std::string(200, 'a');
  m.byt = {0, 0xFF};
  m.color = Color::kNegative;
  m.inner = {7, std::string(300, 'b'), I64::min()};
  m.r_u32 = {0, 128, 0xFFFFFFFFU};
  m.r_s64 = {I64::min(), -1, 0, 1, I64::max()};
  m.r_f32 = {0, 0xFFFFFFFFU};
  m.r_db = {0.0, -0.0, 1e-308};
  m.r_b = {false, true};
  m.r_str = {"", "x"};
  m.r_byt = {{}, {0}};
  m.r_inner = {{}, {1, "one", -1}};
  m.r_color = {Color::kUnspecified, Color::kNegative, Color::kGreen};
  m.o_u64 = 0;
  m.o_str = "";
  m.o_inner = Inner{};
  m.m_str = {{"", 0}, {"z", 1}};
  m.m_inner = {{0, {}}, {0xFFFFFFFFU, {1, "x", 2}}};
  m.m_s64 = {{I64::min(), ""}, {-1, "m"}, {I64::max(), "M"}};
  m.r_i32 = {I32::min(), -1, I32::max()};
  m.o_b = false;
  m.r_sf64 = {I64::min()};
  m.r_fl = {-0.0F, std::numeric_limits<float>::denorm_min()};
  m.big = 0xFFFFFFFFU;
  expect_compatible(m);
}

// Random values of every magnitude: each integer draws a bit width first, so 1-byte through
// 10-byte varints all occur. Strings stay ASCII because libprotobuf validates proto3 strings as
// UTF-8 (we do not; see docs/protocols/wire.md).
class Gen {
 public:
  explicit Gen(std::uint64_t seed) : rng_(seed) {}

  std::uint64_t u64() {
    const int bits = static_cast<int>(rng_() % 65);
    return bits == 0 ? 0 : rng_() >> (64 - bits);
  }
  std::int64_t i64() {
    const auto v = static_cast<std::int64_t>(u64() >> 1);
    return coin() ? -v - static_cast<std::int64_t>(coin()) : v;
  }
  bool coin() { return (rng_() & 1) != 0; }
  std::size_t count(std::size_t max) { return rng_() % (max + 1); }
  double real() {
    std::uniform_real_distribution<double> d(-1e6, 1e6);
    return coin() ? 0.0 : d(rng_) * std::pow(10.0, static_cast<double>(count(40)) - 20.0);
  }
  std::string text(std::size_t max) {
    std::string s(count(max), ' ');
    for (auto& c : s) c = static_cast<char>(' ' + rng_() % 95);
    return s;
  }
  Bytes bytes(std::size_t max) {
    Bytes b(count(max));
    for (auto& x : b) x = static_cast<std::uint8_t>(rng_());
    return b;
  }
  Color color() {
    static constexpr Color kAll[] = {Color::kUnspecified, Color::kRed, Color::kGreen,
                                     Color::kNegative};
    return kAll[count(3)];
  }
  Inner inner() { return {static_cast<std::uint32_t>(u64()), text(20), i64()}; }

  AllTypes all() {
    AllTypes m;
    m.b = coin();
    m.u32 = static_cast<std::uint32_t>(u64());
    m.u64 = u64();
    m.i32 = static_cast<std::int32_t>(i64());
    m.i64 = i64();
    m.s32 = static_cast<std::int32_t>(i64());
    m.s64 = i64();
    m.f32 = static_cast<std::uint32_t>(u64());
    m.f64 = u64();
    m.sf32 = static_cast<std::int32_t>(i64());
    m.sf64 = i64();
    m.fl = static_cast<float>(real());
    m.db = real();
    m.str = text(300);
    m.byt = bytes(300);
    m.color = color();
    if (coin()) m.inner = inner();
    for (std::size_t i = count(8); i > 0; --i) m.r_u32.push_back(static_cast<std::uint32_t>(u64()));
    for (std::size_t i = count(8); i > 0; --i) m.r_s64.push_back(i64());
    for (std::size_t i = count(8); i > 0; --i) m.r_f32.push_back(static_cast<std::uint32_t>(u64()));
    for (std::size_t i = count(8); i > 0; --i) m.r_db.push_back(real());
    for (std::size_t i = count(8); i > 0; --i) m.r_b.push_back(coin());
    for (std::size_t i = count(4); i > 0; --i) m.r_str.push_back(text(10));
    for (std::size_t i = count(4); i > 0; --i) m.r_byt.push_back(bytes(10));
    for (std::size_t i = count(40); i > 0; --i) m.r_inner.push_back(inner());
    for (std::size_t i = count(8); i > 0; --i) m.r_color.push_back(color());
    if (coin()) m.o_u64 = u64();
    if (coin()) m.o_str = text(5);
    if (coin()) m.o_inner = inner();
    for (std::size_t i = count(5); i > 0; --i) m.m_str[text(4)] = u64();
    for (std::size_t i = count(5); i > 0; --i)
      m.m_inner[static_cast<std::uint32_t>(u64())] = inner();
    for (std::size_t i = count(5); i > 0; --i) m.m_s64[i64()] = text(4);
    for (std::size_t i = count(8); i > 0; --i) m.r_i32.push_back(static_cast<std::int32_t>(i64()));
    if (coin()) m.o_b = coin();
    for (std::size_t i = count(8); i > 0; --i) m.r_sf64.push_back(i64());
    for (std::size_t i = count(8); i > 0; --i) m.r_fl.push_back(static_cast<float>(real()));
    m.big = static_cast<std::uint32_t>(u64());
    return m;
  }

 private:
  std::mt19937_64 rng_;
};

TEST(ProtobufCompat, RandomizedFixedSeed) {
  Gen gen(0x5EED);
  for (int i = 0; i < 500; ++i) {
    SCOPED_TRACE(i);
    expect_compatible(gen.all());
    if (::testing::Test::HasFailure()) break;
  }
}

TEST(ProtobufCompat, UnpackedRepeatedFromOldWriters) {
  // proto2-style writers send repeated scalars unpacked; libprotobuf and we both accept it.
  std::string unpacked;
  {
    google::protobuf::io::StringOutputStream stream(&unpacked);
    google::protobuf::io::CodedOutputStream out(&stream);
    for (std::uint32_t v : {1U, 300U, 0xFFFFFFFFU}) {
      out.WriteTag((18U << 3) | 0U);
      out.WriteVarint32(v);
    }
    out.WriteTag((20U << 3) | 5U);
    out.WriteLittleEndian32(9);
  }
  pb::AllTypes parsed;
  ASSERT_TRUE(parsed.ParseFromString(unpacked));
  auto ours = decode<AllTypes>(as_bytes(unpacked));
  ASSERT_TRUE(ours.is_ok()) << ours.status().to_string();
  EXPECT_EQ(*ours, from_pb(parsed));
  EXPECT_EQ(ours->r_u32, (std::vector<std::uint32_t>{1, 300, 0xFFFFFFFFU}));
}

TEST(ProtobufCompat, UnknownFieldsFromNewerSchema) {
  // libprotobuf keeps unknown fields; we skip them. Use a field number reference.proto lacks.
  pb::AllTypes p;
  p.set_u32(5);
  std::string bytes = p.SerializeAsString();
  bytes += std::string("\xd2\x02\x03xyz\xd8\x02\x07", 9);  // field 42 len "xyz", field 43 varint 7
  auto ours = decode<AllTypes>(as_bytes(bytes));
  ASSERT_TRUE(ours.is_ok()) << ours.status().to_string();
  EXPECT_EQ(ours->u32, 5U);
}

// ---- SharedBytes: proto3 `bytes` (and `string`) on the wire, whatever the C++ type ----

std::string str(const SharedBytes& b) { return to_string(b.view()); }
SharedBytes shared(const std::string& s) { return SharedBytes::copy_of(as_bytes(s)); }

Inner plain(const SharedInner& in) { return {in.id, str(in.label), 0}; }

// The same values with Bytes and std::string in place of SharedBytes (see SharedPayload).
AllTypes plain(const SharedPayload& m) {
  AllTypes a;
  a.u32 = m.u32;
  a.byt = m.byt.to_bytes();
  a.inner = plain(m.inner);
  for (const auto& v : m.r_byt) a.r_byt.push_back(v.to_bytes());
  for (const auto& v : m.r_inner) a.r_inner.push_back(plain(v));
  if (m.o_str) a.o_str = str(*m.o_str);
  if (m.o_inner) a.o_inner = plain(*m.o_inner);
  for (const auto& [k, v] : m.m_s64) a.m_s64[k] = str(v);
  a.big = m.big;
  return a;
}

void expect_compatible(const SharedPayload& m) {
  const AllTypes a = plain(m);
  const Bytes ours = encode(m);
  EXPECT_EQ(ours, encode(a));
  const std::string theirs = deterministic(to_pb(a));
  EXPECT_EQ(str(ours), theirs);  // byte for byte
  EXPECT_EQ(encode_chain(m, 1).flatten(), ours);

  pb::AllTypes parsed;
  ASSERT_TRUE(parsed.ParseFromString(str(ours)));
  EXPECT_EQ(from_pb(parsed), a);

  Limits alias_all;  // libprotobuf's bytes, every SharedBytes field aliasing them
  alias_all.min_alias_bytes = 1;
  auto decoded = decode<SharedPayload>(shared(theirs), alias_all);
  ASSERT_TRUE(decoded.is_ok()) << decoded.status().to_string();
  EXPECT_EQ(*decoded, m);
}

TEST(ProtobufCompat, SharedBytesFields) {
  expect_compatible(SharedPayload{});
  SharedPayload m;
  m.u32 = 1;
  m.byt = shared(std::string(20000, '\xFF'));
  m.inner = {2, shared("label")};
  m.r_byt = {{}, shared(std::string(1, '\0')), shared(std::string(300, 'r'))};
  m.r_inner = {{}, {3, shared("x")}};
  m.o_str = SharedBytes{};  // present and empty: still written
  m.o_inner = SharedInner{};
  m.m_s64 = {{-1, {}}, {std::numeric_limits<std::int64_t>::min(), shared("min")}};
  m.big = 0xFFFFFFFFU;
  expect_compatible(m);
}

TEST(ProtobufCompat, SharedBytesRandomizedFixedSeed) {
  Gen gen(0x5A4ED);
  auto bytes = [&gen](std::size_t max) { return SharedBytes(gen.bytes(max)); };
  auto text = [&gen](std::size_t max) {
    const std::string s = gen.text(max);
    return SharedBytes(Bytes(s.begin(), s.end()));
  };
  for (int i = 0; i < 200; ++i) {
    SCOPED_TRACE(i);
    SharedPayload m;
    m.u32 = static_cast<std::uint32_t>(gen.u64());
    m.byt = bytes(3000);
    if (gen.coin()) m.inner = {static_cast<std::uint32_t>(gen.u64()), text(200)};
    for (std::size_t n = gen.count(4); n > 0; --n) m.r_byt.push_back(bytes(300));
    for (std::size_t n = gen.count(4); n > 0; --n) {
      m.r_inner.push_back({static_cast<std::uint32_t>(gen.u64()), text(20)});
    }
    if (gen.coin()) m.o_str = text(200);
    if (gen.coin()) m.o_inner = SharedInner{static_cast<std::uint32_t>(gen.u64()), text(5)};
    for (std::size_t n = gen.count(4); n > 0; --n) m.m_s64[gen.i64()] = text(50);
    m.big = static_cast<std::uint32_t>(gen.u64());
    expect_compatible(m);
    if (::testing::Test::HasFailure()) break;
  }
}

}  // namespace
}  // namespace synod::wire
