// The per-thread pool of coroutine frames and operations (lib/net/frame_pool.cpp).

#include <doctest/doctest.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <thread>
#include <vector>

#include "net/frame_pool.hpp"

namespace frame_pool = httpxx::detail::frame_pool;

TEST_CASE("a block given back is the next one taken of its size class") {
  void* first = frame_pool::allocate(600);
  std::memset(first, 0xab, 600);
  frame_pool::deallocate(first, 600);
  // 580 and 600 bytes are in the same 64-byte class: the block is reused, not a new one.
  void* second = frame_pool::allocate(580);
  CHECK(second == first);
  frame_pool::deallocate(second, 580);
}

TEST_CASE("blocks of different size classes are kept apart") {
  void* small = frame_pool::allocate(100);
  void* large = frame_pool::allocate(1000);
  frame_pool::deallocate(small, 100);
  frame_pool::deallocate(large, 1000);
  void* large_again = frame_pool::allocate(1000);
  void* small_again = frame_pool::allocate(100);
  CHECK(large_again == large);
  CHECK(small_again == small);
  frame_pool::deallocate(large_again, 1000);
  frame_pool::deallocate(small_again, 100);
}

TEST_CASE("blocks of a class no longer used make room for those in use") {
  // Fill the pool with blocks of one class, far beyond what it keeps...
  std::vector<void*> stale;
  for (int i = 0; i < 200; ++i) stale.push_back(frame_pool::allocate(2000));
  for (void* block : stale) frame_pool::deallocate(block, 2000);
  // ...then a block of another class is still kept: the stale ones are freed for it.
  void* used = frame_pool::allocate(300);
  frame_pool::deallocate(used, 300);
  void* again = frame_pool::allocate(300);
  CHECK(again == used);
  frame_pool::deallocate(again, 300);
}

TEST_CASE("blocks larger than the largest class are allocated and freed directly") {
  void* big = frame_pool::allocate(64 * 1024);
  std::memset(big, 0, 64 * 1024);   // writable whole (ASan checks the bounds)
  frame_pool::deallocate(big, 64 * 1024);
}

TEST_CASE("blocks are aligned as operator new aligns them") {
  for (std::size_t size : {1u, 24u, 63u, 64u, 65u, 977u, 4096u}) {
    void* block = frame_pool::allocate(size);
    CHECK(reinterpret_cast<std::uintptr_t>(block) % __STDCPP_DEFAULT_NEW_ALIGNMENT__ == 0);
    frame_pool::deallocate(block, size);
  }
}

TEST_CASE("a block may be given back on another thread than the one that took it") {
  void* block = frame_pool::allocate(500);
  std::thread([block] {
    void* own = frame_pool::allocate(500);   // this thread's pool is in use from here on
    frame_pool::deallocate(block, 500);       // cached by this thread's pool...
    void* reused = frame_pool::allocate(500);
    CHECK(reused == block);
    frame_pool::deallocate(reused, 500);
    frame_pool::deallocate(own, 500);
  }).join();                                  // ...and freed when the thread exits (ASan checks)
}

TEST_CASE("a thread that never takes a block frees those it gives back at once") {
  void* block = frame_pool::allocate(700);
  std::thread([block] { frame_pool::deallocate(block, 700); }).join();   // ASan reports a leak otherwise
}

TEST_CASE("the allocator adapter takes and gives back through the pool") {
  frame_pool::Allocator<std::uint64_t> allocator;
  std::uint64_t* values = allocator.allocate(40);
  values[39] = 7;
  allocator.deallocate(values, 40);
  frame_pool::Allocator<char> rebound(allocator);
  char* bytes = rebound.allocate(320);   // 40 * 8 bytes: the same class
  CHECK(static_cast<void*>(bytes) == static_cast<void*>(values));
  rebound.deallocate(bytes, 320);
  CHECK(allocator == rebound);
}
