#include "models/percent_encoding.hpp"

#include <array>

namespace httpxx::detail {
namespace {

constexpr std::uint16_t bit(EncodeSet set) { return static_cast<std::uint16_t>(1u << static_cast<unsigned>(set)); }

constexpr bool is_unreserved(unsigned c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

// One table lookup per byte: bit n of entry b says whether byte b is in set n.
constexpr std::array<std::uint16_t, 256> build_table() {
  std::array<std::uint16_t, 256> table{};
  constexpr std::string_view fragment_extra = " \"<>`";
  constexpr std::string_view query_extra = " \"#<>";
  constexpr std::string_view path_extra = "?^`{}";
  constexpr std::string_view userinfo_extra = "/:;=@[\\]|";
  constexpr std::string_view component_extra = "$%&+,";
  constexpr std::string_view form_extra = "!'()~";
  for (unsigned c = 0; c < 256; ++c) {
    const bool c0 = c < 0x20 || c > 0x7e;
    const auto has = [c](std::string_view s) { return s.find(static_cast<char>(c)) != std::string_view::npos; };
    const bool query = c0 || has(query_extra);
    const bool special_query = query || c == '\'';
    const bool path = query || has(path_extra);
    const bool userinfo = path || has(userinfo_extra);
    const bool component = userinfo || has(component_extra);
    const bool form = component || has(form_extra);
    std::uint16_t bits = 0;
    if (c0) bits |= bit(EncodeSet::c0_control);
    if (c0 || has(fragment_extra)) bits |= bit(EncodeSet::fragment);
    if (query) bits |= bit(EncodeSet::query);
    if (special_query) bits |= bit(EncodeSet::special_query);
    if (path) bits |= bit(EncodeSet::path);
    if (userinfo) bits |= bit(EncodeSet::userinfo);
    if (component) bits |= bit(EncodeSet::component);
    if (form) bits |= bit(EncodeSet::form_urlencoded);
    if (!is_unreserved(c)) bits |= bit(EncodeSet::unreserved);
    table[c] = bits;
  }
  return table;
}

constexpr std::array<std::uint16_t, 256> encode_table = build_table();
constexpr char hex_upper[] = "0123456789ABCDEF";

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return c - 'A' + 10;
}

}  // namespace

bool in_encode_set(unsigned char byte, EncodeSet set) noexcept {
  return (encode_table[byte] & bit(set)) != 0;
}

void percent_encode_append(std::string& out, std::string_view in, EncodeSet set) {
  const std::uint16_t mask = bit(set);
  std::size_t run = 0;  // copy unencoded runs whole rather than byte by byte
  for (std::size_t i = 0; i < in.size(); ++i) {
    const auto byte = static_cast<unsigned char>(in[i]);
    if ((encode_table[byte] & mask) == 0) continue;
    out.append(in.data() + run, i - run);
    const char escaped[3] = {'%', hex_upper[byte >> 4], hex_upper[byte & 0xf]};
    out.append(escaped, 3);
    run = i + 1;
  }
  out.append(in.data() + run, in.size() - run);
}

std::string percent_decode(std::string_view in, bool plus_as_space) {
  std::string out;
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    const char c = in[i];
    if (c == '%' && i + 2 < in.size() && is_ascii_hex_digit(in[i + 1]) && is_ascii_hex_digit(in[i + 2])) {
      out.push_back(static_cast<char>(hex_value(in[i + 1]) * 16 + hex_value(in[i + 2])));
      i += 2;
    } else if (c == '+' && plus_as_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

}  // namespace httpxx::detail
