// gzip (RFC 1952) and deflate (RFC 1950 zlib-wrapped, or raw RFC 1951) through zlib.

#include <cstdint>
#include <string>

#include <zlib.h>

#include "content/codings.hpp"

namespace httpxx::detail {
namespace {

enum class Format { gzip, zlib, raw, undetermined };

class ZlibDecoder final : public ContentDecoder {
 public:
  ZlibDecoder(Format format, std::optional<std::size_t> max_output)
      : format_(format), budget_(max_output, format == Format::gzip ? "gzip" : "deflate") {
    if (format_ != Format::undetermined) init();
  }
  ~ZlibDecoder() override {
    if (initialized_) inflateEnd(&stream_);
  }
  ZlibDecoder(const ZlibDecoder&) = delete;
  ZlibDecoder& operator=(const ZlibDecoder&) = delete;

  void decode(std::string_view input, std::string& out) override {
    if (input.empty() || discarding_) return;
    seen_input_ = true;
    if (format_ == Format::undetermined) {
      // Two bytes tell a zlib header from raw deflate; keep a lone first byte until then.
      if (first_byte_ < 0 && input.size() == 1) {
        first_byte_ = static_cast<std::uint8_t>(input[0]);
        return;
      }
      const auto b0 = static_cast<std::uint8_t>(first_byte_ < 0 ? input[0] : first_byte_);
      const auto b1 = static_cast<std::uint8_t>(first_byte_ < 0 ? input[1] : input[0]);
      format_ = looks_like_zlib(b0, b1) ? Format::zlib : Format::raw;
      init();
      if (first_byte_ >= 0) {
        const char first = static_cast<char>(first_byte_);
        first_byte_ = -1;
        inflate_all(std::string_view(&first, 1), out);
      }
    }
    inflate_all(input, out);
  }

  void finish(std::string& out) override {
    (void)out;   // inflate_all has already written everything zlib could produce
    if (!seen_input_ || discarding_ || ended_) return;
    // A later gzip member that produced nothing is trailing padding, not a truncation.
    if (format_ == Format::gzip && member_ > 0 && !member_output_) return;
    throw_decoding_error(budget_.coding(), "the compressed body is truncated");
  }

 private:
  // RFC 1950 section 2.2: CM = 8 (deflate), CINFO <= 7, and the header checksum.
  static bool looks_like_zlib(std::uint8_t cmf, std::uint8_t flg) noexcept {
    return (cmf & 0x0f) == 8 && (cmf >> 4) <= 7 && ((cmf << 8) | flg) % 31 == 0;
  }

  void init() {
    const int window_bits = format_ == Format::gzip ? 16 + MAX_WBITS
                            : format_ == Format::zlib ? MAX_WBITS
                                                      : -MAX_WBITS;
    if (inflateInit2(&stream_, window_bits) != Z_OK) {
      throw_decoding_error(budget_.coding(), "zlib could not be initialised");
    }
    initialized_ = true;
  }

  void inflate_all(std::string_view input, std::string& out) {
    // zlib counts input in uInt: hand a huge body over in pieces.
    constexpr std::size_t max_piece = std::size_t{1} << 30;
    while (input.size() > max_piece) {
      inflate_piece(input.substr(0, max_piece), out);
      input.remove_prefix(max_piece);
    }
    inflate_piece(input, out);
  }

  void inflate_piece(std::string_view input, std::string& out) {
    if (discarding_) return;
    stream_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(input.data()));
    stream_.avail_in = static_cast<uInt>(input.size());
    while (true) {
      if (ended_) {
        if (stream_.avail_in == 0) return;
        if (format_ != Format::gzip) {
          // zlib and raw deflate end with their last block; whatever follows is ignored, as
          // zlib's own tools and httpx do.
          discarding_ = true;
          return;
        }
        // A gzip file may hold several members (RFC 1952 section 2.2): decode them all.
        inflateReset(&stream_);
        ended_ = false;
        ++member_;
        member_output_ = false;
      }
      const std::size_t old_size = out.size();
      const std::size_t step = budget_.next_step(decode_step);
      out.resize(old_size + step);
      stream_.next_out = reinterpret_cast<Bytef*>(out.data() + old_size);
      stream_.avail_out = static_cast<uInt>(step);
      const int rc = inflate(&stream_, Z_NO_FLUSH);
      const std::size_t produced = step - stream_.avail_out;
      out.resize(old_size + produced);
      if (produced > 0) member_output_ = true;
      budget_.consume(produced);
      if (rc == Z_STREAM_END) {
        ended_ = true;
        continue;
      }
      if (rc == Z_BUF_ERROR) return;   // no progress possible: every input byte is consumed
      if (rc != Z_OK) {
        if (format_ == Format::gzip && member_ > 0 && !member_output_) {
          // Bytes after the last member that are not a member: trailing garbage (often zero
          // padding), which gzip itself ignores with a warning.
          discarding_ = true;
          return;
        }
        throw_decoding_error(budget_.coding(),
                             stream_.msg != nullptr ? stream_.msg : "invalid compressed data");
      }
      if (stream_.avail_in == 0 && stream_.avail_out != 0) return;
    }
  }

  Format format_;
  OutputBudget budget_;
  z_stream stream_{};
  bool initialized_ = false;
  bool seen_input_ = false;
  bool ended_ = false;          // the current member (or stream) is complete
  bool discarding_ = false;     // the rest of the input is ignored
  unsigned member_ = 0;         // index of the gzip member being decoded
  bool member_output_ = false;  // that member produced bytes
  int first_byte_ = -1;         // a lone first byte while the deflate format is undetermined
};

}  // namespace

std::unique_ptr<ContentDecoder> make_gzip_decoder(std::optional<std::size_t> max_output) {
  return std::make_unique<ZlibDecoder>(Format::gzip, max_output);
}

// "deflate" is meant to be zlib-wrapped (RFC 9110 section 8.4.1.2), but some servers send raw
// deflate; like browsers, tell them apart by the zlib header.
std::unique_ptr<ContentDecoder> make_deflate_decoder(std::optional<std::size_t> max_output) {
  return std::make_unique<ZlibDecoder>(Format::undetermined, max_output);
}

}  // namespace httpxx::detail
