#pragma once

#include <memory>
#include <string_view>

#include <asio/any_io_executor.hpp>
#include <asio/awaitable.hpp>

#include "httpxx/client_options.hpp"
#include "httpxx/request.hpp"
#include "httpxx/response.hpp"

namespace httpxx {

namespace detail {
class ClientCore;
}

// The coroutine client. Its requests run on the executor it was constructed with; use it from
// one thread (or one strand) at a time, as asio's I/O objects are used.
class AsyncClient {
 public:
  explicit AsyncClient(asio::any_io_executor executor, ClientOptions options = {});
  ~AsyncClient();
  AsyncClient(AsyncClient&&) noexcept;
  AsyncClient& operator=(AsyncClient&&) noexcept;

#define HTTPXX_ASYNC_VERB(name)                                                                  \
  asio::awaitable<Response> name(std::string_view url, RequestOptions options = {});            \
  asio::awaitable<Response> name(const URL& url, RequestOptions options = {});
  HTTPXX_ASYNC_VERB(get)
  HTTPXX_ASYNC_VERB(head)
  HTTPXX_ASYNC_VERB(options)
  HTTPXX_ASYNC_VERB(post)
  HTTPXX_ASYNC_VERB(put)
  HTTPXX_ASYNC_VERB(patch)
  HTTPXX_ASYNC_VERB(delete_)
#undef HTTPXX_ASYNC_VERB

  asio::awaitable<Response> request(std::string_view method, std::string_view url,
                                    RequestOptions options = {});
  asio::awaitable<Response> request(std::string_view method, const URL& url,
                                    RequestOptions options = {});
  // Status and headers read; the body is read on demand (aread, aiter_*), and the connection is
  // returned when it has been read, closed, or the response destroyed.
  asio::awaitable<Response> stream(std::string_view method, std::string_view url,
                                   RequestOptions options = {});
  asio::awaitable<Response> stream(std::string_view method, const URL& url,
                                   RequestOptions options = {});
  Request build_request(std::string_view method, std::string_view url,
                        RequestOptions options = {}) const;
  Request build_request(std::string_view method, const URL& url, RequestOptions options = {}) const;
  asio::awaitable<Response> send(Request request, SendOptions options = {});
  asio::awaitable<void> aclose();

  asio::any_io_executor get_executor() const;
  Headers& headers();
  QueryParams& params();
  Cookies& cookies();
  const ClientOptions& options() const;
  void set_auth(std::optional<Auth> auth);
  void set_timeout(Timeout timeout);
  void set_follow_redirects(bool follow);
  void set_base_url(std::string base_url);
  void set_event_hooks(EventHooks hooks);
  std::string describe() const;   // one line: the transport's pool state

 private:
  friend class Client;
  std::shared_ptr<detail::ClientCore> core_;
};

}  // namespace httpxx
