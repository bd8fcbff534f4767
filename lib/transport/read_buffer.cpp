#include "transport/read_buffer.hpp"

#include <utility>

namespace httpxx::detail {

namespace {

// Per thread, so that taking and giving back needs no lock. A few buffers cover the connections
// one thread reads at once in the steady state (each gives its buffer back before its next
// request takes one); more would only hold memory for bursts.
//
// Trivially destructible, so it stays usable while the thread's other objects are destroyed (a
// client in a static or thread_local variable releases its buffers then); the buffers it holds
// are freed by CacheOwner, after which the cache takes no more.
struct BufferCache {
  static constexpr std::size_t slots = 4;
  char* buffers[slots];
  std::size_t count;
  bool closed;
};
thread_local constinit BufferCache cache{};

struct CacheOwner {
  ~CacheOwner() {
    while (cache.count > 0) delete[] cache.buffers[--cache.count];
    cache.closed = true;
  }
};
thread_local CacheOwner cache_owner;

}  // namespace

void ReadBuffer::acquire() {
  if (block_) return;
  if (cache.count > 0) {
    block_.reset(cache.buffers[--cache.count]);
  } else {
    block_ = std::make_unique_for_overwrite<char[]>(capacity);
  }
}

void ReadBuffer::release() noexcept {
  if (!block_) return;
  if (cache.closed || cache.count == BufferCache::slots) {
    block_.reset();
    return;
  }
  static_cast<void>(&cache_owner);   // constructed with the first buffer cached, to free it at exit
  cache.buffers[cache.count++] = block_.release();
}

}  // namespace httpxx::detail
