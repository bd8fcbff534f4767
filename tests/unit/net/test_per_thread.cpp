// One object per thread, made on first use and destroyed at thread exit (lib/net/per_thread.hpp).

#include <doctest/doctest.h>

#include <atomic>
#include <thread>

#include "net/per_thread.hpp"

using httpxx::detail::PerThread;

namespace {

struct Counted {
  static inline std::atomic<int> alive{0};
  int value = 0;
  Counted() { ++alive; }
  ~Counted() { --alive; }
  Counted(const Counted&) = delete;
  Counted& operator=(const Counted&) = delete;
};

}  // namespace

TEST_CASE("a thread's object is made on first use, is the same afterwards, and is its own") {
  std::thread([] {
    CHECK(PerThread<Counted>::get() == nullptr);   // nothing until it is asked for
    Counted* const made = PerThread<Counted>::get_or_make();
    REQUIRE(made != nullptr);
    made->value = 7;
    CHECK(PerThread<Counted>::get() == made);
    CHECK(PerThread<Counted>::get_or_make() == made);
    Counted* other = nullptr;
    std::thread([&other] { other = PerThread<Counted>::get_or_make(); }).join();
    CHECK(other != nullptr);
    CHECK(other != made);                           // another thread's, destroyed with it
    CHECK(made->value == 7);
  }).join();
  CHECK(Counted::alive == 0);                       // both destroyed at their threads' exit
}

namespace {

// A thread-local object destroyed after the thread's PerThread<Counted> (constructed before it),
// as a client held in a thread_local variable is: what it sees of the object in its destructor.
struct SeenAtExit {
  bool* got_null;
  int* alive_then;
  ~SeenAtExit() {
    *got_null = PerThread<Counted>::get() == nullptr && PerThread<Counted>::get_or_make() == nullptr;
    *alive_then = Counted::alive;
  }
};

}  // namespace

TEST_CASE("once a thread's exit has destroyed its object, no new one is made") {
  bool got_null = false;
  int alive_then = -1;
  std::thread([&] {
    thread_local SeenAtExit seen{&got_null, &alive_then};   // constructed first, destroyed last
    static_cast<void>(&seen);
    REQUIRE(PerThread<Counted>::get_or_make() != nullptr);
  }).join();
  CHECK(got_null);
  CHECK(alive_then == 0);   // the object was gone, and none was made again (ASan: no leak)
}
