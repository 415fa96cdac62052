/* tests/unit/test_frag.c — later IP fragments counted to their first fragment's flow (SPEC §3,
 * §8; RFC 791 §3.2, RFC 8200 §4.5): within 30 s, only while that record or its continuation
 * lives, in the first fragment's direction; a bounded table. */
#include <criterion/criterion.h>
#include <string.h>

#include "flowpkt.h"


static struct pl_pkt
first_frag(uint32_t src, uint16_t sport, uint32_t dst, uint16_t dport, uint32_t id, uint64_t t)
{
    struct pl_pkt p = udp(src, sport, dst, dport, t);
    p.frag = PL_FRAG_FIRST;
    p.frag_id = id;
    p.frag_proto = PL_IPPROTO_UDP;
    p.frag_more = true;
    p.ip_len = 1500;
    return p;
}

static struct pl_pkt
later_frag(uint32_t src, uint32_t dst, uint32_t id, uint64_t t)
{
    struct pl_pkt p = udp(src, 0, dst, 0, t);
    p.layer = PL_LAYER_L3;
    p.frag = PL_FRAG_LATER;
    p.frag_id = id;
    p.frag_proto = PL_IPPROTO_UDP;
    p.ip_len = 700;
    return p;
}

static uint64_t
unattributed(struct pl_flow_table *ft)
{
    struct pl_flow_stats st;
    pl_flow_table_stats(ft, &st);
    return st.fragment_unattributed;
}

Test(frag, later_fragment_counts_to_the_first_fragments_flow)
{
    struct collect c;
    struct pl_flow_table *ft = collect_table(&c, cfg_default());
    feed(ft, udp(B, 53, A, 5000, 0)); /* B is the initiator */
    cr_assert(feed(ft, first_frag(A, 5000, B, 53, 77, 1 * SEC)));
    cr_assert(feed(ft, later_frag(A, B, 77, 2 * SEC)));
    cr_assert(feed(ft, later_frag(A, B, 77, 3 * SEC)));
    pl_flow_table_finish(ft, PL_END_EOF);
    cr_assert_eq(c.n, 1);
    cr_assert_eq(c.flows[0].pkts_fwd, 1);
    cr_assert_eq(c.flows[0].pkts_rev, 3, "fragments travel in the first fragment's direction");
    cr_assert_eq(c.flows[0].bytes_rev, 1500 + 700 + 700);
    cr_assert_eq(c.flows[0].last_ts_us, T0 + 3 * SEC);
    cr_assert_eq(unattributed(ft), 0);
    struct pl_flow_stats st;
    pl_flow_table_stats(ft, &st);
    cr_assert_eq(st.packets_in_flows, 4);
    pl_flow_table_free(ft);
}

Test(frag, later_fragment_without_first_is_unattributed)
{
    struct collect c;
    struct pl_flow_table *ft = collect_table(&c, cfg_default());
    feed(ft, first_frag(A, 5000, B, 53, 77, 0));
    cr_assert_not(feed(ft, later_frag(A, B, 78, 1))); /* other id */
    cr_assert_not(feed(ft, later_frag(B, A, 77, 1))); /* other direction: other datagram */
    struct pl_pkt p = later_frag(A, B, 77, 1);
    p.l4_proto = p.frag_proto = PL_IPPROTO_TCP; /* other protocol */
    cr_assert_not(feed(ft, p));
    cr_assert_eq(unattributed(ft), 3);
    pl_flow_table_free(ft);
}

Test(frag, window_is_thirty_seconds_inclusive)
{
    struct collect c;
    struct pl_flow_table *ft = collect_table(&c, cfg_default());
    feed(ft, first_frag(A, 5000, B, 53, 77, 0));
    cr_assert(feed(ft, later_frag(A, B, 77, 30 * SEC)));
    cr_assert_not(feed(ft, later_frag(A, B, 77, 30 * SEC + 1)));
    cr_assert_eq(unattributed(ft), 1);
    pl_flow_table_free(ft);
}

Test(frag, nothing_counts_after_the_record_ended)
{
    struct collect c;
    struct pl_flow_cfg cfg = cfg_default();
    cfg.idle_us = 5 * SEC;
    struct pl_flow_table *ft = collect_table(&c, cfg);
    feed(ft, first_frag(A, 5000, B, 53, 77, 0));
    pl_flow_table_advance(ft, T0 + 5 * SEC); /* idle */
    cr_assert_eq(c.n, 1);
    cr_assert_not(feed(ft, later_frag(A, B, 77, 6 * SEC)));
    feed(ft, udp(A, 5000, B, 53, 7 * SEC)); /* the same key, a new record */
    cr_assert_not(feed(ft, later_frag(A, B, 77, 8 * SEC)));
    cr_assert_eq(unattributed(ft), 2);
    pl_flow_table_finish(ft, PL_END_EOF);
    cr_assert_eq(c.flows[1].pkts_fwd, 1);
    pl_flow_table_free(ft);
}

Test(frag, later_fragment_counts_to_the_continuation)
{
    struct collect c;
    struct pl_flow_cfg cfg = cfg_default();
    cfg.active_us = 10 * SEC;
    struct pl_flow_table *ft = collect_table(&c, cfg);
    feed(ft, udp(A, 5000, B, 53, 0));
    feed(ft, first_frag(A, 5000, B, 53, 77, 9 * SEC));
    pl_flow_table_advance(ft, T0 + 10 * SEC); /* active: the key waits for a continuation */
    cr_assert_eq(c.n, 1);
    cr_assert_not(feed(ft, later_frag(A, B, 77, 11 * SEC)), "no record alive in between");
    feed(ft, udp(B, 53, A, 5000, 12 * SEC)); /* continuation */
    cr_assert(feed(ft, later_frag(A, B, 77, 13 * SEC)));
    pl_flow_table_finish(ft, PL_END_EOF);
    cr_assert_eq(c.n, 2);
    cr_assert_eq(c.flows[1].pkts_fwd, 1);
    cr_assert_eq(c.flows[1].pkts_rev, 1);
    pl_flow_table_free(ft);
}

Test(frag, full_table_drops_the_oldest_first_fragment)
{
    struct collect c;
    struct pl_flow_cfg cfg = cfg_default();
    cfg.max_frags = 2;
    struct pl_flow_table *ft = collect_table(&c, cfg);
    feed(ft, first_frag(A, 5000, B, 53, 1, 0));
    feed(ft, first_frag(A, 5000, B, 53, 2, 1));
    feed(ft, first_frag(A, 5000, B, 53, 3, 2));
    cr_assert_not(feed(ft, later_frag(A, B, 1, 3)));
    cr_assert(feed(ft, later_frag(A, B, 2, 3)));
    cr_assert(feed(ft, later_frag(A, B, 3, 3)));
    struct pl_flow_stats st;
    pl_flow_table_stats(ft, &st);
    cr_assert_eq(st.frags_dropped, 1);
    cr_assert_eq(st.fragment_unattributed, 1);
    pl_flow_table_free(ft);
}

Test(frag, expired_entries_make_room_without_drops)
{
    struct collect c;
    struct pl_flow_cfg cfg = cfg_default();
    cfg.max_frags = 2;
    struct pl_flow_table *ft = collect_table(&c, cfg);
    feed(ft, first_frag(A, 5000, B, 53, 1, 0));
    feed(ft, first_frag(A, 5000, B, 53, 2, 1));
    feed(ft, first_frag(A, 5000, B, 53, 3, 40 * SEC));
    feed(ft, first_frag(A, 5000, B, 53, 4, 41 * SEC));
    cr_assert(feed(ft, later_frag(A, B, 3, 42 * SEC)));
    cr_assert(feed(ft, later_frag(A, B, 4, 42 * SEC)));
    struct pl_flow_stats st;
    pl_flow_table_stats(ft, &st);
    cr_assert_eq(st.frags_dropped, 0);
    pl_flow_table_free(ft);
}

Test(frag, ipv6_fragments_are_keyed_by_version)
{
    struct collect c;
    struct pl_flow_table *ft = collect_table(&c, cfg_default());
    feed(ft, first_frag(A, 5000, B, 53, 77, 0));
    struct pl_pkt p = later_frag(A, B, 77, 1);
    p.ip_version = 6;
    cr_assert_not(feed(ft, p));
    pl_flow_table_free(ft);
}

Test(frag, repeated_first_fragment_restarts_the_window)
{
    struct collect c;
    struct pl_flow_table *ft = collect_table(&c, cfg_default());
    feed(ft, first_frag(A, 5000, B, 53, 77, 0));
    feed(ft, first_frag(A, 5000, B, 53, 77, 20 * SEC));
    cr_assert(feed(ft, later_frag(A, B, 77, 45 * SEC)));
    pl_flow_table_free(ft);
}

Test(frag, ipv6_key_uses_the_fragment_headers_next_header)
{
    struct collect c;
    struct pl_flow_table *ft = collect_table(&c, cfg_default());
    struct pl_pkt first = first_frag(A, 5000, B, 53, 77, 0);
    first.ip_version = 6;
    first.frag_proto = PL_IPPROTO_DSTOPTS; /* options follow the fragment header */
    struct pl_pkt later = later_frag(A, B, 77, 1);
    later.ip_version = 6;
    later.l4_proto = later.frag_proto = PL_IPPROTO_DSTOPTS;
    cr_assert(feed(ft, first));
    cr_assert(feed(ft, later));
    pl_flow_table_finish(ft, PL_END_EOF);
    cr_assert_eq(c.n, 1);
    cr_assert_eq(c.flows[0].pkts_fwd, 2);
    pl_flow_table_free(ft);
}

/* Regression (review): the entry was aged out by the clock (the largest timestamp seen), so a
 * later fragment within 30 s of its first fragment was refused after time went backwards. */
Test(frag, window_counts_from_the_fragments_own_time_after_time_went_backwards)
{
    struct collect c;
    struct pl_flow_table *ft = collect_table(&c, cfg_default());
    feed(ft, first_frag(A, 5000, B, 53, 77, 0));
    feed(ft, udp(A, 6000, B, 123, 31 * SEC)); /* unrelated: the clock passes 30 s */
    cr_assert(feed(ft, later_frag(A, B, 77, 29 * SEC)), "29 s after its first fragment");
    cr_assert_eq(unattributed(ft), 0);
    pl_flow_table_free(ft);
}
