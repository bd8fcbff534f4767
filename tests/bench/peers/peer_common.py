"""What the Python peers share: the command line of httpxx_bench (URL COUNT [options]) and its
one-line JSON result, so the harness drives every client the same way."""

import argparse
import json
import sys
import time


def parse_args(description, modes=None, protocols=("h1",)):
    parser = argparse.ArgumentParser(description=description)
    if modes:
        parser.add_argument("mode", choices=modes)
    parser.add_argument("url")
    parser.add_argument("count", type=int, help="requests to make (0: only start up)")
    parser.add_argument("--concurrency", type=int, default=1, help="requests in flight")
    parser.add_argument("--protocol", choices=protocols, default="h1")
    parser.add_argument("--ca", help="CA bundle that verifies the server's certificate")
    parser.add_argument("--post-size", type=int, default=0, help="POST a body of this size")
    parser.add_argument("--new-connections", action="store_true",
                        help="close every connection after its response")
    args = parser.parse_args()
    if args.concurrency < 1:
        parser.error("--concurrency must be at least 1")
    return args


def body(args):
    return b"x" * args.post_size


def check(status, url):
    if not 200 <= status < 300:
        sys.exit("status %d from %s" % (status, url))


class Timer:
    """Wall time of the requests alone: imports and client set-up stay outside."""

    def __enter__(self):
        self.started = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.started


def report(requests, seconds, received, connections=None):
    print(json.dumps({"requests": requests, "seconds": seconds, "bytes": received,
                      "connections": connections}), flush=True)
