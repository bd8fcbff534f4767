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
// "a b" becomes "a%20b" (not "a+b"); decoding accepts both '+' and "%20" as a space.
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

  // Every pair of other appended after ours (httpx's QueryParams.merge keeps both).
  QueryParams merge(const QueryParams& other) const;

  const_iterator begin() const noexcept { return items_.begin(); }
  const_iterator end() const noexcept { return items_.end(); }

  friend bool operator==(const QueryParams&, const QueryParams&) = default;

 private:
  std::vector<value_type> items_;
};

}  // namespace httpxx
