#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include <asio/any_io_executor.hpp>

#include "client/no_proxy.hpp"
#include "client/url_pattern.hpp"
#include "httpxx/client_options.hpp"
#include "httpxx/request.hpp"
#include "httpxx/response.hpp"
#include "httpxx/transport.hpp"
#include "net/pooled_awaitable.hpp"

namespace httpxx::detail {

// What AsyncClient is, and what the blocking Client drives: option merging, the auth and redirect
// loops, cookies and hooks around the transports. One implementation for both clients.
class ClientCore : public std::enable_shared_from_this<ClientCore> {
 public:
  ClientCore(asio::any_io_executor executor, ClientOptions options);

  Request build_request(std::string_view method, std::string_view url, RequestOptions&& options) const;
  Request build_request(std::string_view method, const URL& url, RequestOptions&& options) const;
  // Each call comes in two forms. The AsyncClient's returns the final response as the coroutine's
  // result. The blocking Client's builds it in the caller's storage, `answer`, which must outlive
  // the call: the response is not moved out through the coroutine's result, the loop driver's
  // storage and its return, three moves of some 200 instructions each (with the destruction of
  // what was moved from).

  // Sends request with auth and redirects handled; reads the body unless options.stream.
  Awaitable<Response> send(Request request, SendOptions options);
  Awaitable<void> send(Request request, SendOptions options, std::optional<Response>& answer);
  // Builds the request for (method, url, options) and sends it. The request is built before the
  // coroutine starts, so that the caller's url and options need not outlive the call expression.
  // The options are passed by reference down to the Request, which takes them over: a move of
  // their nine members, at each of the calls on the way, would cost some hundred instructions.
  Awaitable<Response> request(std::string_view method, std::string_view url, RequestOptions&& options, bool stream);
  Awaitable<Response> request(std::string_view method, const URL& url, RequestOptions&& options, bool stream);
  Awaitable<void> request(std::string_view method, std::string_view url, RequestOptions&& options, bool stream,
                          std::optional<Response>& answer);
  Awaitable<void> request(std::string_view method, const URL& url, RequestOptions&& options, bool stream,
                          std::optional<Response>& answer);
  Awaitable<void> aclose();

  const asio::any_io_executor& executor() const noexcept { return executor_; }
  ClientOptions& options() noexcept { return options_; }
  void set_base_url(std::string base_url);
  // The pool state of the transport most requests take: through the proxy when there is one.
  std::string describe() const;
  // The transport a request to url goes through (mounts, environment proxies, the default).
  Transport& transport_for(const URL& url) const;

 private:
  // Result is Response (returned) or void (left in *answer); answer is null for Response.
  template <class Result, class Url>
  Awaitable<Result> build_and_send(std::string_view method, const Url& url, RequestOptions&& options, bool stream,
                                   std::optional<Response>* answer);
  // The state of one send() across its redirects and auth sub-requests.
  struct Exchange {
    bool follow_redirects = false;
    // The caller gave the Cookie header: it is sent as it is instead of the jar's, until a
    // redirect drops it.
    bool caller_cookie = false;
    std::vector<Response> history;
  };

  // The auth and redirect loops, and the body read unless streaming. Static, holding the core:
  // the client may be released while the request runs. Result as for build_and_send.
  template <class Result>
  static Awaitable<Result> send_all(std::shared_ptr<ClientCore> self, std::shared_ptr<Request> request,
                                    SendOptions options, std::optional<Response>* answer);
  // A redirect not followed: the response offers it as next_request().
  static void keep_unfollowed_redirect(const Request& request, Response& response);
  // Around each single request sent: the jar's cookies and the request hooks before, the
  // response's request, cookies and hooks after.
  void prepare_single(Request& request, const Exchange& exchange);
  void finish_single(const std::shared_ptr<Request>& request, Response& response);
  std::shared_ptr<Transport> make_transport(std::optional<Proxy> proxy) const;

  asio::any_io_executor executor_;
  ClientOptions options_;
  std::optional<URL> base_url_;
  // Without a transport of the caller's: the direct one, and the one through options.proxy.
  std::shared_ptr<Transport> default_transport_;
  std::shared_ptr<Transport> proxy_transport_;
  // Mounts, most specific first; a null transport means the default one (connect directly).
  std::vector<std::pair<UrlPattern, std::shared_ptr<Transport>>> mounts_;
  // Proxies from the environment (trust_env), consulted after the mounts.
  std::vector<std::pair<UrlPattern, std::shared_ptr<Transport>>> env_proxies_;
  NoProxy no_proxy_;
  mutable std::mutex cookies_mutex_;   // the jar is shared by concurrent requests
};

}  // namespace httpxx::detail
