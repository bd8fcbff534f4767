// Read buffers taken from and given back to a small cache of the calling thread: a connection
// holds a buffer only while it reads, and the next read on any connection of the thread takes
// it back without allocating.
#pragma once

#include <cstddef>
#include <memory>

namespace httpxx::detail::buffer_cache {

// The size of the buffers most reads use: an HTTP/1.1 connection's read buffer (ReadBuffer) and
// the TLS layer's ciphertext buffer, so that a buffer one gives back serves the other.
inline constexpr std::size_t standard_size = 64 * 1024;

// A buffer of exactly size bytes, from this thread's cache, or newly allocated (uninitialised).
std::unique_ptr<char[]> take(std::size_t size);
// Gives a buffer of size bytes back to this thread's cache, or frees it when the cache is full.
// With keep_one_at_most, a size the cache already holds is freed instead (for large buffers,
// rare next to the standard ones).
void give_back(std::unique_ptr<char[]> buffer, std::size_t size, bool keep_one_at_most = false) noexcept;

}  // namespace httpxx::detail::buffer_cache
