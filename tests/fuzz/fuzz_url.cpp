// libFuzzer target: the WHATWG URL parser must reject or accept any input without crashing, and
// re-parsing its own serialization must give the same URL (the standard's idempotence).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "httpxx/errors.hpp"
#include "httpxx/url.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  try {
    const httpxx::URL url(input);
    const httpxx::URL again(url.href());
    if (!(again == url)) __builtin_trap();
    (void)url.join(input);
  } catch (const httpxx::InvalidURL&) {
  }
  return 0;
}
