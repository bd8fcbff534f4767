"""Turns the measured runs into figures (medians over rounds) and one table, with each httpxx
figure's ratio to the best library peer and to the best load generator.

Per run: throughput is requests (or MB) per second of the program's own timing of its requests;
CPU is wait4's user + sys of the whole process minus that of a start-up-only run of the same
program (for the programs that have one), per request (or per GiB); the nginx worker's CPU over
the run, in the same units; peak RSS is ru_maxrss.
"""

import statistics

import workloads

GIB = float(1 << 30)


def run_figures(workload, run):
    """Throughput, CPU per unit and peak RSS (MiB) of one run."""
    cpu = max(0.0, run["cpu"] - run.get("baseline_cpu", 0.0))
    if workload.unit == "bytes":
        units = run["bytes"] / GIB
        return {"rate": run["bytes"] / run["seconds"] / 1e6, "cpu_per": cpu / units,
                "server_cpu_per": run["server_cpu"] / units, "rss": run["rss_kib"] / 1024.0}
    return {"rate": run["requests"] / run["seconds"],
            "cpu_per": cpu / run["requests"] * 1e6,
            "server_cpu_per": run["server_cpu"] / run["requests"] * 1e6,
            "rss": run["rss_kib"] / 1024.0}


def summarize(workload, runs_by_contender):
    """Medians per contender, and the httpxx rows' ratios; a contender whose runs failed has
    its error instead of figures."""
    rows = []
    by_round = {}   # contender -> round -> figures, for the ratios
    for contender in workload.contenders:
        runs = runs_by_contender.get(contender.name, [])
        ok = [r for r in runs if "error" not in r]
        row = {"name": contender.name, "kind": contender.kind, "count": contender.count,
               "rounds": len(ok)}
        if len(ok) < len(runs) or not ok:
            row["error"] = next((r["error"] for r in runs if "error" in r), "not run")
        if ok:
            figures = [run_figures(workload, r) for r in ok]
            by_round[contender.name] = {r.get("round", i): f
                                        for i, (r, f) in enumerate(zip(ok, figures))}
            for key in ("rate", "cpu_per", "server_cpu_per", "rss"):
                row[key] = statistics.median(f[key] for f in figures)
            row["connections"] = ok[-1].get("connections")
            if contender.count is None:
                row["count"] = int(statistics.median(r["requests"] for r in ok))
        rows.append(row)

    def best(kind):
        candidates = [r for r in rows if r["kind"] == kind and "rate" in r]
        if not candidates:
            return None
        # A CPU figure of 0 is start-up noise exceeding a tiny run's cost (smoke runs).
        measured = [r for r in candidates if r["cpu_per"] > 0] or candidates
        return (max(candidates, key=lambda r: r["rate"]),
                min(measured, key=lambda r: r["cpu_per"]))

    def paired(name, reference, key):
        """The ratio round by round, each pair measured minutes apart at most, so that it holds
        while the machine's load drifts over the whole run: median, lowest and highest."""
        ours, theirs = by_round[name], by_round[reference]
        ratios = sorted(ours[i][key] / theirs[i][key] for i in ours
                        if i in theirs and theirs[i][key] > 0)
        if not ratios:
            return None
        return {"median": statistics.median(ratios), "min": ratios[0], "max": ratios[-1]}

    peers, loadgens = best(workloads.PEER), best(workloads.LOADGEN)
    for row in rows:
        if row["kind"] != workloads.HTTPXX or "rate" not in row:
            continue
        for label, reference in (("vs_peer", peers), ("vs_loadgen", loadgens)):
            if reference:
                fastest, leanest = reference
                rate = paired(row["name"], fastest["name"], "rate")
                cpu = paired(row["name"], leanest["name"], "cpu_per")
                row[label] = {"rate": rate["median"] if rate else None, "rate_of": fastest["name"],
                              "cpu": cpu["median"] if cpu else None,
                              "cpu_range": [cpu["min"], cpu["max"]] if cpu else None,
                              "cpu_of": leanest["name"]}
    return rows


def _ratio(comparison):
    if not comparison:
        return ""
    rate = "%.2f×" % comparison["rate"] if comparison["rate"] is not None else "-"
    cpu = "-"
    if comparison["cpu"] is not None:
        low, high = comparison["cpu_range"]
        cpu = "%.2f× (%.2f–%.2f)" % (comparison["cpu"], low, high)
    return "%s / %s" % (rate, cpu)


def _number(value, digits):
    return ("{:,.%df}" % digits).format(value)


def markdown(header, sections, alloc):
    """The table as Markdown: header lines, one table of every workload, then the memory one."""
    lines = list(header) + [""]
    lines.append("| Workload | Client | Requests | Throughput | CPU (user+sys) | nginx CPU | "
                 "Peak RSS | httpxx ÷ best peer (rate / CPU) | "
                 "httpxx ÷ load generator (rate / CPU) |")
    lines.append("|---|---|--:|--:|--:|--:|--:|--:|--:|")
    for section in sections:
        workload = section["workload"]
        first = True
        for row in section["rows"]:
            label = ("**%s** %s (load %.1f)" % (workload.key, workload.title, section["load"])
                     if first else "")
            first = False
            if "rate" not in row:
                lines.append("| %s | %s | %s | failed: %s | | | | | |"
                             % (label, row["name"], row["count"],
                                row["error"].splitlines()[0][:120]))
                continue
            if workload.unit == "bytes":
                rate = _number(row["rate"], 0) + " MB/s"
                cpu = _number(row["cpu_per"], 2) + " s/GiB"
                server_cpu = _number(row["server_cpu_per"], 2) + " s/GiB"
            else:
                rate = _number(row["rate"], 0) + " req/s"
                cpu = _number(row["cpu_per"], 1) + " µs/req"
                server_cpu = _number(row["server_cpu_per"], 1) + " µs/req"
            name = "**%s**" % row["name"] if row["kind"] == workloads.HTTPXX else row["name"]
            lines.append("| %s | %s | %s | %s | %s | %s | %s MiB | %s | %s |"
                         % (label, name, _number(row["count"], 0), rate, cpu, server_cpu,
                            _number(row["rss"], 1), _ratio(row.get("vs_peer")),
                            _ratio(row.get("vs_loadgen"))))
    if alloc:
        lines += ["", "| httpxx memory (HTTP/1.1, keep-alive) | median |", "|---|--:|"]
        for key, label, digits in ALLOC_ROWS:
            if key in alloc:
                lines.append("| %s | %s |" % (label, _number(alloc[key], digits)))
    return "\n".join(lines) + "\n"


ALLOC_ROWS = [
    ("sync_allocations_per_request", "heap allocations per GET, blocking Client (after warm-up)", 1),
    ("async_allocations_per_request", "heap allocations per GET, AsyncClient (after warm-up)", 1),
    ("idle_connections", "idle pooled connections measured", 0),
    ("idle_rss_bytes_per_connection", "RSS per idle pooled connection (bytes)", 0),
    ("idle_heap_bytes_per_connection", "malloc in-use bytes (main arena) per idle pooled connection", 0),
    ("idle_new_bytes_per_connection", "of which operator new (bytes)", 0),
    ("tls_sync_allocations_per_request", "over TLS: heap allocations per GET, blocking Client", 1),
    ("tls_async_allocations_per_request", "over TLS: heap allocations per GET, AsyncClient", 1),
    ("tls_idle_rss_bytes_per_connection", "over TLS: RSS per idle pooled connection (bytes)", 0),
    ("tls_idle_heap_bytes_per_connection", "over TLS: malloc in-use bytes per idle pooled connection", 0),
    ("tls_idle_new_bytes_per_connection", "of which operator new (bytes)", 0),
    ("tls_idle_openssl_bytes_per_connection", "of which OpenSSL: SSL object and session (bytes)", 0),
]
