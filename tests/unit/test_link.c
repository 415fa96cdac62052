/* tests/unit/test_link.c — link layers and encapsulations (SPEC §3, §8): Ethernet,
 * VLAN stacks, MPLS, PPPoE, SLL, SLL2, NULL, LOOP, PPP, raw IP. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include "frames.h"

#define TCP_NEED 14u

static void
add_ipv4_tcp(struct fb *f)
{
    fb_ipv4(f, PL_IPPROTO_TCP, 0);
    fb_tcp(f, 40000, 443, PL_TCP_SYN);
    fb_payload(f, 10);
    fb_finish(f);
}

static void
add_ipv6_udp(struct fb *f)
{
    fb_ipv6(f, PL_IPPROTO_UDP);
    fb_udp(f, 5353, 53);
    fb_payload(f, 10);
    fb_finish(f);
}

static void
assert_sweep(const struct fb *f, enum pl_linktype link, size_t ok_from)
{
    enum pl_decode_status got = PL_DEC_OK;
    size_t bad = fb_sweep(f, link, ok_from, &got);
    cr_assert_eq(bad, SIZE_MAX, "prefix %zu: got %s (OK expected from %zu)", bad,
                 pl_decode_status_name(got), ok_from);
}

static void
assert_tcp_ok(const struct fb *f, enum pl_linktype link, struct pl_pkt *pkt)
{
    cr_assert_eq(fb_decode(f, link, f->len, pkt), PL_DEC_OK);
    cr_assert_eq(pkt->layer, PL_LAYER_L4);
    cr_assert_eq(pkt->ip_version, 4);
    cr_assert_eq(pkt->sport, 40000);
    cr_assert_eq(pkt->dport, 443);
    cr_assert_eq(pkt->l3_off, f->ip_off);
    cr_assert_eq(pkt->l4_off, f->l4_off);
}

/* --- Ethernet --------------------------------------------------------------------------- */

Test(eth, decodes_untagged_ipv4_tcp)
{
    struct fb f;
    struct pl_pkt pkt;
    fb_init(&f);
    fb_eth(&f, FB_ET_IPV4);
    add_ipv4_tcp(&f);
    assert_tcp_ok(&f, PL_LINK_ETHERNET, &pkt);
    cr_assert_eq(pkt.vlan_count, 0);
    assert_sweep(&f, PL_LINK_ETHERNET, f.l4_off + TCP_NEED);
}

Test(eth, decodes_ipv6_udp)
{
    struct fb f;
    struct pl_pkt pkt;
    fb_init(&f);
    fb_eth(&f, FB_ET_IPV6);
    add_ipv6_udp(&f);
    cr_assert_eq(fb_decode(&f, PL_LINK_ETHERNET, f.len, &pkt), PL_DEC_OK);
    cr_assert_eq(pkt.ip_version, 6);
    cr_assert_eq(pkt.l4_proto, PL_IPPROTO_UDP);
    cr_assert_eq(pkt.sport, 5353);
    cr_assert_eq(pkt.dport, 53);
    assert_sweep(&f, PL_LINK_ETHERNET, f.l4_off + 4);
}

struct et_case {
    uint16_t type;
    enum pl_decode_status want;
};

ParameterizedTestParameters(eth, non_ip_ethertypes)
{
    static struct et_case cases[] = {
        {FB_ET_ARP, PL_DEC_NON_IP},        {0x0026, PL_DEC_NON_IP}, /* 802.3 length: LLC follows */
        {0x05dc, PL_DEC_NON_IP},                                    /* largest 802.3 length */
        {0x88cc, PL_DEC_NON_IP},                                    /* LLDP */
        {FB_ET_PPPOE_DISC, PL_DEC_NON_IP}, {0x0000, PL_DEC_NON_IP}, {0xffff, PL_DEC_NON_IP},
    };
    return cr_make_param_array(struct et_case, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(struct et_case *tc, eth, non_ip_ethertypes)
{
    struct fb f;
    struct pl_pkt pkt;
    fb_init(&f);
    fb_eth(&f, tc->type);
    fb_payload(&f, 46);
    cr_assert_eq(fb_decode(&f, PL_LINK_ETHERNET, f.len, &pkt), tc->want, "type 0x%04x", tc->type);
    cr_assert_eq(pkt.layer, PL_LAYER_L2);
}

Test(eth, ethertype_ipv4_carrying_version_6_is_malformed)
{
    struct fb f;
    struct pl_pkt pkt;
    fb_init(&f);
    fb_eth(&f, FB_ET_IPV4);
    add_ipv6_udp(&f);
    cr_assert_eq(fb_decode(&f, PL_LINK_ETHERNET, f.len, &pkt), PL_DEC_MALFORMED);
    cr_assert_eq(pkt.anomalies & PL_ANOM_IP_VERSION, PL_ANOM_IP_VERSION);
}

Test(eth, ethertype_ipv6_carrying_version_4_is_malformed)
{
    struct fb f;
    struct pl_pkt pkt;
    fb_init(&f);
    fb_eth(&f, FB_ET_IPV6);
    add_ipv4_tcp(&f);
    fb_payload(&f, 40);
    cr_assert_eq(fb_decode(&f, PL_LINK_ETHERNET, f.len, &pkt), PL_DEC_MALFORMED);
    cr_assert_eq(pkt.anomalies & PL_ANOM_IP_VERSION, PL_ANOM_IP_VERSION);
}

/* --- VLAN -------------------------------------------------------------------------------- */

Test(vlan, single_8021q_tag_records_vid)
{
    struct fb f;
    struct pl_pkt pkt;
    fb_init(&f);
    fb_eth(&f, FB_ET_8021Q);
    fb_vlan(&f, 0xe064, FB_ET_IPV4); /* PCP 7, VID 100 */
    add_ipv4_tcp(&f);
    assert_tcp_ok(&f, PL_LINK_ETHERNET, &pkt);
    cr_assert_eq(pkt.vlan_count, 1);
    cr_assert_eq(pkt.vlan[0], 100);
    assert_sweep(&f, PL_LINK_ETHERNET, f.l4_off + TCP_NEED);
}

Test(vlan, qinq_records_outermost_first)
{
    struct fb f;
    struct pl_pkt pkt;
    fb_init(&f);
    fb_eth(&f, FB_ET_8021AD);
    fb_vlan(&f, 200, FB_ET_8021Q);
    fb_vlan(&f, 300, FB_ET_IPV6);
    add_ipv6_udp(&f);
    cr_assert_eq(fb_decode(&f, PL_LINK_ETHERNET, f.len, &pkt), PL_DEC_OK);
    cr_assert_eq(pkt.vlan_count, 2);
    cr_assert_eq(pkt.vlan[0], 200);
    cr_assert_eq(pkt.vlan[1], 300);
    assert_sweep(&f, PL_LINK_ETHERNET, f.l4_off + 4);
}

Test(vlan, tpid_9100_and_mixed_stack)
{
    struct fb f;
    struct pl_pkt pkt;
    fb_init(&f);
    fb_eth(&f, FB_ET_9100);
    fb_vlan(&f, 4094, FB_ET_8021AD);
    fb_vlan(&f, 5, FB_ET_8021Q);
    fb_vlan(&f, 6, FB_ET_IPV4);
    add_ipv4_tcp(&f);
    assert_tcp_ok(&f, PL_LINK_ETHERNET, &pkt);
    cr_assert_eq(pkt.vlan_count, 3);
    cr_assert_eq(pkt.vlan[0], 4094);
    cr_assert_eq(pkt.vlan[1], 5);
    cr_assert_eq(pkt.vlan[2], 6);
}

Test(vlan, priority_tag_counts_as_tagged_with_vid_0)
{
    struct fb f;
    struct pl_pkt pkt;
    fb_init(&f);
    fb_eth(&f, FB_ET_8021Q);
    fb_vlan(&f, 0xa000, FB_ET_IPV4); /* PCP 5, VID 0 */
    add_ipv4_tcp(&f);
    assert_tcp_ok(&f, PL_LINK_ETHERNET, &pkt);
    cr_assert_eq(pkt.vlan_count, 1);
    cr_assert_eq(pkt.vlan[0], 0);
}

Test(vlan, max_depth_decodes_and_one_more_is_malformed)
{
    struct fb f;
    struct pl_pkt pkt;
    fb_init(&f);
    fb_eth(&f, FB_ET_8021Q);
    for (int i = 0; i < PL_VLAN_MAX - 1; i++)
        fb_vlan(&f, (uint16_t)(10 + i), FB_ET_8021Q);
    fb_vlan(&f, 99, FB_ET_IPV4);
    add_ipv4_tcp(&f);
    assert_tcp_ok(&f, PL_LINK_ETHERNET, &pkt);
    cr_assert_eq(pkt.vlan_count, PL_VLAN_MAX);
    cr_assert_eq(pkt.vlan[PL_VLAN_MAX - 1], 99);

    fb_init(&f);
    fb_eth(&f, FB_ET_8021Q);
    for (int i = 0; i < PL_VLAN_MAX; i++)
        fb_vlan(&f, (uint16_t)(10 + i), FB_ET_8021Q);
    fb_vlan(&f, 99, FB_ET_IPV4);
    add_ipv4_tcp(&f);
    cr_assert_eq(fb_decode(&f, PL_LINK_ETHERNET, f.len, &pkt), PL_DEC_MALFORMED);
    cr_assert_eq(pkt.anomalies, PL_ANOM_VLAN_TOO_DEEP);
}

Test(vlan, tag_before_arp_is_non_ip)
{
    struct fb f;
    struct pl_pkt pkt;
    fb_init(&f);
    fb_eth(&f, FB_ET_8021Q);
    fb_vlan(&f, 7, FB_ET_ARP);
    fb_payload(&f, 28);
    cr_assert_eq(fb_decode(&f, PL_LINK_ETHERNET, f.len, &pkt), PL_DEC_NON_IP);
    cr_assert_eq(pkt.vlan_count, 1);
}

/* --- MPLS -------------------------------------------------------------------------------- */

/* A one-label stack over a pseudowire control word: the first nibble is 0, not IP. */
static void
add_mpls_pseudowire(struct fb *f)
{
    fb_mpls(f, 100, true);
    fb_u8(f, 0x00); /* pseudowire control word */
    fb_payload(f, 40);
}

/* A stack one label deeper than PL_MPLS_MAX, then IPv4/TCP. */
static void
add_mpls_too_deep_tcp(struct fb *f)
{
    for (int i = 0; i < PL_MPLS_MAX; i++)
        fb_mpls(f, (uint32_t)i, false);
    fb_mpls(f, 99, true);
    add_ipv4_tcp(f);
}

Test(mpls, label_stack_to_ipv4)
{
    struct fb f;
    struct pl_pkt pkt;
    fb_init(&f);
    fb_eth(&f, FB_ET_MPLS);
    fb_mpls(&f, 1000, false);
    fb_mpls(&f, 2000, false);
    fb_mpls(&f, 3000, true);
    add_ipv4_tcp(&f);
    assert_tcp_ok(&f, PL_LINK_ETHERNET, &pkt);
    cr_assert_eq(pkt.mpls_count, 3);
    assert_sweep(&f, PL_LINK_ETHERNET, f.l4_off + TCP_NEED);
}

Test(mpls, multicast_label_to_ipv6_behind_vlan)
{
    struct fb f;
    struct pl_pkt pkt;
    fb_init(&f);
    fb_eth(&f, FB_ET_8021Q);
    fb_vlan(&f, 42, FB_ET_MPLS_MC);
    fb_mpls(&f, 16, true);
    add_ipv6_udp(&f);
    cr_assert_eq(fb_decode(&f, PL_LINK_ETHERNET, f.len, &pkt), PL_DEC_OK);
    cr_assert_eq(pkt.ip_version, 6);
    cr_assert_eq(pkt.vlan[0], 42);
    cr_assert_eq(pkt.mpls_count, 1);
    assert_sweep(&f, PL_LINK_ETHERNET, f.l4_off + 4);
}

Test(mpls, payload_nibble_other_than_4_or_6_is_non_ip)
{
    struct fb f;
    struct pl_pkt pkt;
    fb_init(&f);
    fb_eth(&f, FB_ET_MPLS);
    add_mpls_pseudowire(&f);
    cr_assert_eq(fb_decode(&f, PL_LINK_ETHERNET, f.len, &pkt), PL_DEC_NON_IP);
}

Test(mpls, stack_deeper_than_limit_is_malformed)
{
    struct fb f;
    struct pl_pkt pkt;
    fb_init(&f);
    fb_eth(&f, FB_ET_MPLS);
    add_mpls_too_deep_tcp(&f);
    cr_assert_eq(fb_decode(&f, PL_LINK_ETHERNET, f.len, &pkt), PL_DEC_MALFORMED);
    cr_assert_eq(pkt.anomalies, PL_ANOM_MPLS_TOO_DEEP);
}

/* --- PPPoE ------------------------------------------------------------------------------- */

Test(pppoe, session_to_ipv4_and_ipv6)
{
    struct fb f;
    struct pl_pkt pkt;
    fb_init(&f);
    fb_eth(&f, FB_ET_PPPOE_SESS);
    fb_pppoe_sess(&f, 0x0021);
    add_ipv4_tcp(&f);
    assert_tcp_ok(&f, PL_LINK_ETHERNET, &pkt);
    assert_sweep(&f, PL_LINK_ETHERNET, f.l4_off + TCP_NEED);

    fb_init(&f);
    fb_eth(&f, FB_ET_PPPOE_SESS);
    fb_pppoe_sess(&f, 0x0057);
    add_ipv6_udp(&f);
    cr_assert_eq(fb_decode(&f, PL_LINK_ETHERNET, f.len, &pkt), PL_DEC_OK);
    cr_assert_eq(pkt.ip_version, 6);
    cr_assert_eq(pkt.l3_off, 14 + 8);
}

Test(pppoe, session_control_protocols_are_non_ip)
{
    static const uint16_t protos[] = {0xc021 /* LCP */, 0x8021 /* IPCP */, 0xc023 /* PAP */,
                                      0xc223 /* CHAP */, 0x8057 /* IPV6CP */};
    for (size_t i = 0; i < sizeof protos / sizeof protos[0]; i++) {
        struct fb f;
        struct pl_pkt pkt;
        fb_init(&f);
        fb_eth(&f, FB_ET_PPPOE_SESS);
        fb_pppoe_sess(&f, protos[i]);
        fb_payload(&f, 20);
        fb_finish(&f);
        cr_assert_eq(fb_decode(&f, PL_LINK_ETHERNET, f.len, &pkt), PL_DEC_NON_IP, "0x%04x",
                     protos[i]);
    }
}

Test(pppoe, discovery_is_non_ip)
{
    struct fb f;
    struct pl_pkt pkt;
    fb_init(&f);
    fb_eth(&f, FB_ET_PPPOE_DISC);
    fb_u8(&f, 0x11);
    fb_u8(&f, 0x09); /* PADI */
    fb_be16(&f, 0);
    fb_be16(&f, 0);
    cr_assert_eq(fb_decode(&f, PL_LINK_ETHERNET, f.len, &pkt), PL_DEC_NON_IP);
}

/* --- SLL / SLL2 -------------------------------------------------------------------------- */

Test(sll, ethertype_protocol_to_ipv4)
{
    struct fb f;
    struct pl_pkt pkt;
    fb_init(&f);
    fb_sll(&f, 1, FB_ET_IPV4);
    add_ipv4_tcp(&f);
    assert_tcp_ok(&f, PL_LINK_SLL, &pkt);
    cr_assert_eq(pkt.l3_off, 16);
    assert_sweep(&f, PL_LINK_SLL, f.l4_off + TCP_NEED);
}

Test(sll, vlan_tag_follows_as_on_ethernet)
{
    struct fb f;
    struct pl_pkt pkt;
    fb_init(&f);
    fb_sll(&f, 1, FB_ET_8021Q);
    fb_vlan(&f, 12, FB_ET_IPV6);
    add_ipv6_udp(&f);
    cr_assert_eq(fb_decode(&f, PL_LINK_SLL, f.len, &pkt), PL_DEC_OK);
    cr_assert_eq(pkt.vlan_count, 1);
    cr_assert_eq(pkt.vlan[0], 12);
}

Test(sll, linux_pseudo_protocols_and_netlink_are_non_ip)
{
    struct fb f;
    struct pl_pkt pkt;
    fb_init(&f);
    fb_sll(&f, 1, 0x0004); /* ETH_P_802_2: LLC */
    fb_payload(&f, 30);
    cr_assert_eq(fb_decode(&f, PL_LINK_SLL, f.len, &pkt), PL_DEC_NON_IP);

    fb_init(&f);
    fb_sll(&f, 824, 0x0800); /* ARPHRD_NETLINK: the protocol is a netlink family */
    fb_payload(&f, 30);
    cr_assert_eq(fb_decode(&f, PL_LINK_SLL, f.len, &pkt), PL_DEC_NON_IP);
}

Test(sll2, vlan_then_ipv4)
{
    struct fb f;
    struct pl_pkt pkt;
    fb_init(&f);
    fb_sll2(&f, 1, FB_ET_8021Q);
    fb_vlan(&f, 77, FB_ET_IPV4);
    add_ipv4_tcp(&f);
    assert_tcp_ok(&f, PL_LINK_SLL2, &pkt);
    cr_assert_eq(pkt.vlan_count, 1);
    cr_assert_eq(pkt.vlan[0], 77);
    cr_assert_eq(pkt.l3_off, 24);
    assert_sweep(&f, PL_LINK_SLL2, f.l4_off + TCP_NEED);
}

Test(sll2, ipv6_and_arp)
{
    struct fb f;
    struct pl_pkt pkt;
    fb_init(&f);
    fb_sll2(&f, 1, FB_ET_IPV6);
    add_ipv6_udp(&f);
    cr_assert_eq(fb_decode(&f, PL_LINK_SLL2, f.len, &pkt), PL_DEC_OK);
    cr_assert_eq(pkt.l3_off, 20);

    fb_init(&f);
    fb_sll2(&f, 1, FB_ET_ARP);
    fb_payload(&f, 28);
    cr_assert_eq(fb_decode(&f, PL_LINK_SLL2, f.len, &pkt), PL_DEC_NON_IP);
}

/* --- NULL / LOOP ------------------------------------------------------------------------- */

struct af_case {
    uint32_t family;
    int ip_version; /* 0: non-IP */
};

ParameterizedTestParameters(null, families_in_both_byte_orders)
{
    static struct af_case cases[] = {
        {2, 4}, {10, 6}, {24, 6}, {28, 6}, {30, 6}, {0, 0}, {1, 0}, {7, 0}, {23, 0}, {0x1e00, 0},
    };
    return cr_make_param_array(struct af_case, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(struct af_case *tc, null, families_in_both_byte_orders)
{
    for (int big = 0; big < 2; big++) {
        for (int loop = 0; loop < 2; loop++) {
            if (loop && !big)
                continue; /* LOOP is always network order */
            struct fb f;
            struct pl_pkt pkt;
            enum pl_linktype link = loop ? PL_LINK_LOOP : PL_LINK_NULL;
            fb_init(&f);
            if (big)
                fb_null_be(&f, tc->family);
            else
                fb_null_le(&f, tc->family);
            if (tc->ip_version == 6)
                add_ipv6_udp(&f);
            else
                add_ipv4_tcp(&f);
            enum pl_decode_status st = fb_decode(&f, link, f.len, &pkt);
            if (tc->ip_version == 0) {
                cr_assert_eq(st, PL_DEC_NON_IP, "family %u big %d loop %d", tc->family, big, loop);
                continue;
            }
            cr_assert_eq(st, PL_DEC_OK, "family %u big %d loop %d", tc->family, big, loop);
            cr_assert_eq(pkt.ip_version, tc->ip_version);
            cr_assert_eq(pkt.l3_off, 4);
            assert_sweep(&f, link, f.l4_off + (tc->ip_version == 6 ? 4 : TCP_NEED));
        }
    }
}

Test(loop, host_order_family_is_not_accepted_on_loop)
{
    struct fb f;
    struct pl_pkt pkt;
    fb_init(&f);
    fb_null_le(&f, 2); /* LOOP is network order: 0x02000000 is no family */
    add_ipv4_tcp(&f);
    cr_assert_eq(fb_decode(&f, PL_LINK_LOOP, f.len, &pkt), PL_DEC_NON_IP);
}

/* --- PPP --------------------------------------------------------------------------------- */

Test(ppp, with_and_without_address_control)
{
    for (int ac = 0; ac < 2; ac++) {
        struct fb f;
        struct pl_pkt pkt;
        fb_init(&f);
        fb_ppp(&f, ac != 0, 0x0021);
        add_ipv4_tcp(&f);
        assert_tcp_ok(&f, PL_LINK_PPP, &pkt);
        cr_assert_eq(pkt.l3_off, ac ? 4 : 2);
        assert_sweep(&f, PL_LINK_PPP, f.l4_off + TCP_NEED);

        fb_init(&f);
        fb_ppp(&f, ac != 0, 0x0057);
        add_ipv6_udp(&f);
        cr_assert_eq(fb_decode(&f, PL_LINK_PPP, f.len, &pkt), PL_DEC_OK);
        cr_assert_eq(pkt.ip_version, 6);
    }
}

Test(ppp, compressed_protocol_field)
{
    struct fb f;
    struct pl_pkt pkt;
    fb_init(&f);
    fb_u8(&f, 0x21); /* PFC: one-byte protocol */
    add_ipv4_tcp(&f);
    assert_tcp_ok(&f, PL_LINK_PPP, &pkt);
    cr_assert_eq(pkt.l3_off, 1);
}

Test(ppp, control_protocols_are_non_ip)
{
    static const uint16_t protos[] = {0xc021, 0x8021, 0xc023, 0xc223, 0x8057, 0x80fd};
    for (size_t i = 0; i < sizeof protos / sizeof protos[0]; i++) {
        struct fb f;
        struct pl_pkt pkt;
        fb_init(&f);
        fb_ppp(&f, true, protos[i]);
        fb_payload(&f, 20);
        cr_assert_eq(fb_decode(&f, PL_LINK_PPP, f.len, &pkt), PL_DEC_NON_IP, "0x%04x", protos[i]);
    }
}

/* RFC 3032 §4.3: PPP protocol 0x0281 (0x0283 multicast) carries an MPLS label stack, on a
 * PPP link and inside a PPPoE session; after the stack, the first nibble decides (SPEC §8). */
Test(ppp, mpls_label_stack_to_ipv4_and_ipv6)
{
    struct fb f;
    struct pl_pkt pkt;
    fb_init(&f);
    fb_ppp(&f, true, 0x0281);
    fb_mpls(&f, 100, false);
    fb_mpls(&f, 200, true);
    add_ipv4_tcp(&f);
    assert_tcp_ok(&f, PL_LINK_PPP, &pkt);
    cr_assert_eq(pkt.mpls_count, 2);
    cr_assert_eq(pkt.l3_off, 4 + 8);
    assert_sweep(&f, PL_LINK_PPP, f.l4_off + TCP_NEED);

    fb_init(&f);
    fb_ppp(&f, false, 0x0283);
    fb_mpls(&f, 16, true);
    add_ipv6_udp(&f);
    cr_assert_eq(fb_decode(&f, PL_LINK_PPP, f.len, &pkt), PL_DEC_OK);
    cr_assert_eq(pkt.ip_version, 6);
    cr_assert_eq(pkt.mpls_count, 1);
    cr_assert_eq(pkt.dport, 53);
}

Test(ppp, mpls_in_pppoe_session)
{
    struct fb f;
    struct pl_pkt pkt;
    fb_init(&f);
    fb_eth(&f, FB_ET_PPPOE_SESS);
    fb_pppoe_sess(&f, 0x0281);
    fb_mpls(&f, 300, true);
    add_ipv4_tcp(&f);
    assert_tcp_ok(&f, PL_LINK_ETHERNET, &pkt);
    cr_assert_eq(pkt.mpls_count, 1);
    cr_assert_eq(pkt.l3_off, 14 + 8 + 4);
    assert_sweep(&f, PL_LINK_ETHERNET, f.l4_off + TCP_NEED);
}

Test(ppp, mpls_payload_other_than_ip_is_non_ip)
{
    struct fb f;
    struct pl_pkt pkt;
    fb_init(&f);
    fb_ppp(&f, true, 0x0281);
    add_mpls_pseudowire(&f);
    cr_assert_eq(fb_decode(&f, PL_LINK_PPP, f.len, &pkt), PL_DEC_NON_IP);
    cr_assert_eq(pkt.mpls_count, 1);

    fb_init(&f);
    fb_ppp(&f, true, 0x0281);
    add_mpls_too_deep_tcp(&f);
    cr_assert_eq(fb_decode(&f, PL_LINK_PPP, f.len, &pkt), PL_DEC_MALFORMED);
    cr_assert_eq(pkt.anomalies, PL_ANOM_MPLS_TOO_DEEP);
}

/* --- Raw IP ------------------------------------------------------------------------------ */

Test(raw, first_nibble_chooses_ip_version)
{
    struct fb f;
    struct pl_pkt pkt;
    fb_init(&f);
    add_ipv4_tcp(&f);
    assert_tcp_ok(&f, PL_LINK_RAW, &pkt);
    cr_assert_eq(pkt.l3_off, 0);
    assert_sweep(&f, PL_LINK_RAW, f.l4_off + TCP_NEED);
    assert_tcp_ok(&f, PL_LINK_IPV4, &pkt);

    fb_init(&f);
    add_ipv6_udp(&f);
    cr_assert_eq(fb_decode(&f, PL_LINK_RAW, f.len, &pkt), PL_DEC_OK);
    cr_assert_eq(pkt.ip_version, 6);
    cr_assert_eq(fb_decode(&f, PL_LINK_IPV6, f.len, &pkt), PL_DEC_OK);
    assert_sweep(&f, PL_LINK_IPV6, f.l4_off + 4);
}

Test(raw, other_nibbles_are_malformed)
{
    for (unsigned v = 0; v < 16; v++) {
        if (v == 4 || v == 6)
            continue;
        struct fb f;
        struct pl_pkt pkt;
        fb_init(&f);
        add_ipv4_tcp(&f);
        f.b[0] = (uint8_t)(v << 4 | 5);
        cr_assert_eq(fb_decode(&f, PL_LINK_RAW, f.len, &pkt), PL_DEC_MALFORMED, "nibble %u", v);
        cr_assert_eq(pkt.anomalies, PL_ANOM_IP_VERSION);
    }
}

Test(raw, ipv4_link_carrying_version_6_is_malformed)
{
    struct fb f;
    struct pl_pkt pkt;
    fb_init(&f);
    add_ipv6_udp(&f);
    cr_assert_eq(fb_decode(&f, PL_LINK_IPV4, f.len, &pkt), PL_DEC_MALFORMED);
    cr_assert_eq(pkt.anomalies & PL_ANOM_IP_VERSION, PL_ANOM_IP_VERSION);

    fb_init(&f);
    add_ipv4_tcp(&f);
    fb_payload(&f, 30);
    cr_assert_eq(fb_decode(&f, PL_LINK_IPV6, f.len, &pkt), PL_DEC_MALFORMED);
}

Test(link, unsupported_link_type)
{
    struct fb f;
    struct pl_pkt pkt;
    fb_init(&f);
    fb_eth(&f, FB_ET_IPV4);
    add_ipv4_tcp(&f);
    cr_assert_eq(fb_decode(&f, PL_LINK_UNSUPPORTED, f.len, &pkt), PL_DEC_UNSUPPORTED_LINK);
    cr_assert_eq(fb_decode(&f, (enum pl_linktype)99, f.len, &pkt), PL_DEC_UNSUPPORTED_LINK);
    cr_assert_eq(fb_decode(&f, PL_LINK_UNSUPPORTED, 0, &pkt), PL_DEC_UNSUPPORTED_LINK);
}
