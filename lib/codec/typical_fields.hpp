#pragma once
// How many fields a response head is given room for before the first arrives, by both codecs:
// one allocation for a typical head instead of one per doubling of the vector.

#include <cstddef>

namespace httpxx::detail {

// Fields in a typical response head (nginx sends 7 for a static file, httpbin 6).
inline constexpr std::size_t typical_header_count = 16;

}  // namespace httpxx::detail
