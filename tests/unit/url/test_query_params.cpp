#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "httpxx/query_params.hpp"

using httpxx::QueryParams;

TEST_CASE("parsing keeps order, repeats and blank values") {
  const QueryParams params("?a=1&b=2&a=3&c&&d=");
  CHECK(params.size() == 5);
  const std::vector<QueryParams::value_type> items(params.begin(), params.end());
  CHECK(items == std::vector<QueryParams::value_type>{{"a", "1"}, {"b", "2"}, {"a", "3"}, {"c", ""}, {"d", ""}});
}

TEST_CASE("'+' and %20 both decode to a space; bad escapes stay") {
  const QueryParams params("k+1=a+b%20c&x=%zz%4");
  CHECK(params.get("k 1") == "a b c");
  CHECK(params.get("x") == "%zz%4");
  CHECK(QueryParams("e=%C3%A9").get("e") == "\xc3\xa9");
  CHECK(QueryParams("a==b").get("a") == "=b");
}

TEST_CASE("get, get_list, contains") {
  const QueryParams params{{"a", "1"}, {"b", "2"}, {"a", "3"}};
  CHECK(params.get("a") == "1");
  CHECK_FALSE(params.get("z").has_value());
  CHECK(params.get_list("a") == std::vector<std::string>{"1", "3"});
  CHECK(params.get_list("z").empty());
  CHECK(params.contains("b"));
  CHECK_FALSE(params.contains("B"));
}

TEST_CASE("add, set, remove") {
  QueryParams params;
  CHECK(params.empty());
  params.add("a", "1");
  params.add("b", "2");
  params.add("a", "3");
  params.set("a", "9");
  CHECK(params.to_string() == "a=9&b=2");
  params.set("c", "4");
  CHECK(params.to_string() == "a=9&b=2&c=4");
  params.remove("b");
  CHECK(params.to_string() == "a=9&c=4");
  params.remove("nothing");
  CHECK(params.size() == 2);
}

TEST_CASE("to_string encodes like httpx: only unreserved characters stay") {
  const QueryParams params{{"k", "a b/c?d=e&f~g.h_i-j!*()'\xc3\xa9+"}, {"", ""}};
  CHECK(params.to_string() == "k=a%20b%2Fc%3Fd%3De%26f~g.h_i-j%21%2A%28%29%27%C3%A9%2B&=");
  CHECK(QueryParams().to_string().empty());
}

TEST_CASE("to_string and parsing round-trip") {
  const QueryParams params{{"a b", "c&d"}, {"e=f", "+"}};
  CHECK(QueryParams(params.to_string()) == params);
}

TEST_CASE("merge replaces the keys it brings and appends new ones") {
  const QueryParams ours("a=1&b=2&a=3");
  const QueryParams merged = ours.merge(QueryParams{{"a", "9"}, {"c", "4"}, {"a", "8"}});
  CHECK(merged.to_string() == "a=9&a=8&b=2&c=4");
  CHECK(ours.to_string() == "a=1&b=2&a=3");
  CHECK(ours.merge(QueryParams{}).to_string() == "a=1&b=2&a=3");
}

TEST_CASE("equality ignores order, as httpx") {
  CHECK(QueryParams("a=1&b=2") == QueryParams("b=2&a=1"));
  CHECK_FALSE(QueryParams("a=1&a=2") == QueryParams("a=1"));
  CHECK_FALSE(QueryParams("a=1") == QueryParams("a=2"));
  CHECK(QueryParams("a=1&a=2") != QueryParams("a=2&a=2"));
}
