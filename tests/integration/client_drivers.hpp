#pragma once
// One behavioural test body, two clients: each driver exposes the same calls, the first through
// the blocking httpxx::Client, the second through httpxx::AsyncClient on an io_context the test
// runs. TEST_CASE_TEMPLATE(..., Driver, httpxx_test::SyncDriver, httpxx_test::AsyncDriver).

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>

#include <httpxx/httpxx.hpp>

namespace httpxx_test {

class SyncDriver {
 public:
  explicit SyncDriver(httpxx::ClientOptions options = {}) : client_(std::move(options)) {}

  httpxx::Response request(std::string_view method, std::string_view url, httpxx::RequestOptions options = {}) {
    return client_.request(method, url, std::move(options));
  }
  httpxx::Response get(std::string_view url, httpxx::RequestOptions options = {}) {
    return client_.get(url, std::move(options));
  }
  httpxx::Response stream(std::string_view method, std::string_view url, httpxx::RequestOptions options = {}) {
    return client_.stream(method, url, std::move(options));
  }
  httpxx::Response send(httpxx::Request request, httpxx::SendOptions options = {}) {
    return client_.send(std::move(request), std::move(options));
  }
  httpxx::Request build_request(std::string_view method, std::string_view url, httpxx::RequestOptions options = {}) {
    return client_.build_request(method, url, std::move(options));
  }
  // Calls on_chunk with each decoded chunk of a streamed response; stops early when it returns false.
  void each_chunk(httpxx::Response& response, std::size_t chunk_size,
                  const std::function<bool(const std::string&)>& on_chunk) {
    for (const auto& chunk : response.iter_bytes(chunk_size)) {
      if (!on_chunk(chunk)) break;
    }
  }
  void each_line(httpxx::Response& response, const std::function<void(const std::string&)>& on_line) {
    for (const auto& line : response.iter_lines()) on_line(line);
  }
  void each_raw(httpxx::Response& response, const std::function<void(const std::string&)>& on_chunk) {
    for (const auto& chunk : response.iter_raw()) on_chunk(chunk);
  }
  std::string read(httpxx::Response& response) { return response.read(); }
  void close(httpxx::Response& response) { response.close(); }
  void close() { client_.close(); }
  std::string describe() const { return client_.describe(); }
  httpxx::Client& client() { return client_; }

 private:
  httpxx::Client client_;
};

class AsyncDriver {
 public:
  explicit AsyncDriver(httpxx::ClientOptions options = {}) : client_(context_.get_executor(), std::move(options)) {}

  // Runs operation on the test's io_context until it completes. The completion handler is a
  // plain lambda, so it runs on that io_context (asio::use_future would complete on asio's
  // system thread pool, leaving run_one() waiting for an event that already happened).
  template <class T>
  T run(asio::awaitable<T> operation) {
    std::optional<T> result;
    std::exception_ptr error;
    bool done = false;
    asio::co_spawn(context_, std::move(operation), [&](std::exception_ptr e, T value) {
      error = e;
      if (!e) result.emplace(std::move(value));
      done = true;
    });
    context_.restart();
    while (!done) context_.run_one();
    if (error) std::rethrow_exception(error);
    return std::move(*result);
  }
  void run(asio::awaitable<void> operation) {
    std::exception_ptr error;
    bool done = false;
    asio::co_spawn(context_, std::move(operation), [&](std::exception_ptr e) {
      error = e;
      done = true;
    });
    context_.restart();
    while (!done) context_.run_one();
    if (error) std::rethrow_exception(error);
  }

  httpxx::Response request(std::string_view method, std::string_view url, httpxx::RequestOptions options = {}) {
    return run(client_.request(method, url, std::move(options)));
  }
  httpxx::Response get(std::string_view url, httpxx::RequestOptions options = {}) {
    return run(client_.get(url, std::move(options)));
  }
  httpxx::Response stream(std::string_view method, std::string_view url, httpxx::RequestOptions options = {}) {
    return run(client_.stream(method, url, std::move(options)));
  }
  httpxx::Response send(httpxx::Request request, httpxx::SendOptions options = {}) {
    return run(client_.send(std::move(request), std::move(options)));
  }
  httpxx::Request build_request(std::string_view method, std::string_view url, httpxx::RequestOptions options = {}) {
    return client_.build_request(method, url, std::move(options));
  }
  void each_chunk(httpxx::Response& response, std::size_t chunk_size,
                  const std::function<bool(const std::string&)>& on_chunk) {
    run([&]() -> asio::awaitable<void> {
      auto chunks = response.aiter_bytes(chunk_size);
      for (;;) {   // (GCC 12 miscompiles co_await inside a condition)
        auto chunk = co_await chunks.next();
        if (!chunk || !on_chunk(*chunk)) break;
      }
    }());
  }
  void each_line(httpxx::Response& response, const std::function<void(const std::string&)>& on_line) {
    run([&]() -> asio::awaitable<void> {
      auto lines = response.aiter_lines();
      for (;;) {
        auto line = co_await lines.next();
        if (!line) break;
        on_line(*line);
      }
    }());
  }
  void each_raw(httpxx::Response& response, const std::function<void(const std::string&)>& on_chunk) {
    run([&]() -> asio::awaitable<void> {
      auto chunks = response.aiter_raw();
      for (;;) {
        auto chunk = co_await chunks.next();
        if (!chunk) break;
        on_chunk(*chunk);
      }
    }());
  }
  std::string read(httpxx::Response& response) {
    return run([&]() -> asio::awaitable<std::string> { co_return co_await response.aread(); }());
  }
  void close(httpxx::Response& response) { run(response.aclose()); }
  void close() { run(client_.aclose()); }
  std::string describe() const { return client_.describe(); }
  asio::io_context& context() { return context_; }
  httpxx::AsyncClient& client() { return client_; }

 private:
  asio::io_context context_;   // declared first: outlives the client's connections
  httpxx::AsyncClient client_;
};

}  // namespace httpxx_test
