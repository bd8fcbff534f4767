#include "content/chunk_pipeline.hpp"

#include <utility>

namespace httpxx::detail {

ChunkPipeline::ChunkPipeline(Kind kind, std::size_t chunk_size, std::optional<TextDecoder> decoder)
    : kind_(kind), bytes_(chunk_size), text_(chunk_size), decoder_(std::move(decoder)) {}

ChunkPipeline ChunkPipeline::bytes(std::size_t chunk_size) {
  return ChunkPipeline(Kind::bytes, chunk_size, std::nullopt);
}

ChunkPipeline ChunkPipeline::text(std::string_view charset, std::size_t chunk_size) {
  return ChunkPipeline(Kind::text, chunk_size, TextDecoder(charset));
}

ChunkPipeline ChunkPipeline::lines(std::string_view charset) {
  return ChunkPipeline(Kind::lines, 0, TextDecoder(charset));
}

void ChunkPipeline::push(std::string_view data) {
  if (kind_ == Kind::bytes) {
    bytes_.push(data, ready_);
    return;
  }
  std::string text;
  decoder_->decode(data, text);
  push_text(std::move(text));
}

void ChunkPipeline::push_owned(std::string&& data) {
  if (kind_ == Kind::bytes) {
    bytes_.push_owned(std::move(data), ready_);
    return;
  }
  push(std::string_view(data));
}

void ChunkPipeline::finish() {
  if (kind_ == Kind::bytes) {
    bytes_.flush(ready_);
    return;
  }
  std::string tail;
  decoder_->finish(tail);
  push_text(std::move(tail));
  if (kind_ == Kind::text) {
    text_.flush(ready_);
  } else {
    lines_.flush(ready_);
  }
}

void ChunkPipeline::push_text(std::string text) {
  if (kind_ == Kind::text) {
    text_.push(std::move(text), ready_);
  } else {
    lines_.push(text, ready_);
  }
}

bool ChunkPipeline::pop(std::string& item) {
  if (next_ == ready_.size()) return false;
  item = std::move(ready_[next_++]);
  if (next_ == ready_.size()) {
    ready_.clear();   // keeps its capacity for the next items
    next_ = 0;
  }
  return true;
}

}  // namespace httpxx::detail
