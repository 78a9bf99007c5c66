#!/usr/bin/python3
"""A WebSocket client for tests of vcmd's front (tests/unit/test_http.c).

Uses python3-websockets (Debian, hence /usr/bin/python3; the test runs
it with $VCM_PYTHON if set), an implementation independent of the
server's libwebsockets; VCM_WS_DEBUG=1 logs every frame to stderr. It
runs one scenario and prints what it saw, one fact per line ("text
hello", "close 1009 message too large"); the C test asserts on those
lines. Every scenario is bounded in time (--timeout) and
in messages; the exit status is 0 unless the tool itself failed.

Scenarios:
  echo         text, binary and a fragmented text message, each echoed by
               the test's handler, then "close" asks the server to close
  oversize N   one binary message of N bytes (the server closes, 1009)
  oversize_frag N
               the same as fragments of 4096 bytes
  flood        asks the handler to fill the send queue; reads until the
               handler's "drained" message
  wait_close   prints "open" and waits for the server to close
  revoke MS [BYTES]
               asks the handler to close the socket MS ms later from a
               timer (as a revoked grant does), after queueing BYTES of
               binary messages; prints the bytes received, the close and
               "closed_ns T", when the close was complete here (the time
               of CLOCK_MONOTONIC, the C test's clock, in ns)
  wait_revoke  prints "open", then as revoke once the server closes
               (the test revokes through an HTTP request)
  client_close closes the socket itself (a browser closing its tab);
               prints the server's answer and "close_ms T", how long
               the closing handshake and the TCP close took
  refused      expects the upgrade to be refused; prints its status
"""
import argparse
import asyncio
import logging
import os
import ssl
import sys
import time

import websockets
import websockets.exceptions


def say(*words):
    print(*words, flush=True)


async def closed(ws):
    """Waits for the closing handshake; prints the server's code."""
    try:
        while True:
            await ws.recv()
    except websockets.exceptions.ConnectionClosed:
        pass
    say("close", ws.close_code, ws.close_reason or "")


async def closed_counting(ws):
    """As closed(), counting the binary bytes received before."""
    nbytes = 0
    try:
        while True:
            m = await ws.recv()
            if isinstance(m, bytes):
                nbytes += len(m)
    except websockets.exceptions.ConnectionClosed:
        t = time.monotonic_ns()
    say("received", nbytes)
    say("close", ws.close_code, ws.close_reason or "")
    say("closed_ns", t)


async def scenario(args, ws):
    if args.scenario == "echo":
        await ws.send("hello")
        say("text", await ws.recv())
        await ws.send(bytes([0, 1, 0xFE, 0xFF]))
        say("binary", (await ws.recv()).hex())
        await ws.send(["frag", "ment", "ed"])
        say("text", await ws.recv())
        await ws.send("close")
        await closed(ws)
    elif args.scenario == "oversize":
        await ws.send(bytes(args.n))
        await closed(ws)
    elif args.scenario == "oversize_frag":
        piece = bytes(4096)
        count = (args.n + len(piece) - 1) // len(piece)
        try:
            await ws.send([piece] * count)
        except websockets.exceptions.ConnectionClosed:
            pass
        await closed(ws)
    elif args.scenario == "flood":
        await ws.send("flood")
        got = 0
        nbytes = 0
        while got < 100000:
            m = await ws.recv()
            if isinstance(m, str):
                say("text", m)
                if m.startswith("drained"):
                    break
                continue
            got += 1
            nbytes += len(m)
        say("received", got, nbytes)
        await ws.close()
    elif args.scenario == "wait_close":
        say("open")
        await closed(ws)
    elif args.scenario == "revoke":
        await ws.send("revoke %d %d" % (args.n, args.m))
        await closed_counting(ws)
    elif args.scenario == "wait_revoke":
        say("open")
        await closed_counting(ws)
    elif args.scenario == "client_close":
        t0 = time.monotonic_ns()
        await ws.close(4000, "tab closed")
        t1 = time.monotonic_ns()
        say("close", ws.close_code, ws.close_reason or "")
        say("close_ms", (t1 - t0) // 1000000)


async def main(args):
    ctx = ssl.create_default_context(cafile=args.cafile)
    url = "wss://127.0.0.1:%d%s" % (args.port, args.path)
    if args.query:
        url += "?" + args.query
    protos = None if args.no_subprotocol else [args.subprotocol]
    try:
        ws = await websockets.connect(
            url, ssl=ctx, subprotocols=protos, origin=args.origin,
            max_size=None, open_timeout=args.timeout,
            close_timeout=args.timeout, ping_interval=None)
    except websockets.exceptions.InvalidStatusCode as e:
        say("status", e.status_code)
        return
    except (OSError, websockets.exceptions.InvalidHandshake) as e:
        say("failed", type(e).__name__)
        return
    if args.scenario == "refused":
        say("opened")
        await ws.close()
        return
    say("subprotocol", ws.subprotocol or "none")
    try:
        await scenario(args, ws)
    finally:
        await ws.close()


def parse():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--cafile", required=True)
    p.add_argument("--path", default="/v1/console/ws")
    p.add_argument("--query", default="")
    p.add_argument("--origin", default=None)
    p.add_argument("--subprotocol", default="vcm.console.v1")
    p.add_argument("--no-subprotocol", action="store_true")
    p.add_argument("--timeout", type=float, default=10.0)
    p.add_argument("scenario")
    p.add_argument("n", type=int, nargs="?", default=0)
    p.add_argument("m", type=int, nargs="?", default=0)
    return p.parse_args()


if __name__ == "__main__":
    a = parse()
    if os.environ.get("VCM_WS_DEBUG"):
        logging.basicConfig(level=logging.DEBUG)
    try:
        asyncio.run(asyncio.wait_for(main(a), timeout=a.timeout * 2))
    except asyncio.TimeoutError:
        say("timeout")
        sys.exit(2)
