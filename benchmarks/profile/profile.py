#!/usr/bin/env python3
"""Drives one workload against a running Berth and summarises an async-profiler CPU profile of it.

  profile.py drive WORKLOAD URL USER SECRET PASSES [STATE]
                                                        run the workload PASSES times (warm-up or measured);
                                                        STATE: a file that carries what the warm-up set up
                                                        (the blob a download fetches) to the measured run
  profile.py summary COLLAPSED                          where the CPU went, from collapsed stacks

WORKLOAD: monolithic | streamed | small | download | manifest (the workloads of ../load/bench.py, the same client
code). Only python3's standard library.
"""
import collections
import hashlib
import os
import re
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
        thread = re.sub(r"[-#]\d+", "-N", frames[0].split(" tid=")[0].strip("[]"))
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


if __name__ == "__main__":
    if len(sys.argv) >= 2 and sys.argv[1] == "drive" and len(sys.argv) in (7, 8):
        drive(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5], int(sys.argv[6]),
              sys.argv[7] if len(sys.argv) == 8 else None)
    elif len(sys.argv) == 3 and sys.argv[1] == "summary":
        summary(sys.argv[2])
    else:
        raise SystemExit(__doc__)
