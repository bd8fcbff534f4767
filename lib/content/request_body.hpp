#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "httpxx/file.hpp"
#include "httpxx/query_params.hpp"

namespace httpxx::detail {

// A request body as the transport sends it: bytes in memory, or a stream read in chunks (a
// multipart body with files on disk).
class RequestBody {
 public:
  virtual ~RequestBody() = default;
  virtual std::optional<std::uint64_t> length() const = 0;   // nullopt: unknown, sent chunked
  virtual const std::string* bytes() const noexcept { return nullptr; }  // whole body if in memory
  // Replaces out with the next chunk of at most max_bytes; false at the end (out empty).
  // Throws std::system_error when a file cannot be read.
  virtual bool read(std::string& out, std::size_t max_bytes) = 0;
  virtual bool rewind() = 0;           // back to the start for a resend; false if impossible
};

std::shared_ptr<RequestBody> make_bytes_body(std::string bytes);

// A body and the Content-Type that describes it.
struct EncodedBody {
  std::shared_ptr<RequestBody> body;
  std::string content_type;
};

// application/x-www-form-urlencoded, as HTML forms and httpx encode it (see form.cpp).
EncodedBody encode_urlencoded_form(const QueryParams& data);
// multipart/form-data (RFC 7578): the fields of data, then the files. Files from disk are read
// in chunks while the body is sent; the length is exact all the same. An empty boundary picks a
// random one. Throws std::system_error when a file cannot be examined.
EncodedBody encode_multipart(const QueryParams& data, const Files& files,
                             std::string boundary = {});
// Compact JSON (no spaces, as httpx's separators=(",", ":")), application/json.
EncodedBody encode_json(const nlohmann::json& json);

}  // namespace httpxx::detail
