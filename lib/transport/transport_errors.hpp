#pragma once
// Where transport failures (std::error_code and NetError from the layers below) become the public
// exception tree: the phase picks the class (RFC-free, httpx's mapping), the message says what
// failed, where, and why.

#include <string_view>
#include <system_error>

#include "net/byte_stream.hpp"
#include "transport/request_deadlines.hpp"

namespace httpxx::detail {

// A read or write on an open connection to peer failed, or its deadline passed.
[[noreturn]] void raise_io_error(Phase phase, const std::error_code& error, bool timed_out,
                                 const RequestDeadlines& deadlines, bool deadline_is_total,
                                 std::string_view peer);
// Opening a connection failed (resolve, connect, TLS, proxy handshake): ConnectTimeout or
// ConnectError, or ProxyError when through_proxy says the proxy step failed.
[[noreturn]] void raise_connect_error(const NetError& error, const RequestDeadlines& deadlines,
                                      bool deadline_is_total, bool proxy_step);

}  // namespace httpxx::detail
