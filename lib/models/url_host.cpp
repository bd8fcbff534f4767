#include "models/url_host.hpp"

#include <array>

#include "models/percent_encoding.hpp"
#include "models/url_idna.hpp"

namespace httpxx::detail {
namespace {

// §3.5 "forbidden host code point".
bool is_forbidden_host_byte(unsigned char c) noexcept {
  switch (c) {
    case 0x00: case '\t': case '\n': case '\r': case ' ': case '#': case '/': case ':': case '<':
    case '>': case '?': case '@': case '[': case '\\': case ']': case '^': case '|':
      return true;
    default:
      return false;
  }
}

// §3.5 "forbidden domain code point": the above, C0 controls, '%' and U+007F.
bool is_forbidden_domain_byte(unsigned char c) noexcept {
  return is_forbidden_host_byte(c) || c <= 0x1f || c == '%' || c == 0x7f;
}

// §3.5 "IPv4 number parser". Values beyond 2^32 saturate: they are errors either way.
std::optional<std::uint64_t> parse_ipv4_number(std::string_view input) {
  if (input.empty()) return std::nullopt;
  unsigned radix = 10;
  if (input.size() >= 2 && input[0] == '0' && (input[1] == 'x' || input[1] == 'X')) {
    input.remove_prefix(2);
    radix = 16;
  } else if (input.size() >= 2 && input[0] == '0') {
    input.remove_prefix(1);
    radix = 8;
  }
  std::uint64_t value = 0;
  for (const char c : input) {
    unsigned digit;
    if (c >= '0' && c <= '9') digit = static_cast<unsigned>(c - '0');
    else if (radix == 16 && c >= 'a' && c <= 'f') digit = static_cast<unsigned>(c - 'a' + 10);
    else if (radix == 16 && c >= 'A' && c <= 'F') digit = static_cast<unsigned>(c - 'A' + 10);
    else return std::nullopt;
    if (digit >= radix) return std::nullopt;
    value = value * radix + digit;
    if (value > 0xffffffffffull) value = 0xffffffffffull;
  }
  return value;
}

void serialize_ipv4(std::uint32_t address, std::string& out) {
  for (int shift = 24; shift >= 0; shift -= 8) {
    out.append(std::to_string((address >> shift) & 0xff));
    if (shift != 0) out.push_back('.');
  }
}

using Ipv6 = std::array<std::uint16_t, 8>;

int hex_digit_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return c - 'A' + 10;
}

// §3.5 "IPv6 parser", step by step.
std::optional<Ipv6> parse_ipv6(std::string_view input) {
  Ipv6 address{};
  std::size_t piece = 0, pointer = 0;
  std::optional<std::size_t> compress;
  const auto at = [&](std::size_t i) -> char { return i < input.size() ? input[i] : '\0'; };
  const auto at_end = [&] { return pointer >= input.size(); };
  if (at(pointer) == ':') {
    if (at(pointer + 1) != ':') return std::nullopt;
    pointer += 2;
    compress = ++piece;
  }
  while (!at_end()) {
    if (piece == 8) return std::nullopt;
    if (at(pointer) == ':') {
      if (compress) return std::nullopt;
      ++pointer;
      compress = ++piece;
      continue;
    }
    unsigned value = 0, length = 0;
    while (length < 4 && !at_end() && is_ascii_hex_digit(at(pointer))) {
      value = value * 0x10 + static_cast<unsigned>(hex_digit_value(at(pointer)));
      ++pointer;
      ++length;
    }
    if (!at_end() && at(pointer) == '.') {
      // An IPv4 address in the last two pieces (RFC 4291 §2.2 form 3).
      if (length == 0) return std::nullopt;
      pointer -= length;
      if (piece > 6) return std::nullopt;
      int numbers_seen = 0;
      while (!at_end()) {
        int ipv4_piece = -1;
        if (numbers_seen > 0) {
          if (at(pointer) == '.' && numbers_seen < 4) ++pointer;
          else return std::nullopt;
        }
        if (!is_ascii_digit(at(pointer))) return std::nullopt;
        while (is_ascii_digit(at(pointer))) {
          const int number = at(pointer) - '0';
          if (ipv4_piece == -1) ipv4_piece = number;
          else if (ipv4_piece == 0) return std::nullopt;
          else ipv4_piece = ipv4_piece * 10 + number;
          if (ipv4_piece > 255) return std::nullopt;
          ++pointer;
        }
        address[piece] = static_cast<std::uint16_t>(address[piece] * 0x100 + ipv4_piece);
        ++numbers_seen;
        if (numbers_seen == 2 || numbers_seen == 4) ++piece;
      }
      if (numbers_seen != 4) return std::nullopt;
      break;
    }
    if (!at_end() && at(pointer) == ':') {
      ++pointer;
      if (at_end()) return std::nullopt;
    } else if (!at_end()) {
      return std::nullopt;
    }
    address[piece] = static_cast<std::uint16_t>(value);
    ++piece;
  }
  if (compress) {
    std::size_t swaps = piece - *compress;
    piece = 7;
    while (piece != 0 && swaps > 0) {
      std::swap(address[piece], address[*compress + swaps - 1]);
      --piece;
      --swaps;
    }
  } else if (piece != 8) {
    return std::nullopt;
  }
  return address;
}

// §3.6 "IPv6 serializer": the first longest run of two or more zero pieces becomes "::"
// (RFC 5952 §4.2).
void serialize_ipv6(const Ipv6& address, std::string& out) {
  std::size_t best_start = 8, best_length = 1;
  for (std::size_t i = 0; i < 8;) {
    if (address[i] != 0) {
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j < 8 && address[j] == 0) ++j;
    if (j - i > best_length) {
      best_start = i;
      best_length = j - i;
    }
    i = j;
  }
  static constexpr char hex[] = "0123456789abcdef";
  out.push_back('[');
  for (std::size_t i = 0; i < 8; ++i) {
    if (i == best_start) {
      out.append(i == 0 ? "::" : ":");
      i += best_length - 1;
      continue;
    }
    const unsigned piece = address[i];
    bool started = false;
    for (int shift = 12; shift >= 0; shift -= 4) {
      const unsigned nibble = (piece >> shift) & 0xf;
      if (nibble == 0 && !started && shift != 0) continue;
      started = true;
      out.push_back(hex[nibble]);
    }
    if (i != 7) out.push_back(':');
  }
  out.push_back(']');
}

}  // namespace

bool ends_in_a_number(std::string_view input) {
  // A single trailing '.' is ignored: "127.0.0.1." ends in a number.
  if (!input.empty() && input.back() == '.') input.remove_suffix(1);
  if (input.empty()) return false;
  const auto dot = input.rfind('.');
  const std::string_view last = dot == std::string_view::npos ? input : input.substr(dot + 1);
  if (last.empty()) return false;
  bool digits = true;
  for (const char c : last) digits = digits && is_ascii_digit(c);
  return digits || parse_ipv4_number(last).has_value();
}

std::optional<std::uint32_t> parse_ipv4(std::string_view input) {
  // A trailing '.' is allowed (a validation error only): "1.2.3.4." is 1.2.3.4.
  if (!input.empty() && input.back() == '.' && input.size() > 1) input.remove_suffix(1);
  std::array<std::uint64_t, 4> numbers{};
  std::size_t count = 0;
  while (true) {
    const auto dot = input.find('.');
    if (count == 4) return std::nullopt;
    const auto number = parse_ipv4_number(input.substr(0, dot));
    if (!number) return std::nullopt;
    numbers[count++] = *number;
    if (dot == std::string_view::npos) break;
    input.remove_prefix(dot + 1);
  }
  for (std::size_t i = 0; i + 1 < count; ++i)
    if (numbers[i] > 255) return std::nullopt;
  const std::uint64_t last = numbers[count - 1];
  if (last >= (std::uint64_t{1} << (8 * (5 - count)))) return std::nullopt;
  std::uint64_t address = last;
  for (std::size_t i = 0; i + 1 < count; ++i) address += numbers[i] << (8 * (3 - i));
  return static_cast<std::uint32_t>(address);
}

const char* parse_host(std::string_view input, bool is_opaque, std::string& out) {
  if (!input.empty() && input.front() == '[') {
    if (input.back() != ']' || input.size() < 2) return "unclosed IPv6 address";
    const auto address = parse_ipv6(input.substr(1, input.size() - 2));
    if (!address) return "invalid IPv6 address";
    serialize_ipv6(*address, out);
    return nullptr;
  }
  if (is_opaque) {
    // §3.5 "opaque-host parser".
    for (const char c : input)
      if (is_forbidden_host_byte(static_cast<unsigned char>(c))) return "forbidden host code point";
    percent_encode_append(out, input, EncodeSet::c0_control);
    return nullptr;
  }
  if (input.empty()) return "empty host";
  std::string ascii;
  const bool ok = input.find('%') == std::string_view::npos
                      ? domain_to_ascii(input, ascii)
                      : domain_to_ascii(percent_decode(input), ascii);
  if (!ok) return "invalid international domain name";
  for (const char c : ascii)
    if (is_forbidden_domain_byte(static_cast<unsigned char>(c))) return "forbidden host code point";
  if (ends_in_a_number(ascii)) {
    const auto address = parse_ipv4(ascii);
    if (!address) return "invalid IPv4 address";
    serialize_ipv4(*address, out);
    return nullptr;
  }
  out.append(ascii);
  return nullptr;
}

}  // namespace httpxx::detail
