#pragma once
// The streams of one HTTP/2 connection, by id. A connection opens and closes a stream for each
// request, and a hash map allocates a node for each entry it adds and frees it when the entry
// goes. This table keeps the nodes of ended streams and hands them to the next ones (C++17 node
// handles), so that once a connection has run as many streams at once as it will, a stream
// costs its table no allocation.

#include <cstddef>
#include <cstdint>
#include <unordered_map>
#include <utility>
#include <vector>

namespace httpxx::detail::h2 {

template <typename Value>
class StreamTable {
  using Map = std::unordered_map<std::int32_t, Value>;

 public:
  using iterator = typename Map::iterator;
  using const_iterator = typename Map::const_iterator;

  // Nodes kept at most: the streams a peer usually lets run at once (RFC 9113 section 6.5.2
  // recommends no fewer than 100). Fewer are kept when fewer ran at once.
  static constexpr std::size_t spare_limit = 128;

  // Adds id's entry, in a kept node when there is one.
  Value& insert(std::int32_t id, Value value) {
    if (spare_.empty()) return map_.insert_or_assign(id, std::move(value)).first->second;
    auto node = std::move(spare_.back());
    spare_.pop_back();
    node.key() = id;
    node.mapped() = std::move(value);
    auto result = map_.insert(std::move(node));
    if (!result.inserted) result.position->second = std::move(result.node.mapped());
    return result.position->second;
  }

  // Removes the entry. Its value is replaced by an empty one at once, so that what it held goes
  // now, and its node is kept for a later insert.
  void erase(iterator it) noexcept {
    auto node = map_.extract(it);
    if (spare_.size() >= spare_limit) return;
    node.mapped() = Value{};
    try {
      spare_.push_back(std::move(node));
    } catch (...) {
      // Out of memory for the list itself: the node is freed instead.
    }
  }

  // Removes every entry, keeping no node: for a connection that is ending.
  void clear() noexcept {
    map_.clear();
    spare_.clear();
  }

  iterator find(std::int32_t id) { return map_.find(id); }
  const_iterator find(std::int32_t id) const { return map_.find(id); }
  iterator begin() noexcept { return map_.begin(); }
  iterator end() noexcept { return map_.end(); }
  const_iterator begin() const noexcept { return map_.begin(); }
  const_iterator end() const noexcept { return map_.end(); }
  std::size_t size() const noexcept { return map_.size(); }
  bool empty() const noexcept { return map_.empty(); }
  std::size_t spare() const noexcept { return spare_.size(); }

 private:
  Map map_;
  std::vector<typename Map::node_type> spare_;
};

}  // namespace httpxx::detail::h2
