// Both clients over a MockTransport: the same test bodies run against the blocking Client and
// the AsyncClient on a local io_context. No network.
#include <doctest/doctest.h>

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>

#include "httpxx/async_client.hpp"
#include "httpxx/client.hpp"
#include "httpxx/errors.hpp"
#include "httpxx/transport.hpp"
#include "httpxx/version.hpp"

using httpxx::Auth;
using httpxx::BasicAuth;
using httpxx::ClientOptions;
using httpxx::Headers;
using httpxx::Request;
using httpxx::RequestOptions;
using httpxx::Response;
using httpxx::URL;

namespace {

// What the transport saw, and how it answers.
struct MockServer {
  using Route = std::function<Response(const Request&)>;

  explicit MockServer(Route r) : route(std::move(r)) {}

  ClientOptions options(ClientOptions base = {}) {
    base.transport = std::make_shared<httpxx::MockTransport>([this](const Request& request) {
      {
        std::lock_guard lock(mutex);
        requests.push_back(request);
      }
      return route(request);
    });
    return base;
  }
  std::size_t count() {
    std::lock_guard lock(mutex);
    return requests.size();
  }
  Request last() {
    std::lock_guard lock(mutex);
    REQUIRE_FALSE(requests.empty());
    return requests.back();
  }
  Request at(std::size_t i) {
    std::lock_guard lock(mutex);
    REQUIRE(i < requests.size());
    return requests[i];
  }

  Route route;
  std::mutex mutex;
  std::vector<Request> requests;
};

Response ok(std::string body = "ok") { return Response(200, Headers{{"Content-Type", "text/plain"}}, std::move(body)); }

Response redirect(int status, std::string location, Headers extra = {}) {
  Headers headers = std::move(extra);
  headers.add("Location", std::move(location));
  return Response(status, std::move(headers));
}

std::string path_of(const Request& request) { return std::string(request.url().path()); }

// The blocking client.
struct BlockingDriver {
  explicit BlockingDriver(ClientOptions options) : client(std::move(options)) {}

  Response request(std::string_view method, std::string_view url, RequestOptions options = {}) {
    return client.request(method, url, std::move(options));
  }
  Response send(Request request, httpxx::SendOptions options = {}) {
    return client.send(std::move(request), std::move(options));
  }
  Request build_request(std::string_view method, std::string_view url, RequestOptions options = {}) {
    return client.build_request(method, url, std::move(options));
  }
  httpxx::Cookies& cookies() { return client.cookies(); }
  std::string describe() const { return client.describe(); }

  httpxx::Client client;
};

// The coroutine client, each call run to completion on a loop of its own.
struct AsyncDriver {
  explicit AsyncDriver(ClientOptions options) : client(io.get_executor(), std::move(options)) {}

  Response request(std::string_view method, std::string_view url, RequestOptions options = {}) {
    return run(client.request(method, url, std::move(options)));
  }
  Response send(Request request, httpxx::SendOptions options = {}) {
    return run(client.send(std::move(request), std::move(options)));
  }
  Request build_request(std::string_view method, std::string_view url, RequestOptions options = {}) {
    return client.build_request(method, url, std::move(options));
  }
  httpxx::Cookies& cookies() { return client.cookies(); }
  std::string describe() const { return client.describe(); }

  Response run(asio::awaitable<Response> call) {
    std::optional<Response> response;
    std::exception_ptr error;
    bool done = false;
    asio::co_spawn(
        io, [&]() -> asio::awaitable<void> { response.emplace(co_await std::move(call)); },
        [&](std::exception_ptr e) {
          done = true;
          error = std::move(e);
        });
    io.restart();
    io.run();
    REQUIRE(done);
    if (error) std::rethrow_exception(error);
    return std::move(*response);
  }

  asio::io_context io;
  httpxx::AsyncClient client;
};

}  // namespace

TEST_CASE_TEMPLATE("the default headers are sent", Driver, BlockingDriver, AsyncDriver) {
  MockServer server([](const Request&) { return ok("hello"); });
  Driver client(server.options());
  const Response response = client.request("GET", "https://example.test/path");
  CHECK(response.status_code() == 200);
  CHECK(response.text() == "hello");
  CHECK(response.url() == URL("https://example.test/path"));

  const Request sent = server.last();
  CHECK(sent.method() == "GET");
  CHECK(sent.headers().get("Host") == "example.test");
  CHECK(sent.headers().get("User-Agent") == std::string("httpxx/") + httpxx::version);
  CHECK(sent.headers().get("Accept") == "*/*");
  CHECK(sent.headers().get("Accept-Encoding") == "gzip, deflate, br, zstd");
  CHECK(sent.headers().get("Connection") == "keep-alive");
  CHECK(client.describe() == "<MockTransport>");
}

TEST_CASE_TEMPLATE("client headers are merged under the request's", Driver, BlockingDriver, AsyncDriver) {
  MockServer server([](const Request&) { return ok(); });
  ClientOptions options;
  options.headers = Headers{{"User-Agent", "custom/1"}, {"X-Client", "c"}};
  Driver client(server.options(std::move(options)));
  RequestOptions request;
  request.headers = Headers{{"X-Client", "r"}, {"X-Request", "1"}};
  client.request("GET", "https://example.test/", std::move(request));
  const Request sent = server.last();
  CHECK(sent.headers().get("User-Agent") == "custom/1");
  CHECK(sent.headers().get("X-Client") == "r");
  CHECK(sent.headers().get("X-Request") == "1");
  CHECK(sent.headers().get("Accept") == "*/*");
}

TEST_CASE_TEMPLATE("base_url and params are merged into the URL", Driver, BlockingDriver, AsyncDriver) {
  MockServer server([](const Request&) { return ok(); });
  ClientOptions options;
  options.base_url = "https://api.test/v1";
  options.params = httpxx::QueryParams{{"key", "k"}};
  Driver client(server.options(std::move(options)));

  RequestOptions request;
  request.params = httpxx::QueryParams{{"page", "2"}};
  client.request("GET", "users", std::move(request));
  CHECK(server.last().url() == URL("https://api.test/v1/users?key=k&page=2"));

  client.request("GET", "/items?sort=asc");
  CHECK(server.last().url() == URL("https://api.test/v1/items?sort=asc&key=k"));

  client.request("GET", "https://other.test/x");
  CHECK(server.last().url() == URL("https://other.test/x?key=k"));
}

TEST_CASE_TEMPLATE("json and form bodies reach the transport", Driver, BlockingDriver, AsyncDriver) {
  MockServer server([](const Request&) { return ok(); });
  Driver client(server.options());

  RequestOptions json;
  json.json = nlohmann::json{{"name", "httpxx"}, {"n", 1}};
  client.request("POST", "https://example.test/json", std::move(json));
  Request sent = server.last();
  CHECK(sent.method() == "POST");
  CHECK(sent.headers().get("Content-Type") == "application/json");
  CHECK(nlohmann::json::parse(sent.content()) == nlohmann::json{{"name", "httpxx"}, {"n", 1}});
  CHECK(sent.headers().get("Content-Length") == std::to_string(sent.content().size()));

  RequestOptions form;
  form.data = httpxx::QueryParams{{"a", "1"}, {"b", "x y"}};
  client.request("PUT", "https://example.test/form", std::move(form));
  sent = server.last();
  CHECK(sent.method() == "PUT");
  CHECK(sent.headers().get("Content-Type") == "application/x-www-form-urlencoded");
  CHECK(sent.content() == "a=1&b=x+y");

  RequestOptions raw;
  raw.content = "raw bytes";
  client.request("PATCH", "https://example.test/raw", std::move(raw));
  CHECK(server.last().content() == "raw bytes");
  CHECK(server.last().headers().get("Content-Length") == "9");
}

TEST_CASE_TEMPLATE("redirects are not followed by default", Driver, BlockingDriver, AsyncDriver) {
  MockServer server([](const Request& request) {
    return path_of(request) == "/start" ? redirect(302, "/end") : ok("end");
  });
  Driver client(server.options());
  const Response response = client.request("GET", "https://example.test/start");
  CHECK(response.status_code() == 302);
  CHECK(response.history().empty());
  REQUIRE(response.next_request());
  CHECK(response.next_request()->url() == URL("https://example.test/end"));
  CHECK(response.next_request()->method() == "GET");
  CHECK(server.count() == 1);

  SUBCASE("the next request can be sent by hand") {
    const Response next = client.send(*response.next_request());
    CHECK(next.status_code() == 200);
    CHECK(next.text() == "end");
  }
}

TEST_CASE_TEMPLATE("redirects are followed on request, history oldest first", Driver, BlockingDriver,
                   AsyncDriver) {
  MockServer server([](const Request& request) {
    const auto path = path_of(request);
    if (path == "/a") return redirect(301, "/b");
    if (path == "/b") return redirect(307, "https://other.test/c");
    return ok("final");
  });
  SUBCASE("per request") {
    Driver client(server.options());
    RequestOptions options;
    options.follow_redirects = true;
    const Response response = client.request("GET", "https://example.test/a", std::move(options));
    CHECK(response.status_code() == 200);
    CHECK(response.text() == "final");
    CHECK(response.url() == URL("https://other.test/c"));
    REQUIRE(response.history().size() == 2);
    CHECK(response.history()[0].status_code() == 301);
    CHECK(response.history()[0].url() == URL("https://example.test/a"));
    CHECK(response.history()[1].status_code() == 307);
    CHECK(response.history()[1].url() == URL("https://example.test/b"));
    CHECK_FALSE(response.next_request());
    CHECK(server.count() == 3);
    CHECK(server.at(2).headers().get("Host") == "other.test");
  }
  SUBCASE("client default, turned off per request") {
    ClientOptions options;
    options.follow_redirects = true;
    Driver client(server.options(std::move(options)));
    CHECK(client.request("GET", "https://example.test/a").status_code() == 200);
    RequestOptions off;
    off.follow_redirects = false;
    CHECK(client.request("GET", "https://example.test/a", std::move(off)).status_code() == 301);
  }
}

TEST_CASE_TEMPLATE("a POST redirected by 303 becomes a GET without a body", Driver, BlockingDriver,
                   AsyncDriver) {
  MockServer server([](const Request& request) {
    return path_of(request) == "/submit" ? redirect(303, "/result") : ok();
  });
  ClientOptions options;
  options.follow_redirects = true;
  Driver client(server.options(std::move(options)));
  RequestOptions form;
  form.data = httpxx::QueryParams{{"q", "1"}};
  client.request("POST", "https://example.test/submit", std::move(form));
  REQUIRE(server.count() == 2);
  const Request second = server.at(1);
  CHECK(second.method() == "GET");
  CHECK(second.content().empty());
  CHECK_FALSE(second.headers().contains("Content-Type"));
  CHECK_FALSE(second.headers().contains("Content-Length"));
}

TEST_CASE_TEMPLATE("TooManyRedirects after max_redirects", Driver, BlockingDriver, AsyncDriver) {
  MockServer server([](const Request& request) {
    const int n = std::stoi(path_of(request).substr(1));
    return redirect(302, "/" + std::to_string(n + 1));
  });
  ClientOptions options;
  options.follow_redirects = true;
  options.max_redirects = 3;
  Driver client(server.options(std::move(options)));
  try {
    client.request("GET", "https://example.test/0");
    FAIL("expected TooManyRedirects");
  } catch (const httpxx::TooManyRedirects& e) {
    REQUIRE(e.has_request());
    CHECK(e.request().url() == URL("https://example.test/4"));
  }
  // The first request and three redirects were sent; the fourth redirect was refused.
  CHECK(server.count() == 4);
}

TEST_CASE_TEMPLATE("cookies set by a response are sent on the next requests", Driver, BlockingDriver,
                   AsyncDriver) {
  MockServer server([](const Request& request) {
    const auto path = path_of(request);
    if (path == "/login") return Response(200, Headers{{"Set-Cookie", "session=abc; Path=/"}});
    if (path == "/login-redirect") {
      return redirect(302, "/home", Headers{{"Set-Cookie", "session=xyz; Path=/"}});
    }
    if (path == "/leave") return redirect(302, "https://other.test/");
    return ok();
  });
  ClientOptions options;
  options.follow_redirects = true;
  Driver client(server.options(std::move(options)));

  const Response login = client.request("GET", "https://example.test/login");
  CHECK(login.cookies().get("session") == "abc");
  CHECK(client.cookies().get("session") == "abc");
  CHECK_FALSE(server.last().headers().contains("Cookie"));

  client.request("GET", "https://example.test/data");
  CHECK(server.last().headers().get("Cookie") == "session=abc");

  SUBCASE("a cookie set by a redirect is sent on the redirected request") {
    const Response home = client.request("GET", "https://example.test/login-redirect");
    CHECK(home.status_code() == 200);
    CHECK(server.last().url() == URL("https://example.test/home"));
    CHECK(server.last().headers().get("Cookie") == "session=xyz");
    REQUIRE(home.history().size() == 1);
    CHECK(home.history()[0].cookies().get("session") == "xyz");
  }
  SUBCASE("cookies are chosen again for the redirect's host") {
    client.request("GET", "https://example.test/leave");
    CHECK(server.last().url() == URL("https://other.test/"));
    CHECK_FALSE(server.last().headers().contains("Cookie"));
  }
}

TEST_CASE_TEMPLATE("basic auth from the client, disabled per request", Driver, BlockingDriver, AsyncDriver) {
  MockServer server([](const Request&) { return ok(); });
  ClientOptions options;
  options.auth = BasicAuth{"user", "pass"};
  Driver client(server.options(std::move(options)));

  client.request("GET", "https://example.test/");
  CHECK(server.last().headers().get("Authorization") == "Basic dXNlcjpwYXNz");

  RequestOptions none;
  none.auth = Auth{};
  client.request("GET", "https://example.test/", std::move(none));
  CHECK_FALSE(server.last().headers().contains("Authorization"));

  RequestOptions other;
  other.auth = BasicAuth{"other", "pw"};
  client.request("GET", "https://example.test/", std::move(other));
  CHECK(server.last().headers().get("Authorization") == "Basic b3RoZXI6cHc=");

  SUBCASE("through send() too") {
    httpxx::SendOptions send;
    send.auth = Auth{};
    client.send(client.build_request("GET", "https://example.test/"), send);
    CHECK_FALSE(server.last().headers().contains("Authorization"));
  }
}

TEST_CASE_TEMPLATE("event hooks see every hop", Driver, BlockingDriver, AsyncDriver) {
  MockServer server([](const Request& request) {
    return path_of(request) == "/first" ? redirect(302, "/second") : ok();
  });
  std::vector<std::string> requested;
  std::vector<int> statuses;
  ClientOptions options;
  options.follow_redirects = true;
  options.event_hooks.request.push_back([&](Request& request) {
    requested.push_back(path_of(request));
    request.headers().set("X-Hooked", "yes");   // a request hook may edit the request
  });
  options.event_hooks.response.push_back([&](Response& response) { statuses.push_back(response.status_code()); });
  Driver client(server.options(std::move(options)));

  client.request("GET", "https://example.test/first");
  CHECK(requested == std::vector<std::string>{"/first", "/second"});
  CHECK(statuses == std::vector<int>{302, 200});
  CHECK(server.at(0).headers().get("X-Hooked") == "yes");
  CHECK(server.at(1).headers().get("X-Hooked") == "yes");
}

TEST_CASE_TEMPLATE("a transport error carries the request", Driver, BlockingDriver, AsyncDriver) {
  MockServer server([](const Request&) -> Response { throw httpxx::ConnectError("refused"); });
  Driver client(server.options());
  try {
    client.request("GET", "https://example.test/down");
    FAIL("expected ConnectError");
  } catch (const httpxx::ConnectError& e) {
    CHECK(std::string(e.what()) == "refused");
    REQUIRE(e.has_request());
    CHECK(e.request().url() == URL("https://example.test/down"));
  }
}

TEST_CASE("the blocking client called from its own event hook throws instead of deadlocking") {
  // A request hook runs on the calling thread before the loop is entered (the call starts
  // there); a response hook runs in a handler of the loop. Both are the driving thread.
  MockServer server([](const Request&) { return ok(); });
  httpxx::Client* self = nullptr;
  std::string from_request_hook, from_response_hook;
  const auto call_inner = [&](std::string& caught) {
    try {
      self->get("https://example.test/inner");
    } catch (const std::logic_error& e) {
      caught = e.what();
    }
  };
  ClientOptions options;
  options.event_hooks.request.push_back([&](Request&) { call_inner(from_request_hook); });
  options.event_hooks.response.push_back([&](Response&) { call_inner(from_response_hook); });
  httpxx::Client client(server.options(std::move(options)));
  self = &client;
  const Response response = client.get("https://example.test/outer");
  CHECK(response.status_code() == 200);
  CHECK(from_request_hook.find("deadlock") != std::string::npos);
  CHECK(from_response_hook.find("deadlock") != std::string::npos);
  CHECK(server.count() == 1);   // the inner requests were never sent
  // The client is usable afterwards: the loop was handed back.
  CHECK(client.get("https://example.test/again").status_code() == 200);
}

TEST_CASE("the blocking client is used from four threads at once") {
  std::atomic<int> in_handler = 0, overlap = 0;
  MockServer server([&](const Request& request) {
    if (in_handler.fetch_add(1) > 0) ++overlap;   // the loop runs one handler at a time
    std::string body = std::string(request.url().query());
    in_handler.fetch_sub(1);
    return ok(std::move(body));
  });
  httpxx::Client client(server.options());
  constexpr int threads = 4, calls = 100;
  std::vector<int> correct(threads, 0);
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&client, &correct, t] {
      for (int i = 0; i < calls; ++i) {
        RequestOptions options;
        options.params = httpxx::QueryParams{{"t", std::to_string(t)}, {"i", std::to_string(i)}};
        const Response response = client.get("https://example.test/echo", std::move(options));
        if (response.text() == "t=" + std::to_string(t) + "&i=" + std::to_string(i)) ++correct[t];
      }
    });
  }
  for (auto& worker : workers) worker.join();
  for (int t = 0; t < threads; ++t) CHECK(correct[t] == calls);
  CHECK(server.count() == static_cast<std::size_t>(threads * calls));
  CHECK(overlap == 0);
}
