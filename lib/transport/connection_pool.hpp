#pragma once

#include <chrono>
#include <cstddef>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <asio/any_io_executor.hpp>

#include "httpxx/config.hpp"
#include "net/pooled_awaitable.hpp"
#include "transport/connection.hpp"

namespace httpxx::detail {

class ConnectionPool;
struct PoolOrigin;

// An idle connection in the pool.
struct PoolIdle {
  std::shared_ptr<Connection> connection;
  PoolOrigin* origin;
  std::chrono::steady_clock::time_point expires;
};

// The right to use one connection for one request (or, with no connection yet, to open one in a
// reserved slot). Destroying a lease without release() counts as "not reusable": the connection
// is closed, so a request that was cancelled or threw can never leave a half-used connection in
// the pool, nor leak its slot.
class PoolLease {
 public:
  PoolLease() = default;
  PoolLease(PoolLease&& other) noexcept { *this = std::move(other); }
  PoolLease& operator=(PoolLease&& other) noexcept;
  ~PoolLease() { release(false); }

  explicit operator bool() const noexcept { return pool_ != nullptr; }
  Connection* connection() const noexcept { return connection_.get(); }
  const std::shared_ptr<Connection>& shared_connection() const noexcept { return connection_; }
  // The connection just opened in this lease's slot; the pool learns whether it multiplexes.
  void attach(std::shared_ptr<Connection> connection);
  // Done with the connection: reusable ones go back to the pool, the others are closed.
  void release(bool reusable) noexcept;

 private:
  friend class ConnectionPool;
  std::shared_ptr<ConnectionPool> pool_;
  PoolOrigin* origin_ = nullptr;
  std::shared_ptr<Connection> connection_;
};

// Connections per origin under the client's Limits. Acquiring is O(1) for the origin: the idle
// connections of each origin are a stack (most recently used on top) and a global list in idle
// order serves expiry and eviction, so no request scans every socket (encode/httpx#3215).
// Requests beyond max_connections wait in FIFO order and are handed a connection or a slot
// directly when one frees up, until the pool timeout. Thread-safe.
class ConnectionPool : public std::enable_shared_from_this<ConnectionPool> {
 public:
  using Clock = std::chrono::steady_clock;

  explicit ConnectionPool(Limits limits);
  ~ConnectionPool();

  // The lease acquire() would grant at once, without suspending: the common case of a pooled
  // connection at hand costs no coroutine frame. False when the request would have to wait.
  bool try_acquire(std::string_view origin, bool may_multiplex, PoolLease& lease);
  // A lease on an idle (or multiplexed) connection of origin, or on a free slot to open one
  // (lease.connection() == nullptr), waiting until deadline. Throws PoolTimeout with `why` when
  // the deadline passes.
  // may_multiplex: the origin may answer with HTTP/2; while its first connection is being opened,
  // further requests wait to learn whether they can share it rather than open their own.
  Awaitable<PoolLease> acquire(std::string_view origin, bool may_multiplex,
                               Clock::time_point deadline, std::string_view timeout_description);
  // Closes every idle connection and every multiplexed one, with the streams still open on it
  // (an HTTP/2 connection always has a read pending, which would keep its event loop running);
  // an HTTP/1.1 connection in use is left to its lease, which finishes normally.
  void close_idle() noexcept;

  struct Stats {
    std::size_t requests_active = 0, requests_queued = 0;
    std::size_t connections_active = 0, connections_idle = 0;
  };
  Stats stats() const;
  // "<ConnectionPool [Requests: 1 active, 0 queued | Connections: 1 active, 0 idle]>"
  std::string describe() const;

 private:
  friend class PoolLease;
  struct Waiter;
  struct WaiterGuard;

  PoolOrigin& origin_entry(std::string_view origin);   // requires mutex_
  // Each entry point reads the clock once and passes the time on (a read is a vDSO call).
  bool try_grant(PoolOrigin& origin, bool may_multiplex, Clock::time_point now, PoolLease& lease,
                 std::vector<std::shared_ptr<Connection>>& to_close);
  void drop_idle(std::list<PoolIdle>::iterator it, std::vector<std::shared_ptr<Connection>>& to_close);
  // A multiplexed connection no longer handed out (the server sent GOAWAY, or it failed): it
  // closes once its open streams have ended, or when the client closes. Requires mutex_.
  void retire_multiplexed(std::shared_ptr<Connection> connection,
                          std::vector<std::shared_ptr<Connection>>& to_close);
  // Removes an idle entry whose connection was taken (or dropped), keeping its node.
  void forget_idle(std::list<PoolIdle>::iterator it) noexcept;
  void dispatch_waiters(Clock::time_point now, std::vector<std::shared_ptr<Connection>>& to_close);
  void expire_idle(Clock::time_point now, std::vector<std::shared_ptr<Connection>>& to_close);
  void make_lease(PoolLease& lease, PoolOrigin& origin, std::shared_ptr<Connection> connection);
  void on_attach(PoolLease& lease);
  void on_release(PoolLease& lease, bool reusable) noexcept;

  Limits limits_;
  mutable std::mutex mutex_;
  struct StringHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, PoolOrigin, StringHash, std::equal_to<>> origins_;
  std::list<PoolIdle> idle_;                      // oldest first
  // Nodes of idle_ not in use, kept so that a connection going idle and back costs no allocation.
  std::list<PoolIdle> spare_;
  std::list<std::shared_ptr<Waiter>> waiters_;
  // Retired multiplexed connections whose last streams may still be running.
  std::vector<std::weak_ptr<Connection>> retiring_;
  std::size_t connections_ = 0;        // open or being opened
  std::size_t requests_active_ = 0;
};

// The pool's state for one origin.
struct PoolOrigin {
  std::vector<std::list<PoolIdle>::iterator> idle;      // most recently used last
  std::vector<std::shared_ptr<Connection>> multiplexed;  // HTTP/2 connections
  std::size_t opening = 0;      // slots granted whose connection is not attached yet
  bool known_http1 = false;     // a connection to it was not multiplexed: no reason to wait
};

}  // namespace httpxx::detail
