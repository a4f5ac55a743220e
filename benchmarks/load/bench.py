#!/usr/bin/env python3
"""Berth vs CNCF Distribution load benchmark: the measuring part.

run.sh builds the jar, starts the servers on loopback (Berth as bin/berth starts it, Berth at -Xmx512m and
Distribution; with --s3 one Berth, with --cluster more Berth set-ups: see run.sh) and then runs this script, which
  1. measures the machine limits (single-core SHA-256 of the JVM, sequential write + fsync,
     loopback download with sendfile and with a copy),
  2. prepares one image and one 1000-tag repository on each server (not measured),
  3. warms each server up long enough for Berth's JIT to reach steady state (the JVM keeps
     compiling for thousands of requests): the same on every server, not measured (see
     Bench.warmup_plan),
  4. runs ROUNDS rounds; in each round every workload runs on each target in turn (A, B, A, B, ...),
     each with fresh random content for every upload; before round 1 and after the last it reads each
     server's heap after a full GC (jcmd for a JVM, pprof for Distribution) and its peak RSS so far,
  5. prints a Markdown table and writes it (plus the raw numbers as JSON).

Only python3's standard library; curl, wrk, hey, java, jcmd, dd and sync are run as programs.
Every request goes to 127.0.0.1. Every loop is bounded by a count or a duration.
"""

import argparse
import base64
import hashlib
import http.client
import json
import os
import platform
import queue
import re
import resource
import shutil
import signal
import socket
import statistics
import struct
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request

MiB = 1 << 20
MB = 1e6
CLK_TCK = os.sysconf("SC_CLK_TCK")
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
MANIFEST_ACCEPT = ", ".join([
    OCI_MANIFEST,
    "application/vnd.oci.image.index.v1+json",
    "application/vnd.docker.distribution.manifest.v2+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
])


def log(msg):
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


class BenchError(Exception):
    pass


# --------------------------------------------------------------------------- /proc

def proc_cpu_seconds(pid):
    """utime + stime of the whole process (all threads), in seconds."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    # after the command name: field 3 (state) is index 0, so utime (14) is 11, stime (15) is 12
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def tree_cpu_seconds(roots):
    """utime + stime of the processes `roots` and all their live descendants (PostgreSQL's backends are
    children of its postmaster), from one pass over /proc."""
    procs = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        procs[int(d)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / CLK_TCK)
    total = 0.0
    for pid, (ppid, cpu) in procs.items():
        p, seen = pid, 0
        while p and seen < 64:
            if p in roots:
                total += cpu
                break
            p, seen = procs.get(p, (0, 0))[0], seen + 1
    return total


def proc_status_kb(pid, key):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return None


def reset_peak_rss(pid):
    """Writing 5 to clear_refs resets VmHWM to the current RSS (Linux >= 4.0)."""
    try:
        with open(f"/proc/{pid}/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def jvm_heap_after_gc(pid):
    """jcmd PID GC.run (a full collection), then GC.heap_info: {used_kb, committed_kb, text}, summed over the
    heap's generations (the serial and parallel collectors print a young and an old one, G1 one heap)."""
    def jcmd(*command):
        p = subprocess.run(["jcmd", str(pid), *command], capture_output=True, text=True, timeout=120)
        if p.returncode != 0:
            raise BenchError(f"jcmd {pid} {' '.join(command)}: {(p.stdout + p.stderr).strip()[-300:]}")
        return p.stdout
    jcmd("GC.run")
    text = jcmd("GC.heap_info")
    spaces = re.findall(r"total (\d+)K, used (\d+)K", text)
    if not spaces:
        raise BenchError(f"jcmd {pid} GC.heap_info: no 'total NK, used NK' in {text[-300:]!r}")
    return {"used_kb": sum(int(u) for _, u in spaces), "committed_kb": sum(int(t) for t, _ in spaces), "text": text}


def go_heap_after_gc(debug_url):
    """GET /debug/pprof/heap?gc=1&debug=1 of a Go server's debug listener, which collects before it answers:
    {used_kb: HeapAlloc (the live objects), inuse_kb: HeapInuse (the spans that hold them)}."""
    with urllib.request.urlopen(debug_url.rstrip("/") + "/debug/pprof/heap?gc=1&debug=1", timeout=60) as r:
        text = r.read().decode("utf-8", "replace")
    stats = dict(re.findall(r"^# (HeapAlloc|HeapInuse) = (\d+)$", text, re.M))
    if len(stats) != 2:
        raise BenchError(f"{debug_url}: no HeapAlloc and HeapInuse in the heap profile")
    return {"used_kb": int(stats["HeapAlloc"]) // 1024, "inuse_kb": int(stats["HeapInuse"]) // 1024}


def machine_busy_seconds():
    """CPU time spent by all CPUs on anything but idle and iowait, from /proc/stat."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    # user nice system idle iowait irq softirq steal (guest is already in user)
    return (v[0] + v[1] + v[2] + v[5] + v[6] + (v[7] if len(v) > 7 else 0)) / CLK_TCK


def own_cpu_seconds():
    """CPU of this script (all its threads, including the kernel time of its sendfile calls for the
    big uploads) plus the children it has waited for (curl, wrk, hey)."""
    a = resource.getrusage(resource.RUSAGE_SELF)
    b = resource.getrusage(resource.RUSAGE_CHILDREN)
    return a.ru_utime + a.ru_stime + b.ru_utime + b.ru_stime


def alive(pid):
    try:
        os.kill(pid, 0)
        return True
    except OSError:
        return False


# --------------------------------------------------------------------------- servers

class Server:
    """One target of the benchmark: a registry at url, served by the processes pids (a cluster: its nodes and
    its balancer; their CPU is added up, and so are their peak RSS). workloads: the keys it runs (None: all);
    data_of: the key of an earlier target whose repositories it serves (no setup of its own); limit: what its
    upload and download rows are set against ("machine", "s3" or "none"); heap: how to read its heap after a
    full collection, "jcmd PID..." (JVMs, summed) or "pprof URL" (a Go server's debug listener), or None."""

    def __init__(self, key, label, url, pids, user=None, secret=None, short=None, workloads=None,
                 data_of=None, limit="machine", heap=None):
        self.key = key
        self.label = label
        self.short = short or label
        self.url = url.rstrip("/")
        u = urllib.parse.urlsplit(self.url)
        self.host, self.port = u.hostname, u.port
        self.pids = list(pids)
        self.user, self.secret = user, secret
        self.workloads = workloads
        self.data_of = data_of
        self.limit = limit
        self.heap = heap
        self.run_peak_rss_kb = 0  # the highest VmHWM read before any reset of it, and at the end
        self.auth = None
        if user:
            self.auth = "Basic " + base64.b64encode(f"{user}:{secret}".encode()).decode()

    def runs(self, w):
        return self.workloads is None or w in self.workloads

    def cpu_seconds(self):
        return sum(proc_cpu_seconds(p) for p in self.pids)

    def rss_kb(self, key):
        return sum(proc_status_kb(p, key) or 0 for p in self.pids)

    def note_run_peak(self):
        """Keeps the peak RSS of the whole run: call it before VmHWM is reset, and at the end."""
        self.run_peak_rss_kb = max(self.run_peak_rss_kb, self.rss_kb("VmHWM"))

    def heap_after_gc(self):
        """{used_kb, committed_kb} (a JVM) or {used_kb, inuse_kb} (Go) right after a full collection."""
        kind, *args = self.heap.split()
        if kind == "pprof":
            return go_heap_after_gc(args[0])
        if kind != "jcmd":
            raise ValueError(self.heap)
        heaps = [jvm_heap_after_gc(int(p)) for p in args]
        return {k: sum(h[k] for h in heaps) for k in ("used_kb", "committed_kb")}

    def headers(self, extra=None):
        h = {}
        if self.auth:
            h["Authorization"] = self.auth
        if extra:
            h.update(extra)
        return h

    def curl_auth(self):
        return ["-H", f"Authorization: {self.auth}"] if self.auth else []

    def abs_url(self, location):
        return urllib.parse.urljoin(self.url + "/", location)

    def conn(self, timeout=120):
        return http.client.HTTPConnection(self.host, self.port, timeout=timeout)


def with_digest(location, digest):
    return location + ("&" if "?" in location else "?") + "digest=" + urllib.parse.quote(digest, safe=":")


def path_of(location):
    u = urllib.parse.urlsplit(location)
    return u.path + ("?" + u.query if u.query else "")


# --------------------------------------------------------------------------- curl

class Curl:
    def __init__(self, scratch):
        self.hdr = os.path.join(scratch, "curl-headers.txt")

    def __call__(self, server, method, url, upload=None, headers=(), out="/dev/null", timeout=900):
        cmd = ["curl", "-sS", "-X", method, "-o", out, "-D", self.hdr,
               "-w", "%{http_code} %{time_total} %{size_upload} %{size_download}",
               "-H", "Expect:"] + server.curl_auth()
        for h in headers:
            cmd += ["-H", h]
        if upload:
            cmd += ["-T", upload]
        cmd.append(url)
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        if p.returncode != 0:
            raise BenchError(f"curl {method} {url}: exit {p.returncode}: {p.stderr.strip()}")
        code, t, up, down = p.stdout.split()
        hdrs = {}
        with open(self.hdr, encoding="latin-1") as f:
            for line in f.read().splitlines():
                if line.startswith("HTTP/"):
                    hdrs = {}  # keep the last response only
                elif ":" in line:
                    k, v = line.split(":", 1)
                    hdrs[k.strip().lower()] = v.strip()
        return int(code), float(t), int(float(down)), hdrs


# --------------------------------------------------------------------------- upload client

class SendfileHttp:
    """HTTP/1.1 client for the big uploads. One TCP connection per request (as curl makes),
    TCP_NODELAY; the request head is written with sendall and the body goes from its file with
    os.sendfile, so the tmpfs pages are handed to the kernel and the client copies no body byte
    in user space (curl -T reads every byte into its buffer and sends it again, ~0.5 CPU s per GB,
    taken from the server under test on a 2-core machine). Both servers get this same client.

    Called like Curl: returns (status, seconds, response body bytes, {lower-case header: value});
    seconds run from before connect until the response is read to its end (time.perf_counter)."""

    STREAM_CHUNK = 64 * 1024  # the chunk size of Transfer-Encoding: chunked (curl's upload buffer)

    def __init__(self, user_agent="bench.py"):
        self.user_agent = user_agent

    @staticmethod
    def _sendfile(sock, fd, offset, count):
        while count > 0:
            sent = os.sendfile(sock.fileno(), fd, offset, count)
            if sent == 0:
                raise BenchError("sendfile: the file ended early")
            offset += sent
            count -= sent

    def __call__(self, server, method, url, upload=None, headers=(), chunked=False, timeout=900):
        u = urllib.parse.urlsplit(url)
        target = (u.path or "/") + ("?" + u.query if u.query else "")
        head = [f"{method} {target} HTTP/1.1", f"Host: {u.netloc}", f"User-Agent: {self.user_agent}",
                "Accept: */*"]
        if server.auth:
            head.append(f"Authorization: {server.auth}")
        head += list(headers)
        size = 0
        if upload:
            size = os.path.getsize(upload)
            head.append("Transfer-Encoding: chunked" if chunked else f"Content-Length: {size}")
        raw = ("\r\n".join(head) + "\r\n\r\n").encode("latin-1")
        f = open(upload, "rb") if upload else None
        sock = r = None
        try:
            t0 = time.perf_counter()
            sock = socket.create_connection((u.hostname, u.port or 80), timeout=timeout)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            # blocking socket (sendfile sleeps in the kernel instead of returning EAGAIN); the
            # kernel's send and receive timeouts bound every call
            sock.settimeout(None)
            tv = struct.pack("ll", int(timeout), 0)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDTIMEO, tv)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, tv)
            try:
                # MSG_MORE: the head (and each chunk-size line) leaves in one segment with the
                # data that follows it, despite TCP_NODELAY
                sock.sendall(raw, socket.MSG_MORE if upload else 0)
                if upload and chunked:
                    fd, off, sep = f.fileno(), 0, b""
                    while off < size:
                        n = min(self.STREAM_CHUNK, size - off)
                        sock.sendall(sep + b"%x\r\n" % n, socket.MSG_MORE)
                        self._sendfile(sock, fd, off, n)
                        off += n
                        sep = b"\r\n"  # ends the chunk just sent
                    sock.sendall(sep + b"0\r\n\r\n")
                elif upload:
                    self._sendfile(sock, f.fileno(), 0, size)
            except (BrokenPipeError, ConnectionResetError) as e:
                # the server answered (and closed) before taking the whole body: read its answer
                send_error = e
            else:
                send_error = None
            r = http.client.HTTPResponse(sock, method=method)
            try:
                r.begin()
                body = r.read()
            except (http.client.HTTPException, OSError) as e:
                raise BenchError(f"{method} {url}: {send_error or e}") from e
            t = time.perf_counter() - t0
            return r.status, t, len(body), {k.lower(): v for k, v in r.getheaders()}
        except OSError as e:
            raise BenchError(f"{method} {url}: {e}") from e
        finally:
            if r:
                r.close()
            if sock:
                sock.close()
            if f:
                f.close()


# --------------------------------------------------------------------------- content

def random_file(path, size, piece_size=None):
    """Writes size random bytes to path (or to path.000, path.001, ... of piece_size each).
    Returns (digest, [paths])."""
    h = hashlib.sha256()
    paths = []

    def write(p, n):
        """n fresh random bytes into file p, taken into h as well."""
        with open(p, "wb") as f:
            left = n
            while left > 0:
                b = os.urandom(min(16 * MiB, left))
                h.update(b)
                f.write(b)
                left -= len(b)
        paths.append(p)

    if piece_size:
        off, i = 0, 0
        while off < size:
            n = min(piece_size, size - off)
            write(f"{path}.{i:03d}", n)
            off += n
            i += 1
    else:
        write(path, size)
    return "sha256:" + h.hexdigest(), paths


def remove(paths):
    for p in paths:
        try:
            os.unlink(p)
        except FileNotFoundError:
            pass


# --------------------------------------------------------------------------- big transfers
# Each upload returns the sum of the request times over the requests of one upload (each request
# is one loopback TCP connection of SendfileHttp; see there). The download uses curl.

def start_upload(client, server, repo):
    code, t, _, h = client(server, "POST", f"{server.url}/v2/{repo}/blobs/uploads/",
                           headers=["Content-Length: 0"])
    if code != 202 or "location" not in h:
        raise BenchError(f"{server.label}: POST upload -> {code}")
    return t, server.abs_url(h["location"])


def finish_upload(client, server, loc, digest, upload=None):
    hdrs = ["Content-Type: application/octet-stream"]
    if not upload:
        hdrs.append("Content-Length: 0")
    code, t, _, h = client(server, "PUT", with_digest(loc, digest), upload=upload, headers=hdrs)
    if code != 201:
        raise BenchError(f"{server.label}: PUT ?digest= -> {code}")
    got = h.get("docker-content-digest")
    if got and got != digest:
        raise BenchError(f"{server.label}: digest mismatch {got} != {digest}")
    return t


def upload_monolithic(client, server, repo, paths, digest, size):
    t, loc = start_upload(client, server, repo)
    t += finish_upload(client, server, loc, digest, upload=paths[0])
    return t


def upload_chunked(client, server, repo, paths, digest, size):
    t, loc = start_upload(client, server, repo)
    off = 0
    for p in paths:
        n = os.path.getsize(p)
        code, dt, _, h = client(server, "PATCH", loc, upload=p, headers=[
            "Content-Type: application/octet-stream", f"Content-Range: {off}-{off + n - 1}"])
        if code != 202 or "location" not in h:
            raise BenchError(f"{server.label}: PATCH chunk at {off} -> {code}")
        t += dt
        loc = server.abs_url(h["location"])
        off += n
    t += finish_upload(client, server, loc, digest)
    return t


def upload_streamed(client, server, repo, paths, digest, size):
    t, loc = start_upload(client, server, repo)
    code, dt, _, h = client(server, "PATCH", loc, upload=paths[0], chunked=True, headers=[
        "Content-Type: application/octet-stream"])
    if code != 202 or "location" not in h:
        raise BenchError(f"{server.label}: streamed PATCH -> {code}")
    t += dt
    t += finish_upload(client, server, server.abs_url(h["location"]), digest)
    return t


def download(curl, server, repo, digest, size):
    code, t, down, _ = curl(server, "GET", f"{server.url}/v2/{repo}/blobs/{digest}")
    if code != 200 or down != size:
        raise BenchError(f"{server.label}: GET blob -> {code}, {down} of {size} bytes")
    return t


# --------------------------------------------------------------------------- small uploads

def small_uploads(server, repo, blobs, concurrency):
    """POST + PUT ?digest= (64 KiB body, Content-Length) per blob, `concurrency` workers with
    one keep-alive connection each. Returns (wall seconds, [latency seconds], errors)."""
    work = queue.Queue()
    for b in blobs:
        work.put(b)
    lat, errors = [], []
    lock = threading.Lock()
    start = threading.Barrier(concurrency + 1)

    def worker():
        conn = server.conn()
        start.wait()
        while True:
            try:
                data, digest = work.get_nowait()
            except queue.Empty:
                break
            t0 = time.perf_counter()
            try:
                post_and_put(server, conn, repo, data, digest)
                dt = time.perf_counter() - t0
                with lock:
                    lat.append(dt)
            except Exception as e:  # count it, reconnect, go on
                with lock:
                    errors.append(str(e))
                conn.close()
                conn = server.conn()
        conn.close()

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(concurrency)]
    for t in threads:
        t.start()
    start.wait()
    t0 = time.perf_counter()
    for t in threads:
        t.join(600)
    wall = time.perf_counter() - t0
    return wall, lat, errors


def percentile(values, p):
    """Nearest-rank percentile."""
    if not values:
        return float("nan")
    s = sorted(values)
    k = max(0, min(len(s) - 1, int(-(-p * len(s) // 100)) - 1))
    return s[k]


# --------------------------------------------------------------------------- wrk / hey

WRK_LUA = """
wrk.method = "{method}"
{headers}
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT requests=%d duration_us=%d status=%d connect=%d read=%d write=%d timeout=%d p50_us=%d p99_us=%d\\n",
    summary.requests, summary.duration, e.status, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(99)))
end
"""


def run_wrk(server, url, extra_headers, seconds, conns, threads, scratch):
    hdrs = server.headers(extra_headers)
    lua = WRK_LUA.format(method="GET", headers="\n".join(
        f'wrk.headers["{k}"] = "{v}"' for k, v in hdrs.items()))
    script = os.path.join(scratch, "wrk.lua")
    with open(script, "w") as f:
        f.write(lua)
    cmd = ["wrk", f"-t{threads}", f"-c{conns}", f"-d{seconds}s", "--latency", "--timeout", "10s",
           "-s", script, url]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 60)
    m = re.search(r"RESULT (.*)", p.stdout)
    if p.returncode != 0 or not m:
        raise BenchError(f"wrk failed ({p.returncode}): {p.stdout[-500:]} {p.stderr[-500:]}")
    r = {k: int(v) for k, v in (kv.split("=") for kv in m.group(1).split())}
    errs = r["status"] + r["connect"] + r["read"] + r["write"] + r["timeout"]
    return {"requests": r["requests"], "seconds": r["duration_us"] / 1e6,
            "rps": r["requests"] / (r["duration_us"] / 1e6),
            "p50_ms": r["p50_us"] / 1000, "p99_ms": r["p99_us"] / 1000, "errors": errs,
            "tool": "wrk"}


def run_hey_head(server, url, seconds, conns):
    cmd = ["hey", "-z", f"{seconds}s", "-c", str(conns), "-m", "HEAD", "-t", "10"]
    for k, v in server.headers().items():
        cmd += ["-H", f"{k}: {v}"]
    cmd.append(url)
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 60)
    out = p.stdout
    rps = re.search(r"Requests/sec:\s*([\d.]+)", out)
    total = re.search(r"Total:\s*([\d.]+) secs", out)
    p99 = re.search(r"99% in ([\d.]+) secs", out)
    p50 = re.search(r"50% in ([\d.]+) secs", out)
    codes = {int(c): int(n) for c, n in re.findall(r"\[(\d+)\]\s+(\d+) responses", out)}
    if p.returncode != 0 or not rps or not p99:
        raise BenchError(f"hey failed ({p.returncode}): {out[-500:]} {p.stderr[-500:]}")
    ok = codes.get(200, 0)
    errs = sum(n for c, n in codes.items() if c != 200)
    m = re.search(r"Error distribution:(.*)", out, re.S)
    if m:
        errs += sum(int(n) for n in re.findall(r"\[(\d+)\]", m.group(1)))
    return {"requests": ok + errs, "seconds": float(total.group(1)), "rps": float(rps.group(1)),
            "p50_ms": float(p50.group(1)) * 1000 if p50 else float("nan"),
            "p99_ms": float(p99.group(1)) * 1000, "errors": errs, "tool": "hey"}


# --------------------------------------------------------------------------- setup

def post_and_put(server, conn, repo, data, digest):
    """One blob upload on a keep-alive http.client connection: POST, then PUT ?digest= with the body."""
    conn.request("POST", f"/v2/{repo}/blobs/uploads/", headers=server.headers({"Content-Length": "0"}))
    r = conn.getresponse()
    r.read()
    if r.status != 202:
        raise BenchError(f"{server.label}: POST {repo} -> {r.status}")
    loc = path_of(r.getheader("Location"))
    conn.request("PUT", with_digest(loc, digest), body=data, headers=server.headers(
        {"Content-Type": "application/octet-stream", "Content-Length": str(len(data))}))
    r = conn.getresponse()
    r.read()
    if r.status != 201:
        raise BenchError(f"{server.label}: PUT blob {repo} -> {r.status}")


def push_bytes(server, repo, data):
    digest = "sha256:" + hashlib.sha256(data).hexdigest()
    c = server.conn()
    try:
        post_and_put(server, c, repo, data, digest)
    finally:
        c.close()
    return digest


def put_manifest(server, conn, repo, ref, body):
    conn.request("PUT", f"/v2/{repo}/manifests/{ref}", body=body, headers=server.headers(
        {"Content-Type": OCI_MANIFEST, "Content-Length": str(len(body))}))
    r = conn.getresponse()
    r.read()
    if r.status != 201:
        raise BenchError(f"{server.label}: PUT manifest {repo}:{ref} -> {r.status}")
    return r.getheader("Docker-Content-Digest")


def get(server, path, headers=None, method="GET"):
    c = server.conn()
    try:
        c.request(method, path, headers=server.headers(headers))
        r = c.getresponse()
        body = r.read()
        return r.status, dict((k.lower(), v) for k, v in r.getheaders()), body
    finally:
        c.close()


def setup_server(server, layer, config, ntags, image_repo, tags_repo):
    """One image (OCI manifest: config + one layer) tagged v1 in image_repo, and the same
    manifest under ntags tags in tags_repo. Returns the facts the read workloads need."""
    facts = {}
    for repo in (image_repo, tags_repo):
        ld = push_bytes(server, repo, layer)
        cd = push_bytes(server, repo, config)
    manifest = json.dumps({
        "schemaVersion": 2, "mediaType": OCI_MANIFEST,
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": cd,
                   "size": len(config)},
        "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": ld,
                    "size": len(layer)}],
    }, separators=(",", ":")).encode()
    mdigest = "sha256:" + hashlib.sha256(manifest).hexdigest()
    c = server.conn()
    try:
        put_manifest(server, c, image_repo, "v1", manifest)
    finally:
        c.close()
    tags = [f"t{i:04d}" for i in range(ntags)]
    work = queue.Queue()
    for t in tags:
        work.put(t)
    errs = []

    def pusher():
        c = server.conn()
        try:
            while True:
                try:
                    t = work.get_nowait()
                except queue.Empty:
                    return
                put_manifest(server, c, tags_repo, t, manifest)
        except Exception as e:
            errs.append(e)
        finally:
            c.close()

    ths = [threading.Thread(target=pusher) for _ in range(4)]
    for t in ths:
        t.start()
    for t in ths:
        t.join(600)
    if errs:
        raise errs[0]
    # check what the read workloads will ask for
    acc = {"Accept": MANIFEST_ACCEPT}
    for ref in ("v1", mdigest):
        st, h, body = get(server, f"/v2/{image_repo}/manifests/{ref}", acc)
        if st != 200 or hashlib.sha256(body).hexdigest() != mdigest.split(":")[1]:
            raise BenchError(f"{server.label}: GET manifest {ref} -> {st}")
    st, h, _ = get(server, f"/v2/{image_repo}/blobs/{ld}", method="HEAD")
    if st != 200 or int(h.get("content-length", -1)) != len(layer):
        raise BenchError(f"{server.label}: HEAD blob -> {st} {h.get('content-length')}")
    st, h, body = get(server, f"/v2/{tags_repo}/tags/list")
    listed = json.loads(body).get("tags") or [] if st == 200 else []
    facts["tag_list_bytes"] = len(body)
    facts["tag_list_count"] = len(listed)
    facts["tag_list_link"] = h.get("link")
    if st != 200 or len(listed) != ntags:
        log(f"WARNING {server.label}: tag list answered {st} with {len(listed)} of {ntags} tags "
            f"(Link: {h.get('link')})")
    facts.update(manifest_digest=mdigest, layer_digest=ld, manifest_bytes=len(manifest))
    return facts


# --------------------------------------------------------------------------- machine limits

def limit_sha256(here, mib, passes):
    p = subprocess.run(["java", os.path.join(here, "Sha256Limit.java"), str(mib), str(passes)],
                       capture_output=True, text=True, timeout=600)
    m = re.search(r"sha256_mb_s=([\d.]+) passes=(\S+)", p.stdout)
    if not m:
        raise BenchError(f"Sha256Limit failed: {p.stdout} {p.stderr}")
    return float(m.group(1)), m.group(2)


def limit_writes(work, scratch, size, passes):
    """dd of `size` random bytes (from tmpfs) into a new file in the work directory, `passes` times:
    with conv=fsync (the disk), and without (the page cache alone: what every uploaded byte costs to
    store before any writeback; on a VM whose freed memory the host takes back, it includes the
    host's cost of handing out fresh pages). Returns {"fsync": (best, [MB/s]), "pagecache": ...}."""
    src = os.path.join(scratch, "write-src.bin")
    random_file(src, size)
    dst = os.path.join(work, "write-test.bin")
    res = {"fsync": [], "pagecache": []}
    try:
        for _ in range(passes):
            for kind, extra in (("pagecache", []), ("fsync", ["conv=fsync"])):
                subprocess.run(["sync"], check=True)
                t0 = time.perf_counter()
                subprocess.run(["dd", f"if={src}", f"of={dst}", "bs=1M"] + extra,
                               check=True, capture_output=True, timeout=600)
                res[kind].append(size / MB / (time.perf_counter() - t0))
                os.unlink(dst)
    finally:
        remove([src, dst])
    return {k: (max(v), v) for k, v in res.items()}


def limit_download(here, work, size, passes):
    """Loopback download of a cached file with curl from DownloadLimitServer.java, in its two modes
    (sendfile, and a non-blocking copy in 512 KiB pieces), alternating, `passes` downloads each.
    Returns {mode: (best MB/s, [MB/s of each pass])}."""
    f = os.path.join(work, "download-limit.bin")
    random_file(f, size)
    subprocess.run(["sync"], check=True)
    with open(f, "rb") as fh:  # warm the page cache, as for a just-written blob
        while fh.read(16 * MiB):
            pass
    modes = ("sendfile", "copy")
    procs, ports = {}, {}
    try:
        for m in modes:
            portfile = os.path.join(work, f"download-limit.{m}.port")
            procs[m] = (subprocess.Popen(["java", os.path.join(here, "DownloadLimitServer.java"), f, portfile, m],
                                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL), portfile)
        for m, (proc, portfile) in procs.items():
            for _ in range(240):
                if os.path.exists(portfile) or proc.poll() is not None:
                    break
                time.sleep(0.25)
            if not os.path.exists(portfile):
                raise BenchError(f"DownloadLimitServer ({m}) did not start")
            ports[m] = int(open(portfile).read())
        res = {m: [] for m in modes}
        for _ in range(passes):
            for m in modes:
                p = subprocess.run(["curl", "-sS", "-o", "/dev/null", "-w", "%{http_code} %{time_total} %{size_download}",
                                    f"http://127.0.0.1:{ports[m]}/blob"], capture_output=True, text=True, timeout=300)
                code, t, n = p.stdout.split()
                if code != "200" or int(float(n)) != size:
                    raise BenchError(f"{m} download: {p.stdout} {p.stderr}")
                res[m].append(size / MB / float(t))
        return {m: (max(v), v) for m, v in res.items()}
    finally:
        for proc, portfile in procs.values():
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            remove([portfile])
        remove([f])


# --------------------------------------------------------------------------- the run

BIG = ("monolithic", "chunked", "streamed")
WORKLOADS = [
    # key, title, kind
    ("monolithic", "Upload 256 MiB, monolithic (POST + PUT ?digest=, Content-Length)", "up"),
    ("chunked", "Upload 256 MiB, chunked (16 MiB PATCHes with Content-Range)", "up"),
    ("streamed", "Upload 256 MiB, streamed (one PATCH, chunked transfer encoding)", "up"),
    ("download", "Download of a 256 MiB blob (GET, 4 times in a row)", "down"),
    ("small", "500 uploads of 64 KiB, 16 at a time (POST + PUT ?digest=)", "small"),
    ("manifest_tag", "Manifest GET by tag (wrk)", "req"),
    ("manifest_digest", "Manifest GET by digest (wrk)", "req"),
    ("blob_head", "Blob HEAD (hey)", "req"),
    ("tag_list", "Tag list of a 1000-tag repository (wrk)", "req"),
]


class Bench:
    def __init__(self, a, servers, ratios, store_pids=()):
        self.a = a
        self.servers = servers
        self.ratios = ratios  # [(key, key)]: the ratio columns of the report
        self.store_pids = set(store_pids)  # the S3 server and PostgreSQL: their CPU is shown on its own
        self.curl = Curl(a.scratch)  # downloads
        self.uploader = SendfileHttp()  # big uploads
        self.blob = a.blob_mib * MiB
        self.chunk = a.chunk_mib * MiB
        self.facts = {}
        self.last_mono = {}  # server key -> digest uploaded monolithically this round
        self.results = {w[0]: {s.key: [] for s in servers} for w in WORKLOADS}
        self.memory = {s.key: {} for s in servers}  # server key -> {"before_rounds" | "after_rounds": {...}}

    def measured(self, server, fn):
        subprocess.run(["sync"], check=True)
        for pid in server.pids:
            if not alive(pid):
                raise BenchError(f"{server.label} (pid {pid}) is not running")
        server.note_run_peak()
        reset_ok = all([reset_peak_rss(pid) for pid in server.pids])
        m0, o0 = machine_busy_seconds(), own_cpu_seconds()
        s0 = tree_cpu_seconds(self.store_pids) if self.store_pids else 0.0
        c0 = server.cpu_seconds()
        t0 = time.perf_counter()
        res = fn()
        c1 = server.cpu_seconds()
        s1 = tree_cpu_seconds(self.store_pids) if self.store_pids else 0.0
        m1, o1 = machine_busy_seconds(), own_cpu_seconds()
        res["cpu_s"] = c1 - c0
        res["wall_s"] = time.perf_counter() - t0
        res["client_cpu_s"] = o1 - o0
        if self.store_pids:
            res["store_cpu_s"] = max(0.0, s1 - s0)
        res["other_cpu_s"] = max(0.0, (m1 - m0) - (c1 - c0) - (o1 - o0) - (s1 - s0))
        res["peak_rss_kb"] = server.rss_kb("VmHWM")
        res["rss_kb"] = server.rss_kb("VmRSS")
        res["peak_rss_reset"] = reset_ok
        return res

    def run_one(self, w, server, sizes):
        """Runs workload w once on server (sizes: dict of the sizes to use). Returns a dict."""
        a = self.a
        repo = f"library/bench-{w.replace('_', '-')}"
        if w in BIG:
            size = sizes["blob"]
            path = os.path.join(a.scratch, f"up-{server.key}-{w}")
            digest, paths = random_file(path, size, self.chunk if w == "chunked" else None)
            fn = {"monolithic": upload_monolithic, "chunked": upload_chunked,
                  "streamed": upload_streamed}[w]
            try:
                res = self.measured(server, lambda: {"seconds": fn(
                    self.uploader, server, "library/bench-big", paths, digest, size)})
            finally:
                remove(paths)
            if w == "monolithic":
                self.last_mono[server.key] = digest
            res.update(bytes=size, mb_s=size / MB / res["seconds"], cpu_per_unit=res["cpu_s"] / (size / 1e9))
            return res
        if w == "download":
            size = sizes["blob"]
            digest = self.last_mono[server.key]
            n = a.download_repeats
            res = self.measured(server, lambda: {"seconds": sum(
                download(self.curl, server, "library/bench-big", digest, size) for _ in range(n))})
            res.update(bytes=n * size, downloads=n, mb_s=n * size / MB / res["seconds"],
                       cpu_per_unit=res["cpu_s"] / (n * size / 1e9))
            return res
        if w == "small":
            n, kib = sizes["small_count"], a.small_kib
            blobs = []
            for _ in range(n):
                d = os.urandom(kib * 1024)
                blobs.append((d, "sha256:" + hashlib.sha256(d).hexdigest()))

            def go():
                wall, lat, errors = small_uploads(server, "library/bench-small", blobs, a.small_concurrency)
                return {"seconds": wall, "uploads": len(lat), "errors": len(errors),
                        "error_samples": errors[:3], "p50_ms": percentile(lat, 50) * 1000,
                        "p99_ms": percentile(lat, 99) * 1000}
            res = self.measured(server, go)
            res.update(rate=res["uploads"] / res["seconds"],
                       cpu_per_unit=res["cpu_s"] / max(res["uploads"], 1) * 1000)
            if res["errors"]:
                log(f"WARNING {server.label} small uploads: {res['errors']} errors, e.g. {res['error_samples']}")
            return res
        # request-rate workloads
        f = self.facts[server.key]
        secs = sizes["wrk_seconds"]
        acc = {"Accept": MANIFEST_ACCEPT}
        if w == "manifest_tag":
            fn = lambda: run_wrk(server, f"{server.url}/v2/{a.image_repo}/manifests/v1", acc, secs,
                                 a.conns, a.wrk_threads, a.scratch)
        elif w == "manifest_digest":
            fn = lambda: run_wrk(server, f"{server.url}/v2/{a.image_repo}/manifests/{f['manifest_digest']}",
                                 acc, secs, a.conns, a.wrk_threads, a.scratch)
        elif w == "tag_list":
            fn = lambda: run_wrk(server, f"{server.url}/v2/{a.tags_repo}/tags/list", {}, secs,
                                 a.conns, a.wrk_threads, a.scratch)
        elif w == "blob_head":
            fn = lambda: run_hey_head(server, f"{server.url}/v2/{a.image_repo}/blobs/{f['layer_digest']}",
                                      secs, a.conns)
        else:
            raise ValueError(w)
        res = self.measured(server, fn)
        res.update(rate=res["rps"], cpu_per_unit=res["cpu_s"] / max(res["requests"], 1) * 1000)
        if res["errors"]:
            log(f"WARNING {server.label} {w}: {res['errors']} non-2xx/socket errors of {res['requests']}")
        return res

    def memory_snapshot(self, when):
        """Each target's heap right after a full collection, and its RSS after it, as memory[key][when]."""
        for s in self.servers:
            # what the forced collection itself touches is the measurement's, not the run's: VmHWM is read
            # before it and reset after it
            s.note_run_peak()
            m = {}
            if s.heap:
                try:
                    m.update(s.heap_after_gc())
                except (BenchError, OSError, subprocess.SubprocessError) as e:
                    m["error"] = str(e)
                    log(f"WARNING {s.label}: no heap after a full GC: {e}")
            for pid in s.pids:
                reset_peak_rss(pid)
            m["rss_kb"] = s.rss_kb("VmRSS")
            m["run_peak_rss_kb"] = s.run_peak_rss_kb
            self.memory[s.key][when] = m
            heap = f"heap after full GC {m['used_kb'] / 1024:6.1f} MiB  " if "used_kb" in m else ""
            log(f"memory {when:13s} {s.short:13s} {heap}RSS {m['rss_kb'] / 1024:6.0f} MiB  "
                f"peak RSS so far {s.run_peak_rss_kb / 1024:6.0f} MiB")

    def servers_of(self, w):
        return [s for s in self.servers if s.runs(w)]

    @staticmethod
    def summary(w, r):
        if w in BIG or w == "download":
            return f"{r['mb_s']:8.1f} MB/s  cpu {r['cpu_s']:6.2f}s  peak RSS {r['peak_rss_kb'] / 1024:6.0f} MiB"
        return (f"{r['rate']:8.1f} /s  p99 {r['p99_ms']:7.2f} ms  cpu {r['cpu_s']:6.2f}s  "
                f"peak RSS {r['peak_rss_kb'] / 1024:6.0f} MiB  errors {r['errors']}")

    def warmup_plan(self):
        """The warm-up, not counted, the same for every server: warmup_passes passes of the three
        uploads, the download and small uploads, then more passes of small uploads (small_warmup_passes
        in all: their throughput is the one that keeps rising longest, for thousands of uploads while
        the JIT compiles the metadata store's code paths), then every request workload once for
        warmup_seconds."""
        a = self.a
        plan = []
        for i in range(a.warmup_passes):
            plan += [(f"{i + 1}/{a.warmup_passes}", w) for w in (*BIG, "download", "small")]
        plan += [(f"+{i + 1}", "small") for i in range(small_warmup_passes(a) - a.warmup_passes)]
        plan += [("", w) for w, _, kind in WORKLOADS if kind == "req"]
        return plan

    def warmup(self):
        a = self.a
        sizes = {"blob": a.warmup_blob_mib * MiB, "small_count": a.warmup_small, "wrk_seconds": a.warmup_seconds}
        t0 = time.time()
        for tag, w in self.warmup_plan():
            for s in self.servers_of(w):
                r = self.run_one(w, s, sizes)
                log(f"warm-up {tag:4s} {w:16s} {s.short:13s} {self.summary(w, r)}")
        log(f"warm-up done in {time.time() - t0:.0f} s")

    def rounds(self):
        a = self.a
        sizes = {"blob": self.blob, "small_count": a.small_count, "wrk_seconds": a.wrk_seconds}
        for rnd in range(1, a.rounds + 1):
            for w, _, _ in WORKLOADS:
                for s in self.servers_of(w):  # A, B, A, B, ...
                    r = self.run_one(w, s, sizes)
                    r["round"] = rnd
                    self.results[w][s.key].append(r)
                    log(f"round {rnd}  {w:16s} {s.short:13s} {self.summary(w, r)}")


# --------------------------------------------------------------------------- report

def med(xs):
    xs = [x for x in xs if x == x]
    return statistics.median(xs) if xs else float("nan")


def fmt(x, digits=1):
    if x is None or x != x:
        return "n/a"
    if abs(x) >= 100:
        return f"{x:,.0f}"
    if abs(x) >= 1:
        return f"{x:.{digits}f}"
    return f"{x:.3g}"


def ratio(b, d):
    if b is None or d is None or d != d or b != b or d == 0:
        return "n/a"
    return f"{b / d:.2f}"


def small_warmup_passes(a):
    """Passes of small uploads in the warm-up: three for every pass of the others, and one more."""
    return 3 * a.warmup_passes + 1


def limit_cell(server, kind, v, limits):
    """The "% of limit" cell of a server's MB/s in an upload (kind "up") or download ("down") row."""
    if server.limit == "s3":
        if kind == "up" and limits.get("s3_multipart_mb_s"):
            return (f"{100 * v / limits['s3_multipart_mb_s']:.0f}% of S3 multipart, "
                    f"{100 * v / limits['s3_put_mb_s']:.0f}% of S3 PutObject")
        if kind == "down" and limits.get("s3_get_mb_s"):
            return f"{100 * v / limits['s3_get_mb_s']:.0f}% of S3 GetObject"
        return "n/a"
    lim = limits.get("sha256_mb_s") if kind == "up" else limits.get("download_mb_s")
    limname = "SHA-256" if kind == "up" else "loopback download"
    cell = f"{100 * v / lim:.0f}% of {limname}" if lim else "n/a"
    fs, pc = limits.get("fsync_mb_s"), limits.get("pagecache_mb_s")
    if kind == "up" and lim and fs and pc:
        cell += f" ({100 * v / fs:.0f}% of fsync write, {100 * v / pc:.0f}% of page-cache write)"
    return cell


def add_memory(add, bench):
    """The "Memory" block: each target's peak RSS over the whole run, and its heap after a full GC."""
    S = bench.servers
    M = bench.memory

    def heap(m):
        if "used_kb" not in m:
            return "n/a" if "error" in m else ""
        if "committed_kb" in m:
            return f"{m['used_kb'] / 1024:.1f} ({m['committed_kb'] / 1024:.0f} committed)"
        return f"{m['used_kb'] / 1024:.1f} ({m['inuse_kb'] / 1024:.1f} in use)"

    rows = [("peak RSS over the whole run, MiB", lambda k: fmt(M[k]["after_rounds"]["run_peak_rss_kb"] / 1024)),
            ("heap after a full GC, before round 1, MiB", lambda k: heap(M[k]["before_rounds"])),
            ("heap after a full GC, after the last round, MiB", lambda k: heap(M[k]["after_rounds"])),
            ("RSS after that GC, MiB", lambda k: fmt(M[k]["after_rounds"]["rss_kb"] / 1024))]
    add("## Memory")
    add("")
    add("Peak RSS over the whole run: the process's `VmHWM` (a cluster: summed over its processes) from its "
        "start to the end of the run (start-up, setup, warm-up, rounds), read before each reset of it for the "
        "rows above and at the end. Heap after a full GC: a JVM's `jcmd PID GC.run`, then `jcmd PID "
        "GC.heap_info` (used, summed over its generations; in brackets the committed heap); Distribution's (Go) "
        "`GET /debug/pprof/heap?gc=1&debug=1` on its debug listener, which collects first (`HeapAlloc`, the live "
        "objects; in brackets `HeapInuse`, the spans that hold them), before round 1 (after the warm-up, if any) and "
        "after the last round.")
    add("")
    add("| | " + " | ".join(s.label for s in S) + " |")
    add("|---|" + "---:|" * len(S))
    for name, cell in rows:
        add(f"| {name} | " + " | ".join(cell(s.key) for s in S) + " |")
    errors = [f"{s.label} ({when}): {m['error']}" for s in S for when, m in M[s.key].items() if "error" in m]
    if errors:
        add("")
        add("Not measured: " + "; ".join(errors))
    add("")


def build_report(a, bench, limits, info, started, elapsed):
    S = bench.servers
    by_key = {s.key: s for s in S}
    ratios = [(by_key[x], by_key[y]) for x, y in bench.ratios]
    limited = [s for s in S if s.limit != "none"]
    R = bench.results
    lines = []
    add = lines.append
    blob_mib = a.blob_mib
    add(f"# Berth vs CNCF Distribution: load benchmark")
    add("")
    add(f"Run {started} ({'quick smoke run' if a.quick else 'full run'}), {a.rounds} round(s) "
        f"interleaved {', '.join([s.label for s in S] + [S[0].label])}, ... per workload; every figure is the median over "
        f"the rounds (peak RSS: the maximum). Wall time {elapsed / 60:.1f} min.")
    add("")
    add(f"Berth: `{info.get('berth_version', '?')}` at commit `{info.get('git', '?')}`, Basic auth as a "
        f"repository user with push on `library`; JVM options, from each process's command line: "
        f"{info.get('java_opts') or '(none)'}. "
        f"Distribution: `{info.get('dist_version', '?')}`, no auth. Blobs: {info.get('storage', 'filesystem')}; "
        f"{'both' if len(S) == 2 else 'all'} data directories on `{info.get('data_fs', '?')}`.")
    if info.get("targets"):
        add("")
        add(f"Targets: {info['targets']}")
    if info.get("s3_limit"):
        add("")
        add(f"The S3 server's own throughput, measured in the same run (the limit of the S3 rows): {info['s3_limit']}.")
    add("")
    allr = [r for w in R for k in R[w] for r in R[w][k]]
    wall = sum(r["wall_s"] for r in allr)
    other = sum(r["other_cpu_s"] for r in allr)
    ncpu = os.cpu_count() or 1
    share = 100 * other / (wall * ncpu) if wall else 0
    store = ""
    if bench.store_pids:
        ss = 100 * sum(r.get("store_cpu_s", 0) for r in allr) / (wall * ncpu) if wall else 0
        store = f" (and the S3 server and PostgreSQL, counted apart as 'store', {ss:.0f}%)"
    add(f"Priority: {info.get('nice_note', 'default')}. During the measured workloads, processes other than "
        f"the server under test{store} and the load generator used {share:.0f}% of the machine's "
        f"{ncpu} CPUs (see 'Every round').")
    if share > 10:
        add("")
        add(f"**Warning: the machine was not quiet ({share:.0f}% of its CPU went to other processes); "
            "the figures are noisy and, as the scheduler shares CPU per thread, lean towards the server "
            "with more runnable threads. Run again on a quiet machine"
            + (".**" if info.get("nice_note", "").startswith("servers") else ", or with `--nice -10`.**"))
    add("")
    add("MB = 10^6 bytes, GB = 10^9 bytes. Arrow: which direction is better. Ratio = "
        + "; ".join(f"{x.label} / {y.label}" + (f" ({x.short}/{y.short})" if len(ratios) > 1 else "")
                    for x, y in ratios) + ".")
    add("")
    add("| workload | metric | | " + " | ".join(s.label for s in S) + " | "
        + " | ".join(f"{x.short}/{y.short}" for x, y in ratios) + " | "
        + " | ".join(f"{s.short} % of limit" for s in limited) + " |")
    add("|---|---|---|" + "---:|" * (len(S) + len(ratios) + len(limited)))
    sha, dl = limits.get("sha256_mb_s"), limits.get("download_mb_s")
    throughput = {}  # workload -> {server key: MB/s, uploads/s or requests/s}
    for w, title, kind in WORKLOADS:
        rs = {s.key: R[w][s.key] for s in bench.servers_of(w)}
        if not rs or not all(rs.values()):
            continue
        title = title.replace("256 MiB", f"{blob_mib} MiB").replace("4 times", f"{a.download_repeats} times").replace("500 uploads", f"{a.small_count} uploads") \
            .replace("1000-tag", f"{a.tags}-tag")
        def medians(field):
            return {k: med([r[field] for r in v]) for k, v in rs.items()}
        rows = []  # (metric, arrow, {server key: value}, {server key: % of limit cell})
        if kind in ("up", "down"):
            v = medians("mb_s")
            rows.append(("MB/s", "↑", v, {k: limit_cell(by_key[k], kind, x, limits) for k, x in v.items()}))
            rows.append(("server CPU s per GB", "↓", medians("cpu_per_unit"), {}))
        else:
            unit = "uploads/s" if kind == "small" else "requests/s"
            rows.append((unit, "↑", medians("rate"), {}))
            rows.append(("p99 latency ms", "↓", medians("p99_ms"), {}))
            per = "server CPU s per 1000 uploads" if kind == "small" else "server CPU s per 1000 requests"
            rows.append((per, "↓", medians("cpu_per_unit"), {}))
        throughput[w] = rows[0][2]
        rows.append(("peak RSS MiB", "↓", {k: max(r["peak_rss_kb"] for r in v) / 1024 for k, v in rs.items()}, {}))
        errors = {k: sum(r.get("errors", 0) for r in v) for k, v in rs.items()}
        for i, (m, arrow, vals, pcts) in enumerate(rows):
            name = f"**{title}**" if i == 0 else ""
            if i == 0 and any(errors.values()):
                name += " (errors: " + ", ".join(f"{by_key[k].label} {n}" for k, n in errors.items()) + ")"
            digits = 2 if "CPU" in m or "p99" in m else 1
            cells = [fmt(vals[s.key], digits) if s.key in vals else "" for s in S]
            cells += [ratio(vals[x.key], vals[y.key]) if x.key in vals and y.key in vals else "" for x, y in ratios]
            cells += [pcts.get(s.key, "") for s in limited]
            add(f"| {name} | {m} | {arrow} | " + " | ".join(cells) + " |")
    add("")
    spans = []
    for x, y in ratios:
        rs = sorted((v[x.key] / v[y.key], w) for w, v in throughput.items()
                    if x.key in v and y.key in v and v[y.key] and v[x.key] == v[x.key] and v[y.key] == v[y.key])
        if rs:
            spans.append(f"{x.short}/{y.short} {rs[0][0]:.2f} ({rs[0][1]}) to {rs[-1][0]:.2f} ({rs[-1][1]})")
    if spans:
        add("Throughput ratios (MB/s, uploads/s, requests/s), lowest and highest: " + "; ".join(spans) + ".")
        add("")
    add_memory(add, bench)
    add("## Machine limits (same run)")
    add("")
    add("| limit | value | how |")
    add("|---|---:|---|")
    add(f"| SHA-256, one core, JVM MessageDigest | {fmt(sha)} MB/s | `Sha256Limit.java`, {a.sha_mib} MiB per pass, best of passes {limits.get('sha256_passes')} MB/s |")
    add(f"| sequential write + fsync, data disk | {fmt(limits.get('fsync_mb_s'))} MB/s | `dd bs=1M conv=fsync` of {a.fsync_mib} MiB random, best of passes {limits.get('fsync_passes')} MB/s |")
    add(f"| sequential write into the page cache (no fsync), data disk | {fmt(limits.get('pagecache_mb_s'))} MB/s | `dd bs=1M` of the same {a.fsync_mib} MiB to a new file, best of passes {limits.get('pagecache_passes')} MB/s: one core copying into fresh page-cache pages |")
    add(f"| ... the same after the rounds | {fmt(limits.get('pagecache_end_mb_s'))} MB/s | one pass, once the servers have filled the page cache with this run's uploads |")
    add(f"| loopback HTTP download | {fmt(dl)} MB/s | the better of the two rows below |")
    add(f"| ... with sendfile | {fmt(limits.get('sendfile_mb_s'))} MB/s | `DownloadLimitServer.java sendfile` (FileChannel.transferTo) + curl, one download of a {blob_mib} MiB cached file per pass, best of passes {limits.get('sendfile_passes')} MB/s |")
    add(f"| ... with a copy | {fmt(limits.get('copy_mb_s'))} MB/s | `DownloadLimitServer.java copy` (512 KiB pieces read and written to a non-blocking socket) + curl, as above, best of passes {limits.get('copy_passes')} MB/s |")
    add("")
    add("## Machine")
    add("")
    for k in ("nproc", "cpu", "kernel", "memory", "java", "python", "curl", "wrk", "hey", "dist_version",
              "data_fs", "storage", "s3_limit", "other_load"):
        if k in info:
            add(f"- {k}: {info[k]}")
    add("")
    add("## Settings")
    add("")
    add(f"- blob size {blob_mib} MiB, chunk {a.chunk_mib} MiB; {a.small_count} small uploads of {a.small_kib} KiB, "
        f"{a.small_concurrency} at a time; request workloads {a.conns} connections for {a.wrk_seconds} s "
        f"(wrk -t{a.wrk_threads}; hey for HEAD because wrk waits for a body after HEAD); tag list of {a.tags} tags")
    if a.warmup:
        add(f"- warm-up before round 1 (not counted), the same on each server: the three uploads with "
            f"{a.warmup_blob_mib} MiB blobs {a.warmup_passes} time(s) each, the download "
            f"{a.warmup_passes} time(s), {small_warmup_passes(a)} x {a.warmup_small} small uploads, each request "
            f"workload for {a.warmup_seconds} s (`--warmup-passes {a.warmup_passes}`): Berth's JVM keeps "
            f"JIT-compiling for thousands of requests; Distribution (Go, no JIT) gets the same")
    else:
        add("- no warm-up (`--no-warmup` or `--warmup-passes 0`): round 1 includes Berth's JIT compilation")
    for s in bench.servers:
        if s.data_of:
            continue
        f = bench.facts.get(s.key, {})
        add(f"- {s.label}: tag list answer {f.get('tag_list_bytes')} bytes with {f.get('tag_list_count')} tags"
            + (f" (Link: {f.get('tag_list_link')})" if f.get("tag_list_link") else "")
            + f"; manifest {f.get('manifest_bytes')} bytes")
    add("")
    add("## Every round")
    add("")
    add("CPU s: the server's own (utime + stime from /proc/PID/stat; a cluster's: its nodes' and its "
        "balancer's), the load generator's (this script, which sends the big uploads itself with sendfile, "
        "with curl, wrk or hey), "
        + ("the store's (the S3 server and PostgreSQL, with all their processes), " if bench.store_pids else "")
        + "and everything else on the machine (from /proc/stat: the other "
        f"servers idling, and whatever else runs) during the workload's wall time; {os.cpu_count()} CPUs "
        "give 2 CPU s per second of wall time at most.")
    add("")
    add("| workload | server | " + " | ".join(f"round {i}" for i in range(1, a.rounds + 1)) + " |")
    add("|---|---|" + "---:|" * a.rounds)
    for w, _, kind in WORKLOADS:
        for s in bench.servers_of(w):
            cells = []
            for r in R[w][s.key]:
                if kind in ("up", "down"):
                    c = f"{r['mb_s']:.1f} MB/s"
                else:
                    c = f"{r['rate']:.0f}/s, p99 {r['p99_ms']:.2f} ms"
                c += (f"; CPU s: server {r['cpu_s']:.2f}, client {r['client_cpu_s']:.2f}, "
                      + (f"store {r['store_cpu_s']:.2f}, " if "store_cpu_s" in r else "")
                      + f"other {r['other_cpu_s']:.2f} in {r['wall_s']:.1f} s")
                if r.get("errors"):
                    c += f"; {r['errors']} errors"
                cells.append(c)
            add(f"| {w} | {s.label} | " + " | ".join(cells) + " |")
    add("")
    add(f"Reproduce: `{info.get('command', 'benchmarks/load/run.sh')}` (see benchmarks/load/README.md).")
    return "\n".join(lines) + "\n"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--targets", required=True,
                    help="JSON file: {targets: [{key, label, short, url, pids, user, secret_file, workloads, "
                         "data_of, limit, heap}], ratios: [[key, key], ...], store_pids: [...]} (run.sh writes it)")
    ap.add_argument("--work", required=True, help="directory on the data disk")
    ap.add_argument("--scratch", required=True, help="directory for client-side files (tmpfs if possible)")
    ap.add_argument("--here", required=True, help="benchmarks/load")
    ap.add_argument("--out-md", required=True)
    ap.add_argument("--out-json", required=True)
    ap.add_argument("--info-json", required=True)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--rounds", type=int)
    ap.add_argument("--no-warmup", dest="warmup", action="store_false")
    ap.add_argument("--warmup-passes", type=int,
                    help="passes of the upload and download workloads in the warm-up (small uploads: "
                         "3N+1); default 3 (1 with --quick); 0 = no warm-up")
    a = ap.parse_args()
    q = a.quick
    a.rounds = a.rounds or (1 if q else 3)
    a.blob_mib = 64 if q else 256
    a.chunk_mib = 16
    a.small_count = 100 if q else 500
    a.download_repeats = 2 if q else 4
    a.small_kib = 64
    a.small_concurrency = 16
    a.conns = 32
    a.wrk_seconds = 3 if q else 10
    a.wrk_threads = max(1, min(4, os.cpu_count() or 2))
    a.tags = 1000
    a.image_repo = "library/bench-image"
    a.tags_repo = "library/bench-tags"
    a.sha_mib = 256 if q else 1024
    a.fsync_mib = 256 if q else 1024
    # warm-up: full sizes (a tiny one with --quick); see Bench.warmup_plan
    a.warmup_passes = (1 if q else 3) if a.warmup_passes is None else a.warmup_passes
    if a.warmup_passes < 0:
        ap.error("--warmup-passes must be >= 0")
    if a.warmup_passes == 0:
        a.warmup = False
    a.warmup_blob_mib = 16 if q else a.blob_mib
    a.warmup_small = 50 if q else a.small_count
    a.warmup_seconds = 1 if q else 5

    def on_term(signum, frame):
        raise SystemExit(128 + signum)
    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGHUP, on_term)

    info = json.load(open(a.info_json))
    spec = json.load(open(a.targets))
    servers = []
    for t in spec["targets"]:
        secret = open(t["secret_file"]).read().strip() if t.get("secret_file") else None
        servers.append(Server(t["key"], t["label"], t["url"], t["pids"], t.get("user"), secret, t.get("short"),
                              t.get("workloads"), t.get("data_of"), t.get("limit", "machine"), t.get("heap")))
    started = time.strftime("%Y-%m-%d %H:%M:%S %Z")
    t_start = time.time()
    bench = Bench(a, servers, spec["ratios"], spec.get("store_pids", ()))

    limits = {}
    log("machine limit: SHA-256 (one core, JVM)")
    limits["sha256_mb_s"], limits["sha256_passes"] = limit_sha256(a.here, a.sha_mib, 3)
    log(f"  {limits['sha256_mb_s']:.0f} MB/s (passes {limits['sha256_passes']})")
    log("machine limit: sequential write + fsync")
    for kind, (best, p) in limit_writes(a.work, a.scratch, a.fsync_mib * MiB, 1 if q else 2).items():
        limits[f"{kind}_mb_s"] = best
        limits[f"{kind}_passes"] = ",".join(f"{x:.0f}" for x in p)
        log(f"  {kind}: {best:.0f} MB/s (passes {limits[f'{kind}_passes']})")
    log("machine limit: loopback download (sendfile, copy)")
    for m, (best, p) in limit_download(a.here, a.work, a.blob_mib * MiB, 3 if q else 5).items():
        limits[f"{m}_mb_s"] = best
        limits[f"{m}_passes"] = ",".join(f"{x:.0f}" for x in p)
        log(f"  {m}: {best:.0f} MB/s (passes {limits[f'{m}_passes']})")
    limits["download_mb_s"] = max(limits["sendfile_mb_s"], limits["copy_mb_s"])
    for k, v in re.findall(r"(s3_\w+_mb_s)=([\d.]+)", info.get("s3_limit", "")):
        limits[k] = float(v)

    layer = os.urandom(MiB)
    config = json.dumps({"architecture": "amd64", "os": "linux", "config": {},
                         "rootfs": {"type": "layers", "diff_ids": ["sha256:" + hashlib.sha256(layer).hexdigest()]}
                         }).encode()
    for s in servers:
        s_peak = s.rss_kb("VmHWM")
        if s.data_of:  # the same registry by another way in: its repositories are set up already
            bench.facts[s.key] = dict(bench.facts[s.data_of])
        else:
            log(f"setup {s.label}: image {a.image_repo}:v1 and {a.tags} tags in {a.tags_repo}")
            bench.facts[s.key] = setup_server(s, layer, config, a.tags, a.image_repo, a.tags_repo)
        bench.facts[s.key]["startup_peak_rss_kb"] = s_peak

    if a.warmup:
        bench.warmup()
    bench.memory_snapshot("before_rounds")
    bench.rounds()
    bench.memory_snapshot("after_rounds")
    # Again after the rounds, when the servers have filled gigabytes of page cache: on a VM that hands
    # out fresh pages slowly, this is the state the later uploads met.
    log("machine limit: write into the page cache, after the rounds")
    best, p = limit_writes(a.work, a.scratch, a.fsync_mib * MiB, 1)["pagecache"]
    limits["pagecache_end_mb_s"], limits["pagecache_end_passes"] = best, ",".join(f"{x:.0f}" for x in p)
    log(f"  {best:.0f} MB/s")
    elapsed = time.time() - t_start

    md = build_report(a, bench, limits, info, started, elapsed)
    os.makedirs(os.path.dirname(a.out_md), exist_ok=True)
    with open(a.out_md, "w") as f:
        f.write(md)
    with open(a.out_json, "w") as f:
        json.dump({"settings": vars(a), "targets": spec,
                   "info": info, "limits": limits, "facts": bench.facts, "memory": bench.memory,
                   "results": bench.results},
                  f, indent=1, default=str)
    print(md)


if __name__ == "__main__":
    try:
        main()
    except BenchError as e:
        log(f"FAILED: {e}")
        sys.exit(1)
