#!/usr/bin/env python3
"""One chunked upload through a cluster's balancer, and the same upload with the node holding its session killed
half-way (kill -9): the client, as docker and containers/image do, starts the blob again when a request of it fails.
Prints one JSON line: each upload's seconds, bytes sent and attempts. Driven by failover.sh."""
import argparse
import base64
import hashlib
import http.client
import json
import os
import pathlib
import signal
import time
import urllib.parse

CHUNK = 16 * 1024 * 1024


class Client:
    def __init__(self, port, token):
        self.port = port
        self.auth = "Basic " + base64.b64encode(("admin:" + token).encode()).decode()

    def send(self, method, path, body=b"", headers=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        try:
            connection.request(method, path, body=body, headers={"Authorization": self.auth, **(headers or {})})
            response = connection.getresponse()
            response.read()
            return response.status, response.getheader("Location")
        except (OSError, http.client.HTTPException):
            return 0, None
        finally:
            connection.close()


def holder_pid(location, basedir, pids):
    """The pid of the node whose id starts the upload id of the location."""
    upload = urllib.parse.urlparse(location).path.rsplit("/", 1)[1]
    for i, pid in enumerate(pids, start=1):
        node = pathlib.Path(basedir, "node%d" % i, "node-id").read_text().strip()
        if upload.startswith(node):
            return pid
    raise SystemExit("no node holds upload " + upload)


def upload(client, repo, blob, kill_after=None, basedir=None, pids=None):
    digest = "sha256:" + hashlib.sha256(blob).hexdigest()
    started = time.monotonic()
    sent = 0
    for attempt in range(1, 4):
        status, location = client.send("POST", "/v2/%s/blobs/uploads/" % repo)
        if status != 202:
            continue
        failed = False
        for offset in range(0, len(blob), CHUNK):
            piece = blob[offset:offset + CHUNK]
            status, next_location = client.send("PATCH", location, piece, {
                "Content-Type": "application/octet-stream",
                "Content-Range": "%d-%d" % (offset, offset + len(piece) - 1)})
            sent += len(piece)
            if status != 202:
                failed = True
                break
            location = next_location or location
            if kill_after is not None and attempt == 1 and offset + len(piece) >= kill_after:
                os.kill(holder_pid(location, basedir, pids), signal.SIGKILL)
                kill_after = None
        if failed:
            continue
        separator = "&" if "?" in location else "?"
        status, _ = client.send("PUT", location + separator + "digest=" + digest, b"",
                                {"Content-Type": "application/octet-stream"})
        if status == 201:
            return {"seconds": round(time.monotonic() - started, 3), "bytes_sent": sent, "attempts": attempt}
    raise SystemExit("upload failed three times")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--blobs", nargs=2, required=True, help="two files of the same size")
    parser.add_argument("--basedir", required=True)
    parser.add_argument("--pids", required=True)
    args = parser.parse_args()
    first, second = (pathlib.Path(path).read_bytes() for path in args.blobs)
    client = Client(args.port, args.token)
    # Not counted: the fresh cluster's first upload, which pays for the JIT's warming up.
    upload(client, "library/warmup", os.urandom(len(first)))
    baseline = upload(client, "library/baseline", first)
    killed = upload(client, "library/failover", second, kill_after=len(second) // 2, basedir=args.basedir, pids=[int(p) for p in args.pids.split()])
    print(json.dumps({"size": len(first), "baseline": baseline, "failover": killed}))


if __name__ == "__main__":
    main()
