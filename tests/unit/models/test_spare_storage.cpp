// The per-thread storage of destroyed API values, reused for the next ones
// (lib/models/spare_storage.cpp), and the values that give to it and take from it.

#include <doctest/doctest.h>

#include <cstddef>
#include <string>
#include <thread>
#include <vector>

#include "httpxx/headers.hpp"
#include "httpxx/url.hpp"
#include "models/spare_storage.hpp"

namespace spare = httpxx::detail::spare_storage;

namespace {

// Takes every string the thread keeps with room for n, so that a test starts from none.
void drain_strings(std::size_t n) {
  std::vector<std::string> taken;
  for (int i = 0; i < 64; ++i) taken.push_back(spare::string_with_room(n));
}   // destroyed without being given back: freed

}  // namespace

TEST_CASE("a string has at least the room asked for, however large") {
  for (std::size_t n = 0; n < 40'000; n += n < 100 ? 1 : 97) {
    const std::string s = spare::string_with_room(n);
    CHECK(s.empty());
    CHECK(s.capacity() >= n);
  }
}

TEST_CASE("storage given back is the next taken for a string of its class, emptied") {
  std::string date = spare::string_with_room(29);
  date.assign("Sat, 21 Nov 2026 10:00:00 GMT");
  const char* storage = date.data();
  spare::give_back(date);
  CHECK(date.empty());
  // A value one byte shorter (or 2 longer) fits the same storage: strings made here have the
  // whole room of their class.
  std::string next = spare::string_with_room(28);
  CHECK(next.data() == storage);
  CHECK(next.empty());
  CHECK(next.capacity() >= 31);
}

TEST_CASE("copy_of copies into storage given back, and short strings in place") {
  std::string body = spare::string_with_room(1024);
  body.assign(1024, 'x');
  const char* storage = body.data();
  spare::give_back(body);
  const std::string copy = spare::copy_of(std::string(1030, 'y'));
  CHECK(copy.data() == storage);
  CHECK(copy == std::string(1030, 'y'));
  const std::string short_copy = spare::copy_of("keep-alive");
  CHECK(short_copy == "keep-alive");
  CHECK(short_copy.capacity() == spare::in_place_capacity);
}

TEST_CASE("each class keeps a bounded number of strings; the rest are left to be freed") {
  drain_strings(40);
  std::vector<std::string> values;
  for (int i = 0; i < 40; ++i) values.push_back(spare::string_with_room(40));
  std::size_t kept = 0;
  for (auto& value : values) {
    value.assign(40, 'v');
    spare::give_back(value);
    kept += value.empty();
  }
  CHECK(kept == 16);
  // Those not kept are as they were, their storage freed by their destructors (ASan checks).
  CHECK(values.back() == std::string(40, 'v'));
}

TEST_CASE("strings larger than the largest class kept are left to be freed") {
  // Storage of up to twice the largest room made here is kept (it serves that room); beyond, not.
  const std::size_t size = 2 * (spare::max_kept_room + 1);
  std::string large = spare::string_with_room(size);
  large.assign(size, 'z');
  spare::give_back(large);
  CHECK(large.size() == size);
}

TEST_CASE("a set of fields leaves its storage, strings in place, to the smallest set it fits") {
  const httpxx::Headers::value_type* request_pairs = nullptr;
  const httpxx::Headers::value_type* response_pairs = nullptr;
  const char* date_storage = nullptr;
  {
    httpxx::Headers request;
    request.reserve(6);
    request.emplace_unchecked("Host", "127.0.0.1");
    httpxx::Headers response;
    response.reserve(16);
    response.emplace_unchecked("Server", "nginx");
    response.emplace_unchecked("Date", "Sat, 21 Nov 2026 10:00:00 GMT");
    request_pairs = request.begin();
    response_pairs = response.begin();
    date_storage = response.find("Date")->data();
  }   // the response's storage is given back first, the request's last
  // The response's 16 fields take the larger block although the smaller was given back last.
  httpxx::Headers response;
  response.reserve(16);
  httpxx::Headers request;
  request.reserve(6);
  CHECK(response.begin() == response_pairs);
  CHECK(request.begin() == request_pairs);
  CHECK(response.empty());
  CHECK(request.empty());
  // The next response's Date is written where the last one's was, in its string's storage.
  response.emplace_unchecked("Server", "nginx");
  response.emplace_unchecked("Date", "Sun, 22 Nov 2026 10:00:00 GMT");
  CHECK(response.find("Date")->data() == date_storage);
  CHECK(*response.find("Date") == "Sun, 22 Nov 2026 10:00:00 GMT");
  CHECK(response.size() == 2);
}

TEST_CASE("a field longer than the storage left in its place takes storage given back") {
  {
    httpxx::Headers earlier;
    earlier.reserve(16);
    earlier.emplace_unchecked("Server", "nginx");
  }
  std::string value = spare::string_with_room(100);
  value.assign(100, 'v');
  const char* storage = value.data();
  spare::give_back(value);
  httpxx::Headers next;
  next.reserve(16);
  next.emplace_unchecked("Server", std::string(90, 'w'));
  CHECK(next.find("Server")->data() == storage);
  CHECK(*next.find("Server") == std::string(90, 'w'));
}

TEST_CASE("headers and URLs give their storage to the next ones") {
  const char* fields = nullptr;
  const char* date = nullptr;
  {
    httpxx::Headers received;
    received.reserve(16);
    received.emplace_unchecked("Date", "Sat, 21 Nov 2026 10:00:00 GMT");
    fields = reinterpret_cast<const char*>(&*received.begin());
    date = received.find("Date")->data();
  }
  httpxx::Headers next;
  next.reserve(16);
  next.emplace_unchecked("Date", "Sun, 22 Nov 2026 10:00:00 GMT");
  CHECK(reinterpret_cast<const char*>(&*next.begin()) == fields);
  CHECK(next.find("Date")->data() == date);
  CHECK(*next.find("Date") == "Sun, 22 Nov 2026 10:00:00 GMT");

  const httpxx::Headers copy = next;
  CHECK(copy == next);

  const char* href = nullptr;
  {
    const httpxx::URL url("http://127.0.0.1:8080/files/1k.bin");
    href = url.href().data();
  }
  const httpxx::URL url("http://127.0.0.1:8080/files/2k.bin");
  CHECK(url.href().data() == href);
  CHECK(url.href() == "http://127.0.0.1:8080/files/2k.bin");
  CHECK(url.path() == "/files/2k.bin");
}

TEST_CASE("a thread that never takes storage keeps none of what it destroys") {
  std::string value = spare::string_with_room(100);
  value.assign(100, 'a');
  std::thread([&value] {
    spare::give_back(value);
    CHECK(value.size() == 100);   // left as it was, for its destructor to free
  }).join();
}

TEST_CASE("storage given back on a thread that takes some is freed when that thread exits") {
  std::string value = spare::string_with_room(300);
  value.assign(300, 'b');
  std::thread([&value] {
    const std::string own = spare::string_with_room(300);   // this thread keeps storage from here on
    spare::give_back(value);
    CHECK(value.empty());   // kept by this thread, and freed as it exits (ASan reports a leak otherwise)
  }).join();
}

TEST_CASE("a kept set of fields keeps no string larger than the largest kept apart") {
  const std::string large(2 * (spare::max_kept_room + 1), 'h');
  const httpxx::Headers::value_type* pairs = nullptr;
  {
    httpxx::Headers earlier;
    earlier.reserve(16);
    earlier.emplace_unchecked("X-Large", large);
    earlier.emplace_unchecked("Server", "nginx");
    pairs = earlier.begin();
  }
  httpxx::Headers next;
  next.reserve(16);
  REQUIRE(next.begin() == pairs);
  // The first pair's value was freed when the set was kept: it has no more than in-place room.
  next.emplace_unchecked("X-Small", "v");
  CHECK(next.begin()->second.capacity() <= spare::in_place_capacity);
  CHECK(*next.find("X-Small") == "v");
}

TEST_CASE("a set of fields the spare has no room for gives its strings to the size classes") {
  drain_strings(40);
  const std::string value(40, 'f');
  std::vector<httpxx::Headers> sets(9);
  for (auto& set : sets) {
    set.reserve(4);
    set.emplace_unchecked("X-Value", value);
  }
  const char* last_value = sets.back().find("X-Value")->data();
  sets.clear();   // eight blocks are kept whole; the ninth is freed, its value's storage kept apart
  const std::string next = spare::string_with_room(40);
  CHECK(next.data() == last_value);
}
