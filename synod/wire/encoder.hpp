// Encoding: message_size() computes the exact encoded size in one walk, write_message() writes into
// a buffer already sized for it. Both walk kFields in declaration order.
//
// Length prefixes of nested messages are back-patched instead of pre-computed: the body is written
// one byte after the tag, and only if it turns out to be 128 bytes or longer is it moved forward to
// make room for a longer prefix. Small nested messages (the common case: heartbeat entries) cost
// nothing extra and no size is computed twice. The move cannot overrun: the buffer holds the exact
// final size, and the body's final position lies after its provisional one.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <tuple>
#include <type_traits>
#include <vector>

#include "synod/wire/field.hpp"
#include "synod/wire/scalar.hpp"
#include "synod/wire/varint.hpp"

namespace synod::wire::detail {

template <std::uint32_t Number, WireType W>
inline constexpr std::uint64_t kTag = (std::uint64_t{Number} << 3) | static_cast<std::uint64_t>(W);

template <std::uint32_t Number, WireType W>
inline constexpr std::size_t kTagBytes = varint_size(kTag<Number, W>);

template <typename T>
std::size_t message_size(const T& msg);
template <typename T>
std::uint8_t* write_message(std::uint8_t* p, const T& msg);
template <typename T>
bool message_is_empty(const T& msg);

// Writes a length-delimited payload produced by `body(start) -> end` at p (see the file comment).
template <typename Body>
inline std::uint8_t* write_delimited(std::uint8_t* p, Body&& body) {
  std::uint8_t* start = p + 1;
  std::uint8_t* stop = body(start);
  const auto len = static_cast<std::size_t>(stop - start);
  if (len < 0x80) [[likely]] {
    *p = static_cast<std::uint8_t>(len);
    return stop;
  }
  const std::size_t prefix = varint_size(len);
  std::memmove(p + prefix, start, len);
  write_varint(p, len);
  return p + prefix + len;
}

// ---- one value, as it follows its tag (always emitted) ----

template <typename V, typename Option>
std::size_t value_size(const V& v) {
  check_value<V, Option>();
  if constexpr (kValueKind<V, Option> == Kind::kScalar) {
    return scalar_size<Scalar<V, Option>>(v);
  } else if constexpr (kValueKind<V, Option> == Kind::kBytes) {
    return varint_size(v.size()) + v.size();
  } else {
    const std::size_t n = message_size(v);
    return varint_size(n) + n;
  }
}

template <typename V, typename Option>
std::uint8_t* write_value(std::uint8_t* p, const V& v) {
  if constexpr (kValueKind<V, Option> == Kind::kScalar) {
    return write_scalar<Scalar<V, Option>>(p, v);
  } else if constexpr (kValueKind<V, Option> == Kind::kBytes) {
    p = write_varint(p, v.size());
    if (!v.empty()) std::memcpy(p, v.data(), v.size());
    return p + v.size();
  } else {
    return write_delimited(p, [&v](std::uint8_t* q) { return write_message(q, v); });
  }
}

// A map entry is a message {key = 1; value = 2}; like libprotobuf we always write both.
template <typename K, typename V, typename KO, typename VO>
std::size_t map_entry_size(const K& k, const V& v) {
  check_map_key<K, KO>();
  return kTagBytes<1, value_wire_type<K, KO>()> + value_size<K, KO>(k) +
         kTagBytes<2, value_wire_type<V, VO>()> + value_size<V, VO>(v);
}

// ---- one field: tag(s) plus value(s), with proto3's rules for what is left out ----

template <typename F, typename M>
std::size_t field_size(const M& m) {
  constexpr std::uint32_t N = F::kNumber;
  using Opt = typename F::option;
  if constexpr (is_optional<M>::value) {
    using V = typename M::value_type;
    return m ? kTagBytes<N, value_wire_type<V, Opt>()> + value_size<V, Opt>(*m) : 0;
  } else if constexpr (is_repeated_v<M>) {
    using V = typename M::value_type;
    constexpr WireType W = value_wire_type<V, Opt>();
    if (m.empty()) return 0;
    if constexpr (kValueKind<V, Opt> == Kind::kScalar) {  // packed
      std::size_t payload = 0;
      if constexpr (kFixedBytes<Scalar<V, Opt>> != 0) {
        payload = m.size() * kFixedBytes<Scalar<V, Opt>>;
      } else {
        for (const V x : m) payload += scalar_size<Scalar<V, Opt>>(x);
      }
      return kTagBytes<N, WireType::kLen> + varint_size(payload) + payload;
    } else {
      std::size_t n = m.size() * kTagBytes<N, W>;
      for (const auto& x : m) n += value_size<V, Opt>(x);
      return n;
    }
  } else if constexpr (is_map<M>::value) {
    using KO = typename MapOptions<Opt>::key;
    using VO = typename MapOptions<Opt>::value;
    std::size_t n = m.size() * kTagBytes<N, WireType::kLen>;
    for (const auto& [k, v] : m) {
      const std::size_t e =
          map_entry_size<typename M::key_type, typename M::mapped_type, KO, VO>(k, v);
      n += varint_size(e) + e;
    }
    return n;
  } else if constexpr (kValueKind<M, Opt> == Kind::kMessage) {
    const std::size_t n = message_size(m);  // an empty nested message is left out
    return n == 0 ? 0 : kTagBytes<N, WireType::kLen> + varint_size(n) + n;
  } else if constexpr (kValueKind<M, Opt> == Kind::kBytes) {
    return m.empty() ? 0 : kTagBytes<N, WireType::kLen> + value_size<M, Opt>(m);
  } else {
    check_value<M, Opt>();
    using S = Scalar<M, Opt>;
    return scalar_is_default<S>(m) ? 0 : kTagBytes<N, S::kWire> + scalar_size<S>(m);
  }
}

template <typename F, typename M>
std::uint8_t* write_field(std::uint8_t* p, const M& m) {
  constexpr std::uint32_t N = F::kNumber;
  using Opt = typename F::option;
  if constexpr (is_optional<M>::value) {
    using V = typename M::value_type;
    if (!m) return p;
    p = write_varint(p, kTag<N, value_wire_type<V, Opt>()>);
    return write_value<V, Opt>(p, *m);
  } else if constexpr (is_repeated_v<M>) {
    using V = typename M::value_type;
    constexpr WireType W = value_wire_type<V, Opt>();
    if (m.empty()) return p;
    if constexpr (kValueKind<V, Opt> == Kind::kScalar) {  // packed
      using S = Scalar<V, Opt>;
      p = write_varint(p, kTag<N, WireType::kLen>);
      auto elements = [&m](std::uint8_t* q) {
        for (const V x : m) q = write_scalar<S>(q, x);
        return q;
      };
      if constexpr (kFixedBytes<S> != 0) {
        return elements(write_varint(p, m.size() * kFixedBytes<S>));
      } else {
        return write_delimited(p, elements);  // varint sizes vary: back-patch, don't sum twice
      }
    } else {
      for (const auto& x : m) {
        p = write_varint(p, kTag<N, W>);
        p = write_value<V, Opt>(p, x);
      }
      return p;
    }
  } else if constexpr (is_map<M>::value) {
    using K = typename M::key_type;
    using V = typename M::mapped_type;
    using KO = typename MapOptions<Opt>::key;
    using VO = typename MapOptions<Opt>::value;
    for (const auto& kv : m) {
      p = write_varint(p, kTag<N, WireType::kLen>);
      p = write_delimited(p, [&kv](std::uint8_t* q) {
        q = write_varint(q, kTag<1, value_wire_type<K, KO>()>);
        q = write_value<K, KO>(q, kv.first);
        q = write_varint(q, kTag<2, value_wire_type<V, VO>()>);
        return write_value<V, VO>(q, kv.second);
      });
    }
    return p;
  } else if constexpr (kValueKind<M, Opt> == Kind::kMessage) {
    // Decide before writing: a speculative tag could run past the exactly-sized buffer.
    if (message_is_empty(m)) return p;
    p = write_varint(p, kTag<N, WireType::kLen>);
    return write_value<M, Opt>(p, m);
  } else if constexpr (kValueKind<M, Opt> == Kind::kBytes) {
    if (m.empty()) return p;
    p = write_varint(p, kTag<N, WireType::kLen>);
    return write_value<M, Opt>(p, m);
  } else {
    using S = Scalar<M, Opt>;
    if (scalar_is_default<S>(m)) return p;
    p = write_varint(p, kTag<N, S::kWire>);
    return write_scalar<S>(p, m);
  }
}

// True when message_size(msg) == 0, usually decided by the first field without a full walk.
template <typename F, typename M>
bool field_is_empty(const M& m) {
  using Opt = typename F::option;
  if constexpr (is_optional<M>::value) {
    return !m.has_value();
  } else if constexpr (is_repeated_v<M> || is_map<M>::value || kValueKind<M, Opt> == Kind::kBytes) {
    return m.empty();
  } else if constexpr (kValueKind<M, Opt> == Kind::kMessage) {
    return message_is_empty(m);
  } else {
    return scalar_is_default<Scalar<M, Opt>>(m);
  }
}

template <typename T>
bool message_is_empty(const T& msg) {
  return std::apply(
      [&msg](const auto&... f) {
        return (field_is_empty<std::remove_cvref_t<decltype(f)>>(msg.*(f.member)) && ...);
      },
      T::kFields);
}

template <typename T>
std::size_t message_size(const T& msg) {
  static_assert(check_message<T>());
  return std::apply(
      [&msg](const auto&... f) {
        return (std::size_t{0} + ... +
                field_size<std::remove_cvref_t<decltype(f)>>(msg.*(f.member)));
      },
      T::kFields);
}

template <typename T>
std::uint8_t* write_message(std::uint8_t* p, const T& msg) {
  static_assert(check_message<T>());
  std::apply(
      [&msg, &p](const auto&... f) {
        ((p = write_field<std::remove_cvref_t<decltype(f)>>(p, msg.*(f.member))), ...);
      },
      T::kFields);
  return p;
}

// ---- encode_chain: top-level SharedBytes fields spliced in as pieces instead of copied ----

// Where a spliced value goes: after `at` bytes of the owned buffer.
struct Splice {
  std::size_t at;
  const SharedBytes* value;
};

template <typename M>
inline constexpr bool is_splice_candidate_v =
    std::is_same_v<M, SharedBytes> || std::is_same_v<M, std::optional<SharedBytes>> ||
    std::is_same_v<M, std::vector<SharedBytes>>;

// Calls f(value) for each SharedBytes that a top-level field of type M writes (none for others).
template <typename M, typename F>
void for_each_shared(const M& m, F&& f) {
  if constexpr (std::is_same_v<M, SharedBytes>) {
    if (!m.empty()) f(m);  // a plain empty field is not written at all
  } else if constexpr (std::is_same_v<M, std::optional<SharedBytes>>) {
    if (m) f(*m);
  } else if constexpr (std::is_same_v<M, std::vector<SharedBytes>>) {
    for (const auto& x : m) f(x);
  }
}

// Payload bytes of field m that encode_chain splices rather than copies.
template <typename M>
std::size_t spliced_size(const M& m, std::size_t min_splice) {
  std::size_t n = 0;
  for_each_shared(m, [&](const SharedBytes& v) { n += v.size() >= min_splice ? v.size() : 0; });
  return n;
}

// write_field for a top-level field, except that each SharedBytes value of at least min_splice
// bytes gets only its tag and length written, and its position recorded in `splices`. Everything
// else goes through write_field unchanged, so the two encodings cannot drift apart.
template <typename F, typename M>
std::uint8_t* write_field_chain(std::uint8_t* p, const M& m, std::size_t min_splice,
                                const std::uint8_t* base, std::vector<Splice>& splices) {
  if constexpr (!is_splice_candidate_v<M>) {
    return write_field<F>(p, m);
  } else {
    for_each_shared(m, [&](const SharedBytes& v) {
      p = write_varint(p, kTag<F::kNumber, WireType::kLen>);
      if (v.size() < min_splice) {
        p = write_value<SharedBytes, typename F::option>(p, v);
      } else {
        p = write_varint(p, v.size());
        splices.push_back({static_cast<std::size_t>(p - base), &v});
      }
    });
    return p;
  }
}

}  // namespace synod::wire::detail
