// Small blocks recycled per thread: the coroutine frames of a request and the operations they
// wait on. Asio recycles these in a cache of two blocks, held by each run of the event loop;
// a request nests more frames than that, and the blocking client starts a new run per call, so
// each request allocated its frames anew. This pool keeps them per thread, across runs.
#pragma once

#include <cstddef>
#include <memory>
#include <new>
#include <utility>

namespace httpxx::detail::frame_pool {

// At least size bytes, aligned for any object the default operator new could hold.
void* allocate(std::size_t size);
// Gives back a block that allocate(size) returned, with the same size.
void deallocate(void* block, std::size_t size) noexcept;

// The pool as a standard allocator, for the operations Asio allocates through a handler's
// associated allocator.
template <class T>
struct Allocator {
  using value_type = T;

  Allocator() noexcept = default;
  template <class U>
  Allocator(const Allocator<U>&) noexcept {}

  T* allocate(std::size_t n) {
    static_assert(alignof(T) <= __STDCPP_DEFAULT_NEW_ALIGNMENT__, "the pool aligns as operator new does");
    return static_cast<T*>(frame_pool::allocate(n * sizeof(T)));
  }
  void deallocate(T* p, std::size_t n) noexcept { frame_pool::deallocate(p, n * sizeof(T)); }

  template <class U>
  bool operator==(const Allocator<U>&) const noexcept {
    return true;
  }
};

// An object made for each request and shared (the request a response refers to, a body stream),
// with its control block, from the pool.
template <class T, class... Args>
std::shared_ptr<T> make_shared(Args&&... args) {
  return std::allocate_shared<T>(Allocator<T>(), std::forward<Args>(args)...);
}

}  // namespace httpxx::detail::frame_pool
