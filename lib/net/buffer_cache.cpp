#include "net/buffer_cache.hpp"

#include "net/per_thread.hpp"

namespace httpxx::detail::buffer_cache {

namespace {

// Per thread (PerThread), so that taking and giving back needs no lock. A few buffers cover the
// connections one thread reads at once in the steady state (each gives its buffers back before
// its next request takes them); more would only hold memory for bursts. A client in a static or
// thread_local variable releases its buffers as the thread exits: once the cache is destroyed,
// they are freed at once.
struct Cache {
  struct Block {
    char* data;
    std::size_t size;
  };
  static constexpr std::size_t slots = 4;
  Block blocks[slots]{};
  std::size_t count = 0;

  Cache() = default;
  Cache(const Cache&) = delete;
  Cache& operator=(const Cache&) = delete;
  ~Cache() {
    while (count > 0) delete[] blocks[--count].data;
  }

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

}  // namespace

std::unique_ptr<char[]> take(std::size_t size) {
  if (Cache* const kept = PerThread<Cache>::get()) {
    if (char* cached = kept->take(size)) return std::unique_ptr<char[]>(cached);
  }
  return std::make_unique_for_overwrite<char[]>(size);
}

void give_back(std::unique_ptr<char[]> buffer, std::size_t size, bool keep_one_at_most) noexcept {
  if (!buffer) return;
  Cache* const kept = PerThread<Cache>::get_or_make();
  if (kept == nullptr || kept->count == Cache::slots || (keep_one_at_most && kept->holds(size))) return;
  kept->blocks[kept->count++] = {buffer.release(), size};
}

}  // namespace httpxx::detail::buffer_cache
