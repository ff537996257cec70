// The result of starting a call: an awaitable for coroutines and a future for everyone else.
// The call is already under way when a PendingCall exists (calls start eagerly), so its id can be
// cancelled before it is awaited, and a sync facade can poll ready() while driving the event loop.
#pragma once

#include <coroutine>
#include <memory>
#include <optional>
#include <utility>

#include "synod/core/status.hpp"

namespace synod::rpc {

using CallId = std::uint64_t;

template <typename T>
struct CallState {
  std::optional<Result<T>> result;
  std::coroutine_handle<> waiter;

  // Called exactly once by the endpoint. Resumes an awaiting coroutine, if any.
  void complete(Result<T> r) {
    result.emplace(std::move(r));
    if (auto h = std::exchange(waiter, {})) h.resume();
  }
};

template <typename T>
class [[nodiscard]] PendingCall {
 public:
  PendingCall(std::shared_ptr<CallState<T>> state, CallId id) : state_(std::move(state)), id_(id) {}

  CallId id() const { return id_; }
  bool ready() const { return state_->result.has_value(); }
  // The outcome once ready() (sync facades poll ready() while running the driver).
  Result<T>& result() { return *state_->result; }

  bool await_ready() const noexcept { return ready(); }
  void await_suspend(std::coroutine_handle<> h) noexcept { state_->waiter = h; }
  Result<T> await_resume() { return std::move(*state_->result); }

 private:
  std::shared_ptr<CallState<T>> state_;
  CallId id_;
};

}  // namespace synod::rpc
