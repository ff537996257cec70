#include "synod/runtime/timer_queue.hpp"

#include <gtest/gtest.h>

#include <asio/post.hpp>

#include <vector>

namespace synod::runtime {
namespace {

using std::chrono::milliseconds;

// Runs the loop until `n` timers fired or two seconds passed.
void run_until_fired(asio::io_context& io, const std::vector<std::uint64_t>& fired, std::size_t n) {
  const auto limit = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  while (fired.size() < n && std::chrono::steady_clock::now() < limit) {
    io.restart();
    io.run_for(milliseconds(5));
  }
}

TEST(TimerQueue, FiresInDeadlineOrderAndSkipsCancelled) {
  asio::io_context io;
  std::vector<std::uint64_t> fired;
  TimerQueue q(io, [&](ProtocolId, std::uint64_t tag) { fired.push_back(tag); });
  q.add(milliseconds(30), 1, 30);
  const TimerId early = q.add(milliseconds(5), 1, 5);  // earlier than the armed one: re-armed
  q.add(milliseconds(15), 1, 15);
  const TimerId later = q.add(milliseconds(20), 1, 20);
  q.cancel(early);  // the wake-up armed for it finds nothing due and waits for the next
  q.cancel(later);
  q.cancel(12345);  // unknown: ignored
  EXPECT_EQ(q.size(), 2U);
  run_until_fired(io, fired, 2);
  EXPECT_EQ(fired, (std::vector<std::uint64_t>{15, 30}));
  EXPECT_EQ(q.size(), 0U);
}

// A timer set from a firing timer runs later, not in the same pass: zero-delay chains cannot
// starve the rest of the loop.
TEST(TimerQueue, TimersSetWhileFiringRunInALaterPass) {
  asio::io_context io;
  std::vector<std::uint64_t> fired;
  int posted_ran = 0;
  TimerQueue* queue = nullptr;
  TimerQueue q(io, [&](ProtocolId, std::uint64_t tag) {
    fired.push_back(tag);
    if (tag < 3) {
      queue->add(milliseconds(0), 1, tag + 1);
      asio::post(io, [&] { ++posted_ran; });
    }
  });
  queue = &q;
  q.add(milliseconds(1), 1, 0);
  run_until_fired(io, fired, 4);
  EXPECT_EQ(fired, (std::vector<std::uint64_t>{0, 1, 2, 3}));
  EXPECT_EQ(posted_ran, 3);
}

TEST(TimerQueue, ClearLetsTheLoopRunOutOfWork) {
  asio::io_context io;
  int fired = 0;
  TimerQueue q(io, [&](ProtocolId, std::uint64_t) { ++fired; });
  q.add(std::chrono::seconds(30), 1, 1);
  q.clear();
  io.run();  // returns at once: nothing left to wait for
  EXPECT_EQ(fired, 0);
  EXPECT_EQ(q.size(), 0U);
}

}  // namespace
}  // namespace synod::runtime
