#include "net/happy_eyeballs.hpp"

#include <asio/redirect_error.hpp>
#include <asio/steady_timer.hpp>
#include <asio/this_coro.hpp>

#include <algorithm>
#include <memory>
#include <string>

#include "net/pooled_awaitable.hpp"

namespace httpxx::detail {

std::vector<asio::ip::tcp::endpoint> interleave_families(const std::vector<asio::ip::tcp::endpoint>& endpoints) {
  if (endpoints.empty()) return {};
  const bool first_v6 = endpoints.front().address().is_v6();
  std::vector<asio::ip::tcp::endpoint> preferred, other;
  for (const auto& endpoint : endpoints) {
    (endpoint.address().is_v6() == first_v6 ? preferred : other).push_back(endpoint);
  }
  std::vector<asio::ip::tcp::endpoint> result;
  result.reserve(endpoints.size());
  for (std::size_t i = 0; i < std::max(preferred.size(), other.size()); ++i) {
    if (i < preferred.size()) result.push_back(preferred[i]);
    if (i < other.size()) result.push_back(other[i]);
  }
  return result;
}

namespace {

struct Attempt {
  explicit Attempt(const asio::any_io_executor& executor) : socket(executor) {}
  asio::ip::tcp::socket socket;
  std::error_code ec;
  bool done = false;
  bool seen = false;
};

// Shared with the connect handlers, which may complete after race_connect returned (the losers
// complete with operation_aborted once closed).
struct Race {
  explicit Race(const asio::any_io_executor& executor) : wake(executor) {}
  std::vector<std::unique_ptr<Attempt>> attempts;
  // The racing coroutine sleeps on it until the next attempt is due; a finishing attempt
  // cancels it to wake the coroutine early.
  asio::steady_timer wake;
};

void start_attempt(const std::shared_ptr<Race>& race, const asio::ip::tcp::endpoint& endpoint,
                   const std::optional<asio::ip::address>& local) {
  auto& attempt = *race->attempts.emplace_back(std::make_unique<Attempt>(race->wake.get_executor()));
  std::error_code ec;
  attempt.socket.open(endpoint.protocol(), ec);
  if (!ec && local) attempt.socket.bind(asio::ip::tcp::endpoint(*local, 0), ec);
  if (ec) {
    attempt.ec = ec;
    attempt.done = true;
    return;
  }
  attempt.socket.async_connect(endpoint, [race, &attempt](const std::error_code& result) {
    attempt.ec = result;
    attempt.done = true;
    race->wake.cancel();
  });
}

}  // namespace

Awaitable<asio::ip::tcp::socket> race_connect(const std::vector<asio::ip::tcp::endpoint>& endpoints,
    const std::optional<asio::ip::address>& local, std::chrono::milliseconds delay, Deadline deadline,
    std::string_view target, NetError& error) {
  const auto executor = co_await asio::this_coro::executor;
  auto race = std::make_shared<Race>(executor);
  std::size_t next = 0;
  std::size_t in_flight = 0;
  Attempt* winner = nullptr;
  std::error_code last_error = asio::error::host_not_found;
  auto next_due = Deadline::clock::now();
  bool timed_out = false;

  for (;;) {
    bool failed = false;
    for (auto& attempt : race->attempts) {
      if (!attempt->done || attempt->seen) continue;
      attempt->seen = true;
      --in_flight;
      if (!attempt->ec) {
        winner = attempt.get();
        break;
      }
      last_error = attempt->ec;
      failed = true;
    }
    if (winner) break;
    const auto now = Deadline::clock::now();
    if (now >= deadline) {
      timed_out = true;
      break;
    }
    // RFC 8305 section 5: a failure starts the next attempt without waiting for the delay.
    if (next < endpoints.size() && (failed || in_flight == 0 || now >= next_due)) {
      start_attempt(race, endpoints[next++], local);
      ++in_flight;
      next_due = now + delay;
      continue;
    }
    if (in_flight == 0) break;
    race->wake.expires_at(next < endpoints.size() ? std::min(next_due, deadline) : deadline);
    std::error_code ignored;
    co_await race->wake.async_wait(asio::redirect_error(use_pooled, ignored));
  }

  for (auto& attempt : race->attempts) {
    if (attempt.get() == winner) continue;
    std::error_code ignored;
    attempt->socket.close(ignored);
  }
  if (!winner) {
    if (timed_out) {
      error.timed_out = true;
      error.code = asio::error::timed_out;
      error.message = "connect to " + std::string(target) + " timed out";
    } else {
      error.code = last_error;
      error.message = "connect to " + std::string(target) + " failed: " + last_error.message();
    }
    co_return asio::ip::tcp::socket(executor);
  }
  co_return std::move(winner->socket);
}

}  // namespace httpxx::detail
