#include "transport/read_buffer.hpp"

#include <cstring>
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
thread_local constinit BufferCache cache{};

struct CacheOwner {
  ~CacheOwner() {
    while (cache.count > 0) delete[] cache.blocks[--cache.count].data;
    cache.closed = true;
  }
};
thread_local CacheOwner cache_owner;

std::unique_ptr<char[]> take_block(std::size_t size) {
  if (char* cached = cache.take(size)) return std::unique_ptr<char[]>(cached);
  return std::make_unique_for_overwrite<char[]>(size);
}

}  // namespace

void ReadBuffer::acquire() {
  if (block_) return;
  block_ = take_block(standard_size);
  size_ = standard_size;
}

void ReadBuffer::enlarge(std::size_t begin, std::size_t end) {
  auto large = take_block(large_size);
  std::memcpy(large.get(), block_.get() + begin, end - begin);
  release();
  block_ = std::move(large);
  size_ = large_size;
}

void ReadBuffer::release() noexcept {
  if (!block_) return;
  const auto size = std::exchange(size_, 0);
  // One large buffer at most is kept: large transfers are rare next to small responses.
  const bool surplus = size == large_size && cache.holds(large_size);
  if (cache.closed || cache.count == BufferCache::slots || surplus) {
    block_.reset();
    return;
  }
  static_cast<void>(&cache_owner);   // constructed with the first buffer cached, to free it at exit
  cache.blocks[cache.count++] = {block_.release(), size};
}

}  // namespace httpxx::detail
