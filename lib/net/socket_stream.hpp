// ByteStreams over connected sockets: TCP and Unix domain sockets.
#pragma once

#include "net/byte_stream.hpp"

#include <asio/ip/tcp.hpp>
#include <asio/local/stream_protocol.hpp>

#include <memory>

namespace httpxx::detail {

// Takes a connected socket; TCP_NODELAY is the caller's business (connect_tcp sets it).
std::unique_ptr<ByteStream> make_tcp_stream(asio::ip::tcp::socket socket);
std::unique_ptr<ByteStream> make_unix_stream(asio::local::stream_protocol::socket socket);

}  // namespace httpxx::detail
