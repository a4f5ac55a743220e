#!/usr/bin/env python3
"""Small blob uploads against a running Berth: POST, then PUT ?digest= with a 64 KiB body, from several
clients with a keep-alive connection each. Prints the uploads per second.

    uploads.py URL USER SECRET COUNT [CLIENTS]
"""
import base64
import hashlib
import http.client
import os
import sys
import threading
import time
import urllib.parse


def main():
    url, user, secret, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    clients = int(sys.argv[5]) if len(sys.argv) > 5 else 16
    target = urllib.parse.urlparse(url)
    auth = "Basic " + base64.b64encode(f"{user}:{secret}".encode()).decode()
    failures = []

    def client(uploads):
        c = http.client.HTTPConnection(target.hostname, target.port)
        for _ in range(uploads):
            data = os.urandom(65536)
            digest = "sha256:" + hashlib.sha256(data).hexdigest()
            c.request("POST", "/v2/library/small/blobs/uploads/", headers={"Authorization": auth, "Content-Length": "0"})
            r = c.getresponse()
            r.read()
            location = r.getheader("Location")
            c.request("PUT", location + ("&" if "?" in location else "?") + "digest=" + digest, body=data,
                      headers={"Authorization": auth, "Content-Type": "application/octet-stream"})
            r = c.getresponse()
            r.read()
            if r.status != 201:
                failures.append(r.status)
                return

    threads = [threading.Thread(target=client, args=(count // clients,)) for _ in range(clients)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - start
    if failures:
        sys.exit(f"uploads failed: {failures[:5]}")
    print(f"{count // clients * clients / seconds:.0f}")


if __name__ == "__main__":
    main()
