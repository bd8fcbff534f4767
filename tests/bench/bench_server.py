"""The server side of the benchmark: one nginx worker, pinned to its own core, serving a temporary
docroot on three loopback listeners.

  http   HTTP/1.1                                  W1, W2, W4-h1, W6-h1, the allocation counts
  https  TLS, ALPN h2 and http/1.1                 W3, W4-h2, W6-h2
  close  TLS, HTTP/1.1, keepalive_timeout 0        W5: nginx closes every connection after its
                                                   response, so every client pays a handshake

HTTP/2 is measured over TLS only: libcurl 7.88 (Debian 12) fails the second request on a reused
prior-knowledge (h2c) connection ("Error in the HTTP2 framing layer", curl issue 10634, fixed
in 8.0), so h2c would leave httpxx without its main peer.

Docroot: 1k.bin (1024 bytes), big.bin (the W4 download, sparse and read once at start: its
pages come from the page cache, never from disk), post.bin (the W6 body, for h2load -d).

POST /upload answers 204 after nginx has read the whole body into memory, with no disk or
upstream involved. A plain `return 204` would answer before the body has arrived; over HTTP/2
nginx then resets the stream (RST_STREAM, allowed by RFC 9113, 8.1), which libcurl 7.88 and
h2load count as a failed request. So the mirror module reads the body first (mirror_request_body
on, to an internal location that drops it), and the answer comes from the content phase: the
empty_gif handler refuses POST with 405, which error_page turns into the 204 of /empty.
TLS sessions are cached and tickets on, so the clients that offer resumption get it (W5).
"""

import ctypes
import grp
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "servers"))
import make_certs  # noqa: E402  (the test PKI the integration tests use)

LISTENERS = ["http", "https", "close"]
STARTUP_TIMEOUT = 30.0
POST_SIZE = 64 * 1024


_libc = ctypes.CDLL(None, use_errno=True)
_PR_SET_PDEATHSIG = 1


def _die_with_parent():
    """preexec_fn: nginx gets SIGTERM when the harness dies, even by SIGKILL (prctl(2))."""
    _libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def free_ports(count):
    """Ports the kernel considers free now; bound together so that they are distinct."""
    sockets = []
    try:
        for _ in range(count):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.bind(("127.0.0.1", 0))
            sockets.append(s)
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


def accepts(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1.0):
            return True
    except OSError:
        return False


def nginx_program():
    path = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/sbin")
    if path is None:
        sys.exit("run.py: nginx not found: install the Debian package nginx-light")
    return path


class BenchServer:
    """nginx on free ports in root/ (which the caller removes). Use as a context manager."""

    def __init__(self, root, big_size, server_cpus):
        self.root = root
        self.big_size = big_size
        self.server_cpus = server_cpus  # taskset prefix, [] when not pinning
        self.process = None
        self.urls = {}

    def __enter__(self):
        self.certs = make_certs.make_certs(os.path.join(self.root, "certs"))
        self.ca = self.certs["ca.pem"]
        self.docroot = os.path.join(self.root, "docroot")
        os.makedirs(self.docroot)
        with open(os.path.join(self.docroot, "1k.bin"), "wb") as f:
            f.write(bytes(i % 251 for i in range(1024)))
        with open(os.path.join(self.docroot, "post.bin"), "wb") as f:
            f.write(b"x" * POST_SIZE)
        self.post_file = os.path.join(self.docroot, "post.bin")
        big = os.path.join(self.docroot, "big.bin")
        with open(big, "wb") as f:
            f.truncate(self.big_size)
        # Read once here, so that the page cache holds it before any download: the first
        # contender's would otherwise pay for nginx zeroing a gigabyte of pages as it reads.
        with open(big, "rb", buffering=0) as f:
            chunk = bytearray(1 << 20)
            while f.readinto(chunk):
                pass
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    def config(self, ports, prefix):
        # Run as the invoking user: as root, nginx would switch its worker to nobody, who cannot
        # read the private temporary directory.
        user = ""
        if os.geteuid() == 0:
            user = "user %s %s;" % (pwd.getpwuid(os.geteuid()).pw_name,
                                    grp.getgrgid(os.getegid()).gr_name)
        listen = dict(zip(LISTENERS, ports))
        certs = os.path.dirname(self.ca)
        locations = (f"root {self.docroot};\n"
                     "    location = /upload { client_max_body_size 1m; "
                     "client_body_buffer_size 128k; mirror /discard; mirror_request_body on; "
                     "error_page 405 =204 /empty; empty_gif; }\n"
                     "    location = /discard { internal; return 204; }\n"
                     "    location = /empty { internal; return 204; }")
        return f"""{user}
daemon off;
master_process on;
worker_processes 1;
worker_rlimit_nofile 8192;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 4096; }}
http {{
  access_log off;
  client_body_temp_path {prefix}/client_body;
  proxy_temp_path {prefix}/proxy;
  fastcgi_temp_path {prefix}/fastcgi;
  uwsgi_temp_path {prefix}/uwsgi;
  scgi_temp_path {prefix}/scgi;
  default_type application/octet-stream;
  sendfile on;
  tcp_nopush on;
  tcp_nodelay on;
  keepalive_requests 100000000;
  keepalive_timeout 600s;
  ssl_protocols TLSv1.2 TLSv1.3;
  ssl_certificate {certs}/server.pem;
  ssl_certificate_key {certs}/server.key;
  ssl_session_cache shared:bench:10m;
  ssl_session_timeout 1h;
  ssl_session_tickets on;
  server {{ listen 127.0.0.1:{listen["http"]} backlog=4096; {locations} }}
  server {{ listen 127.0.0.1:{listen["https"]} ssl http2 backlog=4096; {locations} }}
  server {{ listen 127.0.0.1:{listen["close"]} ssl backlog=4096; keepalive_timeout 0;
           {locations} }}
}}
"""

    def start(self):
        prefix = os.path.join(self.root, "nginx")
        os.makedirs(prefix)
        for attempt in range(3):  # another program may take a port before nginx binds it
            ports = free_ports(len(LISTENERS))
            with open(os.path.join(prefix, "nginx.conf"), "w") as f:
                f.write(self.config(ports, prefix))
            log = open(os.path.join(prefix, "startup.log"), "ab")
            self.process = subprocess.Popen(
                self.server_cpus + [nginx_program(), "-p", prefix, "-c", prefix + "/nginx.conf",
                                    "-e", prefix + "/error.log"],
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True, preexec_fn=_die_with_parent)
            log.close()
            deadline = time.monotonic() + STARTUP_TIMEOUT
            while self.process.poll() is None and not all(accepts(p) for p in ports):
                if time.monotonic() > deadline:
                    self.stop()
                    sys.exit("run.py: nginx did not start:\n" + self.log(prefix))
                time.sleep(0.05)  # readiness poll interval
            if self.process.poll() is None:
                break
            if attempt == 2:
                sys.exit("run.py: nginx exited while starting:\n" + self.log(prefix))
        self.prefix = prefix
        for name, port in zip(LISTENERS, ports):
            scheme = "https" if name in ("https", "close") else "http"
            self.urls[name] = "%s://127.0.0.1:%d" % (scheme, port)

    def worker_cpu(self):
        """CPU seconds (user + sys) the nginx workers have used so far, from /proc/PID/stat
        (proc(5): utime and stime are fields 14 and 15, in clock ticks)."""
        ticks = 0
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open("/proc/%s/stat" % entry) as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:  # the process ended meanwhile
                continue
            if int(fields[1]) == self.process.pid:  # fields[1] is field 4, the parent's pid
                ticks += int(fields[11]) + int(fields[12])
        return ticks / os.sysconf("SC_CLK_TCK")

    @staticmethod
    def log(prefix):
        text = ""
        for name in ("startup.log", "error.log"):
            try:
                with open(os.path.join(prefix, name), errors="replace") as f:
                    text += f.read()[-10000:]
            except OSError:
                pass
        return text

    def stop(self):
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(10)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            pass
        try:  # the worker may outlive the master
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait()
        self.process = None
