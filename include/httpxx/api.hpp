#pragma once
// One-shot functions, as httpx.get(...): each builds a Client from the ClientOptions, sends one
// request and closes the client.

#include <string_view>

#include "httpxx/client.hpp"

namespace httpxx {

Response request(std::string_view method, std::string_view url, RequestOptions options = {},
                 ClientOptions client = {});
Response get(std::string_view url, RequestOptions options = {}, ClientOptions client = {});
Response head(std::string_view url, RequestOptions options = {}, ClientOptions client = {});
Response options(std::string_view url, RequestOptions options = {}, ClientOptions client = {});
Response post(std::string_view url, RequestOptions options = {}, ClientOptions client = {});
Response put(std::string_view url, RequestOptions options = {}, ClientOptions client = {});
Response patch(std::string_view url, RequestOptions options = {}, ClientOptions client = {});
Response delete_(std::string_view url, RequestOptions options = {}, ClientOptions client = {});
// The response's body is read on demand; the response keeps its client alive until closed.
Response stream(std::string_view method, std::string_view url, RequestOptions options = {},
                ClientOptions client = {});

}  // namespace httpxx
