#pragma once
// The request policy both clients share, as httpx keeps it in its BaseClient: merging client and
// request options, following redirects, choosing authentication. Plain code without I/O.

#include <optional>
#include <string_view>

#include "httpxx/auth.hpp"
#include "httpxx/client_options.hpp"
#include "httpxx/request.hpp"
#include "httpxx/response.hpp"

namespace httpxx::detail {

// The headers every client starts with (API contract): User-Agent, Accept, Accept-Encoding,
// Connection (dropped by HTTP/2, RFC 9113 8.2.2).
Headers default_headers();

// base_url with a trailing slash, so that relative URLs merge onto its path.
std::optional<URL> normalize_base_url(std::string_view base_url);

// httpx's merge rule: a relative url is appended to base_url's path (not resolved against it),
// so base "https://h/api/" + "users" and "/users" both give "https://h/api/users". An absolute
// url is used as it is. InvalidURL when url is relative and there is no base_url.
URL merge_url(const std::optional<URL>& base_url, std::string_view url);

// The request the client sends for (method, url, options): client headers under the request's,
// client params before the request's, the effective timeout attached.
Request build_client_request(const ClientOptions& client, std::string_view method, URL url,
                             RequestOptions&& options);

// The authentication for one request: the request's own (Auth{} = none), else the client's,
// else credentials in the URL's userinfo as Basic (RFC 3986 3.2.1, as httpx does).
Auth choose_auth(const std::optional<Auth>& request_auth, const std::optional<Auth>& client_auth,
                 const URL& url);

// The request a redirect response asks for (RFC 9110 15.4), or nullopt when response is not a
// redirect with a Location. Throws RemoteProtocolError for an invalid Location, and
// StreamConsumed when a 307/308 would have to resend a streamed body that cannot be replayed.
std::optional<Request> build_redirect_request(const Request& request, const Response& response);

// Same scheme, host and port; or the http -> https upgrade of the same host on default ports,
// which keeps credentials (as httpx's _is_https_redirect).
bool keeps_authorization(const URL& from, const URL& to);

}  // namespace httpxx::detail
