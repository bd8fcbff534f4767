#include "net/frame_pool.hpp"

#include <array>
#include <new>

namespace httpxx::detail::frame_pool {

namespace {

// Size classes of 64 bytes up to 4 KiB: a request's frames are a few hundred bytes to 1 KiB,
// more without optimisation. Larger blocks go to operator new directly.
constexpr std::size_t granule = 64;
constexpr std::size_t classes = 64;
// What one thread keeps for reuse: the frames of some dozens of requests. Beyond it, blocks of
// the fullest class are freed.
constexpr std::size_t max_cached_bytes = 64 * 1024;

constexpr std::size_t class_of(std::size_t size) noexcept { return size == 0 ? 0 : (size - 1) / granule; }
constexpr std::size_t class_size(std::size_t size_class) noexcept { return (size_class + 1) * granule; }

// Per thread, so that no lock is taken. Trivially destructible, so it stays usable while the
// thread's other objects are destroyed (a frame can be freed then); PoolOwner frees the blocks
// it holds at thread exit, after which blocks given back are freed at once.
struct Pool {
  struct FreeBlock {
    FreeBlock* next;
  };
  std::array<FreeBlock*, classes> free;
  std::array<std::size_t, classes> counts;
  std::size_t cached_bytes;
  bool owned;
  bool closed;

  void push(std::size_t size_class, void* block) noexcept {
    free[size_class] = new (block) FreeBlock{free[size_class]};
    ++counts[size_class];
    cached_bytes += class_size(size_class);
  }

  void* pop(std::size_t size_class) noexcept {
    FreeBlock* block = free[size_class];
    if (!block) return nullptr;
    free[size_class] = block->next;
    --counts[size_class];
    cached_bytes -= class_size(size_class);
    return block;
  }

  // Frees blocks of the classes that hold the most bytes until the block fits: blocks of a kind
  // no longer used (the frames of connecting, say) make room for those in use instead of keeping
  // them out. Out of line, so that the common push does not reload the thread's pool after the
  // calls to operator delete.
  [[gnu::noinline]] void push_making_room(std::size_t size_class, void* block) noexcept {
    while (cached_bytes + class_size(size_class) > max_cached_bytes) free_one();
    push(size_class, block);
  }

  void free_one() noexcept {
    std::size_t fullest = 0;
    for (std::size_t size_class = 1; size_class < classes; ++size_class) {
      if (counts[size_class] * class_size(size_class) > counts[fullest] * class_size(fullest)) fullest = size_class;
    }
    ::operator delete(pop(fullest));
  }
};
thread_local constinit Pool pool{};

struct PoolOwner {
  ~PoolOwner() {
    for (std::size_t size_class = 0; size_class < classes; ++size_class) {
      while (void* block = pool.pop(size_class)) ::operator delete(block);
    }
    pool.closed = true;
  }
};
thread_local PoolOwner pool_owner;

}  // namespace

void* allocate(std::size_t size) {
  const auto size_class = class_of(size);
  if (size_class >= classes) return ::operator new(size);
  if (void* block = pool.pop(size_class)) return block;
  if (!pool.owned) {
    static_cast<void>(&pool_owner);   // constructed before a block can be cached, to free them at exit
    pool.owned = true;
  }
  return ::operator new(class_size(size_class));
}

void deallocate(void* block, std::size_t size) noexcept {
  const auto size_class = class_of(size);
  if (size_class >= classes || pool.closed || !pool.owned) {
    ::operator delete(block);
    return;
  }
  if (pool.cached_bytes + class_size(size_class) > max_cached_bytes) {
    pool.push_making_room(size_class, block);
  } else {
    pool.push(size_class, block);
  }
}

}  // namespace httpxx::detail::frame_pool
