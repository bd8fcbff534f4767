// Replaces the global allocation functions with counting ones, for programs that measure what
// an operation costs in heap allocations (tests/integration/test_allocations.cpp, the benchmark's
// alloc_count). Include it in exactly one file of a program: it defines operator new and delete,
// through which Asio allocates the coroutine frames and operations that its recycling cache
// misses (the build sets ASIO_DISABLE_STD_ALIGNED_ALLOC), and interposes the C library's
// aligned_alloc, so that an allocation made that way is counted too. OpenSSL's allocations
// (its own malloc, not operator new) are tracked apart, in openssl_live_bytes.
#pragma once

#include <malloc.h>
#include <stdlib.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <new>

#include <openssl/crypto.h>

namespace counting_allocator {

inline std::atomic<std::uint64_t> allocations{0};   // calls of any operator new or aligned_alloc
inline std::atomic<std::uint64_t> allocated_bytes{0};   // bytes those calls asked for, in all
inline std::atomic<std::int64_t> live_bytes{0};     // allocated by operator new, not yet freed
inline std::atomic<std::int64_t> openssl_live_bytes{0};   // allocated by OpenSSL, not yet freed

}  // namespace counting_allocator

namespace {

using counting_allocator::allocations;
using counting_allocator::live_bytes;

void* counted_allocate(std::size_t size, std::size_t alignment) noexcept {
  void* block = nullptr;
  if (size == 0) size = 1;   // operator new returns a distinct pointer for 0 bytes
  if (alignment <= alignof(std::max_align_t)) {
    block = std::malloc(size);
  } else if (posix_memalign(&block, alignment, size) != 0) {
    block = nullptr;
  }
  if (block != nullptr) {
    allocations.fetch_add(1, std::memory_order_relaxed);
    counting_allocator::allocated_bytes.fetch_add(size, std::memory_order_relaxed);
    live_bytes.fetch_add(static_cast<std::int64_t>(malloc_usable_size(block)),
                         std::memory_order_relaxed);
  }
  return block;
}

void* counted_new(std::size_t size, std::size_t alignment) {
  for (;;) {
    if (void* block = counted_allocate(size, alignment)) return block;
    // [new.delete.single]: call the new-handler until it provides memory or there is none.
    const auto handler = std::get_new_handler();
    if (handler == nullptr) throw std::bad_alloc();
    handler();
  }
}

void counted_delete(void* block) noexcept {
  if (block == nullptr) return;
  live_bytes.fetch_sub(static_cast<std::int64_t>(malloc_usable_size(block)),
                       std::memory_order_relaxed);
  std::free(block);
}

constexpr std::size_t default_alignment = alignof(std::max_align_t);

void* openssl_malloc(std::size_t size, const char*, int) {
  void* block = std::malloc(size);
  if (block != nullptr) {
    counting_allocator::openssl_live_bytes.fetch_add(static_cast<std::int64_t>(malloc_usable_size(block)),
                                                     std::memory_order_relaxed);
  }
  return block;
}

void openssl_free(void* block, const char*, int);

void* openssl_realloc(void* block, std::size_t size, const char* file, int line) {
  if (size == 0) {   // realloc(3) would free the block and return null, uncounted
    openssl_free(block, file, line);
    return nullptr;
  }
  const auto before = block != nullptr ? malloc_usable_size(block) : 0;
  void* moved = std::realloc(block, size);
  if (moved != nullptr) {
    counting_allocator::openssl_live_bytes.fetch_add(
        static_cast<std::int64_t>(malloc_usable_size(moved)) - static_cast<std::int64_t>(before),
        std::memory_order_relaxed);
  }
  return moved;
}

void openssl_free(void* block, const char*, int) {
  if (block == nullptr) return;
  counting_allocator::openssl_live_bytes.fetch_sub(static_cast<std::int64_t>(malloc_usable_size(block)),
                                                   std::memory_order_relaxed);
  std::free(block);
}

}  // namespace

namespace counting_allocator {

// CRYPTO_set_mem_functions(3) is refused once OpenSSL has allocated anything: set during static
// initialisation, before any TLS is set up. False if it came too late.
inline const bool openssl_counted = CRYPTO_set_mem_functions(openssl_malloc, openssl_realloc, openssl_free) == 1;

}  // namespace counting_allocator

// Blocks from aligned_alloc are released with free(), which is not interposed: they are
// counted, but not in live_bytes.
extern "C" void* aligned_alloc(std::size_t alignment, std::size_t size) noexcept {
  void* block = memalign(alignment, size);
  if (block != nullptr) allocations.fetch_add(1, std::memory_order_relaxed);
  return block;
}

// The replaceable global allocation functions ([new.delete]): every form, so that nothing
// allocated through one of them is freed through the C library's own.
void* operator new(std::size_t size) { return counted_new(size, default_alignment); }
void* operator new[](std::size_t size) { return counted_new(size, default_alignment); }
void* operator new(std::size_t size, std::align_val_t alignment) {
  return counted_new(size, static_cast<std::size_t>(alignment));
}
void* operator new[](std::size_t size, std::align_val_t alignment) {
  return counted_new(size, static_cast<std::size_t>(alignment));
}
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  return counted_allocate(size, default_alignment);
}
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept {
  return counted_allocate(size, default_alignment);
}
void* operator new(std::size_t size, std::align_val_t alignment, const std::nothrow_t&) noexcept {
  return counted_allocate(size, static_cast<std::size_t>(alignment));
}
void* operator new[](std::size_t size, std::align_val_t alignment, const std::nothrow_t&) noexcept {
  return counted_allocate(size, static_cast<std::size_t>(alignment));
}
void operator delete(void* block) noexcept { counted_delete(block); }
void operator delete[](void* block) noexcept { counted_delete(block); }
void operator delete(void* block, std::size_t) noexcept { counted_delete(block); }
void operator delete[](void* block, std::size_t) noexcept { counted_delete(block); }
void operator delete(void* block, std::align_val_t) noexcept { counted_delete(block); }
void operator delete[](void* block, std::align_val_t) noexcept { counted_delete(block); }
void operator delete(void* block, std::size_t, std::align_val_t) noexcept { counted_delete(block); }
void operator delete[](void* block, std::size_t, std::align_val_t) noexcept { counted_delete(block); }
void operator delete(void* block, const std::nothrow_t&) noexcept { counted_delete(block); }
void operator delete[](void* block, const std::nothrow_t&) noexcept { counted_delete(block); }
void operator delete(void* block, std::align_val_t, const std::nothrow_t&) noexcept {
  counted_delete(block);
}
void operator delete[](void* block, std::align_val_t, const std::nothrow_t&) noexcept {
  counted_delete(block);
}

