#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "httpxx/auth.hpp"
#include "httpxx/config.hpp"
#include "httpxx/file.hpp"
#include "httpxx/headers.hpp"
#include "httpxx/query_params.hpp"
#include "httpxx/url.hpp"

namespace httpxx {

namespace detail {
// A request body as the transport sends it: bytes in memory, or a stream read in chunks (a
// multipart body with files on disk). Defined in lib/content/request_body.hpp.
class RequestBody;
}  // namespace detail

// Per-request options; designated initializers in this field order.
struct RequestOptions {
  QueryParams params{};                       // merged into the URL's query
  Headers headers{};                          // merged over the client's headers
  std::optional<std::string> content{};       // raw body
  QueryParams data{};                         // form fields: urlencoded, or multipart with files
  Files files{};                              // multipart/form-data, streamed
  nlohmann::json json = nlohmann::json::value_t::discarded;   // discarded = none
  std::optional<Auth> auth{};                 // nullopt = client default; Auth{} = none
  std::optional<bool> follow_redirects{};     // nullopt = client default
  std::optional<Timeout> timeout{};           // nullopt = client default
};

class Request {
 public:
  // Builds the request as httpx does: params merged into the URL, the Host header, and the body
  // encoded from content / data / files / json with its Content-Type and Content-Length (or
  // Transfer-Encoding: chunked when the length is unknown).
  Request(std::string method, URL url, RequestOptions options = {});
  // The same, with the fields a client sends on every request: options.headers replace those of
  // the same names (httpx's Client.build_request).
  Request(std::string method, URL url, RequestOptions options, const Headers& client_headers);

  const std::string& method() const noexcept { return method_; }
  const URL& url() const noexcept { return url_; }
  Headers& headers() noexcept { return headers_; }
  const Headers& headers() const noexcept { return headers_; }
  // The body bytes; "" without a body; RequestNotRead for a body streamed from disk.
  const std::string& content() const;

  void set_url(URL url);                      // also updates Host
  void set_method(std::string method);        // LocalProtocolError unless a token
  // The body, or nullptr when the request has none.
  const std::shared_ptr<detail::RequestBody>& body() const noexcept { return body_; }
  // Replaces the body and its Content-Length / Transfer-Encoding headers; nullptr removes it.
  void set_body(std::shared_ptr<detail::RequestBody> body);
  bool is_streaming() const noexcept;         // the body is read in chunks, not held in memory
  // The timeout this request was built with (a per-request override of the client's).
  const std::optional<Timeout>& timeout() const noexcept { return timeout_; }
  void set_timeout(std::optional<Timeout> timeout) { timeout_ = std::move(timeout); }

 private:
  std::string method_;
  URL url_;
  Headers headers_;
  std::shared_ptr<detail::RequestBody> body_;
  std::optional<Timeout> timeout_;
};

}  // namespace httpxx
