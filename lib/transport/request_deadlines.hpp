#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "httpxx/config.hpp"

namespace httpxx::detail {

// The phases a request passes through; each has its own limit (Timeout) and exception class.
enum class Phase { pool, connect, write, read };

const char* phase_name(Phase phase) noexcept;

// The deadlines of one request: each phase's limit counted from when the phase (or, for read and
// write, each single I/O operation) starts, capped by the whole-request deadline Timeout::total.
class RequestDeadlines {
 public:
  using Clock = std::chrono::steady_clock;

  RequestDeadlines() : RequestDeadlines(Timeout::all(std::nullopt)) {}
  explicit RequestDeadlines(const Timeout& timeout, Clock::time_point start = Clock::now());

  struct Deadline {
    Clock::time_point at = Clock::time_point::max();
    bool is_total = false;        // the whole-request deadline is the nearer one
  };
  // The deadline of an operation of this phase starting now.
  Deadline for_phase(Phase phase, Clock::time_point now = Clock::now()) const noexcept;
  // "read timeout of 5 s" / "total timeout of 2 s", for messages.
  std::string describe(Phase phase, bool is_total) const;
  const Timeout& timeout() const noexcept { return timeout_; }

 private:
  Timeout timeout_;
  Clock::time_point total_deadline_ = Clock::time_point::max();
};

}  // namespace httpxx::detail
