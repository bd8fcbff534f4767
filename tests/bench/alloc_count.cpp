// Counts what a request costs in heap allocations, and what an idle pooled connection costs in
// memory, against a local HTTP/1.1 server, plain or over TLS (tests/bench/run.py starts nginx
// and passes its URL).
//
//   alloc_count URL [--warmup N] [--requests M] [--idle K] [--ca FILE] [--protocol h1|h2]
//
// Global operator new and delete, and aligned_alloc, are replaced by counting versions. After
// N warm-up GETs (the connection, buffers and caches are in place), M more GETs on the same
// keep-alive connection are counted, once with the blocking Client and once with AsyncClient.
// Then K requests are started at once on a fresh AsyncClient, which opens K connections and
// keeps them idle in its pool; the growth of RSS, of malloc's in-use bytes (everything: OpenSSL and nghttp2 allocate
// with malloc, not operator new), of operator new's live bytes and of OpenSSL's (counted through
// CRYPTO_set_mem_functions), divided by the connections opened, is the memory an idle
// connection holds. An https URL needs --ca, the CA that verifies the server; --protocol h2
// offers HTTP/2 by ALPN (h1, the default, does not).
//
// Prints one JSON line. It asserts nothing about the figures: they are a measurement, shown in
// the benchmark table; it fails only when a request fails.

#include <malloc.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <new>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>

#include <httpxx/httpxx.hpp>

#include "counting_allocator.hpp"

using counting_allocator::allocations;
using counting_allocator::live_bytes;

namespace {

using namespace std::chrono_literals;

struct Config {
  std::string url;
  std::size_t warmup = 1000;
  std::size_t requests = 10000;
  std::size_t idle = 1000;
  std::string ca;                // CA bundle for an https URL
  std::string protocol = "h1";   // h1, or h2 (ALPN over TLS)
};

struct Memory {
  double rss = 0;       // resident set, bytes
  double heap = 0;      // malloc's bytes in use: main arena and mmapped blocks (mallinfo2 does
                        // not see the arenas of other threads, such as a resolver's)
  double live_new = 0;  // bytes allocated by operator new and not yet freed
  double openssl = 0;   // bytes allocated by OpenSSL and not yet freed
};

Memory memory_now() {
  // Freed memory goes back to the system first, so that RSS counts what is held, not what a
  // burst of connections used for a moment and freed.
  malloc_trim(0);
  Memory memory;
  std::ifstream statm("/proc/self/statm");
  double size = 0;
  double resident = 0;
  statm >> size >> resident;   // proc(5): sizes in pages
  memory.rss = resident * static_cast<double>(sysconf(_SC_PAGESIZE));
  const auto info = mallinfo2();
  memory.heap = static_cast<double>(info.uordblks + info.hblkhd);
  memory.live_new = static_cast<double>(live_bytes.load());
  memory.openssl = static_cast<double>(counting_allocator::openssl_live_bytes.load());
  return memory;
}

httpxx::ClientOptions options_for(const Config& config, std::size_t connections) {
  httpxx::ClientOptions options;
  if (!config.ca.empty()) options.ca_bundle = config.ca;
  options.http2 = config.protocol == "h2";
  options.timeout = httpxx::Timeout::all(120s);
  options.limits.max_connections = connections;
  options.limits.max_keepalive_connections = connections;
  options.limits.keepalive_expiry = 3600s;
  options.trust_env = false;
  return options;
}

void check(const httpxx::Response& response) {
  if (!response.is_success()) {
    throw std::runtime_error("status " + std::to_string(response.status_code()));
  }
}

// Allocations per request of the blocking Client after its warm-up.
double sync_allocations(const Config& config) {
  httpxx::Client client(options_for(config, 1));
  for (std::size_t i = 0; i < config.warmup; ++i) check(client.get(config.url));
  const auto before = allocations.load();
  for (std::size_t i = 0; i < config.requests; ++i) check(client.get(config.url));
  return static_cast<double>(allocations.load() - before) / static_cast<double>(config.requests);
}

asio::awaitable<double> async_allocations(httpxx::AsyncClient& client, const Config& config) {
  for (std::size_t i = 0; i < config.warmup; ++i) {
    const auto response = co_await client.get(config.url);
    check(response);
  }
  const auto before = allocations.load();
  for (std::size_t i = 0; i < config.requests; ++i) {
    const auto response = co_await client.get(config.url);
    check(response);
  }
  co_return static_cast<double>(allocations.load() - before) / static_cast<double>(config.requests);
}

// Runs the event loop until the operation is done. Stopped explicitly: the pool's idle
// connections may keep work pending (timers, reads) that would keep run() from returning.
template <class T>
T run_to_completion(asio::io_context& context, asio::awaitable<T> operation) {
  T result{};
  std::exception_ptr failure;
  asio::co_spawn(context, std::move(operation), [&](std::exception_ptr error, T value) {
    failure = error;
    result = value;
    context.stop();
  });
  context.restart();
  context.run();
  if (failure) std::rethrow_exception(failure);
  return result;
}

// The idle connections the pool holds, from its one-line description
// "<... Connections: A active, I idle]>".
std::size_t idle_connections(const std::string& description) {
  const auto end = description.rfind(" idle");
  if (end == std::string::npos || end == 0) return 0;
  const auto start = description.rfind(' ', end - 1);
  if (start == std::string::npos) return 0;
  return std::stoul(description.substr(start + 1, end - start - 1));
}

struct IdleCost {
  std::size_t connections = 0;
  Memory per_connection;
};

IdleCost idle_cost(const Config& config) {
  asio::io_context context;
  httpxx::AsyncClient client(context.get_executor(), options_for(config, config.idle + 1));
  // One connection first, so that what every connection shares (TLS and resolver state, the
  // pool's tables) is in place before the baseline.
  run_to_completion(context, [&]() -> asio::awaitable<int> {
    const auto response = co_await client.get(config.url);
    check(response);
    co_return 0;
  }());
  const std::size_t idle_before = idle_connections(client.describe());
  const Memory before = memory_now();
  std::exception_ptr failure;
  std::size_t running = config.idle;
  // All started before any completes, so each needs a connection of its own.
  for (std::size_t i = 0; i < config.idle; ++i) {
    asio::co_spawn(context, [&]() -> asio::awaitable<void> {
      const auto response = co_await client.get(config.url);
      check(response);
    }, [&](std::exception_ptr error) {
      if (error && !failure) failure = error;
      if (--running == 0) context.stop();
    });
  }
  context.restart();
  context.run();
  if (failure) std::rethrow_exception(failure);
  // The completions the last request left queued (the idle connections' cancelled timer waits)
  // run first: the loop frees them at its next turn, they are not held by the connections.
  context.restart();
  context.poll();
  const Memory after = memory_now();
  IdleCost cost;
  cost.connections = idle_connections(client.describe());
  const auto opened = static_cast<double>(cost.connections - idle_before);
  if (opened > 0) {
    cost.per_connection.rss = (after.rss - before.rss) / opened;
    cost.per_connection.heap = (after.heap - before.heap) / opened;
    cost.per_connection.live_new = (after.live_new - before.live_new) / opened;
    cost.per_connection.openssl = (after.openssl - before.openssl) / opened;
  }
  run_to_completion(context, [&]() -> asio::awaitable<int> {
    co_await client.aclose();
    co_return 0;
  }());
  return cost;
}

std::size_t parse_count(const char* text) {
  char* end = nullptr;
  const auto value = std::strtoull(text, &end, 10);
  if (*text == '\0' || *end != '\0') throw std::invalid_argument(std::string("not a number: ") + text);
  return static_cast<std::size_t>(value);
}

Config parse_args(int argc, char** argv) {
  if (argc < 2) throw std::invalid_argument("usage: alloc_count URL [--warmup N] [--requests M] [--idle K] [--ca FILE] [--protocol h1|h2]");
  Config config;
  config.url = argv[1];
  for (int i = 2; i + 1 < argc; i += 2) {
    const std::string_view option = argv[i];
    if (option == "--ca") {
      config.ca = argv[i + 1];
      continue;
    }
    if (option == "--protocol") {
      config.protocol = argv[i + 1];
      if (config.protocol != "h1" && config.protocol != "h2") throw std::invalid_argument("--protocol is h1 or h2");
      continue;
    }
    const std::size_t value = parse_count(argv[i + 1]);
    if (option == "--warmup") {
      config.warmup = value;
    } else if (option == "--requests") {
      config.requests = value;
    } else if (option == "--idle") {
      config.idle = value;
    } else {
      throw std::invalid_argument("unknown option " + std::string(option));
    }
  }
  if (argc % 2 != 0) throw std::invalid_argument("an option lacks its value");
  if (config.requests == 0) throw std::invalid_argument("--requests must be at least 1");
  return config;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const Config config = parse_args(argc, argv);
    if (!counting_allocator::openssl_counted) {
      throw std::runtime_error("OpenSSL allocated before its allocations could be counted");
    }
    const double sync = sync_allocations(config);
    double async = 0;
    {
      asio::io_context context;
      httpxx::AsyncClient client(context.get_executor(), options_for(config, 1));
      async = run_to_completion(context, async_allocations(client, config));
    }
    const IdleCost idle = idle_cost(config);
    std::printf(
        "{\"requests\": %zu, \"sync_allocations_per_request\": %.2f, "
        "\"async_allocations_per_request\": %.2f, \"idle_connections\": %zu, "
        "\"idle_rss_bytes_per_connection\": %.0f, \"idle_heap_bytes_per_connection\": %.0f, "
        "\"idle_new_bytes_per_connection\": %.0f, \"idle_openssl_bytes_per_connection\": %.0f}\n",
        config.requests, sync, async, idle.connections, idle.per_connection.rss,
        idle.per_connection.heap, idle.per_connection.live_new, idle.per_connection.openssl);
  } catch (const std::exception& error) {
    std::fprintf(stderr, "alloc_count: %s\n", error.what());
    return 1;
  }
  return 0;
}
