// Streams a large download to a file chunk by chunk: Client::stream returns once the headers have
// arrived, and iter_bytes() hands the body over as it comes, so memory use stays small whatever
// the size. nginx serves /50m.bin, 50 MiB.
//
// Usage: download [BASE_URL [OUTPUT]]   (HTTPXX_TEST_NGINX_HTTP, when set, wins for BASE_URL;
//        without OUTPUT the file goes to the temporary directory and is removed afterwards)

#include <chrono>
#include <cstddef>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>

#include <httpxx/httpxx.hpp>

#include "example_support.hpp"

namespace {

}  // namespace

int main(int argc, char** argv) {
  const std::string base = example::server_url("HTTPXX_TEST_NGINX_HTTP", argc, argv);
  const bool keep = argc > 2;
  const std::filesystem::path path =
      keep ? std::filesystem::path(argv[2]) : std::filesystem::temp_directory_path() / "httpxx-50m.bin";
  try {
    httpxx::Client client;
    const auto start = std::chrono::steady_clock::now();
    httpxx::Response response = client.stream("GET", base + "/50m.bin");
    response.raise_for_status();
    const std::string expected = response.headers().get("Content-Length").value_or("?");

    std::ofstream out(path, std::ios::binary);
    std::size_t bytes = 0, chunks = 0;
    for (const std::string& chunk : response.iter_bytes(64 * 1024)) {
      out.write(chunk.data(), static_cast<std::streamsize>(chunk.size()));
      bytes += chunk.size();
      ++chunks;
    }
    out.close();
    const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;

    std::cout << "GET /50m.bin -> " << response.status_code() << ", " << bytes << " bytes (Content-Length "
              << expected << ") in " << chunks << " chunks to " << path.string() << '\n'
              << "  " << elapsed.count() << " s, " << bytes / elapsed.count() / (1 << 20) << " MiB/s\n";
    if (!keep) std::filesystem::remove(path);
    if (!out || std::to_string(bytes) != expected) {
      std::cerr << "the file is incomplete\n";
      return 1;
    }
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
