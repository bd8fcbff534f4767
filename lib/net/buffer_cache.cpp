#include "net/buffer_cache.hpp"

#include <new>

namespace httpxx::detail::buffer_cache {

namespace {

// Per thread, so that taking and giving back needs no lock. A few buffers cover the connections
// one thread reads at once in the steady state (each gives its buffers back before its next
// request takes them); more would only hold memory for bursts.
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

// The pointers are trivially destructible, so they stay usable while the thread's other objects
// are destroyed (a client in a static or thread_local variable releases its buffers then);
// CacheOwner frees the cache at thread exit, after which buffers given back are freed at once.
// Initial-exec, as for the frame pool: no call to __tls_get_addr per read; 9 bytes of static TLS.
[[gnu::tls_model("initial-exec")]] thread_local constinit Cache* cache = nullptr;
[[gnu::tls_model("initial-exec")]] thread_local constinit bool closed = false;

struct CacheOwner {
  ~CacheOwner() {
    delete cache;
    cache = nullptr;
    closed = true;
  }
};
thread_local CacheOwner cache_owner;

}  // namespace

std::unique_ptr<char[]> take(std::size_t size) {
  if (Cache* const kept = cache) {
    if (char* cached = kept->take(size)) return std::unique_ptr<char[]>(cached);
  }
  return std::make_unique_for_overwrite<char[]>(size);
}

void give_back(std::unique_ptr<char[]> buffer, std::size_t size, bool keep_one_at_most) noexcept {
  if (!buffer) return;
  Cache* kept = cache;
  if (kept == nullptr) {
    if (closed) return;
    static_cast<void>(&cache_owner);   // constructed first, to free the cache at thread exit
    kept = cache = new (std::nothrow) Cache;
    if (kept == nullptr) return;
  }
  if (kept->count == Cache::slots || (keep_one_at_most && kept->holds(size))) return;
  kept->blocks[kept->count++] = {buffer.release(), size};
}

}  // namespace httpxx::detail::buffer_cache
