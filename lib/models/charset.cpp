#include "models/charset.hpp"

#include <iconv.h>

#include <algorithm>
#include <cerrno>
#include <stdexcept>
#include <vector>

namespace httpxx::detail {
namespace {

constexpr std::string_view replacement = "\xEF\xBF\xBD";   // U+FFFD in UTF-8

char to_lower(char c) noexcept { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), to_lower);
  return out;
}

bool is_ows(char c) noexcept { return c == ' ' || c == '\t'; }

std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && is_ows(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_ows(s.back())) s.remove_suffix(1);
  return s;
}

}  // namespace

// UTF-8 under the names Python's codec registry gives it.
bool is_utf8_charset(std::string_view charset) {
  std::string name;
  for (const char c : charset) {
    if (c != '-' && c != '_') name.push_back(to_lower(c));
  }
  return name == "utf8" || name == "u8" || name == "utf" || name == "cp65001";
}

namespace {

// A charset name comes from the peer: only plain names reach iconv_open (no "//" suffixes,
// no paths), and no absurd lengths.
bool is_plain_name(std::string_view charset) noexcept {
  if (charset.empty() || charset.size() > 64) return false;
  return std::all_of(charset.begin(), charset.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.' || c == ':' || c == '+';
  });
}

const iconv_t no_iconv = reinterpret_cast<iconv_t>(-1);

// Opens a converter to UTF-8, trying the name as given and then as Python spells it differently
// from glibc ("latin_1" and "latin-1" are glibc's "latin1").
iconv_t open_to_utf8(std::string_view charset) {
  if (!is_plain_name(charset)) return no_iconv;
  std::string name(charset);
  std::vector<std::string> candidates{name};
  std::string dashed = name;
  std::replace(dashed.begin(), dashed.end(), '_', '-');
  candidates.push_back(dashed);
  std::string bare;
  std::copy_if(name.begin(), name.end(), std::back_inserter(bare), [](char c) { return c != '-' && c != '_'; });
  candidates.push_back(bare);
  for (const std::string& candidate : candidates) {
    const iconv_t cd = iconv_open("UTF-8", candidate.c_str());
    if (cd != no_iconv) return cd;
  }
  return no_iconv;
}

}  // namespace

std::string charset_of(std::string_view content_type) {
  // media-type *( OWS ";" OWS parameter ), parameter = token "=" ( token / quoted-string )
  const std::string_view ct = content_type;
  std::size_t i = ct.find(';');
  while (i != std::string_view::npos) {
    ++i;
    const std::size_t name_end = ct.find_first_of("=;", i);
    if (name_end == std::string_view::npos) break;
    const std::string_view name = trim(ct.substr(i, name_end - i));
    i = name_end;
    if (ct[i] == ';') continue;   // a parameter without a value
    ++i;
    while (i < ct.size() && is_ows(ct[i])) ++i;
    std::string value;
    if (i < ct.size() && ct[i] == '"') {
      // quoted-string with quoted-pair escapes (RFC 9110 section 5.6.4)
      for (++i; i < ct.size() && ct[i] != '"'; ++i) {
        if (ct[i] == '\\' && i + 1 < ct.size()) ++i;
        value.push_back(ct[i]);
      }
      i = ct.find(';', i);
    } else {
      const std::size_t end = ct.find(';', i);
      value = std::string(trim(ct.substr(i, end - i)));
      i = end;
    }
    if (lower(name) == "charset") return lower(trim(value));
  }
  return {};
}

bool is_known_charset(std::string_view charset) {
  if (is_utf8_charset(charset)) return true;
  const iconv_t cd = open_to_utf8(charset);
  if (cd == no_iconv) return false;
  iconv_close(cd);
  return true;
}

void Utf8Validator::decode(std::string_view input, std::string& out) {
  const auto* data = reinterpret_cast<const unsigned char*>(input.data());
  const std::size_t size = input.size();
  std::size_t i = 0;

  // First complete (or reject) a character that the previous chunk ended inside.
  while (needed_ > 0 && i < size) {
    const unsigned char b = data[i];
    if (b < lower_ || b > upper_) {
      out.append(replacement);   // the partial character was ill-formed; b is examined afresh
      needed_ = 0;
      sequence_size_ = 0;
      break;
    }
    sequence_[sequence_size_++] = b;
    lower_ = 0x80;
    upper_ = 0xbf;
    ++i;
    if (--needed_ == 0) {
      out.append(reinterpret_cast<const char*>(sequence_), static_cast<std::size_t>(sequence_size_));
      sequence_size_ = 0;
    }
  }
  if (needed_ > 0) return;

  // Valid bytes are copied in runs; run is where the current run of them started.
  std::size_t run = i;
  while (i < size) {
    const unsigned char b = data[i];
    if (b < 0x80) {
      ++i;
      continue;
    }
    // Well-formed sequences by their first byte (Unicode Table 3-7).
    const std::size_t start = i;
    int needed;
    unsigned char lo = 0x80, hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) {
      needed = 1;
    } else if (b >= 0xe0 && b <= 0xef) {
      needed = 2;
      if (b == 0xe0) lo = 0xa0;
      if (b == 0xed) hi = 0x9f;   // no UTF-16 surrogates
    } else if (b >= 0xf0 && b <= 0xf4) {
      needed = 3;
      if (b == 0xf0) lo = 0x90;
      if (b == 0xf4) hi = 0x8f;   // nothing above U+10FFFF
    } else {
      out.append(input.substr(run, start - run)).append(replacement);
      run = ++i;
      continue;
    }
    ++i;
    bool valid = true;
    while (needed > 0) {
      if (i == size) {
        // The chunk ends inside the character: keep its bytes for the next one.
        out.append(input.substr(run, start - run));
        sequence_size_ = static_cast<int>(size - start);
        std::copy(data + start, data + size, sequence_);
        needed_ = needed;
        lower_ = lo;
        upper_ = hi;
        return;
      }
      if (data[i] < lo || data[i] > hi) {
        valid = false;
        break;
      }
      lo = 0x80;
      hi = 0xbf;
      ++i;
      --needed;
    }
    if (!valid) {
      // The maximal subpart [start, i) becomes one U+FFFD; data[i] starts afresh.
      out.append(input.substr(run, start - run)).append(replacement);
      run = i;
    }
  }
  out.append(input.substr(run));
}

void Utf8Validator::finish(std::string& out) {
  if (needed_ > 0) out.append(replacement);
  needed_ = 0;
  sequence_size_ = 0;
  lower_ = 0x80;
  upper_ = 0xbf;
}

class TextDecoder::Impl {
 public:
  explicit Impl(std::string_view charset) {
    if (is_utf8_charset(charset)) return;
    converter_ = open_to_utf8(charset);
    if (converter_ == no_iconv) {
      throw std::invalid_argument("unknown charset '" + std::string(charset) + "'");
    }
  }
  ~Impl() {
    if (converter_ != no_iconv) iconv_close(converter_);
  }
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;

  void decode(std::string_view input, std::string& out) {
    if (converter_ == no_iconv) {
      utf8_.decode(input, out);
      return;
    }
    converted_.clear();
    convert(input, converted_);
    // What iconv writes is validated too: glibc's UTF-8 decoder, reached through spellings of
    // UTF-8 that is_utf8_charset does not list ("utf8+-"), passes on the 5- and 6-byte
    // sequences that RFC 3629 section 3 removed, and text() promises UTF-8.
    utf8_.decode(converted_, out);
  }

  void finish(std::string& out) {
    if (converter_ != no_iconv) {
      if (!pending_.empty()) utf8_.decode(replacement, out);
      pending_.clear();
      iconv(converter_, nullptr, nullptr, nullptr, nullptr);   // back to the initial shift state
    }
    utf8_.finish(out);
  }

 private:
  // Converts input through iconv, appending to out; an incomplete character at the end waits
  // in pending_ for the next chunk.
  void convert(std::string_view input, std::string& out) {
    std::string joined;
    if (!pending_.empty()) {
      joined = std::move(pending_);
      pending_.clear();
      joined.append(input);
      input = joined;
    }
    char* in = const_cast<char*>(input.data());   // iconv's prototype; it does not write
    std::size_t in_left = input.size();
    while (in_left > 0) {
      const std::size_t old_size = out.size();
      const std::size_t room = std::min<std::size_t>(in_left * 4 + 16, 256 * 1024);
      out.resize(old_size + room);
      char* o = out.data() + old_size;
      std::size_t o_left = room;
      const std::size_t rc = iconv(converter_, &in, &in_left, &o, &o_left);
      const int error = errno;
      out.resize(old_size + room - o_left);
      if (rc != static_cast<std::size_t>(-1)) break;
      if (error == E2BIG) continue;
      if (error == EINVAL) {
        pending_.assign(in, in_left);   // an incomplete character: wait for the rest
        break;
      }
      // An invalid byte: one U+FFFD for it, and go on after it.
      out.append(replacement);
      ++in;
      --in_left;
    }
  }

  iconv_t converter_ = no_iconv;   // none: UTF-8, validated by utf8_ alone
  Utf8Validator utf8_;             // validates the input, or iconv's output
  std::string pending_;            // an incomplete character at the end of the last chunk
  std::string converted_;          // iconv's output for one chunk, reused
};

TextDecoder::TextDecoder(std::string_view charset) : impl_(std::make_unique<Impl>(charset)) {}
TextDecoder::~TextDecoder() = default;
TextDecoder::TextDecoder(TextDecoder&&) noexcept = default;
TextDecoder& TextDecoder::operator=(TextDecoder&&) noexcept = default;

void TextDecoder::decode(std::string_view input, std::string& out) { impl_->decode(input, out); }
void TextDecoder::finish(std::string& out) { impl_->finish(out); }

std::string to_utf8(std::string_view text, std::string_view charset) {
  TextDecoder decoder(charset);
  std::string out;
  out.reserve(text.size());
  decoder.decode(text, out);
  decoder.finish(out);
  return out;
}

}  // namespace httpxx::detail
