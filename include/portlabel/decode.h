/* include/portlabel/decode.h — frame decoder: link, IPv4/IPv6, TCP/UDP/SCTP/DCCP (SPEC §3, §8). */
#ifndef PORTLABEL_DECODE_H
#define PORTLABEL_DECODE_H

#include "portlabel/cursor.h"
#include "portlabel/pkt.h"

/* Outcome of decoding one frame. Each non-OK value is one counter of the
 * summary (SPEC §6). */
enum pl_decode_status {
    PL_DEC_OK = 0,           /* ports decoded (layer L4), or a later fragment of a
                              * TCP/UDP/SCTP/DCCP datagram (frag == PL_FRAG_LATER, layer L3) */
    PL_DEC_TRUNCATED,        /* the capture ended inside a header that is needed */
    PL_DEC_MALFORMED,        /* header fields contradict each other; an anomaly bit says which */
    PL_DEC_NON_IP,           /* link decoded, no IP inside (ARP, LLC, PPPoE discovery, ...) */
    PL_DEC_OTHER_IP,         /* IP decoded, transport not TCP/UDP/SCTP/DCCP: see pkt->l4_proto */
    PL_DEC_UNSUPPORTED_LINK, /* link type not decoded */
};

/* Decode one frame into *pkt (zeroed first; ts_us copied from the frame).
 * Pure: no allocation, no printing, no globals. Reads only fr->data[0..cap_len). */
enum pl_decode_status pl_decode_frame(const struct pl_frame *fr, struct pl_pkt *pkt);

/* Per-layer decoders. Each reads through the cursor only, fills *pkt, and
 * returns the next protocol through an out-parameter; decode.c alone chains them.
 * `ethertype` out-params are EtherType values (0x0800 IPv4, 0x86dd IPv6, ...). */
enum pl_decode_status pl_decode_eth(struct pl_cursor *c, struct pl_pkt *pkt, uint16_t *ethertype);
/* After an EtherType: VLAN tags, MPLS, PPPoE session until IP or something else. */
enum pl_decode_status pl_decode_encap(struct pl_cursor *c, struct pl_pkt *pkt, uint16_t *ethertype);
/* An MPLS label stack (after EtherType 0x8847/0x8848, or PPP 0x0281/0x0283): OK with
 * *ethertype IPv4 or IPv6 (the payload's first nibble), NON_IP, TRUNCATED, or MALFORMED
 * (PL_ANOM_MPLS_TOO_DEEP). */
enum pl_decode_status pl_decode_mpls(struct pl_cursor *c, struct pl_pkt *pkt, uint16_t *ethertype);
enum pl_decode_status pl_decode_sll(struct pl_cursor *c, struct pl_pkt *pkt, uint16_t *ethertype);
enum pl_decode_status pl_decode_sll2(struct pl_cursor *c, struct pl_pkt *pkt, uint16_t *ethertype);
enum pl_decode_status pl_decode_null(struct pl_cursor *c, struct pl_pkt *pkt, bool is_loop,
                                     uint16_t *ethertype);
enum pl_decode_status pl_decode_ppp(struct pl_cursor *c, struct pl_pkt *pkt, uint16_t *ethertype);
/* wire_len is the frame's wire length (for IPv4 total length 0, SPEC §8). */
enum pl_decode_status pl_decode_ipv4(struct pl_cursor *c, struct pl_pkt *pkt, uint32_t wire_len,
                                     uint8_t *l4_proto);
enum pl_decode_status pl_decode_ipv6(struct pl_cursor *c, struct pl_pkt *pkt, uint8_t *l4_proto);
enum pl_decode_status pl_decode_tcp(struct pl_cursor *c, struct pl_pkt *pkt);
enum pl_decode_status pl_decode_udp(struct pl_cursor *c, struct pl_pkt *pkt);
enum pl_decode_status pl_decode_sctp(struct pl_cursor *c, struct pl_pkt *pkt);
enum pl_decode_status pl_decode_dccp(struct pl_cursor *c, struct pl_pkt *pkt);

/* Stable name of one anomaly bit ("udp.len_short"), or NULL for an unknown bit. */
const char *pl_anomaly_name(uint32_t bit);
/* Stable name of a status ("ok", "truncated", ...). */
const char *pl_decode_status_name(enum pl_decode_status st);

#endif
