#!/usr/bin/env python3
"""Writes the seed corpora of the framing, rakp and lanplus fuzz targets.

Seeds are small valid (and some nearly valid) messages built from the
IPMI 2.0 layouts, so the fuzzers start past the first length checks.
Run from the repository root: python3 fuzz/make-seeds.py
"""
import os
import struct


def write(target, name, data):
    d = os.path.join("fuzz", "corpus", target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def cksum(b):
    return (-sum(b)) & 0xff


def ipmi_msg(dst, netfn, src, seq, cmd, data=b""):
    h = bytes([dst, netfn << 2])
    body = bytes([src, seq << 2, cmd]) + data
    return h + bytes([cksum(h)]) + body + bytes([cksum(body)])


RMCP_IPMI = b"\x06\x00\xff\x07"
RMCP_ASF = b"\x06\x00\xff\x06"


def lan15(msg, auth=0, seq=0, sid=0, code=b""):
    return RMCP_IPMI + bytes([auth]) + struct.pack("<II", seq, sid) + code + \
        bytes([len(msg)]) + msg


def lanplus(ptype, payload, sid=0, seq=0, flags=0):
    return RMCP_IPMI + bytes([6, ptype | flags]) + \
        struct.pack("<IIH", sid, seq, len(payload)) + payload


def alg(t, a):
    return bytes([t, 0, 0, 8, a, 0, 0, 0])


osrq = bytes([1, 4, 0, 0]) + struct.pack("<I", 0xa0a2a3a4) + \
    alg(0, 3) + alg(1, 4) + alg(2, 1)
osrs = bytes([1, 0, 4, 0]) + struct.pack("<II", 0xa0a2a3a4, 0x1234) + \
    alg(0, 3) + alg(1, 4) + alg(2, 1)
osrs_err = bytes([1, 0x11, 0, 0]) + struct.pack("<I", 0xa0a2a3a4)
rakp1 = bytes([1, 0, 0, 0]) + struct.pack("<I", 0x1234) + bytes(range(16)) + \
    bytes([0x14, 0, 0, 5]) + b"admin"
rakp2 = bytes([1, 0, 0, 0]) + struct.pack("<I", 0xa0a2a3a4) + \
    bytes(range(16, 32)) + bytes(range(32, 48)) + bytes(32)
rakp2_sha1 = rakp2[:40] + bytes(20)
rakp3 = bytes([1, 0, 0, 0]) + struct.pack("<I", 0x1234) + bytes(20)
rakp4 = bytes([1, 0, 0, 0]) + struct.pack("<I", 0xa0a2a3a4) + bytes(16)

# framing: ASF, IPMI 1.5 and bare IPMI messages
ping = RMCP_ASF + struct.pack(">I", 4542) + bytes([0x80, 0x10, 0, 0])
pong = RMCP_ASF + struct.pack(">I", 4542) + bytes([0x40, 0x10, 0, 16]) + \
    struct.pack(">II", 0, 0) + bytes([0x81, 0]) + bytes(6)
caps = ipmi_msg(0x20, 6, 0x81, 0, 0x38, b"\x8e\x04")
caps_rs = ipmi_msg(0x81, 7, 0x20, 0, 0x38,
                   b"\x00\x01\x80\x04\x02\x00\x00\x00\x00")
write("fuzz_framing", "asf_ping", ping)
write("fuzz_framing", "asf_pong", pong)
write("fuzz_framing", "lan15_auth_caps_rq", lan15(caps))
write("fuzz_framing", "lan15_auth_caps_rs", lan15(caps_rs))
write("fuzz_framing", "lan15_md5", lan15(caps, auth=2, seq=1, sid=7,
                                          code=bytes(16)))
write("fuzz_framing", "msg_get_device_id",
      ipmi_msg(0x20, 6, 0x81, 1, 0x01))
write("fuzz_framing", "msg_chassis_control",
      ipmi_msg(0x20, 0, 0x81, 2, 0x02, b"\x01"))

# rakp: first byte selects the decoder (0..5)
for i, (name, m) in enumerate([("open_rq", osrq), ("open_rs", osrs),
                                ("rakp1", rakp1), ("rakp2", rakp2),
                                ("rakp3", rakp3), ("rakp4", rakp4)]):
    write("fuzz_rakp", name, bytes([i]) + m)
write("fuzz_rakp", "open_rs_error", bytes([1]) + osrs_err)
write("fuzz_rakp", "rakp2_sha1", bytes([3]) + rakp2_sha1)
write("fuzz_rakp", "rakp2_sha256", bytes([0x83]) + rakp2)

# lanplus: mode 0 datagrams, mode 1 plaintext blocks, mode 2 payloads
write("fuzz_lanplus", "open_rq", b"\x00" + lanplus(0x10, osrq))
write("fuzz_lanplus", "rakp2", b"\x00" + lanplus(0x13, rakp2))
write("fuzz_lanplus", "sealed_shape", b"\x00" + lanplus(
    0x00, bytes(32), sid=2, seq=1, flags=0xc0) + b"\xff\xff\x02\x07" +
    bytes(12))
write("fuzz_lanplus", "oem", b"\x00" + RMCP_IPMI + b"\x06\x02" +
      struct.pack("<IHIIH", 0x2a2, 1, 0, 0, 2) + b"ab")
write("fuzz_lanplus", "pad_ok_sha1", b"\x01" + bytes(13) + b"\x01\x02\x02")
write("fuzz_lanplus", "pad_ok_sha256", b"\x81" + bytes(15) + b"\x00")
write("fuzz_lanplus", "pad_two_blocks", b"\x81" + bytes(20) +
      bytes(range(1, 12)) + b"\x0b")
write("fuzz_lanplus", "seal_msg", b"\x02" + caps)
write("fuzz_lanplus", "seal_sol", b"\x82" + b"\x01\x00\x00\x00hello")
