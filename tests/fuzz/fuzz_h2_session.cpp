// libFuzzer target: the HTTP/2 client session, with four requests open (a GET, a POST whose
// body is larger than the default stream window and given in copied pieces, another GET, and
// a PUT whose body is given whole, uncopied, with its owner) and a PING outstanding, fed
// arbitrary bytes as the server's side of the connection, in two pieces. Every piece must end
// in events or a connection error, never a crash; a data event's view must lie inside the piece
// it came from, which lives in its own allocation and is freed once fed, as a connection's read
// buffer is reused. Body bytes are consumed and more upload is given as the events ask, so that
// flow control and the upload's pauses run as they do on a connection.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "codec/h2/client_session.hpp"

namespace {

using httpxx::detail::h2::ClientSession;
using httpxx::detail::h2::Event;

// Larger than SETTINGS_INITIAL_WINDOW_SIZE's default (65,535): the upload waits for the peer's
// WINDOW_UPDATE frames.
const std::string upload(100 * 1024, 'u');

// Handles the events of one feed() as Http2Connection does; false once the session is done.
bool handle(ClientSession& session, std::string_view piece, std::string& output) {
  for (const Event& event : session.events()) {
    switch (event.kind) {
      case Event::Kind::data:
        if (!event.data.empty() &&
            (event.data.data() < piece.data() || event.data.data() + event.data.size() > piece.data() + piece.size())) {
          __builtin_trap();
        }
        session.consume(event.stream_id, event.data.size());
        break;
      case Event::Kind::body_wanted:
        (void)session.provide_data(event.stream_id, std::string_view(upload).substr(0, 1024), true);
        break;
      default:
        break;
    }
  }
  session.events().clear();
  output.clear();
  return !session.drain_output(output) && session.wants_read();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  ClientSession session;
  const httpxx::Headers none;
  (void)session.submit_request("GET", "https", "example.org", "/a", none, false);
  const auto post = session.submit_request("POST", "https", "example.org", "/upload", none, true);
  (void)session.provide_data(post.stream_id, upload, false);
  (void)session.submit_request("GET", "https", "example.org", "/b", none, false);
  const auto put = session.submit_request("PUT", "https", "example.org", "/upload", none, true);
  const auto owned_upload = std::make_shared<const std::string>(upload);
  (void)session.provide_data(put.stream_id, *owned_upload, owned_upload, true);
  session.submit_ping();
  std::string output;
  if (session.drain_output(output)) return 0;

  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::size_t split = size > 0 ? data[size - 1] % (size + 1) : 0;
  for (std::string_view part : {input.substr(0, split), input.substr(split)}) {
    const auto owned = std::make_unique<char[]>(part.size() + 1);
    std::copy(part.begin(), part.end(), owned.get());
    const std::string_view piece(owned.get(), part.size());
    const auto error = session.feed(piece);
    const bool more = handle(session, piece, output);
    if (error || !more) return 0;
  }
  return 0;
}
