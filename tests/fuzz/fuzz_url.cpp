// libFuzzer target: the WHATWG URL parser must reject or accept any input without crashing, and
// re-parsing its own serialization must give the same URL (the standard's idempotence). An input
// that the canonical-form shortcut takes must be one the full parser gives back unchanged.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "httpxx/errors.hpp"
#include "httpxx/url.hpp"
#include "models/url_canonical.hpp"
#include "models/url_parser.hpp"

namespace {

// The full parser's record of input is input itself, component by component.
void check_canonical(std::string_view input, const httpxx::detail::CanonicalLayout& layout) {
  using httpxx::detail::CanonicalLayout;
  httpxx::detail::UrlRecord record;
  if (httpxx::detail::parse_url(input, nullptr, record) != nullptr) __builtin_trap();
  const auto end = static_cast<std::uint32_t>(input.size());
  const auto fragment = layout.fragment_start != CanonicalLayout::npos ? layout.fragment_start : end;
  const auto query = layout.query_start != CanonicalLayout::npos ? layout.query_start : fragment;
  const bool same = record.scheme == input.substr(0, layout.scheme_end) && record.username.empty() &&
                    record.password.empty() && record.has_host &&
                    record.host == input.substr(layout.host_start, layout.host_end - layout.host_start) &&
                    record.port == layout.port &&
                    record.path == input.substr(layout.path_start, query - layout.path_start) &&
                    record.has_query == (layout.query_start != CanonicalLayout::npos) &&
                    (!record.has_query || record.query == input.substr(query + 1, fragment - query - 1)) &&
                    record.has_fragment == (layout.fragment_start != CanonicalLayout::npos) &&
                    (!record.has_fragment || record.fragment == input.substr(fragment + 1));
  if (!same) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  if (const auto layout = httpxx::detail::match_canonical_url(input)) check_canonical(input, *layout);
  try {
    const httpxx::URL url(input);
    const httpxx::URL again(url.href());
    if (!(again == url)) __builtin_trap();
    (void)url.join(input);
  } catch (const httpxx::InvalidURL&) {
  }
  return 0;
}
