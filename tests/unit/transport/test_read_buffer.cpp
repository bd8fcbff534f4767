// The HTTP/1.1 read buffer: standard for a response's start, large for a large body, and
// recycled through the thread's cache rather than allocated per response.

#include <doctest/doctest.h>

#include <cstring>
#include <string_view>
#include <thread>

#include "transport/read_buffer.hpp"

using httpxx::detail::ReadBuffer;

TEST_CASE("a released buffer is taken again by the next response on the thread") {
  ReadBuffer first;
  first.acquire();
  REQUIRE(first.held());
  CHECK(first.size() == ReadBuffer::standard_size);
  CHECK_FALSE(first.is_large());
  const char* block = first.data();
  first.release();
  CHECK_FALSE(first.held());
  CHECK(first.size() == 0);

  ReadBuffer second;
  second.acquire();
  CHECK(second.data() == block);
  const char* held = second.data();
  second.acquire();   // a no-op while one is held
  CHECK(second.data() == held);
}

TEST_CASE("enlarge keeps the unread bytes, at the start of a large buffer") {
  ReadBuffer buffer;
  buffer.acquire();
  std::memcpy(buffer.data(), "HTTP/1.1 200 OK\r\n\r\nbody", 23);
  buffer.enlarge(19, 23);
  CHECK(buffer.is_large());
  CHECK(buffer.size() == ReadBuffer::large_size);
  CHECK(std::string_view(buffer.data(), 4) == "body");
}

TEST_CASE("a released large buffer is taken again by the next large body") {
  // A thread of its own: its cache starts empty and ends with it.
  std::thread([] {
    ReadBuffer first;
    first.acquire();
    first.enlarge(0, 0);
    const char* large = first.data();
    first.release();
    ReadBuffer second;
    second.acquire();
    CHECK(second.data() != large);   // a response starts in a standard buffer
    second.enlarge(0, 0);
    CHECK(second.data() == large);
  }).join();
}
