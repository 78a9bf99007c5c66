#!/usr/bin/python3
"""Grant cycles against a running vcmd (the soak test; loopback only).

Each cycle: create a grant (1-3 s, or revoked early), get a console
ticket, open the console WebSocket, then either let it run until the
server ends it, revoke the grant, or kill the client abruptly (the TCP
connection aborted, no close frame: what kill -9 of a browser does).
--workers cycles run at once; --cycles in all; bounded by --secs.
Prints one summary line of outcomes.
"""
import argparse
import asyncio
import collections
import json
import random
import ssl
import sys
import time
import urllib.request

import websockets


def api(base, ctx, key, method, path, body=None):
    req = urllib.request.Request(base + path, method=method,
                                 data=json.dumps(body).encode() if body is not None else None,
                                 headers={"Authorization": "Bearer " + key,
                                          "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, context=ctx, timeout=15) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, None


async def cycle(a, ctx, servers, counts, rng):
    loop = asyncio.get_running_loop()
    server = rng.choice(servers)
    life = rng.choice([1, 2, 3])
    st, g = await loop.run_in_executor(None, api, a.base, ctx, a.key, "POST",
                                       "/v1/grants", {"server_id": server, "expires_in": life})
    if st == 429:
        counts["rate_limited"] += 1
        await asyncio.sleep(0.5)
        return
    if st != 201:
        counts["grant_error_%d" % st] += 1
        return
    st, t = await loop.run_in_executor(None, api, a.base, ctx, a.key, "POST",
                                       "/v1/grants/%d/console" % g["id"])
    if st != 201:
        counts["ticket_error_%d" % st] += 1
        return
    fate = rng.choice(["expire", "revoke", "kill", "kill"])
    try:
        ws = await websockets.connect(a.ws, ssl=ctx, open_timeout=10,
                                      close_timeout=2, max_size=1 << 20)
    except Exception:
        counts["connect_error"] += 1
        return
    await ws.send(json.dumps({"type": "hello", "ticket": t["ticket"]}))
    deadline = time.monotonic() + life + 5
    acted = False
    try:
        while time.monotonic() < deadline:
            if not acted and time.monotonic() > deadline - life - 5 + rng.random() * life:
                acted = True
                if fate == "kill":
                    ws.transport.abort()
                    counts["killed"] += 1
                    return
                if fate == "revoke":
                    await loop.run_in_executor(None, api, a.base, ctx, a.key, "POST",
                                               "/v1/grants/%d/revoke" % g["id"])
            try:
                await asyncio.wait_for(ws.recv(), timeout=0.2)
            except asyncio.TimeoutError:
                pass
        counts["no_close"] += 1
        ws.transport.abort()
    except websockets.exceptions.ConnectionClosed as e:
        counts["closed_%s" % e.code] += 1


async def worker(a, ctx, servers, counts, n, seed, stop_at):
    rng = random.Random(seed)
    for _ in range(n):
        if time.monotonic() > stop_at:
            counts["deadline"] += 1
            return
        await cycle(a, ctx, servers, counts, rng)
        counts["cycles"] += 1


async def main_async(a):
    ctx = ssl.create_default_context(cafile=a.cacert)
    ctx.check_hostname = False
    servers = [int(s) for s in a.servers.split(",")]
    counts = collections.Counter()
    stop_at = time.monotonic() + a.secs
    per = a.cycles // a.workers
    await asyncio.gather(*[worker(a, ctx, servers, counts, per, i, stop_at)
                           for i in range(a.workers)])
    print(" ".join("%s=%d" % kv for kv in sorted(counts.items())), flush=True)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--base", required=True)
    p.add_argument("--ws", required=True)
    p.add_argument("--cacert", required=True)
    p.add_argument("--key", required=True)
    p.add_argument("--servers", required=True)
    p.add_argument("--cycles", type=int, default=10000)
    p.add_argument("--workers", type=int, default=50)
    p.add_argument("--secs", type=float, default=3600)
    asyncio.run(main_async(p.parse_args()))


if __name__ == "__main__":
    main()
