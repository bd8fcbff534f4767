#include "transport/connection_pool.hpp"

#include <algorithm>

#include <asio/post.hpp>
#include <asio/redirect_error.hpp>
#include <asio/steady_timer.hpp>
#include <asio/this_coro.hpp>

#include "httpxx/errors.hpp"
#include "net/pooled_awaitable.hpp"

namespace httpxx::detail {

// PoolLease ---------------------------------------------------------------------------------

PoolLease& PoolLease::operator=(PoolLease&& other) noexcept {
  if (this != &other) {
    release(false);
    pool_ = std::move(other.pool_);
    origin_ = std::exchange(other.origin_, nullptr);
    connection_ = std::move(other.connection_);
    other.pool_.reset();
  }
  return *this;
}

void PoolLease::attach(std::shared_ptr<Connection> connection) {
  connection_ = std::move(connection);
  if (pool_) pool_->on_attach(*this);
}

void PoolLease::release(bool reusable) noexcept {
  if (!pool_) return;
  auto pool = std::move(pool_);
  pool_.reset();
  pool->on_release(*this, reusable);
  origin_ = nullptr;
  connection_.reset();
}

// Waiting -----------------------------------------------------------------------------------

// A request queued for a connection. The pool fills in `lease` and wakes it by cancelling its
// timer (posted to the timer's executor: the pool may be called from any thread).
struct ConnectionPool::Waiter {
  Waiter(asio::any_io_executor executor, PoolOrigin* o, bool multiplex)
      : timer(std::move(executor)), origin(o), may_multiplex(multiplex) {}
  asio::steady_timer timer;
  PoolOrigin* origin;
  bool may_multiplex;
  bool granted = false;
  PoolLease lease;
};

// Leaves the queue however the waiting coroutine ends, even when its frame is destroyed while
// suspended: a granted but unclaimed lease goes back to the pool intact.
struct ConnectionPool::WaiterGuard {
  ConnectionPool& pool;
  std::shared_ptr<Waiter> waiter;
  ~WaiterGuard() {
    PoolLease unclaimed;
    {
      std::lock_guard lock(pool.mutex_);
      if (waiter->granted) {
        unclaimed = std::move(waiter->lease);
      } else {
        pool.waiters_.remove(waiter);
      }
    }
    unclaimed.release(unclaimed.connection() != nullptr);
  }
};

// ConnectionPool ----------------------------------------------------------------------------

ConnectionPool::ConnectionPool(Limits limits) : limits_(limits) {}

ConnectionPool::~ConnectionPool() {
  for (auto& idle : idle_) idle.connection->close();
}

PoolOrigin& ConnectionPool::origin_entry(std::string_view origin) {
  auto it = origins_.find(origin);
  if (it == origins_.end()) it = origins_.emplace(std::string(origin), PoolOrigin{}).first;
  return it->second;
}

void ConnectionPool::make_lease(PoolLease& lease, PoolOrigin& origin, std::shared_ptr<Connection> connection) {
  lease.pool_ = shared_from_this();
  lease.origin_ = &origin;
  lease.connection_ = std::move(connection);
  ++requests_active_;
}

void ConnectionPool::drop_idle(std::list<PoolIdle>::iterator it,
                               std::vector<std::shared_ptr<Connection>>& to_close) {
  auto& stack = it->origin->idle;
  stack.erase(std::find(stack.begin(), stack.end(), it));
  to_close.push_back(std::move(it->connection));
  forget_idle(it);
}

void ConnectionPool::forget_idle(std::list<PoolIdle>::iterator it) noexcept {
  it->connection.reset();
  spare_.splice(spare_.end(), idle_, it);
}

void ConnectionPool::expire_idle(Clock::time_point now, std::vector<std::shared_ptr<Connection>>& to_close) {
  // The list is in idle order and expiry grows with it (one keepalive_expiry for all), except
  // where a server asked for less (Keep-Alive: timeout=): those are also caught on reuse.
  while (!idle_.empty() && idle_.front().expires <= now) {
    drop_idle(idle_.begin(), to_close);
    --connections_;
  }
}

bool ConnectionPool::try_grant(PoolOrigin& origin, bool may_multiplex, Clock::time_point now,
                               PoolLease& lease, std::vector<std::shared_ptr<Connection>>& to_close) {
  while (!origin.idle.empty()) {
    auto it = origin.idle.back();
    origin.idle.pop_back();
    auto connection = std::move(it->connection);
    const bool alive = it->expires > now;
    forget_idle(it);
    if (alive && connection->is_reusable()) {
      make_lease(lease, origin, std::move(connection));
      return true;
    }
    --connections_;
    to_close.push_back(std::move(connection));
  }
  for (auto it = origin.multiplexed.begin(); it != origin.multiplexed.end();) {
    if ((*it)->is_reusable()) {
      // An HTTP/2 connection queues streams beyond the peer's limit itself (RFC 9113 5.1.2):
      // requests share it rather than open another.
      make_lease(lease, origin, *it);
      return true;
    }
    retire_multiplexed(std::move(*it), to_close);
    it = origin.multiplexed.erase(it);
    --connections_;
  }
  // A connection being opened may turn out to be HTTP/2: wait for it rather than open a second.
  if (may_multiplex && !origin.known_http1 && origin.opening > 0) return false;
  if (!limits_.max_connections || connections_ < *limits_.max_connections) {
    ++connections_;
    ++origin.opening;
    make_lease(lease, origin, nullptr);
    return true;
  }
  if (!idle_.empty()) {   // full, but an idle connection elsewhere can make room
    drop_idle(idle_.begin(), to_close);
    ++origin.opening;
    make_lease(lease, origin, nullptr);
    return true;
  }
  return false;
}

void ConnectionPool::dispatch_waiters(Clock::time_point now,
                                      std::vector<std::shared_ptr<Connection>>& to_close) {
  for (auto it = waiters_.begin(); it != waiters_.end();) {
    auto& waiter = **it;
    if (!try_grant(*waiter.origin, waiter.may_multiplex, now, waiter.lease, to_close)) {
      ++it;
      continue;
    }
    waiter.granted = true;
    asio::post(waiter.timer.get_executor(), pooled([w = *it] { w->timer.cancel(); }));
    it = waiters_.erase(it);
  }
}

bool ConnectionPool::try_acquire(std::string_view origin_key, bool may_multiplex, PoolLease& lease) {
  std::vector<std::shared_ptr<Connection>> to_close;
  bool granted = false;
  {
    std::lock_guard lock(mutex_);
    const auto now = Clock::now();
    expire_idle(now, to_close);
    granted = try_grant(origin_entry(origin_key), may_multiplex, now, lease, to_close);
  }
  for (auto& connection : to_close) connection->close_when_idle();
  return granted;
}

Awaitable<PoolLease> ConnectionPool::acquire(std::string_view origin_key, bool may_multiplex,
                                             Clock::time_point deadline,
                                             std::string_view timeout_description) {
  PoolLease lease;
  std::shared_ptr<Waiter> waiter;
  std::vector<std::shared_ptr<Connection>> to_close;
  {
    std::lock_guard lock(mutex_);
    const auto now = Clock::now();
    expire_idle(now, to_close);
    auto& origin = origin_entry(origin_key);
    if (!try_grant(origin, may_multiplex, now, lease, to_close)) {
      waiter = std::make_shared<Waiter>(co_await asio::this_coro::executor, &origin, may_multiplex);
      waiters_.push_back(waiter);
    }
  }
  for (auto& connection : to_close) connection->close_when_idle();
  if (!waiter) co_return lease;

  WaiterGuard guard{*this, waiter};
  waiter->timer.expires_at(deadline);
  std::error_code ec;
  co_await waiter->timer.async_wait(asio::redirect_error(use_pooled, ec));
  // A cancelled request leaves a lease granted to it for the guard to give back intact: taken,
  // it would be dropped unused by whoever cancelled (an awaitable_operators `||` discards the
  // loser's result) and a good connection closed with it.
  const auto cancel_state = co_await asio::this_coro::cancellation_state;
  if (cancel_state.cancelled() == asio::cancellation_type::none) {
    std::lock_guard lock(mutex_);
    if (waiter->granted) {
      waiter->granted = false;   // claimed: the guard has nothing to give back
      lease = std::move(waiter->lease);
    }
  }
  if (lease) co_return lease;
  if (Clock::now() < deadline) throw asio::system_error(asio::error::operation_aborted);
  throw PoolTimeout("timed out waiting for a connection from the pool (" +
                    std::string(timeout_description) + ")");
}

void ConnectionPool::on_attach(PoolLease& lease) {
  std::vector<std::shared_ptr<Connection>> to_close;
  {
    std::lock_guard lock(mutex_);
    auto& origin = *lease.origin_;
    --origin.opening;
    if (lease.connection_->is_multiplexed()) {
      origin.multiplexed.push_back(lease.connection_);
    } else {
      origin.known_http1 = true;
    }
    dispatch_waiters(Clock::now(), to_close);
  }
  for (auto& connection : to_close) connection->close_when_idle();
}

void ConnectionPool::on_release(PoolLease& lease, bool reusable) noexcept {
  std::vector<std::shared_ptr<Connection>> to_close;
  {
    std::lock_guard lock(mutex_);
    const auto now = Clock::now();
    --requests_active_;
    auto& origin = *lease.origin_;
    auto connection = std::move(lease.connection_);
    if (!connection) {                       // the slot's connection was never opened
      --origin.opening;
      --connections_;
    } else if (connection->is_multiplexed()) {
      if (!reusable) {
        auto it = std::find(origin.multiplexed.begin(), origin.multiplexed.end(), connection);
        if (it != origin.multiplexed.end()) {
          origin.multiplexed.erase(it);
          --connections_;
          retire_multiplexed(std::move(connection), to_close);
        }
      }
    } else if (reusable) {
      auto expires = Clock::time_point::max();
      if (limits_.keepalive_expiry) {
        expires = now + std::chrono::duration_cast<Clock::duration>(*limits_.keepalive_expiry);
      }
      expires = std::min(expires, connection->server_expiry());
      PoolIdle entry{std::move(connection), &origin, expires};
      if (spare_.empty()) {
        idle_.push_back(std::move(entry));
      } else {
        idle_.splice(idle_.end(), spare_, spare_.begin());
        idle_.back() = std::move(entry);
      }
      origin.idle.push_back(std::prev(idle_.end()));
    } else {
      --connections_;
      to_close.push_back(std::move(connection));
    }
    expire_idle(now, to_close);
    dispatch_waiters(now, to_close);
    // Only now is max_keepalive_connections enforced, so that a request waiting for this origin
    // is handed the connection rather than a slot to open a new one; the longest idle go first.
    while (limits_.max_keepalive_connections && idle_.size() > *limits_.max_keepalive_connections) {
      drop_idle(idle_.begin(), to_close);
      --connections_;
    }
    // The last request in flight is done: the idle connections let go of the event loop. While
    // others are in flight their timers stay, and serve their next requests without a new wait.
    if (requests_active_ == 0) {
      for (auto& idle : idle_) idle.connection->release_when_idle();
    }
  }
  for (auto& connection : to_close) connection->close_when_idle();
}

void ConnectionPool::retire_multiplexed(std::shared_ptr<Connection> connection,
                                        std::vector<std::shared_ptr<Connection>>& to_close) {
  std::erase_if(retiring_, [](const std::weak_ptr<Connection>& gone) { return gone.expired(); });
  retiring_.push_back(connection);
  to_close.push_back(std::move(connection));
}

void ConnectionPool::close_idle() noexcept {
  std::vector<std::shared_ptr<Connection>> to_close;
  {
    std::lock_guard lock(mutex_);
    for (auto& retired : retiring_) {
      if (auto connection = retired.lock()) to_close.push_back(std::move(connection));
    }
    retiring_.clear();
    while (!idle_.empty()) {
      drop_idle(idle_.begin(), to_close);
      --connections_;
    }
    for (auto& [key, origin] : origins_) {
      for (auto& connection : origin.multiplexed) to_close.push_back(std::move(connection));
      connections_ -= origin.multiplexed.size();
      origin.multiplexed.clear();
    }
  }
  for (auto& connection : to_close) connection->close();
}

ConnectionPool::Stats ConnectionPool::stats() const {
  std::lock_guard lock(mutex_);
  Stats stats;
  stats.requests_active = requests_active_;
  stats.requests_queued = waiters_.size();
  // An HTTP/2 connection without an open stream is idle too, though it stays with its origin.
  std::size_t idle_multiplexed = 0;
  for (const auto& [key, origin] : origins_) {
    for (const auto& connection : origin.multiplexed) idle_multiplexed += connection->is_idle() ? 1 : 0;
  }
  stats.connections_idle = idle_.size() + idle_multiplexed;
  stats.connections_active = connections_ - stats.connections_idle;
  return stats;
}

std::string ConnectionPool::describe() const {
  const auto s = stats();
  return "<ConnectionPool [Requests: " + std::to_string(s.requests_active) + " active, " +
         std::to_string(s.requests_queued) + " queued | Connections: " +
         std::to_string(s.connections_active) + " active, " + std::to_string(s.connections_idle) +
         " idle]>";
}

}  // namespace httpxx::detail
