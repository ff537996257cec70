// A per-peer queue of encoded frames bounded in messages and bytes. push() refuses (the caller
// drops and counts) rather than grow: send is best-effort by contract, and an unreachable peer must
// not make its sender run out of memory.
#pragma once

#include <cstddef>
#include <deque>

#include "synod/core/assert.hpp"
#include "synod/core/shared_bytes.hpp"
#include "synod/core/types.hpp"

namespace synod::runtime {

// One queued frame: its header (and any small prefix) and its body, written back to back.
struct QueuedFrame {
  Bytes head;
  ByteChain body;
  std::size_t size() const { return head.size() + body.size(); }
};

class SendQueue {
 public:
  SendQueue(std::size_t max_messages, std::size_t max_bytes)
      : max_messages_(max_messages), max_bytes_(max_bytes) {}

  bool push(QueuedFrame frame) {
    if (frames_.size() >= max_messages_ || bytes_ + frame.size() > max_bytes_) return false;
    bytes_ += frame.size();
    frames_.push_back(std::move(frame));
    return true;
  }
  // The hello must precede every queued message on a new connection; not subject to the bounds.
  void push_front(QueuedFrame frame) {
    bytes_ += frame.size();
    frames_.push_front(std::move(frame));
  }
  const QueuedFrame& front() const {
    SYNOD_ASSERT(!frames_.empty());
    return frames_.front();
  }
  const QueuedFrame& at(std::size_t i) const {
    SYNOD_ASSERT(i < frames_.size());
    return frames_[i];
  }
  void pop() {
    SYNOD_ASSERT(!frames_.empty());
    bytes_ -= frames_.front().size();
    frames_.pop_front();
  }
  bool empty() const { return frames_.empty(); }
  std::size_t size() const { return frames_.size(); }
  std::size_t bytes() const { return bytes_; }

 private:
  std::size_t max_messages_;
  std::size_t max_bytes_;
  std::deque<QueuedFrame> frames_;
  std::size_t bytes_ = 0;
};

}  // namespace synod::runtime
