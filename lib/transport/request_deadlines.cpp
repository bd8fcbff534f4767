#include "transport/request_deadlines.hpp"

#include <cstdio>

namespace httpxx::detail {

const char* phase_name(Phase phase) noexcept {
  switch (phase) {
    case Phase::pool: return "pool";
    case Phase::connect: return "connect";
    case Phase::write: return "write";
    case Phase::read: return "read";
  }
  return "?";
}

namespace {

std::optional<Duration> limit_of(const Timeout& timeout, Phase phase) {
  switch (phase) {
    case Phase::pool: return timeout.pool;
    case Phase::connect: return timeout.connect;
    case Phase::write: return timeout.write;
    case Phase::read: return timeout.read;
  }
  return std::nullopt;
}

RequestDeadlines::Clock::time_point after(RequestDeadlines::Clock::time_point from, Duration limit) {
  // Limits too large to represent (e.g. 1e30 s) mean "no limit" rather than an overflow.
  const auto max_span = RequestDeadlines::Clock::time_point::max() - from;
  if (limit >= std::chrono::duration_cast<Duration>(max_span)) return RequestDeadlines::Clock::time_point::max();
  return from + std::chrono::duration_cast<RequestDeadlines::Clock::duration>(limit);
}

std::string seconds(Duration d) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%g s", d.count());
  return buffer;
}

}  // namespace

RequestDeadlines::RequestDeadlines(const Timeout& timeout, Clock::time_point start) : timeout_(timeout) {
  if (timeout_.total) total_deadline_ = after(start, *timeout_.total);
}

RequestDeadlines::Deadline RequestDeadlines::for_phase(Phase phase, Clock::time_point now) const noexcept {
  Deadline deadline;
  if (auto limit = limit_of(timeout_, phase)) deadline.at = after(now, *limit);
  if (total_deadline_ <= deadline.at && total_deadline_ != Clock::time_point::max()) {
    deadline.at = total_deadline_;
    deadline.is_total = true;
  }
  return deadline;
}

std::string RequestDeadlines::describe(Phase phase, bool is_total) const {
  if (is_total && timeout_.total) return "total timeout of " + seconds(*timeout_.total);
  auto limit = limit_of(timeout_, phase);
  return std::string(phase_name(phase)) + " timeout of " + (limit ? seconds(*limit) : "none");
}

}  // namespace httpxx::detail
