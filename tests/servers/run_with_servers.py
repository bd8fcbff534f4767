#!/usr/bin/python3
"""Starts real test servers on 127.0.0.1, runs a command with their addresses in the
environment, then stops them.

Usage:
  run_with_servers.py [--servers LIST] [--verbose] -- COMMAND [ARG...]

LIST is comma-separated, or "all" (the default): nginx, httpbin, faults, nghttpd, tinyproxy,
microsocks, h2faults. nginx proxies /httpbin/ to httpbin, so asking for nginx starts httpbin too.

Everything lives in one temporary directory, removed at the end: the test PKI (make_certs.py),
the docroot, the generated server configurations and the servers' logs. Each server runs in its
own process group on a free port; the wrapper waits until every port accepts connections
(bounded by a timeout), runs COMMAND, and stops every server whether COMMAND passed, failed or was
interrupted (Ctrl-C, SIGTERM). Servers also die with the wrapper if it is killed outright
(PR_SET_PDEATHSIG). The exit status is COMMAND's (128 + N when it died of signal N). When a
server cannot start, the wrapper prints its log and exits with 125.

COMMAND runs with these variables set (and the *_proxy variables removed, so that a proxy set in
the developer's environment does not capture loopback traffic):

  HTTPXX_TEST_CA                  CA certificate (PEM) that signed the nginx and nghttpd certificates
  HTTPXX_TEST_CERTS               directory with every generated certificate and key
  HTTPXX_TEST_DOCROOT             the static docroot served by nginx and nghttpd
  HTTPXX_TEST_NGINX_HTTP          http://127.0.0.1:P   nginx, HTTP/1.1
  HTTPXX_TEST_NGINX_UDS           path of a Unix domain socket where the same nginx server listens
  HTTPXX_TEST_NGINX_HTTPS         https://127.0.0.1:P  nginx, TLS, ALPN h2 and http/1.1
  HTTPXX_TEST_NGINX_HTTPS_H1      https://127.0.0.1:P  nginx, TLS, http/1.1 only
  HTTPXX_TEST_NGINX_HTTPS_GOAWAY  https://127.0.0.1:P  nginx, TLS, h2, GOAWAY after 2 requests a connection
  HTTPXX_TEST_NGINX_EXPIRED       https://127.0.0.1:P  certificate from the CA, expired in 2020
  HTTPXX_TEST_NGINX_SELF_SIGNED   https://127.0.0.1:P  self-signed certificate (not from the CA)
  HTTPXX_TEST_NGINX_WRONG_HOST    https://127.0.0.1:P  certificate from the CA for another name
  HTTPXX_TEST_NGINX_CLIENT_CERT   https://127.0.0.1:P  requires a client certificate from the
                                                      client CA; /client-subject echoes its DN
  HTTPXX_TEST_CLIENT_CERT         client certificate (PEM)
  HTTPXX_TEST_CLIENT_KEY          its key (PEM, unencrypted)
  HTTPXX_TEST_CLIENT_KEY_ENCRYPTED  the same key, encrypted with HTTPXX_TEST_CLIENT_KEY_PASSWORD
  HTTPXX_TEST_CLIENT_KEY_PASSWORD
  HTTPXX_TEST_HTTPBIN             http://127.0.0.1:P   httpbin under gunicorn (threaded workers)
  HTTPXX_TEST_FAULTS              http://127.0.0.1:P   fault_server.py (HTTP/1.1 faults)
  HTTPXX_TEST_NGHTTPD             http://127.0.0.1:P   nghttpd, h2c with prior knowledge, docroot
  HTTPXX_TEST_TINYPROXY           http://127.0.0.1:P   tinyproxy, CONNECT allowed to any port
  HTTPXX_TEST_TINYPROXY_TLS       https://127.0.0.1:P  the same tinyproxy behind TLS
                                                      (tls_forwarder.py, the server certificate)
  HTTPXX_TEST_TINYPROXY_AUTH      http://httpxx:httpxx-proxy-password@127.0.0.1:P
                                                      tinyproxy requiring these Basic credentials
  HTTPXX_TEST_SOCKS5              socks5://127.0.0.1:P microsocks without authentication
  HTTPXX_TEST_SOCKS5_AUTH         socks5://httpxx:httpxx-socks-password@127.0.0.1:P
                                                      microsocks with username/password
                                                      authentication (these fixed credentials)
  HTTPXX_TEST_H2FAULTS            http://127.0.0.1:P   h2_fault_server.py, h2c with prior
                                                      knowledge (HTTP/2 faults)

nginx serves, on every listener (docroot files are made at start):
  /index.html, /1k.bin (1024 bytes), /50m.bin (50 MiB of a fixed pseudo-random pattern) with its
  SHA-256 in /50m.bin.sha256 (hex digest, newline), /text.txt (about 100 KiB of text: gzip on
  for text types), /chunked (always Transfer-Encoding: chunked on HTTP/1.1), /connection
  ($connection: the connection's serial number), /connection-requests (requests served on this
  connection), /protocol ($server_protocol: "HTTP/1.1" or "HTTP/2.0"), /httpbin/... (proxied to
  httpbin, so POST echoes work over TLS and HTTP/2).
"""

import argparse
import ctypes
import grp
import hashlib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

import make_certs

HERE = os.path.dirname(os.path.abspath(__file__))
PYTHON = "/usr/bin/python3"  # Debian's: it has httpbin, gunicorn and h2
# In start order: nginx's /httpbin/ location needs httpbin's port.
SERVER_NAMES = ["httpbin", "nginx", "faults", "nghttpd", "tinyproxy", "microsocks", "h2faults"]
SOCKS_USER = "httpxx"
SOCKS_PASSWORD = "httpxx-socks-password"
PROXY_USER = "httpxx"
PROXY_PASSWORD = "httpxx-proxy-password"
STARTUP_TIMEOUT = 30.0
STOP_TIMEOUT = 10.0
START_ATTEMPTS = 3
EXIT_SERVER_FAILED = 125
PROXY_VARIABLES = ["http_proxy", "https_proxy", "all_proxy", "no_proxy"]
# The Debian package of each server program, named when the program is missing.
PACKAGES = {"nginx": "nginx-light", "nghttpd": "nghttp2-server", "tinyproxy": "tinyproxy",
            "microsocks": "microsocks"}


class StartupError(Exception):
    def __init__(self, message, exited):
        super().__init__(message)
        self.exited = exited  # the server died (rather than never answering)


class Interrupted(Exception):
    def __init__(self, signum):
        super().__init__("signal %d" % signum)
        self.signum = signum


def _on_signal(signum, frame):
    raise Interrupted(signum)


_libc = ctypes.CDLL(None, use_errno=True)
_PR_SET_PDEATHSIG = 1


def _die_with(parent_pid):
    """preexec_fn: SIGTERM this child when the wrapper dies, even by SIGKILL (prctl(2))."""
    def set_death_signal():
        _libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
        if os.getppid() != parent_pid:  # the wrapper died before prctl took effect
            os._exit(1)
    return set_death_signal


def program(name):
    """The program's path; nginx and nghttpd live in /usr/sbin, which a user's PATH may lack."""
    path = shutil.which(name) or shutil.which(name, path="/usr/sbin:/sbin")
    if path is None:
        raise StartupError("%s not found: install the Debian package %s (scripts/dev does)"
                           % (name, PACKAGES[name]), exited=False)
    return path


def free_ports(count):
    """Ports the kernel considers free now; all bound at once so they are distinct."""
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


def accepts_connections(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1.0):
            return True
    except OSError:
        return False


class Server:
    def __init__(self, name, process, log_path):
        self.name = name
        self.process = process
        self.log_path = log_path

    def log(self):
        try:
            with open(self.log_path, errors="replace") as f:
                return f.read()[-20000:]
        except OSError as e:
            return "(no log: %s)" % e


class Harness:
    def __init__(self, root, verbose):
        self.root = root
        self.verbose = verbose
        self.servers = []
        self.env = {}

    def say(self, message):
        if self.verbose:
            print("run_with_servers: " + message, file=sys.stderr, flush=True)

    def spawn(self, name, argv, ports, cwd=None):
        log_path = os.path.join(self.root, "logs", name + ".log")
        with open(log_path, "ab") as log:
            process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=log,
                                       stderr=subprocess.STDOUT, cwd=cwd,
                                       start_new_session=True,
                                       preexec_fn=_die_with(os.getpid()))
        server = Server(name, process, log_path)
        self.servers.append(server)
        deadline = time.monotonic() + STARTUP_TIMEOUT
        waiting = list(ports)
        while waiting:
            if process.poll() is not None:
                self.servers.remove(server)
                raise StartupError("%s exited with status %d while starting:\n%s"
                                   % (name, process.returncode, server.log()), exited=True)
            if time.monotonic() > deadline:
                raise StartupError("%s did not accept connections on port(s) %s within %.0f s:\n%s"
                                   % (name, waiting, STARTUP_TIMEOUT, server.log()),
                                   exited=False)
            if accepts_connections(waiting[0]):
                waiting.pop(0)
            else:
                time.sleep(0.05)  # poll interval of the readiness probe
        self.say("%s ready on %s" % (name, ", ".join(map(str, ports))))

    def start(self, name, count, launch):
        """Runs launch(ports) with `count` fresh ports, again with new ports when the server dies
        while starting: another program may take a port between free_ports() and bind()."""
        for attempt in range(1, START_ATTEMPTS + 1):
            ports = free_ports(count)
            try:
                launch(ports)
                return ports
            except StartupError as e:
                if attempt == START_ATTEMPTS or not e.exited:
                    raise
                self.say("%s failed to start, retrying with other ports" % name)

    def stop_all(self):
        for server in self.servers:
            try:
                os.killpg(server.process.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + STOP_TIMEOUT
        for server in self.servers:
            try:
                server.process.wait(max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self.say("%s ignored SIGTERM; killing it" % server.name)
            # The group may outlive its leader (workers); SIGKILL whatever is left of it.
            try:
                os.killpg(server.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            server.process.wait()
        self.servers = []

    # --- the servers -------------------------------------------------------------------

    def make_pki(self):
        certs = make_certs.make_certs(os.path.join(self.root, "certs"))
        self.certs = certs
        self.env.update({
            "HTTPXX_TEST_CA": certs["ca.pem"],
            "HTTPXX_TEST_CERTS": os.path.dirname(certs["ca.pem"]),
            "HTTPXX_TEST_CLIENT_CERT": certs["client.pem"],
            "HTTPXX_TEST_CLIENT_KEY": certs["client.key"],
            "HTTPXX_TEST_CLIENT_KEY_ENCRYPTED": certs["client-encrypted.key"],
            "HTTPXX_TEST_CLIENT_KEY_PASSWORD": make_certs.CLIENT_KEY_PASSWORD,
        })

    def make_docroot(self):
        docroot = os.path.join(self.root, "docroot")
        os.makedirs(docroot)
        with open(os.path.join(docroot, "index.html"), "w") as f:
            f.write("<!DOCTYPE html>\n<html><head><title>httpxx test server</title></head>"
                    "<body><p>httpxx test server</p></body></html>\n")
        with open(os.path.join(docroot, "1k.bin"), "wb") as f:
            f.write(bytes(i % 251 for i in range(1024)))
        # A pattern without short periods, so a reordered or repeated block changes the digest.
        digest = hashlib.sha256()
        with open(os.path.join(docroot, "50m.bin"), "wb") as f:
            for block in range(50 * 16):
                data = hashlib.shake_128(b"httpxx-%d" % block).digest(64 * 1024)
                digest.update(data)
                f.write(data)
        with open(os.path.join(docroot, "50m.bin.sha256"), "w") as f:
            f.write(digest.hexdigest() + "\n")
        text = "".join("line %05d: the quick brown fox jumps over the lazy dog\n" % i
                       for i in range(1800))
        with open(os.path.join(docroot, "text.txt"), "w") as f:
            f.write(text)
        with open(os.path.join(docroot, "chunked.html"), "w") as f:
            f.write("<html><body>\n" + text[:4096] + "</body></html>\n")
        self.docroot = docroot
        self.env["HTTPXX_TEST_DOCROOT"] = docroot

    def start_httpbin(self):
        def launch(ports):
            # Threaded workers: /delay/N and concurrent tests must not wait for each other.
            self.spawn("httpbin", [PYTHON, "-m", "gunicorn", "-b", "127.0.0.1:%d" % ports[0],
                                   "-k", "gthread", "-w", "2", "--threads", "16",
                                   "--graceful-timeout", "2", "httpbin:app"], ports,
                       cwd=self.root)
        port, = self.start("httpbin", 1, launch)
        self.httpbin_port = port
        self.env["HTTPXX_TEST_HTTPBIN"] = "http://127.0.0.1:%d" % port

    NGINX_LISTENERS = [
        # (variable, scheme, listen flags, certificate name, extra server directives)
        ("HTTPXX_TEST_NGINX_HTTP", "http", "", None, "listen unix:{prefix}/nginx.sock;"),
        ("HTTPXX_TEST_NGINX_HTTPS", "https", " ssl http2", "server", ""),
        ("HTTPXX_TEST_NGINX_HTTPS_H1", "https", " ssl", "server", ""),
        ("HTTPXX_TEST_NGINX_HTTPS_GOAWAY", "https", " ssl http2", "server", "keepalive_requests 2;"),
        ("HTTPXX_TEST_NGINX_EXPIRED", "https", " ssl", "expired", ""),
        ("HTTPXX_TEST_NGINX_SELF_SIGNED", "https", " ssl", "self-signed", ""),
        ("HTTPXX_TEST_NGINX_WRONG_HOST", "https", " ssl", "wrong-host", ""),
        ("HTTPXX_TEST_NGINX_CLIENT_CERT", "https", " ssl", "server",
         "ssl_verify_client on; ssl_client_certificate {certs}/client-ca.pem;\n"
         "    location = /client-subject { return 200 \"$ssl_client_s_dn\\n\"; }\n"),
    ]

    def nginx_config(self, ports, prefix):
        certs = os.path.dirname(self.certs["ca.pem"])
        servers = []
        for (variable, scheme, flags, cert, extra), port in zip(self.NGINX_LISTENERS, ports):
            lines = ["  server {", "    listen 127.0.0.1:%d%s;" % (port, flags)]
            if cert:
                lines += ["    ssl_certificate %s/%s.pem;" % (certs, cert),
                          "    ssl_certificate_key %s/%s.key;" % (certs, cert)]
            if extra:
                lines.append("    " + extra.replace("{certs}", certs).replace("{prefix}", prefix).rstrip())
            lines += ["    include %s/locations.conf;" % prefix, "  }"]
            servers.append("\n".join(lines))
        # Run as the invoking user: as root, nginx would otherwise switch its worker to nobody,
        # who cannot read the private temporary directory.
        user = ""
        if os.geteuid() == 0:
            user = "user %s %s;\n" % (pwd.getpwuid(os.geteuid()).pw_name,
                                      grp.getgrgid(os.getegid()).gr_name)
        main = f"""{user}daemon off;
master_process on;
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 1024; }}
http {{
  access_log {prefix}/access.log;
  client_body_temp_path {prefix}/client_body;
  proxy_temp_path {prefix}/proxy;
  fastcgi_temp_path {prefix}/fastcgi;
  uwsgi_temp_path {prefix}/uwsgi;
  scgi_temp_path {prefix}/scgi;
  include /etc/nginx/mime.types;
  default_type application/octet-stream;
  sendfile on;
  tcp_nodelay on;
  keepalive_requests 100000;
  keepalive_timeout 75s;
  client_max_body_size 200m;
  gzip on;
  gzip_proxied any;
  gzip_types text/plain text/css application/json application/javascript text/xml;
  ssl_protocols TLSv1.2 TLSv1.3;
{chr(10).join(servers)}
}}
"""
        locations = f"""root {self.docroot};
location = /connection {{ default_type text/plain; return 200 "$connection\\n"; }}
location = /connection-requests {{ default_type text/plain; return 200 "$connection_requests\\n"; }}
location = /protocol {{ default_type text/plain; return 200 "$server_protocol\\n"; }}
# SSI may change the length, so nginx drops Content-Length and sends the page chunked.
location = /chunked {{ ssi on; default_type text/html; try_files /chunked.html =404; }}
location /httpbin/ {{
  proxy_pass http://127.0.0.1:{self.httpbin_port}/;
  proxy_http_version 1.1;
  proxy_set_header Connection "";
  proxy_set_header Host $http_host;
}}
"""
        return main, locations

    def start_nginx(self):
        prefix = os.path.join(self.root, "nginx")
        os.makedirs(prefix)

        def launch(ports):
            main, locations = self.nginx_config(ports, prefix)
            with open(os.path.join(prefix, "nginx.conf"), "w") as f:
                f.write(main)
            with open(os.path.join(prefix, "locations.conf"), "w") as f:
                f.write(locations)
            # -e: the startup error log, before the configuration names its own.
            self.spawn("nginx", [program("nginx"), "-p", prefix, "-c", prefix + "/nginx.conf",
                                 "-e", prefix + "/error.log"], ports)
        ports = self.start("nginx", len(self.NGINX_LISTENERS), launch)
        for (variable, scheme, _, _, _), port in zip(self.NGINX_LISTENERS, ports):
            self.env[variable] = "%s://127.0.0.1:%d" % (scheme, port)
        self.env["HTTPXX_TEST_NGINX_UDS"] = os.path.join(prefix, "nginx.sock")

    def start_faults(self):
        port, = self.start("faults", 1, lambda ports: self.spawn(
            "faults", [PYTHON, os.path.join(HERE, "fault_server.py"), "--port", str(ports[0])],
            ports))
        self.env["HTTPXX_TEST_FAULTS"] = "http://127.0.0.1:%d" % port

    def start_h2faults(self):
        port, = self.start("h2faults", 1, lambda ports: self.spawn(
            "h2faults", [PYTHON, os.path.join(HERE, "h2_fault_server.py"), "--port",
                         str(ports[0])], ports))
        self.env["HTTPXX_TEST_H2FAULTS"] = "http://127.0.0.1:%d" % port

    def start_nghttpd(self):
        port, = self.start("nghttpd", 1, lambda ports: self.spawn(
            "nghttpd", [program("nghttpd"), "--no-tls", "--address=127.0.0.1", "--htdocs=" + self.docroot,
                        str(ports[0])], ports))
        self.env["HTTPXX_TEST_NGHTTPD"] = "http://127.0.0.1:%d" % port

    def start_tinyproxy(self):
        prefix = os.path.join(self.root, "tinyproxy")
        os.makedirs(prefix)

        def launch(ports):
            config = os.path.join(prefix, "tinyproxy.conf")
            # No ConnectPort line: CONNECT is allowed to every port (tinyproxy.conf(5)).
            with open(config, "w") as f:
                f.write(f"""Port {ports[0]}
Listen 127.0.0.1
Timeout 600
LogFile "{prefix}/tinyproxy.log"
LogLevel Info
MaxClients 200
Allow 127.0.0.1
""")
            self.spawn("tinyproxy", [program("tinyproxy"), "-d", "-c", config], ports)
        port, = self.start("tinyproxy", 1, launch)
        self.env["HTTPXX_TEST_TINYPROXY"] = "http://127.0.0.1:%d" % port
        self.start_tinyproxy_auth(prefix)
        # An https:// proxy: TLS (the server certificate) in front of the first tinyproxy.
        tls_port, = self.start("tinyproxy-tls", 1, lambda ports: self.spawn(
            "tinyproxy-tls", [PYTHON, os.path.join(HERE, "tls_forwarder.py"), "--port",
                              str(ports[0]), "--target", str(port), "--cert",
                              self.certs["server.pem"], "--key", self.certs["server.key"]], ports))
        self.env["HTTPXX_TEST_TINYPROXY_TLS"] = "https://127.0.0.1:%d" % tls_port

    def start_tinyproxy_auth(self, prefix):
        def launch(ports):
            config = os.path.join(prefix, "tinyproxy-auth.conf")
            with open(config, "w") as f:
                f.write(f"""Port {ports[0]}
Listen 127.0.0.1
Timeout 600
LogFile "{prefix}/tinyproxy-auth.log"
LogLevel Info
MaxClients 200
Allow 127.0.0.1
BasicAuth {PROXY_USER} {PROXY_PASSWORD}
""")
            self.spawn("tinyproxy-auth", [program("tinyproxy"), "-d", "-c", config], ports)
        port, = self.start("tinyproxy-auth", 1, launch)
        self.env["HTTPXX_TEST_TINYPROXY_AUTH"] = "http://%s:%s@127.0.0.1:%d" % (
            PROXY_USER, PROXY_PASSWORD, port)

    def start_microsocks(self):
        port, = self.start("microsocks", 1, lambda ports: self.spawn(
            "microsocks", [program("microsocks"), "-i", "127.0.0.1", "-p", str(ports[0])], ports))
        self.env["HTTPXX_TEST_SOCKS5"] = "socks5://127.0.0.1:%d" % port
        port, = self.start("microsocks-auth", 1, lambda ports: self.spawn(
            "microsocks-auth", [program("microsocks"), "-i", "127.0.0.1", "-p", str(ports[0]),
                                "-u", SOCKS_USER, "-P", SOCKS_PASSWORD], ports))
        self.env["HTTPXX_TEST_SOCKS5_AUTH"] = "socks5://%s:%s@127.0.0.1:%d" % (
            SOCKS_USER, SOCKS_PASSWORD, port)

    def start_servers(self, names):
        os.makedirs(os.path.join(self.root, "logs"))
        self.make_pki()
        self.make_docroot()
        for name in SERVER_NAMES:
            if name in names:
                getattr(self, "start_" + name)()


def parse_servers(value):
    if value == "all":
        return set(SERVER_NAMES)
    names = {name.strip() for name in value.split(",") if name.strip()}
    unknown = names - set(SERVER_NAMES)
    if unknown:
        raise argparse.ArgumentTypeError("unknown server(s): %s (known: %s, all)"
                                         % (", ".join(sorted(unknown)), ", ".join(SERVER_NAMES)))
    if "nginx" in names:
        names.add("httpbin")
    return names


def command_environment(extra):
    env = {key: value for key, value in os.environ.items()
           if key.lower() not in PROXY_VARIABLES}
    env.update(extra)
    return env


def run_command(argv, env):
    """Runs the command in the wrapper's process group (so Ctrl-C reaches it too); on a signal
    to the wrapper alone, passes the signal on and waits for it."""
    process = subprocess.Popen(argv, env=env, preexec_fn=_die_with(os.getpid()))
    try:
        returncode = process.wait()
    except Interrupted as e:
        process.send_signal(e.signum)
        try:
            process.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        raise
    return 128 - returncode if returncode < 0 else returncode


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--servers", type=parse_servers, default="all",
                        help="comma-separated list of %s, or all" % ", ".join(SERVER_NAMES))
    parser.add_argument("--verbose", action="store_true",
                        help="say when each server is ready and print the variables")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("no command given (put it after --)")
    servers = args.servers if isinstance(args.servers, set) else parse_servers(args.servers)

    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _on_signal)
    root = tempfile.mkdtemp(prefix="httpxx-servers-")
    harness = Harness(root, args.verbose)
    try:
        harness.start_servers(servers)
        for key in sorted(harness.env):
            harness.say("%s=%s" % (key, harness.env[key]))
        return run_command(command, command_environment(harness.env))
    except StartupError as e:
        print("run_with_servers: %s" % e, file=sys.stderr)
        return EXIT_SERVER_FAILED
    except Interrupted as e:
        return 128 + e.signum
    finally:
        # Stopping must finish even if a second Ctrl-C arrives.
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, signal.SIG_IGN)
        harness.stop_all()
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
