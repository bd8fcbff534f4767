// libFuzzer target: following a redirect to whatever Location a server sends. The input's first
// byte picks the status (301, 302, 303, 307, 308), the rest is the Location. Building the next
// request must end in a request or RemoteProtocolError, and the request must keep the promises
// a redirect makes: a valid URL that re-parses to itself, a Host field naming its host (none
// when it has none), no Cookie field (the jar chooses again), and an Authorization field only
// for the same host (RFC 9110 section 15.4: credentials never follow a redirect to another
// host).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "client/client_policy.hpp"
#include "httpxx/errors.hpp"
#include "httpxx/request.hpp"
#include "httpxx/response.hpp"
#include "httpxx/url.hpp"

namespace {

constexpr int statuses[] = {301, 302, 303, 307, 308};

httpxx::Request original() {
  httpxx::RequestOptions options;
  options.headers = {{"Authorization", "Bearer secret"}, {"Cookie", "session=1"}};
  options.content = "payload";
  return httpxx::Request("POST", httpxx::URL("https://api.example.com:8443/a/b?q=1#part"), options);
}

void check(const httpxx::Request& from, const httpxx::Request& next) {
  const httpxx::URL& url = next.url();
  if (!(httpxx::URL(url.href()) == url)) __builtin_trap();
  if (url.host().empty()) {
    if (next.headers().contains("Host")) __builtin_trap();   // "foo:bar": no host to name
  } else {
    std::string authority(url.host());
    if (url.port()) authority += ":" + std::to_string(*url.port());
    if (next.headers().get("Host") != authority) __builtin_trap();
  }
  if (next.headers().contains("Cookie")) __builtin_trap();
  if (next.headers().contains("Authorization") && url.host() != from.url().host()) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const int status = statuses[data[0] % std::size(statuses)];
  httpxx::Headers headers;
  try {
    headers.add("Location", std::string(reinterpret_cast<const char*>(data) + 1, size - 1));
  } catch (const httpxx::LocalProtocolError&) {
    return 0;   // neither llhttp nor nghttp2 lets such a value through from a server
  }
  static const httpxx::Request from = original();
  httpxx::Response response(status, headers);
  response.set_request(std::make_shared<const httpxx::Request>(from));
  try {
    const auto next = httpxx::detail::build_redirect_request(from, response);
    if (!next) __builtin_trap();   // every status above with a Location is a redirect
    check(from, *next);
  } catch (const httpxx::RemoteProtocolError&) {
  }
  return 0;
}
