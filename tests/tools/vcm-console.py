#!/usr/bin/python3
"""A console client for vcmd's WebSocket (tests only; loopback only).

Connects, presents the ticket in the hello message, then logs every
control message as a line "text <json>" and appends console bytes to
--out. It sends --send (with \\r etc. escapes) once the console is live
and the output matched --wait-for (if given). It ends when the server
closes (printing "closed <code> <reason> <epoch_ms>") or after --secs
(printing "timeout"). Exit status: 0 if the server closed, 3 on
timeout, 2 if the connection was refused.
"""
import argparse
import asyncio
import re
import ssl
import sys
import time

import websockets


def log(*a):
    print(*a, flush=True)


async def run(args):
    ctx = ssl.create_default_context(cafile=args.cacert)
    ctx.check_hostname = False
    headers = {}
    extra = {}
    if args.origin:
        extra["origin"] = args.origin
    try:
        ws = await websockets.connect(
            args.url, ssl=ctx, subprotocols=["vcm.console.v1"],
            max_size=1 << 20, open_timeout=5, **extra)
    except Exception as e:  # refused at the upgrade: status in e
        log("refused", getattr(e, "status_code", ""), repr(e)[:200])
        return 2
    log("open")
    if args.ticket is not None:
        await ws.send('{"type":"hello","ticket":"%s"}' % args.ticket)
    if args.raw:
        await ws.send(args.raw.encode().decode("unicode_escape"))
    out = open(args.out, "ab") if args.out else None
    seen = b""
    sent = args.send is None
    live = False
    deadline = time.monotonic() + args.secs
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                log("timeout")
                await ws.close()
                return 3
            try:
                msg = await asyncio.wait_for(ws.recv(), timeout=left)
            except asyncio.TimeoutError:
                continue
            if isinstance(msg, bytes):
                seen = (seen + msg)[-65536:]
                if out:
                    out.write(msg)
                    out.flush()
            else:
                log("text", msg)
                if '"state":"live"' in msg or '"state":"reconnected"' in msg:
                    live = True
            if not sent and live and (args.wait_for is None or
                                      re.search(args.wait_for.encode(), seen)):
                await ws.send(args.send.encode().decode("unicode_escape")
                              .encode("latin-1"))
                sent = True
                log("sent")
    except websockets.exceptions.ConnectionClosed as e:
        log("closed", e.code, e.reason or "-", int(time.time() * 1000))
        return 0


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--url", required=True)
    p.add_argument("--cacert", required=True)
    p.add_argument("--ticket")
    p.add_argument("--origin")
    p.add_argument("--out")
    p.add_argument("--send")
    p.add_argument("--wait-for")
    p.add_argument("--raw", help="a first text message instead of hello")
    p.add_argument("--secs", type=float, default=20)
    args = p.parse_args()
    sys.exit(asyncio.run(run(args)))


if __name__ == "__main__":
    main()
