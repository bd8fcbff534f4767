#pragma once
// The .netrc file as Python's netrc module (which httpx's NetRCAuth uses) reads it.

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "httpxx/auth.hpp"

namespace httpxx::detail {

struct NetrcEntry {
  std::string login, account, password;
};

class Netrc {
 public:
  // Parses the text of a netrc file: "machine NAME", "default", then "login" (or "user"),
  // "password", "account" tokens; "macdef NAME" bodies up to an empty line are skipped; '#'
  // starts a comment; tokens may be quoted ("a b", with backslash escapes). std::runtime_error
  // naming the line on a malformed file; the message never shows a token, which may be a
  // password. A machine listed twice keeps its last entry, as in Python.
  static Netrc parse(std::string_view text, std::string_view source_name = "netrc");
  // Reads path; "" means $NETRC, else ~/.netrc. A missing default file is an empty netrc; a
  // missing named file is std::runtime_error.
  static Netrc load(const std::string& path);

  // The entry of host, else the default entry, else nullptr (Python's authenticators()).
  const NetrcEntry* find(std::string_view host) const;

 private:
  std::map<std::string, NetrcEntry, std::less<>> machines_;
  std::optional<NetrcEntry> default_;
};

// Basic credentials from the netrc entry of the request's host (RFC 7617); a request to a host
// without an entry, or whose entry has no password, is left alone.
class NetRCAuthFlow final : public AuthFlow {
 public:
  explicit NetRCAuthFlow(const std::string& file) : netrc_(Netrc::load(file)) {}
  explicit NetRCAuthFlow(Netrc netrc) : netrc_(std::move(netrc)) {}
  void on_request(Request& request) override;

 private:
  Netrc netrc_;
};

}  // namespace httpxx::detail
