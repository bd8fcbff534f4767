#!/usr/bin/python3
"""A scripted HTTP/1.1 server that misbehaves on purpose, for what real servers won't do.

The request path picks the behaviour. Every response is written as raw bytes, so each fault is
exactly what reaches the client. Unless said otherwise a response keeps the connection alive
(HTTP/1.1 rules: an HTTP/1.0 request or "Connection: close" closes it after the response).

  /truncated             Content-Length: 100, then 50 bytes, then close.
  /wrong-length          Content-Length: 10, then 20 bytes ("0123456789ABCDEFGHIJ"), connection
                         kept alive: the 10 extra bytes sit where the next response should start.
  /garbage               "SPAM SPAM SPAM" (not an HTTP status line), then close.
  /bad-chunk             Transfer-Encoding: chunked with the chunk size "zz", then close.
  /both-lengths          Content-Length: 5 and Transfer-Encoding: chunked together (the chunked
                         body says "hello"), then close (RFC 9112 section 6.3: a request-smuggling
                         signature; a client must not reuse the connection).
  /stall-headers         sends "HTTP/1.1 200 OK\\r\\nContent-Ty" and nothing more; keeps the socket
                         open until the client closes it.
  /stall-body            a head with Content-Length: 1000, 10 bytes of body, then nothing until
                         the client closes.
  /reset                 reads the request, then closes with SO_LINGER 0: the client gets a TCP RST.
  /huge-headers          a 10 MiB header block (X-Filler-N lines of 1000 bytes), then body "ok".
  /close-delimited       HTTP/1.1 200 with neither Content-Length nor Transfer-Encoding; the body
                         ("close-delimited line N\\n" for N in 0..99) ends when the server closes.
  /keepalive-then-close  a valid 200 "ok" that announces keep-alive, then the server closes the
                         idle connection at once: a pooled connection that went stale.
  /slow-chunks?n=5&delay_ms=100
                         n chunks "chunk I\\n", delay_ms between them (server-side pacing).
  /paced-body?size=12288&parts=3&delay_ms=20
                         a body of size bytes ("abc...z" repeated) with its Content-Length, sent
                         in parts, delay_ms between them (server-side pacing).
  /echo                  200 application/json: {"method", "target", "http_version", "headers"
                         ([[name, value], ...] in wire order, original case), "body" (UTF-8, with
                         U+FFFD for invalid bytes), "body_base64", "body_length"}. Request bodies
                         may use Content-Length or chunked encoding.
  /100-continue          like /echo; when the request has "Expect: 100-continue" it first sends
                         "HTTP/1.1 100 Continue" and only then reads the body. The JSON also has
                         "continue_sent" (bool).
  /103                   "HTTP/1.1 103 Early Hints" with a Link header, then 200 "ok".
  /many-headers?n=100    a 200 with n headers "X-Header-I: value-I".
  /status/N              status N (reason from the standard table), empty body.
  /close-on-next-request a valid keep-alive 200 "ok"; then, when the next request arrives on the
                         same connection, closes it without answering: a pooled connection that
                         the server dropped just as it was reused (the client must retry safely).
  /barrier?n=4&group=g   answers "released" only once n requests of group g are waiting at the
                         same time (503 after 30 s): proves a client sends concurrently.
  /conn-id               body: the connection's number (counted from 1 per accepted connection);
                         header X-Request-Number: how many requests that connection has served.
  anything else          404.

Usage: fault_server.py --port PORT [--host 127.0.0.1]
"""

import argparse
import base64
import http
import itertools
import json
import socket
import socketserver
import struct
import threading
import time
import urllib.parse

MAX_HEAD = 1 << 20
# A client that never closes must not pin a thread forever.
SOCKET_TIMEOUT = 300
_connection_numbers = itertools.count(1)
_connection_numbers_lock = threading.Lock()


class BadRequest(Exception):
    pass


class Request:
    def __init__(self, method, target, version, headers):
        self.method = method
        self.target = target
        self.version = version
        self.headers = headers  # [(name, value)] in wire order
        split = urllib.parse.urlsplit(target)
        self.path = split.path
        self.query = dict(urllib.parse.parse_qsl(split.query))

    def header(self, name):
        for key, value in self.headers:
            if key.lower() == name:
                return value
        return None

    def keep_alive(self):
        connection = (self.header("connection") or "").lower()
        if self.version == "HTTP/1.0":
            return "keep-alive" in connection
        return "close" not in connection


class Connection:
    """Buffered reads over one accepted socket."""

    def __init__(self, sock):
        self.sock = sock
        self.buffer = b""

    def _fill(self):
        data = self.sock.recv(65536)
        if not data:
            raise EOFError
        self.buffer += data

    def read_until(self, delimiter, limit):
        while delimiter not in self.buffer:
            if len(self.buffer) > limit:
                raise BadRequest("head too long")
            self._fill()
        index = self.buffer.index(delimiter) + len(delimiter)
        data, self.buffer = self.buffer[:index], self.buffer[index:]
        return data

    def read_exactly(self, n):
        while len(self.buffer) < n:
            self._fill()
        data, self.buffer = self.buffer[:n], self.buffer[n:]
        return data

    def read_head(self):
        head = self.read_until(b"\r\n\r\n", MAX_HEAD).decode("latin-1")
        lines = head[:-4].split("\r\n")
        parts = lines[0].split(" ")
        if len(parts) != 3:
            raise BadRequest("bad request line")
        headers = []
        for line in lines[1:]:
            name, sep, value = line.partition(":")
            if not sep:
                raise BadRequest("bad header line")
            headers.append((name, value.strip()))
        return Request(parts[0], parts[1], parts[2], headers)

    def read_body(self, request):
        if "chunked" in (request.header("transfer-encoding") or "").lower():
            body = b""
            while True:
                size = int(self.read_until(b"\r\n", 1024).split(b";")[0].strip(), 16)
                if size == 0:
                    # Trailer section, ended by an empty line (RFC 9112 section 7.1.2).
                    while self.read_until(b"\r\n", MAX_HEAD) != b"\r\n":
                        pass
                    return body
                body += self.read_exactly(size)
                self.read_exactly(2)
        return self.read_exactly(int(request.header("content-length") or 0))

    def wait_for_client_close(self):
        try:
            while self.sock.recv(65536):
                pass
        except OSError:
            pass

    def send(self, data):
        self.sock.sendall(data)


def response(status, headers=(), body=b"", reason=None):
    if reason is None:
        try:
            reason = http.HTTPStatus(status).phrase
        except ValueError:
            reason = "Unknown"
    lines = ["HTTP/1.1 %d %s" % (status, reason)]
    lines += ["%s: %s" % item for item in headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def simple(status, body, content_type="text/plain", extra=()):
    headers = [("Content-Type", content_type), ("Content-Length", str(len(body)))]
    return response(status, headers + list(extra), body)


def echo_body(request, body, **extra):
    document = {
        "method": request.method,
        "target": request.target,
        "http_version": request.version,
        "headers": [[name, value] for name, value in request.headers],
        "body": body.decode("utf-8", errors="replace"),
        "body_base64": base64.b64encode(body).decode("ascii"),
        "body_length": len(body),
    }
    document.update(extra)
    return simple(200, json.dumps(document).encode(), "application/json")


# Each handler gets the connection, the request (head read, body not yet) and the connection's
# state; it returns True to keep the connection for another request, False to close it.

def handle_truncated(conn, request, state):
    conn.read_body(request)
    conn.send(response(200, [("Content-Length", "100")], b"x" * 50))
    return False


def handle_wrong_length(conn, request, state):
    conn.read_body(request)
    conn.send(response(200, [("Content-Length", "10"), ("Connection", "keep-alive")],
                       b"0123456789ABCDEFGHIJ"))
    return request.keep_alive()


def handle_garbage(conn, request, state):
    conn.read_body(request)
    conn.send(b"SPAM SPAM SPAM\r\n\r\n")
    return False


def handle_bad_chunk(conn, request, state):
    conn.read_body(request)
    conn.send(response(200, [("Transfer-Encoding", "chunked")], b"zz\r\nhello\r\n0\r\n\r\n"))
    return False


def handle_both_lengths(conn, request, state):
    conn.read_body(request)
    conn.send(response(200, [("Content-Length", "5"), ("Transfer-Encoding", "chunked")],
                       b"5\r\nhello\r\n0\r\n\r\n"))
    return False


def handle_stall_headers(conn, request, state):
    conn.read_body(request)
    conn.send(b"HTTP/1.1 200 OK\r\nContent-Ty")
    conn.wait_for_client_close()
    return False


def handle_stall_body(conn, request, state):
    conn.read_body(request)
    conn.send(response(200, [("Content-Length", "1000")], b"0123456789"))
    conn.wait_for_client_close()
    return False


def handle_reset(conn, request, state):
    conn.read_body(request)
    # SO_LINGER on with a zero timeout makes close() send RST instead of FIN (tcp(7)).
    # Closed here: the server's own shutdown(SHUT_WR) would send a FIN first.
    conn.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    conn.sock.close()
    return False


def handle_huge_headers(conn, request, state):
    conn.read_body(request)
    filler = "a" * 1000
    count = (10 << 20) // len(filler)
    head = "".join("X-Filler-%d: %s\r\n" % (i, filler) for i in range(count))
    conn.send(("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n" + head + "\r\n").encode() + b"ok")
    return request.keep_alive()


def handle_close_delimited(conn, request, state):
    conn.read_body(request)
    body = "".join("close-delimited line %d\n" % i for i in range(100)).encode()
    conn.send(response(200, [("Content-Type", "text/plain")], body))
    return False


def handle_keepalive_then_close(conn, request, state):
    conn.read_body(request)
    conn.send(simple(200, b"ok", extra=[("Connection", "keep-alive")]))
    return False


def handle_slow_chunks(conn, request, state):
    conn.read_body(request)
    n = int(request.query.get("n", "5"))
    delay = int(request.query.get("delay_ms", "100")) / 1000.0
    conn.send(response(200, [("Content-Type", "text/plain"), ("Transfer-Encoding", "chunked")]))
    for i in range(n):
        if i:
            time.sleep(delay)  # pacing of the response itself, not synchronisation
        chunk = ("chunk %d\n" % i).encode()
        conn.send(b"%x\r\n%s\r\n" % (len(chunk), chunk))
    conn.send(b"0\r\n\r\n")
    return request.keep_alive()


def handle_paced_body(conn, request, state):
    # A body of declared length sent in parts, each after a pause: the client meets it in
    # several reads, however fast it is.
    conn.read_body(request)
    size = int(request.query.get("size", "12288"))
    parts = int(request.query.get("parts", "3"))
    delay = int(request.query.get("delay_ms", "20")) / 1000.0
    body = bytes(ord("a") + i % 26 for i in range(size))
    step = -(-size // parts)
    # Each part leaves when it is sent: Nagle's algorithm would hold it back while the client
    # delays its ACK of the last (RFC 9293 section 3.7.4), and the parts would arrive together.
    conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    conn.send(response(200, [("Content-Type", "application/octet-stream"), ("Content-Length", str(size))]))
    for start in range(0, size, step):
        if start:
            time.sleep(delay)  # pacing of the response itself, not synchronisation
        conn.send(body[start:start + step])
    return request.keep_alive()


def handle_echo(conn, request, state):
    conn.send(echo_body(request, conn.read_body(request)))
    return request.keep_alive()


def handle_100_continue(conn, request, state):
    # RFC 9110 section 10.1.1: the client waits for the interim response before the body.
    expects = (request.header("expect") or "").lower() == "100-continue"
    if expects:
        conn.send(b"HTTP/1.1 100 Continue\r\n\r\n")
    conn.send(echo_body(request, conn.read_body(request), continue_sent=expects))
    return request.keep_alive()


def handle_expectation_failed(conn, request, state):
    # RFC 9110 section 10.1.1: the server answers with a final status instead of "100 Continue",
    # without reading the body, and stays open: a client that reused the connection would have
    # its next request answered here, on the same connection number.
    conn.send(simple(417, str(state["number"]).encode()))
    return request.keep_alive()


def handle_103(conn, request, state):
    conn.read_body(request)
    conn.send(b"HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload; as=style\r\n\r\n")
    conn.send(simple(200, b"ok"))
    return request.keep_alive()


def handle_many_headers(conn, request, state):
    conn.read_body(request)
    n = int(request.query.get("n", "100"))
    headers = [("X-Header-%d" % i, "value-%d" % i) for i in range(n)]
    conn.send(response(200, headers + [("Content-Length", "2")], b"ok"))
    return request.keep_alive()


def handle_status(conn, request, state):
    conn.read_body(request)
    status = int(request.path.rsplit("/", 1)[1])
    # RFC 9110 section 8.6: 1xx, 204 and 304 responses carry no Content-Length.
    headers = [] if status < 200 or status in (204, 304) else [("Content-Length", "0")]
    conn.send(response(status, headers))
    return request.keep_alive()


def handle_close_on_next_request(conn, request, state):
    conn.read_body(request)
    conn.send(simple(200, b"ok", extra=[("Connection", "keep-alive")]))
    conn.read_head()  # the next request on this connection: dropped unanswered
    return False


_barriers = {}
_barriers_lock = threading.Lock()


def handle_barrier(conn, request, state):
    conn.read_body(request)
    n = int(request.query.get("n", "2"))
    group = request.query.get("group", "")
    with _barriers_lock:
        barrier = _barriers.setdefault((group, n), threading.Barrier(n))
    try:
        barrier.wait(timeout=30)
        conn.send(simple(200, b"released"))
    except threading.BrokenBarrierError:
        conn.send(simple(503, b"the other requests never arrived"))
    return request.keep_alive()


def handle_conn_id(conn, request, state):
    conn.read_body(request)
    body = str(state["number"]).encode()
    conn.send(simple(200, body, extra=[("X-Request-Number", str(state["requests"]))]))
    return request.keep_alive()


def handle_not_found(conn, request, state):
    conn.read_body(request)
    conn.send(simple(404, b"no such fault\n"))
    return request.keep_alive()


ROUTES = {
    "/truncated": handle_truncated,
    "/wrong-length": handle_wrong_length,
    "/garbage": handle_garbage,
    "/bad-chunk": handle_bad_chunk,
    "/both-lengths": handle_both_lengths,
    "/stall-headers": handle_stall_headers,
    "/stall-body": handle_stall_body,
    "/reset": handle_reset,
    "/huge-headers": handle_huge_headers,
    "/close-delimited": handle_close_delimited,
    "/keepalive-then-close": handle_keepalive_then_close,
    "/slow-chunks": handle_slow_chunks,
    "/paced-body": handle_paced_body,
    "/echo": handle_echo,
    "/100-continue": handle_100_continue,
    "/expectation-failed": handle_expectation_failed,
    "/103": handle_103,
    "/many-headers": handle_many_headers,
    "/conn-id": handle_conn_id,
    "/close-on-next-request": handle_close_on_next_request,
    "/barrier": handle_barrier,
}


def route(path):
    if path.startswith("/status/") and path[len("/status/"):].isdigit():
        return handle_status
    return ROUTES.get(path, handle_not_found)


class Handler(socketserver.BaseRequestHandler):
    def handle(self):
        self.request.settimeout(SOCKET_TIMEOUT)
        conn = Connection(self.request)
        with _connection_numbers_lock:
            state = {"number": next(_connection_numbers), "requests": 0}
        try:
            while True:
                request = conn.read_head()
                state["requests"] += 1
                if not route(request.path)(conn, request, state):
                    return
        except (BadRequest, ValueError) as e:
            try:
                conn.send(simple(400, str(e).encode()))
            except OSError:
                pass
        except (EOFError, OSError):
            # The client went away: normal here, several faults provoke it.
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
