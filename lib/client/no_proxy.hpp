#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <asio/ip/address.hpp>

#include "httpxx/url.hpp"

namespace httpxx::detail {

// The hosts that bypass the environment's proxies, from NO_PROXY as curl and httpx read it:
// "*" (everything), "example.com" and ".example.com" (the domain and its subdomains), IPv4 and
// IPv6 addresses, CIDR ranges ("10.0.0.0/8", "fd00::/8"), and any of these with ":port".
class NoProxy {
 public:
  NoProxy() = default;
  explicit NoProxy(std::string_view list);   // comma or space separated
  bool matches(const URL& url) const;
  bool empty() const noexcept { return !all_ && rules_.empty(); }

 private:
  struct Rule {
    std::string domain;                         // lower case, without a leading dot
    std::optional<asio::ip::address> network;  // an address or a CIDR range
    unsigned prefix = 0;
    std::optional<std::uint16_t> port;
  };
  bool all_ = false;
  std::vector<Rule> rules_;
};

}  // namespace httpxx::detail
