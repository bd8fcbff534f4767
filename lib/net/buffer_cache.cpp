#include "net/buffer_cache.hpp"

namespace httpxx::detail::buffer_cache {

namespace {

// Per thread, so that taking and giving back needs no lock. A few buffers cover the connections
// one thread reads at once in the steady state (each gives its buffers back before its next
// request takes them); more would only hold memory for bursts.
//
// Trivially destructible, so it stays usable while the thread's other objects are destroyed (a
// client in a static or thread_local variable releases its buffers then); the buffers it holds
// are freed by CacheOwner, after which the cache takes no more.
struct Cache {
  struct Block {
    char* data;
    std::size_t size;
  };
  static constexpr std::size_t slots = 4;
  Block blocks[slots];
  std::size_t count;
  bool closed;

  bool holds(std::size_t size) const noexcept {
    for (std::size_t i = 0; i < count; ++i) {
      if (blocks[i].size == size) return true;
    }
    return false;
  }

  // A cached block of exactly size bytes, or null.
  char* take(std::size_t size) noexcept {
    for (std::size_t i = count; i > 0; --i) {
      if (blocks[i - 1].size != size) continue;
      char* data = blocks[i - 1].data;
      blocks[i - 1] = blocks[--count];
      return data;
    }
    return nullptr;
  }
};
thread_local constinit Cache cache{};

struct CacheOwner {
  ~CacheOwner() {
    while (cache.count > 0) delete[] cache.blocks[--cache.count].data;
    cache.closed = true;
  }
};
thread_local CacheOwner cache_owner;

}  // namespace

std::unique_ptr<char[]> take(std::size_t size) {
  if (char* cached = cache.take(size)) return std::unique_ptr<char[]>(cached);
  return std::make_unique_for_overwrite<char[]>(size);
}

void give_back(std::unique_ptr<char[]> buffer, std::size_t size, bool keep_one_at_most) noexcept {
  if (!buffer) return;
  if (cache.closed || cache.count == Cache::slots || (keep_one_at_most && cache.holds(size))) return;
  static_cast<void>(&cache_owner);   // constructed with the first buffer cached, to free it at exit
  cache.blocks[cache.count++] = {buffer.release(), size};
}

}  // namespace httpxx::detail::buffer_cache
