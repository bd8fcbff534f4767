#include "httpxx/query_params.hpp"

#include <algorithm>

#include "models/percent_encoding.hpp"

namespace httpxx {

QueryParams::QueryParams(std::initializer_list<value_type> items) : items_(items) {}

// application/x-www-form-urlencoded parsing as Python's parse_qsl(keep_blank_values=True), which
// httpx uses: split on '&', skip empty pieces, a piece without '=' has the value "", and '+' and
// "%20" both decode to a space (WHATWG URL Standard §5.1).
QueryParams::QueryParams(std::string_view query_string) {
  if (query_string.starts_with('?')) query_string.remove_prefix(1);
  while (!query_string.empty()) {
    const auto amp = query_string.find('&');
    const std::string_view piece = query_string.substr(0, amp);
    if (!piece.empty()) {
      const auto eq = piece.find('=');
      const std::string_view key = piece.substr(0, eq);
      const std::string_view value = eq == std::string_view::npos ? std::string_view{} : piece.substr(eq + 1);
      items_.emplace_back(detail::percent_decode(key, true), detail::percent_decode(value, true));
    }
    if (amp == std::string_view::npos) break;
    query_string.remove_prefix(amp + 1);
  }
}

std::optional<std::string> QueryParams::get(std::string_view key) const {
  for (const auto& [k, v] : items_)
    if (k == key) return v;
  return std::nullopt;
}

std::vector<std::string> QueryParams::get_list(std::string_view key) const {
  std::vector<std::string> values;
  for (const auto& [k, v] : items_)
    if (k == key) values.push_back(v);
  return values;
}

void QueryParams::add(std::string key, std::string value) { items_.emplace_back(std::move(key), std::move(value)); }

void QueryParams::set(std::string key, std::string value) {
  const auto first = std::find_if(items_.begin(), items_.end(), [&](const value_type& item) { return item.first == key; });
  if (first == items_.end()) {
    items_.emplace_back(std::move(key), std::move(value));
    return;
  }
  first->second = std::move(value);
  items_.erase(std::remove_if(first + 1, items_.end(), [&](const value_type& item) { return item.first == key; }),
               items_.end());
}

void QueryParams::remove(std::string_view key) {
  std::erase_if(items_, [key](const value_type& item) { return item.first == key; });
}

bool QueryParams::contains(std::string_view key) const {
  return std::any_of(items_.begin(), items_.end(), [key](const value_type& item) { return item.first == key; });
}

std::string QueryParams::to_string() const {
  std::string out;
  for (const auto& [key, value] : items_) {
    if (!out.empty()) out.push_back('&');
    detail::percent_encode_append(out, key, detail::EncodeSet::unreserved);
    out.push_back('=');
    detail::percent_encode_append(out, value, detail::EncodeSet::unreserved);
  }
  return out;
}

QueryParams QueryParams::merge(const QueryParams& other) const {
  QueryParams merged;
  merged.items_.reserve(items_.size() + other.items_.size());
  const auto in_other = [&other](const std::string& key) { return other.contains(key); };
  const auto already = [&merged](const std::string& key) { return merged.contains(key); };
  for (const auto& [key, value] : items_) {
    if (!in_other(key)) {
      merged.items_.emplace_back(key, value);
    } else if (!already(key)) {
      for (const auto& item : other.items_)
        if (item.first == key) merged.items_.push_back(item);
    }
  }
  for (const auto& item : other.items_)
    if (!contains(item.first)) merged.items_.push_back(item);
  return merged;
}

bool operator==(const QueryParams& a, const QueryParams& b) {
  if (a.items_.size() != b.items_.size()) return false;
  std::vector<QueryParams::value_type> left(a.items_), right(b.items_);
  std::sort(left.begin(), left.end());
  std::sort(right.begin(), right.end());
  return left == right;
}

}  // namespace httpxx
