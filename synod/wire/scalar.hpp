// Scalar mapping: which proto type (and wire type) a C++ scalar member becomes, and the conversion
// between the member value and the raw wire integer. Encoder and decoder both build on this, so
// the two directions cannot disagree.
#pragma once

#include <bit>
#include <cstdint>
#include <type_traits>

#include "synod/wire/field.hpp"
#include "synod/wire/varint.hpp"

namespace synod::wire::detail {

template <typename T>
inline constexpr bool always_false_v = false;

template <typename T>
inline constexpr bool is_int_v = std::is_integral_v<T> && !std::is_same_v<T, bool>;

// Primary template: not a scalar under this option.
template <typename T, typename Option>
struct Scalar {
  static constexpr bool kSupported = false;
};

// bool, integers and enums as varints (bool, int32/64, uint32/64, enum).
template <typename T>
requires std::is_integral_v<T> || std::is_enum_v<T>
struct Scalar<T, plain> {
  static constexpr bool kSupported = true;
  static constexpr WireType kWire = WireType::kVarint;
  using Repr = std::uint64_t;
  static constexpr Repr to_wire(T v) {
    if constexpr (std::is_same_v<T, bool>) {
      return v ? 1 : 0;
    } else if constexpr (std::is_enum_v<T>) {
      return Scalar<std::underlying_type_t<T>, plain>::to_wire(
          static_cast<std::underlying_type_t<T>>(v));
    } else if constexpr (std::is_signed_v<T>) {
      // Sign-extend like protobuf's int32: a negative value takes 10 bytes.
      return static_cast<std::uint64_t>(static_cast<std::int64_t>(v));
    } else {
      return static_cast<std::uint64_t>(v);
    }
  }
  static constexpr T from_wire(Repr w) {
    if constexpr (std::is_same_v<T, bool>) {
      return w != 0;  // protobuf reads any non-zero varint as true
    } else if constexpr (std::is_enum_v<T>) {
      // Open enums, as in proto3: unknown values are kept. Declare enums with a fixed underlying
      // type (enum class E : std::int32_t) so every value is representable.
      return static_cast<T>(Scalar<std::underlying_type_t<T>, plain>::from_wire(w));
    } else {
      return static_cast<T>(w);  // truncates to the member's width, as protobuf does for int32
    }
  }
};

// sint32 / sint64.
template <typename T>
requires is_int_v<T> && std::is_signed_v<T>
struct Scalar<T, zigzag> {
  static constexpr bool kSupported = true;
  static constexpr WireType kWire = WireType::kVarint;
  using Repr = std::uint64_t;
  static constexpr Repr to_wire(T v) {
    if constexpr (sizeof(T) <= 4) {
      return zigzag_encode32(static_cast<std::int32_t>(v));
    } else {
      return zigzag_encode64(v);
    }
  }
  static constexpr T from_wire(Repr w) {
    if constexpr (sizeof(T) <= 4) {
      return static_cast<T>(zigzag_decode32(static_cast<std::uint32_t>(w)));
    } else {
      return zigzag_decode64(w);
    }
  }
};

// fixed32 / fixed64 / sfixed32 / sfixed64.
template <typename T>
requires is_int_v<T> &&(sizeof(T) == 4 || sizeof(T) == 8) struct Scalar<T, fixed> {
  static constexpr bool kSupported = true;
  static constexpr WireType kWire = sizeof(T) == 4 ? WireType::kI32 : WireType::kI64;
  using Repr = std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t>;
  static constexpr Repr to_wire(T v) { return static_cast<Repr>(v); }
  static constexpr T from_wire(Repr w) { return static_cast<T>(w); }
};

// float / double are always fixed-width (IEEE-754 bits).
template <typename T>
requires std::is_same_v<T, float> || std::is_same_v<T, double>
struct Scalar<T, plain> {
  static constexpr bool kSupported = true;
  static constexpr WireType kWire = sizeof(T) == 4 ? WireType::kI32 : WireType::kI64;
  using Repr = std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t>;
  static constexpr Repr to_wire(T v) { return std::bit_cast<Repr>(v); }
  static constexpr T from_wire(Repr w) { return std::bit_cast<T>(w); }
};

template <typename S>
inline constexpr std::size_t kFixedBytes = S::kWire == WireType::kVarint ? 0
                                                                         : sizeof(typename S::Repr);

template <typename S, typename T>
constexpr std::size_t scalar_size(T v) {
  if constexpr (kFixedBytes<S> != 0) {
    return kFixedBytes<S>;
  } else {
    return varint_size(S::to_wire(v));
  }
}

template <typename S, typename T>
inline std::uint8_t* write_scalar(std::uint8_t* p, T v) {
  if constexpr (kFixedBytes<S> != 0) {
    return write_fixed(p, S::to_wire(v));
  } else {
    return write_varint(p, S::to_wire(v));
  }
}

// Proto3 leaves out singular scalars holding their default. Comparing the wire bits (not the value)
// keeps -0.0 on the wire, so it round-trips exactly, as current libprotobuf does.
template <typename S, typename T>
constexpr bool scalar_is_default(T v) {
  return S::to_wire(v) == 0;
}

// What a member type becomes on the wire, decided once for encoder and decoder.
enum class Kind { kScalar, kBytes, kMessage, kUnsupported };

template <typename V, typename Option>
consteval Kind value_kind() {
  if constexpr (Scalar<V, Option>::kSupported) {
    return Kind::kScalar;
  } else if constexpr (is_bytes_v<V> && std::is_same_v<Option, plain>) {
    return Kind::kBytes;
  } else if constexpr (Message<V> && std::is_same_v<Option, plain>) {
    return Kind::kMessage;
  } else {
    return Kind::kUnsupported;
  }
}

template <typename V, typename Option>
inline constexpr Kind kValueKind = value_kind<V, Option>();

// Rejects unsupported (type, option) pairs with a message naming the rule.
template <typename V, typename Option>
constexpr void check_value() {
  static_assert(kValueKind<V, Option> != Kind::kUnsupported,
                "unsupported wire member: use bool, (u)int32/64, enum, float, double, std::string, "
                "Bytes, SharedBytes, a message with kFields, or std::vector/std::optional/std::map "
                "of those; wire::zigzag needs a signed integer, wire::fixed a 32/64-bit integer");
}

template <typename V, typename Option>
constexpr WireType value_wire_type() {
  if constexpr (kValueKind<V, Option> == Kind::kScalar) {
    return Scalar<V, Option>::kWire;
  } else {
    return WireType::kLen;
  }
}

// std::map fields: options for key and value come as wire::map_of<KeyOption, ValueOption>.
template <typename Option>
struct MapOptions {
  static_assert(std::is_same_v<Option, plain>, "std::map fields take wire::map_of<K, V> options");
  using key = plain;
  using value = plain;
};
template <typename KO, typename VO>
struct MapOptions<map_of<KO, VO>> {
  using key = KO;
  using value = VO;
};

// Map keys are limited as in protobuf: integers, bool or strings (no floats, bytes or messages).
template <typename K, typename KeyOption>
constexpr void check_map_key() {
  static_assert((kValueKind<K, KeyOption> == Kind::kScalar && !std::is_floating_point_v<K>) ||
                    std::is_same_v<K, std::string>,
                "std::map keys must be integers, bool or std::string");
}

}  // namespace synod::wire::detail
