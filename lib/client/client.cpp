#include "httpxx/client.hpp"

#include <optional>

#include "client/client_core.hpp"
#include "client/event_loop_driver.hpp"
#include "httpxx/async_client.hpp"

namespace httpxx {
namespace detail {

// The blocking client: an AsyncClient on an event loop that the calling threads drive.
class BlockingClientImpl {
 public:
  explicit BlockingClientImpl(ClientOptions options)
      : driver_(std::make_shared<EventLoopDriver>()),
        async_(driver_->context().get_executor(), std::move(options)) {}

  ~BlockingClientImpl() { close(); }

  // Runs a call to completion on the loop: start(answer) gives the core's coroutine that builds
  // the response in answer.
  template <class Start>
  Response call(bool stream, Start&& start) {
    std::optional<Response> answer;
    driver_->call(start(answer));
    if (stream) answer->set_blocking_driver(driver_);
    return std::move(*answer);
  }

  void close() {
    if (!closed_) {
      closed_ = true;
      driver_->run(async_.aclose());
    }
  }

  // Declared first: the loop outlives the connections bound to it.
  std::shared_ptr<EventLoopDriver> driver_;
  AsyncClient async_;
  bool closed_ = false;
};

}  // namespace detail

Client::Client() : Client(ClientOptions{}) {}
Client::Client(ClientOptions options) : impl_(std::make_unique<detail::BlockingClientImpl>(std::move(options))) {}
Client::~Client() = default;
Client::Client(Client&&) noexcept = default;
Client& Client::operator=(Client&&) noexcept = default;

Response Client::request(std::string_view method, std::string_view url, RequestOptions options) {
  return impl_->call(false, [&](auto& answer) {
    return impl_->async_.core_->request(method, url, std::move(options), false, answer);
  });
}

Response Client::request(std::string_view method, const URL& url, RequestOptions options) {
  return impl_->call(false, [&](auto& answer) {
    return impl_->async_.core_->request(method, url, std::move(options), false, answer);
  });
}

Response Client::stream(std::string_view method, std::string_view url, RequestOptions options) {
  return impl_->call(true, [&](auto& answer) {
    return impl_->async_.core_->request(method, url, std::move(options), true, answer);
  });
}

Response Client::stream(std::string_view method, const URL& url, RequestOptions options) {
  return impl_->call(true, [&](auto& answer) {
    return impl_->async_.core_->request(method, url, std::move(options), true, answer);
  });
}

Response Client::send(Request request, SendOptions options) {
  const bool stream = options.stream;
  return impl_->call(stream, [&](auto& answer) {
    return impl_->async_.core_->send(std::move(request), std::move(options), answer);
  });
}

#define HTTPXX_VERB(name, method)                                                  \
  Response Client::name(std::string_view url, RequestOptions options) {            \
    return request(method, url, std::move(options));                               \
  }                                                                                \
  Response Client::name(const URL& url, RequestOptions options) {                  \
    return request(method, url, std::move(options));                               \
  }
HTTPXX_VERB(get, "GET")
HTTPXX_VERB(head, "HEAD")
HTTPXX_VERB(options, "OPTIONS")
HTTPXX_VERB(post, "POST")
HTTPXX_VERB(put, "PUT")
HTTPXX_VERB(patch, "PATCH")
HTTPXX_VERB(delete_, "DELETE")
#undef HTTPXX_VERB

Request Client::build_request(std::string_view method, std::string_view url, RequestOptions options) const {
  return impl_->async_.build_request(method, url, std::move(options));
}

Request Client::build_request(std::string_view method, const URL& url, RequestOptions options) const {
  return impl_->async_.build_request(method, url, std::move(options));
}

void Client::close() { impl_->close(); }
Headers& Client::headers() { return impl_->async_.headers(); }
QueryParams& Client::params() { return impl_->async_.params(); }
Cookies& Client::cookies() { return impl_->async_.cookies(); }
const ClientOptions& Client::options() const { return impl_->async_.options(); }
void Client::set_auth(std::optional<Auth> auth) { impl_->async_.set_auth(std::move(auth)); }
void Client::set_timeout(Timeout timeout) { impl_->async_.set_timeout(timeout); }
void Client::set_follow_redirects(bool follow) { impl_->async_.set_follow_redirects(follow); }
void Client::set_base_url(std::string base_url) { impl_->async_.set_base_url(std::move(base_url)); }
void Client::set_event_hooks(EventHooks hooks) { impl_->async_.set_event_hooks(std::move(hooks)); }
std::string Client::describe() const { return impl_->async_.describe(); }

}  // namespace httpxx
