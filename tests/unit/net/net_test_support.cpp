#include "net_test_support.hpp"

#include <doctest/doctest.h>

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/read.hpp>
#include <asio/redirect_error.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <memory>
#include <thread>

namespace httpxx::test {

void run(asio::io_context& io, asio::awaitable<void> test, std::chrono::seconds limit) {
  bool done = false;
  std::exception_ptr failure;
  asio::co_spawn(io, std::move(test), [&](std::exception_ptr e) {
    done = true;
    failure = e;
  });
  io.restart();
  const auto until = std::chrono::steady_clock::now() + limit;
  while (!done && std::chrono::steady_clock::now() < until) {
    io.run_one_until(until);
  }
  REQUIRE_MESSAGE(done, "test coroutine did not finish in time");
  if (failure) std::rethrow_exception(failure);
}

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "httpxx-net-XXXXXX").string();
  REQUIRE(::mkdtemp(pattern.data()) != nullptr);
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

namespace {

template <typename Socket>
asio::awaitable<void> echo(Socket socket) {
  std::array<char, 16384> buffer{};
  std::error_code ec;
  for (;;) {
    const auto n = co_await socket.async_read_some(asio::buffer(buffer), asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return;
    co_await asio::async_write(socket, asio::buffer(buffer.data(), n), asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return;
  }
}

template <typename Acceptor>
asio::awaitable<void> accept_echo(Acceptor acceptor) {
  std::error_code ec;
  for (;;) {
    auto socket = co_await acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return;
    asio::co_spawn(acceptor.get_executor(), echo(std::move(socket)), asio::detached);
  }
}

asio::awaitable<void> accept_silently(asio::ip::tcp::acceptor acceptor) {
  std::vector<asio::ip::tcp::socket> held;
  std::error_code ec;
  for (;;) {
    auto socket = co_await acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return;
    held.push_back(std::move(socket));
  }
}

}  // namespace

std::uint16_t start_tcp_echo(asio::io_context& io, const std::string& address) {
  asio::ip::tcp::acceptor acceptor(io, {asio::ip::make_address(address), 0});
  const auto port = acceptor.local_endpoint().port();
  asio::co_spawn(io, accept_echo(std::move(acceptor)), asio::detached);
  return port;
}

void start_unix_echo(asio::io_context& io, const std::string& path) {
  asio::local::stream_protocol::acceptor acceptor(io, asio::local::stream_protocol::endpoint(path));
  asio::co_spawn(io, accept_echo(std::move(acceptor)), asio::detached);
}

std::uint16_t start_silent_server(asio::io_context& io) {
  asio::ip::tcp::acceptor acceptor(io, {asio::ip::make_address("127.0.0.1"), 0});
  const auto port = acceptor.local_endpoint().port();
  asio::co_spawn(io, accept_silently(std::move(acceptor)), asio::detached);
  return port;
}

std::uint16_t closed_port() {
  asio::io_context io;
  asio::ip::tcp::acceptor acceptor(io, {asio::ip::make_address("127.0.0.1"), 0});
  return acceptor.local_endpoint().port();
}

ChildProcess::ChildProcess(const std::vector<std::string>& argv) {
  std::vector<char*> args;
  for (const auto& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  const pid_t parent = ::getpid();
  pid_ = ::fork();
  REQUIRE(pid_ >= 0);
  if (pid_ == 0) {
    // The child dies with the test even when the test crashes, and keeps off its output (a
    // child holding the test's stdout would keep a pipe reading it open).
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (::getppid() != parent) ::_exit(127);
    const int null = ::open("/dev/null", O_RDWR);
    ::dup2(null, STDIN_FILENO);
    ::dup2(null, STDOUT_FILENO);
    ::dup2(null, STDERR_FILENO);
    ::execvp(args[0], args.data());
    ::_exit(127);
  }
}

ChildProcess::~ChildProcess() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  int status = 0;
  ::waitpid(pid_, &status, 0);
}

bool wait_for_listener(std::uint16_t port, std::chrono::milliseconds limit) {
  // A readiness probe: the child gives no other sign that it listens.
  asio::io_context io;
  const auto until = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < until) {
    asio::ip::tcp::socket socket(io);
    std::error_code ec;
    socket.connect({asio::ip::make_address("127.0.0.1"), port}, ec);
    if (!ec) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

}  // namespace httpxx::test
