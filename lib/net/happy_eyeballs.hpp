// Happy Eyeballs version 2 (RFC 8305): address ordering and the staggered connection race.
#pragma once

#include "net/byte_stream.hpp"

#include <asio/ip/tcp.hpp>

#include <chrono>
#include <optional>
#include <string_view>
#include <vector>

namespace httpxx::detail {

// RFC 8305 section 4: keeps the resolver's preference order within each family but alternates
// families, starting with the family of the first address (First Address Family Count = 1),
// so that one broken family costs one attempt, not all of them.
std::vector<asio::ip::tcp::endpoint> interleave_families(const std::vector<asio::ip::tcp::endpoint>& endpoints);

// Races connection attempts to endpoints in the given order (RFC 8305 section 5): the next one
// starts delay after the previous one, or at once when an attempt fails; the first to connect
// wins and the others are closed. Sockets bind to local first when given. Bounded by deadline.
// On failure returns a closed socket and sets error; target ("host:port") names the peer in
// its message.
Awaitable<asio::ip::tcp::socket> race_connect(const std::vector<asio::ip::tcp::endpoint>& endpoints,
    const std::optional<asio::ip::address>& local, std::chrono::milliseconds delay, Deadline deadline,
    std::string_view target, NetError& error);

}  // namespace httpxx::detail
