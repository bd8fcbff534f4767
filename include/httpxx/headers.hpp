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
  using const_iterator = const value_type*;

  Headers() noexcept = default;
  // Destroyed fields leave their storage to the thread's next headers (lib/models/spare_storage).
  ~Headers();
  Headers(const Headers& other);
  Headers(Headers&& other) noexcept;
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
  std::size_t size() const noexcept { return size_; }
  bool empty() const noexcept { return size_ == 0; }
  void clear() noexcept { size_ = 0; }   // the fields' storage stays for the next ones
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

  const_iterator begin() const noexcept { return fields_; }
  const_iterator end() const noexcept { return fields_ + size_; }

  // Same fields in the same order, names compared case-insensitively.
  friend bool operator==(const Headers& a, const Headers& b);

 private:
  // The fields, in wire order, are the first size_ pairs of fields_. The pairs after them, up
  // to built_, are constructed but are no fields of this set: erased ones, or those of the
  // message whose storage the set took over. A field written there reuses their strings'
  // storage, so that a response's fields are copied into the storage of the last response's
  // (the same names, values of about the same lengths) rather than taken from the heap.
  // capacity_ pairs are allocated.
  value_type* fields_ = nullptr;
  std::size_t size_ = 0;
  std::size_t built_ = 0;
  std::size_t capacity_ = 0;

  // The pair after the fields, to be written and then counted in size_: a built one if any.
  value_type& next_slot();
  void rotate(std::size_t from, std::size_t to) noexcept;
  void erase_at(std::size_t index) noexcept;
  void move_storage(std::size_t capacity);
  void release_storage() noexcept;
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
