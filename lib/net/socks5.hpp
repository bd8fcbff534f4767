// The SOCKS5 client handshake (RFC 1928) with username/password authentication (RFC 1929).
#pragma once

#include "net/byte_stream.hpp"

#include <cstdint>
#include <string_view>

namespace httpxx::detail {

// Over an open stream to the SOCKS5 proxy: greeting (no-auth, or username/password when
// given), then CONNECT to host:port — as a domain name (socks5h: the proxy resolves) or, when
// resolve_locally, resolved here first and sent as an IPv4/IPv6 address (socks5://).
// Failures: error.message says which step failed and the proxy's reply code meaning
// ("SOCKS5 proxy refused the connection: connection refused by destination host (5)"),
// never the credentials. On success the stream carries the tunnel to host:port.
Awaitable<void> socks5_connect(ByteStream& stream, std::string_view host, std::uint16_t port,
    bool resolve_locally, std::string_view username, std::string_view password,
    Deadline deadline, NetError& error);

// RFC 1928 section 6: what a reply code means, e.g. 5 -> "connection refused by destination host".
std::string_view socks5_reply_meaning(unsigned code) noexcept;

}  // namespace httpxx::detail
