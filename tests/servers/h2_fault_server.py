#!/usr/bin/python3
"""A scripted HTTP/2 server (h2c with prior knowledge: plain TCP, RFC 9113 section 3.3) built on
Debian's python3-h2, for the HTTP/2 failures real servers won't produce on demand.

The request's :path picks the behaviour; a request is acted on once its stream has ended.

  /ok                    200, content-type text/plain, content-length 3, body "ok\\n".
  /echo                  200 application/json: {"method", "path", "headers" ([[name, value], ...]
                         in the order received, pseudo-headers included), "body", "body_length",
                         "body_sha256" (hex)}. The body is "" when it is over 64 KiB (uploads are
                         checked by length and digest).
  /echo-unacknowledged   200 application/json {"body_length", "body_sha256"}; the server never
                         sends WINDOW_UPDATE for the request body: the client must fit the body
                         and its end (END_STREAM) in the initial windows (65535 bytes).
  /goaway-after?n=1      answers the first n /goaway-after streams of the connection (lowest stream
                         ids first among those that have arrived), then sends GOAWAY (NO_ERROR)
                         whose last_stream_id is the last answered stream, leaving every later
                         stream unanswered (RFC 9113 section 6.8: the client may retry them on a
                         new connection), then closes the connection.
  /rst?code=7            RST_STREAM on the request's stream with that error code (7 =
                         REFUSED_STREAM, 8 = CANCEL, 2 = INTERNAL_ERROR, ...); the connection
                         stays usable.
  /stall-head            nothing at all on that stream, not even its HEADERS; other streams are
                         still served.
  /stall-window          200 headers, then DATA until the stream's or the connection's
                         flow-control window is used up, then nothing more on that stream (even
                         after WINDOW_UPDATE); other streams are still served.
  /malformed?kind=hpack  a malformed frame, then the connection is closed:
                           hpack       a HEADERS frame on the request's stream whose block is
                                       invalid HPACK (indexed field 0, RFC 7541 section 6.1):
                                       COMPRESSION_ERROR
                           frame-size  a PING frame of 7 bytes (RFC 9113 section 6.7):
                                       FRAME_SIZE_ERROR
                           stream0     a DATA frame on stream 0 (RFC 9113 section 6.1):
                                       PROTOCOL_ERROR
  /huge-headers?kib=1024 a 200 whose header list is about kib KiB (x-filler-N fields of 1000
                         bytes, sent as HEADERS + CONTINUATION), body "ok".
  /go-silent             200 "ok\n", then the server ignores everything that arrives on that
                         connection (not even PING is answered) without closing it: a peer that
                         vanished.
  anything else          404.

Usage: h2_fault_server.py --port PORT [--host 127.0.0.1]
"""

import argparse
import hashlib
import json
import socket
import socketserver
import struct
import urllib.parse

import h2.config
import h2.connection
import h2.errors
import h2.events
import h2.exceptions

# A client that never closes must not pin a thread forever.
SOCKET_TIMEOUT = 300


def _frame(frame_type, flags, stream_id, payload):
    # RFC 9113 section 4.1: 24-bit length, 8-bit type, 8-bit flags, 31-bit stream identifier.
    return struct.pack(">I", len(payload))[1:] + struct.pack(">BBI", frame_type, flags,
                                                            stream_id) + payload


MALFORMED = {
    "hpack": lambda stream_id: _frame(0x1, 0x4, stream_id, b"\x80"),
    "frame-size": lambda stream_id: _frame(0x6, 0x0, 0, b"\x00" * 7),
    "stream0": lambda stream_id: _frame(0x0, 0x0, 0, b"data"),
}


class Stream:
    def __init__(self, headers):
        self.headers = headers
        self.body = b""
        pseudo = dict(headers)
        split = urllib.parse.urlsplit(pseudo.get(":path", "/"))
        self.path = split.path
        self.query = dict(urllib.parse.parse_qsl(split.query))
        self.method = pseudo.get(":method", "")


class CloseConnection(Exception):
    pass


class GoSilent(Exception):
    """Stop answering on this connection, without closing it."""


class H2Session:
    def __init__(self, sock):
        self.sock = sock
        self.conn = h2.connection.H2Connection(
            config=h2.config.H2Configuration(client_side=False, header_encoding="utf-8"))
        self.streams = {}
        self.goaway_answered = 0

    def flush(self):
        data = self.conn.data_to_send()
        if data:
            self.sock.sendall(data)

    def run(self):
        self.conn.initiate_connection()
        self.flush()
        try:
            while True:
                data = self.sock.recv(65536)
                if not data:
                    return
                ended = []
                for event in self.conn.receive_data(data):
                    if isinstance(event, h2.events.RequestReceived):
                        self.streams[event.stream_id] = Stream(event.headers)
                    elif isinstance(event, h2.events.DataReceived):
                        stream = self.streams[event.stream_id]
                        stream.body += event.data
                        if stream.path != "/echo-unacknowledged":
                            self.conn.acknowledge_received_data(event.flow_controlled_length,
                                                                event.stream_id)
                    elif isinstance(event, h2.events.StreamEnded):
                        ended.append(event.stream_id)
                    elif isinstance(event, h2.events.ConnectionTerminated):
                        return
                for stream_id in sorted(ended):
                    self.dispatch(stream_id, self.streams.pop(stream_id))
                self.flush()
        except CloseConnection:
            self.flush()
            self.close_after_drain()
        except GoSilent:
            # Keep the socket open and unread until the client gives up on it.
            try:
                while self.sock.recv(65536):
                    pass
            except OSError:
                pass

    def close_after_drain(self):
        # FIN first and read until the client closes: closing with unread input would send a
        # RST that can destroy the frames just written before the client reads them.
        try:
            self.sock.shutdown(socket.SHUT_WR)
            while self.sock.recv(65536):
                pass
        except OSError:
            pass

    def respond(self, stream_id, status, body, content_type="text/plain", extra=()):
        headers = [(":status", str(status)), ("content-type", content_type),
                   ("content-length", str(len(body)))] + list(extra)
        self.conn.send_headers(stream_id, headers)
        self.send_body(stream_id, body)

    def send_body(self, stream_id, body):
        # Bodies here are small next to the 64 KiB initial window (RFC 9113 section 6.9.2).
        size = self.conn.max_outbound_frame_size
        for start in range(0, len(body), size):
            self.conn.send_data(stream_id, body[start:start + size])
        self.conn.end_stream(stream_id)

    def dispatch(self, stream_id, stream):
        handler = {
            "/ok": self.handle_ok,
            "/echo": self.handle_echo,
            "/echo-unacknowledged": self.handle_echo_unacknowledged,
            "/goaway-after": self.handle_goaway_after,
            "/rst": self.handle_rst,
            "/stall-head": self.handle_stall_head,
            "/stall-window": self.handle_stall_window,
            "/malformed": self.handle_malformed,
            "/huge-headers": self.handle_huge_headers,
            "/go-silent": self.handle_go_silent,
        }.get(stream.path, self.handle_not_found)
        handler(stream_id, stream)

    def handle_ok(self, stream_id, stream):
        self.respond(stream_id, 200, b"ok\n")

    def handle_echo(self, stream_id, stream):
        document = {
            "method": stream.method,
            "path": dict(stream.headers).get(":path", ""),
            "headers": [[name, value] for name, value in stream.headers],
            "body": stream.body.decode("utf-8", errors="replace") if len(stream.body) <= 65536 else "",
            "body_length": len(stream.body),
            "body_sha256": hashlib.sha256(stream.body).hexdigest(),
        }
        self.respond(stream_id, 200, json.dumps(document).encode(), "application/json")

    def handle_echo_unacknowledged(self, stream_id, stream):
        document = {"body_length": len(stream.body), "body_sha256": hashlib.sha256(stream.body).hexdigest()}
        self.respond(stream_id, 200, json.dumps(document).encode(), "application/json")

    def handle_goaway_after(self, stream_id, stream):
        n = int(stream.query.get("n", "1"))
        if self.goaway_answered >= n:
            return  # beyond last_stream_id: left unanswered on purpose
        self.respond(stream_id, 200, b"ok\n")
        self.goaway_answered += 1
        if self.goaway_answered == n:
            self.conn.close_connection(error_code=h2.errors.ErrorCodes.NO_ERROR,
                                       last_stream_id=stream_id)
            raise CloseConnection

    def handle_rst(self, stream_id, stream):
        code = int(stream.query.get("code", "7"))
        self.conn.reset_stream(stream_id, error_code=code)

    def handle_stall_head(self, stream_id, stream):
        pass  # the response never starts

    def handle_stall_window(self, stream_id, stream):
        self.conn.send_headers(stream_id, [(":status", "200"),
                                           ("content-type", "application/octet-stream")])
        while True:
            room = min(self.conn.local_flow_control_window(stream_id),
                       self.conn.max_outbound_frame_size)
            if room == 0:
                return
            self.conn.send_data(stream_id, b"s" * room)
            self.flush()

    def handle_malformed(self, stream_id, stream):
        kind = stream.query.get("kind", "hpack")
        self.flush()
        self.sock.sendall(MALFORMED[kind](stream_id))
        raise CloseConnection

    def handle_huge_headers(self, stream_id, stream):
        kib = int(stream.query.get("kib", "1024"))
        filler = "a" * 1000
        headers = [(":status", "200"), ("content-length", "2")]
        headers += [("x-filler-%d" % i, filler) for i in range(kib * 1024 // 1000)]
        self.conn.send_headers(stream_id, headers)
        self.send_body(stream_id, b"ok")

    def handle_go_silent(self, stream_id, stream):
        self.respond(stream_id, 200, b"ok\n")
        self.flush()
        raise GoSilent

    def handle_not_found(self, stream_id, stream):
        self.respond(stream_id, 404, b"no such fault\n")


class Handler(socketserver.BaseRequestHandler):
    def handle(self):
        self.request.settimeout(SOCKET_TIMEOUT)
        self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            H2Session(self.request).run()
        except (OSError, h2.exceptions.ProtocolError):
            # The client went away or broke the protocol: the connection simply ends.
            pass


class Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    with Server((args.host, args.port), Handler) as server:
        server.serve_forever()


if __name__ == "__main__":
    main()
