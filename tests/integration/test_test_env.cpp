// The integration-test plumbing itself: the wrapper's variables reach a doctest program.

#include <filesystem>
#include <string>

#include <doctest/doctest.h>

#include "test_env.hpp"

TEST_CASE("server() returns the wrapper's addresses") {
  CHECK(httpxx_test::server("HTTPXX_TEST_NGINX_HTTP").starts_with("http://127.0.0.1:"));
  CHECK(httpxx_test::server("HTTPXX_TEST_NGINX_HTTPS").starts_with("https://127.0.0.1:"));
  CHECK(httpxx_test::server("HTTPXX_TEST_HTTPBIN").starts_with("http://127.0.0.1:"));
}

TEST_CASE("server() gives the generated files") {
  const std::filesystem::path docroot = httpxx_test::server("HTTPXX_TEST_DOCROOT");
  CHECK(std::filesystem::file_size(docroot / "1k.bin") == 1024);
  CHECK(std::filesystem::file_size(docroot / "50m.bin") == 50u << 20);
  CHECK(std::filesystem::is_regular_file(httpxx_test::server("HTTPXX_TEST_CA")));
}
