/* tests/unit/test_ipv6.c — IPv6 header and extension-header walk (RFC 8200; SPEC §8). */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <string.h>

#include "frames.h"

#define UDP_NEED 4u
#define TCP_NEED 14u

static void
assert_sweep(const struct fb *f, size_t ok_from)
{
    enum pl_decode_status got = PL_DEC_OK;
    size_t bad = fb_sweep(f, PL_LINK_ETHERNET, ok_from, &got);
    cr_assert_eq(bad, SIZE_MAX, "prefix %zu: got %s (OK expected from %zu)", bad,
                 pl_decode_status_name(got), ok_from);
}

Test(ipv6, decodes_addresses_and_lengths)
{
    static const uint8_t src[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    static const uint8_t dst[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2};
    struct fb f;
    struct pl_pkt pkt;
    fb_eth_ipv6_udp(&f, 5353, 53, 30);
    cr_assert_eq(fb_decode(&f, PL_LINK_ETHERNET, f.len, &pkt), PL_DEC_OK);
    cr_assert_eq(memcmp(pkt.src, src, 16), 0);
    cr_assert_eq(memcmp(pkt.dst, dst, 16), 0);
    cr_assert_eq(pkt.ip_version, 6);
    cr_assert_eq(pkt.ip_len, 40 + 8 + 30);
    cr_assert_eq(pkt.l4_len, 38);
    cr_assert_eq(pkt.l3_off, 14);
    cr_assert_eq(pkt.l4_off, 54);
    cr_assert_eq(pkt.payload_len, 30);
    cr_assert_eq(pkt.anomalies, 0);
    assert_sweep(&f, 54 + UDP_NEED);
}

struct ext_case {
    uint8_t type;
    uint8_t len_units;
    size_t hdr_len;
};

ParameterizedTestParameters(ipv6, each_extension_header_is_walked)
{
    static struct ext_case cases[] = {
        {PL_IPPROTO_HOPOPTS, 0, 8}, {PL_IPPROTO_HOPOPTS, 3, 32},     {PL_IPPROTO_ROUTING, 2, 24},
        {PL_IPPROTO_DSTOPTS, 0, 8}, {PL_IPPROTO_DSTOPTS, 255, 2048}, {PL_IPPROTO_AH, 4, 24},
        {PL_IPPROTO_AH, 1, 12},
    };
    return cr_make_param_array(struct ext_case, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(struct ext_case *tc, ipv6, each_extension_header_is_walked)
{
    struct fb f;
    struct pl_pkt pkt;
    fb_init(&f);
    fb_eth(&f, FB_ET_IPV6);
    fb_ipv6(&f, tc->type);
    fb_ipv6_ext(&f, tc->type, PL_IPPROTO_TCP, tc->len_units);
    fb_tcp(&f, 50000, 22, PL_TCP_SYN);
    fb_finish(&f);
    cr_assert_eq(fb_decode(&f, PL_LINK_ETHERNET, f.len, &pkt), PL_DEC_OK, "type %u", tc->type);
    cr_assert_eq(pkt.l4_proto, PL_IPPROTO_TCP);
    cr_assert_eq(pkt.l4_off, 54 + tc->hdr_len);
    cr_assert_eq(pkt.l4_len, 20);
    cr_assert_eq(pkt.ip_len, 40 + tc->hdr_len + 20);
    cr_assert_eq(pkt.dport, 22);
    assert_sweep(&f, 54 + tc->hdr_len + TCP_NEED);
}

Test(ipv6, chain_of_all_walked_headers)
{
    struct fb f;
    struct pl_pkt pkt;
    fb_init(&f);
    fb_eth(&f, FB_ET_IPV6);
    fb_ipv6(&f, PL_IPPROTO_HOPOPTS);
    fb_ipv6_ext(&f, PL_IPPROTO_HOPOPTS, PL_IPPROTO_DSTOPTS, 0);
    fb_ipv6_ext(&f, PL_IPPROTO_DSTOPTS, PL_IPPROTO_ROUTING, 0);
    fb_ipv6_ext(&f, PL_IPPROTO_ROUTING, PL_IPPROTO_FRAGMENT, 2);
    fb_ipv6_frag(&f, PL_IPPROTO_AH, 0, true, 0xabcdef01);
    fb_ipv6_ext(&f, PL_IPPROTO_AH, PL_IPPROTO_DSTOPTS, 4);
    fb_ipv6_ext(&f, PL_IPPROTO_DSTOPTS, PL_IPPROTO_UDP, 1);
    fb_udp(&f, 4500, 4500);
    fb_payload(&f, 100);
    fb_finish(&f);
    cr_assert_eq(fb_decode(&f, PL_LINK_ETHERNET, f.len, &pkt), PL_DEC_OK);
    cr_assert_eq(pkt.l4_off, f.l4_off);
    cr_assert_eq(pkt.frag, PL_FRAG_FIRST);
    cr_assert_eq(pkt.frag_id, 0xabcdef01u);
    cr_assert_eq(pkt.frag_proto, PL_IPPROTO_AH);
    cr_assert_eq(pkt.sport, 4500);
    assert_sweep(&f, f.l4_off + UDP_NEED);
}

Test(ipv6, routing_header_does_not_change_destination)
{
    static const uint8_t dst[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2};
    struct fb f;
    struct pl_pkt pkt;
    fb_init(&f);
    fb_eth(&f, FB_ET_IPV6);
    fb_ipv6(&f, PL_IPPROTO_ROUTING);
    size_t rh = f.len;
    fb_ipv6_ext(&f, PL_IPPROTO_ROUTING, PL_IPPROTO_UDP, 2);
    f.b[rh + 2] = 0;    /* type 0 */
    f.b[rh + 3] = 1;    /* segments left */
    f.b[rh + 8] = 0xfe; /* an address in the header */
    fb_udp(&f, 1, 2);
    fb_finish(&f);
    cr_assert_eq(fb_decode(&f, PL_LINK_ETHERNET, f.len, &pkt), PL_DEC_OK);
    cr_assert_eq(memcmp(pkt.dst, dst, 16), 0);
}

Test(ipv6, first_fragment_carries_ports)
{
    struct fb f;
    struct pl_pkt pkt;
    fb_init(&f);
    fb_eth(&f, FB_ET_IPV6);
    fb_ipv6(&f, PL_IPPROTO_FRAGMENT);
    fb_ipv6_frag(&f, PL_IPPROTO_UDP, 0, true, 77);
    fb_udp(&f, 500, 501);
    fb_payload(&f, 1000);
    fb_finish(&f);
    cr_assert_eq(fb_decode(&f, PL_LINK_ETHERNET, f.len, &pkt), PL_DEC_OK);
    cr_assert_eq(pkt.frag, PL_FRAG_FIRST);
    cr_assert(pkt.frag_more);
    cr_assert_eq(pkt.frag_id, 77);
    cr_assert_eq(pkt.frag_proto, PL_IPPROTO_UDP);
    cr_assert_eq(pkt.layer, PL_LAYER_L4);
    cr_assert_eq(pkt.sport, 500);
    assert_sweep(&f, f.l4_off + UDP_NEED);
}

Test(ipv6, later_fragment_stops_the_walk)
{
    struct fb f;
    struct pl_pkt pkt;
    fb_init(&f);
    fb_eth(&f, FB_ET_IPV6);
    fb_ipv6(&f, PL_IPPROTO_HOPOPTS);
    fb_ipv6_ext(&f, PL_IPPROTO_HOPOPTS, PL_IPPROTO_FRAGMENT, 0);
    fb_ipv6_frag(&f, PL_IPPROTO_TCP, 181, false, 0x01020304);
    fb_payload(&f, 2); /* not a TCP header: the middle of the payload */
    fb_finish(&f);
    cr_assert_eq(fb_decode(&f, PL_LINK_ETHERNET, f.len, &pkt), PL_DEC_OK);
    cr_assert_eq(pkt.frag, PL_FRAG_LATER);
    cr_assert(!pkt.frag_more);
    cr_assert_eq(pkt.layer, PL_LAYER_L3);
    cr_assert_eq(pkt.frag_id, 0x01020304u);
    cr_assert_eq(pkt.frag_proto, PL_IPPROTO_TCP);
    cr_assert_eq(pkt.l4_proto, PL_IPPROTO_TCP);
    cr_assert_eq(pkt.ip_len, 40 + 8 + 8 + 2);
    cr_assert_eq(pkt.sport, 0);
    assert_sweep(&f, 54 + 16);
}

Test(ipv6, later_fragment_of_icmpv6_is_other_ip)
{
    struct fb f;
    struct pl_pkt pkt;
    fb_init(&f);
    fb_eth(&f, FB_ET_IPV6);
    fb_ipv6(&f, PL_IPPROTO_FRAGMENT);
    fb_ipv6_frag(&f, 58, 100, true, 5);
    fb_payload(&f, 64);
    fb_finish(&f);
    cr_assert_eq(fb_decode(&f, PL_LINK_ETHERNET, f.len, &pkt), PL_DEC_OTHER_IP);
    cr_assert_eq(pkt.l4_proto, 58);
    cr_assert_eq(pkt.frag, PL_FRAG_LATER);
}

/* Regression (review): Frag(nh=60) / DestOpts / UDP split in fragments; the later ones
 * counted in other_ip {"60"} instead of the UDP flow whose first fragment registered them. */
Test(ipv6, later_fragment_naming_an_extension_header_goes_to_the_flow_stage)
{
    struct fb f;
    struct pl_pkt pkt;
    fb_init(&f);
    fb_eth(&f, FB_ET_IPV6);
    fb_ipv6(&f, PL_IPPROTO_FRAGMENT);
    fb_ipv6_frag(&f, PL_IPPROTO_DSTOPTS, 100, true, 6);
    fb_payload(&f, 64);
    fb_finish(&f);
    cr_assert_eq(fb_decode(&f, PL_LINK_ETHERNET, f.len, &pkt), PL_DEC_OK);
    cr_assert_eq(pkt.frag, PL_FRAG_LATER);
    cr_assert_eq(pkt.frag_proto, PL_IPPROTO_DSTOPTS);
    cr_assert_eq(pkt.frag_id, 6u);
    cr_assert_eq(pkt.sport, 0);
}

Test(ipv6, atomic_fragment_is_not_a_fragment)
{
    struct fb f;
    struct pl_pkt pkt;
    fb_init(&f);
    fb_eth(&f, FB_ET_IPV6);
    fb_ipv6(&f, PL_IPPROTO_FRAGMENT);
    fb_ipv6_frag(&f, PL_IPPROTO_TCP, 0, false, 9);
    fb_tcp(&f, 1, 2, PL_TCP_ACK);
    fb_finish(&f);
    cr_assert_eq(fb_decode(&f, PL_LINK_ETHERNET, f.len, &pkt), PL_DEC_OK);
    cr_assert_eq(pkt.frag, PL_FRAG_NONE);
    cr_assert_eq(pkt.layer, PL_LAYER_L4);
}

Test(ipv6, esp_no_next_header_and_icmpv6_are_other_ip)
{
    static const uint8_t protos[] = {PL_IPPROTO_ESP, PL_IPPROTO_NONE, 58, 135, 4, 41};
    for (size_t i = 0; i < sizeof protos; i++) {
        struct fb f;
        struct pl_pkt pkt;
        fb_init(&f);
        fb_eth(&f, FB_ET_IPV6);
        fb_ipv6(&f, PL_IPPROTO_DSTOPTS);
        fb_ipv6_ext(&f, PL_IPPROTO_DSTOPTS, protos[i], 0);
        fb_payload(&f, 24);
        fb_finish(&f);
        cr_assert_eq(fb_decode(&f, PL_LINK_ETHERNET, f.len, &pkt), PL_DEC_OTHER_IP, "%u",
                     protos[i]);
        cr_assert_eq(pkt.l4_proto, protos[i]);
        cr_assert_eq(pkt.ip_len, 40 + 8 + 24);
    }
}

Test(ipv6, too_many_extension_headers_is_malformed)
{
    struct fb f;
    struct pl_pkt pkt;
    fb_init(&f);
    fb_eth(&f, FB_ET_IPV6);
    fb_ipv6(&f, PL_IPPROTO_DSTOPTS);
    for (int i = 0; i < PL_IPV6_EXT_MAX - 1; i++)
        fb_ipv6_ext(&f, PL_IPPROTO_DSTOPTS, PL_IPPROTO_DSTOPTS, 0);
    fb_ipv6_ext(&f, PL_IPPROTO_DSTOPTS, PL_IPPROTO_UDP, 0);
    fb_udp(&f, 1, 2);
    fb_finish(&f);
    cr_assert_eq(fb_decode(&f, PL_LINK_ETHERNET, f.len, &pkt), PL_DEC_OK);

    fb_init(&f);
    fb_eth(&f, FB_ET_IPV6);
    fb_ipv6(&f, PL_IPPROTO_DSTOPTS);
    for (int i = 0; i < PL_IPV6_EXT_MAX; i++)
        fb_ipv6_ext(&f, PL_IPPROTO_DSTOPTS, PL_IPPROTO_DSTOPTS, 0);
    fb_ipv6_ext(&f, PL_IPPROTO_DSTOPTS, PL_IPPROTO_UDP, 0);
    fb_udp(&f, 1, 2);
    fb_finish(&f);
    cr_assert_eq(fb_decode(&f, PL_LINK_ETHERNET, f.len, &pkt), PL_DEC_MALFORMED);
    cr_assert_eq(pkt.anomalies, PL_ANOM_IPV6_EXT_TOO_DEEP);
}

struct plen_case {
    char what[48];
    uint8_t first_nh;
    uint16_t plen;
    enum pl_decode_status want;
    uint32_t anom;
};

/* Frame: IPv6, hop-by-hop (8 bytes), UDP (8), payload 4: payload length 20. */
ParameterizedTestParameters(ipv6, malformed_lengths)
{
    static struct plen_case cases[] = {
        {"payload length 0", PL_IPPROTO_HOPOPTS, 0, PL_DEC_MALFORMED, PL_ANOM_IPV6_PLEN_ZERO},
        {"1: ext header cut by length", PL_IPPROTO_HOPOPTS, 1, PL_DEC_MALFORMED,
         PL_ANOM_IPV6_EXT_LEN | PL_ANOM_TRAILER},
        {"7: ext header past length", PL_IPPROTO_HOPOPTS, 7, PL_DEC_MALFORMED,
         PL_ANOM_IPV6_EXT_LEN | PL_ANOM_TRAILER},
        {"8: no room for UDP", PL_IPPROTO_HOPOPTS, 8, PL_DEC_MALFORMED,
         PL_ANOM_L4_SHORT | PL_ANOM_TRAILER},
        {"15: UDP header short", PL_IPPROTO_HOPOPTS, 15, PL_DEC_MALFORMED,
         PL_ANOM_L4_SHORT | PL_ANOM_TRAILER},
        {"16: bare UDP header", PL_IPPROTO_HOPOPTS, 16, PL_DEC_OK,
         PL_ANOM_TRAILER | PL_ANOM_UDP_LEN},
        {"20: exact", PL_IPPROTO_HOPOPTS, 20, PL_DEC_OK, 0},
        {"2000: longer than captured", PL_IPPROTO_HOPOPTS, 2000, PL_DEC_OK, PL_ANOM_UDP_LEN},
        {"fragment header past length", PL_IPPROTO_FRAGMENT, 7, PL_DEC_MALFORMED,
         PL_ANOM_IPV6_EXT_LEN | PL_ANOM_TRAILER},
    };
    return cr_make_param_array(struct plen_case, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(struct plen_case *tc, ipv6, malformed_lengths)
{
    struct fb f;
    struct pl_pkt pkt;
    fb_init(&f);
    fb_eth(&f, FB_ET_IPV6);
    fb_ipv6(&f, tc->first_nh);
    if (tc->first_nh == PL_IPPROTO_FRAGMENT)
        fb_ipv6_frag(&f, PL_IPPROTO_UDP, 0, false, 1);
    else
        fb_ipv6_ext(&f, PL_IPPROTO_HOPOPTS, PL_IPPROTO_UDP, 0);
    fb_udp(&f, 1, 2);
    fb_payload(&f, 4);
    fb_finish(&f);
    fb_put_be16(&f, f.ip_off + 4, tc->plen);
    cr_assert_eq(fb_decode(&f, PL_LINK_ETHERNET, f.len, &pkt), tc->want, "%s", tc->what);
    cr_assert_eq(pkt.anomalies, tc->anom, "%s: anomalies 0x%x", tc->what, pkt.anomalies);
}

Test(ipv6, extension_header_cut_by_capture_is_truncated)
{
    struct fb f;
    struct pl_pkt pkt;
    fb_init(&f);
    fb_eth(&f, FB_ET_IPV6);
    fb_ipv6(&f, PL_IPPROTO_DSTOPTS);
    fb_ipv6_ext(&f, PL_IPPROTO_DSTOPTS, PL_IPPROTO_TCP, 10);
    fb_tcp(&f, 1, 2, 0);
    fb_finish(&f);
    for (size_t cap = 54; cap < 54 + 88; cap++)
        cr_assert_eq(fb_decode(&f, PL_LINK_ETHERNET, cap, &pkt), PL_DEC_TRUNCATED, "%zu", cap);
}

Test(ipv6, version_nibble_must_be_6)
{
    struct fb f;
    struct pl_pkt pkt;
    fb_eth_ipv6_udp(&f, 1, 2, 10);
    f.b[f.ip_off] = 0x70;
    cr_assert_eq(fb_decode(&f, PL_LINK_ETHERNET, f.len, &pkt), PL_DEC_MALFORMED);
    cr_assert_eq(pkt.anomalies, PL_ANOM_IP_VERSION);
    cr_assert_eq(fb_decode(&f, PL_LINK_ETHERNET, 14 + 39, &pkt), PL_DEC_TRUNCATED);
}
