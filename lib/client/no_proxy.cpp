#include "client/no_proxy.hpp"

#include <charconv>

namespace httpxx::detail {

namespace {

bool in_network(const asio::ip::address& address, const asio::ip::address& network, unsigned prefix) {
  if (address.is_v4() != network.is_v4()) return false;
  auto compare = [prefix](const auto& a, const auto& b) {
    for (unsigned bit = 0; bit < prefix; ++bit) {
      const unsigned byte = bit / 8, mask = 0x80u >> (bit % 8);
      if ((a[byte] & mask) != (b[byte] & mask)) return false;
    }
    return true;
  };
  if (address.is_v4()) return compare(address.to_v4().to_bytes(), network.to_v4().to_bytes());
  return compare(address.to_v6().to_bytes(), network.to_v6().to_bytes());
}

std::optional<std::uint16_t> parse_port(std::string_view digits) {
  std::uint16_t port = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
  if (ec != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
  return port;
}

}  // namespace

NoProxy::NoProxy(std::string_view list) {
  while (!list.empty()) {
    const auto end = list.find_first_of(", ");
    std::string_view entry = list.substr(0, end);
    list = end == std::string_view::npos ? std::string_view() : list.substr(end + 1);
    if (entry.empty()) continue;
    if (entry == "*") {
      all_ = true;
      continue;
    }
    Rule rule;
    // "host:port", "[v6]:port", "v4/len"; a bare IPv6 address has several colons.
    if (entry.front() == '[') {
      const auto close = entry.find(']');
      if (close == std::string_view::npos) continue;
      if (close + 1 < entry.size() && entry[close + 1] == ':') {
        rule.port = parse_port(entry.substr(close + 2));
        if (!rule.port) continue;   // malformed: ignored rather than widened to every port
      }
      entry = entry.substr(1, close - 1);
    } else if (auto colon = entry.rfind(':'); colon != std::string_view::npos && entry.find(':') == colon) {
      rule.port = parse_port(entry.substr(colon + 1));
      if (!rule.port) continue;
      entry = entry.substr(0, colon);
    }
    std::string_view address = entry;
    if (auto slash = entry.find('/'); slash != std::string_view::npos) {
      address = entry.substr(0, slash);
      auto prefix = parse_port(entry.substr(slash + 1));
      if (!prefix) continue;
      rule.prefix = *prefix;
    }
    std::error_code ec;
    auto ip = asio::ip::make_address(std::string(address), ec);
    if (!ec) {
      rule.network = ip;
      const unsigned full = ip.is_v4() ? 32 : 128;
      if (entry.find('/') == std::string_view::npos || rule.prefix > full) rule.prefix = full;
    } else {
      while (entry.starts_with('.') || entry.starts_with('*')) entry.remove_prefix(1);
      rule.domain.assign(entry);
      for (auto& c : rule.domain) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
    }
    rules_.push_back(std::move(rule));
  }
}

bool NoProxy::matches(const URL& url) const {
  if (all_) return true;
  const auto host = url.host_for_connect();
  std::error_code ec;
  const auto ip = asio::ip::make_address(std::string(host), ec);
  for (const auto& rule : rules_) {
    if (rule.port && *rule.port != url.effective_port()) continue;
    if (rule.network) {
      if (!ec && in_network(ip, *rule.network, rule.prefix)) return true;
      continue;
    }
    // An address is no domain: "0.0.1" must not match 127.0.0.1 as a suffix (curl alike).
    if (!ec) continue;
    if (host == rule.domain) return true;
    if (host.size() > rule.domain.size() && host.ends_with(rule.domain) &&
        host[host.size() - rule.domain.size() - 1] == '.') {
      return true;
    }
  }
  return false;
}

}  // namespace httpxx::detail
