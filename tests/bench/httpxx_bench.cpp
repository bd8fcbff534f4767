// The httpxx side of the benchmark (tests/bench/run.py drives it). One program, three shapes of
// load, through the public API only, as an application would write them:
//
//   httpxx_bench sync     URL COUNT [options]   blocking Client, one request after the other
//   httpxx_bench async    URL COUNT [options]   AsyncClient, --concurrency requests in flight
//   httpxx_bench download URL COUNT [options]   blocking Client::stream, the body read in chunks
//
// options: --concurrency N   requests in flight (async; default 1)
//          --protocol P      h1 (default), h2 (ALPN over TLS) or h2c (prior knowledge)
//          --ca FILE         CA bundle that verifies the server's certificate
//          --post-size N     POST an N-byte body instead of GET
//          --new-connections close every connection after its response (no keep-alive)
//
// It prints one JSON line: {"requests", "seconds", "bytes", "connections"}. "seconds" is the wall
// time of the requests alone (not of start-up); "connections" is how many connections the pool
// holds at the end, so the harness can check that the workload used the connections it meant to.
// COUNT 0 makes a run that only starts up, whose CPU time the harness subtracts.

#include <chrono>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <stdexcept>
#include <string>
#include <string_view>

#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>

#include <httpxx/httpxx.hpp>

namespace {

using namespace std::chrono_literals;

struct Config {
  std::string mode;
  std::string url;
  std::size_t count = 0;
  std::size_t concurrency = 1;
  std::string protocol = "h1";
  std::string ca;
  std::size_t post_size = 0;
  bool new_connections = false;
};

struct Totals {
  std::size_t requests = 0;
  std::size_t bytes = 0;
};

[[noreturn]] void usage(const std::string& why) {
  std::fprintf(stderr,
               "httpxx_bench: %s\n"
               "usage: httpxx_bench sync|async|download URL COUNT [--concurrency N] "
               "[--protocol h1|h2|h2c] [--ca FILE] [--post-size N] [--new-connections]\n",
               why.c_str());
  std::exit(2);
}

std::size_t parse_size(std::string_view text) {
  std::size_t value = 0;
  if (text.empty()) usage("empty number");
  for (const char c : text) {
    if (c < '0' || c > '9') usage("not a number: " + std::string(text));
    value = value * 10 + static_cast<std::size_t>(c - '0');
  }
  return value;
}

Config parse_args(int argc, char** argv) {
  if (argc < 4) usage("missing arguments");
  Config config;
  config.mode = argv[1];
  config.url = argv[2];
  config.count = parse_size(argv[3]);
  for (int i = 4; i < argc; ++i) {
    const std::string_view arg = argv[i];
    const auto value = [&]() -> std::string {
      if (i + 1 >= argc) usage(std::string(arg) + " needs a value");
      return argv[++i];
    };
    if (arg == "--concurrency") {
      config.concurrency = parse_size(value());
    } else if (arg == "--protocol") {
      config.protocol = value();
    } else if (arg == "--ca") {
      config.ca = value();
    } else if (arg == "--post-size") {
      config.post_size = parse_size(value());
    } else if (arg == "--new-connections") {
      config.new_connections = true;
    } else {
      usage("unknown option " + std::string(arg));
    }
  }
  if (config.mode != "sync" && config.mode != "async" && config.mode != "download") {
    usage("unknown mode " + config.mode);
  }
  if (config.protocol != "h1" && config.protocol != "h2" && config.protocol != "h2c") {
    usage("unknown protocol " + config.protocol);
  }
  if (config.concurrency == 0) usage("--concurrency must be at least 1");
  return config;
}

httpxx::ClientOptions client_options(const Config& config) {
  httpxx::ClientOptions options;
  // A loaded machine may stall a request for a while; only a hang should fail the run.
  options.timeout = httpxx::Timeout::all(120s);
  options.limits.max_connections = config.concurrency;
  options.limits.max_keepalive_connections = config.new_connections ? 0 : config.concurrency;
  options.limits.keepalive_expiry = 600s;
  options.http1 = config.protocol != "h2c";
  options.http2 = config.protocol != "h1";
  options.ca_bundle = config.ca;
  options.trust_env = false;   // a proxy in the environment must not capture loopback traffic
  return options;
}

// What the pool holds at the end: the active and idle counts of its one-line description,
// "<... Connections: A active, I idle]>".
std::size_t pooled_connections(const std::string& description) {
  const auto at = description.find("Connections: ");
  if (at == std::string::npos) return 0;
  std::size_t total = 0;
  std::size_t value = 0;
  bool in_number = false;
  for (std::size_t i = at; i < description.size(); ++i) {
    const char c = description[i];
    if (c >= '0' && c <= '9') {
      value = value * 10 + static_cast<std::size_t>(c - '0');
      in_number = true;
    } else if (in_number) {
      total += value;
      value = 0;
      in_number = false;
    }
  }
  return total;
}

httpxx::RequestOptions request_options(const Config& config, const std::string& body) {
  httpxx::RequestOptions options;
  if (config.post_size > 0) options.content = body;
  return options;
}

void check(const httpxx::Response& response) {
  if (!response.is_success()) {
    throw std::runtime_error("status " + std::to_string(response.status_code()) + " from " +
                             std::string(response.url().href()));
  }
}

Totals run_sync(httpxx::Client& client, const Config& config, const std::string& body) {
  const std::string_view method = config.post_size > 0 ? "POST" : "GET";
  Totals totals;
  for (std::size_t i = 0; i < config.count; ++i) {
    const auto response = client.request(method, config.url, request_options(config, body));
    check(response);
    totals.bytes += response.content().size();
    ++totals.requests;
  }
  return totals;
}

Totals run_download(httpxx::Client& client, const Config& config) {
  Totals totals;
  for (std::size_t i = 0; i < config.count; ++i) {
    auto response = client.stream("GET", config.url);
    check(response);
    for (const auto& chunk : response.iter_bytes()) totals.bytes += chunk.size();
    ++totals.requests;
  }
  return totals;
}

// One of --concurrency workers: each takes the next request until COUNT have been started.
asio::awaitable<void> async_worker(httpxx::AsyncClient& client, const Config& config,
                                   const std::string& body, std::size_t& started, Totals& totals) {
  const std::string_view method = config.post_size > 0 ? "POST" : "GET";
  while (started < config.count) {
    ++started;
    // Kept in a statement of its own: GCC 12 miscompiles a co_await inside a condition.
    const auto response = co_await client.request(method, config.url, request_options(config, body));
    check(response);
    totals.bytes += response.content().size();
    ++totals.requests;
  }
}

struct AsyncRun {
  Totals totals;
  std::size_t connections = 0;
};

// Returns when the last worker is done (an HTTP/2 connection keeps a read pending, so the
// event loop would otherwise run until the connection expires); the clock stops there, before
// the client is closed.
AsyncRun run_async(const Config& config, const std::string& body,
                   std::chrono::steady_clock::time_point& started_at,
                   std::chrono::steady_clock::time_point& finished_at) {
  asio::io_context context;
  httpxx::AsyncClient client(context.get_executor(), client_options(config));
  std::size_t started = 0;
  std::size_t running = config.concurrency;
  AsyncRun run;
  std::exception_ptr failure;
  const auto on_worker_done = [&](const std::exception_ptr& error) {
    if (error && !failure) failure = error;
    if (--running > 0) return;
    finished_at = std::chrono::steady_clock::now();
    run.connections = pooled_connections(client.describe());
    asio::co_spawn(context, client.aclose(), [&context](const std::exception_ptr&) { context.stop(); });
  };
  started_at = std::chrono::steady_clock::now();
  for (std::size_t i = 0; i < config.concurrency; ++i) {
    asio::co_spawn(context, async_worker(client, config, body, started, run.totals), on_worker_done);
  }
  context.run();
  if (failure) std::rethrow_exception(failure);
  return run;
}

}  // namespace

int main(int argc, char** argv) {
  const Config config = parse_args(argc, argv);
  const std::string body(config.post_size, 'x');
  try {
    Totals totals;
    std::size_t connections = 0;
    auto started_at = std::chrono::steady_clock::now();
    auto finished_at = started_at;
    if (config.mode == "async") {
      const auto run = run_async(config, body, started_at, finished_at);
      totals = run.totals;
      connections = run.connections;
    } else {
      httpxx::Client client(client_options(config));
      started_at = std::chrono::steady_clock::now();
      totals = config.mode == "sync" ? run_sync(client, config, body) : run_download(client, config);
      finished_at = std::chrono::steady_clock::now();
      connections = pooled_connections(client.describe());
    }
    const std::chrono::duration<double> elapsed = finished_at - started_at;
    std::printf("{\"requests\": %zu, \"seconds\": %.6f, \"bytes\": %zu, \"connections\": %zu}\n",
                totals.requests, elapsed.count(), totals.bytes, connections);
  } catch (const std::exception& error) {
    std::fprintf(stderr, "httpxx_bench: %s\n", error.what());
    return 1;
  }
  return 0;
}
