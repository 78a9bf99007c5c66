#!/usr/bin/env python3
"""Bounded UDP relay for loopback known-answer captures.

    udp-relay.py LISTEN_ADDR LISTEN_PORT BMC_ADDR BMC_PORT LOGFILE SECS MAXDGRAMS

Listens on LISTEN_ADDR:LISTEN_PORT, forwards every datagram from a client
to BMC_ADDR:BMC_PORT from one relay socket, and sends each reply back to
the client that spoke last. Every datagram is appended to LOGFILE as one
line, "C>B <hex>" (client to BMC) or "B>C <hex>", flushed at once so a
test can read the log while the relay still runs.

It is a test tool, so it is bounded: it exits after SECS seconds or once
MAXDGRAMS datagrams have been relayed, whichever comes first, and it
refuses any address outside 127.0.0.0/8 so it can never talk to a real
network. Python standard library only.
"""

import ipaddress
import select
import socket
import sys
import time


def loopback(addr):
    """Returns addr if it is an IPv4 address in 127.0.0.0/8, else exits."""
    try:
        a = ipaddress.IPv4Address(addr)
    except ValueError:
        sys.exit("udp-relay: not an IPv4 address: %r" % addr)
    if a not in ipaddress.IPv4Network("127.0.0.0/8"):
        sys.exit("udp-relay: refusing non-loopback address %s" % addr)
    return str(a)


def port(s):
    try:
        p = int(s, 10)
    except ValueError:
        sys.exit("udp-relay: bad port: %r" % s)
    if not 1 <= p <= 65535:
        sys.exit("udp-relay: port out of range: %d" % p)
    return p


def main(argv):
    if len(argv) != 8:
        sys.exit(__doc__.strip().splitlines()[2].strip())
    laddr, lport = loopback(argv[1]), port(argv[2])
    baddr, bport = loopback(argv[3]), port(argv[4])
    logpath = argv[5]
    try:
        secs, maxd = float(argv[6]), int(argv[7], 10)
    except ValueError:
        sys.exit("udp-relay: bad SECS or MAXDGRAMS")
    # Hard caps: a forgotten relay must not linger or log without end.
    if not 0 < secs <= 3600 or not 0 < maxd <= 100000:
        sys.exit("udp-relay: SECS must be in (0, 3600], MAXDGRAMS in (0, 100000]")

    front = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    front.bind((laddr, lport))
    # The BMC-side socket binds to the listen address too, so the relay
    # never sends from an address outside the range it was given.
    back = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    back.bind((laddr, 0))
    client = None
    n = 0
    end = time.monotonic() + secs
    with open(logpath, "a", buffering=1) as log:
        while n < maxd:
            left = end - time.monotonic()
            if left <= 0:
                break
            ready, _, _ = select.select([front, back], [], [], min(left, 0.5))
            for s in ready:
                data, src = s.recvfrom(65535)
                if s is front:
                    # Only loopback peers; anything else is dropped.
                    if not ipaddress.IPv4Address(src[0]).is_loopback:
                        continue
                    client = src
                    back.sendto(data, (baddr, bport))
                    log.write("C>B %s\n" % data.hex())
                else:
                    if src != (baddr, bport) or client is None:
                        continue
                    front.sendto(data, client)
                    log.write("B>C %s\n" % data.hex())
                n += 1
                if n >= maxd:
                    break
    front.close()
    back.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
