#include "httpxx/api.hpp"

namespace httpxx {

Response request(std::string_view method, std::string_view url, RequestOptions options, ClientOptions client) {
  return Client(std::move(client)).request(method, url, std::move(options));
}

Response stream(std::string_view method, std::string_view url, RequestOptions options, ClientOptions client) {
  // The response keeps the client's event loop and pool alive until it is closed.
  return Client(std::move(client)).stream(method, url, std::move(options));
}

#define HTTPXX_API_VERB(name, method)                                                     \
  Response name(std::string_view url, RequestOptions options, ClientOptions client) {     \
    return request(method, url, std::move(options), std::move(client));                   \
  }
HTTPXX_API_VERB(get, "GET")
HTTPXX_API_VERB(head, "HEAD")
HTTPXX_API_VERB(options, "OPTIONS")
HTTPXX_API_VERB(post, "POST")
HTTPXX_API_VERB(put, "PUT")
HTTPXX_API_VERB(patch, "PATCH")
HTTPXX_API_VERB(delete_, "DELETE")
#undef HTTPXX_API_VERB

}  // namespace httpxx
