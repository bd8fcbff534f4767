#include "transport/http_proxy.hpp"

#include <array>
#include <vector>

#include <asio/buffer.hpp>
#include <asio/error.hpp>
#include <asio/this_coro.hpp>

#include "codec/h1/request_writer.hpp"
#include "codec/h1/response_parser.hpp"
#include "models/auth_flows.hpp"
#include "models/percent_encoding.hpp"
#include "net/deadline.hpp"

namespace httpxx::detail {

std::string proxy_authorization(const URL& proxy_url) {
  if (proxy_url.username().empty() && proxy_url.password().empty()) return {};
  return basic_auth_header(percent_decode(proxy_url.username()), percent_decode(proxy_url.password()));
}

std::string absolute_form_target(const URL& url) { return url.origin() + url.target(); }

ProxyError forwarding_refused(const Response& response, const URL& url) {
  return ProxyError("proxy refused to forward the request to " + url.origin() + ": " +
                    std::to_string(response.status_code()) + " " + std::string(response.reason_phrase()));
}

Awaitable<void> connect_tunnel(ByteStream& stream, std::string_view host, std::uint16_t port,
                               const Headers& proxy_headers, Deadline deadline, NetError& error) {
  // RFC 9110 9.3.6: the request-target of CONNECT is the authority, host:port, IPv6 in brackets.
  // (Built by appending: GCC 12's -Wrestrict misreads "[" + string at -O3.)
  const bool bracketed = host.find(':') != std::string_view::npos && host.front() != '[';
  std::string authority;
  if (bracketed) authority += '[';
  authority += host;
  if (bracketed) authority += ']';
  authority += ':';
  authority += std::to_string(port);
  Headers headers;
  headers.add_unchecked("Host", authority);
  for (const auto& [name, value] : proxy_headers) headers.add_unchecked(name, value);
  std::string head;
  h1::write_request_head(head, "CONNECT", authority, headers);

  DeadlineGuard guard(co_await asio::this_coro::executor, deadline, [&stream] { stream.cancel(); });
  std::array<asio::const_buffer, 1> buffers{asio::buffer(head)};
  std::error_code ec;
  co_await stream.write_all(std::span(buffers), ec);
  h1::ResponseParser parser;
  parser.start(true);   // a 2xx answer to CONNECT has no body: what follows is the tunnel
  std::vector<std::string_view> body;
  std::array<char, 4096> buffer;
  while (!ec) {
    const auto n = co_await stream.read_some(asio::buffer(buffer), ec);
    if (ec) break;
    std::string_view data(buffer.data(), n);
    while (!data.empty()) {
      auto result = parser.feed(data, body);
      data.remove_prefix(result.consumed);
      if (result.error) {
        error.code = result.error;
        error.message = "invalid answer from the proxy to CONNECT " + authority + ": " + result.error.message();
        co_return;
      }
      if (result.head_complete && !parser.is_interim()) {
        const auto& answer = parser.head();
        if (answer.status_code < 200 || answer.status_code >= 300) {
          error.code = std::make_error_code(std::errc::connection_refused);
          error.message = "proxy refused CONNECT " + authority + ": " + std::to_string(answer.status_code) +
                          " " + answer.reason;
        }
        co_return;
      }
    }
  }
  error.timed_out = guard.expired();
  error.code = ec;
  error.message = error.timed_out ? "timed out opening a tunnel to " + authority + " through the proxy"
                                  : "proxy closed the connection during CONNECT " + authority + ": " + ec.message();
}

}  // namespace httpxx::detail
