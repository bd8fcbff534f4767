#include "models/spare_storage.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <memory>

#include "net/per_thread.hpp"

namespace httpxx::detail::spare_storage {

namespace {

// Strings are kept by the room they certainly have: class c holds those of capacity 2^c - 1 up
// to 2^(c+1) - 2, each with room for any n of bit_width(n) <= c. A string made here for n gets
// 2^c - 1 exactly, so that it serves every later n of its class: the Date values of two
// responses differ by a byte or two, and a body of 1,024 bytes fits the storage of one of 1,030.
constexpr unsigned min_class = 5;    // 31 bytes: the least a string that allocates is given here
constexpr unsigned max_class = 14;   // max_kept_room: larger bodies are not kept
static_assert((std::size_t{1} << max_class) - 1 == max_kept_room);
constexpr std::size_t max_slots = 16;

// What one thread keeps: 16 strings of each class up to 2 KiB, fewer above, so that it keeps
// under 192 KiB of strings however its responses are sized (and 8 blocks of fields, below).
constexpr std::size_t slots_of(unsigned size_class) noexcept {
  return size_class <= 10 ? max_slots : max_slots >> (size_class - 10);
}

unsigned class_of_capacity(std::size_t capacity) noexcept {
  return static_cast<unsigned>(std::bit_width(capacity + 1)) - 1;
}

unsigned class_for_room(std::size_t n) noexcept { return static_cast<unsigned>(std::bit_width(n)); }

// Field blocks are few (a request's and a response's each) and kept whole, their strings in
// place, up to this many fields of room: at most 8 x 64 x 2 strings of up to 16 KiB.
constexpr std::size_t field_block_slots = 8;
constexpr std::size_t max_kept_fields = 64;

void destroy_fields(const FieldBlock& block) noexcept {
  std::destroy_n(block.pairs, block.built);
  std::allocator<Field>().deallocate(block.pairs, block.capacity);
}

struct Spare {
  struct StringClass {
    std::array<std::string, max_slots> slots;
    std::size_t count = 0;
  };
  std::array<StringClass, max_class - min_class + 1> strings;
  std::array<FieldBlock, field_block_slots> fields;
  std::size_t field_count = 0;

  Spare() = default;
  Spare(const Spare&) = delete;
  Spare& operator=(const Spare&) = delete;
  ~Spare() {
    for (std::size_t i = 0; i < field_count; ++i) destroy_fields(fields[i]);
  }
};

// Per thread (PerThread), so that no lock is taken. A thread keeps storage only once it takes
// some: one that only destroys responses (made on another) frees their storage as before, as does
// a thread whose exit has destroyed its spare.
using ThreadSpare = PerThread<Spare>;

}  // namespace

std::string string_with_room(std::size_t n) {
  if (n <= in_place_capacity) return {};
  const unsigned size_class = class_for_room(n);
  if (size_class <= max_class) {
    if (Spare* const kept = ThreadSpare::get_or_make()) {
      // The class asked for, else the next: storage at most four times the room needed.
      for (unsigned c = size_class; c <= std::min(size_class + 1, max_class); ++c) {
        auto& strings = kept->strings[c - min_class];
        if (strings.count == 0) continue;
        std::string& kept_string = strings.slots[--strings.count];
        kept_string.clear();
        return std::move(kept_string);
      }
    }
    n = (std::size_t{1} << size_class) - 1;
  }
  std::string s;
  s.reserve(n);
  return s;
}

std::string spare_copy(std::string_view s) {
  std::string copy = string_with_room(s.size());
  copy.append(s);
  return copy;
}

namespace {

void keep(Spare& kept, std::string& s) noexcept {
  if (s.capacity() <= in_place_capacity) return;
  const unsigned size_class = class_of_capacity(s.capacity());
  if (size_class < min_class || size_class > max_class) return;
  auto& strings = kept.strings[size_class - min_class];
  if (strings.count == slots_of(size_class)) return;
  strings.slots[strings.count++] = std::move(s);
}

}  // namespace

void give_back_storage(std::string& s) noexcept {
  if (Spare* const kept = ThreadSpare::get()) keep(*kept, s);
}

FieldBlock take_fields(std::size_t n) noexcept {
  Spare* const kept = ThreadSpare::get_or_make();
  if (kept == nullptr) return {};
  std::size_t best = kept->field_count;
  for (std::size_t i = 0; i < kept->field_count; ++i) {
    const auto room = kept->fields[i].capacity;
    if (room >= n && (best == kept->field_count || room < kept->fields[best].capacity)) best = i;
  }
  if (best == kept->field_count) return {};
  const FieldBlock block = kept->fields[best];
  kept->fields[best] = kept->fields[--kept->field_count];
  return block;
}

bool keep_fields(const FieldBlock& block) noexcept {
  Spare* const kept = ThreadSpare::get();
  if (kept == nullptr || block.capacity > max_kept_fields || kept->field_count == field_block_slots) {
    return false;
  }
  // Its strings are kept in place, up to the room of the largest kept apart: so that what a
  // thread keeps stays bounded whatever fields its messages carried.
  for (std::size_t i = 0; i < block.built; ++i) {
    auto& [name, value] = block.pairs[i];
    if (name.capacity() > max_kept_room) [[unlikely]] std::string().swap(name);
    if (value.capacity() > max_kept_room) [[unlikely]] std::string().swap(value);
  }
  kept->fields[kept->field_count++] = block;
  return true;
}

void free_fields(const FieldBlock& block) noexcept {
  if (Spare* const kept = ThreadSpare::get()) {
    for (std::size_t i = 0; i < block.built; ++i) {
      keep(*kept, block.pairs[i].first);
      keep(*kept, block.pairs[i].second);
    }
  }
  destroy_fields(block);
}

std::size_t held_bytes() noexcept {
  const Spare* const kept = ThreadSpare::get();
  if (kept == nullptr) return 0;
  std::size_t bytes = 0;
  for (const auto& strings : kept->strings) {
    for (std::size_t i = 0; i < strings.count; ++i) bytes += strings.slots[i].capacity() + 1;
  }
  for (std::size_t i = 0; i < kept->field_count; ++i) {
    const FieldBlock& block = kept->fields[i];
    bytes += block.capacity * sizeof(Field);
    for (std::size_t j = 0; j < block.built; ++j) {
      for (const std::string* s : {&block.pairs[j].first, &block.pairs[j].second}) {
        if (s->capacity() > in_place_capacity) bytes += s->capacity() + 1;
      }
    }
  }
  return bytes;
}

}  // namespace httpxx::detail::spare_storage
