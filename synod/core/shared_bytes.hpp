// Immutable bytes shared by reference, and messages made of several such pieces.
//
// SharedBytes is how a large payload crosses the layers without being copied: a received frame's
// buffer is handed to the protocol as one (the decoder aliases large fields into it), a servant
// returns it in its response, the encoder splices it into the outgoing message as a piece of a
// ByteChain, and the transport writes the pieces back to back (scatter-gather). Copying a
// SharedBytes copies a reference; the bytes are never written after construction, so sharing them
// between a retransmission buffer, a send queue and a servant is safe. See docs/adr/0006.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <utility>
#include <vector>

#include "synod/core/assert.hpp"
#include "synod/core/types.hpp"

namespace synod {

class SharedBytes {
 public:
  SharedBytes() = default;
  // Takes ownership of `b` (one allocation for the reference count, no copy of the bytes).
  explicit SharedBytes(Bytes b) {
    if (b.empty()) return;
    auto owned = std::make_shared<const Bytes>(std::move(b));
    data_ = owned->data();
    size_ = owned->size();
    owner_ = std::move(owned);
  }
  // `view` must lie inside storage kept alive by `owner`.
  SharedBytes(std::shared_ptr<const void> owner, ByteView view)
      : owner_(std::move(owner)), data_(view.data()), size_(view.size()) {
    SYNOD_ASSERT(owner_ != nullptr || size_ == 0);
  }
  static SharedBytes copy_of(ByteView b) { return SharedBytes(Bytes(b.begin(), b.end())); }

  const std::uint8_t* data() const { return data_; }
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  const std::uint8_t* begin() const { return data_; }
  const std::uint8_t* end() const { return data_ + size_; }
  ByteView view() const { return {data_, size_}; }
  operator ByteView() const { return view(); }  // NOLINT(google-explicit-constructor)
  const std::shared_ptr<const void>& owner() const { return owner_; }

  // The bytes [offset, offset + n), sharing this one's storage.
  SharedBytes slice(std::size_t offset, std::size_t n) const {
    SYNOD_ASSERT(offset <= size_ && n <= size_ - offset);
    return SharedBytes(owner_, ByteView(data_ + offset, n));
  }
  Bytes to_bytes() const { return Bytes(begin(), end()); }

  friend bool operator==(const SharedBytes& a, const SharedBytes& b) {
    return a.size_ == b.size_ && (a.size_ == 0 || std::memcmp(a.data_, b.data_, a.size_) == 0);
  }

 private:
  std::shared_ptr<const void> owner_;
  const std::uint8_t* data_ = nullptr;
  std::size_t size_ = 0;
};

// One message as pieces written back to back. What a sender builds when part of a message is
// shared (SharedBytes) and should not be copied into a contiguous buffer.
class ByteChain {
 public:
  ByteChain() = default;
  explicit ByteChain(Bytes b) { append(std::move(b)); }
  explicit ByteChain(SharedBytes s) { append(std::move(s)); }

  void append(Bytes b) {
    if (!b.empty()) append(SharedBytes(std::move(b)));
  }
  void append(SharedBytes s) {
    if (s.empty()) return;
    size_ += s.size();
    pieces_.push_back(std::move(s));
  }
  void append(ByteChain other) {
    for (auto& p : other.pieces_) append(std::move(p));
  }

  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  const std::vector<SharedBytes>& pieces() const { return pieces_; }

  // The message as one buffer (a copy; for drivers that cannot write pieces).
  Bytes flatten() const {
    Bytes out;
    out.reserve(size_);
    for (const auto& p : pieces_) out.insert(out.end(), p.begin(), p.end());
    return out;
  }
  // The message as one SharedBytes: the piece itself when there is one, else a flattened copy.
  SharedBytes joined() const {
    if (pieces_.size() == 1) return pieces_.front();
    return SharedBytes(flatten());
  }

 private:
  std::vector<SharedBytes> pieces_;
  std::size_t size_ = 0;
};

}  // namespace synod
