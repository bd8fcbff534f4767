#include "codec/h2/client_session.hpp"

#include "codec/typical_fields.hpp"

#include <algorithm>
#include <array>
#include <new>

#include <nghttp2/nghttp2.h>

namespace httpxx::detail::h2 {

// nghttp2 calls plain C functions with the session's user data; these forward to the
// ClientSession and only record events. Exceptions (allocation failures) must not cross the C
// library, so each callback turns them into NGHTTP2_ERR_CALLBACK_FAILURE, a connection error.
struct SessionCallbacks {
  static ClientSession& self(void* user_data) noexcept {
    return *static_cast<ClientSession*>(user_data);
  }

  static std::string_view view(const std::uint8_t* p, std::size_t n) noexcept {
    return {reinterpret_cast<const char*>(p), n};
  }

  static int on_begin_headers(nghttp2_session*, const nghttp2_frame* frame, void* user_data) {
    if (frame->hd.type != NGHTTP2_HEADERS) return 0;
    if (ClientSession::Stream* s = self(user_data).find(frame->hd.stream_id)) {
      s->fields.clear();
      s->status = 0;
      s->header_bytes = 0;
    }
    return 0;
  }

  static int on_header(nghttp2_session*, const nghttp2_frame* frame, const std::uint8_t* name,
                       std::size_t namelen, const std::uint8_t* value, std::size_t valuelen,
                       std::uint8_t, void* user_data) noexcept {
    ClientSession& c = self(user_data);
    ClientSession::Stream* s = c.find(frame->hd.stream_id);
    if (s == nullptr) return 0;
    // RFC 9113 section 6.5.2: the size of a field is its name and value plus 32 octets.
    s->header_bytes += namelen + valuelen + 32;
    if (s->header_bytes > c.settings_.max_header_list_size) {
      s->local_error = Errc::header_list_too_large;
      return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE;  // resets this stream only
    }
    const std::string_view n = view(name, namelen);
    const std::string_view v = view(value, valuelen);
    if (n == ":status") {
      // nghttp2's HTTP messaging checks made sure it is three digits (RFC 9113 8.3.2).
      int status = 0;
      for (char d : v) status = status * 10 + (d - '0');
      s->status = status;
      return 0;
    }
    if (!n.empty() && n.front() == ':') return 0;  // no other response pseudo-header exists
    try {
      if (s->fields.empty()) s->fields.reserve(typical_header_count);
      s->fields.emplace_unchecked(n, v);
    } catch (...) {
      return NGHTTP2_ERR_CALLBACK_FAILURE;
    }
    return 0;
  }

  static int on_frame_recv(nghttp2_session* session, const nghttp2_frame* frame,
                           void* user_data) noexcept {
    ClientSession& c = self(user_data);
    try {
      switch (frame->hd.type) {
        case NGHTTP2_HEADERS: {
          ClientSession::Stream* s = c.find(frame->hd.stream_id);
          if (s == nullptr) break;
          Event e;
          e.stream_id = frame->hd.stream_id;
          e.end_stream = (frame->hd.flags & NGHTTP2_FLAG_END_STREAM) != 0;
          e.headers = std::move(s->fields);
          s->fields.clear();
          if (!s->final_head_seen && s->status != 0) {
            e.kind = Event::Kind::headers;
            e.status = s->status;
            e.interim = s->status / 100 == 1;
            s->final_head_seen = !e.interim;
          } else {
            e.kind = Event::Kind::trailers;  // a field section after the final head
          }
          c.events_.push_back(std::move(e));
          break;
        }
        case NGHTTP2_DATA:
          if ((frame->hd.flags & NGHTTP2_FLAG_END_STREAM) != 0) {
            Event e;
            e.kind = Event::Kind::data;
            e.stream_id = frame->hd.stream_id;
            e.end_stream = true;
            c.events_.push_back(std::move(e));
          }
          break;
        case NGHTTP2_GOAWAY: {
          c.goaway_received_ = true;
          Event e;
          e.kind = Event::Kind::goaway;
          e.last_stream_id = frame->goaway.last_stream_id;
          e.error_code = frame->goaway.error_code;
          e.debug_data.assign(reinterpret_cast<const char*>(frame->goaway.opaque_data),
                              frame->goaway.opaque_data_len);
          c.events_.push_back(std::move(e));
          break;
        }
        case NGHTTP2_SETTINGS:
          if ((frame->hd.flags & NGHTTP2_FLAG_ACK) == 0) {
            Event e;
            e.kind = Event::Kind::settings;
            e.max_concurrent_streams = nghttp2_session_get_remote_settings(
                session, NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS);
            c.events_.push_back(std::move(e));
          }
          break;
        case NGHTTP2_PING:
          if ((frame->hd.flags & NGHTTP2_FLAG_ACK) != 0) {
            Event e;
            e.kind = Event::Kind::ping_ack;
            c.events_.push_back(std::move(e));
          }
          break;
        default:
          break;
      }
    } catch (...) {
      return NGHTTP2_ERR_CALLBACK_FAILURE;
    }
    return 0;
  }

  static int on_data_chunk_recv(nghttp2_session* session, std::uint8_t, std::int32_t stream_id,
                                const std::uint8_t* data, std::size_t len,
                                void* user_data) noexcept {
    ClientSession& c = self(user_data);
    ClientSession::Stream* s = c.find(stream_id);
    if (s == nullptr) {
      // Nobody will read it: give the window back at once.
      nghttp2_session_consume_connection(session, len);
      return 0;
    }
    s->unconsumed += len;
    try {
      Event e;
      e.kind = Event::Kind::data;
      e.stream_id = stream_id;
      e.data = view(data, len);  // points into the buffer given to nghttp2_session_mem_recv
      c.events_.push_back(std::move(e));
    } catch (...) {
      return NGHTTP2_ERR_CALLBACK_FAILURE;
    }
    return 0;
  }

  static int on_stream_close(nghttp2_session* session, std::int32_t stream_id,
                             std::uint32_t error_code, void* user_data) noexcept {
    ClientSession& c = self(user_data);
    auto it = c.streams_.find(stream_id);
    if (it == c.streams_.end()) return 0;
    // Bytes the reader never consumed must not shrink the connection window for good.
    if (it->second.unconsumed != 0) {
      nghttp2_session_consume_connection(session, it->second.unconsumed);
    }
    try {
      Event e;
      e.kind = Event::Kind::stream_closed;
      e.stream_id = stream_id;
      e.error_code = error_code;
      e.local_error = it->second.local_error;
      c.events_.push_back(std::move(e));
    } catch (...) {
      c.streams_.erase(it);
      return NGHTTP2_ERR_CALLBACK_FAILURE;
    }
    c.streams_.erase(it);
    return 0;
  }

  // Called with the reason of the protocol violations nghttp2 detects (stream or connection
  // level); feed() reports the one that ended the connection.
  static int on_error(nghttp2_session*, int lib_error_code, const char*, std::size_t,
                      void* user_data) noexcept {
    ClientSession& c = self(user_data);
    if (c.last_lib_error_ == 0) c.last_lib_error_ = lib_error_code;
    return 0;
  }

  static int on_invalid_frame_recv(nghttp2_session*, const nghttp2_frame*, int lib_error_code,
                                   void* user_data) noexcept {
    ClientSession& c = self(user_data);
    if (c.last_lib_error_ == 0) c.last_lib_error_ = lib_error_code;
    return 0;
  }

  // nghttp2_data_source_read_callback for request bodies: sizes the next DATA frame from what
  // provide_data() queued, defers when nothing is queued yet, and asks for more when the queue
  // runs low. The payload is not copied into nghttp2's buffer (NGHTTP2_DATA_FLAG_NO_COPY):
  // send_data writes it into the output when the frame goes.
  static ssize_t read_body(nghttp2_session* session, std::int32_t stream_id, std::uint8_t*,
                           std::size_t length, std::uint32_t* data_flags, nghttp2_data_source*,
                           void* user_data) noexcept {
    ClientSession& c = self(user_data);
    ClientSession::Stream* s = c.find(stream_id);
    if (s == nullptr) return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE;
    const std::size_t n = std::min(length, s->upload.size());
    if (n != 0) *data_flags |= NGHTTP2_DATA_FLAG_NO_COPY;
    const std::size_t left = s->upload.size() - n;
    try {
      if (!s->upload_ended && left < c.settings_.upload_low_water && !s->more_asked) {
        s->more_asked = true;
        Event e;
        e.kind = Event::Kind::body_wanted;
        e.stream_id = stream_id;
        c.events_.push_back(std::move(e));
      }
      if (n == 0 && !s->upload_ended) {
        s->upload_deferred = true;
        return NGHTTP2_ERR_DEFERRED;
      }
      if (s->upload_ended && left == 0) {
        *data_flags |= NGHTTP2_DATA_FLAG_EOF;
        if (s->has_trailers) {
          // The trailer HEADERS frame carries END_STREAM instead (RFC 9113 section 8.1).
          *data_flags |= NGHTTP2_DATA_FLAG_NO_END_STREAM;
          if (auto ec = c.fields_.build_trailers(s->trailers)) {
            return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE;
          }
          const auto& nva = c.fields_.entries();
          if (nghttp2_submit_trailer(session, stream_id, nva.data(), nva.size()) != 0) {
            return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE;
          }
        }
      }
    } catch (...) {
      return NGHTTP2_ERR_CALLBACK_FAILURE;
    }
    return static_cast<ssize_t>(n);
  }

  // nghttp2_send_data_callback, for the frames read_body sized: the 9-byte frame header
  // (RFC 9113 section 4.1), then length bytes of the stream's queued body, appended to the
  // buffer drain_output() is filling, where they follow the frames nghttp2 returned before.
  static int send_data(nghttp2_session*, nghttp2_frame* frame, const std::uint8_t* framehd,
                       std::size_t length, nghttp2_data_source*, void* user_data) noexcept {
    constexpr std::size_t frame_header_size = 9;
    ClientSession& c = self(user_data);
    ClientSession::Stream* s = c.find(frame->hd.stream_id);
    if (s == nullptr || c.output_ == nullptr || s->upload.size() < length) {
      return NGHTTP2_ERR_CALLBACK_FAILURE;
    }
    try {
      std::string& out = *c.output_;
      out.append(reinterpret_cast<const char*>(framehd), frame_header_size);
      // padlen counts the Pad Length field too (RFC 9113 section 6.1); this session never
      // asks for padding, but the frame nghttp2 built says what it holds.
      const std::size_t padding = frame->data.padlen;
      if (padding > 0) out.push_back(static_cast<char>(padding - 1));
      out.append(s->upload.substr(0, length));
      if (padding > 1) out.append(padding - 1, '\0');
    } catch (...) {
      return NGHTTP2_ERR_CALLBACK_FAILURE;
    }
    s->upload.remove_prefix(length);
    if (s->upload.empty()) {
      s->upload_copy.clear();   // keeps the capacity for the next chunks
      s->upload_owner.reset();
    }
    return 0;
  }
};

ClientSession::ClientSession(SessionSettings settings) : settings_(settings) {
  nghttp2_session_callbacks* callbacks = nullptr;
  if (nghttp2_session_callbacks_new(&callbacks) != 0) throw std::bad_alloc();
  nghttp2_session_callbacks_set_on_begin_headers_callback(callbacks,
                                                          SessionCallbacks::on_begin_headers);
  nghttp2_session_callbacks_set_on_header_callback(callbacks, SessionCallbacks::on_header);
  nghttp2_session_callbacks_set_send_data_callback(callbacks, SessionCallbacks::send_data);
  nghttp2_session_callbacks_set_on_frame_recv_callback(callbacks, SessionCallbacks::on_frame_recv);
  nghttp2_session_callbacks_set_on_data_chunk_recv_callback(callbacks,
                                                            SessionCallbacks::on_data_chunk_recv);
  nghttp2_session_callbacks_set_on_stream_close_callback(callbacks,
                                                         SessionCallbacks::on_stream_close);
  nghttp2_session_callbacks_set_error_callback2(callbacks, SessionCallbacks::on_error);
  nghttp2_session_callbacks_set_on_invalid_frame_recv_callback(
      callbacks, SessionCallbacks::on_invalid_frame_recv);

  nghttp2_option* option = nullptr;
  if (nghttp2_option_new(&option) != 0) {
    nghttp2_session_callbacks_del(callbacks);
    throw std::bad_alloc();
  }
  // WINDOW_UPDATE only as the reader consumes (see consume()).
  nghttp2_option_set_no_auto_window_update(option, 1);
  nghttp2_option_set_peer_max_concurrent_streams(option, settings_.initial_max_concurrent_streams);

  const int rv = nghttp2_session_client_new3(&session_, callbacks, this, option, memory_.get());
  nghttp2_option_del(option);
  nghttp2_session_callbacks_del(callbacks);
  if (rv != 0) throw std::bad_alloc();

  // The client preface is followed by SETTINGS (RFC 9113 section 3.4). Server push is refused
  // (section 8.4): this client has no use for it.
  const std::array<nghttp2_settings_entry, 3> entries = {{
      {NGHTTP2_SETTINGS_ENABLE_PUSH, 0},
      {NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, settings_.stream_window},
      {NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE, settings_.max_header_list_size},
  }};
  if (nghttp2_submit_settings(session_, NGHTTP2_FLAG_NONE, entries.data(), entries.size()) != 0 ||
      nghttp2_session_set_local_window_size(session_, NGHTTP2_FLAG_NONE, 0,
                                            static_cast<std::int32_t>(
                                                settings_.connection_window)) != 0) {
    nghttp2_session_del(session_);
    throw std::bad_alloc();
  }
}

ClientSession::~ClientSession() { nghttp2_session_del(session_); }

std::error_code ClientSession::feed(std::string_view data) {
  last_lib_error_ = 0;
  const ssize_t rv = nghttp2_session_mem_recv(
      session_, reinterpret_cast<const std::uint8_t*>(data.data()), data.size());
  if (rv < 0) return make_nghttp2_error(static_cast<int>(rv));
  // nghttp2 answers a connection error (RFC 9113 section 5.4.1) by queueing GOAWAY and
  // refusing new streams, without an error return: detect it here so the caller knows. A
  // GOAWAY from the peer or from terminate() explains a refusal on its own.
  if (last_lib_error_ != 0 && !terminated_locally_ && !goaway_received_ &&
      nghttp2_session_check_request_allowed(session_) == 0) {
    return make_nghttp2_error(last_lib_error_);
  }
  return {};
}

std::error_code ClientSession::drain_output(std::string& out) {
  // DATA frames of request bodies are appended by send_data, from inside mem_send.
  output_ = &out;
  struct Unset {
    std::string*& output;
    ~Unset() { output = nullptr; }
  } unset{output_};
  for (;;) {
    const std::uint8_t* p = nullptr;
    const ssize_t n = nghttp2_session_mem_send(session_, &p);
    if (n < 0) return make_nghttp2_error(static_cast<int>(n));
    if (n == 0) return {};
    out.append(reinterpret_cast<const char*>(p), static_cast<std::size_t>(n));
  }
}

bool ClientSession::wants_write() const noexcept { return nghttp2_session_want_write(session_) != 0; }

bool ClientSession::wants_read() const noexcept { return nghttp2_session_want_read(session_) != 0; }

ClientSession::Submitted ClientSession::submit_request(std::string_view method,
                                                       std::string_view scheme,
                                                       std::string_view authority,
                                                       std::string_view path,
                                                       const Headers& headers, bool has_body) {
  Submitted result;
  if (going_away()) {
    result.error = Errc::going_away;
    return result;
  }
  if (auto ec = fields_.build_request({method, scheme, authority, path}, headers)) {
    result.error = ec;
    return result;
  }
  nghttp2_data_provider provider{};
  provider.read_callback = SessionCallbacks::read_body;
  const auto& nva = fields_.entries();
  const std::int32_t id = nghttp2_submit_request(session_, nullptr, nva.data(), nva.size(),
                                                 has_body ? &provider : nullptr, nullptr);
  if (id < 0) {
    result.error = make_nghttp2_error(id);
    return result;
  }
  streams_.insert(id, Stream{}).has_body = has_body;
  result.stream_id = id;
  return result;
}

std::error_code ClientSession::provide_data(std::int32_t stream_id, std::string_view chunk,
                                            bool end) {
  Stream* s = find(stream_id);
  if (s == nullptr) return Errc::no_such_stream;
  if (!s->has_body || s->upload_ended) return Errc::body_already_ended;
  return queue_upload(stream_id, *s, chunk, nullptr, end);
}

std::error_code ClientSession::provide_data(std::int32_t stream_id, std::string_view bytes,
                                            std::shared_ptr<const void> owner, bool end) {
  Stream* s = find(stream_id);
  if (s == nullptr) return Errc::no_such_stream;
  if (!s->has_body || s->upload_ended) return Errc::body_already_ended;
  return queue_upload(stream_id, *s, bytes, std::move(owner), end);
}

std::error_code ClientSession::queue_upload(std::int32_t stream_id, Stream& s,
                                            std::string_view bytes,
                                            std::shared_ptr<const void> owner, bool end) {
  if (owner && s.upload.empty()) {
    s.upload = bytes;
    s.upload_owner = std::move(owner);
  } else {
    // Behind bytes still queued, the new ones are copied: one buffer holds what is unsent.
    if (s.upload_owner) {
      s.upload_copy.assign(s.upload);
      s.upload_owner.reset();
    } else {
      s.upload_copy.erase(0, s.upload_copy.size() - s.upload.size());   // what was sent
    }
    s.upload_copy.append(bytes);
    s.upload = s.upload_copy;
  }
  s.upload_ended = end;
  s.more_asked = false;
  return resume(stream_id, s);
}

std::error_code ClientSession::provide_trailers(std::int32_t stream_id, const Headers& trailers) {
  Stream* s = find(stream_id);
  if (s == nullptr) return Errc::no_such_stream;
  if (!s->has_body || s->upload_ended) return Errc::body_already_ended;
  // Checked now, so that the error reaches the caller rather than a stream reset later.
  if (auto ec = fields_.build_trailers(trailers)) return ec;
  s->trailers = trailers;
  s->has_trailers = true;
  s->upload_ended = true;
  return resume(stream_id, *s);
}

std::size_t ClientSession::buffered_upload(std::int32_t stream_id) const noexcept {
  auto it = streams_.find(stream_id);
  return it == streams_.end() ? 0 : it->second.upload.size();
}

std::error_code ClientSession::resume(std::int32_t stream_id, Stream& s) {
  if (!s.upload_deferred) return {};
  s.upload_deferred = false;
  if (const int rv = nghttp2_session_resume_data(session_, stream_id); rv != 0) {
    return make_nghttp2_error(rv);
  }
  return {};
}

void ClientSession::consume(std::int32_t stream_id, std::size_t n) {
  Stream* s = find(stream_id);
  if (s == nullptr || n == 0) return;
  n = std::min(n, s->unconsumed);
  s->unconsumed -= n;
  nghttp2_session_consume(session_, stream_id, n);
}

void ClientSession::submit_ping() { nghttp2_submit_ping(session_, NGHTTP2_FLAG_NONE, nullptr); }

void ClientSession::submit_rst_stream(std::int32_t stream_id, std::uint32_t error_code) {
  nghttp2_submit_rst_stream(session_, NGHTTP2_FLAG_NONE, stream_id, error_code);
}

void ClientSession::terminate(std::uint32_t error_code) {
  terminated_locally_ = true;
  nghttp2_session_terminate_session(session_, error_code);
}

void ClientSession::shutdown() {
  shutdown_ = true;
  // A client accepts no streams (push is off), so the last one it processed is 0.
  nghttp2_submit_goaway(session_, NGHTTP2_FLAG_NONE, 0, NGHTTP2_NO_ERROR, nullptr, 0);
}

std::uint32_t ClientSession::remote_max_concurrent_streams() const noexcept {
  return nghttp2_session_get_remote_settings(session_, NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS);
}

bool ClientSession::going_away() const noexcept {
  // nghttp2 keeps accepting requests after a graceful GOAWAY of ours; this client does not.
  return shutdown_ || nghttp2_session_check_request_allowed(session_) == 0;
}

std::string ClientSession::describe() const {
  return "<h2::ClientSession [streams: " + std::to_string(streams_.size()) + " open, max " +
         std::to_string(remote_max_concurrent_streams()) +
         " | going away: " + (going_away() ? "yes" : "no") + "]>";
}

ClientSession::Stream* ClientSession::find(std::int32_t stream_id) noexcept {
  auto it = streams_.find(stream_id);
  return it == streams_.end() ? nullptr : &it->second;
}

}  // namespace httpxx::detail::h2
