#pragma once
// The basic URL parser of the WHATWG URL Standard (§4.4), without state override: it turns input
// (and an optional base) into a URL record, which URL then serializes once (§4.5).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace httpxx::detail {

// §4.1 "URL": a URL's components, as the parser fills them in. Strings are already
// percent-encoded where the standard encodes them.
struct UrlRecord {
  std::string scheme;  // ASCII lower-case, without ':'
  std::string username;
  std::string password;
  std::string host;    // serialized host ("[::1]" for IPv6); meaningful when has_host
  bool has_host = false;
  std::optional<std::uint16_t> port;  // nullopt when absent or the scheme's default
  // A URL path is a list of segments; kept serialized ("/a/b", "" for the empty list) so that
  // parsing builds one string. An opaque path is kept as it is.
  std::string path;
  bool opaque_path = false;
  std::string query;   // without '?'; meaningful when has_query
  bool has_query = false;
  std::string fragment;
  bool has_fragment = false;
};

// Parses input against base (nullptr for none) into url. Returns nullptr on success, otherwise
// the reason the input is not a URL ("unclosed IPv6 address", ...).
const char* parse_url(std::string_view input, const UrlRecord* base, UrlRecord& url);

// §4.2 special schemes: "http", "https", "ws", "wss", "ftp", "file".
bool is_special_scheme(std::string_view scheme) noexcept;

// §4.2 "default port": 80, 443, 80, 443, 21; 0 for file and non-special schemes.
std::uint16_t default_port(std::string_view scheme) noexcept;

}  // namespace httpxx::detail
