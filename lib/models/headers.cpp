#include "httpxx/headers.hpp"

#include <algorithm>
#include <memory>
#include <utility>

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

// Writes bytes into s: in s's own storage when it has the room, as the field of the last message
// written there usually has; else in storage given back (spare_storage), s's own given back.
// Often that field was the same (a server sends the same names in the same order, and most
// values again), and nothing is written.
void write_in_place(std::string& s, std::string_view bytes) {
  if (std::string_view(s) == bytes) return;
  if (bytes.size() > s.capacity()) {
    detail::spare_storage::give_back(s);
    s = detail::spare_storage::copy_of(bytes);
    return;
  }
  s.assign(bytes);
}

// Moves value into s; a value short enough to be held in place is copied into s's storage
// instead, which then stays for the next field written there.
void move_in_place(std::string& s, std::string&& value) {
  if (value.capacity() > detail::spare_storage::in_place_capacity) {
    detail::spare_storage::give_back(s);
    s = std::move(value);
    return;
  }
  s.assign(value);
}

}  // namespace

Headers::~Headers() { release_storage(); }

void Headers::release_storage() noexcept {
  if (fields_ == nullptr) return;
  const detail::spare_storage::FieldBlock block{fields_, built_, capacity_};
  if (!detail::spare_storage::keep_fields(block)) detail::spare_storage::free_fields(block);
  fields_ = nullptr;
  size_ = built_ = capacity_ = 0;
}

void Headers::move_storage(std::size_t capacity) {
  value_type* const pairs = std::allocator<value_type>().allocate(capacity);
  std::uninitialized_move_n(fields_, built_, pairs);
  if (fields_ != nullptr) detail::spare_storage::free_fields({fields_, built_, capacity_});   // moved from
  fields_ = pairs;
  capacity_ = capacity;
}

void Headers::reserve(std::size_t n) {
  if (capacity_ >= n) return;
  if (size_ == 0) {
    // An empty set, as a codec or a client starts each message's: the storage of an earlier
    // set from the thread's spare, with its strings.
    release_storage();
    const auto block = detail::spare_storage::take_fields(n);
    fields_ = block.pairs;
    built_ = block.built;
    capacity_ = block.capacity;
    if (capacity_ >= n) return;
  }
  move_storage(n);
}

Headers::value_type& Headers::next_slot() {
  if (size_ == built_ && built_ == capacity_) {
    // An empty set takes an earlier one's storage, whose pairs may all be built already.
    reserve(std::max<std::size_t>(8, 2 * capacity_));
  }
  if (size_ == built_) {
    std::construct_at(fields_ + built_);
    ++built_;
  }
  return fields_[size_];
}

// Moving the pair at from to to, the pairs between one place towards from: no string is
// copied or freed, as each is moved into one already moved from.
void Headers::rotate(std::size_t from, std::size_t to) noexcept {
  value_type moving = std::move(fields_[from]);
  if (from < to) {
    for (std::size_t i = from; i < to; ++i) fields_[i] = std::move(fields_[i + 1]);
  } else {
    for (std::size_t i = from; i > to; --i) fields_[i] = std::move(fields_[i - 1]);
  }
  fields_[to] = std::move(moving);
}

void Headers::erase_at(std::size_t index) noexcept {
  // The erased pair moves past the fields, its storage kept for the next one written.
  rotate(index, size_ - 1);
  --size_;
}

// Delegating to the default constructor, so that the storage is released if a copy throws.
Headers::Headers(const Headers& other) : Headers() { *this = other; }

Headers::Headers(Headers&& other) noexcept
    : fields_(std::exchange(other.fields_, nullptr)),
      size_(std::exchange(other.size_, 0)),
      built_(std::exchange(other.built_, 0)),
      capacity_(std::exchange(other.capacity_, 0)) {}

Headers& Headers::operator=(const Headers& other) {
  if (&other != this) {
    clear();
    reserve(other.size_);
    for (const auto& [name, value] : other) emplace_unchecked(name, value);
  }
  return *this;
}

Headers& Headers::operator=(Headers&& other) noexcept {
  if (&other != this) {
    release_storage();
    fields_ = std::exchange(other.fields_, nullptr);
    size_ = std::exchange(other.size_, 0);
    built_ = std::exchange(other.built_, 0);
    capacity_ = std::exchange(other.capacity_, 0);
  }
  return *this;
}

Headers::Headers(std::initializer_list<value_type> items) : Headers() {
  reserve(items.size());
  for (const auto& [name, value] : items) add(name, value);
}

std::optional<std::string> Headers::get(std::string_view name) const {
  std::optional<std::string> joined;
  for (const auto& [key, value] : *this) {
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
  for (const auto& [key, value] : *this) {
    if (iequals(key, name)) values.push_back(value);
  }
  return values;
}

void Headers::set(std::string name, std::string value) {
  validate_name(name);
  normalize_value(name, value);
  // Like httpx: the first field of that name takes the new name and value in place, the others go.
  constexpr std::size_t none = static_cast<std::size_t>(-1);
  std::size_t first = none;
  for (std::size_t i = 0; i < size_;) {
    if (!iequals(fields_[i].first, name)) {
      ++i;
    } else if (first == none) {
      first = i++;
    } else {
      erase_at(i);
    }
  }
  if (first == none) {
    add_unchecked(std::move(name), std::move(value));
  } else {
    move_in_place(fields_[first].first, std::move(name));
    move_in_place(fields_[first].second, std::move(value));
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
  add_unchecked(std::move(name), std::move(value));
  rotate(size_ - 1, 0);
}

void Headers::add_unchecked(std::string name, std::string value) {
  value_type& field = next_slot();
  move_in_place(field.first, std::move(name));
  move_in_place(field.second, std::move(value));
  ++size_;
}

void Headers::emplace_unchecked(std::string_view name, std::string_view value) {
  value_type& field = next_slot();
  write_in_place(field.first, name);
  write_in_place(field.second, value);
  ++size_;
}

std::size_t Headers::remove(std::string_view name) {
  // In order, the fields that stay move forward over those removed, which go after them.
  std::size_t kept = 0;
  for (std::size_t i = 0; i < size_; ++i) {
    if (iequals(fields_[i].first, name)) continue;
    if (i != kept) std::swap(fields_[kept], fields_[i]);
    ++kept;
  }
  const std::size_t removed = size_ - kept;
  size_ = kept;
  return removed;
}

bool Headers::contains(std::string_view name) const { return find(name) != nullptr; }

const std::string* Headers::find(std::string_view name) const noexcept {
  for (const auto& [key, value] : *this) {
    if (iequals(key, name)) return &value;
  }
  return nullptr;
}

void Headers::update(const Headers& other) {
  // httpx's Headers.update: our fields of every name in other go, then other's are appended.
  // other's fields are already validated, so they are appended as they are.
  if (&other == this) return;
  if (size_ != 0) {   // an empty set has nothing to remove
    for (const auto& [name, value] : other) remove(name);
  }
  reserve(size_ + other.size_);
  for (const auto& [name, value] : other) emplace_unchecked(name, value);
}

bool operator==(const Headers& a, const Headers& b) {
  if (a.size_ != b.size_) return false;
  for (std::size_t i = 0; i < a.size_; ++i) {
    if (!iequals(a.fields_[i].first, b.fields_[i].first) ||
        a.fields_[i].second != b.fields_[i].second) {
      return false;
    }
  }
  return true;
}

}  // namespace httpxx
