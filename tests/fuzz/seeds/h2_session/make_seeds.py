#!/usr/bin/python3
"""Writes the seed inputs of fuzz-h2-session: the server's side of a connection on which the
client opened streams 1 (GET), 3 (POST with a body) and 5 (GET), as python3-h2 frames them.
Random bytes alone rarely get past the SETTINGS frame that must open the server's side.

    /usr/bin/python3 tests/fuzz/seeds/h2_session/make_seeds.py
"""
import os

from h2.config import H2Configuration
from h2.connection import H2Connection
from h2.errors import ErrorCodes
from h2.settings import SettingCodes

HERE = os.path.dirname(os.path.abspath(__file__))


def server():
    """A server connection that has seen the client's three requests, its output so far kept."""
    client = H2Connection(H2Configuration(client_side=True))
    client.initiate_connection()
    request = [(":scheme", "https"), (":authority", "example.org")]
    client.send_headers(1, [(":method", "GET"), (":path", "/a")] + request, end_stream=True)
    client.send_headers(3, [(":method", "POST"), (":path", "/upload")] + request)
    client.send_data(3, b"u" * 1024)
    client.send_headers(5, [(":method", "GET"), (":path", "/b")] + request, end_stream=True)
    client.ping(b"\0" * 8)
    conn = H2Connection(H2Configuration(client_side=False))
    conn.initiate_connection()
    conn.receive_data(client.data_to_send())
    return conn


def responses(conn):
    """A response with a body, an interim response then one with trailers, a bodiless one."""
    conn.send_headers(1, [(":status", "200"), ("content-type", "text/plain"), ("content-length", "5")])
    conn.send_data(1, b"hello", end_stream=True)
    conn.send_headers(3, [(":status", "100")])
    conn.increment_flow_control_window(1 << 20)
    conn.increment_flow_control_window(1 << 20, stream_id=3)
    conn.send_headers(3, [(":status", "201"), ("location", "/upload/1")])
    conn.send_data(3, b"created", pad_length=16)
    conn.send_headers(3, [("x-checksum", "abc")], end_stream=True)
    conn.send_headers(5, [(":status", "404"), ("set-cookie", "a=b"), ("set-cookie", "c=d")], end_stream=True)


def reset_and_goaway(conn):
    """A stream reset part-way, a PING to answer, GOAWAY leaving stream 5 unprocessed."""
    conn.send_headers(1, [(":status", "200")])
    conn.send_data(1, b"part of a body")
    conn.reset_stream(1, ErrorCodes.INTERNAL_ERROR)
    conn.send_headers(3, [(":status", "413")], end_stream=True)
    conn.ping(b"12345678")
    conn.close_connection(ErrorCodes.NO_ERROR, last_stream_id=3)


def flow_control(conn):
    """New settings, window updates, a head split into CONTINUATION frames, a body in frames."""
    conn.update_settings({SettingCodes.INITIAL_WINDOW_SIZE: 16, SettingCodes.MAX_CONCURRENT_STREAMS: 1})
    conn.increment_flow_control_window(4096)
    conn.increment_flow_control_window(4096, stream_id=3)
    conn.send_headers(1, [(":status", "200"), ("x-large", "v" * 17000)])
    for _ in range(3):
        conn.send_data(1, b"d" * 1024)
    conn.end_stream(1)
    conn.send_headers(3, [(":status", "200")], end_stream=True)
    conn.send_headers(5, [(":status", "204")], end_stream=True)


for name, script in (("responses", responses), ("reset-goaway", reset_and_goaway),
                     ("flow-control", flow_control)):
    conn = server()
    script(conn)
    with open(os.path.join(HERE, name + ".bin"), "wb") as f:
        f.write(conn.data_to_send())
