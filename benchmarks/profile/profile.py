#!/usr/bin/env python3
"""Drives one workload against a running Berth and summarises an async-profiler CPU profile or a JFR
allocation profile of it.

  profile.py drive WORKLOAD URL USER SECRET PASSES [STATE]
                                                        run the workload PASSES times (warm-up or measured);
                                                        STATE: a file that carries what the warm-up set up
                                                        (the blob a download fetches) to the measured run
  profile.py summary COLLAPSED                          where the CPU went, from collapsed stacks
  profile.py allocations JFR [COUNT UNIT]               where the allocated bytes went, from a JFR recording
                                                        (Markdown; COUNT UNITs: what the recording served)

WORKLOAD: monolithic | streamed | small | download | manifest (the workloads of ../load/bench.py, the same client
code). Only python3's standard library.
"""
import collections
import hashlib
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "load"))
import bench  # noqa: E402  (the load benchmark's clients and workloads)

MiB = 1024 * 1024
BLOB = 256 * MiB
REPO = "library/profile"


def drive(workload, url, user, secret, passes, state=None):
    """Runs the workload; prints what it moved and how fast (the request times of bench.py)."""
    server = bench.Server("berth", "Berth", url, (), user, secret)
    seconds, units = 0.0, 0
    client = bench.SendfileHttp()
    scratch = "/dev/shm"
    digest = open(state).read().strip() if state and os.path.exists(state) else None
    for _ in range(passes):
        if workload in ("monolithic", "streamed", "download"):
            if workload != "download" or digest is None:
                path = os.path.join(scratch, f"berth-profile-{os.getpid()}")
                digest, paths = bench.random_file(path, BLOB)
                try:
                    fn = bench.upload_monolithic if workload != "streamed" else bench.upload_streamed
                    t = fn(client, server, REPO, paths, digest, BLOB)
                    if workload != "download":
                        seconds, units = seconds + t, units + BLOB
                finally:
                    bench.remove(paths)
            if workload == "download":
                curl = bench.Curl(scratch)
                for _ in range(4):
                    seconds += bench.download(curl, server, REPO, digest, BLOB)
                    units += BLOB
        elif workload == "manifest":
            if digest is None:
                status, _, _ = bench.get(server, f"/v2/{REPO}/manifests/v1", {"Accept": bench.MANIFEST_ACCEPT})
                if status != 200:  # the first drive sets the image up; the measured one finds it
                    bench.setup_server(server, os.urandom(MiB), os.urandom(512), 1000, REPO, REPO + "-tags")
                digest = "set up"
            r = bench.run_wrk(server, f"{server.url}/v2/{REPO}/manifests/v1", {"Accept": bench.MANIFEST_ACCEPT},
                              10, 32, 2, scratch)
            seconds, units = seconds + r["seconds"], units + r["requests"]
            print(f"wrk: {r['rps']:.0f} requests/s, p99 {r['p99_ms']:.2f} ms", file=sys.stderr)
        elif workload == "small":
            blobs = []
            for _ in range(500):
                d = os.urandom(64 * 1024)
                blobs.append((d, "sha256:" + hashlib.sha256(d).hexdigest()))
            wall, _, errors = bench.small_uploads(server, REPO, blobs, 16)
            if errors:
                raise SystemExit(f"small uploads failed: {errors[:3]}")
            seconds, units = seconds + wall, units + len(blobs)
        else:
            raise SystemExit(f"unknown workload {workload}")
    if state and digest:
        with open(state, "w") as f:
            f.write(digest)
    if workload == "small":
        print(f"{units} uploads in {seconds:.2f} s: {units / seconds:.0f} uploads/s")
    elif workload == "manifest":
        print(f"{units} manifest GETs by tag (wrk, 32 connections) in {seconds:.2f} s: {units / seconds:.0f} requests/s")
    else:
        print(f"{units / 1e9:.2f} GB in {seconds:.2f} s: {units / 1e6 / seconds:.0f} MB/s")


# Frames that name a cost. A sample goes to the first category of this list that any of its frames
# matches (so a receive syscall interrupted by softirq work counts as receiving).
CATEGORIES = [
    ("SHA-256 (JVM intrinsic)", re.compile(r"sha256_implCompress|SHA2\.implCompress")),
    ("copy from page cache to user space (read)", re.compile(r"filemap_read|copy_page_to_iter")),
    ("copy from socket to user space (recv)", re.compile(r"__skb_datagram_iter|tcp_recvmsg")),
    ("copy from user space to page cache (write)", re.compile(r"copy_folio_from_iter|generic_perform_write")),
    ("send to a socket (sendmsg or sendfile, with loopback delivery)", re.compile(
        r"tcp_sendmsg|do_sendfile|splice_to_socket")),
    ("fsync and writeback", re.compile(r"fsync|ext4_writepages|mpage_|submit_bio|blk_")),
    ("loopback TCP (softirq, send path, wake-ups)", re.compile(
        r"handle_softirqs|tcp_|__dev_queue_xmit|loopback_xmit|skb_|sock_def_readable|_raw_spin_unlock_irqrestore|splice")),
    ("zeroing new direct buffers", re.compile(r"fill_to_memory_atomic|Unsafe\.setMemory")),
    ("JIT compiler threads", re.compile(r"^\[?C[12] CompilerThre")),
    ("GC threads", re.compile(r"^\[?(GC Thread|G1 |VM Thread)")),
    ("metadata store (H2)", re.compile(r"org/h2/")),
    ("other kernel", re.compile(r"_\[k\]$")),
]


def thread_group(name):
    """A thread's name without its number: the threads of one pool together."""
    return re.sub(r"[-#]\d+", "-N", name)


def summary(path):
    total = 0
    threads = collections.Counter()
    cats = collections.Counter()
    leaves = collections.Counter()
    for line in open(path):
        stack, n = line.rsplit(" ", 1)
        n = int(n)
        total += n
        frames = stack.split(";")
        thread = thread_group(frames[0].split(" tid=")[0].strip("[]"))
        threads[thread] += n
        leaves[frames[-1]] += n
        for name, pat in CATEGORIES:
            if name in ("JIT compiler threads", "GC threads"):
                hit = pat.search(frames[0])
            else:
                hit = any(pat.search(f) for f in reversed(frames[1:]))
            if hit:
                cats[name] += n
                break
        else:
            cats["other (Netty, Berth, JVM)"] += n
    if not total:
        raise SystemExit("no samples")
    print(f"samples: {total} (1 ms each: {total / 1000:.2f} CPU s)\n\nby category (each sample filed under the first category of the list that one of its frames matches):")
    for k, v in cats.most_common():
        print(f"  {100 * v / total:5.1f}%  {k}")
    print("\nby thread:")
    for k, v in threads.most_common(8):
        print(f"  {100 * v / total:5.1f}%  {k}")
    print("\nhottest frames:")
    for k, v in leaves.most_common(15):
        print(f"  {100 * v / total:5.1f}%  {k}")


BYTES = {"byte": 1, "bytes": 1, "kB": 1 << 10, "MB": 1 << 20, "GB": 1 << 30, "TB": 1 << 40}
SECONDS = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}


def quantity(text, units):
    """A size or duration as jfr print writes it ("16.6 MB", "3.33 ms") in bytes or seconds."""
    number, unit = text.split()
    return float(number) * units[unit]


def jfr_events(path, types):
    """The events of these types in a recording, read from `jfr print` as text (its JSON repeats every frame's
    class, package and module: tens of kB per event), as dicts of field -> text, and "stack": [frames]."""
    out = subprocess.run(["jfr", "print", "--events", ",".join(types), "--stack-depth", "64", path],
                         capture_output=True, text=True, check=True).stdout
    event, in_stack = None, False
    for line in out.splitlines():
        if event is None:
            m = re.match(r"^(jdk\.\w+) \{$", line)
            if m:
                event = {"type": m.group(1), "stack": []}
        elif line == "}":
            yield event
            event = None
        elif line == "  stackTrace = [":
            in_stack = True
        elif in_stack:
            if line == "  ]":
                in_stack = False
            elif line.strip() != "...":
                event["stack"].append(re.sub(r"\(.*\)", "()", line.strip()))  # the line number tells overloads apart
        else:
            m = re.match(r"^ +(\w+) = (.*)$", line)
            if m:
                event.setdefault(m.group(1), m.group(2))


# The code an allocation is made for: the first frame of its stack outside the JDK, by package
COMPONENTS = [
    ("H2 (metadata store)", "org.h2."),
    ("Netty", "io.netty."),
    ("Berth", "dev.berth."),
    ("Micrometer (metrics)", "io.micrometer."),
    ("Jackson (JSON)", "com.fasterxml."),
]
JDK = ("java.", "javax.", "jdk.", "sun.", "com.sun.")


def component(stack):
    frame = next((f for f in stack if not f.startswith(JDK)), None)
    if frame is None:
        return "the JDK alone"
    return next((name for name, prefix in COMPONENTS if frame.startswith(prefix)), ".".join(frame.split(".")[:2]))


def allocations(path, count=None, unit=None):
    """Markdown: how much was allocated during the recording and where, with its collections. Where: the shares
    of the jdk.ObjectAllocationSample weights (a sample's weight is what its thread allocated since its previous
    sample, so the recording must not be the first to sample a thread that allocated before it). How much: the
    threads' allocation counters (jdk.ThreadAllocationStatistics, at each chunk's start and end)."""
    events = list(jfr_events(path, ["jdk.ObjectAllocationSample", "jdk.ThreadAllocationStatistics",
                                    "jdk.GarbageCollection", "jdk.GCHeapSummary"]))
    samples = [e for e in events if e["type"] == "jdk.ObjectAllocationSample"]
    if not samples:
        raise SystemExit(f"{path}: no jdk.ObjectAllocationSample events")
    classes, components, sites, berth, threads = (collections.Counter() for _ in range(5))
    for e in samples:
        w = quantity(e["weight"], BYTES)
        classes[e["objectClass"].split(" (classLoader")[0]] += w
        stack = e["stack"] or ["(no stack)"]
        components[component(stack)] += w
        sites[stack[0]] += w
        berth[next((f for f in stack if f.startswith("dev.berth.")), "(no Berth frame)")] += w
        threads[thread_group(e["eventThread"].split('"')[1])] += w
    sampled = sum(classes.values())

    # the counters are cumulative: a thread's last reading less its reading at the recording's start (0 for a
    # thread started during it)
    counters = collections.defaultdict(list)
    for e in events:
        if e["type"] == "jdk.ThreadAllocationStatistics":
            counters[e["thread"]].append((e["startTime"], quantity(e["allocated"], BYTES)))
    start = min((r[0][0] for r in counters.values()), default=None)
    counted = sum(max(v for _, v in r) - (min(r)[1] if min(r)[0] == start else 0) for r in counters.values())

    gcs = [e for e in events if e["type"] == "jdk.GarbageCollection"]
    kinds = collections.Counter(e["name"].strip('"') for e in gcs)
    pauses = sum(quantity(e["sumOfPauses"], SECONDS) for e in gcs)
    after = [e for e in events if e["type"] == "jdk.GCHeapSummary" and e.get("when") == '"After GC"']

    def mb(b):
        return f"{b / 1e6:,.1f}"

    # the samples say where the bytes went, the counters (when the recording has them) how many there were
    total = counted or sampled
    per = f", {total / count / 1024:,.1f} KiB per {unit}" if count else ""
    print(f"Allocated: {mb(counted)} MB by the threads' allocation counters{per}; the {len(samples):,} samples' "
          f"weights add up to {mb(sampled)} MB ({100 * sampled / counted:.0f}% of it)." if counted else
          f"Allocated: the {len(samples):,} samples' weights add up to {mb(sampled)} MB{per} (no allocation counters).")
    gc_line = ", ".join(f"{n} {k}" for k, n in kinds.most_common()) or "none"
    print(f"Collections: {gc_line}; pauses {pauses * 1000:,.0f} ms in all", end="")
    if after:
        used = [quantity(e["heapUsed"], BYTES) for e in after]
        committed = max(quantity(e["committedSize"], BYTES) for e in after)
        print(f"; heap used after a collection {mb(min(used))}-{mb(max(used))} MB, of {mb(committed)} MB "
              f"committed at most", end="")
    print(".")

    def table(title, counter, n, what):
        print(f"\n{title}\n")
        print(f"| share | MB | {'KiB per ' + unit + ' | ' if count else ''}{what} |")
        print("|---:|---:|" + ("---:|" if count else "") + "---|")
        for k, w in counter.most_common(n):
            share = w / sampled
            per = f" {share * total / count / 1024:,.2f} |" if count else ""
            print(f"| {100 * share:.1f}% | {mb(share * total)} |{per} `{k}` |")

    table("By component (the first frame outside the JDK, from the allocating one down the stack):", components, 6,
          "component")
    table("By class (the allocated object's):", classes, 10, "class")
    table("By allocation site (the frame that allocates):", sites, 10, "frame")
    table("By the nearest Berth frame (the Berth code the allocation is made for):", berth, 10, "frame")
    table("By thread:", threads, 5, "thread")


if __name__ == "__main__":
    if len(sys.argv) >= 2 and sys.argv[1] == "drive" and len(sys.argv) in (7, 8):
        drive(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5], int(sys.argv[6]),
              sys.argv[7] if len(sys.argv) == 8 else None)
    elif len(sys.argv) == 3 and sys.argv[1] == "summary":
        summary(sys.argv[2])
    elif len(sys.argv) in (3, 5) and sys.argv[1] == "allocations":
        allocations(sys.argv[2], *((int(sys.argv[3]), sys.argv[4]) if len(sys.argv) == 5 else ()))
    else:
        raise SystemExit(__doc__)
