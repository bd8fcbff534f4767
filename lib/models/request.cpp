#include "httpxx/request.hpp"

#include <algorithm>
#include <string_view>
#include <utility>

#include "content/request_body.hpp"
#include "httpxx/errors.hpp"
#include "models/spare_storage.hpp"
#include "models/token.hpp"

namespace httpxx {
namespace {

std::string to_upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c; });
  return s;
}

bool has_content_length_semantics(std::string_view method) {
  // httpx sends "Content-Length: 0" on a body-less POST, PUT or PATCH, since some servers
  // refuse those methods without a length (RFC 9110 section 8.6 allows it: "a user agent
  // SHOULD send Content-Length ... when the method defines a meaning for enclosed content").
  return method == "POST" || method == "PUT" || method == "PATCH";
}

// The boundary of a multipart Content-Type the caller set, so the body matches the header
// (httpx's get_multipart_boundary_from_content_type): the request's, else the client's.
std::string boundary_from(const Headers& given, const Headers& client_headers) {
  const std::string* content_type = given.find("Content-Type");
  if (content_type == nullptr) content_type = client_headers.find("Content-Type");
  if (content_type == nullptr || content_type->rfind("multipart/form-data", 0) != 0) return {};
  std::string_view rest(*content_type);
  while (!rest.empty()) {
    const std::size_t semi = rest.find(';');
    std::string_view param = rest.substr(0, semi);
    rest = semi == std::string_view::npos ? std::string_view{} : rest.substr(semi + 1);
    while (!param.empty() && (param.front() == ' ' || param.front() == '\t')) param.remove_prefix(1);
    while (!param.empty() && (param.back() == ' ' || param.back() == '\t')) param.remove_suffix(1);
    if (param.size() > 9 && iequals(param.substr(0, 9), "boundary=")) {
      std::string_view value = param.substr(9);
      while (!value.empty() && value.front() == '"') value.remove_prefix(1);
      while (!value.empty() && value.back() == '"') value.remove_suffix(1);
      return std::string(value);
    }
  }
  return {};
}

// Which of the fields a request sets itself the caller's headers already carry, in one pass.
struct GivenFields {
  bool host = false;
  bool content_length = false;
  bool transfer_encoding = false;
  bool content_type = false;
};

GivenFields given_fields(const Headers& headers) {
  GivenFields present;
  for (const auto& [name, value] : headers) {
    // By length first: most fields are none of the four.
    switch (name.size()) {
      case 4: present.host = present.host || iequals(name, "Host"); break;
      case 12: present.content_type = present.content_type || iequals(name, "Content-Type"); break;
      case 14: present.content_length = present.content_length || iequals(name, "Content-Length"); break;
      case 17:
        present.transfer_encoding = present.transfer_encoding || iequals(name, "Transfer-Encoding");
        break;
      default: break;
    }
  }
  return present;
}

GivenFields operator|(const GivenFields& a, const GivenFields& b) {
  return {a.host || b.host, a.content_length || b.content_length, a.transfer_encoding || b.transfer_encoding,
          a.content_type || b.content_type};
}

// The Content-Length or Transfer-Encoding of a body (RFC 9112 sections 6.2 and 6.1).
void set_length_headers(Headers& headers, const detail::RequestBody& body) {
  if (const auto length = body.length()) {
    headers.set("Content-Length", std::to_string(*length));
  } else {
    headers.set("Transfer-Encoding", "chunked");
  }
}

// RFC 9110 section 9.1: a method is a token. Anything else (a space, CR, LF) would change the
// request line around it, so it is refused before any request is built (httpx's h11 refuses it
// too, as it writes the line).
std::string checked_method(std::string method) {
  if (!detail::is_token(method)) {
    throw LocalProtocolError("invalid HTTP method '" + detail::printable(method) +
                             "': a method is a token (RFC 9110 section 9.1)");
  }
  return method;
}

}  // namespace

Request::Request(std::string method, URL url, RequestOptions options)
    : Request(std::move(method), std::move(url), std::move(options), Headers()) {}

Request::Request(std::string method, URL url, RequestOptions options, const Headers& client_headers)
    : method_(checked_method(to_upper(std::move(method)))),
      url_(std::move(url)),
      timeout_(std::move(options.timeout)) {
  if (!options.params.empty()) url_ = url_.copy_with_params(url_.params().merge(options.params));
  const Headers& given = options.headers;

  // The body from exactly one source, in httpx's order of precedence.
  std::string content_type;
  if (options.content) {
    // An empty content is no body at all, as on the wire.
    if (!options.content->empty()) body_ = detail::make_bytes_body(std::move(*options.content));
  } else if (!options.files.empty()) {
    auto encoded = detail::encode_multipart(options.data, options.files, boundary_from(given, client_headers));
    body_ = std::move(encoded.body);
    content_type = std::move(encoded.content_type);
  } else if (!options.data.empty()) {
    auto encoded = detail::encode_urlencoded_form(options.data);
    body_ = std::move(encoded.body);
    content_type = std::move(encoded.content_type);
  } else if (!options.json.is_discarded()) {
    auto encoded = detail::encode_json(options.json);
    body_ = std::move(encoded.body);
    content_type = std::move(encoded.content_type);
  }

  // httpx's Request._prepare: the automatic fields go first, Host before Content-Length, then the
  // client's fields with the request's over those of the same names, then the body's. The
  // caller's Content-Length / Transfer-Encoding / Content-Type win (httpx's setdefault); either
  // framing field set by the caller suppresses ours, as a message never carries both (RFC 9112
  // section 6.1). The fields are written in their final order, none moved afterwards: in the
  // storage of the thread's last request (spare_storage), each lands where the same field was,
  // and an unchanged one is not written at all.
  const GivenFields present = given_fields(client_headers) | given_fields(given);
  const bool caller_framed = present.content_length || present.transfer_encoding;
  headers_.reserve(client_headers.size() + given.size() + 2);
  // The URL's host is already validated: it cannot carry CR or LF.
  if (!present.host && !url_.host().empty()) headers_.emplace_unchecked("Host", url_.netloc());
  if (!body_ && !caller_framed && has_content_length_semantics(method_)) {
    headers_.emplace_unchecked("Content-Length", "0");
  }
  // None of the client's fields is one of ours, which the request would not add then.
  for (const auto& [name, value] : client_headers) headers_.emplace_unchecked(name, value);
  headers_.update(given);
  if (body_ && !caller_framed) set_length_headers(headers_, *body_);
  if (!content_type.empty() && !present.content_type) headers_.add("Content-Type", std::move(content_type));
}

const std::string& Request::content() const {
  static const std::string empty;
  if (!body_) return empty;
  if (const std::string* bytes = body_->bytes()) return *bytes;
  throw RequestNotRead(
      "the request body is streamed from disk and is not held in memory: read it through body()");
}

void Request::set_method(std::string method) { method_ = checked_method(std::move(method)); }

void Request::set_url(URL url) {
  url_ = std::move(url);
  if (url_.host().empty()) {
    // A Host naming the previous URL would be wrong for this one, which has no host to name
    // (a redirect to "mailto:" or "foo:bar"; no transport sends it).
    headers_.remove("Host");
    return;
  }
  if (headers_.contains("Host")) {
    headers_.set("Host", std::string(url_.netloc()));
  } else {
    headers_.prepend("Host", std::string(url_.netloc()));
  }
}

void Request::set_body(std::shared_ptr<detail::RequestBody> body) {
  body_ = std::move(body);
  headers_.remove("Content-Length");
  headers_.remove("Transfer-Encoding");
  if (body_) {
    set_length_headers(headers_, *body_);
  } else if (has_content_length_semantics(method_)) {
    headers_.set("Content-Length", "0");
  }
}

bool Request::is_streaming() const noexcept { return body_ != nullptr && body_->bytes() == nullptr; }

}  // namespace httpxx
