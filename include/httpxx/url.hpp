#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "httpxx/query_params.hpp"

namespace httpxx {

// A URL parsed and serialized by the WHATWG URL Standard (https://url.spec.whatwg.org/): the
// special schemes http, https, ws, wss (and file, ftp) by their rules, other schemes by the
// generic ones. Hosts are ASCII: IDNA (UTS #46) to punycode, IPv4 in dotted form, IPv6 in
// brackets and compressed. Immutable: the copy_* helpers return new URLs.
class URL {
 public:
  explicit URL(std::string_view input);                 // absolute; throws InvalidURL naming the reason
  // A destroyed URL leaves its storage to the thread's next one (lib/models/spare_storage).
  ~URL();
  URL(const URL&) = default;
  URL(URL&&) noexcept = default;
  URL& operator=(const URL&) = default;
  URL& operator=(URL&&) noexcept = default;
  URL join(std::string_view input) const;               // parse input with this URL as the base

  std::string_view href() const noexcept { return href_; }
  std::string_view scheme() const noexcept;             // "https" (no ':')
  std::string_view username() const noexcept;          // percent-encoded, as serialized
  std::string_view password() const noexcept;
  std::string_view host() const noexcept;               // "" when the URL has none
  bool has_host() const noexcept;                       // "//" follows the scheme (file:/// has "")
  std::optional<std::uint16_t> port() const noexcept;   // nullopt when absent or the scheme's default
  // "host[:port]" as serialized, without credentials (httpx's URL.netloc): the value of a Host
  // field or an HTTP/2 :authority (RFC 9110 section 7.2). "" when the URL has no host.
  std::string_view netloc() const noexcept;
  std::uint16_t effective_port() const noexcept;        // port() or the scheme's default (0 if none)
  std::string_view path() const noexcept;               // "/a/b", percent-encoded
  std::string_view query() const noexcept;              // without '?'; "" when absent or empty
  std::string_view fragment() const noexcept;           // without '#'
  bool has_query() const noexcept { return query_start_ != npos; }
  bool has_fragment() const noexcept { return fragment_start_ != npos; }
  std::string target() const;                           // request-target: path + ('?' + query)
  // target() without a copy, for URLs with a path (every http and https URL has one): path and
  // query are contiguous in the serialization.
  std::string_view target_view() const noexcept;

  bool is_special() const noexcept;                     // http, https, ws, wss, ftp, file
  bool is_secure() const noexcept;                      // https or wss
  // The host as used to connect: IPv6 addresses without brackets.
  std::string_view host_for_connect() const noexcept;
  // "scheme://host[:port]", the tuple that same-origin checks compare.
  std::string origin() const;
  // origin() without an allocation when the serialization starts with it (no user info, the
  // common case); otherwise written into storage.
  std::string_view origin(std::string& storage) const;

  QueryParams params() const;
  URL copy_with_params(const QueryParams& params) const;
  URL copy_set_param(std::string_view key, std::string_view value) const;
  URL copy_add_param(std::string_view key, std::string_view value) const;
  URL copy_remove_param(std::string_view key) const;
  URL copy_without_fragment() const;
  URL copy_without_userinfo() const;

  friend bool operator==(const URL& a, const URL& b) noexcept { return a.href_ == b.href_; }

 private:
  URL() = default;
  friend struct UrlBuilder;   // the parser (lib/models/url_parser.cpp) fills these in

  static constexpr std::uint32_t npos = 0xffffffffu;
  // The serialization, and where each component sits in it (the layout of ada::url_aggregator
  // and of the standard's own serializer): scheme ends at scheme_end_ (the ':'), etc. Without
  // credentials the username and password ranges are empty; without a host, so is the host's.
  std::string href_;
  std::uint32_t scheme_end_ = 0;       // index of ':'
  std::uint32_t username_start_ = 0, username_end_ = 0;
  std::uint32_t password_start_ = 0, password_end_ = 0;
  std::uint32_t host_start_ = 0, host_end_ = 0;
  std::uint32_t path_start_ = 0;       // path runs to query or fragment or end
  std::uint32_t query_start_ = npos;   // index of '?' or npos
  std::uint32_t fragment_start_ = npos;  // index of '#' or npos
  std::optional<std::uint16_t> port_;
};

}  // namespace httpxx
