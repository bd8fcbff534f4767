// RequestDeadlines: which limit bounds each phase, and how timeouts are described in messages.
#include <doctest/doctest.h>

#include <chrono>

#include "transport/request_deadlines.hpp"

using httpxx::Duration;
using httpxx::Timeout;
using httpxx::detail::Phase;
using httpxx::detail::RequestDeadlines;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;
using std::chrono::seconds;

TEST_CASE("each phase has its own limit, counted from when the operation starts") {
  const auto start = Clock::now();
  Timeout timeout;
  timeout.connect = Duration(1);
  timeout.read = Duration(2);
  timeout.write = Duration(3);
  timeout.pool = Duration(4);
  const RequestDeadlines deadlines(timeout, start);

  CHECK(deadlines.for_phase(Phase::connect, start).at == start + seconds(1));
  CHECK(deadlines.for_phase(Phase::read, start).at == start + seconds(2));
  CHECK(deadlines.for_phase(Phase::write, start).at == start + seconds(3));
  CHECK(deadlines.for_phase(Phase::pool, start).at == start + seconds(4));
  // A later operation gets its full limit again.
  const auto later = start + seconds(10);
  const auto read = deadlines.for_phase(Phase::read, later);
  CHECK(read.at == later + seconds(2));
  CHECK_FALSE(read.is_total);
}

TEST_CASE("a phase without a limit has no deadline") {
  const auto start = Clock::now();
  const RequestDeadlines deadlines(Timeout::all(std::nullopt), start);
  for (auto phase : {Phase::pool, Phase::connect, Phase::write, Phase::read}) {
    const auto deadline = deadlines.for_phase(phase, start);
    CHECK(deadline.at == Clock::time_point::max());
    CHECK_FALSE(deadline.is_total);
  }
  const RequestDeadlines defaults;
  CHECK(defaults.for_phase(Phase::read).at == Clock::time_point::max());
}

TEST_CASE("the total deadline caps every phase") {
  const auto start = Clock::now();
  Timeout timeout = Timeout::all(Duration(5));
  timeout.total = Duration(8);
  const RequestDeadlines deadlines(timeout, start);

  auto early = deadlines.for_phase(Phase::read, start + seconds(1));
  CHECK(early.at == start + seconds(6));
  CHECK_FALSE(early.is_total);

  auto late = deadlines.for_phase(Phase::read, start + seconds(4));
  CHECK(late.at == start + seconds(8));
  CHECK(late.is_total);

  SUBCASE("a phase without its own limit is bounded by the total alone") {
    Timeout only_total = Timeout::all(std::nullopt);
    only_total.total = Duration(0.5);
    const RequestDeadlines bounded(only_total, start);
    const auto deadline = bounded.for_phase(Phase::connect, start);
    CHECK(deadline.at == start + milliseconds(500));
    CHECK(deadline.is_total);
  }
  SUBCASE("equal deadlines are reported as the total's") {
    Timeout equal = Timeout::all(Duration(2));
    equal.total = Duration(2);
    const RequestDeadlines same(equal, start);
    CHECK(same.for_phase(Phase::pool, start).is_total);
  }
}

TEST_CASE("limits too large to represent mean no deadline") {
  const auto start = Clock::now();
  const RequestDeadlines deadlines(Timeout::all(Duration(1e30)), start);
  CHECK(deadlines.for_phase(Phase::read, start).at == Clock::time_point::max());
  Timeout huge_total = Timeout::all(std::nullopt);
  huge_total.total = Duration(1e30);
  const RequestDeadlines total(huge_total, start);
  const auto deadline = total.for_phase(Phase::write, start);
  CHECK(deadline.at == Clock::time_point::max());
  CHECK_FALSE(deadline.is_total);
}

TEST_CASE("describe() names the limit that applied") {
  Timeout timeout;
  timeout.connect = Duration(1.5);
  timeout.read = Duration(5);
  timeout.write = std::nullopt;
  timeout.pool = Duration(0.25);
  timeout.total = Duration(2);
  const RequestDeadlines deadlines(timeout);
  CHECK(deadlines.describe(Phase::read, false) == "read timeout of 5 s");
  CHECK(deadlines.describe(Phase::connect, false) == "connect timeout of 1.5 s");
  CHECK(deadlines.describe(Phase::pool, false) == "pool timeout of 0.25 s");
  CHECK(deadlines.describe(Phase::write, false) == "write timeout of none");
  CHECK(deadlines.describe(Phase::read, true) == "total timeout of 2 s");

  const RequestDeadlines no_total(Timeout::all(Duration(3)));
  CHECK(no_total.describe(Phase::read, true) == "read timeout of 3 s");
  CHECK(std::string(httpxx::detail::phase_name(Phase::pool)) == "pool");
  CHECK(std::string(httpxx::detail::phase_name(Phase::write)) == "write");
  CHECK(deadlines.timeout() == timeout);
}
