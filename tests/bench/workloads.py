"""The workloads of the benchmark and who runs each: httpxx, its library peers (libcurl, Python's
requests, httpx and aiohttp) and the load generators (h2load, wrk), which show the limit that
this server and machine allow.

Python's clients are slower by an order of magnitude, so they make fewer requests (the *_py
counts; httpx uploads over HTTP/2 at a few dozen requests per second, hence w6_py_h2); every
figure is per request or per second, so the counts do not bias the comparison.
"""

import copy
import os

import bench_server
import measure

HERE = os.path.dirname(os.path.abspath(__file__))
PYTHON = "/usr/bin/python3"  # Debian's: its httpx, aiohttp, requests and h2

# Request counts; "smoke" keeps the harness itself tested in a few seconds. Five rounds: on a
# shared machine a single round of any client can be off by half, and the median of five
# absorbs two such rounds.
SIZES = {
    "full": dict(rounds=5, w1=20000, w1_py=2000, w2=50000, w2_py=3000, wrk_seconds=3,
                 w3=50000, w3_py=2000, w4_bytes=1 << 30, w5=2000, w5_py=500,
                 w6=10000, w6_py=1000, w6_py_h2=200, alloc_warmup=1000, alloc_requests=10000, idle=1000),
    # The run that gives a profile-guided build its profile: every httpxx workload once, at
    # counts that weigh its paths as the full run does, in well under a minute.
    "train": dict(rounds=1, w1=5000, w1_py=0, w2=20000, w2_py=0, wrk_seconds=1,
                  w3=20000, w3_py=0, w4_bytes=256 << 20, w5=500, w5_py=0,
                  w6=2000, w6_py=0, w6_py_h2=0, alloc_warmup=0, alloc_requests=0, idle=0),
    "smoke": dict(rounds=1, w1=200, w1_py=50, w2=500, w2_py=100, wrk_seconds=1,
                  w3=500, w3_py=100, w4_bytes=8 << 20, w5=20, w5_py=10,
                  w6=100, w6_py=20, w6_py_h2=10, alloc_warmup=20, alloc_requests=100, idle=50),
}

HTTPXX, PEER, LOADGEN = "httpxx", "peer", "load generator"


class Contender:
    """One client in one workload. argv(count) makes its command line; count 0 is its start-up
    alone, whose CPU time is subtracted (baseline=True) so that a Python interpreter's imports do
    not count as request costs."""

    def __init__(self, name, kind, argv, count, parse=measure.parse_json_line, baseline=True,
                 expect_bytes=None, expect_connections=None):
        self.name = name
        self.kind = kind
        self.argv = argv
        self.count = count
        self.parse = parse
        self.baseline = baseline
        self.expect_bytes = expect_bytes            # per request, when checked
        self.expect_connections = expect_connections


class Workload:
    def __init__(self, key, title, unit, contenders):
        self.key = key
        self.title = title
        self.unit = unit  # "req": requests per second; "bytes": MB per second
        self.contenders = contenders


def define(bins, server, sizes):
    """Every workload, in run order. bins: paths of the built programs; server: a BenchServer."""
    s = sizes
    urls = server.urls
    ca = ["--ca", server.ca]
    one_k = "/1k.bin"

    def httpxx(mode, url, *options):
        return lambda n: [bins["httpxx_bench"], mode, url, str(n), *options]

    def curl_easy(url, *options):
        return lambda n: [bins["curl_easy"], url, str(n), *options]

    def curl_multi(url, *options):
        return lambda n: [bins["curl_multi"], url, str(n), *options]

    def python(script, *arguments):
        path = os.path.join(HERE, "peers", script)
        return lambda n: [PYTHON, path, *[str(n) if a is COUNT else a for a in arguments]]

    def h2load(url, *options):
        return lambda n: ["h2load", "-n", str(n), "-t", "1", *options, url]

    w1_url = urls["http"] + one_k
    w1 = Workload("W1", "%d sequential GETs of 1 KiB, one keep-alive connection, HTTP/1.1"
                  % s["w1"], "req", [
                      Contender("httpxx Client", HTTPXX, httpxx("sync", w1_url), s["w1"],
                                expect_bytes=1024, expect_connections=1),
                      Contender("curl easy", PEER, curl_easy(w1_url), s["w1"], expect_bytes=1024),
                      Contender("requests", PEER, python("py_requests.py", w1_url, COUNT),
                                s["w1_py"], expect_bytes=1024),
                      Contender("httpx Client", PEER, python("py_httpx.py", "sync", w1_url, COUNT),
                                s["w1_py"], expect_bytes=1024),
                      Contender("h2load --h1 -c1", LOADGEN, h2load(w1_url, "--h1", "-c", "1"),
                                s["w1"], parse=measure.parse_h2load, baseline=False,
                                expect_bytes=1024),
                  ])

    c64 = ["--concurrency", "64"]
    w2 = Workload("W2", "%d GETs of 1 KiB, 64 in flight, HTTP/1.1" % s["w2"], "req", [
        Contender("httpxx AsyncClient", HTTPXX, httpxx("async", w1_url, *c64), s["w2"],
                  expect_bytes=1024),
        Contender("curl multi", PEER, curl_multi(w1_url, *c64), s["w2"], expect_bytes=1024),
        Contender("aiohttp", PEER, python("py_aiohttp.py", w1_url, COUNT, *c64), s["w2_py"],
                  expect_bytes=1024),
        Contender("httpx AsyncClient", PEER, python("py_httpx.py", "async", w1_url, COUNT, *c64),
                  s["w2_py"], expect_bytes=1024),
        Contender("h2load --h1 -c64", LOADGEN, h2load(w1_url, "--h1", "-c", "64"), s["w2"],
                  parse=measure.parse_h2load, baseline=False, expect_bytes=1024),
        Contender("wrk -c64 (%d s)" % s["wrk_seconds"], LOADGEN,
                  lambda n: ["wrk", "-t", "1", "-c", "64", "-d", "%ds" % s["wrk_seconds"],
                             w1_url],
                  None, parse=measure.parse_wrk, baseline=False),
    ])

    w3_url = urls["https"] + one_k
    c100 = ["--concurrency", "100", "--protocol", "h2", *ca]
    w3 = Workload("W3", "%d GETs of 1 KiB, 100 streams in flight on one TLS HTTP/2 connection"
                  % s["w3"], "req", [
                      Contender("httpxx AsyncClient", HTTPXX, httpxx("async", w3_url, *c100),
                                s["w3"], expect_bytes=1024, expect_connections=1),
                      Contender("curl multi", PEER, curl_multi(w3_url, *c100), s["w3"],
                                expect_bytes=1024),
                      Contender("httpx AsyncClient", PEER,
                                python("py_httpx.py", "async", w3_url, COUNT, *c100), s["w3_py"],
                                expect_bytes=1024),
                      Contender("h2load -c1 -m100", LOADGEN,
                                h2load(w3_url, "-c", "1", "-m", "100"), s["w3"],
                                parse=measure.parse_h2load, baseline=False, expect_bytes=1024),
                  ])

    big = s["w4_bytes"]
    w4 = []
    for protocol, base, curl_flags, h2load_flags in (
            ("h1", urls["http"], ["--http1.1"], ["--h1"]),
            ("h2", urls["https"], ["--http2", "--cacert", server.ca], [])):
        url = base + "/big.bin"
        label = "HTTP/1.1" if protocol == "h1" else "HTTP/2 over TLS"
        w4.append(Workload("W4-" + protocol, "a %d MiB streamed download, %s"
                           % (big >> 20, label), "bytes", [
                               Contender("httpxx Client.stream", HTTPXX,
                                         httpxx("download", url, "--protocol", protocol, *ca), 1,
                                         baseline=False, expect_bytes=big, expect_connections=1),
                               Contender("curl -o /dev/null", PEER,
                                         lambda n, url=url, flags=curl_flags: [
                                             "curl", "-s", "-S", "--noproxy", "*", *flags,
                                             "-o", "/dev/null", "-w", measure.CURL_WRITE_OUT,
                                             url],
                                         1, parse=measure.parse_curl, baseline=False,
                                         expect_bytes=big),
                               Contender("h2load -c1", LOADGEN,
                                         h2load(url, *h2load_flags, "-c", "1"), 1,
                                         parse=measure.parse_h2load, baseline=False,
                                         expect_bytes=big),
                           ]))

    w5_url = urls["close"] + one_k
    fresh = ["--new-connections", *ca]
    w5 = Workload("W5", "%d HTTPS GETs of 1 KiB, each on a new connection (TLS, HTTP/1.1, "
                  "session resumption offered)" % s["w5"], "req", [
                      Contender("httpxx Client", HTTPXX, httpxx("sync", w5_url, *fresh), s["w5"],
                                expect_bytes=1024, expect_connections=0),
                      Contender("curl easy", PEER, curl_easy(w5_url, *fresh), s["w5"],
                                expect_bytes=1024, expect_connections=s["w5"]),
                      Contender("requests", PEER,
                                python("py_requests.py", w5_url, COUNT, *fresh), s["w5_py"],
                                expect_bytes=1024),
                      Contender("httpx Client", PEER,
                                python("py_httpx.py", "sync", w5_url, COUNT, *fresh), s["w5_py"],
                                expect_bytes=1024),
                      Contender("h2load --h1 (reconnects)", LOADGEN,
                                h2load(w5_url, "--h1", "-c", "1"), s["w5"],
                                parse=measure.parse_h2load, baseline=False, expect_bytes=1024),
                  ])

    post = ["--post-size", str(bench_server.POST_SIZE)]
    w6 = []
    for protocol, base in (("h1", urls["http"]), ("h2", urls["https"])):
        url = base + "/upload"
        label = "HTTP/1.1" if protocol == "h1" else "HTTP/2 over TLS"
        options = [*post, "--protocol", protocol, *ca]
        contenders = [
            Contender("httpxx Client", HTTPXX, httpxx("sync", url, *options), s["w6"],
                      expect_bytes=0, expect_connections=1),
            Contender("curl easy", PEER, curl_easy(url, *options), s["w6"], expect_bytes=0),
        ]
        if protocol == "h1":
            contenders.append(Contender("requests", PEER,
                                        python("py_requests.py", url, COUNT, *post),
                                        s["w6_py"], expect_bytes=0))
        contenders += [
            Contender("httpx Client", PEER, python("py_httpx.py", "sync", url, COUNT, *options),
                      s["w6_py" if protocol == "h1" else "w6_py_h2"], expect_bytes=0),
            Contender("h2load -c1", LOADGEN,
                      h2load(url, *(["--h1"] if protocol == "h1" else []), "-c", "1",
                             "-d", server.post_file),
                      s["w6"], parse=measure.parse_h2load, baseline=False, expect_bytes=0),
        ]
        w6.append(Workload("W6-" + protocol, "%d POSTs of 64 KiB, one connection, %s"
                           % (s["w6"], label), "req", contenders))

    return [w1, w2, w3, *w4, w5, *w6]


def with_unprofiled_twins(workload_list, program):
    """Each httpxx contender followed by the same run of program, an httpxx_bench built without
    profile feedback, so that the table shows what the profile is worth."""
    for workload in workload_list:
        contenders = []
        for contender in workload.contenders:
            contenders.append(contender)
            if contender.kind == HTTPXX:
                twin = copy.copy(contender)
                twin.name = contender.name + " (no profile)"
                twin.argv = lambda n, argv=contender.argv: [program] + argv(n)[1:]
                contenders.append(twin)
        workload.contenders = contenders
    return workload_list


class _Count:
    """Marks where a Python peer's command line takes the request count."""


COUNT = _Count()
