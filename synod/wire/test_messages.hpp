// Test-only message types shared by the codec tests, the libprotobuf compatibility test and the
// decode fuzzer. AllTypes mirrors testdata/reference.proto field for field; SharedPayload mirrors a
// subset of it with SharedBytes in every position the codec allows.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "synod/core/shared_bytes.hpp"
#include "synod/core/types.hpp"
#include "synod/wire/field.hpp"

namespace synod::wire::testing {

// The heartbeat-style example from the codec's brief.
struct Entry {
  std::uint32_t node = 0;
  std::uint64_t counter = 0;
  std::int64_t delta = 0;
  std::string name;
  bool operator==(const Entry&) const = default;
  static constexpr auto kFields =
      std::make_tuple(field<1>(&Entry::node), field<2>(&Entry::counter),
                      field<3, zigzag>(&Entry::delta), field<4>(&Entry::name));
};

struct Gossip {
  std::vector<Entry> entries;
  std::optional<std::uint64_t> round;
  Bytes blob;
  bool operator==(const Gossip&) const = default;
  static constexpr auto kFields = std::make_tuple(
      field<1>(&Gossip::entries), field<2>(&Gossip::round), field<3>(&Gossip::blob));
};

enum class Color : std::int32_t { kUnspecified = 0, kRed = 1, kGreen = 2, kNegative = -1 };

struct Inner {
  std::uint32_t id = 0;
  std::string label;
  std::int64_t delta = 0;
  bool operator==(const Inner&) const = default;
  static constexpr auto kFields = std::make_tuple(field<1>(&Inner::id), field<2>(&Inner::label),
                                                  field<3, zigzag>(&Inner::delta));
};

struct AllTypes {
  bool b = false;
  std::uint32_t u32 = 0;
  std::uint64_t u64 = 0;
  std::int32_t i32 = 0;
  std::int64_t i64 = 0;
  std::int32_t s32 = 0;
  std::int64_t s64 = 0;
  std::uint32_t f32 = 0;
  std::uint64_t f64 = 0;
  std::int32_t sf32 = 0;
  std::int64_t sf64 = 0;
  float fl = 0;
  double db = 0;
  std::string str;
  Bytes byt;
  Color color = Color::kUnspecified;
  Inner inner;
  std::vector<std::uint32_t> r_u32;
  std::vector<std::int64_t> r_s64;
  std::vector<std::uint32_t> r_f32;
  std::vector<double> r_db;
  std::vector<bool> r_b;
  std::vector<std::string> r_str;
  std::vector<Bytes> r_byt;
  std::vector<Inner> r_inner;
  std::vector<Color> r_color;
  std::optional<std::uint64_t> o_u64;
  std::optional<std::string> o_str;
  std::optional<Inner> o_inner;
  std::map<std::string, std::uint64_t> m_str;
  std::map<std::uint32_t, Inner> m_inner;
  std::map<std::int64_t, std::string> m_s64;
  std::vector<std::int32_t> r_i32;
  std::optional<bool> o_b;
  std::vector<std::int64_t> r_sf64;
  std::vector<float> r_fl;
  std::uint32_t big = 0;

  // Floats compare by value here; tests that need NaN use bit comparisons on the encoding.
  bool operator==(const AllTypes&) const = default;
  static constexpr auto kFields = std::make_tuple(
      field<1>(&AllTypes::b), field<2>(&AllTypes::u32), field<3>(&AllTypes::u64),
      field<4>(&AllTypes::i32), field<5>(&AllTypes::i64), field<6, zigzag>(&AllTypes::s32),
      field<7, zigzag>(&AllTypes::s64), field<8, fixed>(&AllTypes::f32),
      field<9, fixed>(&AllTypes::f64), field<10, fixed>(&AllTypes::sf32),
      field<11, fixed>(&AllTypes::sf64), field<12>(&AllTypes::fl), field<13>(&AllTypes::db),
      field<14>(&AllTypes::str), field<15>(&AllTypes::byt), field<16>(&AllTypes::color),
      field<17>(&AllTypes::inner), field<18>(&AllTypes::r_u32), field<19, zigzag>(&AllTypes::r_s64),
      field<20, fixed>(&AllTypes::r_f32), field<21>(&AllTypes::r_db), field<22>(&AllTypes::r_b),
      field<23>(&AllTypes::r_str), field<24>(&AllTypes::r_byt), field<25>(&AllTypes::r_inner),
      field<26>(&AllTypes::r_color), field<27>(&AllTypes::o_u64), field<28>(&AllTypes::o_str),
      field<29>(&AllTypes::o_inner), field<30>(&AllTypes::m_str), field<31>(&AllTypes::m_inner),
      field<32, map_of<zigzag, plain>>(&AllTypes::m_s64), field<33>(&AllTypes::r_i32),
      field<34>(&AllTypes::o_b), field<35, fixed>(&AllTypes::r_sf64), field<36>(&AllTypes::r_fl),
      field<kMaxFieldNumber>(&AllTypes::big));
};

// A recursive message: decoding it is bounded only by Limits::max_depth.
struct Tree {
  std::int32_t value = 0;
  std::vector<Tree> children;
  std::map<std::string, Inner> attrs;
  bool operator==(const Tree&) const = default;
  static constexpr auto kFields =
      std::make_tuple(field<1>(&Tree::value), field<2>(&Tree::children), field<3>(&Tree::attrs));
};

// Inner with a SharedBytes label (proto `string label = 2`: keep it ASCII for libprotobuf).
struct SharedInner {
  std::uint32_t id = 0;
  SharedBytes label;
  bool operator==(const SharedInner&) const = default;
  static constexpr auto kFields =
      std::make_tuple(field<1>(&SharedInner::id), field<2>(&SharedInner::label));
};

// SharedBytes plain, nested, repeated, optional and as a map value. Numbers and proto types are
// AllTypes' (u32 2, byt 15, inner 17, r_byt 24, r_inner 25, o_str 28, o_inner 29, m_s64 32, big
// 2^29-1), so the same bytes parse as reference.proto's AllTypes; u32 and big put ordinary fields
// before and after the payloads.
struct SharedPayload {
  std::uint32_t u32 = 0;
  SharedBytes byt;
  SharedInner inner;
  std::vector<SharedBytes> r_byt;
  std::vector<SharedInner> r_inner;
  std::optional<SharedBytes> o_str;
  std::optional<SharedInner> o_inner;
  std::map<std::int64_t, SharedBytes> m_s64;
  std::uint32_t big = 0;
  bool operator==(const SharedPayload&) const = default;
  static constexpr auto kFields = std::make_tuple(
      field<2>(&SharedPayload::u32), field<15>(&SharedPayload::byt),
      field<17>(&SharedPayload::inner), field<24>(&SharedPayload::r_byt),
      field<25>(&SharedPayload::r_inner), field<28>(&SharedPayload::o_str),
      field<29>(&SharedPayload::o_inner), field<32, map_of<zigzag, plain>>(&SharedPayload::m_s64),
      field<kMaxFieldNumber>(&SharedPayload::big));
};

}  // namespace synod::wire::testing
