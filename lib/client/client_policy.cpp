#include "client/client_policy.hpp"

#include "content/request_body.hpp"
#include "httpxx/errors.hpp"
#include "httpxx/version.hpp"
#include "models/percent_encoding.hpp"

namespace httpxx::detail {

namespace {

// RFC 3986 3.1: scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ), then ':'.
bool has_scheme(std::string_view url) {
  if (url.empty() || !is_ascii_alpha(url.front())) return false;
  for (std::size_t i = 1; i < url.size(); ++i) {
    const char c = url[i];
    if (c == ':') return true;
    if (!is_ascii_alpha(c) && !is_ascii_digit(c) && c != '+' && c != '-' && c != '.') return false;
  }
  return false;
}

std::string_view without_query(std::string_view href) {
  return href.substr(0, href.find_first_of("?#"));
}

}  // namespace

Headers default_headers() {
  return Headers{
      {"User-Agent", std::string("httpxx/") + version},
      {"Accept", "*/*"},
      {"Accept-Encoding", "gzip, deflate, br, zstd"},
      {"Connection", "keep-alive"},
  };
}

std::optional<URL> normalize_base_url(std::string_view base_url) {
  if (base_url.empty()) return std::nullopt;
  URL url(base_url);
  std::string href(without_query(url.href()));
  if (href.back() != '/') href += '/';
  return URL(href);
}

URL merge_url(const std::optional<URL>& base_url, std::string_view url) {
  if (has_scheme(url)) return URL(url);
  if (!base_url) {
    throw InvalidURL("Invalid URL '" + std::string(url) + "': a relative URL needs the client's base_url");
  }
  if (url.starts_with("//")) return base_url->join(url);   // scheme-relative: another host
  while (url.starts_with('/')) url.remove_prefix(1);
  return URL(std::string(without_query(base_url->href())) + std::string(url));
}

Request build_client_request(const ClientOptions& client, std::string_view method, URL url,
                             RequestOptions&& options) {
  if (!client.params.empty()) options.params = client.params.merge(options.params);
  const Timeout timeout = options.timeout.value_or(client.timeout);
  Request request(std::string(method), std::move(url), std::move(options), client.headers);
  request.set_timeout(timeout);
  return request;
}

Auth choose_auth(const std::optional<Auth>& request_auth, const std::optional<Auth>& client_auth,
                 const URL& url) {
  if (request_auth) return *request_auth;
  if (client_auth) return *client_auth;
  if (!url.username().empty() || !url.password().empty()) {
    return BasicAuth{percent_decode(url.username()), percent_decode(url.password())};
  }
  return Auth{};
}

bool keeps_authorization(const URL& from, const URL& to) {
  if (from.scheme() == to.scheme() && from.host() == to.host() &&
      from.effective_port() == to.effective_port()) {
    return true;
  }
  // httpx's _is_https_redirect: http -> https on the same host, default ports.
  return from.scheme() == "http" && to.scheme() == "https" && from.host() == to.host() &&
         !from.port() && !to.port();
}

std::optional<Request> build_redirect_request(const Request& request, const Response& response) {
  if (!response.is_redirect()) return std::nullopt;
  const std::string location = *response.headers().get("Location");

  std::optional<URL> target;
  try {
    target = request.url().join(location);
  } catch (const InvalidURL& e) {
    throw RemoteProtocolError("invalid URL in the Location header of a " +
                              std::to_string(response.status_code()) + " response: " + e.what());
  }
  // RFC 9110 10.2.2: a Location without a fragment inherits the request's.
  if (!target->has_fragment() && request.url().has_fragment()) {
    // (Appended, not "#" + string: GCC 12's -Wrestrict misreads that at -O3.)
    std::string fragment = "#";
    fragment += request.url().fragment();
    target = target->join(fragment);
  }

  const int status = response.status_code();
  std::string method = request.method();
  // RFC 9110 15.4.2-4: 301, 302 and 303 are followed with GET (as every client does for 301
  // and 302), except HEAD; 307 and 308 keep the method and the body (15.4.8-9).
  const bool to_get = (status == 301 || status == 302 || status == 303) && method != "HEAD";
  if (to_get) method = "GET";

  Request next = request;
  next.set_method(method);
  next.set_url(*target);
  auto& headers = next.headers();
  if (!keeps_authorization(request.url(), *target)) headers.remove("Authorization");
  headers.remove("Cookie");   // chosen again for the new URL from the client's jar
  if (to_get) {
    next.set_body(nullptr);
    headers.remove("Content-Type");
    headers.remove("Content-Length");
    headers.remove("Transfer-Encoding");
  } else if (const auto& body = next.body(); body && !body->bytes() && !body->rewind()) {
    throw StreamConsumed("cannot follow the " + std::to_string(status) +
                         " redirect: it must resend the request body, which was streamed and "
                         "cannot be replayed");
  }
  return next;
}

}  // namespace httpxx::detail
