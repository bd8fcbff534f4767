#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace httpxx::detail {

// Undoes one content coding (RFC 9110 section 8.4.1) on a body that arrives in chunks.
class ContentDecoder {
 public:
  virtual ~ContentDecoder() = default;
  // Decodes input, appending to out. Throws httpxx::DecodingError on corrupt data.
  virtual void decode(std::string_view input, std::string& out) = 0;
  // End of input: flushes; throws DecodingError if the stream was truncated.
  virtual void finish(std::string& out) = 0;
};

// The decoder for a Content-Encoding header value, possibly a list ("gzip, br": the codings in
// the order they were applied, so they are undone in reverse, RFC 9110 section 8.4). Returns
// nullptr when there is nothing to undo (empty, identity) and, as httpx does, when a coding is
// unknown: the body is then left as it arrived. max_output caps the decoded size of every stage;
// exceeding it throws DecodingError before the excess is stored, since output is produced in
// bounded steps and checked before each is kept.
std::unique_ptr<ContentDecoder> make_decoder(std::string_view content_encoding,
                                             std::optional<std::size_t> max_output);

}  // namespace httpxx::detail
