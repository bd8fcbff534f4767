#include "transport/read_buffer.hpp"

#include <cstring>
#include <utility>

#include "net/buffer_cache.hpp"

namespace httpxx::detail {

void ReadBuffer::acquire() {
  if (block_) return;
  block_ = buffer_cache::take(standard_size);
  size_ = standard_size;
}

void ReadBuffer::enlarge(std::size_t begin, std::size_t end) {
  auto large = buffer_cache::take(large_size);
  std::memcpy(large.get(), block_.get() + begin, end - begin);
  release();
  block_ = std::move(large);
  size_ = large_size;
}

void ReadBuffer::release() noexcept {
  const auto size = std::exchange(size_, 0);
  // One large buffer at most is kept: large transfers are rare next to small responses.
  buffer_cache::give_back(std::move(block_), size, size == large_size);
}

}  // namespace httpxx::detail
