#include "transport/transport_errors.hpp"

#include <string>

#include <asio/error.hpp>

#include "httpxx/errors.hpp"

namespace httpxx::detail {

void raise_io_error(Phase phase, const std::error_code& error, bool timed_out,
                    const RequestDeadlines& deadlines, bool deadline_is_total, std::string_view peer) {
  const std::string where(peer);
  if (timed_out) {
    const auto limit = deadlines.describe(phase, deadline_is_total);
    if (phase == Phase::write) throw WriteTimeout("timed out sending the request to " + where + " (" + limit + ")");
    throw ReadTimeout("timed out reading the response from " + where + " (" + limit + ")");
  }
  if (error == asio::error::operation_aborted) {
    // Cancelled from outside (the awaiting coroutine was cancelled): not a network failure of
    // the peer, but the request did not complete.
    throw asio::system_error(error, "request to " + where + " cancelled");
  }
  if (phase == Phase::write) throw WriteError("error sending the request to " + where + ": " + error.message());
  throw ReadError("error reading the response from " + where + ": " + error.message());
}

void raise_connect_error(const NetError& error, const RequestDeadlines& deadlines,
                         bool deadline_is_total, bool proxy_step) {
  if (error.timed_out) {
    throw ConnectTimeout(error.message.empty()
                             ? "timed out connecting (" + deadlines.describe(Phase::connect, deadline_is_total) + ")"
                             : error.message + " (" + deadlines.describe(Phase::connect, deadline_is_total) + ")");
  }
  if (error.code == asio::error::operation_aborted) throw asio::system_error(error.code, error.message);
  if (proxy_step) throw ProxyError(error.message);
  throw ConnectError(error.message);
}

}  // namespace httpxx::detail
