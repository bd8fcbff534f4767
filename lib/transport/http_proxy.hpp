#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "httpxx/errors.hpp"
#include "httpxx/headers.hpp"
#include "httpxx/response.hpp"
#include "httpxx/url.hpp"
#include "net/byte_stream.hpp"
#include "net/pooled_awaitable.hpp"

namespace httpxx::detail {

// "Basic <base64(user:password)>" from the credentials of a proxy URL (percent-decoded), or ""
// when the URL carries none. RFC 9110 11.7.1 Proxy-Authorization, RFC 7617 Basic.
std::string proxy_authorization(const URL& proxy_url);

// The absolute-form request-target of url for an HTTP forward proxy (RFC 9112 3.2.2): scheme,
// authority, path and query, without userinfo (RFC 9110 4.2.4 forbids sending it) or fragment.
std::string absolute_form_target(const URL& url);

// The ProxyError for a 407 that a forward proxy answered a request to url with (RFC 9110
// 15.5.8: an origin server does not send 407, so the proxy refused to forward the request). The
// message carries the proxy's status line, never the credentials sent.
ProxyError forwarding_refused(const Response& response, const URL& url);

// Opens a tunnel through an HTTP proxy with CONNECT host:port (RFC 9110 9.3.6) over stream,
// already connected to the proxy. Anything but a 2xx answer is an error whose message carries
// the proxy's status line (never the credentials sent).
Awaitable<void> connect_tunnel(ByteStream& stream, std::string_view host, std::uint16_t port,
                               const Headers& proxy_headers, Deadline deadline, NetError& error);

}  // namespace httpxx::detail
