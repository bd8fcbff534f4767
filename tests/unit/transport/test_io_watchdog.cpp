// The connection watchdog's timer: armed lazily, kept between requests, dropped when the pool
// has nothing in flight on a loop that users run to completion, kept on the blocking client's
// driven loop.

#include <doctest/doctest.h>

#include <chrono>
#include <memory>

#include <asio/io_context.hpp>

#include "net/byte_stream.hpp"
#include "transport/driven_event_loop.hpp"
#include "transport/io_watchdog.hpp"

using namespace httpxx::detail;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

// Records what the watchdog does to the stream it guards; carries no bytes.
class WatchedStream final : public ByteStream {
 public:
  explicit WatchedStream(asio::io_context& io) : executor_(io.get_executor()) {}
  Awaitable<std::size_t> read_some(asio::mutable_buffer, std::error_code&) override { co_return 0; }
  Awaitable<void> write_all(std::span<const asio::const_buffer>, std::error_code&) override { co_return; }
  void cancel() noexcept override { ++cancels; }
  void close() noexcept override {}
  bool is_reusable() noexcept override { return true; }
  asio::any_io_executor get_executor() override { return executor_; }
  int cancels = 0;

 private:
  asio::any_io_executor executor_;
};

struct Watched {
  explicit Watched(asio::io_context& io)
      : stream(std::make_shared<WatchedStream>(io)),
        watchdog(std::make_shared<IoWatchdog>(io.get_executor(), stream)) {}
  std::shared_ptr<WatchedStream> stream;
  std::shared_ptr<IoWatchdog> watchdog;
};

}  // namespace

TEST_CASE("a deadline that passes cancels the stream's operations") {
  asio::io_context io;
  Watched w(io);
  w.watchdog->arm(Clock::now() + 20ms);
  io.run();   // returns once the timer has fired: nothing else is pending
  CHECK(w.watchdog->expired());
  CHECK(w.stream->cancels == 1);
}

TEST_CASE("an idle connection leaves no timer on a loop its user runs to completion") {
  asio::io_context io;
  Watched w(io);
  w.watchdog->arm(Clock::now() + 1h);
  w.watchdog->disarm();
  w.watchdog->release_when_idle();
  // Nothing keeps the loop: run() returns at once instead of waiting an hour.
  io.run_for(30s);
  CHECK(io.stopped());
  CHECK_FALSE(w.watchdog->expired());
  CHECK(w.stream->cancels == 0);
}

TEST_CASE("between requests the wait stays and serves the next request without a new one") {
  asio::io_context io;
  Watched w(io);
  w.watchdog->arm(Clock::now() + 20ms);
  w.watchdog->disarm();          // the request is done; no release: others are in flight
  io.poll();
  CHECK_FALSE(io.stopped());     // the wait is still pending
  w.watchdog->arm(Clock::now() + 40ms);
  // The pending wait fires first, finds the deadline ahead and waits again for it.
  io.run();
  CHECK(w.watchdog->expired());
  CHECK(w.stream->cancels == 1);
}

TEST_CASE("releasing while an operation is armed keeps its deadline") {
  asio::io_context io;
  Watched w(io);
  w.watchdog->arm(Clock::now() + 20ms);
  w.watchdog->release_when_idle();   // a request of another connection ended; this one is busy
  io.run();
  CHECK(w.watchdog->expired());
  CHECK(w.stream->cancels == 1);
}

TEST_CASE("on a driven loop the idle connection's timer stays armed and still serves the next deadline") {
  asio::io_context io;
  asio::make_service<DrivenEventLoop>(io);
  Watched w(io);
  w.watchdog->arm(Clock::now() + 20ms);
  w.watchdog->disarm();
  w.watchdog->release_when_idle();
  io.poll();
  CHECK_FALSE(io.stopped());   // the wait is still pending
  // The next operation's deadline is later than the pending wait: the wait fires first, finds
  // the deadline not yet reached and waits again, without cancelling anything.
  w.watchdog->arm(Clock::now() + 1h);
  CHECK(io.run_one() == 1);
  CHECK_FALSE(w.watchdog->expired());
  CHECK(w.stream->cancels == 0);
  // A nearer deadline is honoured.
  w.watchdog->arm(Clock::now() + 20ms);
  while (!w.watchdog->expired() && io.run_one() > 0) {
  }
  CHECK(w.watchdog->expired());
  CHECK(w.stream->cancels == 1);
}

TEST_CASE("a closed connection drops its wait even on a driven loop") {
  asio::io_context io;
  asio::make_service<DrivenEventLoop>(io);
  Watched w(io);
  w.watchdog->arm(Clock::now() + 1h);
  w.watchdog->disarm();
  w.watchdog->release_when_idle();   // idle: the wait stays on a driven loop
  io.poll();
  CHECK_FALSE(io.stopped());
  w.watchdog->shut_down();   // closed: nothing of the loop is held any more
  io.run_for(30s);
  CHECK(io.stopped());
  CHECK(w.stream->cancels == 0);
}
