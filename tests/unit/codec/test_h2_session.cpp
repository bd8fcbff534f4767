#include <doctest/doctest.h>

#include <ostream>
#include <string>

#include "codec/h2/client_session.hpp"
#include "h2_test_server.hpp"

using httpxx::Headers;
using httpxx::detail::h2::ClientSession;
using httpxx::detail::h2::Errc;
using httpxx::detail::h2::SessionSettings;
using h2test::Pump;
using h2test::TestServer;

namespace {

std::string pattern(std::size_t n) {
  std::string s(n, '\0');
  for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<char>('a' + (i * 7 + i / 1000) % 26);
  return s;
}

std::int32_t submit_get(ClientSession& c, std::string_view path, const Headers& headers = {}) {
  const auto r = c.submit_request("GET", "https", "example.com", path, headers, false);
  REQUIRE_FALSE(r.error);
  return r.stream_id;
}

}  // namespace

TEST_CASE("h2 session: request and response with a body") {
  ClientSession client;
  TestServer server;
  server.on_request = [](TestServer& s, std::int32_t id) {
    s.respond(id, 200, {{"content-type", "text/plain"}, {"x-server", "t"}}, "hello, h2");
  };
  Pump pump{client, server};
  Headers headers;
  headers.add_unchecked("Accept", "*/*");
  headers.add_unchecked("User-Agent", "httpxx");
  const std::int32_t id = submit_get(client, "/path?q=1", headers);
  CHECK(id == 1);
  CHECK(client.open_streams() == 1);
  pump.run();

  const auto& req = server.requests.at(id);
  CHECK(req.fields.at(0).first == ":method");  // pseudo-header fields first (RFC 9113 8.3)
  CHECK(req.get(":method") == "GET");
  CHECK(req.get(":scheme") == "https");
  CHECK(req.get(":authority") == "example.com");
  CHECK(req.get(":path") == "/path?q=1");
  CHECK(req.get("accept") == "*/*");  // lower-cased (RFC 9113 section 8.2)
  CHECK(req.get("user-agent") == "httpxx");

  const auto& s = pump.rec.streams.at(id);
  CHECK(s.statuses == std::vector<int>{200});
  CHECK(*s.headers.find("x-server") == "t");
  CHECK(s.body == "hello, h2");
  CHECK(s.ended);
  CHECK(s.closed);
  CHECK(s.close_code == NGHTTP2_NO_ERROR);
  CHECK(client.open_streams() == 0);
  CHECK_FALSE(client.going_away());
}

TEST_CASE("h2 session: the client announces its settings and windows") {
  SessionSettings settings;
  settings.stream_window = 2 * 1024 * 1024;
  ClientSession client(settings);
  TestServer server;
  Pump pump{client, server};
  pump.run();
  nghttp2_session* ss = server.session();
  CHECK(nghttp2_session_get_remote_settings(ss, NGHTTP2_SETTINGS_ENABLE_PUSH) == 0);
  CHECK(nghttp2_session_get_remote_settings(ss, NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE) ==
        2u * 1024 * 1024);
  CHECK(nghttp2_session_get_remote_settings(ss, NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE) ==
        256u * 1024);
  // The connection window was raised to 16 MiB with a WINDOW_UPDATE on stream 0.
  CHECK(nghttp2_session_get_remote_window_size(ss) == 16 * 1024 * 1024);
}

TEST_CASE("h2 session: without consume() the server cannot send more than the window") {
  SessionSettings settings;  // the default windows: 4 MiB a stream, 16 MiB the connection
  ClientSession client(settings);
  TestServer server;
  const std::string big = pattern(3 * std::size_t{settings.stream_window} + 100);
  server.on_request = [&](TestServer& s, std::int32_t id) { s.respond(id, 200, {}, big); };
  Pump pump{client, server};
  pump.auto_consume = false;
  const std::int32_t id = submit_get(client, "/big");
  pump.run();
  auto& s = pump.rec.streams[id];
  CHECK(s.body.size() == settings.stream_window);  // exactly one window, then the sender waits
  pump.run();
  CHECK(s.body.size() == settings.stream_window);  // nothing more without a WINDOW_UPDATE

  // Consuming less than half a window sends no WINDOW_UPDATE yet: nghttp2 batches them.
  client.consume(id, 1000);
  pump.run();
  CHECK(s.body.size() == settings.stream_window);

  // The reader takes what it has, in steps, and the rest flows window by window.
  std::size_t consumed = 1000;
  for (int i = 0; i < 100 && !s.ended; ++i) {
    client.consume(id, s.body.size() - consumed);
    consumed = s.body.size();
    pump.run();
    CHECK(s.body.size() - consumed <= settings.stream_window);
  }
  CHECK(s.ended);
  CHECK(s.body == big);
  CHECK(s.close_code == NGHTTP2_NO_ERROR);
}

TEST_CASE("h2 session: concurrent streams are answered independently") {
  ClientSession client;
  TestServer server;
  std::vector<std::int32_t> order;
  server.on_request = [&](TestServer&, std::int32_t id) { order.push_back(id); };
  Pump pump{client, server};
  const std::int32_t a = submit_get(client, "/a");
  const std::int32_t b = submit_get(client, "/b");
  const std::int32_t c = submit_get(client, "/c");
  CHECK(client.open_streams() == 3);
  pump.run();
  REQUIRE(order.size() == 3);
  // Answered in reverse order, with bodies larger than one frame, interleaved on the wire.
  for (auto it = order.rbegin(); it != order.rend(); ++it) {
    server.respond(*it, 200, {}, server.requests.at(*it).get(":path") + pattern(40000));
  }
  pump.run();
  CHECK(pump.rec.streams[a].body == "/a" + pattern(40000));
  CHECK(pump.rec.streams[b].body == "/b" + pattern(40000));
  CHECK(pump.rec.streams[c].body == "/c" + pattern(40000));
  CHECK(client.open_streams() == 0);
}

TEST_CASE("h2 session: RST_STREAM REFUSED_STREAM closes only that stream") {
  ClientSession client;
  TestServer server;
  server.on_request = [](TestServer& s, std::int32_t id) {
    if (s.requests.at(id).get(":path") == "/refuse") {
      nghttp2_submit_rst_stream(s.session(), NGHTTP2_FLAG_NONE, id, NGHTTP2_REFUSED_STREAM);
    } else {
      s.respond(id, 200, {}, "fine");
    }
  };
  Pump pump{client, server};
  const std::int32_t refused = submit_get(client, "/refuse");
  const std::int32_t ok = submit_get(client, "/ok");
  pump.run();
  CHECK(pump.rec.streams[refused].closed);
  CHECK(pump.rec.streams[refused].close_code == NGHTTP2_REFUSED_STREAM);
  CHECK(pump.rec.streams[refused].statuses.empty());
  CHECK(pump.rec.streams[ok].body == "fine");
  CHECK(pump.rec.streams[ok].close_code == NGHTTP2_NO_ERROR);
  CHECK(httpxx::detail::h2::error_code_name(NGHTTP2_REFUSED_STREAM) == "REFUSED_STREAM");
}

TEST_CASE("h2 session: the client resets a stream it no longer wants") {
  SessionSettings settings;
  settings.connection_window = 256 * 1024;
  settings.stream_window = 256 * 1024;
  ClientSession client(settings);
  TestServer server;
  server.on_request = [](TestServer& s, std::int32_t id) { s.respond(id, 200, {}, pattern(400000)); };
  Pump pump{client, server};
  pump.auto_consume = false;
  const std::int32_t id = submit_get(client, "/x");
  pump.run();
  CHECK(pump.rec.streams[id].body.size() == settings.stream_window);
  CHECK_FALSE(pump.rec.streams[id].closed);  // the rest waits for a WINDOW_UPDATE
  client.submit_rst_stream(id, NGHTTP2_CANCEL);
  pump.run();
  CHECK(pump.rec.streams[id].closed);
  CHECK(pump.rec.streams[id].close_code == NGHTTP2_CANCEL);
  client.consume(id, 100);  // a no-op after close
  // The whole connection window was held by unread bytes; they were given back when the
  // stream closed, otherwise nothing of the next response could arrive.
  pump.auto_consume = true;
  const std::int32_t next = submit_get(client, "/y");
  pump.run();
  CHECK(pump.rec.streams[next].body == pattern(400000));
  CHECK(pump.rec.streams[next].ended);
}

TEST_CASE("h2 session: GOAWAY with last_stream_id refuses the later streams") {
  ClientSession client;
  TestServer server;
  Pump pump{client, server};
  const std::int32_t first = submit_get(client, "/1");
  const std::int32_t second = submit_get(client, "/2");
  const std::int32_t third = submit_get(client, "/3");
  pump.run();
  server.respond(first, 200, {}, "done");
  REQUIRE(nghttp2_submit_goaway(server.session(), NGHTTP2_FLAG_NONE, first, NGHTTP2_NO_ERROR,
                                reinterpret_cast<const std::uint8_t*>("bye"), 3) == 0);
  pump.run();
  REQUIRE(pump.rec.goaways.size() == 1);
  CHECK(pump.rec.goaways[0].last_stream_id == first);
  CHECK(pump.rec.goaways[0].error_code == NGHTTP2_NO_ERROR);
  CHECK(pump.rec.goaways[0].debug_data == "bye");
  CHECK(pump.rec.streams[first].body == "done");
  CHECK(pump.rec.streams[first].close_code == NGHTTP2_NO_ERROR);
  // Streams above last_stream_id were not processed: safe to retry elsewhere (RFC 9113 6.8).
  CHECK(pump.rec.streams[second].closed);
  CHECK(pump.rec.streams[second].close_code == NGHTTP2_REFUSED_STREAM);
  CHECK(pump.rec.streams[third].close_code == NGHTTP2_REFUSED_STREAM);
  CHECK(client.going_away());
  const auto r = client.submit_request("GET", "https", "example.com", "/4", {}, false);
  CHECK(r.error == Errc::going_away);
  CHECK(client.describe().find("going away: yes") != std::string::npos);
}

TEST_CASE("h2 session: the peer's SETTINGS_MAX_CONCURRENT_STREAMS") {
  ClientSession client;
  CHECK(client.remote_max_concurrent_streams() == 100);  // assumed until SETTINGS arrive
  TestServer server({{NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, 2}});
  Pump pump{client, server};
  pump.run();
  REQUIRE(pump.rec.settings.size() == 1);
  CHECK(pump.rec.settings[0] == 2);
  CHECK(client.remote_max_concurrent_streams() == 2);
  CHECK(client.describe() == "<h2::ClientSession [streams: 0 open, max 2 | going away: no]>");
}

TEST_CASE("h2 session: trailers both ways, and 1xx heads flagged interim") {
  ClientSession client;
  TestServer server;
  server.on_request = [](TestServer& s, std::int32_t id) {
    s.send_headers(id, {{":status", "103"}, {"link", "</s.css>; rel=preload"}});
    s.respond(id, 200, {{"trailer", "x-checksum"}}, "body", {{"x-checksum", "abc"}});
  };
  Pump pump{client, server};
  const auto sub = client.submit_request("POST", "https", "example.com", "/up", {}, true);
  REQUIRE_FALSE(sub.error);
  REQUIRE_FALSE(client.provide_data(sub.stream_id, "payload", false));
  Headers trailers;
  trailers.add_unchecked("X-Request-Sum", "42");
  trailers.add_unchecked("Connection", "close");  // connection-specific: dropped
  REQUIRE_FALSE(client.provide_trailers(sub.stream_id, trailers));
  CHECK(client.provide_data(sub.stream_id, "late", true) == Errc::body_already_ended);
  pump.run();

  const auto& req = server.requests.at(sub.stream_id);
  CHECK(req.body == "payload");
  REQUIRE(req.trailers.size() == 1);
  CHECK(req.trailers[0] == std::pair<std::string, std::string>{"x-request-sum", "42"});

  const auto& s = pump.rec.streams.at(sub.stream_id);
  CHECK(s.statuses == std::vector<int>{103, 200});
  CHECK(s.body == "body");
  CHECK(*s.trailers.find("x-checksum") == "abc");
  CHECK(s.ended);
  CHECK(s.close_code == NGHTTP2_NO_ERROR);
}

TEST_CASE("h2 session: request fields are validated and cleaned (RFC 9113 section 8.2)") {
  ClientSession client;
  TestServer server;
  server.on_request = [](TestServer& s, std::int32_t id) { s.respond(id, 204, {}, ""); };
  Pump pump{client, server};

  Headers h;
  h.add_unchecked("Host", "h.example:8443");
  h.add_unchecked("X-Custom", "  padded\t");
  h.add_unchecked("Connection", "keep-alive");
  h.add_unchecked("Keep-Alive", "timeout=5");
  h.add_unchecked("Proxy-Connection", "keep-alive");
  h.add_unchecked("Transfer-Encoding", "chunked");
  h.add_unchecked("Upgrade", "h2c");
  h.add_unchecked("TE", "Trailers");
  const auto r = client.submit_request("GET", "https", "", "/", h, false);
  REQUIRE_FALSE(r.error);
  pump.run();
  const auto& fields = server.requests.at(r.stream_id).fields;
  std::vector<std::string> names;
  for (const auto& f : fields) names.push_back(f.first);
  CHECK(names == std::vector<std::string>{":method", ":scheme", ":authority", ":path",
                                          "x-custom", "te"});
  CHECK(server.requests.at(r.stream_id).get(":authority") == "h.example:8443");
  CHECK(server.requests.at(r.stream_id).get("x-custom") == "padded");
  CHECK(pump.rec.streams[r.stream_id].statuses == std::vector<int>{204});

  Headers te;
  te.add_unchecked("TE", "gzip");
  const auto r2 = client.submit_request("GET", "https", "example.com", "/", te, false);
  pump.run();
  CHECK(server.requests.at(r2.stream_id).get("te") == "<absent>");

  auto rejected = [&](std::string name, std::string value) {
    Headers bad;
    bad.add_unchecked(name, value);
    const auto res = client.submit_request("GET", "https", "example.com", "/", bad, false);
    CHECK(res.stream_id == 0);
    return res.error;
  };
  CHECK(rejected("X-Bad", "a\r\nInjected: yes") == Errc::invalid_header_value);
  CHECK(rejected("X-Bad", "a\nb") == Errc::invalid_header_value);
  CHECK(rejected("X-Bad", std::string("a\0b", 3)) == Errc::invalid_header_value);
  CHECK(rejected("Bad Name", "v") == Errc::invalid_header_name);
  CHECK(rejected(":path", "/other") == Errc::invalid_header_name);
  CHECK(rejected("", "v") == Errc::invalid_header_name);
  CHECK(client.submit_request("GET", "https", "", "/", {}, false).error ==
        Errc::missing_pseudo_header);
  CHECK(client.submit_request("GET", "https", "example.com", "/a\r\nb", {}, false).error ==
        Errc::invalid_header_value);
  Headers bad_trailer;
  bad_trailer.add_unchecked("X", "a\rb");
  const auto up = client.submit_request("POST", "https", "example.com", "/", {}, true);
  CHECK(client.provide_trailers(up.stream_id, bad_trailer) == Errc::invalid_header_value);
  CHECK(client.provide_data(9999, "x", true) == Errc::no_such_stream);
  CHECK(Errc::invalid_header_value == std::error_code(Errc::invalid_header_value));
  CHECK(std::error_code(Errc::going_away).message().find("going away") != std::string::npos);
}

TEST_CASE("h2 session: an upload larger than every window streams through a small buffer") {
  SessionSettings settings;
  settings.upload_low_water = 32 * 1024;
  ClientSession client(settings);
  TestServer server;  // the server's stream window stays at the default 65,535 bytes
  server.on_request = [](TestServer& s, std::int32_t id) {
    s.respond(id, 200, {}, std::to_string(s.requests.at(id).body.size()));
  };
  const std::string body = pattern(3 * 1024 * 1024 + 123);
  const std::size_t chunk = 16 * 1024;
  std::size_t sent = 0;
  std::size_t max_buffered = 0;
  Pump pump{client, server};
  const auto sub = client.submit_request("PUT", "https", "example.com", "/upload", {}, true);
  REQUIRE_FALSE(sub.error);
  pump.on_body_wanted = [&](std::int32_t id) {
    CHECK(id == sub.stream_id);
    // Top up to just above the low-water mark, as a reader of a file would.
    while (sent < body.size() && client.buffered_upload(id) < settings.upload_low_water) {
      const std::size_t n = std::min(chunk, body.size() - sent);
      REQUIRE_FALSE(client.provide_data(id, std::string_view(body).substr(sent, n),
                                        sent + n == body.size()));
      sent += n;
    }
    max_buffered = std::max(max_buffered, client.buffered_upload(id));
  };
  pump.run();
  CHECK(sent == body.size());
  CHECK(max_buffered <= settings.upload_low_water + chunk);
  CHECK(pump.rec.body_wanted > 50);  // asked again and again, never given the whole body
  CHECK(server.requests.at(sub.stream_id).body == body);
  CHECK(pump.rec.streams[sub.stream_id].body == std::to_string(body.size()));
}

TEST_CASE("h2 session: an owned body is framed from its own bytes, and held until its stream ends") {
  ClientSession client;
  TestServer server;  // the server's stream window stays at the default 65,535 bytes
  server.on_request = [](TestServer& s, std::int32_t id) {
    s.respond(id, 200, {}, std::to_string(s.requests.at(id).body.size()));
  };
  auto body = std::make_shared<std::string>(pattern(200 * 1024 + 7));
  const std::weak_ptr<std::string> watch = body;
  Pump pump{client, server};
  const auto sub = client.submit_request("PUT", "https", "example.com", "/upload", {}, true);
  REQUIRE_FALSE(sub.error);
  REQUIRE_FALSE(client.provide_data(sub.stream_id, *body, body, true));
  CHECK(client.buffered_upload(sub.stream_id) == body->size());
  // Not copied when queued: bytes changed afterwards are the ones that go. The windows let
  // the first 65,535 bytes through, then the rest as the server re-opens them.
  std::string expected = *body;
  (*body)[0] = expected[0] = 'A';
  (*body)[body->size() - 1] = expected[body->size() - 1] = 'Z';
  body.reset();   // the session's reference keeps the bytes alive now
  REQUIRE_FALSE(watch.expired());
  pump.run();
  CHECK(server.requests.at(sub.stream_id).body == expected);
  CHECK(pump.rec.streams[sub.stream_id].body == std::to_string(expected.size()));
  CHECK(pump.rec.streams[sub.stream_id].ended);
  CHECK(watch.expired());   // all sent: the session let go
}

TEST_CASE("h2 session: bytes queued behind owned bytes not yet sent are copied with them") {
  ClientSession client;
  TestServer server;
  server.on_request = [](TestServer& s, std::int32_t id) { s.respond(id, 204, {}, ""); };
  const std::string first = pattern(100 * 1024);
  auto owned = std::make_shared<std::string>(first);
  const std::weak_ptr<std::string> watch = owned;
  Pump pump{client, server};
  const auto sub = client.submit_request("PUT", "https", "example.com", "/upload", {}, true);
  REQUIRE_FALSE(sub.error);
  REQUIRE_FALSE(client.provide_data(sub.stream_id, *owned, owned, false));
  REQUIRE_FALSE(client.provide_data(sub.stream_id, "tail", true));
  owned.reset();
  CHECK(watch.expired());   // one buffer, the session's own, holds all that is unsent
  CHECK(client.buffered_upload(sub.stream_id) == first.size() + 4);
  pump.run();
  CHECK(server.requests.at(sub.stream_id).body == first + "tail");
}

TEST_CASE("h2 session: a response head above max_header_list_size resets its stream") {
  SessionSettings settings;
  settings.max_header_list_size = 1024;
  ClientSession client(settings);
  TestServer server;
  server.on_request = [](TestServer& s, std::int32_t id) {
    s.respond(id, 200, {{"x-huge", std::string(2000, 'h')}}, "");
  };
  Pump pump{client, server};
  const std::int32_t id = submit_get(client, "/");
  pump.run();
  const auto& s = pump.rec.streams[id];
  CHECK(s.closed);
  CHECK(s.statuses.empty());
  CHECK(s.close_code == NGHTTP2_INTERNAL_ERROR);
  CHECK(s.local_error == Errc::header_list_too_large);
  CHECK_FALSE(client.going_away());  // the connection itself is fine
}

TEST_CASE("h2 session: PING, GOAWAY from the client, and a broken peer") {
  {
    ClientSession client;
    TestServer server;
    Pump pump{client, server};
    client.submit_ping();
    pump.run();
    CHECK(pump.rec.ping_acks == 1);

    client.terminate(NGHTTP2_NO_ERROR);
    CHECK(client.wants_write());
    pump.run();
    CHECK(server.goaway_codes == std::vector<std::uint32_t>{NGHTTP2_NO_ERROR});
    CHECK_FALSE(client.wants_read());
    CHECK(client.going_away());
  }
  {
    ClientSession client;
    std::string out;
    REQUIRE_FALSE(client.drain_output(out));
    CHECK(out.substr(0, 24) == "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");  // RFC 9113 section 3.4
    const std::error_code ec = client.feed("HTTP/1.1 400 Bad Request\r\n\r\n");
    CHECK(ec);
    CHECK(ec.category() == httpxx::detail::h2::nghttp2_category());
    CHECK_FALSE(ec.message().empty());
    CHECK(client.going_away());
    out.clear();
    REQUIRE_FALSE(client.drain_output(out));  // the GOAWAY nghttp2 queued
    CHECK_FALSE(out.empty());
    CHECK_FALSE(client.wants_read());
  }
  {
    ClientSession client;
    TestServer server;
    Pump pump{client, server};
    const std::int32_t id = submit_get(client, "/");
    client.shutdown();  // graceful: the stream in flight still completes
    CHECK(client.going_away());
    CHECK(client.submit_request("GET", "https", "example.com", "/", {}, false).error ==
          Errc::going_away);
    server.on_request = [](TestServer& s, std::int32_t sid) { s.respond(sid, 200, {}, "last"); };
    pump.run();
    CHECK(server.goaway_codes == std::vector<std::uint32_t>{NGHTTP2_NO_ERROR});
    CHECK(pump.rec.streams[id].body == "last");
  }
}
