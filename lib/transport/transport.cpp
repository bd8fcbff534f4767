#include "httpxx/transport.hpp"

namespace httpxx {

asio::awaitable<void> Transport::aclose() { co_return; }

std::string Transport::describe() const { return "<Transport>"; }

asio::awaitable<Response> MockTransport::handle_async_request(Request& request) {
  co_return handler_(request);
}

}  // namespace httpxx
