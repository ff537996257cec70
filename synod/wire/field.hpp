// Field descriptors: how a C++ struct declares its protobuf schema.
//
//   struct Entry {
//     std::uint32_t node = 0;
//     std::int64_t delta = 0;
//     static constexpr auto kFields = std::make_tuple(
//         wire::field<1>(&Entry::node), wire::field<3, wire::zigzag>(&Entry::delta));
//   };
//
// The field number and encoding live in the descriptor's *type*, so the codec dispatches on them at
// compile time and checks the schema with static_assert (numbers unique and in range). Checks that
// need the member type to be complete (is it a message? a supported scalar?) wait until the codec
// is instantiated, so that a message may contain std::vector of itself.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "synod/core/shared_bytes.hpp"

namespace synod::wire {

enum class WireType : std::uint8_t {
  kVarint = 0,
  kI64 = 1,
  kLen = 2,
  kStartGroup = 3,  // deprecated groups: skipped when unknown, never produced
  kEndGroup = 4,
  kI32 = 5,
};

// Largest field number protobuf allows (the tag is number << 3 in 32 bits).
inline constexpr std::uint32_t kMaxFieldNumber = (1U << 29) - 1;

// Encoding options, given as field<N, Option>. They select the proto type for an integer member:
//   (none)  int32/int64/uint32/uint64/bool/enum -> varint; float/double -> fixed32/fixed64
//   zigzag  int32/int64 -> sint32/sint64
//   fixed   uint32/uint64 -> fixed32/fixed64, int32/int64 -> sfixed32/sfixed64
// For std::vector<T> and std::optional<T> the option applies to T. For std::map<K, V> use
// map_of<KeyOption, ValueOption>.
struct plain {};
struct zigzag {};
struct fixed {};
template <typename KeyOption = plain, typename ValueOption = plain>
struct map_of {};

template <std::uint32_t Number, typename Option, typename Class, typename Member>
struct Field {
  static constexpr std::uint32_t kNumber = Number;
  using option = Option;
  using member_type = Member;
  Member Class::*member;
};

template <std::uint32_t Number, typename Option = plain, typename Class, typename Member>
constexpr Field<Number, Option, Class, Member> field(Member Class::*member) {
  static_assert(Number >= 1 && Number <= kMaxFieldNumber,
                "protobuf field numbers must be in [1, 2^29-1]");
  return {member};
}

// A message is any type that declares `static constexpr auto kFields = std::make_tuple(...)`.
template <typename T>
concept Message = requires {
  std::tuple_size<std::remove_cv_t<decltype(T::kFields)>>::value;
};

template <typename T>
using fields_t = std::remove_cv_t<decltype(T::kFields)>;

namespace detail {

template <typename Tuple>
struct FieldNumbers;
template <typename... F>
struct FieldNumbers<std::tuple<F...>> {
  static constexpr std::size_t kCount = sizeof...(F);
  static constexpr std::array<std::uint32_t, kCount> kList = {F::kNumber...};
};

template <typename T>
consteval bool field_numbers_unique() {
  using N = FieldNumbers<fields_t<T>>;
  for (std::size_t i = 0; i < N::kCount; ++i) {
    for (std::size_t j = i + 1; j < N::kCount; ++j) {
      if (N::kList[i] == N::kList[j]) return false;
    }
  }
  return true;
}

template <typename T>
struct is_vector : std::false_type {};
template <typename T, typename A>
struct is_vector<std::vector<T, A>> : std::true_type {};

template <typename T>
struct is_optional : std::false_type {};
template <typename T>
struct is_optional<std::optional<T>> : std::true_type {};

template <typename T>
struct is_map : std::false_type {};
template <typename K, typename V, typename C, typename A>
struct is_map<std::map<K, V, C, A>> : std::true_type {};

// std::string and Bytes (std::vector<uint8_t>) are both length-delimited byte strings; a vector of
// bytes is therefore never treated as `repeated uint32`.
// ByteView (std::span<const uint8_t>) encodes like bytes and decodes as a view into the input:
// only for structs that do not outlive the buffer they were decoded from.
// SharedBytes encodes like bytes too; decoded from a SharedBytes it may alias the input while
// sharing its owner, so it stays valid on its own (see codec.hpp).
template <typename T>
inline constexpr bool is_bytes_v =
    std::is_same_v<T, std::string> || std::is_same_v<T, std::vector<std::uint8_t>> ||
    std::is_same_v<T, std::span<const std::uint8_t>> || std::is_same_v<T, SharedBytes>;

template <typename T>
inline constexpr bool is_repeated_v = is_vector<T>::value && !is_bytes_v<T>;

}  // namespace detail

// Checked wherever the codec is instantiated for T (encode, encoded_size, decode).
template <typename T>
constexpr bool check_message() {
  static_assert(Message<T>,
                "a wire message needs `static constexpr auto kFields = "
                "std::make_tuple(wire::field<N>(&T::member), ...)`");
  static_assert(detail::field_numbers_unique<T>(), "duplicate field number in kFields");
  return true;
}

}  // namespace synod::wire
