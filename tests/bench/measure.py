"""Runs one client program and measures it: its own report of requests, bytes and wall time,
and, from wait4(2) (through rusage_exec), the CPU time (user + sys, every thread) and peak RSS of
the process.

Every program prints one JSON line ({"requests", "seconds", "bytes", "connections"}), except
the external tools, whose text output is parsed here: h2load, wrk and the curl command.
"""

import json
import os
import re
import signal
import subprocess
import tempfile
import threading

# The environment of every client: no proxy may capture loopback traffic, and Python must not
# write bytecode caches into the source tree.
PROXY_VARIABLES = {"http_proxy", "https_proxy", "all_proxy", "no_proxy"}


def client_environment():
    env = {k: v for k, v in os.environ.items() if k.lower() not in PROXY_VARIABLES}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


class RunFailed(Exception):
    pass


def _kill_group(pid):
    try:
        os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


class Usage:
    def __init__(self, cpu, max_rss_kib):
        self.cpu = cpu                  # seconds, user + sys
        self.max_rss_kib = max_rss_kib


def run_measured(argv, cpus, timeout, launcher):
    """Runs argv pinned to cpus (a taskset prefix) under launcher (rusage_exec, which reports
    wait4's figures); returns (stdout text, Usage). RunFailed carries the output when the
    program fails or outlives timeout."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, \
            tempfile.NamedTemporaryFile(mode="r") as usage_file:
        # A session of its own, so that a timeout kills the client along with its launcher.
        process = subprocess.Popen([launcher, usage_file.name] + cpus + argv,
                                   stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                                   env=client_environment(), start_new_session=True)
        timer = threading.Timer(timeout, _kill_group, (process.pid,))
        timer.start()
        try:
            returncode = process.wait()
        finally:
            timer.cancel()
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode(errors="replace")
        stderr = err.read().decode(errors="replace")
        fields = usage_file.read().split()
    if returncode != 0 or len(fields) != 4:
        why = "killed after %.0f s" % timeout if returncode == -signal.SIGKILL else \
            "exit status %d" % returncode
        raise RunFailed("%s: %s\n%s%s" % (" ".join(argv), why, stdout[-2000:], stderr[-4000:]))
    user, system, max_rss_kib, _ = fields
    return stdout, Usage(float(user) + float(system), int(max_rss_kib))


def parse_json_line(stdout):
    for line in reversed(stdout.splitlines()):
        if line.startswith("{"):
            return json.loads(line)
    raise RunFailed("no JSON result in:\n" + stdout[-2000:])


_UNITS = {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}


def _seconds(number, unit):
    return float(number) * _UNITS[unit]


def parse_h2load(stdout):
    """h2load's summary: "finished in 1.23s, ..." and "requests: N total, N started, N done,
    N succeeded, N failed, N errored, N timeout"; "traffic: ... (B) total"."""
    finished = re.search(r"finished in ([\d.]+)(us|ms|s|m)\b", stdout)
    requests = re.search(r"requests: (\d+) total, (\d+) started, (\d+) done, (\d+) succeeded, "
                         r"(\d+) failed, (\d+) errored, (\d+) timeout", stdout)
    statuses = re.search(r"status codes: (\d+) 2xx, (\d+) 3xx, (\d+) 4xx, (\d+) 5xx", stdout)
    traffic = re.search(r"traffic: \S+ \((\d+)\) total, \S+ \((\d+)\) headers \(space savings "
                        r"[^)]*\), \S+ \((\d+)\) data", stdout)
    if not (finished and requests and statuses and traffic):
        raise RunFailed("unexpected h2load output:\n" + stdout[-3000:])
    total, _, _, succeeded, failed, errored, timeouts = map(int, requests.groups())
    if failed or errored or timeouts or int(statuses.group(1)) != total:
        raise RunFailed("h2load: not every request succeeded with a 2xx status:\n" + stdout[-3000:])
    return {"requests": succeeded, "seconds": _seconds(*finished.groups()),
            "bytes": int(traffic.group(3)), "connections": None}


def parse_wrk(stdout):
    """wrk's summary: "N requests in 3.00s, 60.40MB read"; errors on lines of their own."""
    summary = re.search(r"(\d+) requests in ([\d.]+)(us|ms|s|m),", stdout)
    if not summary:
        raise RunFailed("unexpected wrk output:\n" + stdout[-3000:])
    if "Socket errors" in stdout or "Non-2xx" in stdout:
        raise RunFailed("wrk: errors:\n" + stdout[-3000:])
    return {"requests": int(summary.group(1)), "seconds": _seconds(*summary.groups()[1:]),
            "bytes": None, "connections": None}


CURL_WRITE_OUT = "%{http_code} %{size_download} %{time_total} %{num_connects}\n"


def parse_curl(stdout):
    """The curl command with -w CURL_WRITE_OUT."""
    fields = stdout.split()
    if len(fields) != 4 or not fields[0].startswith("2"):
        raise RunFailed("unexpected curl output: " + stdout[-500:])
    return {"requests": 1, "seconds": float(fields[2]), "bytes": int(fields[1]),
            "connections": int(fields[3])}
