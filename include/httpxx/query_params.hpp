#pragma once

#include <cstddef>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace httpxx {

// An ordered multi-map of query parameters, as httpx.QueryParams. Encoding follows httpx:
// "a b" becomes "a%20b" (not "a+b"), and every byte but A-Z a-z 0-9 - . _ ~ is percent-encoded;
// decoding accepts both '+' and "%20" as a space. Pairs keep the order they were added in.
class QueryParams {
 public:
  using value_type = std::pair<std::string, std::string>;
  using const_iterator = std::vector<value_type>::const_iterator;

  QueryParams() = default;
  QueryParams(std::initializer_list<value_type> items);
  explicit QueryParams(std::string_view query_string);   // "a=1&b=2" (a leading '?' is skipped)

  std::optional<std::string> get(std::string_view key) const;        // first value
  std::vector<std::string> get_list(std::string_view key) const;
  void add(std::string key, std::string value);
  void set(std::string key, std::string value);                      // replaces every value
  void remove(std::string_view key);
  bool contains(std::string_view key) const;
  std::size_t size() const noexcept { return items_.size(); }
  bool empty() const noexcept { return items_.empty(); }
  std::string to_string() const;                                     // urlencoded

  // httpx's QueryParams.merge: each key of other replaces that key's values here (at the place
  // of its first pair), and keys new to us are appended, in other's order.
  QueryParams merge(const QueryParams& other) const;

  const_iterator begin() const noexcept { return items_.begin(); }
  const_iterator end() const noexcept { return items_.end(); }

  // As httpx: the same pairs, in any order.
  friend bool operator==(const QueryParams& a, const QueryParams& b);

 private:
  std::vector<value_type> items_;
};

}  // namespace httpxx
