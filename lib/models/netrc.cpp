#include "models/netrc.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "httpxx/request.hpp"
#include "models/auth_flows.hpp"

namespace httpxx::detail {

namespace {

bool is_space(char c) noexcept { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

// The lexer of Python's netrc (shlex-like): whitespace separates tokens, a token may be quoted,
// and a backslash escapes the next character.
class Lexer {
 public:
  explicit Lexer(std::string_view text) : text_(text) {}

  std::size_t line() const noexcept { return line_; }

  // The next token, or nullopt at the end; "#" comments are returned as tokens starting with
  // '#' so the parser can decide, as Python's does.
  std::optional<std::string> next() {
    while (pos_ < text_.size() && is_space(text_[pos_])) consume();
    if (pos_ >= text_.size()) return std::nullopt;
    std::string token;
    if (text_[pos_] == '"') {
      consume();
      while (pos_ < text_.size() && text_[pos_] != '"') {
        if (text_[pos_] == '\\' && pos_ + 1 < text_.size()) consume();
        token += consume();
      }
      if (pos_ < text_.size()) consume();   // the closing quote
      return token;
    }
    while (pos_ < text_.size() && !is_space(text_[pos_])) {
      if (text_[pos_] == '\\' && pos_ + 1 < text_.size()) consume();
      token += consume();
    }
    return token;
  }

  void skip_line() {
    while (pos_ < text_.size() && text_[pos_] != '\n') consume();
  }

  // A macdef body: every line up to the first empty one.
  void skip_macro() {
    skip_line();
    if (pos_ < text_.size()) consume();
    while (pos_ < text_.size()) {
      const std::size_t end = text_.find('\n', pos_);
      const std::string_view line = text_.substr(pos_, end == std::string_view::npos ? text_.size() - pos_ : end - pos_);
      bool blank = true;
      for (char c : line) blank = blank && is_space(c);
      pos_ = end == std::string_view::npos ? text_.size() : end + 1;
      ++line_;
      if (blank) break;
    }
  }

  std::optional<std::string> peek() {
    const std::size_t pos = pos_, line = line_;
    auto token = next();
    pos_ = pos;
    line_ = line;
    return token;
  }

 private:
  char consume() {
    const char c = text_[pos_++];
    if (c == '\n') ++line_;
    return c;
  }

  std::string_view text_;
  std::size_t pos_ = 0;
  std::size_t line_ = 1;
};

[[noreturn]] void fail(std::string_view source, std::size_t line, std::string_view what) {
  throw std::runtime_error(std::string(source) + ":" + std::to_string(line) + ": " + std::string(what));
}

bool is_entry_start(const std::string& token) {
  return token == "machine" || token == "default" || token == "macdef";
}

}  // namespace

Netrc Netrc::parse(std::string_view text, std::string_view source_name) {
  Netrc netrc;
  Lexer lexer(text);
  while (auto token = lexer.next()) {
    if (token->starts_with('#')) {
      lexer.skip_line();
      continue;
    }
    if (*token == "macdef") {
      if (!lexer.next()) fail(source_name, lexer.line(), "macdef without a name");
      lexer.skip_macro();
      continue;
    }
    std::optional<std::string> machine;
    if (*token == "machine") {
      machine = lexer.next();
      if (!machine) fail(source_name, lexer.line(), "machine without a name");
    } else if (*token != "default") {
      fail(source_name, lexer.line(), "unexpected token at the top level");
    }
    NetrcEntry entry;
    while (auto next = lexer.peek()) {
      if (is_entry_start(*next)) break;
      lexer.next();
      if (next->starts_with('#')) {
        lexer.skip_line();
        continue;
      }
      std::string* field = nullptr;
      if (*next == "login" || *next == "user") {
        field = &entry.login;
      } else if (*next == "password") {
        field = &entry.password;
      } else if (*next == "account") {
        field = &entry.account;
      } else {
        fail(source_name, lexer.line(), "unexpected token in an entry");
      }
      auto value = lexer.next();
      if (!value) fail(source_name, lexer.line(), "a field without its value");
      *field = std::move(*value);
    }
    if (machine) {
      netrc.machines_[*machine] = std::move(entry);
    } else {
      netrc.default_ = std::move(entry);
    }
  }
  return netrc;
}

Netrc Netrc::load(const std::string& path) {
  std::string file = path;
  bool named = !file.empty();
  if (!named) {
    if (const char* env = std::getenv("NETRC"); env != nullptr && *env != '\0') {
      file = env;
      named = true;
    } else if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') {
      file = std::string(home) + "/.netrc";
    } else {
      return {};
    }
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    if (!named) return {};
    throw std::runtime_error("netrc file '" + file + "' cannot be read");
  }
  std::ostringstream text;
  text << in.rdbuf();
  return parse(text.str(), file);
}

const NetrcEntry* Netrc::find(std::string_view host) const {
  if (auto it = machines_.find(host); it != machines_.end()) return &it->second;
  return default_ ? &*default_ : nullptr;
}

void NetRCAuthFlow::on_request(Request& request) {
  const NetrcEntry* entry = netrc_.find(request.url().host_for_connect());
  if (entry == nullptr || entry->password.empty()) return;
  request.headers().set("Authorization", basic_auth_header(entry->login, entry->password));
}

}  // namespace httpxx::detail
