#include "models/cookie_date.hpp"

#include <array>
#include <cstdint>

namespace httpxx::detail {

namespace {

using Clock = std::chrono::system_clock;

// delimiter of RFC 6265 section 5.1.1: %x09 / %x20-2F / %x3B-40 / %x5B-60 / %x7B-7E.
bool is_delimiter(char ch) noexcept {
  const auto c = static_cast<unsigned char>(ch);
  return c == 0x09 || (c >= 0x20 && c <= 0x2f) || (c >= 0x3b && c <= 0x40) ||
         (c >= 0x5b && c <= 0x60) || (c >= 0x7b && c <= 0x7e);
}

bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

// Reads min_digits..max_digits digits at token[pos] into value; the digits must be followed by
// the end of the token or a non-digit (the "[ non-digit *OCTET ]" tail of the grammar).
bool read_digits(std::string_view token, std::size_t& pos, std::size_t min_digits,
                 std::size_t max_digits, int& value) noexcept {
  std::size_t count = 0;
  value = 0;
  while (pos < token.size() && is_digit(token[pos])) {
    if (++count > max_digits) return false;
    value = value * 10 + (token[pos] - '0');
    ++pos;
  }
  return count >= min_digits;
}

// hms-time = time-field ":" time-field ":" time-field, each time-field 1*2DIGIT.
bool parse_time(std::string_view token, int& hour, int& minute, int& second) noexcept {
  std::size_t pos = 0;
  if (!read_digits(token, pos, 1, 2, hour) || pos >= token.size() || token[pos++] != ':') return false;
  if (!read_digits(token, pos, 1, 2, minute) || pos >= token.size() || token[pos++] != ':') return false;
  return read_digits(token, pos, 1, 2, second);
}

bool parse_number(std::string_view token, std::size_t min_digits, std::size_t max_digits,
                  int& value) noexcept {
  std::size_t pos = 0;
  return read_digits(token, pos, min_digits, max_digits, value);
}

// month = ( "jan" / "feb" / ... ) *OCTET, compared case-insensitively.
bool parse_month(std::string_view token, int& month) noexcept {
  static constexpr std::array<std::string_view, 12> names{"jan", "feb", "mar", "apr", "may", "jun",
                                                          "jul", "aug", "sep", "oct", "nov", "dec"};
  if (token.size() < 3) return false;
  char prefix[3];
  for (std::size_t i = 0; i < 3; ++i) {
    const char c = token[i];
    prefix[i] = (c >= 'A' && c <= 'Z') ? static_cast<char>(c | 0x20) : c;
  }
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (std::string_view(prefix, 3) == names[i]) {
      month = static_cast<int>(i) + 1;
      return true;
    }
  }
  return false;
}

constexpr long long max_seconds =
    std::chrono::duration_cast<std::chrono::seconds>(Clock::time_point::max().time_since_epoch()).count();
constexpr long long min_seconds =
    std::chrono::duration_cast<std::chrono::seconds>(Clock::time_point::min().time_since_epoch()).count();

Clock::time_point from_seconds_saturating(long long seconds) noexcept {
  if (seconds >= max_seconds) return Clock::time_point::max();
  if (seconds <= min_seconds) return Clock::time_point::min();
  return Clock::time_point(std::chrono::duration_cast<Clock::duration>(std::chrono::seconds(seconds)));
}

}  // namespace

std::optional<Clock::time_point> parse_cookie_date(std::string_view input) {
  bool found_time = false, found_day = false, found_month = false, found_year = false;
  int hour = 0, minute = 0, second = 0, day = 0, month = 0, year = 0;

  std::size_t pos = 0;
  while (pos < input.size()) {
    while (pos < input.size() && is_delimiter(input[pos])) ++pos;
    const std::size_t start = pos;
    while (pos < input.size() && !is_delimiter(input[pos])) ++pos;
    const std::string_view token = input.substr(start, pos - start);
    if (token.empty()) break;
    // Each token is tried against the productions in this order; the first match consumes it.
    if (!found_time && parse_time(token, hour, minute, second)) {
      found_time = true;
    } else if (!found_day && parse_number(token, 1, 2, day)) {
      found_day = true;
    } else if (!found_month && parse_month(token, month)) {
      found_month = true;
    } else if (!found_year && parse_number(token, 2, 4, year)) {
      found_year = true;
    }
  }

  if (year >= 70 && year <= 99) year += 1900;
  if (year >= 0 && year <= 69) year += 2000;
  if (!found_time || !found_day || !found_month || !found_year) return std::nullopt;
  if (day < 1 || day > 31 || year < 1601 || hour > 23 || minute > 59 || second > 59) return std::nullopt;

  const std::chrono::year_month_day date{std::chrono::year(year),
                                         std::chrono::month(static_cast<unsigned>(month)),
                                         std::chrono::day(static_cast<unsigned>(day))};
  if (!date.ok()) return std::nullopt;   // e.g. 31 Feb: "if no such date exists ... fail"
  const long long days = std::chrono::sys_days(date).time_since_epoch().count();
  return from_seconds_saturating(days * 86400LL + hour * 3600LL + minute * 60LL + second);
}

Clock::time_point add_seconds_saturating(Clock::time_point now, long long seconds) noexcept {
  const long long base = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  if (seconds > 0 && base >= max_seconds - seconds) return Clock::time_point::max();
  if (seconds < 0 && base <= min_seconds - seconds) return Clock::time_point::min();
  return now + std::chrono::duration_cast<Clock::duration>(std::chrono::seconds(seconds));
}

}  // namespace httpxx::detail
