#pragma once
// A sans-I/O HTTP/2 client session (RFC 9113) over nghttp2, which does all framing, HPACK and
// flow control. Bytes read from the connection go in through feed(); what they caused comes
// out as events(); bytes to write come out of drain_output(). Nothing here does I/O, and the
// nghttp2 callbacks only record: no user code runs inside feed().
//
// Typical use by a connection:
//   ClientSession s;                          // queues the preface, SETTINGS, WINDOW_UPDATE
//   auto [id, ec] = s.submit_request(...);    // then provide_data() for a body
//   s.drain_output(buf); write(buf);          // every pending frame in one write
//   n = read(...); s.feed({data, n});         // then handle s.events() and clear them
//   s.consume(id, bytes);                     // as the reader takes body bytes: WINDOW_UPDATE
//
// Flow control: the session never re-opens a window by itself (NO_AUTO_WINDOW_UPDATE). A
// peer can send at most the stream window (SessionSettings::stream_window) before the reader
// calls consume(), so a slow reader holds the sender back instead of buffering without bound.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "codec/h2/error.hpp"
#include "codec/h2/request_fields.hpp"
#include "codec/h2/session_memory.hpp"
#include "codec/h2/stream_table.hpp"
#include "httpxx/headers.hpp"

namespace httpxx::detail::h2 {

struct SessionSettings {
  // Connection-level receive window, announced with a WINDOW_UPDATE on stream 0.
  std::uint32_t connection_window = 16u * 1024 * 1024;
  // SETTINGS_INITIAL_WINDOW_SIZE: what a peer may send on one stream before consume(). A
  // stream moves at most one window per round trip (RFC 9113 section 5.2.2): 4 MiB allows
  // about 335 Mbit/s at 100 ms. A quarter of the connection window, so that streams whose
  // readers stall leave the others room. nghttp2 re-opens it each time half is consumed: a
  // WINDOW_UPDATE per 2 MiB received, each one more read for the server.
  std::uint32_t stream_window = 4u * 1024 * 1024;
  // SETTINGS_MAX_HEADER_LIST_SIZE (RFC 9113 section 6.5.2), also enforced on receipt: a larger
  // response head resets its stream.
  std::uint32_t max_header_list_size = 256u * 1024;
  // Until the peer's SETTINGS arrive, assume this SETTINGS_MAX_CONCURRENT_STREAMS.
  std::uint32_t initial_max_concurrent_streams = 100;
  // A body_wanted event is emitted when a stream's unsent request data falls below this.
  std::size_t upload_low_water = 64u * 1024;
};

struct Event {
  enum class Kind : std::uint8_t {
    headers,         // a response head: status, headers; interim for 1xx (more heads follow)
    data,            // response body bytes: data is a view INTO the buffer given to feed()
    trailers,        // the trailer section: headers
    stream_closed,   // the stream is gone: error_code is NO_ERROR or the RST_STREAM code
    goaway,          // the peer is going away: last_stream_id, error_code, debug_data
    settings,        // the peer's SETTINGS were applied: max_concurrent_streams
    ping_ack,        // the peer acknowledged a submit_ping()
    body_wanted,     // the request body buffer of stream_id ran low: provide_data() more
  };

  Kind kind = Kind::headers;
  std::int32_t stream_id = 0;
  // headers / data / trailers: END_STREAM came with this frame, the response is complete. A
  // body ends with a data event that has end_stream set (its data may be empty).
  bool end_stream = false;
  bool interim = false;           // headers: a 1xx head (RFC 9110 section 15.2)
  int status = 0;                 // headers: the :status value
  Headers headers;                // headers / trailers: regular fields, in received order
  std::string_view data;          // data: valid while the buffer given to feed() is
  std::uint32_t error_code = 0;   // stream_closed / goaway (RFC 9113 section 7)
  std::error_code local_error;    // stream_closed: why this session reset the stream, if so
  std::int32_t last_stream_id = 0;          // goaway
  std::string debug_data;                   // goaway (copied)
  std::uint32_t max_concurrent_streams = 0; // settings
};

class ClientSession {
 public:
  explicit ClientSession(SessionSettings settings = {});
  ~ClientSession();
  ClientSession(const ClientSession&) = delete;
  ClientSession& operator=(const ClientSession&) = delete;

  // Processes bytes read from the connection, appending to events(). An error is a
  // connection error (RFC 9113 section 5.4.1): nghttp2 has queued a GOAWAY, so drain_output()
  // once more, write it, and close the connection.
  std::error_code feed(std::string_view data);

  // Appends every frame ready to go (many frames, one buffer), or returns nghttp2's error.
  std::error_code drain_output(std::string& out);
  bool wants_write() const noexcept;
  // False once the session has nothing left to do (after GOAWAY both ways, or a fatal error).
  bool wants_read() const noexcept;

  struct Submitted {
    std::int32_t stream_id = 0;
    std::error_code error;
  };
  // Opens a stream for a request. authority may be empty: a Host field then supplies it.
  // Fields follow RFC 9113 section 8.2 (see request_fields.hpp). With has_body, the body is
  // given through provide_data() / provide_trailers(), and it may start before the headers
  // are even written.
  Submitted submit_request(std::string_view method, std::string_view scheme,
                           std::string_view authority, std::string_view path,
                           const Headers& headers, bool has_body);

  // Queues request body bytes (copied) for stream_id; end closes the body. The bytes leave as
  // the peer's windows allow; a body_wanted event asks for more when they ran low, so a body of
  // any size streams through a bounded buffer.
  std::error_code provide_data(std::int32_t stream_id, std::string_view chunk, bool end);
  // Queues bytes that owner keeps alive, uncopied: while the stream lasts the session holds
  // owner, and drain_output() writes each DATA frame's payload straight from bytes. For a body
  // already in memory, which the other overload would copy into the queue first.
  std::error_code provide_data(std::int32_t stream_id, std::string_view bytes,
                               std::shared_ptr<const void> owner, bool end);
  // Ends the body of stream_id with a trailer section (RFC 9113 section 8.1).
  std::error_code provide_trailers(std::int32_t stream_id, const Headers& trailers);
  // Request body bytes of stream_id queued but not yet framed.
  std::size_t buffered_upload(std::int32_t stream_id) const noexcept;

  // The reader took n bytes of stream_id's body: re-opens the stream and connection windows
  // (a WINDOW_UPDATE once half a window is consumed). After stream_closed it does nothing: a
  // closed stream's unconsumed bytes are returned to the connection window when it closes.
  void consume(std::int32_t stream_id, std::size_t n);

  void submit_ping();
  // Resets a stream (e.g. CANCEL when the response is dropped unread).
  void submit_rst_stream(std::int32_t stream_id, std::uint32_t error_code);
  // Sends GOAWAY with error_code and ends the session once it is written: streams in flight
  // are abandoned, wants_read() and wants_write() turn false after the next drain_output().
  void terminate(std::uint32_t error_code);
  // Sends GOAWAY(NO_ERROR) but lets the streams in flight finish (RFC 9113 section 6.8).
  void shutdown();

  // Events recorded by feed() and drain_output() (body_wanted; stream_closed after a reset
  // was written), oldest first. The caller handles them and clears the vector; a data
  // event's view is valid while the buffer given to feed() is.
  std::vector<Event>& events() noexcept { return events_; }

  std::uint32_t remote_max_concurrent_streams() const noexcept;
  std::size_t open_streams() const noexcept { return streams_.size(); }
  // GOAWAY sent or received: no new request may be submitted (RFC 9113 section 6.8).
  bool going_away() const noexcept;
  // "<h2::ClientSession [streams: 1 open, max 100 | going away: no]>"
  std::string describe() const;

 private:
  friend struct SessionCallbacks;  // nghttp2's static trampolines, in the .cpp

  struct Stream {
    Headers fields;                // the field section being received
    int status = 0;                // :status of that section
    bool final_head_seen = false;  // later field sections are trailers
    std::size_t header_bytes = 0;  // of the section being received (RFC 9113 6.5.2 sizing)
    std::size_t unconsumed = 0;    // body bytes received, not yet consume()d
    // Request body bytes not yet framed: a view of upload_copy, or of bytes that upload_owner
    // keeps alive. nghttp2 sizes each DATA frame from it (read_body), and drain_output()
    // writes the frame's payload from it (send_data).
    std::string_view upload;
    std::string upload_copy;
    std::shared_ptr<const void> upload_owner;
    bool has_body = false;
    bool upload_ended = false;
    bool upload_deferred = false;  // nghttp2 waits for resume_data
    bool more_asked = false;       // a body_wanted event is outstanding
    bool has_trailers = false;
    Headers trailers;
    std::error_code local_error;
  };

  Stream* find(std::int32_t stream_id) noexcept;
  // Queues bytes after what stream s has queued, and resumes its DATA frames.
  std::error_code queue_upload(std::int32_t stream_id, Stream& s, std::string_view bytes,
                               std::shared_ptr<const void> owner, bool end);
  std::error_code resume(std::int32_t stream_id, Stream& s);

  SessionSettings settings_;
  SessionMemory memory_;            // nghttp2's, for this session only
  nghttp2_session* session_ = nullptr;
  StreamTable<Stream> streams_;
  std::vector<Event> events_;
  RequestFields fields_;  // reused for every request
  std::string* output_ = nullptr;   // drain_output()'s buffer while it runs, for send_data
  int last_lib_error_ = 0;          // first nghttp2 error reported during the current feed()
  bool terminated_locally_ = false; // terminate() was called: not reading is expected
  bool goaway_received_ = false;
  bool shutdown_ = false;           // shutdown() was called: no new streams
};

}  // namespace httpxx::detail::h2
