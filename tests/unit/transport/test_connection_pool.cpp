// ConnectionPool against fake connections on a local io_context: no sockets. Every wait ends by a
// pool event or by a deadline the test chose, never by sleeping.
#include <doctest/doctest.h>

#include <chrono>
#include <exception>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include <asio/bind_cancellation_slot.hpp>
#include <asio/cancellation_signal.hpp>
#include <asio/co_spawn.hpp>
#include <asio/experimental/awaitable_operators.hpp>
#include <asio/io_context.hpp>
#include <asio/post.hpp>
#include <asio/redirect_error.hpp>
#include <asio/steady_timer.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>

#include "httpxx/errors.hpp"
#include "transport/connection_pool.hpp"

using httpxx::detail::Awaitable;
using httpxx::detail::Connection;
using httpxx::detail::ConnectionPool;
using httpxx::detail::PoolLease;
using Clock = std::chrono::steady_clock;

namespace {

constexpr const char* kTimeoutText = "pool timeout of 5 s";

// A connection as the pool sees it, with its state set by the test.
class FakeConnection final : public Connection {
 public:
  explicit FakeConnection(bool multiplexed = false) : multiplexed_(multiplexed) {}

  Awaitable<void> send(httpxx::Request&, const httpxx::detail::RequestRoute&,
                       const httpxx::detail::RequestDeadlines&, PoolLease lease,
                       std::optional<httpxx::Response>& response) override {
    used_ = true;
    lease.release(reusable_);
    response.emplace(200);
    co_return;
  }
  bool is_multiplexed() const noexcept override { return multiplexed_; }
  bool has_capacity() const noexcept override { return true; }
  bool is_reusable() noexcept override { return reusable_ && !closed_; }
  Clock::time_point server_expiry() const noexcept override { return server_expiry_; }
  void close() noexcept override { closed_ = true; }
  std::string_view http_version() const noexcept override { return multiplexed_ ? "HTTP/2" : "HTTP/1.1"; }
  bool was_used() const noexcept override { return used_; }
  // A multiplexed fake counts as busy unless the test says otherwise.
  bool is_idle() const noexcept override { return idle_; }
  void set_idle(bool idle) noexcept { idle_ = idle; }
  void release_when_idle() noexcept override { ++idle_releases; }
  int idle_releases = 0;

  bool closed() const noexcept { return closed_; }
  void set_reusable(bool reusable) noexcept { reusable_ = reusable; }
  void set_server_expiry(Clock::time_point at) noexcept { server_expiry_ = at; }

 private:
  bool multiplexed_;
  bool reusable_ = true;
  bool closed_ = false;
  bool used_ = false;
  bool idle_ = false;
  Clock::time_point server_expiry_ = Clock::time_point::max();
};

// The outcome of one acquire() running on the harness's loop.
struct Pending {
  bool done = false;
  std::optional<PoolLease> lease;
  std::exception_ptr error;

  Connection* connection() const { return lease ? lease->connection() : nullptr; }
};

Clock::time_point far_future() { return Clock::now() + std::chrono::hours(1); }

struct PoolHarness {
  explicit PoolHarness(httpxx::Limits limits = {})
      : pool(std::make_shared<ConnectionPool>(limits)), io(std::make_unique<asio::io_context>()) {}

  // Starts an acquire and runs the loop until nothing more is ready: a granted request is done,
  // a waiting one stays pending.
  std::shared_ptr<Pending> start(std::string origin, bool may_multiplex = false,
                                 Clock::time_point deadline = far_future()) {
    auto pending = std::make_shared<Pending>();
    asio::co_spawn(
        *io,
        [pool = pool, origin, may_multiplex, deadline, pending]() -> asio::awaitable<void> {
          pending->lease.emplace(co_await pool->acquire(origin, may_multiplex, deadline, kTimeoutText));
        },
        [pending](std::exception_ptr error) {
          pending->done = true;
          pending->error = std::move(error);
        });
    settle();
    return pending;
  }

  // Acquires a lease that must be granted at once.
  PoolLease take(std::string origin, bool may_multiplex = false) {
    auto pending = start(std::move(origin), may_multiplex);
    REQUIRE(pending->done);
    REQUIRE_FALSE(pending->error);
    return std::move(*pending->lease);
  }

  // Acquires a new slot and opens a fake connection in it.
  std::pair<PoolLease, std::shared_ptr<FakeConnection>> open(std::string origin, bool multiplexed = false) {
    PoolLease lease = take(std::move(origin), multiplexed);
    REQUIRE(lease.connection() == nullptr);
    auto connection = std::make_shared<FakeConnection>(multiplexed);
    lease.attach(connection);
    settle();
    return {std::move(lease), connection};
  }

  void settle() {
    io->restart();
    io->poll();
  }

  std::shared_ptr<ConnectionPool> pool;
  std::unique_ptr<asio::io_context> io;
};

std::string describe(std::size_t requests_active, std::size_t queued, std::size_t connections_active,
                     std::size_t idle) {
  return "<ConnectionPool [Requests: " + std::to_string(requests_active) + " active, " +
         std::to_string(queued) + " queued | Connections: " + std::to_string(connections_active) +
         " active, " + std::to_string(idle) + " idle]>";
}

void require_timeout(const Pending& pending) {
  REQUIRE(pending.done);
  REQUIRE(pending.error);
  try {
    std::rethrow_exception(pending.error);
  } catch (const httpxx::PoolTimeout& e) {
    CHECK(std::string(e.what()).find(kTimeoutText) != std::string::npos);
  } catch (...) {
    FAIL("expected PoolTimeout");
  }
}

}  // namespace

TEST_CASE("describe() counts requests and connections") {
  PoolHarness h;
  CHECK(h.pool->describe() == "<ConnectionPool [Requests: 0 active, 0 queued | Connections: 0 active, 0 idle]>");
  auto [lease, connection] = h.open("https://a.test");
  CHECK(h.pool->describe() == "<ConnectionPool [Requests: 1 active, 0 queued | Connections: 1 active, 0 idle]>");
  lease.release(true);
  CHECK(h.pool->describe() == "<ConnectionPool [Requests: 0 active, 0 queued | Connections: 0 active, 1 idle]>");
  CHECK_FALSE(connection->closed());
}

TEST_CASE("an idle connection is reused for its origin, most recently used first") {
  PoolHarness h;
  auto [first, c1] = h.open("https://a.test");
  auto [second, c2] = h.open("https://a.test");
  CHECK(c1 != c2);
  first.release(true);
  second.release(true);
  CHECK(h.pool->describe() == describe(0, 0, 0, 2));

  PoolLease reused = h.take("https://a.test");
  CHECK(reused.connection() == c2.get());
  PoolLease older = h.take("https://a.test");
  CHECK(older.connection() == c1.get());
  CHECK(h.pool->describe() == describe(2, 0, 2, 0));
  older.release(true);
  reused.release(true);
  CHECK_FALSE(c1->closed());
  CHECK_FALSE(c2->closed());
}

TEST_CASE("idle connections let go of the event loop when the last request in flight is done") {
  PoolHarness h;
  auto [first, c1] = h.open("https://a.test");
  auto [second, c2] = h.open("https://b.test");
  first.release(true);
  // A request is still in flight: the idle connection keeps its timer for the next request.
  CHECK(c1->idle_releases == 0);
  second.release(true);
  CHECK(c1->idle_releases == 1);
  CHECK(c2->idle_releases == 1);

  // Taken again and returned while nothing else is in flight: released once more.
  PoolLease again = h.take("https://a.test");
  again.release(true);
  CHECK(c1->idle_releases == 2);
  CHECK(c2->idle_releases == 2);
}

TEST_CASE("no connection is shared between origins") {
  PoolHarness h;
  auto [lease, connection] = h.open("https://a.test");
  lease.release(true);

  PoolLease other = h.take("https://b.test");
  CHECK(other.connection() == nullptr);                         // a slot for a new connection
  PoolLease other_port = h.take("https://a.test:8443");
  CHECK(other_port.connection() == nullptr);
  PoolLease other_scheme = h.take("http://a.test");
  CHECK(other_scheme.connection() == nullptr);
  CHECK(h.pool->describe() == describe(3, 0, 3, 1));
  CHECK_FALSE(connection->closed());
}

TEST_CASE("max_connections queues further requests and hands freed connections over in order") {
  PoolHarness h(httpxx::Limits{2, 20, httpxx::Duration(5)});
  auto [first, c1] = h.open("https://a.test");
  auto [second, c2] = h.open("https://a.test");

  auto third = h.start("https://a.test");
  auto fourth = h.start("https://a.test");
  CHECK_FALSE(third->done);
  CHECK_FALSE(fourth->done);
  CHECK(h.pool->describe() == describe(2, 2, 2, 0));

  first.release(true);
  h.settle();
  REQUIRE(third->done);
  CHECK_FALSE(third->error);
  CHECK(third->connection() == c1.get());   // handed over, never idle
  CHECK_FALSE(fourth->done);
  CHECK(h.pool->describe() == describe(2, 1, 2, 0));

  second.release(true);
  h.settle();
  REQUIRE(fourth->done);
  CHECK(fourth->connection() == c2.get());
  CHECK(h.pool->describe() == describe(2, 0, 2, 0));
  CHECK_FALSE(c1->closed());
  CHECK_FALSE(c2->closed());
}

TEST_CASE("a freed connection reaches a waiter even with max_keepalive_connections = 0") {
  PoolHarness h(httpxx::Limits{1, 0, httpxx::Duration(5)});
  auto [first, connection] = h.open("https://a.test");
  auto waiter = h.start("https://a.test");
  CHECK_FALSE(waiter->done);

  first.release(true);
  h.settle();
  REQUIRE(waiter->done);
  CHECK(waiter->connection() == connection.get());
  CHECK_FALSE(connection->closed());
  waiter->lease->release(true);   // nobody waits: not kept
  CHECK(connection->closed());
  CHECK(h.pool->describe() == describe(0, 0, 0, 0));
}

TEST_CASE("a waiter for another origin gets a slot when a connection closes") {
  PoolHarness h(httpxx::Limits{1, 20, httpxx::Duration(5)});
  auto [first, connection] = h.open("https://a.test");
  auto waiter = h.start("https://b.test");
  CHECK_FALSE(waiter->done);
  first.release(false);
  h.settle();
  CHECK(connection->closed());
  REQUIRE(waiter->done);
  CHECK(waiter->lease);
  CHECK(waiter->connection() == nullptr);
  CHECK(h.pool->describe() == describe(1, 0, 1, 0));
}

TEST_CASE("PoolTimeout when the pool deadline passes") {
  PoolHarness h(httpxx::Limits{1, 20, httpxx::Duration(5)});
  auto [lease, connection] = h.open("https://a.test");

  SUBCASE("a deadline already passed") {
    auto waiter = h.start("https://a.test", false, Clock::now() - std::chrono::milliseconds(1));
    require_timeout(*waiter);
  }
  SUBCASE("a deadline a few milliseconds ahead") {
    const auto deadline = Clock::now() + std::chrono::milliseconds(20);
    auto waiter = h.start("https://a.test", false, deadline);
    h.io->restart();
    h.io->run();   // the pool's own timer ends the wait
    require_timeout(*waiter);
    CHECK(Clock::now() >= deadline);
  }
  CHECK(h.pool->describe() == describe(1, 0, 1, 0));
  lease.release(true);
  CHECK(h.pool->describe() == describe(0, 0, 0, 1));
}

TEST_CASE("a request granted before its deadline is not timed out") {
  PoolHarness h(httpxx::Limits{1, 20, httpxx::Duration(5)});
  auto [lease, connection] = h.open("https://a.test");
  auto waiter = h.start("https://a.test", false, Clock::now() + std::chrono::milliseconds(50));
  lease.release(true);   // before the loop sees the deadline
  h.io->restart();
  h.io->run();
  REQUIRE(waiter->done);
  CHECK_FALSE(waiter->error);
  CHECK(waiter->connection() == connection.get());
}

TEST_CASE("max_keepalive_connections bounds the idle connections") {
  PoolHarness h(httpxx::Limits{10, 1, httpxx::Duration(5)});
  auto [first, c1] = h.open("https://a.test");
  auto [second, c2] = h.open("https://b.test");
  first.release(true);
  CHECK_FALSE(c1->closed());
  second.release(true);
  CHECK(h.pool->describe() == describe(0, 0, 0, 1));
  // One of them is kept: the most recently used.
  CHECK(c1->closed());
  CHECK_FALSE(c2->closed());
  PoolLease reused = h.take("https://b.test");
  CHECK(reused.connection() == c2.get());
}

TEST_CASE("keepalive_expiry closes idle connections") {
  SUBCASE("expiry of 0 s: never reused") {
    PoolHarness h(httpxx::Limits{10, 10, httpxx::Duration(0)});
    auto [lease, connection] = h.open("https://a.test");
    lease.release(true);
    PoolLease next = h.take("https://a.test");
    CHECK(next.connection() == nullptr);
    CHECK(connection->closed());
    CHECK(h.pool->describe() == describe(1, 0, 1, 0));
  }
  SUBCASE("an idle connection of another origin expires too") {
    PoolHarness h(httpxx::Limits{10, 10, httpxx::Duration(0)});
    auto [lease, connection] = h.open("https://a.test");
    lease.release(true);
    PoolLease other = h.take("https://b.test");
    CHECK(connection->closed());
    CHECK(h.pool->describe() == describe(1, 0, 1, 0));
  }
  SUBCASE("the server's Keep-Alive timeout is honoured") {
    PoolHarness h(httpxx::Limits{10, 10, httpxx::Duration(3600)});
    auto [lease, connection] = h.open("https://a.test");
    connection->set_server_expiry(Clock::now() - std::chrono::seconds(1));
    lease.release(true);
    PoolLease next = h.take("https://a.test");
    CHECK(next.connection() == nullptr);
    CHECK(connection->closed());
  }
  SUBCASE("no expiry: kept") {
    PoolHarness h(httpxx::Limits{10, 10, std::nullopt});
    auto [lease, connection] = h.open("https://a.test");
    lease.release(true);
    PoolLease next = h.take("https://a.test");
    CHECK(next.connection() == connection.get());
  }
}

TEST_CASE("a full pool evicts an idle connection of another origin") {
  PoolHarness h(httpxx::Limits{2, 20, httpxx::Duration(5)});
  auto [a, ca] = h.open("https://a.test");
  auto [b, cb] = h.open("https://b.test");
  a.release(true);
  CHECK(h.pool->describe() == describe(1, 0, 1, 1));

  PoolLease c = h.take("https://c.test");
  CHECK(c.connection() == nullptr);
  CHECK(ca->closed());
  CHECK_FALSE(cb->closed());
  CHECK(h.pool->describe() == describe(2, 0, 2, 0));
}

TEST_CASE("a connection that is no longer reusable is closed, not handed out") {
  PoolHarness h;
  auto [lease, connection] = h.open("https://a.test");
  lease.release(true);
  connection->set_reusable(false);   // e.g. the server closed it while it sat idle
  PoolLease next = h.take("https://a.test");
  CHECK(next.connection() == nullptr);
  CHECK(connection->closed());
  CHECK(h.pool->describe() == describe(1, 0, 1, 0));
}

TEST_CASE("release(false) closes the connection") {
  PoolHarness h;
  auto [lease, connection] = h.open("https://a.test");
  lease.release(false);
  CHECK(connection->closed());
  CHECK_FALSE(lease);
  CHECK(h.pool->describe() == describe(0, 0, 0, 0));
}

TEST_CASE("a lease destroyed without release closes its connection") {
  PoolHarness h;
  std::shared_ptr<FakeConnection> connection;
  {
    auto opened = h.open("https://a.test");
    connection = opened.second;
    CHECK(h.pool->describe() == describe(1, 0, 1, 0));
  }
  CHECK(connection->closed());
  CHECK(h.pool->describe() == describe(0, 0, 0, 0));

  SUBCASE("and a slot whose connection was never opened is freed") {
    { PoolLease slot = h.take("https://a.test"); }
    CHECK(h.pool->describe() == describe(0, 0, 0, 0));
  }
  SUBCASE("moving a lease keeps one owner") {
    PoolLease moved;
    {
      auto [lease, c] = h.open("https://a.test");
      moved = std::move(lease);
      CHECK_FALSE(lease);   // NOLINT(bugprone-use-after-move): the moved-from state is specified
    }
    CHECK(h.pool->describe() == describe(1, 0, 1, 0));
    moved.release(true);
    CHECK(h.pool->describe() == describe(0, 0, 0, 1));
  }
}

TEST_CASE("a granted waiter whose coroutine is destroyed gives the lease back") {
  PoolHarness h(httpxx::Limits{1, 20, httpxx::Duration(5)});
  auto [lease, connection] = h.open("https://a.test");
  auto waiter = h.start("https://a.test");
  CHECK_FALSE(waiter->done);

  lease.release(true);     // granted to the waiter; its wake-up is queued
  h.io.reset();            // the loop goes away with the suspended coroutine
  CHECK_FALSE(waiter->done);
  CHECK_FALSE(connection->closed());
  CHECK(h.pool->describe() == describe(0, 0, 0, 1));

  h.io = std::make_unique<asio::io_context>();
  PoolLease again = h.take("https://a.test");
  CHECK(again.connection() == connection.get());
}

TEST_CASE("a waiting coroutine destroyed before its grant leaves the queue") {
  PoolHarness h(httpxx::Limits{1, 20, httpxx::Duration(5)});
  auto [lease, connection] = h.open("https://a.test");
  auto waiter = h.start("https://a.test");
  CHECK(h.pool->describe() == describe(1, 1, 1, 0));
  h.io.reset();
  CHECK(h.pool->describe() == describe(1, 0, 1, 0));
  lease.release(true);
  CHECK(h.pool->describe() == describe(0, 0, 0, 1));
}

namespace {

// Completes without an error however the timer ends, so that `||` sees a winner.
asio::awaitable<void> wait_quietly(asio::steady_timer& timer) {
  std::error_code ec;
  co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
}

}  // namespace

TEST_CASE("a cancelled waiter gives a connection granted to it back intact") {
  using namespace asio::experimental::awaitable_operators;
  PoolHarness h(httpxx::Limits{1, 20, httpxx::Duration(5)});
  auto [lease, connection] = h.open("https://a.test");

  asio::steady_timer other(*h.io, far_future());
  bool pool_won = false, finished = false;
  asio::co_spawn(
      *h.io,
      [&]() -> asio::awaitable<void> {
        auto result = co_await (h.pool->acquire("https://a.test", false, far_future(), kTimeoutText) ||
                                wait_quietly(other));
        pool_won = result.index() == 0;
      },
      [&](std::exception_ptr) { finished = true; });
  h.settle();
  CHECK(h.pool->describe() == describe(1, 1, 1, 0));

  other.cancel();        // the other branch completes first ...
  lease.release(true);   // ... and the pool grants the waiter before it learns it lost
  h.settle();
  REQUIRE(finished);
  CHECK_FALSE(pool_won);
  CHECK_FALSE(connection->closed());
  CHECK(h.pool->describe() == describe(0, 0, 0, 1));
}

TEST_CASE("a waiter cancelled through its cancellation slot leaves the queue") {
  PoolHarness h(httpxx::Limits{1, 20, httpxx::Duration(5)});
  auto [lease, connection] = h.open("https://a.test");
  asio::cancellation_signal signal;
  std::exception_ptr error;
  bool finished = false;
  asio::co_spawn(*h.io, h.pool->acquire("https://a.test", false, far_future(), kTimeoutText),
                 asio::bind_cancellation_slot(signal.slot(), [&](std::exception_ptr e, PoolLease) {
                   finished = true;
                   error = std::move(e);
                 }));
  h.settle();
  CHECK(h.pool->describe() == describe(1, 1, 1, 0));
  signal.emit(asio::cancellation_type::terminal);
  h.settle();
  REQUIRE(finished);
  REQUIRE(error);
  CHECK_THROWS_AS(std::rethrow_exception(error), asio::system_error);
  CHECK(h.pool->describe() == describe(1, 0, 1, 0));
}

TEST_CASE("a request that may multiplex waits for the origin's first connection") {
  PoolHarness h;
  PoolLease opener = h.take("https://a.test", true);
  REQUIRE(opener.connection() == nullptr);
  auto second = h.start("https://a.test", true);
  CHECK_FALSE(second->done);
  CHECK(h.pool->describe() == describe(1, 1, 1, 0));

  SUBCASE("HTTP/2: the second request shares the connection") {
    auto connection = std::make_shared<FakeConnection>(true);
    opener.attach(connection);
    h.settle();
    REQUIRE(second->done);
    CHECK(second->connection() == connection.get());
    CHECK(h.pool->describe() == describe(2, 0, 1, 0));
    // A third request shares it at once.
    PoolLease third = h.take("https://a.test", true);
    CHECK(third.connection() == connection.get());
    opener.release(true);
    second->lease->release(true);
    third.release(true);
    CHECK_FALSE(connection->closed());
    CHECK(h.pool->describe() == describe(0, 0, 1, 0));
    h.pool->close_idle();
    CHECK(connection->closed());
    CHECK(h.pool->describe() == describe(0, 0, 0, 0));
  }
  SUBCASE("HTTP/1.1: the second request gets its own slot") {
    auto connection = std::make_shared<FakeConnection>(false);
    opener.attach(connection);
    h.settle();
    REQUIRE(second->done);
    CHECK(second->lease);
    CHECK(second->connection() == nullptr);
    CHECK(h.pool->describe() == describe(2, 0, 2, 0));
    // The origin is known to be HTTP/1.1 now: nobody waits for it again.
    PoolLease third = h.take("https://a.test", true);
    CHECK(third.connection() == nullptr);
  }
  SUBCASE("the first connection failed: the second request opens its own") {
    opener = PoolLease();
    h.settle();
    REQUIRE(second->done);
    CHECK(second->lease);
    CHECK(second->connection() == nullptr);
    CHECK(h.pool->describe() == describe(1, 0, 1, 0));
  }
}

TEST_CASE("a request that cannot multiplex does not wait for an opening connection") {
  PoolHarness h;
  PoolLease opener = h.take("http://a.test", false);
  PoolLease second = h.take("http://a.test", false);
  CHECK(opener.connection() == nullptr);
  CHECK(second.connection() == nullptr);
  CHECK(h.pool->describe() == describe(2, 0, 2, 0));
}

TEST_CASE("a multiplexed connection released as unusable is dropped for every request") {
  PoolHarness h;
  auto [first, connection] = h.open("https://a.test", true);
  PoolLease second = h.take("https://a.test", true);
  CHECK(second.connection() == connection.get());
  first.release(false);   // e.g. GOAWAY
  CHECK(connection->closed());
  CHECK(h.pool->describe() == describe(1, 0, 0, 0));
  second.release(true);
  PoolLease third = h.take("https://a.test", true);
  CHECK(third.connection() == nullptr);
  CHECK(h.pool->describe() == describe(1, 0, 1, 0));
}

TEST_CASE("close_idle closes idle connections and leaves active ones") {
  PoolHarness h;
  auto [a, ca] = h.open("https://a.test");
  auto [b, cb] = h.open("https://b.test");
  a.release(true);
  h.pool->close_idle();
  CHECK(ca->closed());
  CHECK_FALSE(cb->closed());
  CHECK(h.pool->describe() == describe(1, 0, 1, 0));
  b.release(true);
  CHECK(h.pool->describe() == describe(0, 0, 0, 1));
}

namespace {

struct StressCounters {
  int granted = 0, timeouts = 0, cancelled = 0, opened = 0;
  std::size_t open_now = 0, open_peak = 0;
  std::vector<std::shared_ptr<FakeConnection>> connections;
};

asio::awaitable<void> yield_n(int n) {
  for (int i = 0; i < n; ++i) co_await asio::post(co_await asio::this_coro::executor, asio::use_awaitable);
}

// One client of the pool: acquires, uses and gives back (or abandons) connections at random.
asio::awaitable<void> stress_worker(std::shared_ptr<ConnectionPool> pool, unsigned seed, int rounds,
                                    StressCounters& counters) {
  using namespace asio::experimental::awaitable_operators;
  static const std::string origins[] = {"https://a.test", "https://b.test", "http://c.test"};
  std::mt19937 rng(seed);
  auto roll = [&rng](unsigned n) { return static_cast<unsigned>(rng() % n); };
  auto executor = co_await asio::this_coro::executor;

  for (int round = 0; round < rounds; ++round) {
    const std::string& origin = origins[roll(3)];
    const bool multiplex = origin != "http://c.test" && roll(2) == 0;
    PoolLease lease;
    const unsigned how = roll(8);
    try {
      if (how == 0) {
        // Raced against a timer that usually fires first while the pool is busy.
        asio::steady_timer timer(executor, std::chrono::microseconds(roll(200)));
        auto result = co_await (pool->acquire(origin, multiplex, far_future(), kTimeoutText) ||
                                timer.async_wait(asio::use_awaitable));
        if (result.index() != 0) {
          ++counters.cancelled;
          continue;
        }
        lease = std::move(std::get<0>(result));
      } else {
        const auto deadline = how == 1 ? Clock::now() + std::chrono::microseconds(roll(300)) : far_future();
        lease = co_await pool->acquire(origin, multiplex, deadline, kTimeoutText);
      }
    } catch (const httpxx::PoolTimeout&) {
      ++counters.timeouts;
      continue;
    }
    ++counters.granted;
    if (!lease.connection()) {
      if (roll(10) == 0) continue;   // the connect failed: the slot is freed
      co_await yield_n(static_cast<int>(roll(3)));
      auto connection = std::make_shared<FakeConnection>(multiplex && roll(3) != 0);
      counters.connections.push_back(connection);
      ++counters.opened;
      lease.attach(connection);
    }
    co_await yield_n(static_cast<int>(roll(4)));
    auto* connection = static_cast<FakeConnection*>(lease.connection());
    switch (roll(6)) {
      case 0: break;                                   // abandoned: the lease closes it
      case 1: lease.release(false); break;
      case 2: connection->set_reusable(false); lease.release(true); break;
      default: lease.release(true); break;
    }
    co_await yield_n(static_cast<int>(roll(2)));
  }
}

}  // namespace

TEST_CASE("randomized acquires, releases and cancellations leave the pool consistent") {
  PoolHarness h(httpxx::Limits{4, 2, httpxx::Duration(5)});
  StressCounters counters;
  constexpr int workers = 12, rounds = 300;
  int finished = 0;
  std::exception_ptr failure;
  for (int w = 0; w < workers; ++w) {
    asio::co_spawn(*h.io, stress_worker(h.pool, 1000u + static_cast<unsigned>(w), rounds, counters),
                   [&](std::exception_ptr e) {
                     ++finished;
                     if (e && !failure) failure = e;
                   });
  }
  // The pool never has more than max_connections open connections.
  std::size_t peak = 0;
  h.io->restart();
  while (h.io->run_one() != 0) {
    std::size_t open = 0;
    for (const auto& c : counters.connections) open += c->closed() ? 0 : 1;
    // Multiplexed connections dropped by a failed request are closed while others still use
    // them; the count of unclosed connections is what max_connections bounds.
    peak = std::max(peak, open);
    if (open > 4) break;
  }
  if (failure) std::rethrow_exception(failure);
  CHECK(finished == workers);
  CHECK(peak <= 4);
  CHECK(counters.granted + counters.timeouts + counters.cancelled == workers * rounds);
  CHECK(counters.granted > workers * rounds / 2);
  CHECK(counters.cancelled > 0);
  CHECK(counters.opened > 0);
  const auto stats = h.pool->stats();
  CHECK(stats.requests_active == 0);
  CHECK(stats.requests_queued == 0);
  CHECK(h.pool->describe().starts_with("<ConnectionPool [Requests: 0 active, 0 queued | Connections: "));
  h.pool->close_idle();
  CHECK(h.pool->describe() == describe(0, 0, 0, 0));
  for (const auto& c : counters.connections) CHECK(c->closed());
}

TEST_CASE("try_acquire grants what is at hand and declines, without queueing, what would wait") {
  httpxx::Limits limits;
  limits.max_connections = 1;
  auto pool = std::make_shared<ConnectionPool>(limits);
  auto connection = std::make_shared<FakeConnection>();

  PoolLease slot;
  REQUIRE(pool->try_acquire("http://a.test", false, slot));   // a free slot to open one
  CHECK(slot.connection() == nullptr);
  slot.attach(connection);

  PoolLease second;
  CHECK_FALSE(pool->try_acquire("http://a.test", false, second));   // the only slot is in use
  CHECK_FALSE(second);
  CHECK(pool->stats().requests_queued == 0);

  slot.release(true);                                        // idle in the pool now
  PoolLease reused;
  REQUIRE(pool->try_acquire("http://a.test", false, reused));
  CHECK(reused.connection() == connection.get());
  reused.release(true);
  CHECK(pool->stats().connections_idle == 1);
}
