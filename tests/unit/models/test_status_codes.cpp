#include <doctest/doctest.h>

#include "models/status_codes.hpp"

using httpxx::detail::reason_phrase;

TEST_CASE("reason phrases are httpx's names of the IANA registry") {
  CHECK(reason_phrase(100) == "Continue");
  CHECK(reason_phrase(200) == "OK");
  CHECK(reason_phrase(204) == "No Content");
  CHECK(reason_phrase(301) == "Moved Permanently");
  CHECK(reason_phrase(308) == "Permanent Redirect");
  CHECK(reason_phrase(404) == "Not Found");
  CHECK(reason_phrase(413) == "Request Entity Too Large");
  CHECK(reason_phrase(418) == "I'm a teapot");
  CHECK(reason_phrase(425) == "Too Early");
  CHECK(reason_phrase(451) == "Unavailable For Legal Reasons");
  CHECK(reason_phrase(511) == "Network Authentication Required");
}

TEST_CASE("unknown codes have no reason phrase") {
  CHECK(reason_phrase(0).empty());
  CHECK(reason_phrase(299).empty());
  CHECK(reason_phrase(306).empty());
  CHECK(reason_phrase(599).empty());
  CHECK(reason_phrase(-1).empty());
}
