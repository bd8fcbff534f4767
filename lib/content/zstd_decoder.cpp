// zstd (RFC 8878) through libzstd.

#include <string>

#include <zstd.h>

#include "content/codings.hpp"

namespace httpxx::detail {
namespace {

// RFC 9659 section 3: a zstd content coding never needs a window above 8 MB (2^23), and
// decoders may refuse larger ones; refusing bounds the memory one response can make us reserve.
constexpr int max_window_log = 23;

class ZstdDecoder final : public ContentDecoder {
 public:
  explicit ZstdDecoder(std::optional<std::size_t> max_output)
      : context_(ZSTD_createDCtx()), budget_(max_output, "zstd") {
    if (context_ == nullptr) throw_decoding_error("zstd", "the zstd decoder could not be created");
    ZSTD_DCtx_setParameter(context_, ZSTD_d_windowLogMax, max_window_log);
  }
  ~ZstdDecoder() override { ZSTD_freeDCtx(context_); }
  ZstdDecoder(const ZstdDecoder&) = delete;
  ZstdDecoder& operator=(const ZstdDecoder&) = delete;

  void decode(std::string_view input, std::string& out) override {
    if (input.empty()) return;
    seen_input_ = true;
    ZSTD_inBuffer in{input.data(), input.size(), 0};
    while (true) {
      const std::size_t old_size = out.size();
      const std::size_t step = budget_.next_step(decode_step);
      out.resize(old_size + step);
      ZSTD_outBuffer buffer{out.data() + old_size, step, 0};
      // Frames may follow one another (RFC 8878 section 3.1); the stream API decodes each in
      // turn and returns 0 at every frame boundary.
      const std::size_t rc = ZSTD_decompressStream(context_, &buffer, &in);
      out.resize(old_size + buffer.pos);
      if (ZSTD_isError(rc)) throw_decoding_error("zstd", ZSTD_getErrorName(rc));
      budget_.consume(buffer.pos);
      frame_complete_ = rc == 0;
      // Output not filled and input used up: nothing is left inside the decoder.
      if (in.pos == in.size && buffer.pos < buffer.size) return;
    }
  }

  void finish(std::string& out) override {
    (void)out;   // decode has already flushed every byte the decoder could produce
    if (seen_input_ && !frame_complete_) throw_decoding_error("zstd", "the compressed body is truncated");
  }

 private:
  ZSTD_DCtx* context_;
  OutputBudget budget_;
  bool seen_input_ = false;
  bool frame_complete_ = true;
};

}  // namespace

std::unique_ptr<ContentDecoder> make_zstd_decoder(std::optional<std::size_t> max_output) {
  return std::make_unique<ZstdDecoder>(max_output);
}

}  // namespace httpxx::detail
