// The request pool on its own: tasks run, the queue bound holds, a task
// past its deadline is written off, and stopping the pool never waits
// longer than the work still running.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <thread>

#include "http/request_pool.hpp"

namespace nexus::host::http {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

RequestPool::Limits limits(unsigned min_workers, unsigned max_workers, unsigned queue_limit) {
  return {.min_workers = min_workers, .max_workers = max_workers, .queue_limit = queue_limit, .idle_retire = 30s};
}

TEST(RequestPool, RunsEverySubmittedTask) {
  std::atomic<int> ran{0};
  {
    RequestPool pool(limits(2, 4, 64));
    for (int i = 0; i < 50; ++i) {
      ASSERT_TRUE(pool.submit({.run = [&] { ++ran; }}));
    }
  }  // the destructor runs what is still queued
  EXPECT_EQ(ran.load(), 50);
}

// The shutdown hang CI found: the watchdog slept until the deadline of a
// call that had already returned (nobody told it), so stopping the server
// took as long as the request timeout instead of as long as the request.
TEST(RequestPool, StoppingWaitsForRunningWorkNotForItsDeadline) {
  std::promise<void> started;
  std::promise<void> release;
  auto pool = std::make_unique<RequestPool>(limits(1, 2, 8));
  ASSERT_TRUE(pool->submit({.run =
                                [&, gate = release.get_future().share()] {
                                  started.set_value();
                                  gate.wait();
                                },
                            .deadline = Clock::now() + 30s}));
  started.get_future().wait();
  std::thread finisher([&] {
    std::this_thread::sleep_for(200ms);  // the destructor is waiting by now
    release.set_value();
  });
  const auto begin = Clock::now();
  pool.reset();
  const auto took = Clock::now() - begin;
  finisher.join();
  EXPECT_LT(took, 5s) << "the pool waited for the task's deadline, not for the task";
}

TEST(RequestPool, FullQueueRefusesMoreWork) {
  std::promise<void> release;
  auto gate = release.get_future().share();
  RequestPool pool(limits(1, 1, 2));
  std::atomic<int> ran{0};
  auto blocked = [&, gate] {
    gate.wait();
    ++ran;
  };
  ASSERT_TRUE(pool.submit({.run = blocked}));
  // The one worker may not have taken the first task yet; fill until refused.
  int accepted = 1;
  while (accepted < 10 && pool.submit({.run = blocked})) ++accepted;
  EXPECT_LE(accepted, 3) << "one worker and a queue of two take at most three tasks";
  EXPECT_GE(accepted, 2);
  EXPECT_GE(pool.stats().rejected_total, 1u);
  release.set_value();
}

TEST(RequestPool, OverrunTaskIsAnsweredAndItsWorkerReplaced) {
  std::promise<void> release;
  auto gate = release.get_future().share();
  std::promise<void> overran;
  RequestPool pool(limits(1, 2, 8));
  ASSERT_TRUE(pool.submit({.run = [gate] { gate.wait(); },
                           .overrun = [&] { overran.set_value(); },
                           .deadline = Clock::now() + 100ms}));
  ASSERT_EQ(overran.get_future().wait_for(5s), std::future_status::ready);
  // The stuck worker no longer counts; new work still runs.
  std::promise<void> second;
  ASSERT_TRUE(pool.submit({.run = [&] { second.set_value(); }}));
  EXPECT_EQ(second.get_future().wait_for(5s), std::future_status::ready);
  EXPECT_EQ(pool.stats().written_off_total, 1u);
  release.set_value();
}

// The watchdog is woken only for a deadline earlier than the one it sleeps
// until: a task with a short deadline, taken while it sleeps for a long
// one, must still be written off on time; tasks with later deadlines are
// written off when it wakes for the earliest.
TEST(RequestPool, AnEarlierDeadlineWakesTheWatchdogAndLaterOnesAreStillKept) {
  std::promise<void> release;
  auto gate = release.get_future().share();
  RequestPool pool(limits(4, 4, 8));
  std::promise<void> long_started;
  ASSERT_TRUE(pool.submit({.run = [&, gate] { long_started.set_value(); gate.wait(); },
                           .deadline = Clock::now() + 60s}));
  long_started.get_future().wait();  // the watchdog now sleeps until +60 s

  std::promise<Clock::time_point> short_overran;
  const auto short_start = Clock::now();
  ASSERT_TRUE(pool.submit({.run = [gate] { gate.wait(); },
                           .overrun = [&] { short_overran.set_value(Clock::now()); },
                           .deadline = short_start + 200ms}));
  auto short_future = short_overran.get_future();
  ASSERT_EQ(short_future.wait_for(5s), std::future_status::ready) << "the earlier deadline was not noticed";
  EXPECT_LT(short_future.get() - short_start, 3s);

  // +300 ms (earlier than the 60 s it sleeps for: woken) and +500 ms (later
  // than 300 ms: not woken, found when it wakes for the first): both go.
  std::atomic<int> overran{0};
  const auto now = Clock::now();
  for (const auto delay : {300ms, 500ms})
    ASSERT_TRUE(pool.submit({.run = [gate] { gate.wait(); }, .overrun = [&] { ++overran; }, .deadline = now + delay}));
  for (int i = 0; i < 100 && overran.load() < 2; ++i) std::this_thread::sleep_for(50ms);
  EXPECT_EQ(overran.load(), 2);
  EXPECT_EQ(pool.stats().written_off_total, 3u);
  release.set_value();
}

}  // namespace
}  // namespace nexus::host::http
