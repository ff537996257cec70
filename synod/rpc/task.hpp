// A minimal C++20 coroutine task for protocol code. Single-threaded by design: a Task starts
// eagerly, runs until its first suspension, and is resumed later by the RPC endpoint from inside
// on_message/on_timer (a reply or a timer). No threads and no executor: the driver's input is the
// only thing that ever resumes a coroutine, so a seed still replays exactly.
//
//   rpc::Task<int> twice(Proxy<Calc> calc) {
//     auto r = co_await calc.call<Calc::kAdd>(AddRequest{1, 2});
//     co_return r ? r->sum * 2 : -1;
//   }
//
// Awaiting a Task resumes the awaiter when it completes (symmetric transfer). Dropping a Task that
// has not finished detaches it: the frame frees itself when the coroutine returns. Exceptions are
// not part of the protocol model: an escaping exception terminates.
#pragma once

#include <coroutine>
#include <exception>
#include <optional>
#include <utility>

#include "synod/core/assert.hpp"

namespace synod::rpc {

template <typename T>
class Task;

namespace detail {

struct TaskPromiseBase {
  std::coroutine_handle<> continuation;
  bool detached = false;

  std::suspend_never initial_suspend() noexcept { return {}; }
  void unhandled_exception() noexcept { std::terminate(); }

  template <typename Promise>
  struct FinalAwaiter {
    bool await_ready() noexcept { return false; }
    std::coroutine_handle<> await_suspend(std::coroutine_handle<Promise> h) noexcept {
      TaskPromiseBase& p = h.promise();
      if (p.continuation) return p.continuation;
      if (p.detached) h.destroy();  // nobody will look at the result
      return std::noop_coroutine();
    }
    void await_resume() noexcept {}
  };
};

template <typename T>
struct TaskPromise : TaskPromiseBase {
  std::optional<T> value;
  Task<T> get_return_object();
  FinalAwaiter<TaskPromise> final_suspend() noexcept { return {}; }
  void return_value(T v) { value.emplace(std::move(v)); }
  T take() { return std::move(*value); }
};

template <>
struct TaskPromise<void> : TaskPromiseBase {
  Task<void> get_return_object();
  FinalAwaiter<TaskPromise> final_suspend() noexcept { return {}; }
  void return_void() {}
  void take() {}
};

}  // namespace detail

template <typename T = void>
class [[nodiscard]] Task {
 public:
  using promise_type = detail::TaskPromise<T>;
  using Handle = std::coroutine_handle<promise_type>;

  Task() = default;
  explicit Task(Handle h) : h_(h) {}
  Task(Task&& o) noexcept : h_(std::exchange(o.h_, {})) {}
  Task& operator=(Task&& o) noexcept {
    if (this != &o) {
      release();
      h_ = std::exchange(o.h_, {});
    }
    return *this;
  }
  Task(const Task&) = delete;
  Task& operator=(const Task&) = delete;
  ~Task() { release(); }

  bool done() const { return !h_ || h_.done(); }
  // The result of a finished task (tests and drivers; coroutines use co_await).
  T result() {
    SYNOD_ASSERT(h_ && h_.done());
    return h_.promise().take();
  }

  bool await_ready() const noexcept { return h_.done(); }
  void await_suspend(std::coroutine_handle<> awaiter) noexcept {
    h_.promise().continuation = awaiter;
  }
  T await_resume() { return h_.promise().take(); }

 private:
  void release() {
    if (!h_) return;
    if (h_.done()) {
      h_.destroy();
    } else {
      h_.promise().detached = true;  // frees itself at final suspend
    }
    h_ = {};
  }
  Handle h_;
};

namespace detail {
template <typename T>
Task<T> TaskPromise<T>::get_return_object() {
  return Task<T>(std::coroutine_handle<TaskPromise<T>>::from_promise(*this));
}
inline Task<void> TaskPromise<void>::get_return_object() {
  return Task<void>(std::coroutine_handle<TaskPromise<void>>::from_promise(*this));
}
}  // namespace detail

// Starts a task nobody awaits: it runs to its first suspension now and frees itself when done.
inline void spawn(Task<void> task) { (void)task; }

}  // namespace synod::rpc
