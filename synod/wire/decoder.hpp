// Decoding: decode_message() reads fields into an existing object, which gives protobuf's merge
// semantics for free (a repeated singular scalar: last one wins; a repeated singular message:
// merged; repeated fields: appended). Unknown fields are skipped; a known field with a wire type
// it cannot have is an error rather than silently dropped.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>

#include "synod/wire/field.hpp"
#include "synod/wire/reader.hpp"
#include "synod/wire/scalar.hpp"

namespace synod::wire::detail {

template <typename T>
bool decode_message(Reader& r, T& msg, int depth);

template <typename S, typename V>
bool read_scalar(Reader& r, V& out) {
  typename S::Repr w{};
  if constexpr (S::kWire == WireType::kVarint) {
    if (!r.read_varint(w)) return false;
  } else {
    if (!r.read_fixed(w)) return false;
  }
  out = S::from_wire(w);
  return true;
}

// Reads one value whose wire type the caller has checked. `depth` is the enclosing message's.
template <typename V, typename Option>
bool read_value(Reader& r, V& out, int depth) {
  check_value<V, Option>();
  if constexpr (kValueKind<V, Option> == Kind::kScalar) {
    return read_scalar<Scalar<V, Option>>(r, out);
  } else if constexpr (kValueKind<V, Option> == Kind::kBytes) {
    std::size_t n = 0;
    if (!r.read_length(n)) return false;
    if (n > r.limits().max_string) {
      return r.fail(DecodeErrorKind::kStringTooLong, n, r.limits().max_string);
    }
    if constexpr (std::is_same_v<V, SharedBytes>) {
      out = r.take_shared(n);
      return true;
    } else if constexpr (std::is_same_v<V, std::string>) {
      out.assign(reinterpret_cast<const char*>(r.p), n);
    } else if constexpr (std::is_same_v<V, std::span<const std::uint8_t>>) {
      out = V(r.p, n);  // a view: valid as long as the input
    } else {
      out.assign(r.p, r.p + n);
    }
    r.p += n;
    return true;
  } else {
    std::size_t n = 0;
    if (!r.read_length(n)) return false;
    if (depth + 1 > r.limits().max_depth) {
      return r.fail(DecodeErrorKind::kDepthExceeded,
                    static_cast<std::uint64_t>(std::max(r.limits().max_depth, 0)));
    }
    const std::uint8_t* outer = r.enter(n);
    if (!decode_message(r, out, depth + 1)) return false;
    r.leave(outer);
    return true;
  }
}

inline bool check_wire_type(Reader& r, WireType got, WireType want, bool packed_ok = false) {
  if (got == want) [[likely]]
    return true;
  return r.fail(DecodeErrorKind::kWrongWireType, static_cast<std::uint64_t>(got),
                static_cast<std::uint64_t>(want), packed_ok);
}

inline bool check_repeated(Reader& r, std::size_t have, std::size_t adding = 1) {
  if (adding <= r.limits().max_repeated && have <= r.limits().max_repeated - adding) return true;
  return r.fail(DecodeErrorKind::kTooManyRepeated, r.limits().max_repeated);
}

// A packed run of scalars. The element count is known before parsing (fixed width: length / size;
// varints: one terminating byte each), so the limit is checked and the vector grown once.
template <typename S, typename Vec>
bool read_packed(Reader& r, Vec& out) {
  std::size_t n = 0;
  if (!r.read_length(n)) return false;
  std::size_t count = 0;
  if constexpr (kFixedBytes<S> != 0) {
    if (n % kFixedBytes<S> != 0) {
      return r.fail(DecodeErrorKind::kPackedNotMultiple, n, kFixedBytes<S>);
    }
    count = n / kFixedBytes<S>;
  } else {
    count = static_cast<std::size_t>(
        std::count_if(r.p, r.p + n, [](std::uint8_t b) { return b < 0x80; }));
  }
  if (!check_repeated(r, out.size(), count)) return false;
  if (out.capacity() - out.size() < count) {
    out.reserve(std::max(out.size() + count,
                         2 * out.capacity()));  // geometric: many small runs stay linear
  }
  const std::uint8_t* outer = r.enter(n);
  while (r.p < r.end) {
    typename Vec::value_type v{};
    if (!read_scalar<S>(r, v)) return false;
    out.push_back(v);
  }
  r.leave(outer);
  return true;
}

template <typename Map, typename Option>
bool read_map_entry(Reader& r, Map& out, int depth) {
  using K = typename Map::key_type;
  using V = typename Map::mapped_type;
  using KO = typename MapOptions<Option>::key;
  using VO = typename MapOptions<Option>::value;
  std::size_t n = 0;
  if (!r.read_length(n)) return false;
  const std::uint8_t* outer = r.enter(n);
  K key{};
  V value{};
  while (r.p < r.end) {
    std::uint32_t number = 0;
    WireType wt = WireType::kVarint;
    if (!r.read_tag(number, wt)) return false;
    bool ok = true;
    // Entry fields sit at the map field's depth: entries themselves do not count as nesting.
    if (number == 1) {
      ok = check_wire_type(r, wt, value_wire_type<K, KO>()) && read_value<K, KO>(r, key, depth);
    } else if (number == 2) {
      ok = check_wire_type(r, wt, value_wire_type<V, VO>()) && read_value<V, VO>(r, value, depth);
    } else {
      ok = r.skip_field(number, wt, depth);
    }
    if (!ok) {
      r.error().push_field(number);
      return false;
    }
  }
  r.leave(outer);
  // Last entry for a key wins, as in protobuf.
  auto it = out.lower_bound(key);
  if (it != out.end() && !(out.key_comp()(key, it->first))) {
    it->second = std::move(value);
    return true;
  }
  if (!check_repeated(r, out.size())) return false;
  out.emplace_hint(it, std::move(key), std::move(value));
  return true;
}

template <typename F, typename M>
bool decode_field(Reader& r, M& m, WireType wt, int depth) {
  using Opt = typename F::option;
  if constexpr (is_optional<M>::value) {
    using V = typename M::value_type;
    if (!check_wire_type(r, wt, value_wire_type<V, Opt>())) return false;
    if (!m) m.emplace();
    return read_value<V, Opt>(r, *m, depth);
  } else if constexpr (is_repeated_v<M>) {
    using V = typename M::value_type;
    constexpr WireType W = value_wire_type<V, Opt>();
    if constexpr (kValueKind<V, Opt> == Kind::kScalar) {
      // Accept both packed and unpacked, whatever we would have written (protobuf does too).
      if (wt == WireType::kLen) return read_packed<Scalar<V, Opt>>(r, m);
      if (!check_wire_type(r, wt, W, true)) return false;
      if (!check_repeated(r, m.size())) return false;
      V v{};
      if (!read_value<V, Opt>(r, v, depth)) return false;
      m.push_back(v);
      return true;
    } else {
      if (!check_wire_type(r, wt, W)) return false;
      if (!check_repeated(r, m.size())) return false;
      m.emplace_back();
      return read_value<V, Opt>(r, m.back(), depth);
    }
  } else if constexpr (is_map<M>::value) {
    if (!check_wire_type(r, wt, WireType::kLen)) return false;
    return read_map_entry<M, Opt>(r, m, depth);
  } else {
    if (!check_wire_type(r, wt, value_wire_type<M, Opt>())) return false;
    return read_value<M, Opt>(r, m, depth);
  }
}

template <typename T>
bool decode_message(Reader& r, T& msg, int depth) {
  static_assert(check_message<T>());
  while (r.p < r.end) {
    std::uint32_t number = 0;
    WireType wt = WireType::kVarint;
    if (!r.read_tag(number, wt)) return false;
    bool known = false;
    bool ok = true;
    std::apply(
        [&](const auto&... f) {
          // A chain of compares against compile-time constants (field numbers), stopping at the
          // match.
          (void)((std::remove_cvref_t<decltype(f)>::kNumber == number &&
                  (known = true,
                   ok = decode_field<std::remove_cvref_t<decltype(f)>>(r, msg.*(f.member), wt,
                                                                       depth),
                   true)) ||
                 ...);
        },
        T::kFields);
    if (!known) ok = r.skip_field(number, wt, depth);
    if (!ok) {
      r.error().push_field(number);
      return false;
    }
  }
  return true;
}

}  // namespace synod::wire::detail
