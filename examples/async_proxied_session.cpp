// A session through an authenticating HTTP proxy, from a coroutine: the proxy's credentials ride
// in its URL, the client follows redirects, keeps cookies and authenticates every request.
//
// Usage: async_proxied_session [PROXY_URL [HTTPBIN_URL]]
//   (HTTPXX_TEST_TINYPROXY_AUTH and HTTPXX_TEST_HTTPBIN, when set, win)

#include <cstdlib>
#include <exception>
#include <iostream>
#include <stdexcept>
#include <string>

#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>
#include <asio/this_coro.hpp>
#include <httpxx/httpxx.hpp>

namespace {

std::string setting(const char* variable, int argc, char** argv, int index, const char* fallback) {
  if (const char* env = std::getenv(variable)) return env;
  return argc > index ? argv[index] : fallback;
}

asio::awaitable<void> run(std::string proxy, std::string base) {
  httpxx::ClientOptions options;
  options.base_url = base;
  options.proxy = proxy;                                  // user:password@ -> Proxy-Authorization
  options.auth = httpxx::BasicAuth{"user", "passwd"};     // sent to the server on every request
  options.follow_redirects = true;
  options.trust_env = false;                              // only the proxy given here
  // The executor in its own statement: GCC 12 can destroy a co_await's temporaries twice.
  auto executor = co_await asio::this_coro::executor;
  httpxx::AsyncClient client(executor, std::move(options));

  // The server sets a cookie and redirects; the jar keeps it for the rest of the session.
  httpxx::Response login = co_await client.get("/cookies/set?session=s3cr3t");
  login.raise_for_status();
  std::cout << "login: " << login.history().size() << " redirect(s), session cookie "
            << client.cookies().get("session").value_or("(none)") << '\n';

  httpxx::Response account = co_await client.get("/basic-auth/user/passwd");
  account.raise_for_status();
  std::cout << "authenticated as " << account.json()["user"] << '\n';

  // show_env keeps the Via field the proxy added in httpbin's echo.
  httpxx::Response headers = co_await client.get("/headers?show_env=1");
  nlohmann::json echo = headers.json()["headers"];
  std::cout << "cookie sent: " << echo.value("Cookie", "(none)") << '\n'
            << "via: " << echo.value("Via", "(no proxy)") << '\n';
  co_await client.aclose();
  if (!echo.contains("Via") || echo.value("Cookie", "") != "session=s3cr3t") {
    throw std::runtime_error("the session lost its cookie or bypassed the proxy");
  }
}

}  // namespace

int main(int argc, char** argv) {
  const std::string proxy = setting("HTTPXX_TEST_TINYPROXY_AUTH", argc, argv, 1, "http://user:pw@127.0.0.1:8888");
  const std::string base = setting("HTTPXX_TEST_HTTPBIN", argc, argv, 2, "http://127.0.0.1:8000");
  asio::io_context io;
  int status = 1;
  asio::co_spawn(io, run(proxy, base), [&status](std::exception_ptr error) {
    try {
      if (error) std::rethrow_exception(error);
      status = 0;
    } catch (const httpxx::ProxyError& e) {
      std::cerr << "the proxy refused: " << e.what() << '\n';   // never shows the credentials
    } catch (const std::exception& e) {
      std::cerr << "error: " << e.what() << '\n';
    }
  });
  io.run();
  return status;
}
