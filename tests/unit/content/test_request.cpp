#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "content/request_body.hpp"
#include "httpxx/errors.hpp"
#include "httpxx/request.hpp"
#include "temp_file.hpp"

using namespace httpxx;

namespace {

std::vector<std::string> names(const Headers& headers) {
  std::vector<std::string> out;
  for (const auto& [name, value] : headers) out.push_back(name);
  return out;
}

std::string header(const Request& r, std::string_view name) { return r.headers().get(name).value_or("<none>"); }

// A body of unknown length, as a generator would be.
class UnsizedBody final : public detail::RequestBody {
 public:
  std::optional<std::uint64_t> length() const override { return std::nullopt; }
  bool read(std::string& out, std::size_t) override {
    out.clear();
    return false;
  }
  bool rewind() override { return false; }
};

}  // namespace

TEST_CASE("Host comes first, with the port only when it is not the default") {
  Request r("get", URL("https://example.org/a"), {.headers = {{"Accept", "*/*"}}});
  CHECK(r.method() == "GET");   // httpx upper-cases the method
  CHECK(names(r.headers()) == std::vector<std::string>{"Host", "Accept"});
  CHECK(header(r, "Host") == "example.org");
  CHECK(header(Request("GET", URL("http://example.org:8080/")), "Host") == "example.org:8080");
  CHECK(header(Request("GET", URL("https://example.org:443/")), "Host") == "example.org");
  CHECK(header(Request("GET", URL("http://[::1]:8080/")), "Host") == "[::1]:8080");
  // The caller's Host is kept.
  CHECK(header(Request("GET", URL("http://a.test/"), {.headers = {{"host", "b.test"}}}), "Host") == "b.test");
  CHECK(r.content().empty());
  CHECK(r.body() == nullptr);
  CHECK_FALSE(r.is_streaming());
  CHECK_FALSE(r.headers().contains("Content-Length"));
}

TEST_CASE("params merge into the URL's query as httpx merges them") {
  Request r("GET", URL("http://x.test/p?a=1&b=2"), {.params = {{"a", "3"}, {"c", "4 5"}}});
  CHECK(r.url().href() == "http://x.test/p?a=3&b=2&c=4%205");
  // No params: the URL is left exactly as given.
  CHECK(Request("GET", URL("http://x.test/p?q=a+b")).url().href() == "http://x.test/p?q=a+b");
}

TEST_CASE("a body-less POST, PUT or PATCH sends Content-Length: 0") {
  for (const char* method : {"POST", "PUT", "PATCH"}) {
    Request r(method, URL("http://x.test/"), {.headers = {{"X-A", "1"}}});
    CHECK(names(r.headers()) == std::vector<std::string>{"Host", "Content-Length", "X-A"});
    CHECK(header(r, "Content-Length") == "0");
  }
  CHECK_FALSE(Request("DELETE", URL("http://x.test/")).headers().contains("Content-Length"));
  // An empty content is no body.
  Request empty("POST", URL("http://x.test/"), {.content = ""});
  CHECK(empty.body() == nullptr);
  CHECK(header(empty, "Content-Length") == "0");
}

TEST_CASE("content is sent as is, with its length") {
  Request r("PUT", URL("http://x.test/"), {.headers = {{"Content-Type", "text/plain"}}, .content = "hello"});
  CHECK(r.content() == "hello");
  CHECK(header(r, "Content-Length") == "5");
  CHECK(header(r, "Content-Type") == "text/plain");
  CHECK(names(r.headers()) == std::vector<std::string>{"Host", "Content-Type", "Content-Length"});
  REQUIRE(r.body() != nullptr);
  CHECK(r.body()->length() == 5u);
}

TEST_CASE("data alone is urlencoded") {
  Request r("POST", URL("http://x.test/"), {.data = {{"name", "J Doe"}, {"x", "&"}}});
  CHECK(r.content() == "name=J+Doe&x=%26");
  CHECK(header(r, "Content-Type") == "application/x-www-form-urlencoded");
  CHECK(header(r, "Content-Length") == "16");
  CHECK(names(r.headers()) == std::vector<std::string>{"Host", "Content-Length", "Content-Type"});
}

TEST_CASE("json is sent compact, and content takes precedence over it") {
  Request r("POST", URL("http://x.test/"), {.json = {{"a", 1}}});
  CHECK(r.content() == "{\"a\":1}");
  CHECK(header(r, "Content-Type") == "application/json");
  CHECK(header(r, "Content-Length") == "7");
  Request both("POST", URL("http://x.test/"), {.content = "raw", .json = {{"a", 1}}});
  CHECK(both.content() == "raw");
  CHECK_FALSE(both.headers().contains("Content-Type"));
  // A null JSON value is a body too ("null"); only discarded means none.
  CHECK(Request("POST", URL("http://x.test/"), {.json = nullptr}).content() == "null");
}

TEST_CASE("files make a multipart body, with data as its fields") {
  Request r("POST", URL("http://x.test/"),
            {.headers = {{"Content-Type", "multipart/form-data; boundary=\"fixed\""}},
             .data = {{"k", "v"}},
             .files = {{"f", File{"a.txt", "hi", ""}}}});
  // The boundary of the caller's Content-Type is used, so the body matches the header.
  CHECK(r.content() ==
        "--fixed\r\nContent-Disposition: form-data; name=\"k\"\r\n\r\nv\r\n"
        "--fixed\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a.txt\"\r\n"
        "Content-Type: text/plain\r\n\r\nhi\r\n--fixed--\r\n");
  CHECK(header(r, "Content-Type") == "multipart/form-data; boundary=\"fixed\"");
  CHECK(header(r, "Content-Length") == std::to_string(r.content().size()));

  Request generated("POST", URL("http://x.test/"), {.files = {{"f", File{"a.bin", "x", ""}}}});
  CHECK(header(generated, "Content-Type").rfind("multipart/form-data; boundary=", 0) == 0);
}

TEST_CASE("a multipart body with a file on disk is streamed, with an exact length") {
  test::TempFile file("big.dat", std::string(200000, 'z'));
  Request r("POST", URL("http://x.test/upload"), {.files = {{"f", File::from_path(file.path())}}});
  CHECK(r.is_streaming());
  CHECK_THROWS_AS((void)r.content(), RequestNotRead);
  REQUIRE(r.body() != nullptr);
  const auto length = r.body()->length();
  REQUIRE(length.has_value());
  CHECK(header(r, "Content-Length") == std::to_string(*length));
  std::string all, chunk;
  while (r.body()->read(chunk, 65536)) all += chunk;
  CHECK(all.size() == *length);
  CHECK(all.find(std::string(200000, 'z')) != std::string::npos);
}

TEST_CASE("a caller's framing header suppresses ours") {
  Request te("POST", URL("http://x.test/"), {.headers = {{"Transfer-Encoding", "chunked"}}, .content = "abc"});
  CHECK_FALSE(te.headers().contains("Content-Length"));
  Request cl("POST", URL("http://x.test/"), {.headers = {{"Content-Length", "3"}}, .content = "abc"});
  CHECK(cl.headers().get_list("Content-Length") == std::vector<std::string>{"3"});
}

TEST_CASE("a client's headers go under the request's, after the automatic fields") {
  const Headers client{{"Accept", "*/*"}, {"X-Both", "client"}, {"X-Client", "c"}};
  Request r("post", URL("http://x.test/"), {.headers = {{"x-both", "request"}}}, client);
  // httpx's order: Host and Content-Length, the client's fields, the request's replacing theirs.
  CHECK(names(r.headers()) == std::vector<std::string>{"Host", "Content-Length", "Accept", "X-Client", "x-both"});
  CHECK(header(r, "X-Both") == "request");

  SUBCASE("a client's Host or framing field suppresses ours") {
    Request own("POST", URL("http://x.test/"), {}, Headers{{"Host", "y.test"}, {"Content-Length", "0"}});
    CHECK(names(own.headers()) == std::vector<std::string>{"Host", "Content-Length"});
    CHECK(header(own, "Host") == "y.test");
    Request te("POST", URL("http://x.test/"), {.content = "abc"}, Headers{{"Transfer-Encoding", "chunked"}});
    CHECK_FALSE(te.headers().contains("Content-Length"));
  }
  SUBCASE("a multipart body takes its boundary from the client's Content-Type, unless the request has one") {
    const Headers multipart{{"Content-Type", "multipart/form-data; boundary=client"}};
    Request from_client("POST", URL("http://x.test/"), {.files = {{"f", File{"a.txt", "hi", ""}}}}, multipart);
    CHECK(from_client.content().starts_with("--client\r\n"));
    CHECK(header(from_client, "Content-Type") == "multipart/form-data; boundary=client");
    Request from_request("POST", URL("http://x.test/"),
                         {.headers = {{"Content-Type", "multipart/form-data; boundary=own"}},
                          .files = {{"f", File{"a.txt", "hi", ""}}}},
                         multipart);
    CHECK(from_request.content().starts_with("--own\r\n"));
    CHECK(header(from_request, "Content-Type") == "multipart/form-data; boundary=own");
  }
  SUBCASE("the same fields built again give the same request") {
    // The second request is written into the storage the first one left (spare_storage).
    const auto first_names = names(r.headers());
    { Request dropped("GET", URL("http://x.test:81/"), {}, client); }
    Request again("post", URL("http://x.test/"), {.headers = {{"x-both", "request"}}}, client);
    CHECK(names(again.headers()) == first_names);
    CHECK(again.headers() == r.headers());
  }
}

TEST_CASE("a method is a token: one that would change the request line is refused") {
  CHECK(Request("m-search", URL("http://a.test/")).method() == "M-SEARCH");
  CHECK(Request("PROPFIND", URL("http://a.test/")).method() == "PROPFIND");
  for (const std::string bad : {"", "GET /x HTTP/1.1\r\nHost: b.test\r\n\r\nGET", "GET ", "G\nET", "GÉT"}) {
    CAPTURE(bad);
    CHECK_THROWS_AS(Request(bad, URL("http://a.test/")), LocalProtocolError);
  }
  try {
    Request("GET\r\nX-Injected: 1", URL("http://a.test/"));
    FAIL("the method was accepted");
  } catch (const LocalProtocolError& e) {
    const std::string message = e.what();
    CHECK(message.find("GET\\x0D\\x0AX-INJECTED: 1") != std::string::npos);   // shown, not sent to a log raw
    CHECK(message.find_first_of("\r\n") == std::string::npos);
  }
  Request r("GET", URL("http://a.test/"));
  CHECK_THROWS_AS(r.set_method("GET /"), LocalProtocolError);
  CHECK(r.method() == "GET");
}

TEST_CASE("set_url updates Host; set_body replaces the framing headers") {
  Request r("POST", URL("http://a.test/"), {.content = "abc"});
  r.set_url(URL("https://b.test:8443/x"));
  CHECK(header(r, "Host") == "b.test:8443");
  CHECK(names(r.headers()).front() == "Host");
  // A URL without a host (a redirect to "foo:bar") leaves no Host naming the previous one.
  Request moved("GET", URL("https://c.test/"));
  moved.set_url(URL("foo:bar"));
  CHECK_FALSE(moved.headers().contains("Host"));

  r.set_body(detail::make_bytes_body("longer body"));
  CHECK(header(r, "Content-Length") == "11");
  CHECK(r.content() == "longer body");

  r.set_body(std::make_shared<UnsizedBody>());
  CHECK_FALSE(r.headers().contains("Content-Length"));
  CHECK(header(r, "Transfer-Encoding") == "chunked");
  CHECK(r.is_streaming());

  r.set_body(nullptr);
  CHECK_FALSE(r.headers().contains("Transfer-Encoding"));
  CHECK(header(r, "Content-Length") == "0");   // still a POST
  CHECK(r.content().empty());
  r.set_method("GET");
  r.set_body(nullptr);
  CHECK_FALSE(r.headers().contains("Content-Length"));
}

TEST_CASE("the request keeps its timeout override") {
  Request plain("GET", URL("http://x.test/"));
  CHECK_FALSE(plain.timeout().has_value());
  Request r("GET", URL("http://x.test/"), {.timeout = Timeout::all(Duration(2.5))});
  REQUIRE(r.timeout().has_value());
  CHECK(r.timeout()->read == Duration(2.5));
}
