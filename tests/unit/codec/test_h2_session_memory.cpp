#include <doctest/doctest.h>

#include <cstdint>
#include <cstring>
#include <vector>

#include "codec/h2/session_memory.hpp"

using httpxx::detail::h2::SessionMemory;

namespace {

void* allocate(SessionMemory& memory, std::size_t size) {
  nghttp2_mem* mem = memory.get();
  return mem->malloc(size, mem->mem_user_data);
}

void release(SessionMemory& memory, void* pointer) {
  nghttp2_mem* mem = memory.get();
  mem->free(pointer, mem->mem_user_data);
}

bool aligned(const void* pointer) {
  return reinterpret_cast<std::uintptr_t>(pointer) % alignof(std::max_align_t) == 0;
}

}  // namespace

TEST_CASE("session memory: a freed small block serves the next request of its size") {
  SessionMemory memory;
  void* first = allocate(memory, 300);
  REQUIRE(first != nullptr);
  CHECK(aligned(first));
  std::memset(first, 0x5a, 300);
  release(memory, first);
  CHECK(memory.kept_bytes() >= 300);
  // Any size that rounds to the same class takes the same block back.
  void* second = allocate(memory, 290);
  CHECK(second == first);
  CHECK(memory.kept_bytes() == 0);
  // Another size class does not.
  void* other = allocate(memory, 40);
  CHECK(other != first);
  release(memory, other);
  release(memory, second);
}

TEST_CASE("session memory: calloc zeroes a block that was used before") {
  SessionMemory memory;
  nghttp2_mem* mem = memory.get();
  void* used = allocate(memory, 64);
  std::memset(used, 0xff, 64);
  release(memory, used);
  auto* zeroed = static_cast<unsigned char*>(mem->calloc(4, 16, mem->mem_user_data));
  REQUIRE(zeroed == used);
  for (std::size_t i = 0; i < 64; ++i) REQUIRE(zeroed[i] == 0);
  release(memory, zeroed);
  // A count and size whose product overflows is refused, not wrapped.
  CHECK(mem->calloc(SIZE_MAX / 2, 4, mem->mem_user_data) == nullptr);
}

TEST_CASE("session memory: realloc keeps the block while it fits and moves the bytes when not") {
  SessionMemory memory;
  nghttp2_mem* mem = memory.get();
  auto* block = static_cast<char*>(mem->realloc(nullptr, 20, mem->mem_user_data));
  REQUIRE(block != nullptr);
  std::memcpy(block, "0123456789abcdefghi", 20);
  // Within its class (blocks are whole multiples of the alignment): the same block.
  CHECK(mem->realloc(block, 30, mem->mem_user_data) == block);
  auto* grown = static_cast<char*>(mem->realloc(block, 200, mem->mem_user_data));
  REQUIRE(grown != nullptr);
  CHECK(std::memcmp(grown, "0123456789abcdefghi", 20) == 0);
  // Past the largest kept size, and back: malloc's block, with the bytes kept.
  auto* large = static_cast<char*>(mem->realloc(grown, 8 * SessionMemory::small_limit,
                                                mem->mem_user_data));
  REQUIRE(large != nullptr);
  CHECK(aligned(large));
  CHECK(std::memcmp(large, "0123456789abcdefghi", 20) == 0);
  auto* shrunk = static_cast<char*>(mem->realloc(large, 100, mem->mem_user_data));
  REQUIRE(shrunk != nullptr);
  CHECK(std::memcmp(shrunk, "0123456789abcdefghi", 20) == 0);
  const std::size_t kept = memory.kept_bytes();
  release(memory, shrunk);
  CHECK(memory.kept_bytes() == kept);   // it came from malloc unlisted, so it goes back there
}

TEST_CASE("session memory: blocks larger than the kept sizes go back to malloc") {
  SessionMemory memory;
  void* large = allocate(memory, SessionMemory::small_limit + 1);
  REQUIRE(large != nullptr);
  CHECK(aligned(large));
  release(memory, large);
  CHECK(memory.kept_bytes() == 0);
  release(memory, nullptr);   // as free(NULL)
  CHECK(memory.kept_bytes() == 0);
}

TEST_CASE("session memory: what is kept stays under the limit") {
  SessionMemory memory;
  std::vector<void*> blocks;
  const std::size_t size = 512;
  for (std::size_t i = 0; i < 2 * SessionMemory::kept_limit / size; ++i) {
    blocks.push_back(allocate(memory, size));
    REQUIRE(blocks.back() != nullptr);
  }
  for (void* block : blocks) release(memory, block);
  CHECK(memory.kept_bytes() <= SessionMemory::kept_limit);
  CHECK(memory.kept_bytes() + size > SessionMemory::kept_limit);
  // The kept ones are handed out again before malloc is asked.
  const std::size_t kept = memory.kept_bytes();
  void* again = allocate(memory, size);
  CHECK(memory.kept_bytes() == kept - size);
  release(memory, again);
}
