#pragma once
// Compressors for the decoder tests: the test data is made here, by the reference libraries.

#include <string>
#include <string_view>

namespace httpxx::test {

// zlib's deflate with the given window bits: 15 + 16 = gzip, 15 = zlib wrapper, -15 = raw.
std::string deflate_with(std::string_view data, int window_bits);
inline std::string gzip(std::string_view data) { return deflate_with(data, 15 + 16); }
std::string brotli(std::string_view data);
std::string zstd(std::string_view data);

}  // namespace httpxx::test
