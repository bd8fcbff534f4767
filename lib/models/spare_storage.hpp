// The storage of the values the API hands over, kept per thread when they are destroyed and
// reused for the next ones: a response's body and header fields, a request's URL and fields.
// A caller that drops each response before sending the next, as the usual loop does, gives the
// next response its storage back: a pooled request then takes nothing from the heap, the
// reuse fasthttp's AcquireResponse/ReleaseResponse get by hand, here through the destructors.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>

namespace httpxx::detail::spare_storage {

using Field = std::pair<std::string, std::string>;

// Strings this short hold their bytes in place, without storage to reuse.
inline constexpr std::size_t in_place_capacity = 15;
// The room of the largest strings made from the spare, for a body of up to 16 KiB. Storage of
// up to twice as much is kept, as it has that room; larger storage is freed.
inline constexpr std::size_t max_kept_room = 16383;

// An empty string with room for at least n bytes, taken from storage given back on this thread
// when some fits.
std::string string_with_room(std::size_t n);

// True while s is empty with no storage of its own: a body's first bytes give it room from the
// spare then, which the response takes over and gives back when destroyed.
inline bool lacks_storage(const std::string& s) noexcept {
  return s.empty() && s.capacity() <= in_place_capacity;
}

// A copy of s made in storage given back (s does not fit in place).
std::string spare_copy(std::string_view s);

// A copy of s; in storage given back when s does not fit in place.
inline std::string copy_of(std::string_view s) {
  if (s.size() <= in_place_capacity) return std::string(s);
  return spare_copy(s);
}

// Keeps s's storage for the thread's next strings, leaving s empty; or, when there is no room
// or the thread takes none, leaves s as it is for its destructor to free.
void give_back_storage(std::string& s) noexcept;

inline void give_back(std::string& s) noexcept {
  if (s.capacity() > in_place_capacity) give_back_storage(s);
}

// The storage of a set of header fields (Headers): capacity pairs allocated, the first built
// of them constructed, their strings holding the bytes of the fields last written there.
struct FieldBlock {
  Field* pairs = nullptr;
  std::size_t built = 0;
  std::size_t capacity = 0;
};

// The smallest block kept on this thread with room for n fields, so that a request's few fields
// do not take a response's block; an empty one when none fits.
FieldBlock take_fields(std::size_t n) noexcept;

// Keeps the block, its pairs built and their strings' storage in place (but for strings of more
// than max_kept_room, freed), for the thread's next fields. False when the thread keeps no more
// blocks (or none, or not one this large): the caller frees it.
bool keep_fields(const FieldBlock& block) noexcept;

// Destroys the block's pairs and frees it; their strings' storage is given back first.
void free_fields(const FieldBlock& block) noexcept;

// The bytes of storage this thread keeps, for memory reports: at most some hundreds of KiB
// however many responses it made.
std::size_t held_bytes() noexcept;

}  // namespace httpxx::detail::spare_storage
