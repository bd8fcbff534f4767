#include "models/url_idna.hpp"

#include <idn2.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "models/percent_encoding.hpp"

// libidn2 implements IDNA2008 (RFC 5891) with the UTS #46 mapping in front of it; the URL Standard
// wants UTS #46 processing alone. Where the two disagree this file works around libidn2:
// - all-ASCII domains never reach libidn2 (URL Standard "domain to ASCII" step 1: they are only
//   lower-cased, whatever their labels look like, so "xn--a", "-x" and 64-byte labels pass);
// - ASCII labels are lower-cased by hand, and only "xn--" labels are given to libidn2 to check
//   that their Punycode decodes to a valid label (UTS #46 §4.1 step 4);
// - CheckHyphens=false: libidn2 always rejects a leading or trailing '-' and "--" in the third
//   and fourth positions, so such a label is converted with each '-' replaced by U+4E00 (a letter
//   that NFC never composes and UTS #46 maps to itself) and the '-' put back after Punycode
//   decoding;
// - IDNA2008 disallows symbols that UTS #46 keeps valid (U+2665 "♥" and others): a label
//   libidn2 rejects as DISALLOWED is retried with transitional processing, which skips the
//   IDNA2008 table, unless it holds a deviation character (ß, ς, ZWJ, ZWNJ) that transitional
//   processing would map differently, or a right-to-left character, because transitional
//   processing in libidn2 also skips the Bidi rule (RFC 5893) that CheckBidi=true asks for;
// - libidn2 2.3.3's tables predate UTS #46 15.1, which maps U+1E9E to ß (not "ss"), U+04C0 to
//   U+04CF, U+2183 to U+2184 and U+2F868 to U+36FC, and ignores U+180E and U+206A..U+206F; those
//   are applied here before libidn2 sees the domain (the toascii.json vectors "ẞ.com", "Ӏ.com",
//   "Ↄ.com", "㛼.com", "look\u180eout.net" and "look\u206bout.net").
// - VerifyDnsLength=false: libidn2 always refuses labels over 63 bytes, so a long label is mapped
//   in pieces and encoded here (the toascii.json vector "x0123…901†").
// Every toascii.json vector passes with these; a difference that remains possible is the
// Unicode version of the tables for characters the vectors do not cover.

namespace httpxx::detail {
namespace {

bool is_ascii(std::string_view s) noexcept {
  for (const char c : s)
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  return true;
}

void append_lower(std::string& out, std::string_view s) {
  for (const char c : s) out.push_back(ascii_lower(c));
}

struct IdnFree {
  void operator()(char* p) const noexcept { idn2_free(p); }
};

// One libidn2 call on a NUL-terminated UTF-8 string.
int idn2_ascii(const std::string& input, int flags, std::string& out) {
  char* raw = nullptr;
  const int rc = idn2_lookup_u8(reinterpret_cast<const std::uint8_t*>(input.c_str()),
                                reinterpret_cast<std::uint8_t**>(&raw), flags);
  const std::unique_ptr<char, IdnFree> result(raw);
  if (rc == IDN2_OK) out.assign(raw);
  return rc;
}

// RFC 3492 Punycode, the parameters of §5.
constexpr std::uint32_t base = 36, tmin = 1, tmax = 26, skew = 38, damp = 700;
constexpr std::uint32_t initial_bias = 72, initial_n = 0x80;

std::uint32_t adapt(std::uint32_t delta, std::uint32_t numpoints, bool first) {
  delta = first ? delta / damp : delta / 2;
  delta += delta / numpoints;
  std::uint32_t k = 0;
  while (delta > ((base - tmin) * tmax) / 2) {
    delta /= base - tmin;
    k += base;
  }
  return k + (base - tmin + 1) * delta / (delta + skew);
}

char encode_digit(std::uint32_t d) { return static_cast<char>(d < 26 ? 'a' + d : '0' + (d - 26)); }

std::uint32_t threshold(std::uint32_t k, std::uint32_t bias) {
  return k <= bias ? tmin : (k >= bias + tmax ? tmax : k - bias);
}

// §6.3 encoding; labels are short, so overflow cannot happen below 2^32.
void punycode_encode(const std::vector<std::uint32_t>& input, std::string& out) {
  std::uint32_t basic = 0;
  for (const auto cp : input)
    if (cp < 0x80) {
      out.push_back(static_cast<char>(cp));
      ++basic;
    }
  if (basic > 0) out.push_back('-');
  std::uint32_t n = initial_n, delta = 0, bias = initial_bias, handled = basic;
  const auto total = static_cast<std::uint32_t>(input.size());
  while (handled < total) {
    std::uint32_t m = 0xffffffffu;
    for (const auto cp : input)
      if (cp >= n && cp < m) m = cp;
    delta += (m - n) * (handled + 1);
    n = m;
    for (const auto cp : input) {
      if (cp < n) ++delta;
      if (cp != n) continue;
      std::uint32_t q = delta;
      for (std::uint32_t k = base;; k += base) {
        const std::uint32_t t = threshold(k, bias);
        if (q < t) break;
        out.push_back(encode_digit(t + (q - t) % (base - t)));
        q = (q - t) / (base - t);
      }
      out.push_back(encode_digit(q));
      bias = adapt(delta, handled + 1, handled == basic);
      delta = 0;
      ++handled;
    }
    ++delta;
    ++n;
  }
}

// §6.2 decoding of the part after "xn--", as libidn2 produced it (lower-case, valid).
bool punycode_decode(std::string_view input, std::vector<std::uint32_t>& out) {
  const auto delimiter = input.rfind('-');
  std::size_t pos = 0;
  if (delimiter != std::string_view::npos) {
    for (; pos < delimiter; ++pos) out.push_back(static_cast<unsigned char>(input[pos]));
    ++pos;
  }
  std::uint32_t n = initial_n, i = 0, bias = initial_bias;
  while (pos < input.size()) {
    const std::uint32_t old_i = i;
    std::uint32_t w = 1;
    for (std::uint32_t k = base;; k += base) {
      if (pos >= input.size()) return false;
      const char c = input[pos++];
      std::uint32_t digit;
      if (c >= 'a' && c <= 'z') digit = static_cast<std::uint32_t>(c - 'a');
      else if (c >= '0' && c <= '9') digit = static_cast<std::uint32_t>(c - '0') + 26;
      else return false;
      i += digit * w;
      const std::uint32_t t = threshold(k, bias);
      if (digit < t) break;
      w *= base - t;
    }
    const auto count = static_cast<std::uint32_t>(out.size()) + 1;
    bias = adapt(i - old_i, count, old_i == 0);
    n += i / count;
    i %= count;
    out.insert(out.begin() + i, n);
    ++i;
  }
  return true;
}

constexpr std::string_view hyphen_stand_in = "\xe4\xb8\x80";  // U+4E00
constexpr std::uint32_t hyphen_stand_in_cp = 0x4e00;

bool has_deviation_character(std::string_view label) {
  // UTS #46 §4 deviation characters: U+00DF, U+03C2, U+200C, U+200D (and U+1E9E, mapped to ß).
  for (const std::string_view d : {"\xc3\x9f", "\xcf\x82", "\xe2\x80\x8c", "\xe2\x80\x8d"})
    if (label.find(d) != std::string_view::npos) return true;
  return false;
}

// Whether the label holds a code point of a right-to-left block (Hebrew, Arabic, Syriac, Thaana,
// NKo, ..., their presentation forms, and the supplementary RTL planes' blocks): bidi classes R
// and AL all live there (RFC 5893 §1.4).
bool has_right_to_left_character(std::string_view label) {
  for (std::size_t i = 0; i < label.size();) {
    const auto lead = static_cast<unsigned char>(label[i]);
    const std::size_t length = lead < 0x80 ? 1 : lead < 0xe0 ? 2 : lead < 0xf0 ? 3 : 4;
    if (i + length > label.size()) return true;  // invalid UTF-8 is refused elsewhere anyway
    std::uint32_t cp = length == 1 ? lead : lead & (0xff >> (length + 1));
    for (std::size_t k = 1; k < length; ++k) cp = (cp << 6) | (static_cast<unsigned char>(label[i + k]) & 0x3f);
    if ((cp >= 0x0590 && cp <= 0x08ff) || (cp >= 0xfb1d && cp <= 0xfdff) || (cp >= 0xfe70 && cp <= 0xfeff) ||
        (cp >= 0x10800 && cp <= 0x10fff) || (cp >= 0x1e800 && cp <= 0x1efff))
      return true;
    i += length;
  }
  return false;
}

// libidn2 on one non-ASCII label, retried transitionally for IDNA2008-only disallowed symbols.
int convert_with_idn2(const std::string& label, std::string& out) {
  int rc = idn2_ascii(label, IDN2_NONTRANSITIONAL, out);
  if (rc == IDN2_DISALLOWED && !has_deviation_character(label) && !has_right_to_left_character(label))
    rc = idn2_ascii(label, IDN2_TRANSITIONAL, out);
  return rc;
}

bool map_to_code_points(std::string_view label, std::vector<std::uint32_t>& code_points);

// libidn2's answer for one label, as code points: Punycode decoded, or the ASCII label as it is.
bool decode_label(std::string_view converted, std::vector<std::uint32_t>& code_points) {
  if (converted.starts_with("xn--")) {
    std::vector<std::uint32_t> decoded;  // Punycode positions count from the label's start
    if (!punycode_decode(converted.substr(4), decoded)) return false;
    code_points.insert(code_points.end(), decoded.begin(), decoded.end());
    return true;
  }
  for (const char c : converted) code_points.push_back(static_cast<unsigned char>(c));
  return true;
}

// A label whose hyphens libidn2 refuses: mapped with stand-ins for the hyphens, which are put
// back afterwards.
bool map_hyphenated(std::string_view label, std::vector<std::uint32_t>& code_points) {
  if (label.find(hyphen_stand_in) != std::string_view::npos) return false;
  std::string substituted;
  for (const char c : label) {
    if (c == '-') substituted.append(hyphen_stand_in);
    else substituted.push_back(c);
  }
  std::string converted;
  const std::size_t start = code_points.size();
  if (convert_with_idn2(substituted, converted) != IDN2_OK || !decode_label(converted, code_points)) return false;
  for (std::size_t i = start; i < code_points.size(); ++i)
    if (code_points[i] == hyphen_stand_in_cp) code_points[i] = '-';
  return true;
}

bool is_ascii_alnum(char c) noexcept { return is_ascii_alpha(c) || is_ascii_digit(c); }

// A label too long for libidn2's DNS length checks: mapped in pieces cut between two ASCII
// letters or digits. Neither NFC nor the CONTEXTJ/CONTEXTO rules (RFC 5892 Appendix A) join
// code points across such a pair, so each piece maps as it would inside the label; the Bidi rule
// looks at the whole label, so right-to-left labels are not cut.
bool map_in_pieces(std::string_view label, std::vector<std::uint32_t>& code_points) {
  constexpr std::size_t piece_size = 32;
  if (has_right_to_left_character(label)) return false;
  std::size_t start = 0;
  bool cut = false;
  for (std::size_t i = 1; i <= label.size(); ++i) {
    const bool at_end = i == label.size();
    if (!at_end && !(i - start >= piece_size && is_ascii_alnum(label[i - 1]) && is_ascii_alnum(label[i]))) continue;
    if (!at_end) cut = true;
    if (at_end && !cut) return false;  // no place to cut: libidn2's refusal stands
    const std::string_view piece = label.substr(start, i - start);
    if (is_ascii(piece)) {
      for (const char c : piece) code_points.push_back(static_cast<unsigned char>(ascii_lower(c)));
    } else if (!map_to_code_points(piece, code_points)) {
      return false;
    }
    start = i;
  }
  return true;
}

// A non-ASCII label after UTS #46 mapping and validation, appended to code_points.
bool map_to_code_points(std::string_view label, std::vector<std::uint32_t>& code_points) {
  std::string converted;
  const int rc = convert_with_idn2(std::string(label), converted);
  if (rc == IDN2_OK) return decode_label(converted, code_points);
  if (rc == IDN2_2HYPHEN || rc == IDN2_HYPHEN_STARTEND) return map_hyphenated(label, code_points);
  if (rc == IDN2_TOO_BIG_LABEL || rc == IDN2_PUNYCODE_BIG_OUTPUT) return map_in_pieces(label, code_points);
  return false;
}

bool convert_label(std::string_view label, std::string& out) {
  if (is_ascii(label)) {
    const std::size_t start = out.size();
    append_lower(out, label);
    const std::string_view lowered = std::string_view(out).substr(start);
    if (!lowered.starts_with("xn--")) return true;
    std::string checked;
    return idn2_ascii(std::string(lowered), IDN2_NONTRANSITIONAL, checked) == IDN2_OK;
  }
  std::vector<std::uint32_t> code_points;
  if (!map_to_code_points(label, code_points)) return false;
  bool ascii = true;
  for (const auto cp : code_points) ascii = ascii && cp < 0x80;
  if (ascii) {
    for (const auto cp : code_points) out.push_back(static_cast<char>(cp));
  } else {
    out.append("xn--");
    punycode_encode(code_points, out);
  }
  return true;
}

struct Premapping {
  std::string_view from, to;
};

// UTS #46 maps these full stops to '.' (U+3002, U+FF0E, U+FF61); the rest are the 15.1 mappings
// libidn2's tables lack (see the top of this file).
constexpr Premapping premappings[] = {
    {"\xe3\x80\x82", "."}, {"\xef\xbc\x8e", "."}, {"\xef\xbd\xa1", "."},
    {"\xe1\xba\x9e", "\xc3\x9f"},          // U+1E9E -> U+00DF
    {"\xd3\x80", "\xd3\x8f"},                // U+04C0 -> U+04CF
    {"\xe2\x86\x83", "\xe2\x86\x84"},      // U+2183 -> U+2184
    {"\xf0\xaf\xa1\xa8", "\xe3\x9b\xbc"},  // U+2F868 -> U+36FC
    {"\xe1\xa0\x8e", ""},                    // U+180E ignored
    {"\xe2\x81\xaa", ""}, {"\xe2\x81\xab", ""}, {"\xe2\x81\xac", ""},  // U+206A..U+206F
    {"\xe2\x81\xad", ""}, {"\xe2\x81\xae", ""}, {"\xe2\x81\xaf", ""},  // ignored
};

std::string premap(std::string_view domain) {
  std::string out;
  out.reserve(domain.size());
  for (std::size_t i = 0; i < domain.size();) {
    const std::string_view rest = domain.substr(i);
    const Premapping* hit = nullptr;
    if (static_cast<unsigned char>(domain[i]) >= 0x80)
      for (const auto& p : premappings)
        if (rest.starts_with(p.from)) hit = &p;
    if (hit != nullptr) {
      out.append(hit->to);
      i += hit->from.size();
    } else {
      out.push_back(domain[i]);
      ++i;
    }
  }
  return out;
}

}  // namespace

bool domain_to_ascii(std::string_view domain, std::string& out) {
  out.clear();
  if (is_ascii(domain)) {
    append_lower(out, domain);
    return !out.empty();
  }
  const std::string mapped = premap(domain);
  // The whole domain at once is the common case; labels one by one are the way around
  // libidn2's stricter checks.
  if (idn2_ascii(mapped, IDN2_NONTRANSITIONAL, out) == IDN2_OK) return !out.empty();
  out.clear();
  std::string_view rest = mapped;
  while (true) {
    const auto dot = rest.find('.');
    if (!convert_label(rest.substr(0, dot), out)) return false;
    if (dot == std::string_view::npos) break;
    out.push_back('.');
    rest.remove_prefix(dot + 1);
  }
  return !out.empty();
}

}  // namespace httpxx::detail
