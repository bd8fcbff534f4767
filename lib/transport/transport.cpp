#include "httpxx/transport.hpp"

namespace httpxx {

asio::awaitable<void> Transport::aclose() { co_return; }

std::string Transport::describe() const { return "<Transport>"; }

asio::awaitable<void> Transport::handle_async_request_into(Request& request, std::optional<Response>& response) {
  response.emplace(co_await handle_async_request(request));
}

asio::awaitable<Response> MockTransport::handle_async_request(Request& request) {
  co_return handler_(request);
}

}  // namespace httpxx
