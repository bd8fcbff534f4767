#include "codec/h2/session_memory.hpp"

#include <cstdlib>
#include <cstring>
#include <limits>

namespace httpxx::detail::h2 {

SessionMemory::SessionMemory() noexcept
    : mem_{this, &SessionMemory::allocate, &SessionMemory::release,
           &SessionMemory::allocate_zeroed, &SessionMemory::resize} {}

SessionMemory::~SessionMemory() {
  for (Header*& list : lists_) {
    while (Header* block = list) {
      list = block->next;
      std::free(block);
    }
  }
}

void* SessionMemory::allocate(std::size_t size, void* self) noexcept {
  auto& memory = *static_cast<SessionMemory*>(self);
  const std::size_t granules = size == 0 ? 1 : (size - 1) / granule + 1;
  if (granules <= class_count) {
    if (Header* block = memory.lists_[granules]) {
      memory.lists_[granules] = block->next;
      memory.kept_bytes_ -= granules * granule;
      return block + 1;
    }
    size = granules * granule;   // the whole class, so that the block can serve any size in it
  } else if (size > std::numeric_limits<std::size_t>::max() - sizeof(Header)) {
    return nullptr;
  }
  auto* block = static_cast<Header*>(std::malloc(sizeof(Header) + size));
  if (block == nullptr) return nullptr;
  block->size_class = granules <= class_count ? granules : 0;
  return block + 1;
}

void SessionMemory::release(void* pointer, void* self) noexcept {
  auto& memory = *static_cast<SessionMemory*>(self);
  if (pointer == nullptr) return;
  Header* block = static_cast<Header*>(pointer) - 1;
  const std::size_t granules = block->size_class;
  const std::size_t bytes = granules * granule;
  if (granules == 0 || memory.kept_bytes_ + bytes > kept_limit) {
    std::free(block);
    return;
  }
  block->next = memory.lists_[granules];
  memory.lists_[granules] = block;
  memory.kept_bytes_ += bytes;
}

void* SessionMemory::allocate_zeroed(std::size_t count, std::size_t size, void* self) noexcept {
  if (size != 0 && count > std::numeric_limits<std::size_t>::max() / size) return nullptr;
  void* pointer = allocate(count * size, self);
  if (pointer != nullptr) std::memset(pointer, 0, count * size);
  return pointer;
}

void* SessionMemory::resize(void* pointer, std::size_t size, void* self) noexcept {
  if (pointer == nullptr) return allocate(size, self);
  Header* block = static_cast<Header*>(pointer) - 1;
  const std::size_t capacity = block->size_class * granule;
  if (block->size_class == 0) {
    // A block from malloc stays one, whatever its new size.
    if (size > std::numeric_limits<std::size_t>::max() - sizeof(Header)) return nullptr;
    auto* resized = static_cast<Header*>(std::realloc(block, sizeof(Header) + size));
    return resized == nullptr ? nullptr : resized + 1;
  }
  if (size <= capacity) return pointer;
  void* moved = allocate(size, self);
  if (moved == nullptr) return nullptr;
  std::memcpy(moved, pointer, capacity);
  release(pointer, self);
  return moved;
}

}  // namespace httpxx::detail::h2
