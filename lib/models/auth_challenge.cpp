#include "models/auth_challenge.hpp"

#include "httpxx/headers.hpp"
#include "models/token.hpp"

namespace httpxx::detail {

namespace {

// token68 of RFC 9110 section 11.2, without its trailing '='.
bool is_token68_char(char ch) noexcept {
  const auto c = static_cast<unsigned char>(ch);
  if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
  return std::string_view("-._~+/").find(ch) != std::string_view::npos;
}

class Scanner {
 public:
  explicit Scanner(std::string_view s) : s_(s) {}

  bool at_end() const noexcept { return pos_ >= s_.size(); }
  char peek() const noexcept { return at_end() ? '\0' : s_[pos_]; }
  std::size_t position() const noexcept { return pos_; }
  void rewind(std::size_t pos) noexcept { pos_ = pos; }
  void advance() noexcept { ++pos_; }

  void skip_ows() noexcept {
    while (!at_end() && (s_[pos_] == ' ' || s_[pos_] == '\t')) ++pos_;
  }
  void skip_ows_and_commas() noexcept {
    while (!at_end() && (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == ',')) ++pos_;
  }
  std::string_view token() noexcept {
    const std::size_t start = pos_;
    while (!at_end() && is_tchar(s_[pos_])) ++pos_;
    return s_.substr(start, pos_ - start);
  }
  std::string_view token68() noexcept {
    const std::size_t start = pos_;
    while (!at_end() && is_token68_char(s_[pos_])) ++pos_;
    if (pos_ == start) return {};
    while (!at_end() && s_[pos_] == '=') ++pos_;
    return s_.substr(start, pos_ - start);
  }
  // quoted-string of RFC 9110 section 5.6.4, the opening quote already seen; an unterminated
  // string runs to the end of the field.
  std::string quoted_string() {
    std::string out;
    ++pos_;
    while (!at_end()) {
      const char c = s_[pos_++];
      if (c == '"') break;
      if (c == '\\' && !at_end()) {
        out += s_[pos_++];
      } else {
        out += c;
      }
    }
    return out;
  }
  // Skips to the next comma outside a quoted string, to recover from malformed input.
  void skip_element() {
    while (!at_end() && s_[pos_] != ',') {
      if (s_[pos_] == '"') {
        quoted_string();
      } else {
        ++pos_;
      }
    }
  }

 private:
  std::string_view s_;
  std::size_t pos_ = 0;
};

// Reads "name BWS = BWS value" when it is there; otherwise leaves the scanner where it was.
bool read_auth_param(Scanner& in, AuthChallenge& challenge) {
  const std::size_t start = in.position();
  const std::string_view name = in.token();
  in.skip_ows();
  if (name.empty() || in.peek() != '=') {
    in.rewind(start);
    return false;
  }
  in.advance();
  in.skip_ows();
  std::string value = in.peek() == '"' ? in.quoted_string() : std::string(in.token());
  challenge.params.emplace_back(std::string(name), std::move(value));
  return true;
}

}  // namespace

const std::string* AuthChallenge::param(std::string_view name) const noexcept {
  for (const auto& [key, value] : params) {
    if (iequals(key, name)) return &value;
  }
  return nullptr;
}

std::vector<AuthChallenge> parse_auth_challenges(std::string_view field_value) {
  std::vector<AuthChallenge> challenges;
  Scanner in(field_value);
  while (true) {
    in.skip_ows_and_commas();
    if (in.at_end()) break;
    const std::string_view scheme = in.token();
    if (scheme.empty()) {
      in.skip_element();
      continue;
    }
    AuthChallenge challenge;
    challenge.scheme = std::string(scheme);
    in.skip_ows();

    // A token68 is alone after the scheme: followed by the end, or a comma.
    const std::size_t start = in.position();
    const std::string_view token68 = in.token68();
    in.skip_ows();
    if (!token68.empty() && (in.at_end() || in.peek() == ',')) {
      challenge.token68 = std::string(token68);
    } else {
      in.rewind(start);
      // auth-params, separated by commas, until a token that is not followed by '=' (the next
      // challenge's scheme) or the end.
      while (!in.at_end()) {
        if (!read_auth_param(in, challenge)) {
          // A token not followed by '=' is the next challenge's scheme.
          if (in.peek() == ',' || is_tchar(in.peek())) break;
          in.skip_element();   // garbage: drop it up to the next comma
        } else {
          in.skip_ows();
          if (!in.at_end() && in.peek() != ',') in.skip_element();
        }
        // Commas may repeat (the #rule of RFC 9110 section 5.6.1).
        in.skip_ows_and_commas();
      }
    }
    challenges.push_back(std::move(challenge));
  }
  return challenges;
}

}  // namespace httpxx::detail
