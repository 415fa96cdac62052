#!/usr/bin/env python3
"""Traffic endpoints for the live-capture tests, run inside a network namespace
(`ip netns exec NS python3 peer.py COMMAND ...`). Standard library only.

Commands:
  udp-responder ADDR PORT [PORT...]    answer every datagram with b"pong"; runs until killed
  tcp-server ADDR PORT [PORT...]       accept, read until EOF, answer b"ok", close; until killed
  udp-client SRC SPORT DST DPORT N [INTERVAL] [PAYLOAD]
                                       send N datagrams, read the answers (if any)
  udp-stream SRC SPORT DST DPORT SECONDS INTERVAL
                                       a datagram every INTERVAL s for SECONDS s
  udp-spray SRC SPORT0 N DST DPORT     one datagram from each of N source ports (N flows)
  tcp-client SRC SPORT DST DPORT [HOLD]
                                       connect (RST from the peer is not an error), send,
                                       half-close, read the answer, close; HOLD > 0 keeps the
                                       connection open that many seconds before closing
  inject IFACE SRCMAC DSTMAC SCENARIO  send hand-built SCTP / DCCP frames on IFACE
                                       (AF_PACKET): the kernel here has no SCTP/DCCP sockets

Every server prints "ready" on standard output once its sockets are bound.
"""
import select
import socket
import struct
import sys
import time


def _family(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def udp_responder(addr, ports):
    socks = []
    for port in ports:
        s = socket.socket(_family(addr), socket.SOCK_DGRAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((addr, int(port)))
        socks.append(s)
    print("ready", flush=True)
    while True:
        ready, _, _ = select.select(socks, [], [])
        for s in ready:
            _, peer = s.recvfrom(65535)
            s.sendto(b"pong", peer)


def tcp_server(addr, ports):
    socks = []
    for port in ports:
        s = socket.socket(_family(addr), socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((addr, int(port)))
        s.listen(16)
        socks.append(s)
    print("ready", flush=True)
    while True:
        ready, _, _ = select.select(socks, [], [])
        for s in ready:
            conn, _ = s.accept()
            conn.settimeout(30)
            try:
                while conn.recv(65535):
                    pass
                conn.sendall(b"ok")
            except OSError:
                pass
            conn.close()


def udp_client(src, sport, dst, dport, count, interval=0.05, payload="ping-12345"):
    s = socket.socket(_family(dst), socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((src, int(sport)))
    s.settimeout(0.5)
    for i in range(int(count)):
        s.sendto(payload.encode(), (dst, int(dport)))
        try:
            s.recvfrom(65535)
        except OSError:  # no responder: timeout or ICMP port unreachable
            pass
        if i + 1 < int(count):
            time.sleep(float(interval))
    s.close()


def udp_stream(src, sport, dst, dport, seconds, interval):
    """A datagram every INTERVAL seconds for SECONDS seconds, answers not awaited."""
    s = socket.socket(_family(dst), socket.SOCK_DGRAM)
    s.bind((src, int(sport)))
    end = time.monotonic() + float(seconds)
    while time.monotonic() < end:
        s.sendto(b"stream", (dst, int(dport)))
        time.sleep(float(interval))
    s.close()


def udp_spray(src, sport0, count, dst, dport):
    """One datagram from each of COUNT source ports SPORT0, SPORT0+1, ...: COUNT flows."""
    for i in range(int(count)):
        s = socket.socket(_family(dst), socket.SOCK_DGRAM)
        s.bind((src, int(sport0) + i))
        s.sendto(b"spray", (dst, int(dport)))
        s.close()


def tcp_client(src, sport, dst, dport, hold=0.0):
    s = socket.socket(_family(dst), socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((src, int(sport)))
    s.settimeout(5)
    try:
        s.connect((dst, int(dport)))
    except ConnectionRefusedError:
        print("refused", flush=True)
        s.close()
        return
    s.sendall(b"hello from the live test\n")
    print("connected", flush=True)
    if float(hold) > 0:
        time.sleep(float(hold))
    s.shutdown(socket.SHUT_WR)
    while s.recv(65535):
        pass
    s.close()


# --- hand-built frames ----------------------------------------------------------------------

def _csum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return (~total) & 0xFFFF


def _crc32c_table():
    table = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
        table.append(c)
    return table


_CRC32C = _crc32c_table()


def _crc32c(data):
    c = 0xFFFFFFFF
    for b in data:
        c = _CRC32C[(c ^ b) & 0xFF] ^ (c >> 8)
    return c ^ 0xFFFFFFFF


def _ipv4(src, dst, proto, payload, ident):
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), ident, 0x4000, 64, proto, 0,
                      socket.inet_aton(src), socket.inet_aton(dst))
    hdr = hdr[:10] + struct.pack("!H", _csum(hdr)) + hdr[12:]
    return hdr + payload


def _pad4(b):
    return b + b"\0" * (-len(b) % 4)


def _sctp(sport, dport, vtag, chunks):
    body = struct.pack("!HHII", sport, dport, vtag, 0) + b"".join(_pad4(c) for c in chunks)
    crc = _crc32c(body)
    return body[:8] + struct.pack("<I", crc) + body[12:]  # CRC32c is stored little-endian


def _sctp_chunk(ctype, flags, value):
    return struct.pack("!BBH", ctype, flags, 4 + len(value)) + value


def sctp_init(sport, dport, tag):
    value = struct.pack("!IIHHI", tag, 65535, 10, 10, 1000)
    return _sctp(sport, dport, 0, [_sctp_chunk(1, 0, value)])


def sctp_init_ack(sport, dport, peer_tag, tag):
    cookie = struct.pack("!HH", 7, 4 + 8) + b"cookie!!"
    value = struct.pack("!IIHHI", tag, 65535, 10, 10, 5000) + cookie
    return _sctp(sport, dport, peer_tag, [_sctp_chunk(2, 0, value)])


def sctp_data(sport, dport, vtag, tsn, data):
    value = struct.pack("!IHHI", tsn, 0, 0, 46) + data
    return _sctp(sport, dport, vtag, [_sctp_chunk(0, 0x03, value)])


DCCP_REQUEST, DCCP_RESPONSE, DCCP_DATA = 0, 1, 2


def dccp(src, dst, sport, dport, ptype, seq, ack=None, service=None, payload=b""):
    """DCCP with long (48-bit) sequence numbers, X=1 (RFC 4340 §5.1)."""
    ext = b""
    if ack is not None:
        ext += struct.pack("!H", 0) + ack.to_bytes(6, "big")
    if service is not None:
        ext += struct.pack("!I", service)
    hlen = 16 + len(ext)
    hdr = (struct.pack("!HHBBHBB", sport, dport, hlen // 4, 0, 0, (ptype << 1) | 1, 0)
           + seq.to_bytes(6, "big") + ext)
    seg = hdr + payload
    pseudo = socket.inet_aton(src) + socket.inet_aton(dst) + struct.pack("!BBH", 0, 33, len(seg))
    ck = _csum(pseudo + seg)
    return seg[:6] + struct.pack("!H", ck) + seg[8:]


def _udp(sport, dport, data):
    return struct.pack("!HHHH", sport, dport, 8 + len(data), 0) + data


# Client 10.203.0.1, server 10.203.0.2 (the driver's first veth pair).
C, S = "10.203.0.1", "10.203.0.2"


def scenario(name):
    """[(src, dst, ip proto, transport bytes[, (TPID, VID, ...) tags])] for one scenario."""
    if name == "sctp-diameter":  # full opening: INIT, INIT-ACK, then DATA from the client
        return [(C, S, 132, sctp_init(40000, 3868, 0x11111111)),
                (S, C, 132, sctp_init_ack(3868, 40000, 0x11111111, 0x22222222)),
                (C, S, 132, sctp_data(40000, 3868, 0x22222222, 1000, b"diameter-request"))]
    if name == "sctp-m3ua-initack-first":  # INIT not seen: the INIT-ACK's receiver initiated
        return [(S, C, 132, sctp_init_ack(2905, 40001, 0x33333333, 0x44444444)),
                (C, S, 132, sctp_data(40001, 2905, 0x44444444, 1, b"m3ua"))]
    if name == "dccp-rtp":  # Request, Response, Data
        return [(C, S, 33, dccp(C, S, 40002, 5004, DCCP_REQUEST, 100, service=0x52545020)),
                (S, C, 33, dccp(S, C, 5004, 40002, DCCP_RESPONSE, 900, ack=100,
                                service=0x52545020)),
                (C, S, 33, dccp(C, S, 40002, 5004, DCCP_DATA, 101, payload=b"rtp-data"))]
    if name == "dccp-discard-midstream":  # only Data: no opening seen
        return [(C, S, 33, dccp(C, S, 40003, 9, DCCP_DATA, 7, payload=b"x" * 12)),
                (C, S, 33, dccp(C, S, 40003, 9, DCCP_DATA, 8, payload=b"y" * 12))]
    if name == "udp-vlan100":  # 802.1ad outer VLAN 100 + 802.1Q inner 7: UDP to 53 and back
        return [(C, S, 17, _udp(50015, 53, b"ping-12345"), (0x88A8, 100, 0x8100, 7)),
                (S, C, 17, _udp(53, 50015, b"pong"), (0x88A8, 100, 0x8100, 7))]
    raise SystemExit("peer: unknown scenario %r" % name)


def inject(iface, srcmac, dstmac, name):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((iface, 0))
    macs = bytes.fromhex(dstmac.replace(":", "")) + bytes.fromhex(srcmac.replace(":", ""))
    for i, (src, dst, proto, l4, *tags) in enumerate(scenario(name)):
        tag = tags[0] if tags else ()
        vlan = b"".join(struct.pack("!HH", tag[j], tag[j + 1]) for j in range(0, len(tag), 2))
        s.send(macs + vlan + b"\x08\x00" + _ipv4(src, dst, proto, l4, 0x1000 + i))
        time.sleep(0.02)
    s.close()


def main(argv):
    if len(argv) < 2:
        raise SystemExit(__doc__)
    cmd, args = argv[1], argv[2:]
    if cmd == "udp-responder":
        udp_responder(args[0], args[1:])
    elif cmd == "tcp-server":
        tcp_server(args[0], args[1:])
    elif cmd == "udp-client":
        udp_client(*args)
    elif cmd == "udp-stream":
        udp_stream(*args)
    elif cmd == "udp-spray":
        udp_spray(*args)
    elif cmd == "tcp-client":
        tcp_client(*args)
    elif cmd == "inject":
        inject(*args)
    else:
        raise SystemExit("peer: unknown command %r" % cmd)


if __name__ == "__main__":
    main(sys.argv)
