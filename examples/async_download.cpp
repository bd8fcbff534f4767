// Streams a large download to a file chunk by chunk from a coroutine: AsyncClient::stream returns
// once the headers have arrived, and aiter_bytes() hands the body over as it comes, so memory use
// stays small whatever the size. nginx serves /50m.bin, 50 MiB.
//
// Usage: async_download [BASE_URL [OUTPUT]]   (HTTPXX_TEST_NGINX_HTTP, when set, wins for
//        BASE_URL; without OUTPUT the file goes to the temporary directory and is removed)

#include <chrono>
#include <cstddef>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <stdexcept>
#include <string>

#include <asio/this_coro.hpp>
#include <httpxx/httpxx.hpp>

#include "example_support.hpp"

namespace {

asio::awaitable<int> run(std::string base, std::filesystem::path path) {
  // The executor in its own statement: GCC 12 destroys temporaries of a co_await expression twice.
  auto executor = co_await asio::this_coro::executor;
  httpxx::AsyncClient client(executor);
  const auto start = std::chrono::steady_clock::now();
  const std::string url = base + "/50m.bin";
  httpxx::Response response = co_await client.stream("GET", url);
  response.raise_for_status();
  const std::string expected = response.headers().get("Content-Length").value_or("?");

  std::ofstream out(path, std::ios::binary);
  std::size_t bytes = 0, chunks = 0;
  httpxx::AsyncChunkStream body = response.aiter_bytes(64 * 1024);
  for (;;) {
    // The result in its own statement: GCC 12 miscompiles co_await inside a loop condition.
    std::optional<std::string> chunk = co_await body.next();
    if (!chunk) break;
    out.write(chunk->data(), static_cast<std::streamsize>(chunk->size()));
    bytes += chunk->size();
    ++chunks;
  }
  out.close();
  const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;

  std::cout << "GET /50m.bin -> " << response.status_code() << ", " << bytes << " bytes (Content-Length "
            << expected << ") in " << chunks << " chunks to " << path.string() << '\n'
            << "  " << elapsed.count() << " s, " << bytes / elapsed.count() / (1 << 20) << " MiB/s\n";
  if (!out || std::to_string(bytes) != expected) throw std::runtime_error("the file is incomplete");
  // Closing lets io_context::run() return: an idle HTTP/2 connection keeps a read pending.
  co_await client.aclose();
  co_return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const bool keep = argc > 2;
  const std::filesystem::path path =
      keep ? std::filesystem::path(argv[2]) : std::filesystem::temp_directory_path() / "httpxx-async-50m.bin";
  const std::string base = example::server_url("HTTPXX_TEST_NGINX_HTTP", argc, argv);
  const int status = example::run_to_completion(run(base, path));
  if (!keep) std::filesystem::remove(path);
  return status;
}
