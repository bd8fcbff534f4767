// Helpers for the network layer's tests: driving coroutines, temporary directories, echo servers.
#pragma once

#include <asio/awaitable.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/local/stream_protocol.hpp>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace httpxx::test {

// Runs test on io until it finishes (servers on io keep running alongside), rethrowing what it
// throws. Fails the test when it has not finished within limit.
void run(asio::io_context& io, asio::awaitable<void> test, std::chrono::seconds limit = std::chrono::seconds(30));

// A directory removed with its contents on destruction.
class TempDir {
 public:
  TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir();
  const std::string& path() const noexcept { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// Echoes every byte back on each accepted TCP connection, on 127.0.0.1 (or address).
std::uint16_t start_tcp_echo(asio::io_context& io, const std::string& address = "127.0.0.1");
// The same on a Unix domain socket at path.
void start_unix_echo(asio::io_context& io, const std::string& path);
// Accepts connections and never reads or writes: peers wait forever. Keeps them open.
std::uint16_t start_silent_server(asio::io_context& io);
// A port on 127.0.0.1 where nothing listens (bound, then released).
std::uint16_t closed_port();

// Starts a program with arguments; stops it (SIGTERM, then waits) on destruction.
class ChildProcess {
 public:
  explicit ChildProcess(const std::vector<std::string>& argv);
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  ~ChildProcess();

 private:
  int pid_ = -1;
};

// Waits until something accepts connections on 127.0.0.1:port; false after limit.
bool wait_for_listener(std::uint16_t port, std::chrono::milliseconds limit = std::chrono::milliseconds(5000));

}  // namespace httpxx::test
