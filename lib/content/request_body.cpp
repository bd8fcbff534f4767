#include "content/request_body.hpp"

#include <algorithm>
#include <utility>

#include <nlohmann/json.hpp>

namespace httpxx::detail {
namespace {

// A body held whole in memory; read() serves it in slices.
class BytesBody final : public RequestBody {
 public:
  explicit BytesBody(std::string bytes) : bytes_(std::move(bytes)) {}

  std::optional<std::uint64_t> length() const override { return bytes_.size(); }
  const std::string* bytes() const noexcept override { return &bytes_; }

  bool read(std::string& out, std::size_t max_bytes) override {
    const std::size_t n = std::min(max_bytes, bytes_.size() - position_);
    out.assign(bytes_, position_, n);
    position_ += n;
    return n > 0;
  }

  bool rewind() override {
    position_ = 0;
    return true;
  }

 private:
  std::string bytes_;
  std::size_t position_ = 0;
};

}  // namespace

std::shared_ptr<RequestBody> make_bytes_body(std::string bytes) {
  return std::make_shared<BytesBody>(std::move(bytes));
}

EncodedBody encode_json(const nlohmann::json& json) {
  return {make_bytes_body(json.dump()), "application/json"};
}

}  // namespace httpxx::detail
