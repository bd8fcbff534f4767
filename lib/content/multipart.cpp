// multipart/form-data bodies (RFC 7578), laid out byte for byte as httpx lays them out.

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <random>
#include <system_error>
#include <utility>
#include <vector>

#include "content/mime_types.hpp"
#include "content/request_body.hpp"

namespace httpxx::detail {
namespace {

// Files are read in steps of this size, whatever the caller's chunk size.
constexpr std::size_t file_read_step = 64 * 1024;

[[noreturn]] void throw_file_error(int error, const std::string& path, const char* what) {
  throw std::system_error(error, std::generic_category(),
                          std::string(what) + " the file to upload '" + path + "'");
}

// A name or filename inside quotes, escaped as httpx does (after the HTML Standard's
// multipart/form-data encoding): '"' as %22, '\' doubled, and the C0 controls except ESC
// percent-encoded, so neither a quote nor a line break can end the header early.
void append_form_param(std::string& out, std::string_view name, std::string_view value) {
  static constexpr char hex[] = "0123456789ABCDEF";
  out.append(name).append("=\"");
  for (const char ch : value) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '"' || (c < 0x20 && c != 0x1b)) {
      out.push_back('%');
      out.push_back(hex[c >> 4]);
      out.push_back(hex[c & 0x0f]);
    } else if (c == '\\') {
      out.append("\\\\");
    } else {
      out.push_back(ch);
    }
  }
  out.push_back('"');
}

std::string random_boundary() {
  // 16 random bytes in hex, as httpx's binascii.hexlify(os.urandom(16)).
  static constexpr char hex[] = "0123456789abcdef";
  std::random_device random;
  std::string boundary;
  boundary.reserve(32);
  for (int i = 0; i < 4; ++i) {
    std::uint32_t word = random();
    for (int j = 0; j < 8; ++j, word >>= 4) boundary.push_back(hex[word & 0x0f]);
  }
  return boundary;
}

// One piece of the body: bytes in memory, or a file read while sending.
struct Segment {
  std::string bytes;
  std::string path;                    // non-empty: a file
  std::optional<std::uint64_t> size;   // a file's size; nullopt for a pipe or similar
};

std::optional<std::uint64_t> file_size(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) throw_file_error(errno, path, "cannot examine");
  if (S_ISDIR(st.st_mode)) throw_file_error(EISDIR, path, "cannot upload");
  if (!S_ISREG(st.st_mode)) return std::nullopt;
  return static_cast<std::uint64_t>(st.st_size);
}

// A multipart body with files on disk: the rendered boundaries and part headers stay in memory,
// each file is opened only when the body reaches it and read a step at a time.
class MultipartBody final : public RequestBody {
 public:
  explicit MultipartBody(std::vector<Segment> segments) : segments_(std::move(segments)) {}
  ~MultipartBody() override { close_file(); }
  MultipartBody(const MultipartBody&) = delete;
  MultipartBody& operator=(const MultipartBody&) = delete;

  std::optional<std::uint64_t> length() const override {
    std::uint64_t total = 0;
    for (const Segment& s : segments_) {
      if (s.path.empty()) {
        total += s.bytes.size();
      } else if (s.size) {
        total += *s.size;
      } else {
        return std::nullopt;
      }
    }
    return total;
  }

  bool read(std::string& out, std::size_t max_bytes) override {
    out.clear();
    while (out.size() < max_bytes && index_ < segments_.size()) {
      const Segment& segment = segments_[index_];
      const std::size_t room = max_bytes - out.size();
      if (segment.path.empty()) {
        const std::size_t n = std::min(room, segment.bytes.size() - offset_);
        out.append(segment.bytes, offset_, n);
        offset_ += n;
        if (offset_ == segment.bytes.size()) next_segment();
      } else {
        read_file(segment, out, room);
      }
    }
    return !out.empty();
  }

  bool rewind() override {
    // A pipe cannot be read twice; a regular file is simply reopened when reached again.
    const bool rewindable =
        std::all_of(segments_.begin(), segments_.end(), [](const Segment& s) { return s.path.empty() || s.size; });
    if (!rewindable) return false;
    close_file();
    index_ = 0;
    offset_ = 0;
    return true;
  }

 private:
  void read_file(const Segment& segment, std::string& out, std::size_t room) {
    std::size_t want = std::min(room, file_read_step);
    if (segment.size) want = static_cast<std::size_t>(std::min<std::uint64_t>(want, *segment.size - offset_));
    if (want == 0) {
      next_segment();
      return;
    }
    if (fd_ < 0) {
      fd_ = ::open(segment.path.c_str(), O_RDONLY | O_CLOEXEC);
      if (fd_ < 0) throw_file_error(errno, segment.path, "cannot open");
    }
    const std::size_t old_size = out.size();
    out.resize(old_size + want);
    ssize_t n;
    do {
      n = ::read(fd_, out.data() + old_size, want);
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
      const int error = errno;
      out.resize(old_size);
      throw_file_error(error, segment.path, "cannot read");
    }
    out.resize(old_size + static_cast<std::size_t>(n));
    offset_ += static_cast<std::size_t>(n);
    if (n == 0) {
      // The Content-Length sent already counts the size the file had: a shorter file would
      // leave the message unterminated, so the upload fails instead.
      if (segment.size) throw_file_error(EIO, segment.path, "the file shrank while sending");
      next_segment();
    } else if (segment.size && offset_ == *segment.size) {
      next_segment();
    }
  }

  void next_segment() {
    close_file();
    ++index_;
    offset_ = 0;
  }

  void close_file() noexcept {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

  std::vector<Segment> segments_;
  std::size_t index_ = 0;
  std::uint64_t offset_ = 0;   // within the current segment
  int fd_ = -1;
};

}  // namespace

EncodedBody encode_multipart(const QueryParams& data, const Files& files, std::string boundary) {
  if (boundary.empty()) boundary = random_boundary();
  std::vector<Segment> segments;
  std::string text;   // the in-memory bytes since the last file segment

  // Each part: "--boundary" CRLF, its headers, CRLF, its content, CRLF (RFC 7578 section 4.1,
  // RFC 2046 section 5.1.1); fields first, then files, as httpx orders them.
  for (const auto& [name, value] : data) {
    text.append("--").append(boundary).append("\r\nContent-Disposition: form-data; ");
    append_form_param(text, "name", name);
    text.append("\r\n\r\n").append(value).append("\r\n");
  }
  for (const auto& [name, file] : files) {
    text.append("--").append(boundary).append("\r\nContent-Disposition: form-data; ");
    append_form_param(text, "name", name);
    if (!file.filename.empty()) {
      text.append("; ");
      append_form_param(text, "filename", file.filename);
    }
    // httpx guesses a type only for a named file; a part without a filename gets none.
    const std::string_view content_type = !file.content_type.empty() ? std::string_view(file.content_type)
                                          : !file.filename.empty()   ? guess_content_type(file.filename)
                                                                     : std::string_view{};
    if (!content_type.empty()) text.append("\r\nContent-Type: ").append(content_type);
    text.append("\r\n\r\n");
    if (file.path.empty()) {
      text.append(file.content);
    } else {
      std::optional<std::uint64_t> size = file_size(file.path);
      segments.push_back({std::move(text), {}, {}});
      text.clear();
      segments.push_back({{}, file.path, size});
    }
    text.append("\r\n");
  }
  text.append("--").append(boundary).append("--\r\n");

  std::string content_type = "multipart/form-data; boundary=" + boundary;
  if (segments.empty()) return {make_bytes_body(std::move(text)), std::move(content_type)};
  segments.push_back({std::move(text), {}, {}});
  return {std::make_shared<MultipartBody>(std::move(segments)), std::move(content_type)};
}

}  // namespace httpxx::detail
