#include "client/body_reader.hpp"

#include <utility>

namespace httpxx::detail {

BodyReader::BodyReader(std::shared_ptr<ResponseStream> stream, std::unique_ptr<ContentDecoder> decoder)
    : stream_(std::move(stream)), decoder_(std::move(decoder)) {}

asio::awaitable<bool> BodyReader::read_raw(std::string& out) {
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

asio::awaitable<bool> BodyReader::read_decoded(std::string& out) {
  if (!decoder_) {
    const bool more = co_await read_raw(out);
    co_return more;
  }
  if (ended_) co_return false;
  raw_.clear();
  const bool more = co_await read_raw(raw_);
  if (more) {
    decoder_->decode(raw_, out);
    co_return true;
  }
  decoder_->finish(out);
  co_return false;
}

}  // namespace httpxx::detail
