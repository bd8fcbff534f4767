#pragma once

#include <cstddef>
#include <memory>

namespace httpxx::detail {

// An HTTP/1.1 connection's read buffer, held only while a response is being read. An idle
// pooled connection keeps none, so what it costs is its socket and a few hundred bytes of
// state; released buffers go to a small cache of the releasing thread, from which the next
// request on any connection takes one without allocating.
class ReadBuffer {
 public:
  // Large enough that a streamed download reads in few system calls.
  static constexpr std::size_t capacity = 64 * 1024;

  ReadBuffer() = default;
  ReadBuffer(const ReadBuffer&) = delete;
  ReadBuffer& operator=(const ReadBuffer&) = delete;
  ~ReadBuffer() { release(); }

  bool held() const noexcept { return block_ != nullptr; }
  char* data() const noexcept { return block_.get(); }
  // Takes a buffer from this thread's cache, or allocates one; no-op while one is held.
  void acquire();
  // Gives the buffer back to this thread's cache (or frees it when the cache is full).
  void release() noexcept;

 private:
  std::unique_ptr<char[]> block_;
};

}  // namespace httpxx::detail
