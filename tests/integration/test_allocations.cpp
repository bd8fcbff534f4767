// What a pooled HTTP/1.1 request costs in heap allocations, what an idle pooled connection
// holds, what iterating over a streamed body allocates and what sending one from memory
// allocates, counted by replaced global allocation functions against nginx. Counts, not times:
// they do not depend on the machine's speed or load.

#include <doctest/doctest.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <string>
#include <vector>

#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>

#include <httpxx/httpxx.hpp>

#include "counting_allocator.hpp"
#include "models/spare_storage.hpp"
#include "test_env.hpp"

using httpxx_test::server;
using namespace std::chrono_literals;

namespace {

constexpr std::size_t warmup = 50;     // the connection, buffers and caches are in place after
constexpr std::size_t counted = 500;
// A pooled GET allocates nothing once warm, with both clients and in release and debug builds.
// httpxx's own per-request state comes from the thread's frame pool: the coroutine frames, the
// operations they wait on, the shared request and the body stream. The values the API hands
// over (the request's URL and header fields, the response's header fields and body) take the
// storage of the last response's, which the test drops before the next request as the usual
// loop does (lib/models/spare_storage). Before that spare storage they made 8: the request's
// URL, field vector and one value longer than a string holds in place, and the response's field
// vector, three such values and body. Before the frame pool, Asio's two-slot cache missed 13
// more times with the blocking client (each call started a new run of the loop, with an empty
// cache) and 6 more with AsyncClient, and the shared request and the body stream made 2 more.
constexpr double max_allocations = 0;
// Over HTTP/2, none either: the stream's state comes from the pool too, and so does the writer
// started for each request's HEADERS; the stream's body buffer, handed to the response whole,
// comes from the spare storage. A new node for the stream in the session's and the
// connection's tables each, instead of one kept from an ended stream, made 2 more; reading a
// body that arrived with its head through a coroutine for each layer made 8 more; starting a
// writer after each read even with nothing to send, 9 more; growing the received fields' vector
// a doubling at a time instead of reserving a typical head's room, 3 more; copying the stream's
// buffered body into the response's instead of handing the buffer over, 1 more; the frames,
// operations and per-request objects from Asio's cache and the heap instead of the pool, 16
// more in a release build and 20 in a debug build.
constexpr double max_h2_allocations = 0;
// An idle connection keeps its socket and its state but no read buffer.
constexpr double max_idle_bytes = 16 * 1024;
// Over TLS, OpenSSL keeps the connection's SSL object and session (about 20 KB with the test
// server's certificate) but no record buffers.
constexpr double max_idle_tls_state_bytes = 32 * 1024;

httpxx::ClientOptions pooled(std::size_t connections) {
  httpxx::ClientOptions options;
  options.limits.max_connections = connections;
  options.limits.max_keepalive_connections = connections;
  options.limits.keepalive_expiry = 600s;
  options.trust_env = false;
  return options;
}

std::string url() { return server("HTTPXX_TEST_NGINX_HTTP") + "/1k.bin"; }

// The allocations of each counted request, in storage reserved beforehand. The median is what the
// bound applies to: a response whose body has not all arrived with its head, and must be
// awaited, can take one or two more.
class PerRequest {
 public:
  PerRequest() { counts_.reserve(counted); }
  void start() { before_ = counting_allocator::allocations.load(); }
  void stop() { counts_.push_back(counting_allocator::allocations.load() - before_); }
  std::uint64_t median() {
    REQUIRE(!counts_.empty());
    auto middle = counts_.begin() + static_cast<std::ptrdiff_t>(counts_.size() / 2);
    std::nth_element(counts_.begin(), middle, counts_.end());
    return *middle;
  }

 private:
  std::vector<std::uint64_t> counts_;
  std::uint64_t before_ = 0;
};

struct Window {
  std::uint64_t allocations = counting_allocator::allocations.load();
  std::int64_t live_bytes = counting_allocator::live_bytes.load();
  double allocations_per(std::size_t requests) const {
    return static_cast<double>(counting_allocator::allocations.load() - allocations) /
           static_cast<double>(requests);
  }
  std::int64_t live_growth() const { return counting_allocator::live_bytes.load() - live_bytes; }
};

// Runs op on io until it completes, and rethrows what it threw.
void run(asio::io_context& io, asio::awaitable<void> op) {
  std::exception_ptr failure;
  bool done = false;
  asio::co_spawn(io, std::move(op), [&](std::exception_ptr e) {
    failure = e;
    done = true;
  });
  io.restart();
  while (!done && io.run_one() > 0) {
  }
  if (failure) std::rethrow_exception(failure);
  REQUIRE(done);
}

// The allocations of pooled GETs of target with AsyncClient after the warm-up: the median and
// mean per request, and the HTTP version they went over.
struct AllocationCount {
  std::uint64_t median = 0;
  double mean = 0;
  std::string version;
};

AllocationCount async_allocations(const std::string& target, httpxx::ClientOptions options) {
  asio::io_context io;
  const auto executor = io.get_executor();
  httpxx::AsyncClient client(executor, std::move(options));
  AllocationCount count;
  std::size_t complete = 0;
  PerRequest each;
  run(io, [&]() -> asio::awaitable<void> {
    for (std::size_t i = 0; i < warmup; ++i) {
      const auto response = co_await client.get(target);
      REQUIRE(response.content().size() == 1024);
      count.version = response.http_version();
    }
    const Window window;
    for (std::size_t i = 0; i < counted; ++i) {
      each.start();
      const auto response = co_await client.get(target);
      each.stop();
      complete += response.content().size() == 1024;
    }
    count.mean = window.allocations_per(counted);
    co_await client.aclose();
  }());
  REQUIRE(complete == counted);
  count.median = each.median();
  return count;
}

// What each of `connections` pooled connections holds once idle: bytes allocated through
// operator new (httpxx's own state and buffers) and by OpenSSL. The storage the thread keeps
// from the responses it dropped is the thread's, bounded whatever the number of connections:
// it is reported apart.
struct IdleCost {
  double own = 0;
  double openssl = 0;
  std::size_t thread_spare = 0;
};

IdleCost idle_cost(const std::string& target, httpxx::ClientOptions options, std::size_t connections) {
  asio::io_context io;
  const auto executor = io.get_executor();
  httpxx::AsyncClient client(executor, std::move(options));
  // One request first: what all connections share (the pool's tables, the resolver, the TLS
  // context) is in place.
  run(io, [&]() -> asio::awaitable<void> {
    const auto response = co_await client.get(target);
    REQUIRE(response.is_success());
  }());
  const Window window;
  const auto openssl_before = counting_allocator::openssl_live_bytes.load();
  const auto spare_before = httpxx::detail::spare_storage::held_bytes();
  // Started together, so each needs a connection of its own; all are idle when they are done.
  std::size_t running = connections;
  std::exception_ptr failure;
  for (std::size_t i = 0; i < connections; ++i) {
    asio::co_spawn(io, [&]() -> asio::awaitable<void> {
      const auto response = co_await client.get(target);
      REQUIRE(response.content().size() == 1024);
    }, [&](std::exception_ptr e) {
      if (e) failure = e;
      --running;
    });
  }
  io.restart();
  while (running > 0 && io.run_one() > 0) {
  }
  if (failure) std::rethrow_exception(failure);
  REQUIRE(running == 0);
  REQUIRE(client.describe().find(std::to_string(connections) + " idle") != std::string::npos);
  const auto opened = static_cast<double>(connections - 1);
  IdleCost cost;
  cost.thread_spare = httpxx::detail::spare_storage::held_bytes();
  const auto spare_growth = static_cast<std::int64_t>(cost.thread_spare) - static_cast<std::int64_t>(spare_before);
  cost.own = static_cast<double>(window.live_growth() - spare_growth) / opened;
  cost.openssl = static_cast<double>(counting_allocator::openssl_live_bytes.load() - openssl_before) / opened;
  run(io, client.aclose());
  return cost;
}

}  // namespace

TEST_CASE("a pooled GET with the blocking Client allocates a bounded number of times") {
  httpxx::Client client(pooled(1));
  const auto target = url();
  for (std::size_t i = 0; i < warmup; ++i) REQUIRE(client.get(target).content().size() == 1024);
  // Checked after the window: the test framework's bookkeeping allocates too.
  std::size_t complete = 0;
  PerRequest each;
  const Window window;
  for (std::size_t i = 0; i < counted; ++i) {
    each.start();
    complete += client.get(target).content().size() == 1024;
    each.stop();
  }
  const double mean = window.allocations_per(counted);
  REQUIRE(complete == counted);
  const auto median = each.median();
  MESSAGE("allocations per request: median " << median << ", mean " << mean);
  CHECK(static_cast<double>(median) <= max_allocations);
  CHECK(client.describe().find("1 idle") != std::string::npos);
}

TEST_CASE("a pooled GET with AsyncClient allocates a bounded number of times") {
  const auto count = async_allocations(url(), pooled(1));
  REQUIRE(count.version == "HTTP/1.1");
  MESSAGE("allocations per request: median " << count.median << ", mean " << count.mean);
  CHECK(static_cast<double>(count.median) <= max_allocations);
}

TEST_CASE("a pooled HTTP/2 GET with AsyncClient allocates a bounded number of times") {
  auto options = pooled(1);
  options.ca_bundle = server("HTTPXX_TEST_CA");
  const auto count = async_allocations(server("HTTPXX_TEST_NGINX_HTTPS") + "/1k.bin", std::move(options));
  REQUIRE(count.version == "HTTP/2");
  MESSAGE("allocations per HTTP/2 request: median " << count.median << ", mean " << count.mean);
  CHECK(static_cast<double>(count.median) <= max_h2_allocations);
}

// A body of declared length that arrives over several reads is read into storage with room for
// all of it, taken before its first bytes: in the steady state of a loop over such responses,
// nothing is allocated. Grown from its first read's size instead (1 KiB), it was reallocated at
// each doubling, 4 times a response: the storage the last response gave back has room for all
// of the body, but is too large to be taken for one read's worth.
TEST_CASE("a body of known length arriving over several reads is read into storage sized once") {
  constexpr std::size_t body_size = 12 * 1024;
  constexpr std::size_t parts = 12;
  constexpr std::size_t paced_counted = 10;
  const auto target = server("HTTPXX_TEST_FAULTS") + "/paced-body?size=" + std::to_string(body_size) +
                      "&parts=" + std::to_string(parts) + "&delay_ms=3";
  httpxx::Client client(pooled(1));
  for (std::size_t i = 0; i < 3; ++i) REQUIRE(client.get(target).content().size() == body_size);
  std::size_t complete = 0;
  PerRequest each;
  for (std::size_t i = 0; i < paced_counted; ++i) {
    each.start();
    complete += client.get(target).content().size() == body_size;
    each.stop();
  }
  REQUIRE(complete == paced_counted);
  const auto median = each.median();
  MESSAGE("allocations per paced response: median " << median);
  CHECK(median == 0);
}

struct Iterated {
  std::size_t chunks = 0;
  std::size_t bytes = 0;
  std::uint64_t allocated = 0;   // bytes asked of operator new after the first chunk
};

// Streams /50m.bin through iter_bytes, counting from the second chunk: the first has the
// buffers made.
Iterated iterate_large_body(const std::string& base, httpxx::ClientOptions options,
                            std::string_view version) {
  httpxx::Client client(std::move(options));
  auto response = client.stream("GET", base + "/50m.bin");
  REQUIRE(response.status_code() == 200);
  REQUIRE(response.http_version() == version);
  Iterated result;
  std::uint64_t allocated_before = 0;
  for (const std::string& chunk : response.iter_bytes()) {
    if (result.chunks++ == 0) allocated_before = counting_allocator::allocated_bytes.load();
    result.bytes += chunk.size();
  }
  result.allocated = counting_allocator::allocated_bytes.load() - allocated_before;
  REQUIRE(result.bytes == 50u * 1024 * 1024);
  REQUIRE(result.chunks > 16);
  MESSAGE(result.chunks << " chunks; " << result.allocated << " bytes allocated after the first");
  return result;
}

// Each step still runs the event loop, whose coroutine frames Asio's cache may miss, but no
// chunk is a buffer of its own: with one, this was more than the body's size.
TEST_CASE("iterating over a streamed body reads every chunk into the same storage") {
  const auto iterated = iterate_large_body(server("HTTPXX_TEST_NGINX_HTTP"), pooled(1), "HTTP/1.1");
  CHECK(iterated.allocated < iterated.bytes / 16);
}

// Over HTTP/2 the chunk's storage and the stream's buffer change places at each step.
TEST_CASE("iterating over a streamed HTTP/2 body allocates no buffer per chunk") {
  auto options = pooled(1);
  options.ca_bundle = server("HTTPXX_TEST_CA");
  const auto iterated = iterate_large_body(server("HTTPXX_TEST_NGINX_HTTPS"), std::move(options), "HTTP/2");
  CHECK(iterated.allocated < iterated.bytes / 16);
}

// The bytes operator new is asked for while a body of upload_size already in memory is POSTed
// on a warm pooled connection, through nginx, which reads all of it before httpbin answers 204.
std::uint64_t upload_allocated(httpxx::ClientOptions options, std::string_view version) {
  constexpr std::size_t upload_size = 1024 * 1024;
  options.ca_bundle = server("HTTPXX_TEST_CA");
  httpxx::Client client(std::move(options));
  const std::string target = server("HTTPXX_TEST_NGINX_HTTPS") + "/httpbin/status/204";
  const auto post = [&] {
    httpxx::RequestOptions request;
    request.content = std::string(upload_size, 'u');
    const std::uint64_t before = counting_allocator::allocated_bytes.load();
    const auto response = client.request("POST", target, std::move(request));
    const std::uint64_t allocated = counting_allocator::allocated_bytes.load() - before;
    REQUIRE(response.status_code() == 204);
    REQUIRE(response.http_version() == version);
    return allocated;
  };
  post();   // the connection, the TLS buffers and the pool's tables are in place after
  const auto allocated = post();
  MESSAGE(version << ": " << allocated << " bytes allocated to send " << upload_size);
  CHECK(allocated < upload_size / 8);
  return allocated;
}

// The body leaves from the caller's string: gathered with the head over HTTP/1.1, framed
// straight from it over HTTP/2. Copied into the codec's buffers on the way, it was more than
// its own size.
TEST_CASE("an upload already in memory is not copied on its way to TLS") {
  auto http1 = pooled(1);
  http1.http2 = false;
  upload_allocated(std::move(http1), "HTTP/1.1");
  upload_allocated(pooled(1), "HTTP/2");
}

TEST_CASE("an idle pooled HTTP/1.1 connection holds no read buffer") {
  const auto cost = idle_cost(url(), pooled(100), 100);
  MESSAGE("bytes held per idle connection: " << cost.own << "; by the thread's spare storage: " << cost.thread_spare);
  CHECK(cost.own < max_idle_bytes);
}

TEST_CASE("an idle pooled HTTP/1.1 connection over TLS holds no buffers, its own or OpenSSL's") {
  REQUIRE(counting_allocator::openssl_counted);
  auto options = pooled(100);
  options.ca_bundle = server("HTTPXX_TEST_CA");
  options.http2 = false;
  const auto cost = idle_cost(server("HTTPXX_TEST_NGINX_HTTPS") + "/1k.bin", std::move(options), 100);
  MESSAGE("bytes held per idle TLS connection: " << cost.own << " by httpxx, " << cost.openssl
                                                << " by OpenSSL; by the thread's spare storage: " << cost.thread_spare);
  CHECK(cost.own < max_idle_bytes);
  // The SSL object and its session, without the record buffers (about 34 KB, SSL_free_buffers(3)).
  CHECK(cost.openssl < max_idle_tls_state_bytes);
}
