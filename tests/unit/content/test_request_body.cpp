#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <system_error>

#include "content/mime_types.hpp"
#include "content/request_body.hpp"
#include "temp_file.hpp"

using namespace httpxx;
using namespace httpxx::detail;

namespace {

// Everything a body yields, in chunks of at most max_bytes (each checked against it).
std::string drain(RequestBody& body, std::size_t max_bytes) {
  std::string all, chunk;
  while (body.read(chunk, max_bytes)) {
    CHECK(!chunk.empty());
    CHECK(chunk.size() <= max_bytes);
    all += chunk;
  }
  CHECK(chunk.empty());
  return all;
}

std::string patterned(std::size_t size) {
  std::string s(size, '\0');
  for (std::size_t i = 0; i < size; ++i) s[i] = static_cast<char>((i * 7 + i / 251) & 0xff);
  return s;
}

}  // namespace

TEST_CASE("a bytes body is served in slices and rewinds") {
  auto body = make_bytes_body("hello world");
  REQUIRE(body->bytes() != nullptr);
  CHECK(*body->bytes() == "hello world");
  CHECK(body->length() == 11u);
  CHECK(drain(*body, 4) == "hello world");
  CHECK(body->rewind());
  CHECK(drain(*body, 100) == "hello world");
  auto empty = make_bytes_body("");
  std::string chunk = "stale";
  CHECK_FALSE(empty->read(chunk, 10));
  CHECK(chunk.empty());
}

TEST_CASE("urlencoded forms encode as httpx does") {
  const auto encoded = encode_urlencoded_form(QueryParams{{"a b", "c&d"}, {"e", "\xC3\xBC~*/"}, {"e", ""}});
  CHECK(encoded.content_type == "application/x-www-form-urlencoded");
  CHECK(*encoded.body->bytes() == "a+b=c%26d&e=%C3%BC~%2A%2F&e=");
  CHECK(encoded.body->length() == encoded.body->bytes()->size());
}

TEST_CASE("json bodies are compact UTF-8") {
  const auto encoded = encode_json(nlohmann::json{{"a", {1, 2}}, {"b", "\xC3\xA9"}});
  CHECK(encoded.content_type == "application/json");
  CHECK(*encoded.body->bytes() == "{\"a\":[1,2],\"b\":\"\xC3\xA9\"}");
}

TEST_CASE("multipart bodies match httpx byte for byte") {
  Files files{{"f1", File{"hello.txt", "Hello", ""}},
              {"f2", File{"", "raw", ""}},
              {"f3", File{"data.bin", std::string("\x00\x01", 2), "application/x-custom"}},
              {"f4", File{"pic.PNG", "png", ""}}};
  const auto encoded =
      encode_multipart(QueryParams{{"a", "1"}, {"we\"ird\\na\rme", "v\r\nx"}}, files, "BOUNDARY");
  // httpx 0.23's output for the same fields (its Request(..., data=..., files=...).read()).
  const std::string expected = std::string(
      "--BOUNDARY\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n"
      "--BOUNDARY\r\nContent-Disposition: form-data; name=\"we%22ird\\\\na%0Dme\"\r\n\r\nv\r\nx\r\n"
      "--BOUNDARY\r\nContent-Disposition: form-data; name=\"f1\"; filename=\"hello.txt\"\r\n"
      "Content-Type: text/plain\r\n\r\nHello\r\n"
      "--BOUNDARY\r\nContent-Disposition: form-data; name=\"f2\"\r\n\r\nraw\r\n"
      "--BOUNDARY\r\nContent-Disposition: form-data; name=\"f3\"; filename=\"data.bin\"\r\n"
      "Content-Type: application/x-custom\r\n\r\n") +
      std::string("\x00\x01", 2) +
      "\r\n--BOUNDARY\r\nContent-Disposition: form-data; name=\"f4\"; filename=\"pic.PNG\"\r\n"
      "Content-Type: image/png\r\n\r\npng\r\n--BOUNDARY--\r\n";
  CHECK(encoded.content_type == "multipart/form-data; boundary=BOUNDARY");
  REQUIRE(encoded.body->bytes() != nullptr);   // nothing on disk: held in memory
  CHECK(*encoded.body->bytes() == expected);
  CHECK(expected.size() == 550);
  CHECK(encoded.body->length() == 550u);
}

TEST_CASE("a random boundary is 32 hex digits and differs between bodies") {
  const auto a = encode_multipart(QueryParams{{"k", "v"}}, {});
  const auto b = encode_multipart(QueryParams{{"k", "v"}}, {});
  const std::string prefix = "multipart/form-data; boundary=";
  REQUIRE(a.content_type.rfind(prefix, 0) == 0);
  const std::string boundary = a.content_type.substr(prefix.size());
  CHECK(boundary.size() == 32);
  CHECK(boundary.find_first_not_of("0123456789abcdef") == std::string::npos);
  CHECK(a.content_type != b.content_type);
  CHECK(a.body->bytes()->rfind("--" + boundary + "\r\n", 0) == 0);
}

TEST_CASE("a multipart body streams a file from disk, read only as it is sent") {
  const std::string content = patterned(300000);
  test::TempFile file("upload.bin", content);
  const QueryParams data{{"field", "value"}};

  auto streamed = encode_multipart(data, Files{{"upload", File::from_path(file.path())}}, "XyZ");
  auto in_memory = encode_multipart(data, Files{{"upload", File{"upload.bin", content, ""}}}, "XyZ");
  const std::string& expected = *in_memory.body->bytes();

  RequestBody& body = *streamed.body;
  CHECK(body.bytes() == nullptr);
  CHECK(body.length() == expected.size());
  CHECK(drain(body, 10000) == expected);

  // The file is reopened on rewind and read again; a change of its bytes shows, which proves
  // they are read while sending and were never held in memory.
  std::string changed = content;
  changed[123456] = 'Q';
  file.write(changed);
  REQUIRE(body.rewind());
  std::string expected_changed = expected;
  expected_changed[expected.find(content) + 123456] = 'Q';
  CHECK(drain(body, 65536) == expected_changed);

  // A file that shrank after the length was announced cannot be sent.
  const auto read_all = [&body] {
    std::string chunk;
    while (body.read(chunk, 8192)) {
    }
  };
  file.write(content.substr(0, 1000));
  REQUIRE(body.rewind());
  CHECK_THROWS_AS(read_all(), std::system_error);

  std::filesystem::remove(file.path());
  REQUIRE(body.rewind());
  CHECK_THROWS_AS(read_all(), std::system_error);
}

TEST_CASE("a file part from disk gets its type from the extension") {
  test::TempFile file("notes.json", "{}");
  const auto encoded = encode_multipart({}, Files{{"doc", File::from_path(file.path())}}, "b");
  std::string chunk, all;
  while (encoded.body->read(chunk, 7)) all += chunk;
  CHECK(all ==
        "--b\r\nContent-Disposition: form-data; name=\"doc\"; filename=\"notes.json\"\r\n"
        "Content-Type: application/json\r\n\r\n{}\r\n--b--\r\n");
  CHECK(encoded.body->length() == all.size());
}

TEST_CASE("a missing file fails when the body is built") {
  CHECK_THROWS_AS(encode_multipart({}, Files{{"f", File::from_path("/nonexistent/httpxx/file.txt")}}),
                  std::system_error);
  CHECK_THROWS_AS(encode_multipart({}, Files{{"f", File::from_path("/tmp")}}), std::system_error);
}

TEST_CASE("File::from_path names the file by its last component") {
  const File f = File::from_path("/tmp/some dir/report.pdf");
  CHECK(f.filename == "report.pdf");
  CHECK(f.path == "/tmp/some dir/report.pdf");
  CHECK(f.content.empty());
  CHECK(File::from_path("plain.txt").filename == "plain.txt");
  CHECK(File::from_path("dir/sub/").filename == "sub");
}

TEST_CASE("content types are guessed from the extension") {
  CHECK(guess_content_type("a.txt") == "text/plain");
  CHECK(guess_content_type("photo.JPG") == "image/jpeg");
  CHECK(guess_content_type("dir.d/archive.tar.gz") == "application/gzip");
  CHECK(guess_content_type("x.json") == "application/json");
  CHECK(guess_content_type("x.webp") == "image/webp");
  CHECK(guess_content_type("noext") == "application/octet-stream");
  CHECK(guess_content_type(".bashrc") == "application/octet-stream");
  CHECK(guess_content_type("a.unknownextension") == "application/octet-stream");
  CHECK(guess_content_type("trailing.") == "application/octet-stream");
}
