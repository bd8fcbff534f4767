#pragma once

#include <memory>
#include <string_view>

#include "httpxx/client_options.hpp"
#include "httpxx/request.hpp"
#include "httpxx/response.hpp"

namespace httpxx {

namespace detail {
class BlockingClientImpl;
}

// The blocking client. It drives the same asynchronous core as AsyncClient on its own event
// loop, run by the calling threads themselves. Safe to share between threads: calls from
// several threads proceed concurrently.
class Client {
 public:
  Client();
  explicit Client(ClientOptions options);
  ~Client();
  Client(Client&&) noexcept;
  Client& operator=(Client&&) noexcept;

#define HTTPXX_VERB(name)                                                    \
  Response name(std::string_view url, RequestOptions options = {});         \
  Response name(const URL& url, RequestOptions options = {});
  HTTPXX_VERB(get)
  HTTPXX_VERB(head)
  HTTPXX_VERB(options)
  HTTPXX_VERB(post)
  HTTPXX_VERB(put)
  HTTPXX_VERB(patch)
  HTTPXX_VERB(delete_)
#undef HTTPXX_VERB

  Response request(std::string_view method, std::string_view url, RequestOptions options = {});
  Response request(std::string_view method, const URL& url, RequestOptions options = {});
  // Status and headers read; the body is read on demand (read, iter_*), and the connection is
  // returned when it has been read, closed, or the response destroyed.
  Response stream(std::string_view method, std::string_view url, RequestOptions options = {});
  Response stream(std::string_view method, const URL& url, RequestOptions options = {});
  Request build_request(std::string_view method, std::string_view url,
                        RequestOptions options = {}) const;
  Request build_request(std::string_view method, const URL& url, RequestOptions options = {}) const;
  Response send(Request request, SendOptions options = {});
  void close();

  Headers& headers();
  QueryParams& params();
  Cookies& cookies();
  const ClientOptions& options() const;
  void set_auth(std::optional<Auth> auth);
  void set_timeout(Timeout timeout);
  void set_follow_redirects(bool follow);
  void set_base_url(std::string base_url);
  void set_event_hooks(EventHooks hooks);
  std::string describe() const;

 private:
  std::unique_ptr<detail::BlockingClientImpl> impl_;
};

}  // namespace httpxx
