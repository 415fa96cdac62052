"""Small pcap / pcapng writers and packet builders for the hardening tests (stdlib only).

Everything here is generated at test time: no capture is committed."""
import struct

LINKTYPE_ETHERNET = 1


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def ipv4(src, dst, proto, payload, ident=0, frag_off=0, more=False, total_len=None):
    """IPv4 header (RFC 791) + payload; src/dst are 4-byte strings or dotted text."""
    src = _a4(src)
    dst = _a4(dst)
    tl = 20 + len(payload) if total_len is None else total_len
    flags = (0x2000 if more else 0) | (frag_off // 8)
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, tl, ident, flags, 64, proto, 0, src, dst)
    h = h[:10] + struct.pack("!H", csum(h)) + h[12:]
    return h + payload


def _a4(a):
    if isinstance(a, bytes):
        return a
    return bytes(int(x) for x in a.split("."))


def tcp(sport, dport, flags=0x02, seq=1, ack=0, payload=b""):
    """TCP header (RFC 9293) without options; flags 0x02 = SYN, 0x12 SYN+ACK, 0x10 ACK."""
    return struct.pack("!HHIIBBHHH", sport, dport, seq, ack, 5 << 4, flags, 65535, 0, 0) + payload


def udp(sport, dport, payload=b""):
    return struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload


def eth(payload, ethertype=0x0800):
    return b"\x02\0\0\0\0\x02" + b"\x02\0\0\0\0\x01" + struct.pack("!H", ethertype) + payload


def tcp4(src, dst, sport, dport, flags=0x02):
    return eth(ipv4(src, dst, 6, tcp(sport, dport, flags)))


def pcap_header(snaplen=262144, linktype=LINKTYPE_ETHERNET):
    return struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, snaplen, linktype)


def pcap_record(ts_us, data, caplen=None, wirelen=None):
    caplen = len(data) if caplen is None else caplen
    wirelen = len(data) if wirelen is None else wirelen
    return struct.pack("<IIII", ts_us // 1000000, ts_us % 1000000, caplen, wirelen) + data


def pcap(frames, snaplen=262144, linktype=LINKTYPE_ETHERNET):
    """frames: iterable of (ts_us, bytes)."""
    return pcap_header(snaplen, linktype) + b"".join(pcap_record(t, d) for t, d in frames)


# --- pcapng (draft-ietf-opsawg-pcapng) -------------------------------------------------------

def _block(btype, body):
    body += b"\0" * (-len(body) % 4)
    n = 12 + len(body)
    return struct.pack("<II", btype, n) + body + struct.pack("<I", n)


def pcapng_shb():
    return _block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1))


def pcapng_idb(linktype=LINKTYPE_ETHERNET, snaplen=262144):
    return _block(0x00000001, struct.pack("<HHI", linktype, 0, snaplen))


def pcapng_epb(ts_us, data, iface=0):
    return _block(0x00000006, struct.pack("<IIIII", iface, ts_us >> 32, ts_us & 0xFFFFFFFF,
                                          len(data), len(data)) + data)


def pcapng_block(btype, body):
    return _block(btype, body)


def pcapng(frames, extra_after=None):
    """frames: (ts_us, bytes); extra_after: {index: raw block bytes inserted after frame i}."""
    out = [pcapng_shb(), pcapng_idb()]
    for i, (t, d) in enumerate(frames):
        out.append(pcapng_epb(t, d))
        if extra_after and i in extra_after:
            out.append(extra_after[i])
    return b"".join(out)


def syn_flows(n, t0=1700000000000000, step=1000):
    """n distinct TCP SYN flows, one packet each, 10.0.x.y:1000+i -> 192.0.2.1:80."""
    frames = []
    for i in range(n):
        src = "10.%d.%d.%d" % ((i >> 16) & 255, (i >> 8) & 255, i & 255)
        frames.append((t0 + i * step, tcp4(src, "192.0.2.1", 1024 + (i % 60000), 80)))
    return frames
