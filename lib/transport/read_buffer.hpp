#pragma once

#include <cstddef>
#include <memory>

#include "net/buffer_cache.hpp"

namespace httpxx::detail {

// An HTTP/1.1 connection's read buffer, held only while a response is being read. An idle
// pooled connection keeps none, so what it costs is its socket and a few hundred bytes of
// state; released buffers go to a small cache of the releasing thread, from which the next
// request on any connection takes one without allocating.
//
// A response starts in a standard buffer, which holds any usual head and small body in one
// read. A large body continues in a large buffer: reads of 64 KiB from a fast loopback or LAN
// stream cost more than twice the kernel time per byte of 256 KiB reads (measured on the
// benchmark's 1 GiB download), and a 64 KiB buffer for every connection of a busy pool would
// be wasted on small responses.
class ReadBuffer {
 public:
  static constexpr std::size_t standard_size = buffer_cache::standard_size;
  static constexpr std::size_t large_size = 256 * 1024;

  ReadBuffer() = default;
  ReadBuffer(const ReadBuffer&) = delete;
  ReadBuffer& operator=(const ReadBuffer&) = delete;
  ~ReadBuffer() { release(); }

  bool held() const noexcept { return block_ != nullptr; }
  char* data() const noexcept { return block_.get(); }
  std::size_t size() const noexcept { return size_; }
  bool is_large() const noexcept { return size_ == large_size; }
  // Takes a standard buffer from this thread's cache, or allocates one; no-op while one is held.
  void acquire();
  // Continues in a large buffer, with the bytes [begin, end) of the current one at its start.
  void enlarge(std::size_t begin, std::size_t end);
  // Gives the buffer back to this thread's cache (or frees it when the cache is full).
  void release() noexcept;

 private:
  std::unique_ptr<char[]> block_;
  std::size_t size_ = 0;
};

}  // namespace httpxx::detail
