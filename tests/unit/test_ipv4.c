/* tests/unit/test_ipv4.c — IPv4 header, options, lengths, TSO, fragments (RFC 791; SPEC §8). */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <string.h>

#include "frames.h"

static void
build_tcp(struct fb *f, size_t opt_words, size_t payload)
{
    fb_init(f);
    fb_eth(f, FB_ET_IPV4);
    fb_ipv4(f, PL_IPPROTO_TCP, opt_words);
    fb_tcp(f, 1025, 80, PL_TCP_SYN | PL_TCP_ACK);
    fb_payload(f, payload);
    fb_finish(f);
}

static void
build_udp(struct fb *f, size_t payload)
{
    fb_init(f);
    fb_eth(f, FB_ET_IPV4);
    fb_ipv4(f, PL_IPPROTO_UDP, 0);
    fb_udp(f, 53, 33000);
    fb_payload(f, payload);
    fb_finish(f);
}

Test(ipv4, decodes_addresses_lengths_and_offsets)
{
    static const uint8_t src[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 0, 0, 1};
    static const uint8_t dst[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 0, 0, 2};
    struct fb f;
    struct pl_pkt pkt;
    build_tcp(&f, 0, 100);
    cr_assert_eq(fb_decode(&f, PL_LINK_ETHERNET, f.len, &pkt), PL_DEC_OK);
    cr_assert_eq(memcmp(pkt.src, src, 16), 0);
    cr_assert_eq(memcmp(pkt.dst, dst, 16), 0);
    cr_assert_eq(pkt.ip_version, 4);
    cr_assert_eq(pkt.l4_proto, PL_IPPROTO_TCP);
    cr_assert_eq(pkt.ip_len, 20 + 20 + 100);
    cr_assert_eq(pkt.l4_len, 20 + 100);
    cr_assert_eq(pkt.l3_off, 14);
    cr_assert_eq(pkt.l4_off, 34);
    cr_assert_eq(pkt.frag, PL_FRAG_NONE);
    cr_assert_eq(pkt.frag_id, 0x1234);
    cr_assert_eq(pkt.tcp_flags, PL_TCP_SYN | PL_TCP_ACK);
    cr_assert_eq(pkt.payload_len, 100);
    cr_assert_eq(pkt.ts_us, 1700000000000000u);
    cr_assert_eq(pkt.anomalies, 0);
}

Test(ipv4, options_are_skipped)
{
    for (size_t words = 1; words <= 10; words++) {
        struct fb f;
        struct pl_pkt pkt;
        build_tcp(&f, words, 5);
        cr_assert_eq(fb_decode(&f, PL_LINK_ETHERNET, f.len, &pkt), PL_DEC_OK, "%zu", words);
        cr_assert_eq(pkt.l4_off, 34 + words * 4);
        cr_assert_eq(pkt.sport, 1025);
        cr_assert_eq(pkt.dport, 80);
        cr_assert_eq(pkt.l4_len, 25);

        enum pl_decode_status got;
        size_t bad = fb_sweep(&f, PL_LINK_ETHERNET, f.l4_off + 14, &got);
        cr_assert_eq(bad, SIZE_MAX, "options %zu prefix %zu: %s", words, bad,
                     pl_decode_status_name(got));
    }
}

Test(ipv4, header_only_capture_still_yields_ports_and_declared_bytes)
{
    struct fb f;
    struct pl_pkt pkt;
    build_tcp(&f, 0, 1400);
    cr_assert_eq(fb_decode(&f, PL_LINK_ETHERNET, 68, &pkt), PL_DEC_OK);
    cr_assert_eq(pkt.ip_len, 1440);
    cr_assert_eq(pkt.payload_len, 68 - 54);
}

Test(ipv4, ethernet_padding_is_clamped_off)
{
    struct fb f;
    struct pl_pkt pkt;
    build_udp(&f, 0);
    fb_zero(&f, 18); /* pad to 60 bytes */
    cr_assert_eq(fb_decode(&f, PL_LINK_ETHERNET, f.len, &pkt), PL_DEC_OK);
    cr_assert_eq(pkt.ip_len, 28);
    cr_assert_eq(pkt.payload_len, 0);
    cr_assert_eq(pkt.anomalies, PL_ANOM_TRAILER);
}

struct hdr_case {
    char what[48];
    size_t off;     /* from the IP header */
    uint16_t value; /* written big-endian at off (byte when is_byte) */
    bool is_byte;
    enum pl_decode_status want;
    uint32_t anom;
};

ParameterizedTestParameters(ipv4, malformed_fields)
{
    static struct hdr_case cases[] = {
        {"version 6", 0, 0x65, true, PL_DEC_MALFORMED, PL_ANOM_IP_VERSION},
        {"version 0", 0, 0x05, true, PL_DEC_MALFORMED, PL_ANOM_IP_VERSION},
        {"version 15", 0, 0xf5, true, PL_DEC_MALFORMED, PL_ANOM_IP_VERSION},
        {"ihl 0", 0, 0x40, true, PL_DEC_MALFORMED, PL_ANOM_IPV4_IHL},
        {"ihl 4", 0, 0x44, true, PL_DEC_MALFORMED, PL_ANOM_IPV4_IHL},
        {"total length 1", 2, 1, false, PL_DEC_MALFORMED, PL_ANOM_IPV4_TOTLEN},
        {"total length 19", 2, 19, false, PL_DEC_MALFORMED, PL_ANOM_IPV4_TOTLEN},
        {"total length 20: no TCP header", 2, 20, false, PL_DEC_MALFORMED,
         PL_ANOM_L4_SHORT | PL_ANOM_TRAILER},
        {"total length 39: TCP header short", 2, 39, false, PL_DEC_MALFORMED,
         PL_ANOM_L4_SHORT | PL_ANOM_TRAILER},
        {"total length 40: bare TCP header", 2, 40, false, PL_DEC_OK, PL_ANOM_TRAILER},
        {"ihl 15 beyond total length", 0, 0x4f, true, PL_DEC_MALFORMED, PL_ANOM_L4_SHORT},
        {"total length above capture", 2, 9000, false, PL_DEC_OK, 0},
    };
    return cr_make_param_array(struct hdr_case, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(struct hdr_case *tc, ipv4, malformed_fields)
{
    struct fb f;
    struct pl_pkt pkt;
    build_tcp(&f, 0, 20);
    if (tc->is_byte)
        f.b[f.ip_off + tc->off] = (uint8_t)tc->value;
    else
        fb_put_be16(&f, f.ip_off + tc->off, tc->value);
    cr_assert_eq(fb_decode(&f, PL_LINK_ETHERNET, f.len, &pkt), tc->want, "%s", tc->what);
    cr_assert_eq(pkt.anomalies, tc->anom, "%s: anomalies 0x%x", tc->what, pkt.anomalies);
}

Test(ipv4, fixed_header_cut_is_truncated_before_fields_are_judged)
{
    struct fb f;
    struct pl_pkt pkt;
    build_tcp(&f, 0, 0);
    f.b[f.ip_off] = 0x65; /* version 6: but only 19 bytes of the header are captured */
    cr_assert_eq(fb_decode(&f, PL_LINK_ETHERNET, 14 + 19, &pkt), PL_DEC_TRUNCATED);
}

Test(ipv4, declared_length_is_judged_before_options_are_captured)
{
    struct fb f;
    struct pl_pkt pkt;
    build_tcp(&f, 2, 0);               /* IHL 7 */
    fb_put_be16(&f, f.ip_off + 2, 24); /* below the 28-byte header */
    cr_assert_eq(fb_decode(&f, PL_LINK_ETHERNET, 14 + 22, &pkt), PL_DEC_MALFORMED);
    cr_assert_eq(pkt.anomalies, PL_ANOM_IPV4_TOTLEN);

    build_tcp(&f, 2, 0);
    cr_assert_eq(fb_decode(&f, PL_LINK_ETHERNET, 14 + 22, &pkt), PL_DEC_TRUNCATED);
}

Test(ipv4, total_length_zero_is_segmentation_offload)
{
    struct fb f;
    struct pl_pkt pkt;
    build_tcp(&f, 0, 3000);
    fb_put_be16(&f, f.ip_off + 2, 0);
    cr_assert_eq(fb_decode(&f, PL_LINK_ETHERNET, 200, &pkt), PL_DEC_OK);
    cr_assert_eq(pkt.ip_len, f.len - 14);
    cr_assert_eq(pkt.l4_len, f.len - 14 - 20);
    cr_assert_eq(pkt.sport, 1025);
    cr_assert_eq(pkt.anomalies, PL_ANOM_IPV4_TSO);
}

Test(ipv4, total_length_zero_any_protocol_counts)
{
    struct fb f;
    struct pl_pkt pkt;
    fb_init(&f);
    fb_eth(&f, FB_ET_IPV4);
    fb_ipv4(&f, 1 /* ICMP */, 0);
    fb_payload(&f, 64);
    cr_assert_eq(fb_decode(&f, PL_LINK_ETHERNET, f.len, &pkt), PL_DEC_OTHER_IP);
    cr_assert_eq(pkt.ip_len, 84);
    cr_assert_eq(pkt.l4_proto, 1);
}

Test(ipv4, offload_with_wire_shorter_than_header_is_malformed)
{
    struct fb f;
    struct pl_pkt pkt;
    build_udp(&f, 0);
    fb_put_be16(&f, f.ip_off + 2, 0);
    struct pl_frame fr = {
        .data = f.b, .cap_len = (uint32_t)f.len, .wire_len = 20, .link = PL_LINK_ETHERNET};
    cr_assert_eq(pl_decode_frame(&fr, &pkt), PL_DEC_MALFORMED);
    cr_assert_eq(pkt.anomalies & PL_ANOM_IPV4_TOTLEN, PL_ANOM_IPV4_TOTLEN);
}

Test(ipv4, first_fragment_carries_ports)
{
    struct fb f;
    struct pl_pkt pkt;
    build_udp(&f, 1472);
    fb_ipv4_frag(&f, 0, true);
    cr_assert_eq(fb_decode(&f, PL_LINK_ETHERNET, f.len, &pkt), PL_DEC_OK);
    cr_assert_eq(pkt.frag, PL_FRAG_FIRST);
    cr_assert(pkt.frag_more);
    cr_assert_eq(pkt.frag_id, 0x1234);
    cr_assert_eq(pkt.frag_proto, PL_IPPROTO_UDP);
    cr_assert_eq(pkt.layer, PL_LAYER_L4);
    cr_assert_eq(pkt.sport, 53);
    cr_assert_eq(pkt.anomalies, 0); /* UDP length covers the whole datagram: no mismatch */
}

Test(ipv4, later_fragment_has_no_ports)
{
    struct fb f;
    struct pl_pkt pkt;
    fb_init(&f);
    fb_eth(&f, FB_ET_IPV4);
    fb_ipv4(&f, PL_IPPROTO_UDP, 0);
    fb_payload(&f, 3); /* shorter than any transport header: fine for a later fragment */
    fb_finish(&f);
    fb_ipv4_frag(&f, 185, false);
    cr_assert_eq(fb_decode(&f, PL_LINK_ETHERNET, f.len, &pkt), PL_DEC_OK);
    cr_assert_eq(pkt.frag, PL_FRAG_LATER);
    cr_assert(!pkt.frag_more);
    cr_assert_eq(pkt.layer, PL_LAYER_L3);
    cr_assert_eq(pkt.sport, 0);
    cr_assert_eq(pkt.dport, 0);
    cr_assert_eq(pkt.ip_len, 23);
    cr_assert_eq(pkt.frag_id, 0x1234);
    cr_assert_eq(pkt.frag_proto, PL_IPPROTO_UDP);

    enum pl_decode_status got;
    size_t bad = fb_sweep(&f, PL_LINK_ETHERNET, 34, &got);
    cr_assert_eq(bad, SIZE_MAX, "prefix %zu: %s", bad, pl_decode_status_name(got));
}

Test(ipv4, later_fragment_of_other_protocol_is_other_ip)
{
    struct fb f;
    struct pl_pkt pkt;
    fb_init(&f);
    fb_eth(&f, FB_ET_IPV4);
    fb_ipv4(&f, 47 /* GRE */, 0);
    fb_payload(&f, 100);
    fb_finish(&f);
    fb_ipv4_frag(&f, 10, true);
    cr_assert_eq(fb_decode(&f, PL_LINK_ETHERNET, f.len, &pkt), PL_DEC_OTHER_IP);
    cr_assert_eq(pkt.frag, PL_FRAG_LATER);
    cr_assert_eq(pkt.l4_proto, 47);
}

Test(ipv4, tiny_first_fragment_is_judged_on_its_own_length)
{
    struct fb f;
    struct pl_pkt pkt;
    fb_init(&f);
    fb_eth(&f, FB_ET_IPV4);
    fb_ipv4(&f, PL_IPPROTO_TCP, 0);
    fb_payload(&f, 8); /* 8 bytes of a TCP header, rest in the next fragment */
    fb_finish(&f);
    fb_ipv4_frag(&f, 0, true);
    cr_assert_eq(fb_decode(&f, PL_LINK_ETHERNET, f.len, &pkt), PL_DEC_MALFORMED);
    cr_assert_eq(pkt.anomalies, PL_ANOM_L4_SHORT);
}

Test(ipv4, fragment_past_64k_is_flagged_soft)
{
    struct fb f;
    struct pl_pkt pkt;
    fb_init(&f);
    fb_eth(&f, FB_ET_IPV4);
    fb_ipv4(&f, PL_IPPROTO_UDP, 0);
    fb_payload(&f, 100);
    fb_finish(&f);
    fb_ipv4_frag(&f, 8190, false);
    cr_assert_eq(fb_decode(&f, PL_LINK_ETHERNET, f.len, &pkt), PL_DEC_OK);
    cr_assert_eq(pkt.anomalies, PL_ANOM_IPV4_FRAG_OFF);
}

Test(ipv4, protocols_that_are_not_transports_are_other_ip)
{
    static const uint8_t protos[] = {1,  2,   4,  41, 47, 50, 51 /* AH: not walked in IPv4 */,
                                     89, 103, 255};
    for (size_t i = 0; i < sizeof protos; i++) {
        struct fb f;
        struct pl_pkt pkt;
        fb_init(&f);
        fb_eth(&f, FB_ET_IPV4);
        fb_ipv4(&f, protos[i], 0);
        fb_payload(&f, 40);
        fb_finish(&f);
        cr_assert_eq(fb_decode(&f, PL_LINK_ETHERNET, f.len, &pkt), PL_DEC_OTHER_IP, "%u",
                     protos[i]);
        cr_assert_eq(pkt.l4_proto, protos[i]);
        cr_assert_eq(pkt.layer, PL_LAYER_L3);
        cr_assert_eq(pkt.ip_len, 60);
    }
}
