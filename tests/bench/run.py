#!/usr/bin/python3
"""The benchmark: httpxx side by side with libcurl, Python's clients and the load generators,
against one local nginx, printed as one table (`scripts/dev bench` builds a release tree and
runs this).

Usage:
  run.py --bin-dir DIR [--plain-bin-dir DIR] [--out DIR] [--smoke] [--rounds N]
         [--only W1,W4-h1,alloc,...]
  run.py --train --bin-dir DIR [--smoke]

--bin-dir holds the built programs (httpxx_bench, alloc_count, curl_easy, curl_multi and
rusage_exec: the build's tests/bench); --out receives results.md (the table) and results.json (every run).
--plain-bin-dir is a release build of the same sources without profile feedback, when --bin-dir's
is profile-guided: the libcurl peers run from it, built as plainly as libcurl itself, and so does
a second httpxx row of each workload, "(no profile)", which shows what the profile is worth.
--smoke makes a few requests of each kind, once, without the start-up runs: it checks that the
harness and every client still work, in seconds, and its figures mean nothing.
--train runs each httpxx client once at the training counts and reports only failures: the run
from which a build configured with -Db_pgo=generate records its profile (`scripts/dev bench`).

nginx runs one worker pinned to one core (taskset), the clients are pinned to another. Each
workload runs every client --rounds times, the order reversed every other round so that no
client always runs on a warmer machine; the table shows medians. Each run's figures come from
the client process itself (requests, bytes, wall time of its requests) and from wait4(2) (CPU
time, peak RSS). The machine's load average is recorded with each workload: on a shared
machine, read the figures with it.

The exit status is 1 when any client failed or got a wrong answer (2xx status, body size and,
for httpxx, the connections it pooled are checked).
"""

import sys

sys.dont_write_bytecode = True  # nothing written into the source tree

import argparse  # noqa: E402
import datetime  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import platform  # noqa: E402
import re  # noqa: E402
import shutil  # noqa: E402
import signal  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402

import bench_server  # noqa: E402
import measure  # noqa: E402
import report  # noqa: E402
import workloads  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_ROOT = os.path.dirname(os.path.dirname(HERE))
PROGRAMS = ["httpxx_bench", "alloc_count", "curl_easy", "curl_multi", "rusage_exec"]
TOOLS = {"h2load": "nghttp2-client", "wrk": "wrk", "curl": "curl", "taskset": "util-linux"}


def say(message):
    print("bench: " + message, file=sys.stderr, flush=True)


def pinning():
    """taskset prefixes for the server and the clients: one core each, when there are two."""
    cpus = sorted(os.sched_getaffinity(0))
    if len(cpus) < 2:
        say("one CPU available: server and clients are not pinned")
        return [], []
    return (["taskset", "-c", str(cpus[0])], ["taskset", "-c", str(cpus[1])])


def check_result(contender, result):
    """Raises RunFailed when a run did not do what it was asked."""
    if contender.count is not None and result["requests"] != contender.count:
        raise measure.RunFailed("%d requests made, %d asked" % (result["requests"],
                                                              contender.count))
    if contender.expect_bytes is not None and result.get("bytes") is not None:
        expected = contender.expect_bytes * (contender.count or 0)
        if result["bytes"] != expected:
            raise measure.RunFailed("%d body bytes received, %d expected"
                                    % (result["bytes"], expected))
    if contender.expect_connections is not None and \
            result.get("connections") not in (None, contender.expect_connections):
        raise measure.RunFailed("%s connections, %d expected"
                                % (result["connections"], contender.expect_connections))


def run_contender(contender, server, client_cpus, timeout, launcher, baseline):
    run = {}
    if baseline and contender.baseline:
        _, usage = measure.run_measured(contender.argv(0), client_cpus, timeout, launcher)
        run["baseline_cpu"] = usage.cpu
    server_before = server.worker_cpu()
    stdout, usage = measure.run_measured(contender.argv(contender.count), client_cpus, timeout,
                                         launcher)
    run["server_cpu"] = server.worker_cpu() - server_before
    result = contender.parse(stdout)
    check_result(contender, result)
    run.update(result)
    run.update(cpu=usage.cpu, rss_kib=usage.max_rss_kib)
    return run


def describe_run(workload, run):
    figures = report.run_figures(workload, run)
    if workload.unit == "bytes":
        return "%.0f MB/s, %.2f s CPU/GiB" % (figures["rate"], figures["cpu_per"])
    return "%.0f req/s, %.1f µs CPU/req" % (figures["rate"], figures["cpu_per"])


def run_workload(workload, server, rounds, client_cpus, timeout, launcher, baseline):
    load = os.getloadavg()[0]
    runs = {c.name: [] for c in workload.contenders}
    for round_index in range(rounds):
        order = workload.contenders if round_index % 2 == 0 else workload.contenders[::-1]
        for contender in order:
            try:
                run = run_contender(contender, server, client_cpus, timeout, launcher,
                                    baseline)
                say("%s round %d/%d: %s: %s" % (workload.key, round_index + 1, rounds,
                                               contender.name, describe_run(workload, run)))
            except measure.RunFailed as e:
                run = {"error": str(e)}
                say("%s round %d/%d: %s FAILED: %s" % (workload.key, round_index + 1, rounds,
                                                      contender.name, e))
            run["round"] = round_index + 1
            runs[contender.name].append(run)
    return {"workload": workload, "load": load, "runs": runs,
            "rows": report.summarize(workload, runs)}


def run_alloc(bins, server, sizes, rounds, client_cpus, timeout):
    """alloc_count's figures, medians over rounds, over plain HTTP/1.1 and (keys prefixed with
    "tls_") over TLS; {"error": ...} when a run failed."""
    common = ["--warmup", str(sizes["alloc_warmup"]), "--requests", str(sizes["alloc_requests"]),
              "--idle", str(sizes["idle"])]
    variants = [("", [server.urls["http"] + "/1k.bin"]),
                ("tls_", [server.urls["https"] + "/1k.bin", "--ca", server.ca, "--protocol", "h1"])]
    figures = {}
    for prefix, target in variants:
        argv = [bins["alloc_count"]] + target + common
        results = []
        for round_index in range(rounds):
            try:
                stdout, _ = measure.run_measured(argv, client_cpus, timeout, bins["rusage_exec"])
                result = measure.parse_json_line(stdout)
            except measure.RunFailed as e:
                say("alloc %sround %d/%d FAILED: %s" % (prefix, round_index + 1, rounds, e))
                return {"error": str(e)}
            say("alloc %sround %d/%d: %s" % (prefix, round_index + 1, rounds, json.dumps(result)))
            results.append(result)
        figures.update({prefix + key: statistics.median(r[key] for r in results) for key in results[0]})
    return figures


def command_line(argv):
    try:
        result = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                text=True, env=measure.client_environment())
        return result.stdout.strip().splitlines()[0] if result.stdout.strip() else "?"
    except OSError:
        return "?"


def build_info(bin_dir):
    """Build type and compiler of the build directory that holds bin_dir (meson-info)."""
    build_root = os.path.dirname(os.path.dirname(os.path.abspath(bin_dir)))
    info = {}
    try:
        with open(os.path.join(build_root, "meson-info", "intro-buildoptions.json")) as f:
            options = {o["name"]: o["value"] for o in json.load(f)}
        info["buildtype"] = options.get("buildtype")
        info["b_ndebug"] = options.get("b_ndebug")
        info["b_pgo"] = options.get("b_pgo")
        with open(os.path.join(build_root, "meson-info", "intro-targets.json")) as f:
            compilers = [source["compiler"] for target in json.load(f)
                         for source in target["target_sources"] if source.get("language") == "cpp"]
        if compilers:
            info["compiler"] = command_line(compilers[0] + ["--version"])
    except (OSError, KeyError, ValueError):
        pass
    return info


def environment_info(bin_dir, client_cpus, server_cpus):
    with open(os.path.join(SOURCE_ROOT, "include", "httpxx", "version.hpp")) as f:
        version = re.search(r'HTTPXX_VERSION_STRING "([^"]+)"', f.read()).group(1)
    model = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    python_versions = command_line([workloads.PYTHON, "-c", (
        "import sys, importlib.metadata as m; print('python %s, ' % sys.version.split()[0] + "
        "', '.join('%s %s' % (p, m.version(p)) for p in "
        "('httpx', 'httpcore', 'h2', 'aiohttp', 'requests', 'urllib3')))")])
    return {
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "machine": "%s %s %s, %s, %d CPUs" % (platform.system(), platform.release(),
                                             platform.machine(), model, os.cpu_count()),
        "pinning": "nginx on CPU %s, clients on CPU %s" % (
            server_cpus[-1] if server_cpus else "any", client_cpus[-1] if client_cpus else "any"),
        "httpxx": version,
        "build": build_info(bin_dir),
        "nginx": command_line([bench_server.nginx_program(), "-v"]).replace("nginx version: ", ""),
        "curl": " ".join(word for word in command_line(["curl", "--version"]).split()
                         if word.startswith(("libcurl/", "OpenSSL/", "nghttp2/"))),
        "h2load": command_line(["h2load", "--version"]),
        "wrk": command_line(["wrk", "-v"]).split(" Copyright")[0],
        "openssl": command_line(["openssl", "version"]),
        "python": python_versions,
    }


def header_lines(info, load_start, load_end, smoke):
    build = info["build"]
    lines = [
        "httpxx benchmark%s, %s" % (" (SMOKE RUN: figures meaningless)" if smoke else "",
                                    info["date"]),
        "",
        "- machine: %s; %s" % (info["machine"], info["pinning"]),
        "- load average (1 min) at start %.2f, at end %.2f (shared machine; per workload in "
        "the table)" % (load_start, load_end),
        "- httpxx %s, %s build%s%s, %s" % (
            info["httpxx"], build.get("buildtype", "?"),
            " (NDEBUG)" if build.get("b_ndebug") in ("true", True) else "",
            ", profile-guided (a training run of the httpxx clients at smaller counts)"
            if build.get("b_pgo") == "use" else "", build.get("compiler", "?")),
        *(["- the \"no profile\" rows: the same sources built without profile feedback"]
          if info["plain_rows"] else []),
        "- peers: curl and %s; %s" % (info["curl"], info["python"]),
        "- server: %s (one worker, sendfile, no access log; HTTP/2 over TLS only); %s; "
        "load generators: %s, %s" % (info["nginx"], info["openssl"], info["h2load"],
                                     info["wrk"]),
        "- medians of %s rounds; CPU is the client process's user+sys (wait4) minus its "
        "start-up, per request (W4: per GiB); nginx is its worker's CPU in the same units, which "
        "shows when the server is the limit; peak RSS is ru_maxrss; a ratio is the median of the "
        "rounds' ratios, each round's pair run minutes apart at most (the CPU ratio's lowest and "
        "highest in brackets); its rate above 1 means httpxx is faster, its CPU below 1 that "
        "httpxx uses less" % info["rounds"],
    ]
    return lines


def train(bins, sizes, server_cpus, client_cpus, timeout):
    """Runs every httpxx contender once; returns the failures."""
    root = tempfile.mkdtemp(prefix="httpxx-train-")
    failed = []
    try:
        with bench_server.BenchServer(root, sizes["w4_bytes"], server_cpus) as server:
            for workload in workloads.define(bins, server, sizes):
                for contender in workload.contenders:
                    if contender.kind != workloads.HTTPXX:
                        continue
                    try:
                        stdout, _ = measure.run_measured(contender.argv(contender.count),
                                                         client_cpus, timeout,
                                                         bins["rusage_exec"])
                        check_result(contender, contender.parse(stdout))
                    except measure.RunFailed as e:
                        say("training %s: %s FAILED: %s" % (workload.key, contender.name, e))
                        failed.append((workload.key, contender.name))
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return failed


def _stop(signum, frame):
    raise SystemExit(128 + signum)  # unwinds through the finally blocks that stop nginx


def main():
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _stop)
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin-dir", required=True, help="the build's tests/bench directory")
    parser.add_argument("--plain-bin-dir", help="tests/bench of a build without profile "
                        "feedback: the libcurl peers and the '(no profile)' rows run from it")
    parser.add_argument("--train", action="store_true", help="run each httpxx client once, "
                        "to record a profile; no table")
    parser.add_argument("--out", help="where results.md and results.json go (default: "
                        "BIN_DIR/results)")
    parser.add_argument("--smoke", action="store_true", help="tiny counts, one round")
    parser.add_argument("--rounds", type=int, help="rounds per workload (default 5; smoke 1)")
    parser.add_argument("--only", help="comma-separated workloads (W1, W2, W3, W4-h1, W4-h2, "
                        "W5, W6-h1, W6-h2, alloc; a prefix such as W4 selects both)")
    args = parser.parse_args()

    sizes = workloads.SIZES["smoke" if args.smoke else "train" if args.train else "full"]
    rounds = args.rounds or sizes["rounds"]
    timeout = 120 if args.smoke else 900
    bins = {name: os.path.join(args.bin_dir, name) for name in PROGRAMS}
    plain_bins = {}
    if args.plain_bin_dir and not args.train:
        plain_bins = {name: os.path.join(args.plain_bin_dir, name) for name in PROGRAMS}
        bins.update(curl_easy=plain_bins["curl_easy"], curl_multi=plain_bins["curl_multi"])
    missing = [p for p in list(bins.values()) + list(plain_bins.values())
               if not os.access(p, os.X_OK)]
    missing += ["%s (Debian package %s)" % (tool, package) for tool, package in TOOLS.items()
                if shutil.which(tool) is None]
    if missing:
        sys.exit("run.py: missing: " + ", ".join(missing))
    server_cpus, client_cpus = pinning()
    if args.train:
        return 1 if train(bins, sizes, server_cpus, client_cpus, timeout) else 0
    selected = [s.strip() for s in args.only.split(",")] if args.only else None

    def wanted(key):
        return selected is None or any(key == s or key.startswith(s + "-") for s in selected)

    out_dir = args.out or os.path.join(args.bin_dir, "results")
    os.makedirs(out_dir, exist_ok=True)
    info = environment_info(args.bin_dir, client_cpus, server_cpus)
    info["rounds"] = rounds
    info["plain_rows"] = bool(plain_bins)
    load_start = os.getloadavg()[0]
    root = tempfile.mkdtemp(prefix="httpxx-bench-")
    sections, alloc = [], None
    try:
        with bench_server.BenchServer(root, sizes["w4_bytes"], server_cpus) as server:
            defined = workloads.define(bins, server, sizes)
            if plain_bins:
                defined = workloads.with_unprofiled_twins(defined, plain_bins["httpxx_bench"])
            for workload in defined:
                if wanted(workload.key):
                    sections.append(run_workload(workload, server, rounds, client_cpus,
                                                 timeout, bins["rusage_exec"],
                                                 baseline=not args.smoke))
            if wanted("alloc"):
                alloc = run_alloc(bins, server, sizes, rounds, client_cpus, timeout)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    load_end = os.getloadavg()[0]

    table = report.markdown(header_lines(info, load_start, load_end, args.smoke), sections,
                            alloc if alloc and "error" not in alloc else None)
    with open(os.path.join(out_dir, "results.md"), "w") as f:
        f.write(table)
    with open(os.path.join(out_dir, "results.json"), "w") as f:
        json.dump({"environment": info, "smoke": args.smoke, "load_start": load_start,
                   "load_end": load_end, "sizes": sizes,
                   "workloads": [{"key": s["workload"].key, "title": s["workload"].title,
                                  "unit": s["workload"].unit, "load": s["load"],
                                  "rows": s["rows"], "runs": s["runs"]} for s in sections],
                   "memory": alloc}, f, indent=1, default=str)
    print(table)
    print("results: %s/results.md, %s/results.json" % (out_dir, out_dir))

    failed = [(s["workload"].key, r["name"]) for s in sections for r in s["rows"] if "error" in r]
    if alloc and "error" in alloc:
        failed.append(("alloc", "alloc_count"))
    if failed:
        say("FAILED: " + ", ".join("%s %s" % f for f in failed))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
