#include "client/client_core.hpp"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <type_traits>
#include <variant>

#include "client/client_policy.hpp"
#include "httpxx/errors.hpp"
#include "net/frame_pool.hpp"

namespace httpxx::detail {

namespace {

const char* environment(const char* lower, const char* upper) {
  // Lower case first, as curl and Python's urllib read them.
  if (const char* value = std::getenv(lower); value && *value) return value;
  if (const char* value = std::getenv(upper); value && *value) return value;
  return nullptr;
}

std::string with_scheme(std::string proxy) {
  return proxy.find("://") == std::string::npos ? "http://" + proxy : proxy;
}

template <class Mounts>
void sort_mounts(Mounts& mounts) {
  std::stable_sort(mounts.begin(), mounts.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
}

std::shared_ptr<Request> shared(std::optional<Request> request) {
  return request ? std::make_shared<Request>(std::move(*request)) : nullptr;
}

}  // namespace

ClientCore::ClientCore(asio::any_io_executor executor, ClientOptions options)
    : executor_(std::move(executor)), options_(std::move(options)) {
  // The client's headers are the defaults updated by the caller's (httpx's Client.__init__).
  Headers headers = default_headers();
  headers.update(options_.headers);
  options_.headers = std::move(headers);
  base_url_ = normalize_base_url(options_.base_url);

  default_transport_ = options_.transport ? options_.transport : make_transport(std::nullopt);
  for (auto& [pattern, transport] : options_.mounts) mounts_.emplace_back(UrlPattern(pattern), transport);
  // As httpx, the proxy is a mount for "all://", after the caller's (a stable sort keeps the
  // caller's "all://" first): a more specific mount, or a null one (direct), wins over it.
  if (options_.proxy && !options_.transport) {
    proxy_transport_ = make_transport(options_.proxy);
    mounts_.emplace_back(UrlPattern("all://"), proxy_transport_);
  }
  sort_mounts(mounts_);

  // Environment proxies apply only to the default transport set up here (httpx: an explicit
  // transport or proxy disables them).
  if (options_.trust_env && !options_.transport && !options_.proxy) {
    const std::pair<const char*, const char*> variables[] = {
        {"http_proxy", "HTTP_PROXY"}, {"https_proxy", "HTTPS_PROXY"}, {"all_proxy", "ALL_PROXY"}};
    const char* patterns[] = {"http://", "https://", "all://"};
    for (std::size_t i = 0; i < 3; ++i) {
      if (const char* proxy = environment(variables[i].first, variables[i].second)) {
        env_proxies_.emplace_back(UrlPattern(patterns[i]), make_transport(Proxy(with_scheme(proxy))));
      }
    }
    sort_mounts(env_proxies_);
    if (const char* no_proxy = environment("no_proxy", "NO_PROXY")) no_proxy_ = NoProxy(no_proxy);
  }
}

std::shared_ptr<Transport> ClientCore::make_transport(std::optional<Proxy> proxy) const {
  TransportOptions transport;
  transport.verify = options_.verify;
  transport.ca_bundle = options_.ca_bundle;
  transport.cert = options_.cert;
  transport.http1 = options_.http1;
  transport.http2 = options_.http2;
  transport.limits = options_.limits;
  transport.proxy = std::move(proxy);
  transport.uds = options_.uds;
  transport.trust_env = options_.trust_env;
  return std::make_shared<HTTPTransport>(std::move(transport));
}

void ClientCore::set_base_url(std::string base_url) {
  base_url_ = normalize_base_url(base_url);
  options_.base_url = std::move(base_url);
}

Transport& ClientCore::transport_for(const URL& url) const {
  for (const auto& [pattern, transport] : mounts_) {
    if (pattern.matches(url)) return transport ? *transport : *default_transport_;
  }
  if (!env_proxies_.empty() && !no_proxy_.matches(url)) {
    for (const auto& [pattern, transport] : env_proxies_) {
      if (pattern.matches(url)) return *transport;
    }
  }
  return *default_transport_;
}

Request ClientCore::build_request(std::string_view method, std::string_view url, RequestOptions&& options) const {
  return build_client_request(options_, method, merge_url(base_url_, url), std::move(options));
}

Request ClientCore::build_request(std::string_view method, const URL& url, RequestOptions&& options) const {
  return build_client_request(options_, method, url, std::move(options));
}

template <class Result, class Url>
Awaitable<Result> ClientCore::build_and_send(std::string_view method, const Url& url, RequestOptions&& options,
                                             bool stream, std::optional<Response>* answer) {
  SendOptions send_options{stream, options.auth, options.follow_redirects};
  auto request = frame_pool::make_shared<Request>(build_request(method, url, std::move(options)));
  return send_all<Result>(shared_from_this(), std::move(request), std::move(send_options), answer);
}

Awaitable<Response> ClientCore::request(std::string_view method, std::string_view url, RequestOptions&& options,
                                        bool stream) {
  return build_and_send<Response>(method, url, std::move(options), stream, nullptr);
}

Awaitable<Response> ClientCore::request(std::string_view method, const URL& url, RequestOptions&& options,
                                        bool stream) {
  return build_and_send<Response>(method, url, std::move(options), stream, nullptr);
}

Awaitable<void> ClientCore::request(std::string_view method, std::string_view url, RequestOptions&& options,
                                    bool stream, std::optional<Response>& answer) {
  return build_and_send<void>(method, url, std::move(options), stream, &answer);
}

Awaitable<void> ClientCore::request(std::string_view method, const URL& url, RequestOptions&& options, bool stream,
                                    std::optional<Response>& answer) {
  return build_and_send<void>(method, url, std::move(options), stream, &answer);
}

// Shared from here on: each response refers to the request that produced it, without a copy.
Awaitable<Response> ClientCore::send(Request request, SendOptions options) {
  return send_all<Response>(shared_from_this(), frame_pool::make_shared<Request>(std::move(request)),
                            std::move(options), nullptr);
}

Awaitable<void> ClientCore::send(Request request, SendOptions options, std::optional<Response>& answer) {
  return send_all<void>(shared_from_this(), frame_pool::make_shared<Request>(std::move(request)),
                        std::move(options), &answer);
}

// Each request and response is held by a pointer or declared where it is produced, so that
// the coroutine's frame holds no Request and no Response but the answer it returns: GCC keeps every
// local of a coroutine in its frame, and Asio recycles frames only up to 1,020 bytes.
template <class Result>
Awaitable<Result> ClientCore::send_all(std::shared_ptr<ClientCore> self, std::shared_ptr<Request> current,
                                       SendOptions options, std::optional<Response>* answer) {
  const auto started = std::chrono::steady_clock::now();
  // The response is built where it goes: in this frame when it is the result, else in the
  // caller's storage.
  [[maybe_unused]] std::conditional_t<std::is_void_v<Result>, std::monostate, std::optional<Response>> own_answer;
  if constexpr (!std::is_void_v<Result>) answer = &own_answer;
  Exchange exchange;
  exchange.follow_redirects = options.follow_redirects.value_or(self->options_.follow_redirects);
  exchange.caller_cookie = current->headers().contains("Cookie");
  const Auth auth = choose_auth(options.auth, self->options_.auth, current->url());
  AuthFlow* const flow = auth.flow();
  if (flow) flow->on_request(*current);
  auto& history = exchange.history;
  // httpx's _send_handling_auth around _send_handling_redirects, in one coroutine: one frame per
  // call whatever the auth. Each turn sends one request, then follows a redirect, or else lets
  // the auth flow answer the final response of its round; the history collects both.
  for (;;) {
    if (history.size() > static_cast<std::size_t>(std::max(self->options_.max_redirects, 0))) {
      throw TooManyRedirects("exceeded the maximum of " + std::to_string(self->options_.max_redirects) +
                             " redirects", current);
    }
    self->prepare_single(*current, exchange);
    try {
      co_await self->transport_for(current->url()).handle_async_request_into(*current, *answer);
      Response& response = **answer;
      self->finish_single(current, response);
      if (!history.empty()) response.set_history(history);

      std::shared_ptr<Request> next;
      if (exchange.follow_redirects) {
        next = shared(build_redirect_request(*current, response));
      } else {
        keep_unfollowed_redirect(*current, response);
      }
      const bool redirected = next != nullptr;
      if (!redirected && flow) {
        if (flow->requires_response_body()) co_await response.aread();
        next = shared(flow->on_response(*current, response));
      }
      if (!next) {
        if (!options.stream) {
          try {
            if (!response.read_arrived()) co_await response.aread();
          } catch (...) {
            response.close();
            throw;
          }
        }
        response.set_elapsed(std::chrono::steady_clock::now() - started);
        if constexpr (std::is_void_v<Result>) {
          co_return;
        } else {
          co_return std::move(response);
        }
      }
      // The redirect or the answered challenge goes to the history, its connection back to the
      // pool once the (usually small) body is drained.
      co_await response.aread();
      history.push_back(std::move(response));
      current = std::move(next);
      if (redirected) exchange.caller_cookie = false;   // the redirect dropped it (as httpx does)
    } catch (RequestError& error) {
      if (!error.has_request()) error.set_request(current);
      throw;
    }
  }
}

void ClientCore::keep_unfollowed_redirect(const Request& request, Response& response) {
  // A redirect the caller does not follow is returned as it is; a Location that cannot be
  // followed leaves next_request() empty instead of failing the request.
  try {
    response.set_next_request(build_redirect_request(request, response));
  } catch (const RemoteProtocolError&) {
  } catch (const StreamConsumed&) {
  }
}

void ClientCore::prepare_single(Request& request, const Exchange& exchange) {
  // RFC 6265 5.4: the jar's cookies are chosen for each request actually sent, so an auth
  // sub-request also carries what the challenge response set (httpbin's Digest checks it).
  if (!exchange.caller_cookie) {
    std::string cookie;
    {
      std::lock_guard lock(cookies_mutex_);
      if (!options_.cookies.empty()) cookie = options_.cookies.cookie_header(request.url());
    }
    if (!cookie.empty()) {
      request.headers().set("Cookie", std::move(cookie));
    } else if (!exchange.history.empty()) {
      // A redirect or an auth round: the request was built from the one before, whose Cookie
      // came along. The first request has none, or caller_cookie would be set.
      request.headers().remove("Cookie");
    }
  }
  // The hooks see the request as it goes out, cookies included.
  for (const auto& hook : options_.event_hooks.request) hook(request);
}

void ClientCore::finish_single(const std::shared_ptr<Request>& request, Response& response) {
  response.set_request(request);
  response.set_default_encoding(options_.default_encoding);
  response.set_max_decoded_size(options_.max_decoded_size);
  if (response.headers().contains("Set-Cookie")) {
    response.mutable_cookies().extract_cookies(response.headers(), request->url());
    std::lock_guard lock(cookies_mutex_);
    options_.cookies.extract_cookies(response.headers(), request->url());
  }
  for (const auto& hook : options_.event_hooks.response) hook(response);
}

Awaitable<void> ClientCore::aclose() {
  co_await default_transport_->aclose();
  for (auto& [pattern, transport] : mounts_) {
    if (transport) co_await transport->aclose();
  }
  for (auto& [pattern, transport] : env_proxies_) co_await transport->aclose();
}

std::string ClientCore::describe() const {
  return proxy_transport_ ? proxy_transport_->describe() : default_transport_->describe();
}

}  // namespace httpxx::detail
