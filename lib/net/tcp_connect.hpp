// Opening TCP connections (resolution + Happy Eyeballs) and Unix domain socket connections.
#pragma once

#include "net/byte_stream.hpp"

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace httpxx::detail {

struct TcpConnectOptions {
  std::string local_address;                            // bind before connect ("" = any)
  std::chrono::milliseconds happy_eyeballs_delay{250};  // RFC 8305 section 5
};

// Resolves host (asynchronously; an IP literal, bracketed or not, skips resolution) and connects
// with Happy Eyeballs (RFC 8305: interleave IPv6/IPv4 addresses, start the next attempt
// happy_eyeballs_delay after the previous one or at once when it fails, first to connect wins,
// the others closed), sets TCP_NODELAY. Resolution + connection are bounded by deadline.
// Returns nullptr with error set on failure.
Awaitable<std::unique_ptr<ByteStream>> connect_tcp(std::string_view host, std::uint16_t port,
    const TcpConnectOptions& options, Deadline deadline, NetError& error);

// Connects to a Unix domain socket path. Returns nullptr with error set on failure.
Awaitable<std::unique_ptr<ByteStream>> connect_unix(std::string_view path, Deadline deadline,
    NetError& error);

}  // namespace httpxx::detail
