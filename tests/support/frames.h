/* tests/support/frames.h — builders for test frames: link headers, IPv4/IPv6
 * (with options and extension headers), TCP/UDP/SCTP/DCCP. Lengths that depend
 * on what follows (IP total/payload length, UDP length, PPPoE length) are filled
 * in by fb_finish(). */
#ifndef PL_TEST_FRAMES_H
#define PL_TEST_FRAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "portlabel/decode.h"
#include "portlabel/pkt.h"

#define FB_MAX 4096

/* EtherTypes and link values used by tests (spelled out, as on the wire). */
#define FB_ET_IPV4 0x0800
#define FB_ET_IPV6 0x86dd
#define FB_ET_ARP 0x0806
#define FB_ET_8021Q 0x8100
#define FB_ET_8021AD 0x88a8
#define FB_ET_9100 0x9100
#define FB_ET_MPLS 0x8847
#define FB_ET_MPLS_MC 0x8848
#define FB_ET_PPPOE_DISC 0x8863
#define FB_ET_PPPOE_SESS 0x8864

struct fb {
    uint8_t b[FB_MAX];
    size_t len;
    size_t ip_off;    /* offset of the (first) IP header; SIZE_MAX when none */
    uint8_t ip_ver;   /* 4 or 6 */
    size_t l4_off;    /* offset of the transport header; SIZE_MAX when none */
    uint8_t l4_proto; /* protocol of the transport header at l4_off */
    size_t pppoe_off; /* offset of the PPPoE header; SIZE_MAX when none */
};

void fb_init(struct fb *f);
void fb_u8(struct fb *f, uint8_t v);
void fb_be16(struct fb *f, uint16_t v);
void fb_be32(struct fb *f, uint32_t v);
void fb_zero(struct fb *f, size_t n);
void fb_put_be16(struct fb *f, size_t off, uint16_t v); /* overwrite */

/* Link headers. */
void fb_eth(struct fb *f, uint16_t type);
void fb_vlan(struct fb *f, uint16_t tci, uint16_t next_type); /* TCI + next type */
void fb_mpls(struct fb *f, uint32_t label, bool bottom);
void fb_pppoe_sess(struct fb *f, uint16_t ppp_proto);
void fb_sll(struct fb *f, uint16_t arphrd, uint16_t proto);
void fb_sll2(struct fb *f, uint16_t arphrd, uint16_t proto);
void fb_null_le(struct fb *f, uint32_t family); /* little-endian host */
void fb_null_be(struct fb *f, uint32_t family); /* big-endian host, or LOOP */
void fb_ppp(struct fb *f, bool addr_ctrl, uint16_t proto);

/* Network: 10.0.0.1 -> 10.0.0.2, id 0x1234; 2001:db8::1 -> 2001:db8::2. */
void fb_ipv4(struct fb *f, uint8_t proto, size_t opt_words);
void fb_ipv4_frag(struct fb *f, uint16_t off_units, bool more); /* after fb_ipv4 */
void fb_ipv6(struct fb *f, uint8_t nh);
/* hop-by-hop / routing / dstopts: (len_units + 1) * 8 bytes; AH: (len_units + 2) * 4. */
void fb_ipv6_ext(struct fb *f, uint8_t this_type, uint8_t nh, uint8_t len_units);
void fb_ipv6_frag(struct fb *f, uint8_t nh, uint16_t off_units, bool more, uint32_t id);

/* Transport. */
void fb_tcp(struct fb *f, uint16_t sport, uint16_t dport, uint8_t flags);
void fb_udp(struct fb *f, uint16_t sport, uint16_t dport);
void fb_sctp(struct fb *f, uint16_t sport, uint16_t dport, int chunk_type); /* <0: no chunk */
void fb_dccp(struct fb *f, uint16_t sport, uint16_t dport, uint8_t type, bool x);
void fb_payload(struct fb *f, size_t n);

/* Fill in IP, UDP and PPPoE lengths from what was built. */
void fb_finish(struct fb *f);

/* Decode the first cap bytes of f (wire length f->len) on link. */
enum pl_decode_status fb_decode(const struct fb *f, enum pl_linktype link, size_t cap,
                                struct pl_pkt *pkt);

/* Decode every prefix 0..len of f: below ok_from each must be TRUNCATED, from
 * ok_from on OK. Returns the first prefix length that differs (its status in
 * *got), or SIZE_MAX when all match. */
size_t fb_sweep(const struct fb *f, enum pl_linktype link, size_t ok_from,
                enum pl_decode_status *got);

/* Check what any decode result must satisfy, whatever the input: statuses agree
 * with layer, fragment and version; offsets lie within the capture. Returns NULL,
 * or a static message naming the broken invariant. Used by the corpus tool, the
 * fuzzer and the tests. */
const char *fb_check_invariants(const struct pl_frame *fr, enum pl_decode_status st,
                                const struct pl_pkt *pkt);

/* Ready-made frames. */
void fb_eth_ipv4_tcp(struct fb *f, uint16_t sport, uint16_t dport, uint8_t flags, size_t payload);
void fb_eth_ipv6_udp(struct fb *f, uint16_t sport, uint16_t dport, size_t payload);

#endif
