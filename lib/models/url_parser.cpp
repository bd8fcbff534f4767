#include "models/url_parser.hpp"

#include <cstddef>

#include "models/percent_encoding.hpp"
#include "models/url_host.hpp"

// The state machine follows §4.4 "basic URL parser" state by state; the comments name the
// states. It walks bytes rather than code points: every delimiter is ASCII and every byte of a
// multi-byte UTF-8 sequence is in each percent-encode set, so the result is the same.

namespace httpxx::detail {
namespace {

enum class State {
  scheme_start, scheme, no_scheme, special_relative_or_authority, path_or_authority, relative,
  relative_slash, special_authority_slashes, special_authority_ignore_slashes, authority, host,
  port, file, file_slash, file_host, path_start, path, opaque_path, query, fragment,
};

constexpr int eof = -1;

// §4.4 step 2-3: input loses leading and trailing C0 controls and spaces, and every tab and
// newline. The common input has none of them and is used in place.
std::string_view preprocess(std::string_view input, std::string& storage) {
  while (!input.empty() && static_cast<unsigned char>(input.front()) <= 0x20) input.remove_prefix(1);
  while (!input.empty() && static_cast<unsigned char>(input.back()) <= 0x20) input.remove_suffix(1);
  // Three vectorized scans beat one byte loop testing three values.
  if (input.find('\t') == std::string_view::npos && input.find('\n') == std::string_view::npos &&
      input.find('\r') == std::string_view::npos)
    return input;
  storage.reserve(input.size());
  for (const char c : input)
    if (c != '\t' && c != '\n' && c != '\r') storage.push_back(c);
  return storage;
}

// §4.2 "Windows drive letter": an ASCII alpha followed by ':' or '|'.
bool is_windows_drive_letter(std::string_view s) noexcept {
  return s.size() == 2 && is_ascii_alpha(s[0]) && (s[1] == ':' || s[1] == '|');
}

bool is_normalized_windows_drive_letter(std::string_view s) noexcept {
  return s.size() == 2 && is_ascii_alpha(s[0]) && s[1] == ':';
}

// §4.2 "starts with a Windows drive letter".
bool starts_with_windows_drive_letter(std::string_view s) noexcept {
  if (s.size() < 2 || !is_windows_drive_letter(s.substr(0, 2))) return false;
  if (s.size() == 2) return true;
  const char c = s[2];
  return c == '/' || c == '\\' || c == '?' || c == '#';
}

bool equals_ignore_case(std::string_view a, std::string_view lower) noexcept {
  if (a.size() != lower.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (ascii_lower(a[i]) != lower[i]) return false;
  return true;
}

// §4.2 "single-dot URL path segment" and "double-dot URL path segment".
bool is_single_dot(std::string_view s) noexcept { return s == "." || equals_ignore_case(s, "%2e"); }

bool is_double_dot(std::string_view s) noexcept {
  return s == ".." || equals_ignore_case(s, ".%2e") || equals_ignore_case(s, "%2e.") ||
         equals_ignore_case(s, "%2e%2e");
}

// The first segment of a serialized path ("/a/b" -> "a").
std::string_view first_segment(std::string_view path) noexcept {
  if (path.empty()) return {};
  return path.substr(1, path.find('/', 1) == std::string_view::npos ? std::string_view::npos
                                                                    : path.find('/', 1) - 1);
}

// §4.1 "shorten a URL's path".
void shorten_path(UrlRecord& url) {
  if (url.path.empty()) return;
  const bool single = url.path.find('/', 1) == std::string::npos;
  if (url.scheme == "file" && single && is_normalized_windows_drive_letter(first_segment(url.path))) return;
  url.path.resize(url.path.rfind('/'));
}

void append_segment(UrlRecord& url, std::string_view segment) {
  url.path.push_back('/');
  url.path.append(segment);
}

class Parser {
 public:
  Parser(std::string_view input, const UrlRecord* base, UrlRecord& url)
      : input_(input), base_(base), url_(url), size_(static_cast<std::ptrdiff_t>(input.size())) {}

  const char* run();

 private:
  int at(std::ptrdiff_t i) const noexcept {
    return i >= 0 && i < size_ ? static_cast<unsigned char>(input_[static_cast<std::size_t>(i)]) : eof;
  }
  // "remaining": the input after the pointer.
  std::string_view remaining() const noexcept {
    return pointer_ + 1 >= size_ ? std::string_view{} : input_.substr(static_cast<std::size_t>(pointer_ + 1));
  }
  std::string_view from_pointer() const noexcept {
    return pointer_ >= size_ ? std::string_view{} : input_.substr(static_cast<std::size_t>(pointer_));
  }
  bool special_backslash(int c) const noexcept { return special_ && c == '\\'; }
  // What ends an authority (§4.4 authority and host states): '/', '?', '#', and '\\' in special
  // URLs.
  bool is_authority_end(char c) const noexcept { return c == '/' || c == '?' || c == '#' || (special_ && c == '\\'); }

  void copy_base_authority() {
    url_.username = base_->username;
    url_.password = base_->password;
    url_.host = base_->host;
    url_.has_host = base_->has_host;
    url_.port = base_->port;
  }
  void start_query() {
    url_.has_query = true;
    state_ = State::query;
  }
  void start_fragment() {
    url_.has_fragment = true;
    state_ = State::fragment;
  }

  const char* step(int c);
  const char* authority();
  const char* host();
  const char* port(int c);
  const char* file_host(int c);
  void path(int c);

  std::string_view input_;
  const UrlRecord* base_;
  UrlRecord& url_;
  std::ptrdiff_t size_;
  std::ptrdiff_t pointer_ = 0;
  State state_ = State::scheme_start;
  std::string buffer_;
  bool special_ = false;
};

const char* Parser::run() {
  for (;;) {
    if (const char* failure = step(at(pointer_))) return failure;
    if (pointer_ >= size_) return nullptr;
    ++pointer_;
  }
}

const char* Parser::step(int c) {
  switch (state_) {
    case State::scheme_start:
      if (c != eof && is_ascii_alpha(static_cast<char>(c))) {
        buffer_.push_back(ascii_lower(static_cast<char>(c)));
        state_ = State::scheme;
      } else {
        state_ = State::no_scheme;
        --pointer_;
      }
      return nullptr;

    case State::scheme:
      if (c != eof && (is_ascii_alpha(static_cast<char>(c)) || is_ascii_digit(static_cast<char>(c)) ||
                       c == '+' || c == '-' || c == '.')) {
        buffer_.push_back(ascii_lower(static_cast<char>(c)));
      } else if (c == ':') {
        url_.scheme = std::move(buffer_);
        buffer_.clear();
        special_ = is_special_scheme(url_.scheme);
        if (url_.scheme == "file") {
          state_ = State::file;
        } else if (special_ && base_ != nullptr && base_->scheme == url_.scheme) {
          state_ = State::special_relative_or_authority;
        } else if (special_) {
          state_ = State::special_authority_slashes;
        } else if (remaining().starts_with('/')) {
          state_ = State::path_or_authority;
          ++pointer_;
        } else {
          url_.opaque_path = true;
          state_ = State::opaque_path;
        }
      } else {
        buffer_.clear();
        state_ = State::no_scheme;
        pointer_ = -1;  // start over from the first code point
      }
      return nullptr;

    case State::no_scheme:
      if (base_ == nullptr) return "relative URL without a base";
      if (base_->opaque_path && c != '#') return "relative URL against a base with an opaque path";
      if (base_->opaque_path) {
        url_.scheme = base_->scheme;
        url_.path = base_->path;
        url_.opaque_path = true;
        url_.query = base_->query;
        url_.has_query = base_->has_query;
        special_ = is_special_scheme(url_.scheme);
        start_fragment();
      } else {
        state_ = base_->scheme != "file" ? State::relative : State::file;
        --pointer_;
      }
      return nullptr;

    case State::special_relative_or_authority:
      if (c == '/' && remaining().starts_with('/')) {
        state_ = State::special_authority_ignore_slashes;
        ++pointer_;
      } else {
        state_ = State::relative;
        --pointer_;
      }
      return nullptr;

    case State::path_or_authority:
      if (c == '/') {
        state_ = State::authority;
      } else {
        state_ = State::path;
        --pointer_;
      }
      return nullptr;

    case State::relative:
      url_.scheme = base_->scheme;
      special_ = is_special_scheme(url_.scheme);
      if (c == '/' || special_backslash(c)) {
        state_ = State::relative_slash;
        return nullptr;
      }
      copy_base_authority();
      url_.path = base_->path;
      url_.query = base_->query;
      url_.has_query = base_->has_query;
      if (c == '?') {
        url_.query.clear();
        start_query();
      } else if (c == '#') {
        start_fragment();
      } else if (c != eof) {
        url_.query.clear();
        url_.has_query = false;
        shorten_path(url_);
        state_ = State::path;
        --pointer_;
      }
      return nullptr;

    case State::relative_slash:
      if (special_ && (c == '/' || c == '\\')) {
        state_ = State::special_authority_ignore_slashes;
      } else if (c == '/') {
        state_ = State::authority;
      } else {
        copy_base_authority();
        state_ = State::path;
        --pointer_;
      }
      return nullptr;

    case State::special_authority_slashes:
      state_ = State::special_authority_ignore_slashes;
      if (c == '/' && remaining().starts_with('/')) ++pointer_;
      else --pointer_;
      return nullptr;

    case State::special_authority_ignore_slashes:
      if (c != '/' && c != '\\') {
        state_ = State::authority;
        --pointer_;
      }
      return nullptr;

    case State::authority: return authority();
    case State::host: return host();
    case State::port: return port(c);

    case State::file:
      url_.scheme = "file";
      special_ = true;
      url_.host.clear();
      url_.has_host = true;
      if (c == '/' || c == '\\') {
        state_ = State::file_slash;
      } else if (base_ != nullptr && base_->scheme == "file") {
        url_.host = base_->host;
        url_.has_host = base_->has_host;
        url_.path = base_->path;
        url_.query = base_->query;
        url_.has_query = base_->has_query;
        if (c == '?') {
          url_.query.clear();
          start_query();
        } else if (c == '#') {
          start_fragment();
        } else if (c != eof) {
          url_.query.clear();
          url_.has_query = false;
          if (!starts_with_windows_drive_letter(from_pointer())) shorten_path(url_);
          else url_.path.clear();
          state_ = State::path;
          --pointer_;
        }
      } else {
        state_ = State::path;
        --pointer_;
      }
      return nullptr;

    case State::file_slash:
      if (c == '/' || c == '\\') {
        state_ = State::file_host;
      } else {
        if (base_ != nullptr && base_->scheme == "file") {
          url_.host = base_->host;
          url_.has_host = base_->has_host;
          const std::string_view base_first = first_segment(base_->path);
          if (!starts_with_windows_drive_letter(from_pointer()) && is_normalized_windows_drive_letter(base_first))
            append_segment(url_, base_first);
        }
        state_ = State::path;
        --pointer_;
      }
      return nullptr;

    case State::file_host: return file_host(c);

    case State::path_start:
      if (special_) {
        state_ = State::path;
        if (c != '/' && c != '\\') --pointer_;
      } else if (c == '?') {
        start_query();
      } else if (c == '#') {
        start_fragment();
      } else if (c != eof) {
        state_ = State::path;
        if (c != '/') --pointer_;
      }
      return nullptr;

    case State::path:
      path(c);
      return nullptr;

    case State::opaque_path:
      if (c == '?') {
        start_query();
      } else if (c == '#') {
        start_fragment();
      } else if (c == ' ') {
        // A space before '?' or '#' is encoded so that it survives serialization round trips.
        const std::string_view rest = remaining();
        url_.path.append(rest.starts_with('?') || rest.starts_with('#') ? "%20" : " ");
      } else if (c != eof) {
        percent_encode_append(url_.path, input_.substr(static_cast<std::size_t>(pointer_), 1), EncodeSet::c0_control);
      }
      return nullptr;

    case State::query: {
      if (c == eof) return nullptr;
      if (c == '#') {
        start_fragment();
        return nullptr;
      }
      // The whole run up to '#' at once (UTF-8 is the only encoding here, §4.4 query state).
      const std::string_view rest = from_pointer();
      const std::size_t end = rest.find('#');
      const std::string_view run = rest.substr(0, end);
      percent_encode_append(url_.query, run, special_ ? EncodeSet::special_query : EncodeSet::query);
      pointer_ += static_cast<std::ptrdiff_t>(run.size()) - 1;
      return nullptr;
    }

    case State::fragment:
      if (c != eof) {
        const std::string_view rest = from_pointer();
        percent_encode_append(url_.fragment, rest, EncodeSet::fragment);
        pointer_ += static_cast<std::ptrdiff_t>(rest.size()) - 1;
      }
      return nullptr;
  }
  return nullptr;
}

// The authority and host states, run over the whole authority at once: the userinfo is
// everything before the last '@' (earlier ones are percent-encoded, as the per-code-point
// states do by prepending "%40"), the password starts after its first ':'.
const char* Parser::authority() {
  const std::string_view rest = from_pointer();
  std::size_t end = 0;
  while (end < rest.size() && !is_authority_end(rest[end])) ++end;
  const std::string_view authority = rest.substr(0, end);
  const auto at = authority.rfind('@');
  if (at == std::string_view::npos) {
    state_ = State::host;
    --pointer_;
    return nullptr;
  }
  if (at + 1 == authority.size()) return "credentials without a host";
  const std::string_view userinfo = authority.substr(0, at);
  const auto colon = userinfo.find(':');
  percent_encode_append(url_.username, userinfo.substr(0, colon), EncodeSet::userinfo);
  if (colon != std::string_view::npos)
    percent_encode_append(url_.password, userinfo.substr(colon + 1), EncodeSet::userinfo);
  state_ = State::host;
  pointer_ += static_cast<std::ptrdiff_t>(at);
  return nullptr;
}

const char* Parser::host() {
  // Up to ':' outside brackets or the end of the authority.
  const std::string_view rest = from_pointer();
  bool inside_brackets = false;
  std::size_t end = 0;
  for (; end < rest.size(); ++end) {
    const char d = rest[end];
    if (is_authority_end(d) || (d == ':' && !inside_brackets)) break;
    if (d == '[') inside_brackets = true;
    if (d == ']') inside_brackets = false;
  }
  const std::string_view host = rest.substr(0, end);
  const bool port_follows = end < rest.size() && rest[end] == ':';
  if (host.empty() && (port_follows || special_)) return "empty host";
  if (const char* failure = parse_host(host, !special_, url_.host)) return failure;
  url_.has_host = true;
  if (port_follows) {
    state_ = State::port;
    pointer_ += static_cast<std::ptrdiff_t>(end);
  } else {
    state_ = State::path_start;
    pointer_ += static_cast<std::ptrdiff_t>(end) - 1;
  }
  return nullptr;
}

const char* Parser::port(int c) {
  if (c != eof && is_ascii_digit(static_cast<char>(c))) {
    buffer_.push_back(static_cast<char>(c));
  } else if (c == eof || c == '/' || c == '?' || c == '#' || special_backslash(c)) {
    if (!buffer_.empty()) {
      unsigned long value = 0;
      for (const char d : buffer_) {
        value = value * 10 + static_cast<unsigned long>(d - '0');
        if (value > 65535) return "port out of range";
      }
      const auto port = static_cast<std::uint16_t>(value);
      url_.port = port == default_port(url_.scheme) && special_ ? std::nullopt : std::optional(port);
      buffer_.clear();
    }
    state_ = State::path_start;
    --pointer_;
  } else {
    return "invalid port";
  }
  return nullptr;
}

const char* Parser::file_host(int c) {
  if (c == eof || c == '/' || c == '\\' || c == '?' || c == '#') {
    --pointer_;
    if (is_windows_drive_letter(buffer_)) {
      // "file://C|/" is a path, not a host: the buffer moves on to the path state as it is.
      state_ = State::path;
    } else if (buffer_.empty()) {
      url_.host.clear();
      url_.has_host = true;
      state_ = State::path_start;
    } else {
      url_.host.clear();
      if (const char* failure = parse_host(buffer_, false, url_.host)) return failure;
      if (url_.host == "localhost") url_.host.clear();
      url_.has_host = true;
      buffer_.clear();
      state_ = State::path_start;
    }
  } else {
    buffer_.push_back(static_cast<char>(c));
  }
  return nullptr;
}

void Parser::path(int c) {
  const bool slash = c == '/' || special_backslash(c);
  if (c == eof || slash || c == '?' || c == '#') {
    if (is_double_dot(buffer_)) {
      shorten_path(url_);
      if (!slash) append_segment(url_, {});
    } else if (is_single_dot(buffer_)) {
      if (!slash) append_segment(url_, {});
    } else {
      if (url_.scheme == "file" && url_.path.empty() && is_windows_drive_letter(buffer_)) buffer_[1] = ':';
      append_segment(url_, buffer_);
    }
    buffer_.clear();
    if (c == '?') start_query();
    else if (c == '#') start_fragment();
    return;
  }
  // The rest of the segment at once.
  const std::string_view rest = from_pointer();
  std::size_t end = 0;
  while (end < rest.size()) {
    const char d = rest[end];
    if (d == '/' || d == '?' || d == '#' || (special_ && d == '\\')) break;
    ++end;
  }
  percent_encode_append(buffer_, rest.substr(0, end), EncodeSet::path);
  pointer_ += static_cast<std::ptrdiff_t>(end) - 1;
}

}  // namespace

bool is_special_scheme(std::string_view scheme) noexcept {
  return scheme == "http" || scheme == "https" || scheme == "ws" || scheme == "wss" || scheme == "ftp" ||
         scheme == "file";
}

std::uint16_t default_port(std::string_view scheme) noexcept {
  if (scheme == "http" || scheme == "ws") return 80;
  if (scheme == "https" || scheme == "wss") return 443;
  if (scheme == "ftp") return 21;
  return 0;
}

const char* parse_url(std::string_view input, const UrlRecord* base, UrlRecord& url) {
  std::string storage;
  const std::string_view cleaned = preprocess(input, storage);
  url = UrlRecord{};
  return Parser(cleaned, base, url).run();
}

}  // namespace httpxx::detail
