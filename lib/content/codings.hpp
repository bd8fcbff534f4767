#pragma once
// The single-coding decoders behind make_decoder, and the output budget they share.

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "content/decoder.hpp"

namespace httpxx::detail {

// Counts what one decoding stage has produced against the optional cap. Decoders grow their
// output by at most next_step() bytes at a time, so a decompression bomb is stopped one step
// past the cap instead of after its whole expansion was allocated.
class OutputBudget {
 public:
  OutputBudget(std::optional<std::size_t> limit, std::string_view coding) noexcept
      : limit_(limit), coding_(coding) {}

  // The most bytes the next step may write: step, or one byte past the cap (enough to tell
  // that the cap was exceeded).
  std::size_t next_step(std::size_t step) const noexcept;
  // Records n more bytes; throws DecodingError once the total is over the cap.
  void consume(std::size_t n);
  std::string_view coding() const noexcept { return coding_; }

 private:
  std::optional<std::size_t> limit_;
  std::size_t produced_ = 0;
  std::string_view coding_;
};

// Output is produced in steps of this size: large enough to amortise the calls into the
// decompressors, small enough that a capped stage never holds much beyond its cap.
inline constexpr std::size_t decode_step = 64 * 1024;

// Throws DecodingError("<coding>: <what>").
[[noreturn]] void throw_decoding_error(std::string_view coding, std::string_view what);

std::unique_ptr<ContentDecoder> make_gzip_decoder(std::optional<std::size_t> max_output);
std::unique_ptr<ContentDecoder> make_deflate_decoder(std::optional<std::size_t> max_output);
std::unique_ptr<ContentDecoder> make_brotli_decoder(std::optional<std::size_t> max_output);
std::unique_ptr<ContentDecoder> make_zstd_decoder(std::optional<std::size_t> max_output);

}  // namespace httpxx::detail
