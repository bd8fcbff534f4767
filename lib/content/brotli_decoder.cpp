// br (RFC 7932) through libbrotlidec.

#include <cstdint>
#include <string>

#include <brotli/decode.h>

#include "content/codings.hpp"

namespace httpxx::detail {
namespace {

class BrotliDecoder final : public ContentDecoder {
 public:
  explicit BrotliDecoder(std::optional<std::size_t> max_output)
      : state_(BrotliDecoderCreateInstance(nullptr, nullptr, nullptr)), budget_(max_output, "br") {
    if (state_ == nullptr) throw_decoding_error("br", "the brotli decoder could not be created");
  }
  ~BrotliDecoder() override { BrotliDecoderDestroyInstance(state_); }
  BrotliDecoder(const BrotliDecoder&) = delete;
  BrotliDecoder& operator=(const BrotliDecoder&) = delete;

  void decode(std::string_view input, std::string& out) override {
    if (input.empty()) return;
    seen_input_ = true;
    // A brotli stream is self-delimiting; bytes after its end mean a corrupt body, and the
    // reference decoder's bindings reject them too.
    if (ended_) throw_decoding_error("br", "unexpected data after the end of the brotli stream");
    std::size_t available_in = input.size();
    auto next_in = reinterpret_cast<const std::uint8_t*>(input.data());
    while (true) {
      const std::size_t old_size = out.size();
      const std::size_t step = budget_.next_step(decode_step);
      out.resize(old_size + step);
      std::size_t available_out = step;
      auto next_out = reinterpret_cast<std::uint8_t*>(out.data() + old_size);
      const BrotliDecoderResult result = BrotliDecoderDecompressStream(
          state_, &available_in, &next_in, &available_out, &next_out, nullptr);
      const std::size_t produced = step - available_out;
      out.resize(old_size + produced);
      budget_.consume(produced);
      switch (result) {
        case BROTLI_DECODER_RESULT_ERROR:
          throw_decoding_error("br", BrotliDecoderErrorString(BrotliDecoderGetErrorCode(state_)));
        case BROTLI_DECODER_RESULT_SUCCESS:
          ended_ = true;
          if (available_in != 0) {
            throw_decoding_error("br", "unexpected data after the end of the brotli stream");
          }
          return;
        case BROTLI_DECODER_RESULT_NEEDS_MORE_INPUT:
          return;
        case BROTLI_DECODER_RESULT_NEEDS_MORE_OUTPUT:
          break;
      }
    }
  }

  void finish(std::string& out) override {
    (void)out;   // decode has already drained every byte the decoder could produce
    if (seen_input_ && !ended_) throw_decoding_error("br", "the compressed body is truncated");
  }

 private:
  BrotliDecoderState* state_;
  OutputBudget budget_;
  bool seen_input_ = false;
  bool ended_ = false;
};

}  // namespace

std::unique_ptr<ContentDecoder> make_brotli_decoder(std::optional<std::size_t> max_output) {
  return std::make_unique<BrotliDecoder>(max_output);
}

}  // namespace httpxx::detail
