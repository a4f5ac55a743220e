#!/usr/bin/env python3
"""Garbage-collection benchmark: the measuring part (run.sh starts the servers and calls this). See README.md.

  1. machine limits: SHA-256 on one core, sequential writes, loopback download (../load/bench.py's own
     functions), and what the GC needs of the filesystem: creating, walking (readdir + stat) and unlinking as
     many small files as there will be garbage, in a two-hex-shard layout like Berth's, with a trivial loop;
  2. populates Berth through its API (GcLoad.java: monolithic POST ?digest=, keep-alive, several clients):
     BLOBS blobs linked to no manifest in library/gc-blobs-*, IMAGES images (config + layer + manifest, by tag
     or by digest) in library/gc-images-*; the same data shape on Distribution (its filesystem layout written
     directly, checked against images pushed and deleted through its API; or everything through the API with
     --dist-api);
  3. makes it all garbage: Berth's repositories deleted through the management API; Distribution's manifests
     deleted (a DELETE's effect on its files, or the DELETE itself with --dist-api);
  4. Berth: a push workload (GcLoad.java push) runs for a warm-up and a window, then ONE collection
     (POST /api/v1/gc, grace 0) runs while it goes on, then the workload goes on for as long again: push rate
     before, during and after, the collection's blobs/s and wall time, CPU by thread during it;
  5. Distribution: stopped, then `registry garbage-collect CONFIG` offline, timed;
  6. prints a Markdown report and writes it to --out-md.

With --s3 (run.sh --s3) both servers keep their blobs in one S3Proxy (a bucket each; its filesystem-nio2 backend
keeps an object as the file <bucket directory>/<key>): --dist-root and --berth-data are the buckets' directories,
Distribution's layout is written there as files (S3Proxy serves them; empty directories, which S3Proxy removes
when it deletes an object, are removed after each step that leaves some, so that the layout compares with what the
API leaves), the S3 server's CPU is counted beside the servers', and its own delete rates (S3DeleteLimit.java) are
measured at the start and at the end as the limit.

Only python3's standard library (plus ../load/bench.py); java, jcmd, jfr, sync and docker-registry run as programs.
"""

import argparse
import collections
import datetime
import http.client
import json
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time

MiB = 1 << 20
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "load"))
import bench  # noqa: E402  (the load benchmark's machine limits and /proc helpers)

OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
TARGET_BLOBS_PER_S = 2000  # issue 12's target: blobs freed a second on the filesystem
GC_SECONDS = 'berth_gc_runs_seconds_sum{dry_run="false",state="done"}'


def log(msg):
    print(f"[gc {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


class Failed(Exception):
    pass


# --------------------------------------------------------------------------- small helpers

def alive(pid):
    """True while the process exists and is not a zombie."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def thread_cpu(pid):
    """CPU seconds by thread name (trailing numbers folded: berth-blocking-3 -> berth-blocking-N)."""
    out = collections.Counter()
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return out
    for t in tasks:
        try:
            with open(f"/proc/{pid}/task/{t}/stat") as f:
                s = f.read()
        except OSError:
            continue
        name = s[s.index("(") + 1:s.rindex(")")]
        fields = s.rsplit(")", 1)[1].split()
        out[re.sub(r"[-#]?\d+$", "-N", name)] += (int(fields[11]) + int(fields[12])) / bench.CLK_TCK
    return out


def thread_sched(pid, prefix):
    """For the threads whose name starts with prefix: (seconds on a CPU, seconds runnable but waiting for one),
    from /proc/PID/task/TID/schedstat (nanoseconds)."""
    run = wait = 0.0
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return run, wait
    for t in tasks:
        try:
            with open(f"/proc/{pid}/task/{t}/comm") as f:
                if not f.read().startswith(prefix):
                    continue
            with open(f"/proc/{pid}/task/{t}/schedstat") as f:
                v = f.read().split()
        except OSError:
            continue
        run += int(v[0]) / 1e9
        wait += int(v[1]) / 1e9
    return run, wait


class GcThreads:
    """The collection's threads (names starting with berth-gc: the run's own, and the file removers a run starts
    and ends), read every poll, so that threads that end before the run does are counted too: per name, the
    seconds on a CPU and runnable waiting for one (schedstat) since the first reading."""

    def __init__(self, pid):
        self.pid = pid
        self.first, self.last = {}, {}
        self.initial = True
        self.read()
        self.initial = False

    def read(self):
        try:
            tasks = os.listdir(f"/proc/{self.pid}/task")
        except OSError:
            return
        for t in tasks:
            try:
                with open(f"/proc/{self.pid}/task/{t}/comm") as f:
                    name = f.read().strip()
                if not name.startswith("berth-gc"):
                    continue
                with open(f"/proc/{self.pid}/task/{t}/schedstat") as f:
                    v = f.read().split()
            except OSError:
                continue
            now = (name, int(v[0]) / 1e9, int(v[1]) / 1e9)
            self.first.setdefault(t, now if self.initial else (name, 0.0, 0.0))
            self.last[t] = now

    def totals(self):
        out = {}
        for t, (name, run, wait) in self.last.items():
            _, run0, wait0 = self.first[t]
            key = re.sub(r"-\d+$", "", name)
            c = out.setdefault(key, {"threads": 0, "on_cpu_s": 0.0, "runqueue_s": 0.0})
            c["threads"] += 1
            c["on_cpu_s"] += run - run0
            c["runqueue_s"] += wait - wait0
        return out


def request(url, method, path, headers=None, body=None, timeout=600):
    u = url.split("//", 1)[1]
    host, port = u.split(":")
    c = http.client.HTTPConnection(host, int(port), timeout=timeout)
    try:
        h = dict(headers or {})
        if body is not None and not isinstance(body, bytes):
            body = json.dumps(body).encode()
            h["Content-Type"] = "application/json"
        c.request(method, path, body=body, headers=h)
        r = c.getresponse()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
    finally:
        c.close()


def metric(url, token, name):
    """One sample of Berth's /metrics (the first line starting with name), or None."""
    st, _, body = request(url, "GET", "/metrics", {"Authorization": f"Bearer {token}"})
    for line in body.decode().splitlines():
        if line.startswith(name + " ") or line.startswith(name + "{"):
            return float(line.rsplit(" ", 1)[1])
    return None


def gcload(a, command, *args, auth=None, timeout=3600):
    env = dict(os.environ)
    env.pop("GCLOAD_AUTH", None)
    if auth:
        env["GCLOAD_AUTH"] = auth
    cmd = ["java", "-Xmx1g", "-XX:+UseSerialGC", os.path.join(HERE, "GcLoad.java"), command] + [str(x) for x in args]
    p = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=timeout)
    for line in p.stderr.splitlines():
        if line.startswith("[GcLoad]"):
            log("  " + line)
    if p.returncode != 0:
        raise Failed(f"GcLoad {command} failed ({p.returncode}): {p.stdout[-2000:]} {p.stderr[-3000:]}")
    return json.loads(p.stdout.strip().splitlines()[-1])


def percentile(values, p):
    if not values:
        return float("nan")
    v = sorted(values)
    return v[min(len(v) - 1, max(0, int(round(p / 100 * len(v) + 0.5)) - 1))]


def fmt(x, digits=0):
    if x is None or x != x:
        return "-"
    return f"{x:,.{digits}f}"


# --------------------------------------------------------------------------- machine limits

def limit_files(work, count, size, four=True):
    """Creates `count` files of `size` bytes in blobs/sha256/<2 hex>/<64 hex> (Berth's layout) on the data disk and
    syncs them (a stored blob is fsynced: its blocks are allocated on disk), then times, each with a trivial loop:
    walking them (listdir of every shard + stat of every file, what a collection's search for unaccounted files
    does) and unlinking them one by one; then the same files again, unlinked by 4 threads (an unlink of a file
    whose blocks are on disk waits for the journal, so more of them at once go faster). Returns files/s."""
    root = os.path.join(work, "limit-files", "blobs", "sha256")

    def create():
        names = [os.urandom(32).hex() for _ in range(count)]
        payload = os.urandom(size)
        t0 = time.perf_counter()
        for shard in {n[:2] for n in names}:
            os.makedirs(os.path.join(root, shard), exist_ok=True)
        paths = []
        for n in names:
            p = os.path.join(root, n[:2], n)
            fd = os.open(p, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            os.write(fd, payload)
            os.close(fd)
            paths.append(p)
        rate = count / (time.perf_counter() - t0)
        subprocess.run(["sync"], check=True, timeout=600)
        random.shuffle(paths)   # a collection removes in its own order, not the order of creation
        return paths, rate

    res = {"count": count}
    paths, res["create_per_s"] = create()
    t0 = time.perf_counter()
    seen = 0
    for shard in sorted(os.listdir(root)):
        d = os.path.join(root, shard)
        for n in os.listdir(d):
            os.stat(os.path.join(d, n))
            seen += 1
    res["walk_per_s"] = seen / (time.perf_counter() - t0)
    t0 = time.perf_counter()
    for p in paths:
        os.unlink(p)
    res["unlink_per_s"] = count / (time.perf_counter() - t0)
    if not four:
        subprocess.run(["rm", "-rf", os.path.join(work, "limit-files")], check=True, timeout=600)
        return res
    paths, _ = create()
    t0 = time.perf_counter()
    threads = [threading.Thread(target=lambda part: [os.unlink(p) for p in part], args=(paths[i::4],))
               for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    res["unlink4_per_s"] = count / (time.perf_counter() - t0)
    # fsyncs (what each stored blob costs: its file, then its directory) by 4 threads for 10 s, alone and while one
    # thread unlinks synced files: how much a collection's unlinks slow the disk writes of concurrent pushes
    res["fsync_per_s"], _ = fsync_pairs(os.path.join(work, "limit-files"), 10)
    paths, _ = create()
    res["fsync_during_unlink_per_s"], res["unlink_during_fsync_per_s"] = fsync_pairs(
        os.path.join(work, "limit-files"), 10, paths)
    paths, _ = create()
    res["fsync_during_unlink4_per_s"], res["unlink4_during_fsync_per_s"] = fsync_pairs(
        os.path.join(work, "limit-files"), 10, paths, unlinkers=4)
    # and while one thread unlinks at the collection's target rate: the disk's own share for the pushes' target
    paths, _ = create()
    res["fsync_during_paced_unlink_per_s"], res["paced_unlink_during_fsync_per_s"] = fsync_pairs(
        os.path.join(work, "limit-files"), 10, paths, unlink_rate=TARGET_BLOBS_PER_S)
    subprocess.run(["rm", "-rf", os.path.join(work, "limit-files")], check=True, timeout=600)
    return res


def fsync_pairs(work, seconds, unlink=None, unlinkers=1, unlink_rate=0):
    """4 threads, each in a loop: write 1 KiB to a new file, fsync it, fsync its directory (every second file is
    removed again), for `seconds`; meanwhile, when `unlink` is given, `unlinkers` more threads unlink those paths
    one by one (all stop early when they run out of them), together no faster than `unlink_rate` a second when it
    is not 0. Returns (fsync pairs per second, unlinks per second)."""
    stop = time.time() + seconds
    counts = [0] * (4 + unlinkers)
    ran_out = threading.Event()

    def writer(i):
        d = os.path.join(work, f"fsync-{i}")
        os.makedirs(d, exist_ok=True)
        n = 0
        while time.time() < stop and not ran_out.is_set():
            p = os.path.join(d, str(n))
            fd = os.open(p, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            os.write(fd, b"x" * 1024)
            os.fsync(fd)
            os.close(fd)
            dfd = os.open(d, os.O_RDONLY)
            os.fsync(dfd)
            os.close(dfd)
            if n % 2:
                os.unlink(p)
            n += 1
            counts[i] += 1

    def unlinker(j):
        started = time.time()
        for n, p in enumerate(unlink[j::unlinkers]):
            if time.time() >= stop:
                return
            if unlink_rate:
                ahead = started + n * unlinkers / unlink_rate - time.time()
                if ahead > 0:
                    time.sleep(ahead)
            os.unlink(p)
            counts[4 + j] += 1
        ran_out.set()

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(4)]
    if unlink:
        threads += [threading.Thread(target=unlinker, args=(j,)) for j in range(unlinkers)]
    t0 = time.time()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.time() - t0
    return sum(counts[:4]) / elapsed, sum(counts[4:]) / elapsed


def limit_s3_deletes(a, batch_keys, single_keys):
    """The S3 server's own delete rates (S3DeleteLimit.java, with Berth's SDK from its jar): a dict of the figures."""
    p = subprocess.run(["nice", "-n", str(a.nice), "java", "-cp", a.jar, os.path.join(HERE, "S3DeleteLimit.java"),
                        a.s3_endpoint, "limit", str(batch_keys), str(single_keys), str(a.bytes)],
                       capture_output=True, text=True, timeout=1800)
    if p.returncode != 0:
        raise Failed(f"S3DeleteLimit failed ({p.returncode}): {p.stderr[-2000:]}")
    res = {k: float(v) for k, v in (kv.split("=") for kv in p.stdout.split())}
    res.update(batch_keys=batch_keys, single_keys=single_keys)
    return res


def prune_empty(root):
    """Removes the empty directories under root/docker (bottom-up): what S3Proxy's filesystem backend leaves of a
    directory once the last object in it is deleted through it, and what S3 has of one at all. Returns seconds."""
    t0 = time.perf_counter()
    for d, _, _ in os.walk(os.path.join(root, "docker"), topdown=False):
        try:
            os.rmdir(d)
        except OSError:
            pass  # not empty
    return time.perf_counter() - t0


# --------------------------------------------------------------------------- Distribution's layout

HEX = re.compile(r"[0-9a-f]{64}")


def dist_layout(root, repo):
    """The files and directories under one repository of Distribution's layout, digests replaced by H (a
    multiset), with the content of every link; and whether every linked blob is blobs/sha256/HH/HEX/data alone."""
    base = os.path.join(root, "docker/registry/v2")
    top = os.path.join(base, "repositories", repo)
    items = collections.Counter()
    blobs_ok = True
    for d, dirs, files in os.walk(top):
        rel = os.path.relpath(d, top)
        items["dir " + HEX.sub("H", rel)] += 1
        for f in files:
            content = open(os.path.join(d, f)).read()
            items[f"file {HEX.sub('H', os.path.join(rel, f))} = {HEX.sub('H', content)}"] += 1
            m = HEX.search(content)
            if m:
                bd = os.path.join(base, "blobs/sha256", m.group(0)[:2], m.group(0))
                blobs_ok = blobs_ok and os.path.isdir(bd) and os.listdir(bd) == ["data"]
    return items, blobs_ok


def check_dist_layout(a, when):
    """GcLoad's dist-files layout against what Distribution's API wrote for the same pushes (or deletes)."""
    for kind in ("blobs", "images"):
        api, api_ok = dist_layout(a.dist_root, f"library/gc-check-api-{kind}-0")
        files, files_ok = dist_layout(a.dist_root, f"library/gc-check-files-{kind}-0")
        if api != files or not api_ok or not files_ok:
            diff = sorted((api - files).items())[:10], sorted((files - api).items())[:10]
            raise Failed(f"Distribution layout written by GcLoad differs from the API's ({kind}, {when}): "
                         f"only API: {diff[0]}; only GcLoad: {diff[1]}; blob dirs ok: {api_ok}, {files_ok}")
    log(f"  layout {when}: the files GcLoad writes match what Distribution's API wrote")


def spot_check_dist(a, manifests, expect):
    """GETs a sample of the manifests (by digest, and by tag when tagged) from Distribution: 200 with the right
    Docker-Content-Digest (expect=200), or 404 (expect=404)."""
    sample = random.sample(manifests, min(50, len(manifests)))
    for repo, digest, tag in sample:
        for ref in [digest] + ([tag] if tag != "-" else []):
            st, h, _ = request(a.dist_url, "GET", f"/v2/{repo}/manifests/{ref}", {"Accept": OCI_MANIFEST})
            if st != expect or (expect == 200 and h.get("docker-content-digest") != digest):
                raise Failed(f"Distribution: GET {repo}/manifests/{ref} answered {st} "
                             f"({h.get('docker-content-digest')}), expected {expect}")
    log(f"  Distribution answers {expect} for a sample of {len(sample)} manifests")


def count_dist_blobs(root):
    base = os.path.join(root, "docker/registry/v2/blobs/sha256")
    if not os.path.isdir(base):
        return 0
    return sum(len(os.listdir(os.path.join(base, s))) for s in os.listdir(base))


# --------------------------------------------------------------------------- the phases

def populate(a, r):
    berth_auth = "Basic " + __import__("base64").b64encode(f"{a.berth_user}:{a.berth_secret}".encode()).decode()
    a.berth_auth = berth_auth
    log(f"populating Berth: {a.blobs:,} blobs and {a.images:,} images in {a.repos}+{a.repos} repositories, "
        f"{a.threads} clients")
    cpu0 = bench.proc_cpu_seconds(a.berth_pid)
    r["berth_populate"] = gcload(a, "populate", "--url", a.berth_url, "--mode", "berth", "--blobs", a.blobs,
                                 "--images", a.images, "--repos", a.repos, "--threads", a.threads,
                                 "--bytes", a.bytes, "--out", os.path.join(a.work, "berth-manifests.txt"),
                                 auth=berth_auth)
    r["berth_populate"]["server_cpu_s"] = bench.proc_cpu_seconds(a.berth_pid) - cpu0
    log(f"  {r['berth_populate']}")
    # garbage of its own, a quarter of the measured one, for a collection before the measured one (make_garbage)
    r["berth_warm_populate"] = gcload(a, "populate", "--url", a.berth_url, "--mode", "berth", "--prefix",
                                      "library/gc-warm", "--blobs", max(1, a.blobs // 4), "--images",
                                      max(1, a.images // 4), "--repos", 1, "--threads", a.threads,
                                      "--bytes", a.bytes, "--out", os.path.join(a.work, "berth-warm-manifests.txt"),
                                      auth=berth_auth)

    listfile = os.path.join(a.work, "dist-manifests.txt")
    if a.dist_api:
        log(f"populating Distribution through its API: {a.blobs:,} blobs and {a.images:,} images")
        r["dist_populate"] = gcload(a, "populate", "--url", a.dist_url, "--mode", "dist", "--blobs", a.blobs,
                                    "--images", a.images, "--repos", a.repos, "--threads", a.threads,
                                    "--bytes", a.bytes, "--out", listfile)
    else:
        log("Distribution: 2 blobs and 2 images pushed through its API, and the same written as files, compared")
        check = os.path.join(a.work, "dist-check-")
        for mode, prefix in (("dist", "library/gc-check-api"), ("dist-files", "library/gc-check-files")):
            gcload(a, "populate", "--url", a.dist_url, "--root", a.dist_root, "--mode", mode, "--prefix", prefix,
                   "--blobs", 2, "--images", 2, "--repos", 1, "--threads", 1, "--bytes", a.bytes,
                   "--out", check + mode + ".txt")
        if a.s3:
            prune_empty(a.dist_root)
        check_dist_layout(a, "after the pushes")
        log(f"populating Distribution: {a.blobs:,} blobs and {a.images:,} images written into its layout")
        r["dist_populate"] = gcload(a, "populate", "--root", a.dist_root, "--mode", "dist-files", "--blobs", a.blobs,
                                    "--images", a.images, "--repos", a.repos, "--threads", 4,
                                    "--bytes", a.bytes, "--out", listfile)
        if a.s3:
            r["dist_populate"]["prune_s"] = prune_empty(a.dist_root)
    log(f"  {r['dist_populate']}")
    manifests = [tuple(line.split()) for line in open(listfile)]
    spot_check_dist(a, manifests, 200)
    return manifests


def delete_berth_repositories(a, prefix, count):
    """Deletes Berth's repositories PREFIX-blobs-I and PREFIX-images-I, I < count; returns the seconds it took."""
    t0 = time.perf_counter()
    for kind in ("blobs", "images"):
        for i in range(count):
            name = f"{prefix}-{kind}-{i}"
            st, _, body = request(a.berth_url, "DELETE", f"/api/v1/registries/library/repositories/{name}",
                                  {"Authorization": f"Bearer {a.token}"})
            if st != 204:
                raise Failed(f"Berth: repository delete {name} answered {st}: {body[:300]}")
    return time.perf_counter() - t0


def collect(a, on_poll=None):
    """One collection through the API (POST /api/v1/gc), polled until it ends; returns (run, seconds)."""
    t_post = time.time()
    st, _, body = request(a.berth_url, "POST", "/api/v1/gc", {"Authorization": f"Bearer {a.token}"}, {})
    if st != 202:
        raise Failed(f"POST /api/v1/gc answered {st}: {body[:300]}")
    run = json.loads(body)
    log(f"  collection {run['id']} started")
    polls = 0
    while run["state"] == "running":
        time.sleep(0.2)
        polls += 1
        st, _, body = request(a.berth_url, "GET", f"/api/v1/gc/{run['id']}", {"Authorization": f"Bearer {a.token}"})
        run = json.loads(body)
        if on_poll:
            on_poll()
        if polls % 50 == 0:
            log(f"  {run['blobs_deleted']:,} blobs deleted after {time.time() - t_post:.0f} s")
    return run, time.time() - t_post


def make_garbage(a, r, dist_manifests):
    """Distribution's garbage; Berth's is made while its push workload warms up (warm_up_and_make_garbage)."""
    listfile = os.path.join(a.work, "dist-manifests.txt")
    if a.dist_api:
        log(f"Distribution: DELETE of {len(dist_manifests):,} manifests through its API")
        r["dist_delete"] = gcload(a, "delete", "--url", a.dist_url, "--threads", a.threads, "--list", listfile)
    else:
        log("Distribution: the check images deleted through the API and as files, compared")
        gcload(a, "delete", "--url", a.dist_url, "--threads", 1,
               "--list", os.path.join(a.work, "dist-check-dist.txt"))
        gcload(a, "delete", "--root", a.dist_root, "--threads", 1,
               "--list", os.path.join(a.work, "dist-check-dist-files.txt"))
        if a.s3:
            prune_empty(a.dist_root)
        check_dist_layout(a, "after the deletes")
        log(f"Distribution: what a DELETE of each of the {len(dist_manifests):,} manifests does, done to its files")
        r["dist_delete"] = gcload(a, "delete", "--root", a.dist_root, "--threads", 4, "--list", listfile)
        if a.s3:
            r["dist_delete"]["prune_s"] = prune_empty(a.dist_root)
    log(f"  {r['dist_delete']}")
    spot_check_dist(a, dist_manifests, 404)


def warm_up_and_make_garbage(a, r, warmup_end):
    """During the push workload's warm-up: a collection of garbage of its own first, then the measured garbage.

    The collector's code is compiled by the JIT the first time it runs, and it runs another way while pushes go on
    (RemovalPace: one remover, shorter batches, the waits) than on an idle registry (four removers). So the warm-up
    collection runs with the pushes going, as the measured one will: the measured collection then runs as the daily
    collection of a server that has collected under pushes before, without the JIT compiling the collector on the
    cores the pushes need (3-4 CPU s of C2 during the measured collection without any warm-up collection, 1.4-2.4 s
    after one on an idle registry). The measured collection's candidates are made afterwards, and the pushes go on
    alone for at least half the warm-up before the window that the collection is compared with."""
    log("Berth: a collection to warm the collector up (its own repositories, a quarter of the garbage), "
        "with the pushes going on")
    delete_berth_repositories(a, "gc-warm", 1)
    run, seconds = collect(a)
    if run["state"] != "done":
        raise Failed(f"warm-up collection {run['id']} ended {run['state']}: {run.get('error')}")
    r["berth_warm_gc"] = {"blobs": run["blobs_deleted"], "seconds": seconds}
    log(f"  {run['blobs_deleted']:,} blobs in {seconds:.1f} s")
    log("Berth: deleting the repositories (DELETE /api/v1/registries/library/repositories/...)")
    r["berth_delete_s"] = delete_berth_repositories(a, "gc", a.repos)
    r["berth_candidates"] = metric(a.berth_url, a.token, "berth_gc_candidates")
    log(f"  {2 * a.repos} repositories in {r['berth_delete_s']:.1f} s; {r['berth_candidates']:,.0f} candidates")
    rest = max(warmup_end - time.time(), a.warmup / 2)
    log(f"  the pushes alone for {rest:.0f} s more")
    time.sleep(rest)


def berth_gc(a, r):
    """The push workload, with the warm-up collection and the deletes in its warm-up, then one collection while it
    runs, then the workload as long again."""
    pushes = os.path.join(a.work, "pushes.txt")
    subprocess.run(["sync"], check=True, timeout=600)
    env = dict(os.environ, GCLOAD_AUTH=a.berth_auth)
    cmd = ["java", "-Xmx512m", "-XX:+UseSerialGC", os.path.join(HERE, "GcLoad.java"), "push", "--url", a.berth_url,
           "--mode", "berth", "--repo", "library/gc-push", "--threads", str(a.pushers), "--bytes", str(a.bytes),
           "--out", pushes, "--max-seconds", "3600"]
    log(f"Berth: push workload ({a.pushers} clients: layer of {a.bytes} B + config + manifest by tag, into "
        f"library/gc-push), {a.warmup} s warm-up, then {a.window} s before the collection")
    p = subprocess.Popen(cmd, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True)
    jfr = None
    if a.profile:
        # Started with the warm-up, not at the collection: starting a recording deoptimises compiled code, and the
        # JIT's work to compile it again took most of the collection's CPU when it started with it.
        jfr = os.path.join(a.work, "gc.jfr")
        subprocess.run(["jcmd", str(a.berth_pid), "JFR.start", "name=gcbench", "settings=profile"],
                       check=True, capture_output=True, timeout=60)
    try:
        warmup_end = time.time() + a.warmup
        time.sleep(a.warmup / 6)
        warm_up_and_make_garbage(a, r, warmup_end)
        snap0 = snapshot(a, p.pid)
        time.sleep(a.window)
        snap1 = snapshot(a, p.pid)
        gc_threads = GcThreads(a.berth_pid)
        gc_seconds_before = metric(a.berth_url, a.token, GC_SECONDS) or 0.0
        t_post = time.time()
        run, _ = collect(a, gc_threads.read)
        t_done = time.time()
        snap2 = snapshot(a, p.pid)
        if jfr:
            subprocess.run(["jcmd", str(a.berth_pid), "JFR.stop", "name=gcbench", f"filename={jfr}"],
                           check=True, capture_output=True, timeout=120)
        wall = t_done - t_post
        after = min(wall, a.window)
        log(f"  {run['state']}: {run['blobs_deleted']:,} blobs in {wall:.1f} s (client's view); "
            f"the workload goes on {after:.0f} s")
        time.sleep(after)
        snap3 = snapshot(a, p.pid)
    finally:
        try:
            out, err = p.communicate(timeout=120)  # closes its standard input: the workload stops
        except subprocess.TimeoutExpired:
            p.kill()
            out, err = p.communicate()
    if p.returncode != 0:
        raise Failed(f"push workload failed ({p.returncode}): {err[-2000:]}")
    r["push_summary"] = json.loads(out.strip().splitlines()[-1])
    if run["state"] != "done":
        raise Failed(f"collection {run['id']} ended {run['state']}: {run.get('error')}")
    samples = [tuple(map(int, line.split())) for line in open(pushes)]
    r["gc_run"] = run
    r["gc_wall_s"] = wall
    # the sum over the runs: the warm-up collection's seconds taken off
    r["gc_metric_s"] = metric(a.berth_url, a.token, GC_SECONDS) - gc_seconds_before
    api_s = (time.mktime(time.strptime(run["finished_at"], "%Y-%m-%dT%H:%M:%SZ"))
             - time.mktime(time.strptime(run["started_at"], "%Y-%m-%dT%H:%M:%SZ")))
    r["gc_api_s"] = api_s
    r["gc_left_files"] = sum(len(fs) for _, _, fs in os.walk(os.path.join(a.berth_data, "blobs")))
    # windows: the collection; the same length (at most --window) right before it and right after it
    length = min(wall, a.window)
    windows = {
        "before": (t_post - length, t_post),
        "during": (t_post, t_done),
        "after": (t_done, t_done + length),
    }
    r["push"] = {}
    for name, (w0, w1) in windows.items():
        inside = [lat for end, lat in samples if w0 * 1000 <= end < w1 * 1000]
        r["push"][name] = {"seconds": w1 - w0, "pushes": len(inside), "per_s": len(inside) / (w1 - w0),
                           "p50_ms": percentile(inside, 50) / 1000, "p99_ms": percentile(inside, 99) / 1000}
    # CPU during the whole before window (a.window s) and during the collection
    r["cpu_before"] = cpu_between(snap0, snap1)
    r["cpu_during"] = cpu_between(snap1, snap2)
    r["cpu_after"] = cpu_between(snap2, snap3)
    r["threads_during"] = (snap2["threads"] - snap1["threads"]).most_common(8)
    # the same threads in the before window, in cores, to tell the collection's own work from the pushes' and the JIT's
    before = snap1["threads"] - snap0["threads"]
    r["thread_cores"] = [(t, before.get(t, 0.0) / r["cpu_before"]["seconds"], s / r["cpu_during"]["seconds"])
                         for t, s in r["threads_during"]]
    # the collection's thread: on a CPU, runnable but waiting for one, and the rest (blocked: I/O, locks)
    on_cpu = snap2["gc_sched"][0] - snap1["gc_sched"][0]
    runnable = snap2["gc_sched"][1] - snap1["gc_sched"][1]
    r["gc_thread"] = {"on_cpu_s": on_cpu, "runqueue_s": runnable, "blocked_s": max(0.0, wall - on_cpu - runnable)}
    r["gc_threads"] = gc_threads.totals()
    # seconds of the timeline: pushes per second around the collection
    per_s = collections.Counter(int((end / 1000 - t_post) // 1) for end, _ in samples)
    r["timeline"] = [(s, per_s.get(s, 0)) for s in range(-int(length), int(wall + length))]
    if jfr:
        r["profile"] = summarise_jfr(a, jfr, t_post, t_done)


def snapshot(a, client_pid):
    return {"t": time.time(), "berth": bench.proc_cpu_seconds(a.berth_pid),
            "client": bench.proc_cpu_seconds(client_pid), "machine": bench.machine_busy_seconds(),
            "threads": thread_cpu(a.berth_pid), "gc_sched": thread_sched(a.berth_pid, "berth-gc"),
            "store": bench.proc_cpu_seconds(a.s3_pid) if a.s3_pid else 0.0}


def cpu_between(s0, s1):
    d = s1["t"] - s0["t"]
    berth, client, machine, store = (s1[k] - s0[k] for k in ("berth", "client", "machine", "store"))
    return {"seconds": d, "berth_cores": berth / d, "client_cores": client / d, "store_cores": store / d,
            "other_cores": max(0.0, machine - berth - client - store) / d,
            "idle_cores": max(0.0, os.cpu_count() - machine / d)}


def summarise_jfr(a, jfr, t0, t1):
    """Where the collection's thread spent its time, from the JFR recording's events between t0 and t1 (the
    collection): Java samples (taken while the thread runs Java code, on a CPU or waiting for one) and native
    samples (in a system call: unlink, stat, readdir), by step of the run and by kind of work; its longest waits
    for locks; the top frames; every thread's share."""
    lines = []

    def during(e):
        # JFR's ISO-8601 instants carry nanoseconds, which fromisoformat does not take: cut to microseconds.
        m = re.match(r"(.*T\d\d:\d\d:\d\d)(\.\d+)?(.*)$", e["values"]["startTime"])
        frac = (m.group(2) or ".0")[:7]
        zone = "+00:00" if m.group(3) in ("Z", "") else m.group(3)
        t = datetime.datetime.fromisoformat(m.group(1) + frac + zone).timestamp()
        return t0 <= t <= t1
    steps = (("recordOrphans", "search for unaccounted files"), ("collectBlobs", "removal of due candidates"),
             ("expireUploads", "expired uploads"))

    def step_of(frames):
        for method, label in steps:
            if any(f.endswith("GarbageCollector." + method) for f in frames):
                return label
        return "other"

    def kind_of(frames):
        top = frames[0] if frames else ""
        if "unlink0" in top:
            return "unlink"
        if any(x in top for x in ("stat0", "readdir", "opendir", "lstat0")):
            return "stat/readdir"
        if any(f.startswith("org.h2.") for f in frames):
            if any("ConditionIn" in f or "Comparison.compare" in f for f in frames[:6]):
                return "H2: IN-list conditions"
            return "H2: other"
        if any("BlobDirectory" in f for f in frames):
            return "directory walk (Java)"
        return "other Java" if not top.startswith("sun.nio") else "other native"

    for event in ("jdk.ExecutionSample", "jdk.NativeMethodSample"):
        p = subprocess.run(["jfr", "print", "--json", "--stack-depth", "64", "--events", event, jfr],
                           capture_output=True, text=True, timeout=600)
        events = [e for e in json.loads(p.stdout)["recording"]["events"] if during(e)]
        by_thread = collections.Counter()
        top, incl, split = collections.Counter(), collections.Counter(), collections.Counter()
        n_gc = 0
        for e in events:
            v = e["values"]
            name = (v["sampledThread"] or {}).get("javaName") or "?"
            by_thread[re.sub(r"[-#]?\d+$", "-N", name)] += 1
            if not name.startswith("berth-gc"):
                continue
            n_gc += 1
            frames = [f["method"]["type"]["name"].replace("/", ".") + "." + f["method"]["name"]
                      for f in v["stackTrace"]["frames"]]
            split[(step_of(frames), kind_of(frames))] += 1
            if frames:
                top[frames[0]] += 1
            for f in set(frames):
                if f.startswith("dev.berth"):
                    incl[f] += 1
        lines.append(f"{event}: {len(events)} samples; by thread: "
                     + ", ".join(f"{t} {c}" for t, c in by_thread.most_common(6)))
        if n_gc:
            lines.append(f"  berth-gc thread: {n_gc} samples, by step and kind of work:")
            lines += [f"    {100 * c / n_gc:5.1f}%  {st}: {k}" for (st, k), c in split.most_common(10)]
            lines.append("  berth-gc thread, top frames:")
            lines += [f"    {100 * c / n_gc:5.1f}%  {f}" for f, c in top.most_common(8)]
            lines.append("  berth-gc thread, Berth methods on the stack (inclusive):")
            lines += [f"    {100 * c / n_gc:5.1f}%  {f}" for f, c in incl.most_common(10)]
    # waits for locks (events of 10 ms or more in settings=profile)
    p = subprocess.run(["jfr", "print", "--json", "--stack-depth", "64", "--events",
                        "jdk.ThreadPark,jdk.JavaMonitorEnter", jfr], capture_output=True, text=True, timeout=600)
    waits = collections.Counter()
    for e in json.loads(p.stdout)["recording"]["events"]:
        v = e["values"]
        if not during(e) or not ((v.get("eventThread") or {}).get("javaName") or "").startswith("berth-gc"):
            continue
        frames = [f["method"]["type"]["name"].split("/")[-1] + "." + f["method"]["name"] for f in v["stackTrace"]["frames"]]
        where = next((f for f in frames if not f.startswith(("Unsafe", "LockSupport", "AbstractQueued", "ReentrantLock",
                                                               "Thread", "Object", "CountDownLatch"))), "?")
        d = v["duration"]  # ISO-8601, e.g. PT0.0123S
        m = re.match(r"PT(?:(\d+)M)?([\d.]+)S", d)
        waits[e["type"].split(".")[-1] + " in " + where] += (int(m.group(1) or 0) * 60 + float(m.group(2))) if m else 0
    lines.append("berth-gc thread, waits of 10 ms or more (s): "
                 + (", ".join(f"{k} {v:.2f}" for k, v in waits.most_common(5)) if waits else "none"))
    return lines


def dist_gc(a, r):
    log(f"Distribution: stopping the server (pid {a.dist_pid}) for the offline collection")
    os.kill(a.dist_pid, signal.SIGTERM)
    for _ in range(120):
        if not alive(a.dist_pid):
            break
        time.sleep(0.25)
    else:
        raise Failed("Distribution did not stop")
    before = count_dist_blobs(a.dist_root)
    subprocess.run(["sync"], check=True, timeout=600)
    log(f"Distribution: registry garbage-collect on {before:,} blobs")
    out = os.path.join(a.work, "dist-gc.out")
    # Berth's REGISTRY_* variables (--s3) would be read as Distribution's configuration; AWS_CA_BUNDLE makes its s3
    # driver panic (as in run.sh)
    env = {k: v for k, v in os.environ.items()
           if k != "AWS_CA_BUNDLE" and k not in ("REGISTRY_BLOB_STORE", "REGISTRY_S3_ENDPOINT", "REGISTRY_S3_BUCKET",
                                                 "REGISTRY_S3_PATH_STYLE")}
    busy0 = bench.machine_busy_seconds()
    store0 = bench.proc_cpu_seconds(a.s3_pid) if a.s3_pid else 0.0
    t0 = time.perf_counter()
    with open(out, "w") as f:
        p = subprocess.Popen(["nice", "-n", str(a.nice), "/usr/bin/docker-registry", "garbage-collect", a.dist_config],
                             stdout=f, stderr=subprocess.STDOUT, env=env)
        _, status, usage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    busy = bench.machine_busy_seconds() - busy0
    store = (bench.proc_cpu_seconds(a.s3_pid) - store0) if a.s3_pid else 0.0
    if os.waitstatus_to_exitcode(status) != 0:
        raise Failed(f"garbage-collect failed: {open(out).read()[-2000:]}")
    after = count_dist_blobs(a.dist_root)
    summary = next((line.strip() for line in open(out) if "eligible for deletion" in line and "blobs" in line), "")
    cpu = usage.ru_utime + usage.ru_stime
    r["dist_gc"] = {"before": before, "after": after, "deleted": before - after, "wall_s": wall, "cpu_s": cpu,
                    "summary": summary, "other_cores": max(0.0, busy - cpu - store) / wall, "store_cpu_s": store}
    log(f"  {before - after:,} blobs in {wall:.1f} s ({(before - after) / wall:,.0f}/s), CPU {cpu:.1f} s; {summary}")


# --------------------------------------------------------------------------- report

def report(a, r, info, limits, started, elapsed):
    run = r["gc_run"]
    blobs = run["blobs_deleted"]
    d = r["dist_gc"]
    berth_rate = blobs / r["gc_metric_s"] if r["gc_metric_s"] else float("nan")
    api_rate = blobs / r["gc_api_s"] if r["gc_api_s"] else float("nan")
    wall_rate = blobs / r["gc_wall_s"]
    dist_rate = d["deleted"] / d["wall_s"]
    L = []
    L.append(f"# Garbage collection: Berth online vs Distribution offline{', blobs in S3' if a.s3 else ''} ({started})\n")
    L.append(f"`{info['command']}`; {info['cpu']}; {info['nproc']} CPUs; {info['memory']}; {info['kernel']}; "
             f"{info['java']}; {info['dist_version']}; Berth {info['git']} with `{info['java_opts']}` "
             f"`--gc-grace 0s --gc-interval 0`, metadata in {info.get('metadata', 'embedded H2')}; "
             f"data on {info['data_fs']}; {info['other_load']}; "
             + (f"storage: {info['storage']}; " if a.s3 else "") + 
             f"priority: {info['nice_note']}. Elapsed {elapsed / 60:.1f} min.\n")
    L.append("## Machine limits (same run)\n")
    lf = limits["files"]
    L.append("| limit | figure |\n|---|---:|")
    L.append(f"| SHA-256, one core (JVM) | {fmt(limits['sha256_mb_s'])} MB/s |")
    L.append(f"| sequential write + fsync / into the page cache | {fmt(limits['fsync_mb_s'])} / "
             f"{fmt(limits['pagecache_mb_s'])} MB/s |")
    L.append(f"| loopback download, sendfile / copy | {fmt(limits['sendfile_mb_s'])} / {fmt(limits['copy_mb_s'])} MB/s |")
    L.append(f"| create {lf['count']:,} files of {a.bytes} B (open, write, close; 2-hex shards) | "
             f"{fmt(lf['create_per_s'])} files/s |")
    L.append(f"| walk them (listdir + stat), after a sync | {fmt(lf['walk_per_s'])} files/s |")
    le = limits["files_end"]
    L.append(f"| **unlink them, one thread** | **{fmt(lf['unlink_per_s'])} files/s** (at the end of the run: "
             f"{fmt(le['unlink_per_s'])}) |")
    L.append(f"| unlink them, 4 threads | {fmt(lf['unlink4_per_s'])} files/s |")
    L.append(f"| 4 threads writing 1 KiB files, each with a fsync of the file and of its directory (what storing a "
             f"blob costs the disk) | {fmt(lf['fsync_per_s'])} files/s |")
    L.append(f"| **the same while one thread unlinks synced files** | **{fmt(lf['fsync_during_unlink_per_s'])} files/s "
             f"({100 * lf['fsync_during_unlink_per_s'] / lf['fsync_per_s']:.0f}%)**, and "
             f"{fmt(lf['unlink_during_fsync_per_s'])} unlinks/s meanwhile |")
    L.append(f"| **the same while 4 threads unlink synced files** | **{fmt(lf['fsync_during_unlink4_per_s'])} files/s "
             f"({100 * lf['fsync_during_unlink4_per_s'] / lf['fsync_per_s']:.0f}%)**, and "
             f"{fmt(lf['unlink4_during_fsync_per_s'])} unlinks/s meanwhile |")
    L.append(f"| **the same while one thread unlinks synced files at the target's {TARGET_BLOBS_PER_S:,} a second** | "
             f"**{fmt(lf['fsync_during_paced_unlink_per_s'])} files/s "
             f"({100 * lf['fsync_during_paced_unlink_per_s'] / lf['fsync_per_s']:.0f}%)**, and "
             f"{fmt(lf['paced_unlink_during_fsync_per_s'])} unlinks/s meanwhile |" + ("" if a.s3 else "\n"))
    if a.s3:
        s3, s3e = limits["s3"], limits["s3_end"]
        L.append(f"| S3 server: `PutObject` of {a.bytes} B objects, 8 threads | {fmt(s3['put_per_s'])} objects/s "
                 f"(at the end: {fmt(s3e['put_per_s'])}) |")
        L.append(f"| **S3 server: `DeleteObjects` of 1,000 keys, one request at a time** ({s3['batch_keys']:,.0f} objects "
                 f"named as Berth names them) | **{fmt(s3['batch1000_per_s'])} objects/s** ({fmt(s3['batch1000_ms'])} ms a "
                 f"request; at the end: {fmt(s3e['batch1000_per_s'])}) |")
        L.append(f"| S3 server: `DeleteObjects` of 250 keys, 4 threads | {fmt(s3['batch250x4_per_s'])} objects/s "
                 f"(at the end: {fmt(s3e['batch250x4_per_s'])}) |")
        L.append(f"| **S3 server: single `DeleteObject`, one thread** ({s3['single_keys']:,.0f} objects) | "
                 f"**{fmt(s3['single_per_s'])} objects/s** (at the end: {fmt(s3e['single_per_s'])}) |")
        L.append(f"| S3 server: a blob deleted as Distribution's s3 driver deletes one (`ListObjects` of its prefix + "
                 f"`DeleteObjects` of what it lists), one thread | {fmt(s3['dist_per_s'])} blobs/s (at the end: "
                 f"{fmt(s3e['dist_per_s'])}) |\n")
    L.append("## Collection\n")
    berth_load = "pushes going on" if a.pushers else "no pushes"
    L.append(f"| | Berth (online, {berth_load}) | Distribution (offline) | ratio |\n|---|---:|---:|---:|")
    L.append(f"| blobs freed | {blobs:,} ({run['bytes_freed'] / 1e6:,.1f} MB) | {d['deleted']:,} | |")
    L.append(f"| time | {r['gc_metric_s']:.1f} s (`berth_gc_runs_seconds`); {r['gc_api_s']:.0f} s "
             f"(`finished_at - started_at`, whole seconds); {r['gc_wall_s']:.1f} s wall (POST to `done` seen) | "
             f"{d['wall_s']:.1f} s wall | |")
    L.append(f"| **blobs freed per second** | **{fmt(berth_rate)}** ({fmt(api_rate)} by the API's timestamps, "
             f"{fmt(wall_rate)} by the wall) | **{fmt(dist_rate)}** | **{berth_rate / dist_rate:.2f}** |")
    ul = max(lf["unlink_per_s"], le["unlink_per_s"])
    if a.s3:
        bl = max(limits["s3"]["batch1000_per_s"], limits["s3_end"]["batch1000_per_s"])
        dl = max(limits["s3"]["dist_per_s"], limits["s3_end"]["dist_per_s"])
        sl = max(limits["s3"]["single_per_s"], limits["s3_end"]["single_per_s"])
        L.append(f"| share of the S3 server's `DeleteObjects` of 1,000 keys (the better of the two: {fmt(bl)}/s) | "
                 f"{100 * berth_rate / bl:.0f}% | {100 * dist_rate / bl:.0f}% | |")
        L.append(f"| share of its single `DeleteObject` ({fmt(sl)}/s) / of a blob deleted as Distribution's driver "
                 f"does ({fmt(dl)}/s) | {100 * berth_rate / sl:.0f}% / {100 * berth_rate / dl:.0f}% | "
                 f"{100 * dist_rate / sl:.0f}% / {100 * dist_rate / dl:.0f}% | |")
        sc = r["cpu_during"]["store_cores"] * r["cpu_during"]["seconds"]
        L.append(f"| server CPU during it | {r['cpu_during']['berth_cores'] * r['cpu_during']['seconds']:.1f} s "
                 f"({r['cpu_during']['berth_cores']:.2f} cores{', pushes included' if a.pushers else ''}); S3Proxy {sc:.1f} s "
                 f"({r['cpu_during']['store_cores']:.2f} cores) | {d['cpu_s']:.1f} s ({d['cpu_s'] / d['wall_s']:.2f} "
                 f"cores); S3Proxy {d['store_cpu_s']:.1f} s ({d['store_cpu_s'] / d['wall_s']:.2f} cores) | |")
        L.append(f"| objects left in the bucket's `blobs/` | {r['gc_left_files']:,} (the push workload's) | "
                 f"{d['after']:,} blob directories | |\n")
        L.append(f"No target of its own on S3; the filesystem's, at least {TARGET_BLOBS_PER_S:,} blobs/s: "
                 f"**{'met' if berth_rate >= TARGET_BLOBS_PER_S else 'NOT met'}** here too ({fmt(berth_rate)}).\n")
    else:
        L.append(f"| share of the unlink limit, one thread (the better of the two: {fmt(ul)}/s) | "
                 f"{100 * berth_rate / ul:.0f}% | {100 * dist_rate / ul:.0f}% | |")
        L.append(f"| server CPU during it | {r['cpu_during']['berth_cores'] * r['cpu_during']['seconds']:.1f} s "
                 f"({r['cpu_during']['berth_cores']:.2f} cores{', pushes included' if a.pushers else ''}) | {d['cpu_s']:.1f} s "
                 f"({d['cpu_s'] / d['wall_s']:.2f} cores) | |")
        L.append(f"| blob files left | {r['gc_left_files']:,}" + (" (the push workload's)" if a.pushers else "")
                 + f" | {d['after']:,} | |\n")
        L.append(f"Target: at least {TARGET_BLOBS_PER_S:,} blobs/s on the filesystem: **{'met' if berth_rate >= TARGET_BLOBS_PER_S else 'NOT met'}** "
                 f"({fmt(berth_rate)}).\n")
    L.append(f"Target: faster online than Distribution offline on the same data: "
             f"**{'met' if berth_rate > dist_rate else 'NOT met'}** ({berth_rate / dist_rate:.2f}x"
             + ("; while pushes go on Berth frees at most `--gc-busy-rate` blobs a second, on two threads" if a.pushers
                else "; no pushes, so Berth collects at full speed, as on any idle registry") + ").\n")
    if a.pushers:
        push_rate(a, r, L, lf)
    else:
        L.append("## No push workload\n")
        L.append("`--pushers 0`: nothing was pushed during the collection or its warm-up; the push rate's target is "
                 "measured by a run with pushers.\n")
    g = r["gc_thread"]
    L.append(f"The collection's thread (`berth-gc`), {r['gc_wall_s']:.1f} s: on a CPU {g['on_cpu_s']:.1f} s, runnable but "
             f"waiting for a CPU {g['runqueue_s']:.1f} s, blocked (I/O, locks, sleeping) {g['blocked_s']:.1f} s "
             "(`/proc/PID/task/TID/schedstat`).\n")
    others = [(k, v) for k, v in r.get("gc_threads", {}).items() if k != "berth-gc"]
    if others:
        L.append("Its helper threads, read every 0.2 s while it ran: " + "; ".join(
            f"`{k}` ({v['threads']} threads): on a CPU {v['on_cpu_s']:.1f} s, runnable "
            f"but waiting for a CPU {v['runqueue_s']:.1f} s" for k, v in others) + ".\n")
    L.append("Berth's CPU by thread during the collection (s): "
             + ", ".join(f"{t} {s:.1f}" for t, s in r["threads_during"]) + "\n")
    if "thread_cores" in r:
        L.append("The same threads in cores, the window before the collection → during it: "
                 + ", ".join(f"{t} {b:.2f} → {d:.2f}" for t, b, d in r["thread_cores"]) + "\n")
    if a.pushers:
        L.append("Pushes per second, second by second (0 = collection started): "
                 + " ".join(f"{s}:{n}" for s, n in r["timeline"]) + "\n")
    L.append("## Setting up\n")
    bp, dp = r["berth_populate"], r["dist_populate"]
    L.append(f"- Berth populated through its API: {bp['blobs']:,} blobs + {bp['images']:,} images "
             f"({bp['requests']:,} requests, {a.threads} clients) in {bp['seconds']:.0f} s "
             f"({bp['requests'] / bp['seconds']:,.0f} requests/s, {bp['server_cpu_s'] / bp['requests'] * 1000:.2f} ms of "
             f"server CPU per request).")
    wp, wg = r["berth_warm_populate"], r["berth_warm_gc"]
    if a.pushers:
        L.append(f"- In the push workload's warm-up, the collector warmed up (its code compiled by the JIT, as in a "
                 f"server that has collected under pushes before): {wp['blobs']:,} blobs + {wp['images']:,} images "
                 f"pushed into repositories of their own, deleted, and collected ({wg['blobs']:,} blobs in "
                 f"{wg['seconds']:.1f} s, the pushes going on); then the {2 * a.repos} measured repositories deleted "
                 f"in {r['berth_delete_s']:.1f} s, leaving {r['berth_candidates']:,.0f} candidates, and the pushes went "
                 f"on alone until the window before the collection.")
    else:
        L.append(f"- The collector warmed up first (its code compiled by the JIT, as in a server that has collected "
                 f"before): {wp['blobs']:,} blobs + {wp['images']:,} images pushed into repositories of their own, "
                 f"deleted, and collected ({wg['blobs']:,} blobs in {wg['seconds']:.1f} s); then the "
                 f"{2 * a.repos} measured repositories deleted in {r['berth_delete_s']:.1f} s, leaving "
                 f"{r['berth_candidates']:,.0f} candidates.")
    if a.dist_api:
        L.append(f"- Distribution populated through its API in {dp['seconds']:.0f} s; manifests deleted through it "
                 f"in {r['dist_delete']['seconds']:.0f} s.")
    elif a.s3:
        L.append(f"- Distribution: its layout written as files into its bucket's directory of S3Proxy (which serves "
                 f"them as objects) in {dp['seconds']:.0f} s, empty directories removed after it "
                 f"({dp.get('prune_s', 0):.1f} s: S3Proxy removes a directory when it deletes the last object in it); "
                 f"checked against 2 blobs and 2 images pushed, then deleted, through its API and s3 driver (the trees "
                 f"compared), and a sample of manifests fetched through it, 200 before and 404 after; the effect of "
                 f"{a.images:,} manifest DELETEs done to its files in {r['dist_delete']['seconds']:.1f} s.")
    else:
        L.append(f"- Distribution: its filesystem layout written directly in {dp['seconds']:.0f} s (checked against "
                 f"2 blobs and 2 images pushed, then deleted, through its API; a sample of manifests fetched "
                 f"through it, 200 before and 404 after); the effect of {a.images:,} manifest DELETEs done to its "
                 f"files in {r['dist_delete']['seconds']:.1f} s.")
    L.append(f"- Distribution's collection: `{d['summary']}`; other processes used {d['other_cores']:.2f} cores meanwhile.")
    if r.get("profile"):
        L.append("\n## Profile of the collection (JFR, settings=profile)\n")
        L.append("```")
        L += r["profile"]
        L.append("```")
    return "\n".join(L) + "\n"


def push_rate(a, r, L, lf):
    """The push workload's windows around the collection, and the target on them."""
    pb, pd, pa = (r["push"][k] for k in ("before", "during", "after"))
    L.append("## Push rate around the collection (Berth)\n")
    L.append(f"{a.pushers} clients, each: a new {a.bytes} B layer (monolithic `POST ?digest=`), a new config, a "
             "manifest `PUT` by tag. Windows: the collection, and as long (at most "
             f"{a.window} s) right before and right after it.\n")
    L.append("| window | seconds | pushes | pushes/s | vs before | p50 ms | p99 ms | Berth cores | client cores "
             + ("| S3Proxy cores " if a.s3 else "") + "| other cores | idle cores |")
    L.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|" + ("---:|" if a.s3 else ""))
    cpu = {"before": r["cpu_before"], "during": r["cpu_during"], "after": r["cpu_after"]}
    for k, w in (("before", pb), ("during", pd), ("after", pa)):
        c = cpu[k]
        L.append(f"| {k} | {w['seconds']:.1f} | {w['pushes']:,} | {w['per_s']:.1f} | "
                 f"{100 * w['per_s'] / pb['per_s']:.0f}% | {w['p50_ms']:.1f} | {w['p99_ms']:.1f} | "
                 f"{c['berth_cores']:.2f} | {c['client_cores']:.2f} | "
                 + (f"{c['store_cores']:.2f} | " if a.s3 else "") + f"{c['other_cores']:.2f} | {c['idle_cores']:.2f} |")
    ps = r["push_summary"]
    failures = f"{ps['failures']}" + (f" (first: {ps['first_failure']})" if ps["failures"] else "")
    met = "met" if pd["per_s"] >= 0.8 * pb["per_s"] else "NOT met"
    L.append(f"\n(CPU columns: the {a.window} s before window, the collection, the after window.) Push failures: "
             f"{failures}.")
    L.append(f"Target: push rate during the collection at least 80% of the rate without: **{met}** "
             f"({100 * pd['per_s'] / pb['per_s']:.0f}% of before, {100 * pd['per_s'] / pa['per_s']:.0f}% of after).\n")
    if not a.s3:
        L.append(f"The machine's own figure (limits above): 4 threads storing small files with fsyncs got "
                 f"{100 * lf['fsync_during_unlink_per_s'] / lf['fsync_per_s']:.0f}% of their rate while one thread "
                 f"unlinked synced files, {100 * lf['fsync_during_unlink4_per_s'] / lf['fsync_per_s']:.0f}% while 4 did, "
                 f"{100 * lf['fsync_during_paced_unlink_per_s'] / lf['fsync_per_s']:.0f}% while one unlinked "
                 f"{TARGET_BLOBS_PER_S:,} a second.\n")


# --------------------------------------------------------------------------- main

def main():
    ap = argparse.ArgumentParser()
    for name in ("berth-url", "berth-user", "berth-secret-file", "token-file", "berth-data", "dist-url",
                 "dist-config", "dist-root", "work", "scratch", "info-json", "out-md"):
        ap.add_argument("--" + name, required=True)
    ap.add_argument("--berth-pid", type=int, required=True)
    ap.add_argument("--dist-pid", type=int, required=True)
    ap.add_argument("--blobs", type=int, default=100_000)
    ap.add_argument("--images", type=int, default=10_000)
    ap.add_argument("--repos", type=int, default=4)
    ap.add_argument("--bytes", type=int, default=1024)
    ap.add_argument("--threads", type=int, default=16)
    ap.add_argument("--pushers", type=int, default=4)
    ap.add_argument("--window", type=int, default=30)
    ap.add_argument("--warmup", type=int, default=30)
    ap.add_argument("--dist-api", action="store_true")
    ap.add_argument("--profile", action="store_true")
    ap.add_argument("--quick-limits", action="store_true")
    ap.add_argument("--nice", type=int, default=0)
    ap.add_argument("--s3", action="store_true")
    ap.add_argument("--s3-endpoint")
    ap.add_argument("--s3-pid", type=int, default=0)
    ap.add_argument("--jar")
    a = ap.parse_args()
    a.berth_secret = open(a.berth_secret_file).read().strip()
    a.token = open(a.token_file).read().strip()

    def on_term(signum, frame):
        raise SystemExit(128 + signum)
    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGHUP, on_term)

    info = json.load(open(a.info_json))
    started = time.strftime("%Y-%m-%d %H:%M %Z")
    t_start = time.time()
    load_dir = os.path.join(HERE, "..", "load")
    limits = {}
    size = (64 if a.quick_limits else 256) * MiB
    log("machine limit: SHA-256 (one core, JVM)")
    limits["sha256_mb_s"], _ = bench.limit_sha256(load_dir, size // MiB, 3)
    log("machine limit: sequential write, with fsync and into the page cache")
    for kind, (best, _) in bench.limit_writes(a.work, a.scratch, size, 1).items():
        limits[f"{kind}_mb_s"] = best
    log("machine limit: loopback download (sendfile, copy)")
    for m, (best, _) in bench.limit_download(load_dir, a.work, size, 3).items():
        limits[f"{m}_mb_s"] = best
    garbage = a.blobs + 3 * a.images
    log(f"machine limit: create, walk and unlink {garbage:,} files of {a.bytes} B")
    limits["files"] = limit_files(a.work, garbage, a.bytes)
    log("  " + ", ".join(f"{k} {v:,.0f}" for k, v in limits["files"].items()))
    s3_keys = (1000, 500) if a.quick_limits else (4000, 1000)
    if a.s3:
        log(f"machine limit: the S3 server's own deletes ({s3_keys[0]:,} objects in DeleteObjects of 1,000 and of 250 "
            f"on 4 threads, {s3_keys[1]:,} by single DeleteObject, {s3_keys[1]:,} as Distribution's driver deletes)")
        limits["s3"] = limit_s3_deletes(a, *s3_keys)
        log("  " + ", ".join(f"{k} {v:,.0f}" for k, v in limits["s3"].items()))

    r = {}
    dist_manifests = populate(a, r)
    make_garbage(a, r, dist_manifests)
    berth_gc(a, r)
    dist_gc(a, r)
    log(f"machine limit, again at the end: create, walk and unlink (one thread) {garbage:,} files of {a.bytes} B")
    limits["files_end"] = limit_files(a.work, garbage, a.bytes, four=False)
    log("  " + ", ".join(f"{k} {v:,.0f}" for k, v in limits["files_end"].items()))
    if a.s3:
        log("machine limit, again at the end: the S3 server's own deletes")
        limits["s3_end"] = limit_s3_deletes(a, *s3_keys)
        log("  " + ", ".join(f"{k} {v:,.0f}" for k, v in limits["s3_end"].items()))
    elapsed = time.time() - t_start
    md = report(a, r, info, limits, started, elapsed)
    os.makedirs(os.path.dirname(a.out_md), exist_ok=True)
    with open(a.out_md, "w") as f:
        f.write(md)
    with open(a.out_md[:-3] + ".json", "w") as f:
        json.dump({"limits": limits, "results": r, "info": info}, f, indent=1, default=str)
    print(md)


if __name__ == "__main__":
    try:
        main()
    except Failed as e:
        log(f"FAILED: {e}")
        sys.exit(1)
