#!/usr/bin/python3
"""Sends N requests over keep-alive HTTPS connections (tests only;
loopback only) and prints how the server answered:

    statuses 401:100 429:9900 connections 1 seconds 12.3

A connection the server closes is reopened (and counted). Bounded:
N requests and --secs seconds at most.
"""
import argparse
import collections
import http.client
import ssl
import sys
import time


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--cacert", required=True)
    p.add_argument("--n", type=int, default=1000)
    p.add_argument("--path", default="/v1/servers")
    p.add_argument("--key", default="vcmk_" + "B" * 43)
    p.add_argument("--secs", type=float, default=120)
    a = p.parse_args()
    ctx = ssl.create_default_context(cafile=a.cacert)
    ctx.check_hostname = False
    counts = collections.Counter()
    conns = 0
    conn = None
    start = time.monotonic()
    for _ in range(a.n):
        if time.monotonic() - start > a.secs:
            counts["deadline"] += 1
            break
        if conn is None:
            conn = http.client.HTTPSConnection("127.0.0.1", a.port,
                                               context=ctx, timeout=10)
            conns += 1
        try:
            conn.request("GET", a.path,
                         headers={"Authorization": "Bearer " + a.key})
            r = conn.getresponse()
            r.read()
            counts[r.status] += 1
            if r.getheader("Connection", "").lower() == "close":
                conn.close()
                conn = None
        except (OSError, http.client.HTTPException) as e:
            counts["error"] += 1
            conn = None
    print("statuses", " ".join("%s:%d" % (k, v) for k, v in
                               sorted(counts.items(), key=str)),
          "connections", conns,
          "seconds", "%.1f" % (time.monotonic() - start))
    sys.exit(0)


if __name__ == "__main__":
    main()
