#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <asio/awaitable.hpp>

#include "httpxx/headers.hpp"
#include "httpxx/url.hpp"
#include "net/byte_stream.hpp"

namespace httpxx::detail {

// "Basic <base64(user:password)>" from the credentials of a proxy URL (percent-decoded), or ""
// when the URL carries none. RFC 9110 11.7.1 Proxy-Authorization, RFC 7617 Basic.
std::string proxy_authorization(const URL& proxy_url);

// Opens a tunnel through an HTTP proxy with CONNECT host:port (RFC 9110 9.3.6) over stream,
// already connected to the proxy. Anything but a 2xx answer is an error whose message carries
// the proxy's status line (never the credentials sent).
asio::awaitable<void> connect_tunnel(ByteStream& stream, std::string_view host, std::uint16_t port,
                                     const Headers& proxy_headers, Deadline deadline, NetError& error);

}  // namespace httpxx::detail
