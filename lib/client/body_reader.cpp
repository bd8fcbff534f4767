#include "client/body_reader.hpp"

#include <utility>

namespace httpxx::detail {

BodyReader::BodyReader(std::shared_ptr<ResponseStream> stream, std::unique_ptr<ContentDecoder> decoder,
                       std::size_t raw_bytes)
    : stream_(std::move(stream)), decoder_(std::move(decoder)), raw_bytes_(raw_bytes) {}

Awaitable<bool> BodyReader::read_raw(std::string& out) {
  if (ended_) co_return false;
  const std::size_t before = out.size();
  // Awaited into a variable, never inside a condition: GCC 12.2 miscompiles a co_await in an
  // if/while condition (the coroutine resumes into a corrupt frame).
  const bool more = co_await stream_->read_some(out);
  if (!more) {
    ended_ = true;
    co_return false;
  }
  raw_bytes_ += out.size() - before;
  co_return true;
}

Awaitable<bool> BodyReader::read_decoded(std::string& out) {
  if (!decoder_) {
    const bool more = co_await read_raw(out);
    co_return more;
  }
  if (flushed_) co_return false;
  raw_.clear();
  const bool more = co_await read_raw(raw_);
  if (more) {
    decoder_->decode(raw_, out);
    co_return true;
  }
  flushed_ = true;
  decoder_->finish(out);
  co_return false;
}

bool BodyReader::read_buffered(std::string& out) {
  if (ended_ && (!decoder_ || flushed_)) return true;
  std::string& target = decoder_ ? raw_ : out;
  if (decoder_) raw_.clear();
  const std::size_t before = target.size();
  if (!ended_) ended_ = stream_->read_buffered(target);
  raw_bytes_ += target.size() - before;
  if (!decoder_) return ended_;
  if (!raw_.empty()) decoder_->decode(raw_, out);
  if (!ended_) return false;
  flushed_ = true;
  decoder_->finish(out);
  return true;
}

}  // namespace httpxx::detail
