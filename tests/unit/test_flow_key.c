/* tests/unit/test_flow_key.c — canonical flow key (SPEC §4; STYLE §4): both directions give one
 * key, every byte is defined, VLAN / IP version / protocol distinguish keys. */
#include <criterion/criterion.h>
#include <string.h>

#include "flowpkt.h"

static struct pl_pkt
reversed(struct pl_pkt p)
{
    struct pl_pkt r = p;
    memcpy(r.src, p.dst, 16);
    memcpy(r.dst, p.src, 16);
    r.sport = p.dport;
    r.dport = p.sport;
    return r;
}

Test(flow_key, both_directions_give_the_same_key)
{
    struct pl_pkt p = tcp(B, 40000, A, 80, PL_TCP_SYN, 0);
    struct pl_pkt r = reversed(p);
    struct pl_flow_key k1, k2;

    bool s1 = pl_flow_key_make(&k1, &p);
    bool s2 = pl_flow_key_make(&k2, &r);
    cr_assert_eq(memcmp(&k1, &k2, sizeof k1), 0);
    cr_assert_neq(s1, s2, "exactly one direction is swapped");
    cr_assert(s1, "B > A: the packet travels hi -> lo");
    uint8_t a[16];
    v4(a, A);
    cr_assert_eq(memcmp(k1.addr_lo, a, 16), 0);
    cr_assert_eq(k1.port_lo, 80);
    cr_assert_eq(k1.port_hi, 40000);
}

Test(flow_key, equal_addresses_order_by_port)
{
    struct pl_pkt p = udp(A, 6000, A, 5000, 0);
    struct pl_flow_key k1, k2;
    struct pl_pkt r = reversed(p);

    cr_assert(pl_flow_key_make(&k1, &p));
    cr_assert_not(pl_flow_key_make(&k2, &r));
    cr_assert_eq(memcmp(&k1, &k2, sizeof k1), 0);
    cr_assert_eq(k1.port_lo, 5000);
}

Test(flow_key, identical_endpoints_are_not_swapped)
{
    struct pl_pkt p = udp(A, 5000, A, 5000, 0);
    struct pl_flow_key k;
    cr_assert_not(pl_flow_key_make(&k, &p));
}

Test(flow_key, key_bytes_are_fully_defined)
{
    struct pl_pkt p = udp(A, 1, B, 2, 0);
    struct pl_flow_key k1, k2;

    memset(&k1, 0xa5, sizeof k1);
    memset(&k2, 0x5a, sizeof k2);
    pl_flow_key_make(&k1, &p);
    pl_flow_key_make(&k2, &p);
    cr_assert_eq(memcmp(&k1, &k2, sizeof k1), 0, "no byte of the key may keep old contents");
    cr_assert_eq(sizeof k1, 40);
}

Test(flow_key, outermost_vlan_version_and_protocol_distinguish)
{
    struct pl_pkt p = udp(A, 1, B, 2, 0);
    struct pl_pkt q;
    struct pl_flow_key k0, k;

    pl_flow_key_make(&k0, &p);

    q = p;
    q.vlan_count = 2;
    q.vlan[0] = 10;
    q.vlan[1] = 20;
    pl_flow_key_make(&k, &q);
    cr_assert_eq(k.vlan_id, 10, "the outermost tag is the key");
    cr_assert_neq(memcmp(&k0, &k, sizeof k), 0);

    q = p;
    q.vlan[0] = 10; /* vlan_count 0: untagged, stale array ignored */
    pl_flow_key_make(&k, &q);
    cr_assert_eq(memcmp(&k0, &k, sizeof k), 0);

    q = p;
    q.ip_version = 6;
    pl_flow_key_make(&k, &q);
    cr_assert_neq(memcmp(&k0, &k, sizeof k), 0);

    q = p;
    q.l4_proto = PL_IPPROTO_TCP;
    pl_flow_key_make(&k, &q);
    cr_assert_neq(memcmp(&k0, &k, sizeof k), 0);
}

Test(flow_key, inner_vlan_does_not_change_the_key)
{
    struct pl_pkt p = udp(A, 1, B, 2, 0), q;
    struct pl_flow_key k1, k2;
    p.vlan_count = 2;
    p.vlan[0] = 10;
    p.vlan[1] = 20;
    q = p;
    q.vlan[1] = 30;
    pl_flow_key_make(&k1, &p);
    pl_flow_key_make(&k2, &q);
    cr_assert_eq(memcmp(&k1, &k2, sizeof k1), 0);
}
