#!/usr/bin/python3
"""Self-test of the test-server harness: every server answers as run_with_servers.py,
fault_server.py and h2_fault_server.py document. Runs under the wrapper:

  run_with_servers.py --servers all -- /usr/bin/python3 test_servers.py

Only Debian's Python standard library (ssl, http.client, socket) and python3-h2 are used, so a
failure here points at the harness, never at httpxx.
"""

import gzip
import hashlib
import http.client
import json
import os
import re
import shutil
import signal
import socket
import ssl
import struct
import subprocess
import sys
import threading
import time
import unittest
import urllib.parse

import h2.config
import h2.connection
import h2.events
import h2.exceptions

HERE = os.path.dirname(os.path.abspath(__file__))
IO_TIMEOUT = 10.0
# How long "nothing more arrives" is watched for, for the stalling faults.
QUIET_PERIOD = 0.5


def env(name):
    value = os.environ.get(name)
    if not value:
        raise AssertionError("%s is not set: run this under run_with_servers.py" % name)
    return value


def address(variable):
    url = urllib.parse.urlsplit(env(variable))
    return url.hostname, url.port


def connect(variable):
    return socket.create_connection(address(variable), timeout=IO_TIMEOUT)


def docroot_file(name):
    with open(os.path.join(env("HTTPXX_TEST_DOCROOT"), name), "rb") as f:
        return f.read()


def recv_until_close(sock):
    data = b""
    while True:
        chunk = sock.recv(65536)
        if not chunk:
            return data
        data += chunk


def recv_until(sock, marker, data=b""):
    while marker not in data:
        chunk = sock.recv(65536)
        if not chunk:
            raise AssertionError("connection closed before %r; got %r" % (marker, data[:200]))
        data += chunk
    return data


def raw_request(sock, path, method="GET", headers=(), body=b""):
    lines = ["%s %s HTTP/1.1" % (method, path), "Host: 127.0.0.1"]
    lines += ["%s: %s" % h for h in headers]
    if body:
        lines.append("Content-Length: %d" % len(body))
    sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode() + body)


def split_response(data):
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers.setdefault(name.strip().lower(), value.strip())
    return lines[0], headers, body


def tls_context(alpn=("http/1.1",), cert=None, key=None, password=None):
    context = ssl.create_default_context(cafile=env("HTTPXX_TEST_CA"))
    context.set_alpn_protocols(list(alpn))
    if cert:
        context.load_cert_chain(cert, key, password)
    return context


def tls_connect(variable, **kwargs):
    return tls_context(**kwargs).wrap_socket(connect(variable), server_hostname="127.0.0.1")


def wait_until(predicate, timeout=IO_TIMEOUT):
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)  # poll interval
    return True


def accepts_connections(host, port):
    try:
        with socket.create_connection((host, port), timeout=1.0):
            return True
    except OSError:
        return False


class H2Client:
    """A minimal HTTP/2 client over an already connected (plain or TLS) socket."""

    def __init__(self, sock, authority="127.0.0.1"):
        self.sock = sock
        self.authority = authority
        self.conn = h2.connection.H2Connection(
            config=h2.config.H2Configuration(client_side=True, header_encoding="utf-8"))
        self.conn.initiate_connection()
        self.responses = {}
        self.terminated = None
        self.flush()

    def flush(self):
        data = self.conn.data_to_send()
        if data:
            self.sock.sendall(data)

    def request(self, path, method="GET", body=None, headers=()):
        stream_id = self.conn.get_next_available_stream_id()
        self.conn.send_headers(stream_id, [(":method", method), (":path", path),
                                           (":scheme", "http"), (":authority", self.authority),
                                           *headers], end_stream=body is None)
        if body is not None:
            # In frames the peer accepts (SETTINGS_MAX_FRAME_SIZE), the last one ending the stream.
            size = self.conn.max_outbound_frame_size
            pieces = [body[i:i + size] for i in range(0, len(body), size)] or [b""]
            for i, piece in enumerate(pieces):
                self.conn.send_data(stream_id, piece, end_stream=i == len(pieces) - 1)
        self.responses[stream_id] = {"headers": None, "data": b"", "ended": False, "reset": None}
        self.flush()
        return stream_id

    def receive(self, done, acknowledge=True):
        """Reads frames until done() holds, the connection ends, or IO_TIMEOUT passes."""
        while not done():
            data = self.sock.recv(65536)
            if not data:
                return
            for event in self.conn.receive_data(data):
                response = self.responses.get(getattr(event, "stream_id", None))
                if isinstance(event, h2.events.ResponseReceived):
                    response["headers"] = dict(event.headers)
                elif isinstance(event, h2.events.DataReceived):
                    response["data"] += event.data
                    if acknowledge:
                        self.conn.acknowledge_received_data(event.flow_controlled_length,
                                                            event.stream_id)
                elif isinstance(event, h2.events.StreamEnded):
                    response["ended"] = True
                elif isinstance(event, h2.events.StreamReset):
                    response["reset"] = event.error_code
                elif isinstance(event, h2.events.ConnectionTerminated):
                    self.terminated = event
            self.flush()
            if self.terminated:
                return

    def get(self, path, **kwargs):
        stream_id = self.request(path, **kwargs)
        self.receive(lambda: self.responses[stream_id]["ended"])
        return self.responses[stream_id]


class Environment(unittest.TestCase):
    VARIABLES = [
        "HTTPXX_TEST_CA", "HTTPXX_TEST_CERTS", "HTTPXX_TEST_DOCROOT", "HTTPXX_TEST_NGINX_HTTP",
        "HTTPXX_TEST_NGINX_HTTPS", "HTTPXX_TEST_NGINX_HTTPS_H1", "HTTPXX_TEST_NGINX_HTTPS_GOAWAY",
        "HTTPXX_TEST_NGINX_EXPIRED",
        "HTTPXX_TEST_NGINX_SELF_SIGNED", "HTTPXX_TEST_NGINX_WRONG_HOST",
        "HTTPXX_TEST_NGINX_CLIENT_CERT", "HTTPXX_TEST_CLIENT_CERT", "HTTPXX_TEST_CLIENT_KEY",
        "HTTPXX_TEST_CLIENT_KEY_ENCRYPTED", "HTTPXX_TEST_CLIENT_KEY_PASSWORD",
        "HTTPXX_TEST_HTTPBIN", "HTTPXX_TEST_FAULTS", "HTTPXX_TEST_NGHTTPD",
        "HTTPXX_TEST_TINYPROXY", "HTTPXX_TEST_SOCKS5", "HTTPXX_TEST_SOCKS5_AUTH",
        "HTTPXX_TEST_H2FAULTS",
    ]

    def test_every_variable_is_set(self):
        for name in self.VARIABLES:
            self.assertTrue(os.environ.get(name), name)

    def test_files_exist(self):
        for name in ["HTTPXX_TEST_CA", "HTTPXX_TEST_CLIENT_CERT", "HTTPXX_TEST_CLIENT_KEY",
                     "HTTPXX_TEST_CLIENT_KEY_ENCRYPTED"]:
            self.assertTrue(os.path.isfile(env(name)), name)
        for name in ["server.pem", "expired.pem", "self-signed.pem", "client-ca.pem"]:
            self.assertTrue(os.path.isfile(os.path.join(env("HTTPXX_TEST_CERTS"), name)), name)

    def test_proxy_variables_are_cleared(self):
        for name in ["http_proxy", "HTTPS_PROXY", "ALL_PROXY", "no_proxy"]:
            self.assertNotIn(name, os.environ)

    def test_encrypted_key_needs_its_password(self):
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.load_cert_chain(env("HTTPXX_TEST_CLIENT_CERT"),
                                env("HTTPXX_TEST_CLIENT_KEY_ENCRYPTED"),
                                env("HTTPXX_TEST_CLIENT_KEY_PASSWORD"))
        with self.assertRaises(ssl.SSLError):
            context.load_cert_chain(env("HTTPXX_TEST_CLIENT_CERT"),
                                    env("HTTPXX_TEST_CLIENT_KEY_ENCRYPTED"), "wrong password")


class Nginx(unittest.TestCase):
    def http(self, variable="HTTPXX_TEST_NGINX_HTTP"):
        host, port = address(variable)
        if env(variable).startswith("https"):
            return http.client.HTTPSConnection(host, port, timeout=IO_TIMEOUT,
                                               context=tls_context())
        return http.client.HTTPConnection(host, port, timeout=IO_TIMEOUT)

    def get(self, path, variable="HTTPXX_TEST_NGINX_HTTP", headers=None):
        conn = self.http(variable)
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        body = response.read()
        conn.close()
        return response, body

    def test_static_files(self):
        response, body = self.get("/1k.bin")
        self.assertEqual(response.status, 200)
        self.assertEqual(len(body), 1024)
        self.assertEqual(body, docroot_file("1k.bin"))
        response, body = self.get("/index.html")
        self.assertIn(b"httpxx test server", body)

    def test_50m_digest(self):
        response, body = self.get("/50m.bin")
        self.assertEqual(len(body), 50 << 20)
        _, digest = self.get("/50m.bin.sha256")
        self.assertEqual(hashlib.sha256(body).hexdigest() + "\n", digest.decode())

    def test_keep_alive_reuses_the_connection(self):
        conn = self.http()
        values = []
        for path in ["/connection", "/connection", "/connection-requests",
                     "/connection-requests"]:
            conn.request("GET", path)
            values.append(conn.getresponse().read().decode().strip())
        conn.close()
        self.assertEqual(values[0], values[1])
        self.assertEqual(int(values[3]), int(values[2]) + 1)

    def test_new_connection_gets_a_new_serial(self):
        _, first = self.get("/connection")
        _, second = self.get("/connection")
        self.assertNotEqual(first, second)

    def test_chunked(self):
        response, body = self.get("/chunked")
        self.assertEqual(response.getheader("Transfer-Encoding"), "chunked")
        self.assertIsNone(response.getheader("Content-Length"))
        self.assertEqual(body, docroot_file("chunked.html"))

    def test_gzip_for_text(self):
        response, body = self.get("/text.txt", headers={"Accept-Encoding": "gzip"})
        self.assertEqual(response.getheader("Content-Encoding"), "gzip")
        self.assertEqual(gzip.decompress(body), docroot_file("text.txt"))

    def test_https_verified_with_the_ca_offers_h2(self):
        with tls_connect("HTTPXX_TEST_NGINX_HTTPS", alpn=("h2", "http/1.1")) as sock:
            self.assertEqual(sock.selected_alpn_protocol(), "h2")
            response = H2Client(sock).get("/protocol")
        self.assertEqual(response["headers"][":status"], "200")
        self.assertEqual(response["data"], b"HTTP/2.0\n")

    def test_https_goaway_after_two_requests_answers_both(self):
        # Python's h2 takes a GOAWAY for the end of the connection; nghttp reads on, as RFC 9113
        # 6.8 allows, and prints the frames.
        output = subprocess.run(["nghttp", "-nv", "-m", "2", env("HTTPXX_TEST_NGINX_HTTPS_GOAWAY") + "/protocol"],
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                timeout=IO_TIMEOUT, check=True).stdout
        goaway = re.search(r"recv GOAWAY frame .*\n\s*\(last_stream_id=(\d+), error_code=NO_ERROR", output)
        self.assertIsNotNone(goaway, output)
        # The last stream accepted is answered after the GOAWAY.
        after = output[goaway.end():]
        self.assertIn("recv (stream_id=%s) :status: 200" % goaway.group(1), after)

    def test_https_h1_does_not_offer_h2(self):
        with tls_connect("HTTPXX_TEST_NGINX_HTTPS_H1", alpn=("h2", "http/1.1")) as sock:
            self.assertIn(sock.selected_alpn_protocol(), (None, "http/1.1"))
        response, body = self.get("/protocol", "HTTPXX_TEST_NGINX_HTTPS_H1")
        self.assertEqual(body, b"HTTP/1.1\n")

    def test_httpbin_proxied_over_tls_and_h2(self):
        with tls_connect("HTTPXX_TEST_NGINX_HTTPS", alpn=("h2",)) as sock:
            response = H2Client(sock).get("/httpbin/post", method="POST", body=b'{"a": 1}',
                                          headers=[("content-type", "application/json")])
        self.assertEqual(response["headers"][":status"], "200")
        self.assertEqual(json.loads(response["data"])["json"], {"a": 1})

    def assert_verification_fails(self, variable, codes):
        with self.assertRaises(ssl.SSLCertVerificationError) as failure:
            tls_connect(variable).close()
        self.assertIn(failure.exception.verify_code, codes, failure.exception.verify_message)

    def test_expired_fails_verification(self):
        self.assert_verification_fails("HTTPXX_TEST_NGINX_EXPIRED", {10})  # CERT_HAS_EXPIRED

    def test_self_signed_fails_verification(self):
        # DEPTH_ZERO_SELF_SIGNED_CERT
        self.assert_verification_fails("HTTPXX_TEST_NGINX_SELF_SIGNED", {18})

    def test_wrong_host_fails_verification(self):
        # HOSTNAME_MISMATCH or IP_ADDRESS_MISMATCH
        self.assert_verification_fails("HTTPXX_TEST_NGINX_WRONG_HOST", {62, 64})

    def test_client_cert_required(self):
        response, _ = self.get("/client-subject", "HTTPXX_TEST_NGINX_CLIENT_CERT")
        self.assertEqual(response.status, 400)  # "No required SSL certificate was sent"

    def test_client_cert_accepted(self):
        for key, password in [(env("HTTPXX_TEST_CLIENT_KEY"), None),
                              (env("HTTPXX_TEST_CLIENT_KEY_ENCRYPTED"),
                               env("HTTPXX_TEST_CLIENT_KEY_PASSWORD"))]:
            host, port = address("HTTPXX_TEST_NGINX_CLIENT_CERT")
            context = tls_context(cert=env("HTTPXX_TEST_CLIENT_CERT"), key=key,
                                  password=password)
            conn = http.client.HTTPSConnection(host, port, timeout=IO_TIMEOUT, context=context)
            conn.request("GET", "/client-subject")
            response = conn.getresponse()
            self.assertEqual(response.status, 200)
            self.assertEqual(response.read(), b"CN=httpxx test client\n")
            conn.close()


class Httpbin(unittest.TestCase):
    def get(self, path):
        host, port = address("HTTPXX_TEST_HTTPBIN")
        conn = http.client.HTTPConnection(host, port, timeout=IO_TIMEOUT)
        conn.request("GET", path)
        response = conn.getresponse()
        body = response.read()
        conn.close()
        return response, body

    def test_get_json(self):
        response, body = self.get("/get?a=1&b=two")
        self.assertEqual(response.status, 200)
        self.assertEqual(json.loads(body)["args"], {"a": "1", "b": "two"})

    def test_delays_run_concurrently(self):
        # Four 1-second delays must overlap: serialised they would take 4 s.
        statuses = []
        threads = [threading.Thread(target=lambda: statuses.append(self.get("/delay/1")[0].status))
                   for _ in range(4)]
        start = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(statuses, [200] * 4)
        self.assertLess(time.monotonic() - start, 3.5)


class Faults(unittest.TestCase):
    def exchange(self, path, **kwargs):
        sock = connect("HTTPXX_TEST_FAULTS")
        raw_request(sock, path, **kwargs)
        return sock

    def connection(self):
        """An HTTP client connection to the fault server, closed when the test ends."""
        conn = http.client.HTTPConnection(*address("HTTPXX_TEST_FAULTS"), timeout=IO_TIMEOUT)
        self.addCleanup(conn.close)
        return conn

    def test_truncated(self):
        with self.exchange("/truncated") as sock:
            status, headers, body = split_response(recv_until_close(sock))
        self.assertEqual(headers["content-length"], "100")
        self.assertEqual(len(body), 50)

    def test_wrong_length_keeps_the_connection(self):
        with self.exchange("/wrong-length") as sock:
            data = recv_until(sock, b"0123456789ABCDEFGHIJ")
            raw_request(sock, "/conn-id")
            data = recv_until(sock, b"X-Request-Number", data)
        status, headers, body = split_response(data)
        self.assertEqual(headers["content-length"], "10")
        self.assertTrue(body.startswith(b"0123456789ABCDEFGHIJHTTP/1.1 200 OK\r\n"), body)

    def test_garbage(self):
        with self.exchange("/garbage") as sock:
            self.assertTrue(recv_until_close(sock).startswith(b"SPAM SPAM SPAM\r\n"))

    def test_bad_chunk(self):
        with self.exchange("/bad-chunk") as sock:
            status, headers, body = split_response(recv_until_close(sock))
        self.assertEqual(headers["transfer-encoding"], "chunked")
        self.assertTrue(body.startswith(b"zz\r\n"))

    def test_both_lengths(self):
        with self.exchange("/both-lengths") as sock:
            status, headers, body = split_response(recv_until_close(sock))
        self.assertEqual(headers["content-length"], "5")
        self.assertEqual(headers["transfer-encoding"], "chunked")
        self.assertEqual(body, b"5\r\nhello\r\n0\r\n\r\n")

    def assert_stalls_after(self, path, expected):
        with self.exchange(path) as sock:
            data = recv_until(sock, expected)
            sock.settimeout(QUIET_PERIOD)
            with self.assertRaises(socket.timeout):
                data += sock.recv(65536)
        self.assertEqual(data, expected)

    def test_stall_headers(self):
        self.assert_stalls_after("/stall-headers", b"HTTP/1.1 200 OK\r\nContent-Ty")

    def test_stall_body(self):
        self.assert_stalls_after("/stall-body",
                                 b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n0123456789")

    def test_reset(self):
        with self.exchange("/reset") as sock:
            with self.assertRaises(ConnectionResetError):
                recv_until_close(sock)

    def test_huge_headers(self):
        with self.exchange("/huge-headers") as sock:
            data = recv_until(sock, b"\r\n\r\nok")
        self.assertGreaterEqual(data.index(b"\r\n\r\n"), 10 << 20)

    def test_close_delimited(self):
        with self.exchange("/close-delimited") as sock:
            status, headers, body = split_response(recv_until_close(sock))
        self.assertEqual(status, "HTTP/1.1 200 OK")
        self.assertNotIn("content-length", headers)
        self.assertNotIn("transfer-encoding", headers)
        self.assertEqual(body.count(b"\n"), 100)

    def test_keepalive_then_close(self):
        with self.exchange("/keepalive-then-close") as sock:
            status, headers, body = split_response(recv_until_close(sock))
        self.assertEqual(headers["connection"], "keep-alive")
        self.assertEqual(body, b"ok")

    def test_slow_chunks(self):
        conn = self.connection()
        conn.request("GET", "/slow-chunks?n=3&delay_ms=20")
        response = conn.getresponse()
        self.assertEqual(response.getheader("Transfer-Encoding"), "chunked")
        self.assertEqual(response.read(), b"chunk 0\nchunk 1\nchunk 2\n")

    def test_paced_body(self):
        conn = self.connection()
        conn.request("GET", "/paced-body?size=100&parts=3&delay_ms=1")
        response = conn.getresponse()
        self.assertEqual(response.getheader("Content-Length"), "100")
        self.assertEqual(response.read(), bytes(ord("a") + i % 26 for i in range(100)))

    def test_echo(self):
        conn = self.connection()
        conn.request("PUT", "/echo?x=1", body=b"payload", headers={"X-Test": "Value"})
        echoed = json.loads(conn.getresponse().read())
        self.assertEqual(echoed["method"], "PUT")
        self.assertEqual(echoed["target"], "/echo?x=1")
        self.assertIn(["X-Test", "Value"], echoed["headers"])
        self.assertEqual(echoed["body"], "payload")
        # A chunked request body on the same connection.
        conn.request("POST", "/echo", body=iter([b"ab", b"cd"]), encode_chunked=True)
        echoed = json.loads(conn.getresponse().read())
        self.assertEqual(echoed["body"], "abcd")
        self.assertEqual(echoed["body_length"], 4)

    def test_100_continue(self):
        with connect("HTTPXX_TEST_FAULTS") as sock:
            sock.sendall(b"POST /100-continue HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
                         b"Content-Length: 5\r\n\r\n")
            self.assertEqual(recv_until(sock, b"\r\n\r\n"), b"HTTP/1.1 100 Continue\r\n\r\n")
            sock.sendall(b"hello")
            data = recv_until(sock, b"}")
        echoed = json.loads(split_response(data)[2])
        self.assertEqual(echoed["body"], "hello")
        self.assertTrue(echoed["continue_sent"])

    def test_expectation_failed_answers_before_the_body(self):
        with connect("HTTPXX_TEST_FAULTS") as sock:
            sock.sendall(b"POST /expectation-failed HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
                         b"Content-Length: 5\r\n\r\n")
            status, headers, body = split_response(recv_until(sock, b"\r\n\r\n"))
            body += recv_exactly(sock, int(headers["content-length"]) - len(body))
        self.assertEqual(status, "HTTP/1.1 417 Expectation Failed")
        self.assertTrue(body.decode().isdigit())

    def test_103(self):
        with self.exchange("/103") as sock:
            data = recv_until(sock, b"\r\n\r\nok")
        self.assertTrue(data.startswith(b"HTTP/1.1 103 Early Hints\r\nLink: "))
        self.assertIn(b"\r\n\r\nHTTP/1.1 200 OK\r\n", data)

    def test_many_headers(self):
        with self.exchange("/many-headers?n=50") as sock:
            data = recv_until(sock, b"\r\n\r\nok")
        self.assertEqual(data.count(b"X-Header-"), 50)

    def test_status(self):
        with self.exchange("/status/418") as sock:
            self.assertTrue(recv_until(sock, b"\r\n\r\n").startswith(b"HTTP/1.1 418 "))
        with self.exchange("/status/204") as sock:
            status, headers, _ = split_response(recv_until(sock, b"\r\n\r\n"))
        self.assertEqual(status, "HTTP/1.1 204 No Content")
        self.assertNotIn("content-length", headers)

    def test_conn_id(self):
        host, port = address("HTTPXX_TEST_FAULTS")
        ids = []
        for _ in range(2):
            conn = http.client.HTTPConnection(host, port, timeout=IO_TIMEOUT)
            for expected_number in ("1", "2"):
                conn.request("GET", "/conn-id")
                response = conn.getresponse()
                ids.append(response.read())
                self.assertEqual(response.getheader("X-Request-Number"), expected_number)
            conn.close()
        self.assertEqual(ids[0], ids[1])
        self.assertEqual(ids[2], ids[3])
        self.assertNotEqual(ids[0], ids[2])


class Proxies(unittest.TestCase):
    def test_tinyproxy_forwards_a_get(self):
        host, port = address("HTTPXX_TEST_TINYPROXY")
        conn = http.client.HTTPConnection(host, port, timeout=IO_TIMEOUT)
        conn.request("GET", env("HTTPXX_TEST_HTTPBIN") + "/get?via=proxy")
        response = conn.getresponse()
        self.assertEqual(response.status, 200)
        self.assertEqual(json.loads(response.read())["args"], {"via": "proxy"})
        conn.close()

    def test_tinyproxy_connect_tunnel(self):
        host, port = address("HTTPXX_TEST_TINYPROXY")
        target_host, target_port = address("HTTPXX_TEST_NGINX_HTTPS_H1")
        conn = http.client.HTTPSConnection(host, port, timeout=IO_TIMEOUT, context=tls_context())
        conn.set_tunnel(target_host, target_port)
        conn.request("GET", "/1k.bin")
        self.assertEqual(len(conn.getresponse().read()), 1024)
        conn.close()

    def socks5_connect(self, variable, target, credentials=None):
        """RFC 1928 CONNECT to an IPv4 target, with RFC 1929 username/password when given."""
        sock = connect(variable)
        method = 2 if credentials else 0
        sock.sendall(bytes([5, 1, method]))
        reply = recv_exactly(sock, 2)
        if reply != bytes([5, method]):
            sock.close()
            raise ConnectionRefusedError("SOCKS5 method refused: %r" % reply)
        if credentials:
            user, password = (c.encode() for c in credentials)
            sock.sendall(bytes([1, len(user)]) + user + bytes([len(password)]) + password)
            if recv_exactly(sock, 2) != b"\x01\x00":
                sock.close()
                raise ConnectionRefusedError("SOCKS5 authentication failed")
        host, port = target
        sock.sendall(bytes([5, 1, 0, 1]) + socket.inet_aton(host) + struct.pack(">H", port))
        reply = recv_exactly(sock, 10)
        self.assertEqual(reply[:2], b"\x05\x00")
        return sock

    def assert_tunnel_works(self, sock):
        with sock:
            raw_request(sock, "/1k.bin", headers=[("Connection", "close")])
            _, _, body = split_response(recv_until_close(sock))
        self.assertEqual(body, docroot_file("1k.bin"))

    def test_socks5_without_auth(self):
        self.assert_tunnel_works(
            self.socks5_connect("HTTPXX_TEST_SOCKS5", address("HTTPXX_TEST_NGINX_HTTP")))

    def test_socks5_with_auth(self):
        url = urllib.parse.urlsplit(env("HTTPXX_TEST_SOCKS5_AUTH"))
        self.assert_tunnel_works(self.socks5_connect(
            "HTTPXX_TEST_SOCKS5_AUTH", address("HTTPXX_TEST_NGINX_HTTP"),
            (url.username, url.password)))

    def test_socks5_auth_refuses_anonymous_and_wrong_password(self):
        target = address("HTTPXX_TEST_NGINX_HTTP")
        with self.assertRaises(ConnectionRefusedError):
            self.socks5_connect("HTTPXX_TEST_SOCKS5_AUTH", target)
        with self.assertRaises(ConnectionRefusedError):
            self.socks5_connect("HTTPXX_TEST_SOCKS5_AUTH", target, ("httpxx", "wrong"))


def recv_exactly(sock, n):
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise ConnectionRefusedError("connection closed after %r" % data)
        data += chunk
    return data


class Nghttpd(unittest.TestCase):
    def test_h2c_prior_knowledge(self):
        with connect("HTTPXX_TEST_NGHTTPD") as sock:
            response = H2Client(sock).get("/1k.bin")
        self.assertEqual(response["headers"][":status"], "200")
        self.assertEqual(response["data"], docroot_file("1k.bin"))


class H2Faults(unittest.TestCase):
    def test_ok(self):
        with connect("HTTPXX_TEST_H2FAULTS") as sock:
            response = H2Client(sock).get("/ok")
        self.assertEqual(response["headers"][":status"], "200")
        self.assertEqual(response["data"], b"ok\n")

    def test_echo(self):
        with connect("HTTPXX_TEST_H2FAULTS") as sock:
            response = H2Client(sock).get("/echo", method="POST", body=b"data")
        echoed = json.loads(response["data"])
        self.assertEqual((echoed["method"], echoed["body"]), ("POST", "data"))

    def test_echo_unacknowledged_sends_no_window_update(self):
        with connect("HTTPXX_TEST_H2FAULTS") as sock:
            client = H2Client(sock)
            window = client.conn.outbound_flow_control_window
            body = b"x" * window
            stream_id = client.request("/echo-unacknowledged", method="POST", body=body)
            client.receive(lambda: client.responses[stream_id]["ended"])
            # Every byte of the window was used and none came back.
            self.assertEqual(client.conn.outbound_flow_control_window, 0)
        echoed = json.loads(client.responses[stream_id]["data"])
        self.assertEqual(echoed["body_length"], window)
        self.assertEqual(echoed["body_sha256"], hashlib.sha256(body).hexdigest())

    def test_goaway_after_first_stream(self):
        with connect("HTTPXX_TEST_H2FAULTS") as sock:
            client = H2Client(sock)
            streams = [client.request("/goaway-after?n=1") for _ in range(3)]
            client.receive(lambda: client.terminated is not None)
        self.assertEqual(client.terminated.error_code, 0)
        self.assertEqual(client.terminated.last_stream_id, streams[0])
        self.assertTrue(client.responses[streams[0]]["ended"])
        for later in streams[1:]:
            self.assertIsNone(client.responses[later]["headers"])

    def test_rst_stream(self):
        with connect("HTTPXX_TEST_H2FAULTS") as sock:
            client = H2Client(sock)
            for code in (7, 2):
                stream_id = client.request("/rst?code=%d" % code)
                client.receive(lambda: client.responses[stream_id]["reset"] is not None)
                self.assertEqual(client.responses[stream_id]["reset"], code)
            # The connection is still usable.
            self.assertEqual(client.get("/ok")["data"], b"ok\n")

    def test_stall_window(self):
        with connect("HTTPXX_TEST_H2FAULTS") as sock:
            client = H2Client(sock)
            stream_id = client.request("/stall-window")
            window = client.conn.remote_settings.initial_window_size
            response = client.responses[stream_id]
            client.receive(lambda: len(response["data"]) >= window, acknowledge=False)
            sock.settimeout(QUIET_PERIOD)
            with self.assertRaises(socket.timeout):
                client.receive(lambda: False, acknowledge=False)
        self.assertEqual(len(response["data"]), window)
        self.assertFalse(response["ended"])

    def test_malformed(self):
        for kind in ("hpack", "frame-size", "stream0"):
            with self.subTest(kind=kind), connect("HTTPXX_TEST_H2FAULTS") as sock:
                client = H2Client(sock)
                client.request("/malformed?kind=" + kind)
                with self.assertRaises(h2.exceptions.ProtocolError):
                    client.receive(lambda: False)

    def test_huge_headers(self):
        with connect("HTTPXX_TEST_H2FAULTS") as sock:
            response = H2Client(sock).get("/huge-headers?kib=32")
        self.assertEqual(len([n for n in response["headers"] if n.startswith("x-filler-")]),
                         32 * 1024 // 1000)
        with connect("HTTPXX_TEST_H2FAULTS") as sock:
            # The default list (1 MiB) is past h2's own 64 KiB limit.
            with self.assertRaises(h2.exceptions.ProtocolError):
                H2Client(sock).get("/huge-headers")


class Wrapper(unittest.TestCase):
    """The wrapper itself: exit status, and servers stopped however it ends."""

    def run_nested(self, script):
        return subprocess.Popen(
            [sys.executable, os.path.join(HERE, "run_with_servers.py"), "--servers", "faults",
             "--", sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)

    def faults_address(self, wrapper):
        url = urllib.parse.urlsplit(wrapper.stdout.readline().strip())
        return url.hostname, url.port

    PRINT = "import os, signal, sys; print(os.environ['HTTPXX_TEST_FAULTS'], flush=True); "

    def test_exit_status_and_stop(self):
        with self.run_nested(self.PRINT + "sys.exit(7)") as wrapper:
            host, port = self.faults_address(wrapper)
            self.assertEqual(wrapper.wait(IO_TIMEOUT * 3), 7)
        self.assertFalse(accepts_connections(host, port))

    def test_sigterm_stops_command_and_servers(self):
        with self.run_nested(self.PRINT + "os.kill(os.getppid(), signal.SIGTERM); "
                             "signal.pause()") as wrapper:
            host, port = self.faults_address(wrapper)
            self.assertEqual(wrapper.wait(IO_TIMEOUT * 3), 128 + signal.SIGTERM)
        self.assertFalse(accepts_connections(host, port))

    def test_servers_die_with_a_killed_wrapper(self):
        with self.run_nested(
                self.PRINT + "print(os.environ['HTTPXX_TEST_CERTS'], flush=True); "
                "os.kill(os.getppid(), signal.SIGKILL); signal.pause()") as wrapper:
            host, port = self.faults_address(wrapper)
            certs = wrapper.stdout.readline().strip()
            self.assertEqual(wrapper.wait(IO_TIMEOUT), -signal.SIGKILL)
        # A killed wrapper cannot remove its directory: this test does.
        shutil.rmtree(os.path.dirname(certs))
        self.assertTrue(wait_until(lambda: not accepts_connections(host, port)))


if __name__ == "__main__":
    unittest.main(verbosity=2)
