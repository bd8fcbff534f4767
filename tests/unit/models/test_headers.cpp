#include <doctest/doctest.h>

#include <iterator>
#include <string>
#include <vector>

#include "httpxx/errors.hpp"
#include "httpxx/headers.hpp"

using httpxx::Headers;

TEST_CASE("iequals folds ASCII case only") {
  CHECK(httpxx::iequals("Content-Type", "content-type"));
  CHECK(httpxx::iequals("", ""));
  CHECK_FALSE(httpxx::iequals("Content-Type", "Content-Typ"));
  CHECK_FALSE(httpxx::iequals("a-b", "a_b"));
  // '@' and '`' differ from each other by 0x20 but are not letters.
  CHECK_FALSE(httpxx::iequals("@", "`"));
  CHECK_FALSE(httpxx::iequals("[", "{"));
  CHECK_FALSE(httpxx::iequals("\xc4", "\xe4"));
  // Every pair of bytes: equal exactly when their ASCII lower cases are.
  const auto lower = [](int c) { return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c; };
  int mismatches = 0;
  for (int x = 0; x < 256; ++x) {
    for (int y = 0; y < 256; ++y) {
      const char a = static_cast<char>(x), b = static_cast<char>(y);
      if (httpxx::iequals({&a, 1}, {&b, 1}) != (lower(x) == lower(y))) ++mismatches;
    }
  }
  CHECK(mismatches == 0);
}

TEST_CASE("Headers keep wire order and original case") {
  Headers h{{"Content-Type", "text/plain"}, {"X-A", "1"}, {"x-a", "2"}};
  REQUIRE(h.size() == 3);
  auto it = h.begin();
  CHECK(it->first == "Content-Type");
  ++it;
  CHECK(it->first == "X-A");
  ++it;
  CHECK(it->first == "x-a");
  CHECK(h.get("CONTENT-TYPE") == "text/plain");
  CHECK(h.get("x-A") == "1, 2");
  CHECK(h.get_list("X-a") == std::vector<std::string>{"1", "2"});
  CHECK_FALSE(h.get("missing").has_value());
  CHECK(h.get_list("missing").empty());
  CHECK(h.contains("content-type"));
  CHECK_FALSE(h.contains("content"));
}

TEST_CASE("set replaces every field of a name at the first one's position") {
  Headers h{{"A", "1"}, {"B", "2"}, {"a", "3"}, {"C", "4"}, {"A", "5"}};
  h.set("a", "new");
  REQUIRE(h.size() == 3);
  auto it = h.begin();
  CHECK(it->first == "a");
  CHECK(it->second == "new");
  CHECK((++it)->first == "B");
  CHECK((++it)->first == "C");
  h.set("D", "appended");
  CHECK(std::prev(h.end())->first == "D");
}

TEST_CASE("add appends, remove counts, find does not copy") {
  Headers h;
  CHECK(h.empty());
  h.add("Set-Cookie", "a=1");
  h.add("set-cookie", "b=2");
  h.add("Other", "x");
  const std::string* first = h.find("SET-COOKIE");
  REQUIRE(first != nullptr);
  CHECK(*first == "a=1");
  CHECK(first == &h.begin()->second);
  CHECK(h.find("absent") == nullptr);
  CHECK(h.remove("Set-Cookie") == 2);
  CHECK(h.remove("Set-Cookie") == 0);
  CHECK(h.size() == 1);
  h.clear();
  CHECK(h.empty());
}

TEST_CASE("prepend puts a field before all others, validated like add") {
  httpxx::Headers h{{"Accept", "*/*"}, {"X-Trace", "1"}};
  h.prepend("Host", " example.com ");
  REQUIRE(h.size() == 3);
  auto it = h.begin();
  CHECK(it->first == "Host");
  CHECK(it->second == "example.com");
  CHECK((++it)->first == "Accept");
  CHECK((++it)->first == "X-Trace");
  CHECK_THROWS_AS(h.prepend("Bad Name", "v"), httpxx::LocalProtocolError);
  CHECK_THROWS_AS(h.prepend("X", "a\r\nb"), httpxx::LocalProtocolError);
  CHECK(h.size() == 3);
}

TEST_CASE("values lose surrounding whitespace (RFC 9110 section 5.5)") {
  Headers h;
  h.add("X", " \t padded value\t ");
  CHECK(h.get("x") == "padded value");
  h.set("Y", "   ");
  CHECK(h.get("y") == "");
  h.set("Z", "inner  space");
  CHECK(h.get("z") == "inner  space");
}

TEST_CASE("header injection is refused without echoing the value") {
  Headers h;
  try {
    h.set("Authorization", "Bearer secret\r\nX-Injected: 1");
    FAIL("no exception");
  } catch (const httpxx::LocalProtocolError& e) {
    const std::string message = e.what();
    CHECK(message.find("Authorization") != std::string::npos);
    CHECK(message.find("secret") == std::string::npos);
  }
  CHECK_THROWS_AS(h.add("X", "a\nb"), httpxx::LocalProtocolError);
  CHECK_THROWS_AS(h.add("X", std::string("a\0b", 3)), httpxx::LocalProtocolError);
  CHECK_THROWS_AS(h.add("Bad Name", "v"), httpxx::LocalProtocolError);
  CHECK_THROWS_AS(h.add("", "v"), httpxx::LocalProtocolError);
  CHECK_THROWS_AS(h.add("X:Y", "v"), httpxx::LocalProtocolError);
  CHECK_THROWS_AS(h.set("X\r\nY", "v"), httpxx::LocalProtocolError);
  CHECK_THROWS_AS((Headers{{"ok", "v"}, {"b\nad", "v"}}), httpxx::LocalProtocolError);
  CHECK(h.empty());
  h.add("!#$%&'*+-.^_`|~09azAZ", "tchars are fine");
  CHECK(h.size() == 1);
}

TEST_CASE("add_unchecked stores as given") {
  Headers h;
  h.add_unchecked("X", " raw ");
  CHECK(h.get("x") == " raw ");
}

TEST_CASE("update replaces our fields of other's names and appends other's") {
  Headers ours{{"Accept", "*/*"}, {"X-A", "1"}, {"User-Agent", "u"}, {"x-a", "2"}};
  Headers theirs{{"x-a", "3"}, {"X-B", "4"}, {"X-A", "5"}};
  ours.update(theirs);
  CHECK(ours == Headers{{"Accept", "*/*"}, {"User-Agent", "u"}, {"x-a", "3"}, {"X-B", "4"},
                        {"X-A", "5"}});
  ours.update(ours);
  CHECK(ours.size() == 5);
  // Into an empty set, as a request takes its client's headers: all of other's, repeats kept.
  Headers empty;
  empty.update(theirs);
  CHECK(empty == theirs);
}

TEST_CASE("equality compares names case-insensitively and values exactly, in order") {
  CHECK(Headers{{"A", "1"}, {"B", "2"}} == Headers{{"a", "1"}, {"b", "2"}});
  CHECK_FALSE(Headers{{"A", "1"}, {"B", "2"}} == Headers{{"B", "2"}, {"A", "1"}});
  CHECK_FALSE(Headers{{"A", "x"}} == Headers{{"A", "X"}});
  CHECK_FALSE(Headers{{"A", "1"}} == Headers{});
}

TEST_CASE("fields removed are gone from every view, and the order of the others stays") {
  Headers headers;
  headers.add("Accept", "*/*");
  headers.add("Date", "Sat, 21 Nov 2026 10:00:00 GMT");
  headers.add("Connection", "keep-alive");
  headers.add("X-Trace", "a long value that does not fit in place");
  headers.add("X-Trace", "another long value that does not fit");
  CHECK(headers.remove("x-trace") == 2);
  CHECK(headers.size() == 3);
  CHECK(std::distance(headers.begin(), headers.end()) == 3);
  CHECK_FALSE(headers.contains("X-Trace"));
  CHECK_FALSE(headers.get("X-Trace"));
  CHECK(headers.get_list("X-Trace").empty());
  CHECK(headers ==
        Headers{{"Accept", "*/*"}, {"Date", "Sat, 21 Nov 2026 10:00:00 GMT"}, {"Connection", "keep-alive"}});
  const Headers copy = headers;
  CHECK(copy.size() == 3);
  CHECK(copy == headers);
  Headers assigned{{"Old", "a value that the assignment replaces"}};
  assigned = copy;
  CHECK(assigned == headers);
  assigned = Headers{{"Moved", "a value moved in over the copy's"}};
  CHECK(assigned == Headers{{"Moved", "a value moved in over the copy's"}});
  headers.emplace_unchecked("X-Next", "a value built where a removed one was");
  const std::string* next = headers.find("X-Next");
  REQUIRE(next != nullptr);
  CHECK(*next == "a value built where a removed one was");
  const std::vector<std::string> names = {"Accept", "Date", "Connection", "X-Next"};
  std::vector<std::string> seen;
  for (const auto& [name, value] : headers) seen.push_back(name);
  CHECK(seen == names);

  // set() keeps the first field of the name in place and removes the rest, in order.
  headers.add("Accept", "text/html");
  headers.set("accept", "application/json");
  seen.clear();
  for (const auto& [name, value] : headers) seen.push_back(name + "=" + value);
  CHECK(seen == std::vector<std::string>{"accept=application/json", "Date=Sat, 21 Nov 2026 10:00:00 GMT",
                                         "Connection=keep-alive", "X-Next=a value built where a removed one was"});
  headers.prepend("Host", "example.org");
  CHECK(headers.begin()->first == "Host");
  CHECK(headers.size() == 5);
  headers.clear();
  CHECK(headers.empty());
  CHECK(headers.begin() == headers.end());
  CHECK_FALSE(headers.contains("Host"));
  headers.add("Host", "example.com");
  CHECK(headers.size() == 1);
  CHECK(*headers.get("host") == "example.com");
}

TEST_CASE("a set made in the storage of a larger earlier one shows only its own fields") {
  {
    Headers earlier;
    earlier.reserve(16);
    for (int i = 0; i < 10; ++i) earlier.emplace_unchecked("X-Field-" + std::to_string(i), "an earlier value, not in place");
  }
  Headers next;
  next.reserve(16);
  next.emplace_unchecked("Server", "nginx");
  next.emplace_unchecked("Content-Length", "1024");
  CHECK(next.size() == 2);
  CHECK(std::distance(next.begin(), next.end()) == 2);
  CHECK_FALSE(next.contains("X-Field-2"));
  CHECK(next == Headers{{"Server", "nginx"}, {"Content-Length", "1024"}});
  const Headers copy = next;
  CHECK(copy.size() == 2);
  next.remove("Server");
  CHECK(next == Headers{{"Content-Length", "1024"}});
  next.prepend("Host", "example.org");
  CHECK(next == Headers{{"Host", "example.org"}, {"Content-Length", "1024"}});
}
