#include "httpxx/async_client.hpp"

#include "client/client_core.hpp"

namespace httpxx {

AsyncClient::AsyncClient(asio::any_io_executor executor, ClientOptions options)
    : core_(std::make_shared<detail::ClientCore>(std::move(executor), std::move(options))) {}

AsyncClient::~AsyncClient() = default;
AsyncClient::AsyncClient(AsyncClient&&) noexcept = default;
AsyncClient& AsyncClient::operator=(AsyncClient&&) noexcept = default;

asio::awaitable<Response> AsyncClient::request(std::string_view method, std::string_view url,
                                               RequestOptions options) {
  return core_->request(method, url, std::move(options), false);
}

asio::awaitable<Response> AsyncClient::request(std::string_view method, const URL& url, RequestOptions options) {
  return core_->request(method, url, std::move(options), false);
}

asio::awaitable<Response> AsyncClient::stream(std::string_view method, std::string_view url,
                                              RequestOptions options) {
  return core_->request(method, url, std::move(options), true);
}

asio::awaitable<Response> AsyncClient::stream(std::string_view method, const URL& url, RequestOptions options) {
  return core_->request(method, url, std::move(options), true);
}

#define HTTPXX_ASYNC_VERB(name, method)                                                          \
  asio::awaitable<Response> AsyncClient::name(std::string_view url, RequestOptions options) {    \
    return request(method, url, std::move(options));                                             \
  }                                                                                              \
  asio::awaitable<Response> AsyncClient::name(const URL& url, RequestOptions options) {          \
    return request(method, url, std::move(options));                                             \
  }
HTTPXX_ASYNC_VERB(get, "GET")
HTTPXX_ASYNC_VERB(head, "HEAD")
HTTPXX_ASYNC_VERB(options, "OPTIONS")
HTTPXX_ASYNC_VERB(post, "POST")
HTTPXX_ASYNC_VERB(put, "PUT")
HTTPXX_ASYNC_VERB(patch, "PATCH")
HTTPXX_ASYNC_VERB(delete_, "DELETE")
#undef HTTPXX_ASYNC_VERB

Request AsyncClient::build_request(std::string_view method, std::string_view url, RequestOptions options) const {
  return core_->build_request(method, url, std::move(options));
}

Request AsyncClient::build_request(std::string_view method, const URL& url, RequestOptions options) const {
  return core_->build_request(method, url, std::move(options));
}

asio::awaitable<Response> AsyncClient::send(Request request, SendOptions options) {
  return core_->send(std::move(request), std::move(options));
}

asio::awaitable<void> AsyncClient::aclose() { return core_->aclose(); }

asio::any_io_executor AsyncClient::get_executor() const { return core_->executor(); }
Headers& AsyncClient::headers() { return core_->options().headers; }
QueryParams& AsyncClient::params() { return core_->options().params; }
Cookies& AsyncClient::cookies() { return core_->options().cookies; }
const ClientOptions& AsyncClient::options() const { return core_->options(); }
void AsyncClient::set_auth(std::optional<Auth> auth) { core_->options().auth = std::move(auth); }
void AsyncClient::set_timeout(Timeout timeout) { core_->options().timeout = timeout; }
void AsyncClient::set_follow_redirects(bool follow) { core_->options().follow_redirects = follow; }
void AsyncClient::set_base_url(std::string base_url) { core_->set_base_url(std::move(base_url)); }
void AsyncClient::set_event_hooks(EventHooks hooks) { core_->options().event_hooks = std::move(hooks); }
std::string AsyncClient::describe() const { return core_->describe(); }

}  // namespace httpxx
