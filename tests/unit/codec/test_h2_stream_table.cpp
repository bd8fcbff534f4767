#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <vector>

#include "codec/h2/stream_table.hpp"

using httpxx::detail::h2::StreamTable;

TEST_CASE("stream table: an ended stream's node serves the next stream") {
  StreamTable<std::string> table;
  std::string& first = table.insert(1, "first");
  const std::string* first_address = &first;
  table.erase(table.find(1));
  CHECK(table.empty());
  CHECK(table.spare() == 1);
  std::string& next = table.insert(3, "next");
  CHECK(&next == first_address);   // the same node, not a new allocation
  CHECK(next == "next");
  CHECK(table.spare() == 0);
  REQUIRE(table.find(3) != table.end());
  CHECK(table.find(1) == table.end());
}

TEST_CASE("stream table: what an ended stream held is released when it ends") {
  StreamTable<std::shared_ptr<int>> table;
  auto state = std::make_shared<int>(7);
  table.insert(1, state);
  CHECK(state.use_count() == 2);
  table.erase(table.find(1));
  CHECK(state.use_count() == 1);   // not kept alive by the spare node
}

TEST_CASE("stream table: an id already present gets the new value") {
  StreamTable<std::string> table;
  table.insert(5, "old");
  table.insert(7, "other");
  table.erase(table.find(7));   // leaves a spare node
  REQUIRE(table.spare() == 1);
  CHECK(table.insert(5, "new") == "new");
  CHECK(table.size() == 1);
  CHECK(table.find(5)->second == "new");
  table.erase(table.find(5));
  CHECK(table.insert(5, "again") == "again");   // and without a spare node
  CHECK(table.size() == 1);
}

TEST_CASE("stream table: at most spare_limit nodes are kept, and none after clear") {
  StreamTable<int> table;
  const auto count = static_cast<std::int32_t>(StreamTable<int>::spare_limit + 10);
  for (std::int32_t id = 1; id <= count; ++id) table.insert(id, id);
  for (std::int32_t id = 1; id <= count; ++id) table.erase(table.find(id));
  CHECK(table.empty());
  CHECK(table.spare() == StreamTable<int>::spare_limit);
  table.insert(1, 1);
  table.clear();
  CHECK(table.empty());
  CHECK(table.spare() == 0);
}
