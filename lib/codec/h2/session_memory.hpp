#pragma once
// The memory nghttp2 uses for one session, through its nghttp2_mem hook. Each request makes and
// frees seventeen small blocks inside nghttp2: the stream, the frames queued for it, the copy of
// its fields, a buffer for each field received that the HPACK table does not hold. With a
// hundred streams in flight that is more blocks of one size than glibc's per-thread cache keeps
// (seven), and the rest go through its slower bins: about 170 instructions a block, where a
// list here takes about 35. Blocks up to small_limit bytes are kept, on one list per size, for
// the session's next streams; larger ones, and any beyond kept_limit bytes in all, go straight
// to malloc.

#include <array>
#include <cstddef>

#include <nghttp2/nghttp2.h>

namespace httpxx::detail::h2 {

class SessionMemory {
 public:
  // The largest block kept: a request's blocks are 45 to 389 bytes (a GET with nginx's
  // answer); the buffers nghttp2 makes once per session, for frames and HPACK, are larger.
  static constexpr std::size_t small_limit = 1024;
  // What the lists hold at most, in blocks' sizes, and so what an idle session keeps. A request's
  // blocks come to about 2 KiB, but those of the streams in flight come and go interleaved, so
  // the lists seldom run dry: with a hundred streams in flight, 32 KiB saves as much as 256 KiB
  // (8 KiB: about 450 instructions a request less).
  static constexpr std::size_t kept_limit = 32 * 1024;

  SessionMemory() noexcept;
  // Only once the session that used it is gone: frees every kept block.
  ~SessionMemory();
  SessionMemory(const SessionMemory&) = delete;
  SessionMemory& operator=(const SessionMemory&) = delete;

  // For nghttp2_session_client_new3; valid as long as this object.
  nghttp2_mem* get() noexcept { return &mem_; }
  std::size_t kept_bytes() const noexcept { return kept_bytes_; }

 private:
  // Every block starts with this header, padded to malloc's alignment, so that free() can tell
  // a block's size: nghttp2 does not pass it.
  struct alignas(alignof(std::max_align_t)) Header {
    std::size_t size_class;  // 0 for a block that came from malloc unlisted
    Header* next;            // while kept: the next block of its list
  };
  static constexpr std::size_t granule = alignof(std::max_align_t);
  static constexpr std::size_t class_count = small_limit / granule;

  static void* allocate(std::size_t size, void* self) noexcept;
  static void release(void* pointer, void* self) noexcept;
  static void* allocate_zeroed(std::size_t count, std::size_t size, void* self) noexcept;
  static void* resize(void* pointer, std::size_t size, void* self) noexcept;

  nghttp2_mem mem_;
  std::array<Header*, class_count + 1> lists_{};  // lists_[c]: kept blocks of c granules
  std::size_t kept_bytes_ = 0;
};

}  // namespace httpxx::detail::h2
