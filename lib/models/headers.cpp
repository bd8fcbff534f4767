#include "httpxx/headers.hpp"

#include <cstdint>
#include <tuple>

#include "httpxx/errors.hpp"
#include "models/field_value.hpp"
#include "models/spare_storage.hpp"
#include "models/token.hpp"

namespace httpxx {

namespace {

bool is_ows(char c) noexcept { return c == ' ' || c == '\t'; }

void validate_name(std::string_view name) {
  if (!detail::is_token(name)) {
    throw LocalProtocolError("header name '" + detail::printable(name) +
                             "' is not a token (RFC 9110 section 5.1)");
  }
}

// RFC 9110 section 5.5: a field value carries no leading or trailing whitespace, and CR, LF and
// NUL must never reach the wire (they would split or truncate the field). The message names the
// field but never shows the value, which may be a credential.
void normalize_value(std::string_view name, std::string& value) {
  std::size_t first = 0;
  std::size_t last = value.size();
  while (first < last && is_ows(value[first])) ++first;
  while (last > first && is_ows(value[last - 1])) --last;
  if (first != 0 || last != value.size()) value = value.substr(first, last - first);
  if (detail::has_forbidden_field_byte(value)) {
    throw LocalProtocolError("header '" + detail::printable(name) +
                             "' value contains CR, LF or NUL (RFC 9110 section 5.5)");
  }
}

}  // namespace

Headers::~Headers() { detail::spare_storage::give_back(items_); }

Headers::Headers(const Headers& other) : items_(detail::spare_storage::fields_with_room(other.items_.size())) {
  for (const auto& [name, value] : other.items_) emplace_unchecked(name, value);
}

Headers& Headers::operator=(const Headers& other) {
  if (&other != this) *this = Headers(other);
  return *this;
}

Headers& Headers::operator=(Headers&& other) noexcept {
  detail::spare_storage::give_back(items_);
  items_ = std::move(other.items_);
  return *this;
}

void Headers::reserve(std::size_t n) {
  if (items_.capacity() >= n) return;
  if (!items_.empty()) {
    items_.reserve(n);
    return;
  }
  // An empty set, as a codec or a client starts each message's: room from the thread's spare.
  detail::spare_storage::give_back(items_);
  items_ = detail::spare_storage::fields_with_room(n);
}

Headers::Headers(std::initializer_list<value_type> items) {
  items_.reserve(items.size());
  for (const auto& [name, value] : items) add(name, value);
}

std::optional<std::string> Headers::get(std::string_view name) const {
  std::optional<std::string> joined;
  for (const auto& [key, value] : items_) {
    if (!iequals(key, name)) continue;
    if (joined) {
      joined->append(", ").append(value);
    } else {
      joined = value;
    }
  }
  return joined;
}

std::vector<std::string> Headers::get_list(std::string_view name) const {
  std::vector<std::string> values;
  for (const auto& [key, value] : items_) {
    if (iequals(key, name)) values.push_back(value);
  }
  return values;
}

void Headers::set(std::string name, std::string value) {
  validate_name(name);
  normalize_value(name, value);
  // Like httpx: the first field of that name takes the new name and value in place, the others go.
  auto first = items_.end();
  for (auto it = items_.begin(); it != items_.end();) {
    if (!iequals(it->first, name)) {
      ++it;
    } else if (first == items_.end()) {
      first = it;
      ++it;
    } else {
      const auto offset = first - items_.begin();
      it = items_.erase(it);
      first = items_.begin() + offset;
    }
  }
  if (first == items_.end()) {
    items_.emplace_back(std::move(name), std::move(value));
  } else {
    first->first = std::move(name);
    first->second = std::move(value);
  }
}

void Headers::add(std::string name, std::string value) {
  validate_name(name);
  normalize_value(name, value);
  add_unchecked(std::move(name), std::move(value));
}

void Headers::prepend(std::string name, std::string value) {
  validate_name(name);
  normalize_value(name, value);
  prepend_unchecked(std::move(name), std::move(value));
}

void Headers::prepend_unchecked(std::string name, std::string value) {
  items_.emplace(items_.begin(), std::move(name), std::move(value));
}

void Headers::add_unchecked(std::string name, std::string value) {
  items_.emplace_back(std::move(name), std::move(value));
}

void Headers::emplace_unchecked(std::string_view name, std::string_view value) {
  using detail::spare_storage::CopyOf;
  items_.emplace_back(std::piecewise_construct, std::forward_as_tuple(CopyOf{name}), std::forward_as_tuple(CopyOf{value}));
}

std::size_t Headers::remove(std::string_view name) {
  const auto before = items_.size();
  std::erase_if(items_, [name](const value_type& item) { return iequals(item.first, name); });
  return before - items_.size();
}

bool Headers::contains(std::string_view name) const { return find(name) != nullptr; }

const std::string* Headers::find(std::string_view name) const noexcept {
  for (const auto& [key, value] : items_) {
    if (iequals(key, name)) return &value;
  }
  return nullptr;
}

void Headers::update(const Headers& other) {
  // httpx's Headers.update: our fields of every name in other go, then other's are appended.
  // other's fields are already validated, so they are appended as they are.
  if (&other == this) return;
  if (!items_.empty()) {   // a client's headers are copied into an empty set for each request
    for (const auto& [name, value] : other.items_) remove(name);
  }
  reserve(items_.size() + other.items_.size());
  for (const auto& [name, value] : other.items_) emplace_unchecked(name, value);
}

bool operator==(const Headers& a, const Headers& b) {
  if (a.items_.size() != b.items_.size()) return false;
  for (std::size_t i = 0; i < a.items_.size(); ++i) {
    if (!iequals(a.items_[i].first, b.items_[i].first) ||
        a.items_[i].second != b.items_[i].second) {
      return false;
    }
  }
  return true;
}

}  // namespace httpxx
