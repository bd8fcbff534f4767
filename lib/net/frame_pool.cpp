#include "net/frame_pool.hpp"

#include <array>
#include <new>

#include "net/per_thread.hpp"

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

// Per thread (PerThread), so that no lock is taken. A thread keeps blocks only once it allocates
// some: one that only frees frames (made on another) frees them at once, as does a thread whose
// exit has destroyed its pool.
struct Pool {
  struct FreeBlock {
    FreeBlock* next;
  };
  std::array<FreeBlock*, classes> free{};
  std::array<std::size_t, classes> counts{};
  std::size_t cached_bytes = 0;

  Pool() = default;
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;
  ~Pool() {
    for (std::size_t size_class = 0; size_class < classes; ++size_class) {
      while (void* block = pop(size_class)) ::operator delete(block);
    }
  }

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
  // them out. Out of line: rare, and its loop kept out of deallocate's common path.
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

}  // namespace

void* allocate(std::size_t size) {
  const auto size_class = class_of(size);
  if (size_class >= classes) return ::operator new(size);
  if (Pool* const kept = PerThread<Pool>::get_or_make()) {
    if (void* block = kept->pop(size_class)) return block;
  }
  return ::operator new(class_size(size_class));
}

void deallocate(void* block, std::size_t size) noexcept {
  const auto size_class = class_of(size);
  Pool* const kept = PerThread<Pool>::get();
  if (size_class >= classes || kept == nullptr) {
    ::operator delete(block);
    return;
  }
  if (kept->cached_bytes + class_size(size_class) > max_cached_bytes) {
    kept->push_making_room(size_class, block);
  } else {
    kept->push(size_class, block);
  }
}

}  // namespace httpxx::detail::frame_pool
