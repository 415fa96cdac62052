/* tests/unit/test_decode.c — the dispatcher: pkt reset, timestamps, names, frame-level facts,
 * and regression tests for bugs found by the corpus and the fuzzer. */
#include <criterion/criterion.h>
#include <string.h>

#include "frames.h"

Test(decode, zeroes_pkt_and_copies_timestamp)
{
    struct fb f;
    struct pl_pkt pkt;
    memset(&pkt, 0xa5, sizeof pkt);
    fb_init(&f);
    fb_eth(&f, FB_ET_ARP);
    fb_payload(&f, 28);
    cr_assert_eq(fb_decode(&f, PL_LINK_ETHERNET, f.len, &pkt), PL_DEC_NON_IP);
    cr_assert_eq(pkt.ts_us, 1700000000000000u);
    cr_assert_eq(pkt.sport, 0);
    cr_assert_eq(pkt.ip_version, 0);
    cr_assert_eq(pkt.vlan_count, 0);
    cr_assert_eq(pkt.anomalies, 0);
    cr_assert_eq(pkt.ip_len, 0);
}

Test(decode, empty_frame_is_truncated_on_every_link)
{
    static const enum pl_linktype links[] = {PL_LINK_ETHERNET, PL_LINK_SLL,  PL_LINK_SLL2,
                                             PL_LINK_RAW,      PL_LINK_IPV4, PL_LINK_IPV6,
                                             PL_LINK_NULL,     PL_LINK_LOOP, PL_LINK_PPP};
    for (size_t i = 0; i < sizeof links / sizeof links[0]; i++) {
        struct pl_pkt pkt;
        struct pl_frame fr = {.data = NULL, .cap_len = 0, .wire_len = 0, .link = links[i]};
        cr_assert_eq(pl_decode_frame(&fr, &pkt), PL_DEC_TRUNCATED, "link %d", links[i]);
    }
}

Test(decode, caplen_above_wire_length_is_a_soft_anomaly)
{
    struct fb f;
    struct pl_pkt pkt;
    fb_eth_ipv4_tcp(&f, 1, 2, PL_TCP_ACK, 0);
    struct pl_frame fr = {
        .data = f.b, .cap_len = (uint32_t)f.len, .wire_len = 10, .link = PL_LINK_ETHERNET};
    cr_assert_eq(pl_decode_frame(&fr, &pkt), PL_DEC_OK);
    cr_assert_eq(pkt.anomalies, PL_ANOM_CAPLEN_GT_WIRE);
}

Test(decode, status_names_are_stable)
{
    cr_assert_str_eq(pl_decode_status_name(PL_DEC_OK), "ok");
    cr_assert_str_eq(pl_decode_status_name(PL_DEC_TRUNCATED), "truncated");
    cr_assert_str_eq(pl_decode_status_name(PL_DEC_MALFORMED), "malformed");
    cr_assert_str_eq(pl_decode_status_name(PL_DEC_NON_IP), "non_ip");
    cr_assert_str_eq(pl_decode_status_name(PL_DEC_OTHER_IP), "other_ip");
    cr_assert_str_eq(pl_decode_status_name(PL_DEC_UNSUPPORTED_LINK), "unsupported_link");
}

Test(decode, every_anomaly_bit_has_a_unique_layer_dot_name)
{
    const char *seen[32] = {0};
    size_t named = 0;
    for (unsigned i = 0; i < 32; i++) {
        const char *name = pl_anomaly_name(1u << i);
        if (name == NULL)
            continue;
        cr_assert_neq(strchr(name, '.'), NULL, "%s", name);
        for (size_t j = 0; j < named; j++)
            cr_assert_str_neq(seen[j], name);
        seen[named++] = name;
    }
    cr_assert_eq(named, 18);
    cr_assert_str_eq(pl_anomaly_name(PL_ANOM_UDP_LEN), "udp.len_mismatch");
    cr_assert_eq(pl_anomaly_name(0), NULL);
    cr_assert_eq(pl_anomaly_name(PL_ANOM_L4_SHORT | PL_ANOM_TRAILER), NULL);
}

Test(decode, layer_reflects_how_far_decoding_got)
{
    struct fb f;
    struct pl_pkt pkt;
    fb_eth_ipv4_tcp(&f, 1, 2, PL_TCP_ACK, 0);
    cr_assert_eq(fb_decode(&f, PL_LINK_ETHERNET, f.len, &pkt), PL_DEC_OK);
    cr_assert_eq(pkt.layer, PL_LAYER_L4);
    cr_assert_eq(fb_decode(&f, PL_LINK_ETHERNET, 40, &pkt), PL_DEC_TRUNCATED);
    cr_assert_eq(pkt.layer, PL_LAYER_L3);
    cr_assert_eq(fb_decode(&f, PL_LINK_ETHERNET, 20, &pkt), PL_DEC_TRUNCATED);
    cr_assert_eq(pkt.layer, PL_LAYER_L2);
    cr_assert_eq(fb_decode(&f, PL_LINK_ETHERNET, 10, &pkt), PL_DEC_TRUNCATED);
    cr_assert_eq(pkt.layer, PL_LAYER_NONE);
}
