#include "content/decoder.hpp"

#include <string>
#include <utility>
#include <vector>

#include "content/codings.hpp"
#include "httpxx/errors.hpp"
#include "httpxx/headers.hpp"

namespace httpxx::detail {

std::size_t OutputBudget::next_step(std::size_t step) const noexcept {
  if (!limit_) return step;
  const std::size_t remaining = *limit_ - produced_;
  return remaining < step ? remaining + 1 : step;
}

void OutputBudget::consume(std::size_t n) {
  produced_ += n;
  if (limit_ && produced_ > *limit_) {
    throw_decoding_error(coding_, "decoded size exceeds the limit of " + std::to_string(*limit_) +
                                      " bytes; the body was not decompressed further");
  }
}

void throw_decoding_error(std::string_view coding, std::string_view what) {
  std::string message = "cannot decode the response body (Content-Encoding: ";
  message.append(coding).append("): ").append(what);
  throw DecodingError(message);
}

namespace {

// Several codings applied in turn. stages_ is in decoding order (the reverse of the header's),
// and each stage's output is the next one's input; the intermediate buffers are reused.
class ChainDecoder final : public ContentDecoder {
 public:
  explicit ChainDecoder(std::vector<std::unique_ptr<ContentDecoder>> stages)
      : stages_(std::move(stages)), buffers_(stages_.size() - 1) {}

  void decode(std::string_view input, std::string& out) override { feed(0, input, out); }

  void finish(std::string& out) override {
    const std::size_t last = stages_.size() - 1;
    for (std::size_t i = 0; i < last; ++i) {
      buffers_[i].clear();
      stages_[i]->finish(buffers_[i]);
      feed(i + 1, buffers_[i], out);
    }
    stages_[last]->finish(out);
  }

 private:
  void feed(std::size_t stage, std::string_view input, std::string& out) {
    for (; stage + 1 < stages_.size(); ++stage) {
      if (input.empty()) return;
      std::string& next = buffers_[stage];
      next.clear();
      stages_[stage]->decode(input, next);
      input = next;
    }
    stages_.back()->decode(input, out);
  }

  std::vector<std::unique_ptr<ContentDecoder>> stages_;
  std::vector<std::string> buffers_;
};

std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

using Factory = std::unique_ptr<ContentDecoder> (*)(std::optional<std::size_t>);

// Coding names are case-insensitive (RFC 9110 section 8.4.1); "x-gzip" is gzip (section 8.4.1.3).
Factory factory_for(std::string_view coding) noexcept {
  if (iequals(coding, "gzip") || iequals(coding, "x-gzip")) return make_gzip_decoder;
  if (iequals(coding, "deflate")) return make_deflate_decoder;
  if (iequals(coding, "br")) return make_brotli_decoder;
  if (iequals(coding, "zstd")) return make_zstd_decoder;
  return nullptr;
}

}  // namespace

std::unique_ptr<ContentDecoder> make_decoder(std::string_view content_encoding,
                                             std::optional<std::size_t> max_output) {
  std::vector<Factory> factories;
  while (!content_encoding.empty()) {
    const std::size_t comma = content_encoding.find(',');
    const std::string_view coding = trim(content_encoding.substr(0, comma));
    content_encoding = comma == std::string_view::npos ? std::string_view{}
                                                       : content_encoding.substr(comma + 1);
    if (coding.empty() || iequals(coding, "identity")) continue;
    const Factory factory = factory_for(coding);
    // Undoing the codings we know around one we do not would garble the body: leave it whole.
    if (!factory) return nullptr;
    factories.push_back(factory);
  }
  if (factories.empty()) return nullptr;
  if (factories.size() == 1) return factories.front()(max_output);

  std::vector<std::unique_ptr<ContentDecoder>> stages;
  stages.reserve(factories.size());
  for (auto it = factories.rbegin(); it != factories.rend(); ++it) stages.push_back((*it)(max_output));
  return std::make_unique<ChainDecoder>(std::move(stages));
}

}  // namespace httpxx::detail
