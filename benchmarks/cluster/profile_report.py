#!/usr/bin/env python3
"""The report of profile.sh: rows.jsonl (one line per row, target and round) as Markdown on stdout.

    profile_report.py ROWS_JSONL CLK_TCK CPUS COMMIT S3_LIMIT NICE SIZE_MIB NODES

For each row and target: the median rate of the rounds, the CPU every process of the set-up spent per request (us)
or per GB (s) in the median round (of an even number, the faster of the middle two), the machine's busy and idle
cores, and the last round's perf samples by process and binary (the kernel, the JVM's compiled code, HAProxy,
PostgreSQL...).
"""

import json
import statistics
import sys

ROLES = ["client", "haproxy", "nodes", "fs", "s3proxy", "postgres"]
TARGETS = {"cluster": "N nodes + HAProxy", "node1": "cluster node 1, direct", "fs": "Berth fs+H2, 1 node",
           "s3": "S3Proxy, direct (curl)"}
ROWS = {"manifest-get": "manifest `GET` by digest (wrk, 32 connections)",
        "download": "download, 3 times in a row (curl)",
        "upload": "monolithic upload, 3 times in a row (curl)"}


def ticks(text):
    words = text.split()
    return {words[i]: int(words[i + 1]) for i in range(0, len(words), 2)}


def spent(r, clk):
    """CPU seconds each role spent during the row."""
    b, a = ticks(r["before"]), ticks(r["after"])
    out = {k: (a[k] - b[k]) / clk for k in a}
    out["client"] = r["client_cpu"]
    return out


def machine(r, clk):
    b, a = [int(x) for x in r["machine_before"].split()], [int(x) for x in r["machine_after"].split()]
    return (a[0] - b[0]) / clk / r["seconds"], (a[1] - b[1]) / clk / r["seconds"]


def main():
    path, clk, cpus, commit, s3_limit, nice, size_mib, nodes = sys.argv[1:9]
    clk = int(clk)
    TARGETS["cluster"] = f"{nodes} node{'s' if nodes != '1' else ''} + HAProxy"
    rows = [json.loads(line) for line in open(path)]
    print("# Where the CPU goes in the cluster rows\n")
    print(f"`benchmarks/cluster/profile.sh`; Berth {commit}; {cpus} CPUs; servers and clients at nice {nice}; "
          f"blobs of {size_mib} MiB. The S3 server's own throughput, measured after the rows with Berth's S3 client "
          f"(`benchmarks/load/S3Limit.java`): {s3_limit}.\n")
    print("CPU per unit: what each process of the set-up spent during the row (from `/proc/PID/stat`), divided by the "
          "requests served (us per request) or the GB moved (s per GB), in the round with the median rate (of an even number of rounds, the faster of the middle two). "
          f"`nodes` is the {nodes} cluster node(s) together; "
          "`postgres` every process of the PostgreSQL cluster. "
          "Busy and idle: the machine's cores over the row (`/proc/stat`).\n")
    for row, title in ROWS.items():
        here = [r for r in rows if r["row"] == row]
        if not here:
            continue
        per_request = here[0]["unit"] == "requests"
        unit = "us per request" if per_request else "CPU s per GB"
        print(f"## {title}\n")
        print(f"| target | rate ({'requests/s' if per_request else 'MB/s'}), rounds | " + " | ".join(ROLES)
              + f" | total ({unit}) | busy / idle cores |")
        print("|---|---|" + "---:|" * (len(ROLES) + 2))
        tops = {}
        for target in TARGETS:
            runs = [r for r in here if r["target"] == target]
            if not runs:
                continue
            rate = [r["units"] / r["seconds"] / (1 if per_request else 1e6) for r in runs]
            median_run = sorted(runs, key=lambda r: r["units"] / r["seconds"])[len(runs) // 2]
            scale = 1e6 / median_run["units"] if per_request else 1e9 / median_run["units"]
            cpu = spent(median_run, clk)
            cells = [cpu.get(k, 0) * scale for k in ROLES]
            busy, idle = machine(median_run, clk)
            digits = 0 if per_request else 2
            print(f"| {TARGETS[target]} | **{statistics.median(rate):,.0f}** ("
                  + ", ".join(f"{x:,.0f}" for x in rate) + ") | "
                  + " | ".join(f"{c:.{digits}f}" if c >= 0.005 else "" for c in cells)
                  + f" | **{sum(cells):.{digits}f}** | {busy:.2f} / {idle:.2f} |")
            tops[target] = runs[-1]["top"]
        print()
        for target, top in tops.items():
            print(f"<details><summary>perf, {TARGETS[target]}: samples by process and binary (last round)</summary>\n")
            print("```\n" + top.rstrip() + "\n```\n</details>\n")


if __name__ == "__main__":
    main()
