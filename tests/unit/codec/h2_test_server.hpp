#pragma once
// An HTTP/2 server made of an nghttp2 server session, exchanging bytes with a ClientSession in
// memory, and a recorder of the client's events: the HTTP/2 codec tests are bytes in, bytes
// out, with a real peer implementation on the other side.

#include <doctest/doctest.h>

#include <cstdint>
#include <cstring>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <nghttp2/nghttp2.h>

#include "codec/h2/client_session.hpp"

namespace h2test {

using Fields = std::vector<std::pair<std::string, std::string>>;

struct ServerRequest {
  Fields fields;  // pseudo-header fields included, as received
  Fields trailers;
  std::string body;
  bool ended = false;
  bool headers_done = false;

  std::string get(std::string_view name) const {
    for (const auto& [n, v] : fields) {
      if (n == name) return v;
    }
    return "<absent>";
  }
};

class TestServer {
 public:
  // Called once a request has ended (END_STREAM received).
  std::function<void(TestServer&, std::int32_t)> on_request;
  std::map<std::int32_t, ServerRequest> requests;
  std::vector<std::uint32_t> goaway_codes;

  explicit TestServer(std::vector<nghttp2_settings_entry> settings = {}) {
    nghttp2_session_callbacks* cb = nullptr;
    nghttp2_session_callbacks_new(&cb);
    nghttp2_session_callbacks_set_on_begin_headers_callback(cb, &TestServer::begin_headers);
    nghttp2_session_callbacks_set_on_header_callback(cb, &TestServer::header);
    nghttp2_session_callbacks_set_on_frame_recv_callback(cb, &TestServer::frame_recv);
    nghttp2_session_callbacks_set_on_data_chunk_recv_callback(cb, &TestServer::data_chunk);
    nghttp2_session_server_new(&session_, cb, this);
    nghttp2_session_callbacks_del(cb);
    nghttp2_submit_settings(session_, NGHTTP2_FLAG_NONE, settings.data(), settings.size());
  }
  ~TestServer() { nghttp2_session_del(session_); }
  TestServer(const TestServer&) = delete;
  TestServer& operator=(const TestServer&) = delete;

  nghttp2_session* session() const noexcept { return session_; }

  // Responds with status, fields, body and (optionally) trailers.
  void respond(std::int32_t id, int status, Fields fields, std::string body,
               Fields trailers = {}) {
    Outgoing& out = outgoing_[id];
    out.body = std::move(body);
    out.trailers = std::move(trailers);
    Fields all = {{":status", std::to_string(status)}};
    all.insert(all.end(), fields.begin(), fields.end());
    const auto nva = to_nv(all);
    nghttp2_data_provider provider{};
    provider.source.ptr = &out;
    provider.read_callback = &TestServer::read_body;
    const int rv = nghttp2_submit_response(session_, id, nva.data(), nva.size(), &provider);
    REQUIRE(rv == 0);
  }

  void send_headers(std::int32_t id, const Fields& fields) {
    const auto nva = to_nv(fields);
    REQUIRE(nghttp2_submit_headers(session_, NGHTTP2_FLAG_NONE, id, nullptr, nva.data(),
                                   nva.size(), nullptr) >= 0);
  }

  std::string drain() {
    std::string out;
    for (;;) {
      const std::uint8_t* p = nullptr;
      const ssize_t n = nghttp2_session_mem_send(session_, &p);
      REQUIRE(n >= 0);
      if (n == 0) return out;
      out.append(reinterpret_cast<const char*>(p), static_cast<std::size_t>(n));
    }
  }

  void receive(const std::string& bytes) {
    const ssize_t n = nghttp2_session_mem_recv(
        session_, reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
    REQUIRE(n == static_cast<ssize_t>(bytes.size()));
  }

 private:
  struct Outgoing {
    std::string body;
    std::size_t offset = 0;
    Fields trailers;
  };

  static std::vector<nghttp2_nv> to_nv(const Fields& fields) {
    std::vector<nghttp2_nv> nva;
    for (const auto& [n, v] : fields) {
      nva.push_back({reinterpret_cast<std::uint8_t*>(const_cast<char*>(n.data())),
                     reinterpret_cast<std::uint8_t*>(const_cast<char*>(v.data())), n.size(),
                     v.size(), NGHTTP2_NV_FLAG_NONE});
    }
    return nva;
  }

  static TestServer& self(void* p) { return *static_cast<TestServer*>(p); }

  static int begin_headers(nghttp2_session*, const nghttp2_frame* f, void* user) {
    self(user).requests[f->hd.stream_id];
    return 0;
  }
  static int header(nghttp2_session*, const nghttp2_frame* f, const std::uint8_t* name,
                    std::size_t namelen, const std::uint8_t* value, std::size_t valuelen,
                    std::uint8_t, void* user) {
    ServerRequest& r = self(user).requests[f->hd.stream_id];
    (r.headers_done ? r.trailers : r.fields)
        .emplace_back(std::string(reinterpret_cast<const char*>(name), namelen),
                      std::string(reinterpret_cast<const char*>(value), valuelen));
    return 0;
  }
  static int frame_recv(nghttp2_session*, const nghttp2_frame* f, void* user) {
    TestServer& s = self(user);
    if (f->hd.type == NGHTTP2_GOAWAY) s.goaway_codes.push_back(f->goaway.error_code);
    if (f->hd.type != NGHTTP2_HEADERS && f->hd.type != NGHTTP2_DATA) return 0;
    ServerRequest& r = s.requests[f->hd.stream_id];
    if (f->hd.type == NGHTTP2_HEADERS) r.headers_done = true;
    if ((f->hd.flags & NGHTTP2_FLAG_END_STREAM) != 0) {
      r.ended = true;
      if (s.on_request) s.on_request(s, f->hd.stream_id);
    }
    return 0;
  }
  static int data_chunk(nghttp2_session*, std::uint8_t, std::int32_t id, const std::uint8_t* data,
                        std::size_t len, void* user) {
    self(user).requests[id].body.append(reinterpret_cast<const char*>(data), len);
    return 0;
  }
  static ssize_t read_body(nghttp2_session* session, std::int32_t id, std::uint8_t* buf,
                           std::size_t length, std::uint32_t* flags, nghttp2_data_source* source,
                           void*) {
    Outgoing& out = *static_cast<Outgoing*>(source->ptr);
    const std::size_t n = std::min(length, out.body.size() - out.offset);
    std::memcpy(buf, out.body.data() + out.offset, n);
    out.offset += n;
    if (out.offset == out.body.size()) {
      *flags |= NGHTTP2_DATA_FLAG_EOF;
      if (!out.trailers.empty()) {
        *flags |= NGHTTP2_DATA_FLAG_NO_END_STREAM;
        const auto nva = to_nv(out.trailers);
        nghttp2_submit_trailer(session, id, nva.data(), nva.size());
      }
    }
    return static_cast<ssize_t>(n);
  }

  nghttp2_session* session_ = nullptr;
  std::map<std::int32_t, Outgoing> outgoing_;
};

// What the client saw, per stream, with body bytes copied out of the event views.
struct Recorded {
  struct Stream {
    std::vector<int> statuses;  // interim heads included
    httpxx::Headers headers;    // of the final head
    httpxx::Headers trailers;
    std::string body;
    bool ended = false;         // END_STREAM seen
    bool closed = false;
    std::uint32_t close_code = 0;
    std::error_code local_error;
  };
  std::map<std::int32_t, Stream> streams;
  std::vector<httpxx::detail::h2::Event> goaways;
  std::vector<std::uint32_t> settings;  // max_concurrent_streams of each SETTINGS
  int ping_acks = 0;
  int body_wanted = 0;
};

struct Pump {
  Pump(httpxx::detail::h2::ClientSession& c, TestServer& s) : client(c), server(s) {}

  httpxx::detail::h2::ClientSession& client;
  TestServer& server;
  Recorded rec;
  bool auto_consume = true;
  // Called on body_wanted events.
  std::function<void(std::int32_t)> on_body_wanted;

  void handle_events() {
    using Kind = httpxx::detail::h2::Event::Kind;
    auto events = std::move(client.events());
    client.events().clear();
    for (auto& e : events) {
      Recorded::Stream& s = rec.streams[e.stream_id];
      switch (e.kind) {
        case Kind::headers:
          s.statuses.push_back(e.status);
          if (!e.interim) s.headers = std::move(e.headers);
          s.ended = s.ended || e.end_stream;
          break;
        case Kind::data:
          s.body.append(e.data);
          s.ended = s.ended || e.end_stream;
          if (auto_consume) client.consume(e.stream_id, e.data.size());
          break;
        case Kind::trailers:
          s.trailers = std::move(e.headers);
          s.ended = s.ended || e.end_stream;
          break;
        case Kind::stream_closed:
          s.closed = true;
          s.close_code = e.error_code;
          s.local_error = e.local_error;
          break;
        case Kind::goaway: rec.goaways.push_back(e); break;
        case Kind::settings: rec.settings.push_back(e.max_concurrent_streams); break;
        case Kind::ping_ack: ++rec.ping_acks; break;
        case Kind::body_wanted:
          ++rec.body_wanted;
          if (on_body_wanted) on_body_wanted(e.stream_id);
          break;
      }
    }
  }

  // Exchanges bytes until neither side has anything to write.
  void run() {
    for (int round = 0; round < 10000; ++round) {
      std::string out;
      REQUIRE_FALSE(client.drain_output(out));
      handle_events();
      if (!out.empty()) server.receive(out);
      const std::string back = server.drain();
      if (!back.empty()) {
        REQUIRE_FALSE(client.feed(back));
        handle_events();  // views into back are read before it goes away
      }
      if (out.empty() && back.empty() && !client.wants_write()) return;
    }
    FAIL("the sessions never went quiet");
  }
};

}  // namespace h2test
