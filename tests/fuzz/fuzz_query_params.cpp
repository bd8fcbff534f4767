// libFuzzer target: query strings, as a server's Location or a user's URL carries them. Parsing
// any input and encoding the result must give a string that parses back to the same pairs, and
// the pairs set on a URL must come back out of its query unchanged (the URL parser's percent-
// encoding must not change what the form encoding meant).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "httpxx/query_params.hpp"
#include "httpxx/url.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const httpxx::URL base("https://example.org/search");
  const httpxx::QueryParams params(std::string_view(reinterpret_cast<const char*>(data), size));
  const std::string encoded = params.to_string();
  if (!(httpxx::QueryParams(encoded) == params)) __builtin_trap();
  if (!(base.copy_with_params(params).params() == params)) __builtin_trap();
  return 0;
}
