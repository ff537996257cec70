// The one idiom for reaching the Context. Every input (on_start, on_message, on_timer, ...) is
// handed its Context and passes it down as a parameter. Code reached from inside an input that
// cannot take a parameter (an RPC app's callback or coroutine, a lock algorithm calling its
// host) reads it from an InputContext instead, which holds the Context for the input's scope
// only: outside an input it is empty, and using it then is a bug (asserted), so a Context is
// never kept past the input it belongs to.
//
//   void on_timer(Context& ctx, std::uint64_t tag) override {
//     const InputContext::Scope scope(input_, ctx);
//     algorithm_->tick();          // may call input_.get().send(...)
//   }
#pragma once

#include "synod/core/assert.hpp"
#include "synod/node/context.hpp"

namespace synod {

class InputContext {
 public:
  // Sets the context for one input; restores what it found, because an input may run nested
  // inside another (the runtime delivers a posted wake-up while one is being handled).
  class Scope {
   public:
    Scope(InputContext& slot, Context& ctx) : slot_(slot), saved_(slot.ctx_) { slot_.ctx_ = &ctx; }
    ~Scope() { slot_.ctx_ = saved_; }
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;

   private:
    InputContext& slot_;
    Context* saved_;
  };

  Context& get() const {
    SYNOD_ASSERT(ctx_ != nullptr);  // only inside an input
    return *ctx_;
  }
  bool active() const { return ctx_ != nullptr; }

 private:
  Context* ctx_ = nullptr;
};

}  // namespace synod
