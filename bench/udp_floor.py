"""The machine's floor for cross-core latency, as a control for
bench/consoles.sh: one process on core 0 sends a datagram carrying
CLOCK_MONOTONIC every PERIOD seconds to another process on core 1 over
127.0.0.1, which takes the time again on receipt. No IPMI, no crypto,
no engine: what is left is the kernel and, on a VM, the hypervisor
waking an idle vCPU. Prints one line: count, p50, p99, max in µs.

Usage: python3 bench/udp_floor.py COUNT PERIOD_S [PORT]
(run by consoles.sh with taskset; bounded by COUNT and a 5 s timeout)
"""
import os
import socket
import struct
import sys
import time


def now():
    return time.clock_gettime_ns(time.CLOCK_MONOTONIC)


def main():
    count, period = int(sys.argv[1]), float(sys.argv[2])
    port = int(sys.argv[3]) if len(sys.argv) > 3 else 40999
    rx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    rx.bind(('127.0.0.1', port))
    rx.settimeout(5)
    pid = os.fork()
    if pid == 0:
        # The sender: the other core when the caller pinned us to two.
        try:
            os.sched_setaffinity(0, {0})
        except OSError:
            pass
        tx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        for _ in range(count):
            tx.sendto(struct.pack('q', now()), ('127.0.0.1', port))
            time.sleep(period)
        tx.sendto(b'end', ('127.0.0.1', port))
        os._exit(0)
    try:
        os.sched_setaffinity(0, {1})
    except OSError:
        pass
    lat = []
    try:
        while len(lat) < count:
            d = rx.recv(64)
            t = now()
            if d == b'end':
                break
            lat.append(t - struct.unpack('q', d)[0])
    except socket.timeout:
        pass
    os.waitpid(pid, 0)
    lat.sort()
    n = len(lat)
    if n == 0:
        print('floor n=0')
        return 1
    print('floor n=%d p50_us=%.0f p99_us=%.0f max_us=%.0f' % (
        n, lat[n // 2] / 1e3, lat[min(n - 1, int(n * 0.99))] / 1e3,
        lat[-1] / 1e3))
    return 0


if __name__ == '__main__':
    sys.exit(main())
