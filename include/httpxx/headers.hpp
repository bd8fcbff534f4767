#pragma once

#include <cstddef>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace httpxx {

// An ordered, case-insensitive multi-map of header fields that keeps each name's original case
// and the wire order. set/add validate per RFC 9110 section 5: a name must be a token and a value
// must not contain CR, LF or NUL (LocalProtocolError otherwise), so no header injection can
// reach the wire.
class Headers {
 public:
  using value_type = std::pair<std::string, std::string>;
  using const_iterator = std::vector<value_type>::const_iterator;

  Headers() = default;
  // Destroyed fields leave their storage to the thread's next headers (lib/models/spare_storage).
  ~Headers();
  Headers(const Headers& other);
  Headers(Headers&& other) noexcept = default;
  Headers& operator=(const Headers& other);
  Headers& operator=(Headers&& other) noexcept;
  Headers(std::initializer_list<value_type> items);

  std::optional<std::string> get(std::string_view name) const;   // values joined with ", "
  std::vector<std::string> get_list(std::string_view name) const;
  void set(std::string name, std::string value);                 // replaces every value of name
  void add(std::string name, std::string value);                 // appends
  void prepend(std::string name, std::string value);             // before every other field
  std::size_t remove(std::string_view name);                     // how many were removed
  bool contains(std::string_view name) const;
  std::size_t size() const noexcept { return items_.size(); }
  bool empty() const noexcept { return items_.empty(); }
  void clear() noexcept { items_.clear(); }
  void reserve(std::size_t n);

  // The first value of name without copying (nullptr when absent); for hot paths.
  const std::string* find(std::string_view name) const noexcept;
  // Appends without validation, for fields a codec has already validated (received headers).
  void add_unchecked(std::string name, std::string value);
  // The same, the field built in place from the codec's bytes.
  void emplace_unchecked(std::string_view name, std::string_view value);
  // Inserts before every other field without validation, for fields built from validated parts.
  void prepend_unchecked(std::string name, std::string value);
  // Every field of other, replacing ours of the same names (httpx's Headers.update).
  void update(const Headers& other);

  const_iterator begin() const noexcept { return items_.begin(); }
  const_iterator end() const noexcept { return items_.end(); }

  // Same fields in the same order, names compared case-insensitively.
  friend bool operator==(const Headers& a, const Headers& b);

 private:
  std::vector<value_type> items_;
};

// ASCII case-insensitive equality, as header names and schemes compare. Inline: header lookups
// compare every field's name, and most differ in length.
inline bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto x = static_cast<unsigned char>(a[i]);
    const auto y = static_cast<unsigned char>(b[i]);
    // Equal bytes are the common case. Otherwise they match only as the two cases of a letter:
    // equal once bit 0x20 is set, and a letter then.
    if (x != y) {
      const auto lower = static_cast<unsigned char>(x | 0x20);
      if (lower != (y | 0x20) || lower < 'a' || lower > 'z') return false;
    }
  }
  return true;
}

}  // namespace httpxx
