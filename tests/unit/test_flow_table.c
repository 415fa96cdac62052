/* tests/unit/test_flow_table.c — flow table: initiator, counters, end reasons and their exact
 * boundaries, emit order, continuations, TCP close, eviction (SPEC §4, §8). */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "flow/flow_int.h"
#include "flowpkt.h"

static void
assert_src(const struct pl_flow *f, uint32_t ip, uint16_t port)
{
    uint8_t want[16];
    v4(want, ip);
    cr_assert_eq(memcmp(pl_flow_src(f), want, 16), 0, "initiator address");
    cr_assert_eq(pl_flow_sport(f), port, "initiator port %u != %u", pl_flow_sport(f), port);
}

Test(flow_table, record_fits_256_bytes) { cr_assert_leq(pl_flow_table_node_size(), 256); }

/* 1 when the mapping holding addr has the huge-page hint (smaps VmFlags "hg"), 0 when not,
 * -1 when no mapping holds it. */
static int
huge_hinted(const void *addr)
{
    FILE *fp = fopen("/proc/self/smaps", "r");
    char line[512];
    int found = -1;
    uintptr_t a = (uintptr_t)addr;
    bool in = false;

    cr_assert_not_null(fp, "/proc/self/smaps");
    while (found < 0 && fgets(line, sizeof line, fp) != NULL) {
        unsigned long lo, hi;
        if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2)
            in = a >= lo && a < hi;
        else if (in && strncmp(line, "VmFlags:", 8) == 0)
            found = strstr(line, " hg") != NULL;
    }
    fclose(fp);
    return found;
}

/* The pool starts on a 2 MiB boundary and carries the huge-page hint all through: look-ups
 * land on random nodes, and first touches cost one fault per 2 MiB. */
Test(flow_table, huge_page_hint_covers_the_whole_pool_from_a_2_mib_boundary)
{
    if (access("/sys/kernel/mm/transparent_hugepage/enabled", R_OK) != 0)
        cr_skip_test("this kernel has no transparent huge pages");
    struct collect c;
    struct pl_flow_cfg cfg = cfg_default();
    size_t bytes;

    cfg.max_flows = 1000000; /* 384 MB of pool: address space only */
    struct pl_flow_table *ft = collect_table(&c, cfg);
    const char *pool = pl_flow_table_pool(ft, &bytes);
    cr_assert_eq(PL_HUGE_ALIGN, (size_t)2 << 20);
    cr_assert_gt(bytes, (size_t)64 << 20);
    cr_assert_eq((uintptr_t)pool % PL_HUGE_ALIGN, 0, "pool at %p", (const void *)pool);
    cr_assert_eq(huge_hinted(pool), 1, "first byte");
    cr_assert_eq(huge_hinted(pool + ((size_t)64 << 20)), 1, "first byte past 64 MiB");
    cr_assert_eq(huge_hinted(pool + bytes - 1), 1, "last byte");
    size_t held = (bytes + PL_HUGE_ALIGN - 1) / PL_HUGE_ALIGN * PL_HUGE_ALIGN;
    cr_assert_eq(huge_hinted(pool + held - 1), 1, "the mapping ends on a 2 MiB boundary");
    pl_flow_table_free(ft);
    cr_assert_eq(huge_hinted(pool), -1, "unmapped once the table is freed");
    cr_assert_eq(huge_hinted(pool + held - 1), -1, "its rounded-up tail too");

    cfg.max_flows = 1000; /* a pool under 2 MiB */
    ft = collect_table(&c, cfg);
    pool = pl_flow_table_pool(ft, &bytes);
    cr_assert_lt(bytes, PL_HUGE_ALIGN);
    cr_assert_eq((uintptr_t)pool % PL_HUGE_ALIGN, 0);
    cr_assert_eq(huge_hinted(pool), 1);
    cr_assert_eq(huge_hinted(pool + bytes - 1), 1);
    pl_flow_table_free(ft);
}

Test(flow_table, rejects_zero_max_flows)
{
    struct pl_flow_cfg cfg = cfg_default();
    struct pl_err err = {.msg = ""};
    cfg.max_flows = 0;
    cr_assert_null(pl_flow_table_new(&cfg, NULL, collect_emit, NULL, &err));
    cr_assert_neq(err.msg[0], '\0');
}

Test(flow_table, counts_both_directions_into_one_record)
{
    struct collect c;
    struct pl_flow_table *ft = collect_table(&c, cfg_default());
    struct pl_pkt p1 = tcp(B, 40000, A, 80, PL_TCP_SYN, 0);
    struct pl_pkt p2 = tcp(A, 80, B, 40000, PL_TCP_SYN | PL_TCP_ACK, 1000);
    struct pl_pkt p3 = tcp(B, 40000, A, 80, PL_TCP_ACK | PL_TCP_PSH, 2000);
    p2.ip_len = 60;
    p3.ip_len = 1500;

    cr_assert(feed(ft, p1));
    cr_assert(feed(ft, p2));
    cr_assert(feed(ft, p3));
    pl_flow_table_finish(ft, PL_END_EOF);

    cr_assert_eq(c.n, 1);
    const struct pl_flow *f = &c.flows[0];
    assert_src(f, B, 40000);
    cr_assert_eq(pl_flow_dport(f), 80);
    cr_assert_eq(f->pkts_fwd, 2);
    cr_assert_eq(f->bytes_fwd, 1600);
    cr_assert_eq(f->pkts_rev, 1);
    cr_assert_eq(f->bytes_rev, 60);
    cr_assert_eq(f->tcp_flags_fwd, PL_TCP_SYN | PL_TCP_ACK | PL_TCP_PSH);
    cr_assert_eq(f->tcp_flags_rev, PL_TCP_SYN | PL_TCP_ACK);
    cr_assert_eq(f->first_ts_us, T0);
    cr_assert_eq(f->last_ts_us, T0 + 2000);
    cr_assert_eq(f->end_reason, PL_END_EOF);
    cr_assert_eq(f->label.basis, PL_BASIS_HANDSHAKE);
    cr_assert_eq(f->label.service_port, 80);

    struct pl_flow_stats st;
    pl_flow_table_stats(ft, &st);
    cr_assert_eq(st.packets_in_flows, 3);
    cr_assert_eq(st.flows_total, 1);
    cr_assert_eq(st.live, 0);
    pl_flow_table_free(ft);
}

Test(flow_table, vlan_version_and_protocol_separate_flows)
{
    struct collect c;
    struct pl_flow_table *ft = collect_table(&c, cfg_default());
    struct pl_pkt base = udp(A, 5000, B, 53, 0);
    struct pl_pkt tagged = base, tcp_one = base, v6 = base;
    tagged.vlan_count = 1;
    tagged.vlan[0] = 7;
    tcp_one.l4_proto = PL_IPPROTO_TCP;
    v6.ip_version = 6;

    feed(ft, base);
    feed(ft, tagged);
    feed(ft, tcp_one);
    feed(ft, v6);
    struct pl_flow_stats st;
    pl_flow_table_stats(ft, &st);
    cr_assert_eq(st.live, 4);
    pl_flow_table_finish(ft, PL_END_EOF);
    cr_assert_eq(c.n, 4);
    cr_assert_eq(c.flows[1].key.vlan_id, 7);
    pl_flow_table_free(ft);
}

Test(flow_table, initiator_is_sender_of_first_midstream_packet)
{
    struct collect c;
    struct pl_flow_table *ft = collect_table(&c, cfg_default());
    feed(ft, tcp(A, 80, B, 40000, PL_TCP_ACK, 0)); /* server talks first: it is the initiator */
    feed(ft, tcp(B, 40000, A, 80, PL_TCP_ACK, 1));
    pl_flow_table_finish(ft, PL_END_EOF);
    assert_src(&c.flows[0], A, 80);
    cr_assert_eq(c.flows[0].pkts_fwd, 1);
    cr_assert_eq(c.flows[0].pkts_rev, 1);
    pl_flow_table_free(ft);
}

Test(flow_table, synack_first_makes_its_receiver_the_initiator)
{
    struct collect c;
    struct pl_flow_table *ft = collect_table(&c, cfg_default());
    feed(ft, tcp(A, 443, B, 51000, PL_TCP_SYN | PL_TCP_ACK, 0));
    feed(ft, tcp(B, 51000, A, 443, PL_TCP_ACK, 1));
    pl_flow_table_finish(ft, PL_END_EOF);
    const struct pl_flow *f = &c.flows[0];
    assert_src(f, B, 51000);
    cr_assert_eq(f->pkts_fwd, 1);
    cr_assert_eq(f->tcp_flags_rev, PL_TCP_SYN | PL_TCP_ACK);
    cr_assert_eq(f->label.basis, PL_BASIS_HANDSHAKE);
    cr_assert_eq(f->label.service_port, 443);
    pl_flow_table_free(ft);
}

Test(flow_table, sctp_init_ack_first_makes_its_receiver_the_initiator)
{
    struct collect c;
    struct pl_flow_table *ft = collect_table(&c, cfg_default());
    struct pl_pkt p = mkpkt(PL_IPPROTO_SCTP, A, 3868, B, 40000, 0);
    p.has_sctp_chunk = true;
    p.sctp_chunk = PL_SCTP_CHUNK_INIT_ACK;
    feed(ft, p);
    pl_flow_table_finish(ft, PL_END_EOF);
    assert_src(&c.flows[0], B, 40000);
    cr_assert_eq(c.flows[0].label.basis, PL_BASIS_HANDSHAKE);
    cr_assert_eq(c.flows[0].label.service_port, 3868);
    pl_flow_table_free(ft);
}

Test(flow_table, sctp_init_first_keeps_sender_and_counts_as_opening)
{
    struct collect c;
    struct pl_flow_table *ft = collect_table(&c, cfg_default());
    struct pl_pkt p = mkpkt(PL_IPPROTO_SCTP, B, 40000, A, 3868, 0);
    p.has_sctp_chunk = true;
    p.sctp_chunk = PL_SCTP_CHUNK_INIT;
    feed(ft, p);
    pl_flow_table_finish(ft, PL_END_EOF);
    assert_src(&c.flows[0], B, 40000);
    cr_assert_eq(c.flows[0].label.basis, PL_BASIS_HANDSHAKE);
    pl_flow_table_free(ft);
}

Test(flow_table, sctp_without_captured_chunk_is_not_an_opening)
{
    struct collect c;
    struct pl_flow_table *ft = collect_table(&c, cfg_default());
    struct pl_pkt p = mkpkt(PL_IPPROTO_SCTP, A, 3868, B, 40000, 0);
    p.sctp_chunk = PL_SCTP_CHUNK_INIT_ACK; /* not captured: has_sctp_chunk false */
    feed(ft, p);
    pl_flow_table_finish(ft, PL_END_EOF);
    assert_src(&c.flows[0], A, 3868);
    cr_assert_eq(c.flows[0].label.basis, PL_BASIS_PORT_ORDER);
    pl_flow_table_free(ft);
}

Test(flow_table, dccp_response_first_makes_its_receiver_the_initiator)
{
    struct collect c;
    struct pl_flow_table *ft = collect_table(&c, cfg_default());
    struct pl_pkt p = mkpkt(PL_IPPROTO_DCCP, A, 5004, B, 40000, 0);
    p.dccp_type = PL_DCCP_RESPONSE;
    feed(ft, p);
    pl_flow_table_finish(ft, PL_END_EOF);
    assert_src(&c.flows[0], B, 40000);
    cr_assert_eq(c.flows[0].label.basis, PL_BASIS_HANDSHAKE);
    cr_assert_eq(c.flows[0].label.service_port, 5004);
    pl_flow_table_free(ft);
}

Test(flow_table, dccp_request_first_is_an_opening)
{
    struct collect c;
    struct pl_flow_table *ft = collect_table(&c, cfg_default());
    struct pl_pkt p = mkpkt(PL_IPPROTO_DCCP, B, 60000, A, 50000, 0);
    p.dccp_type = PL_DCCP_REQUEST;
    feed(ft, p);
    pl_flow_table_finish(ft, PL_END_EOF);
    assert_src(&c.flows[0], B, 60000);
    cr_assert_eq(c.flows[0].label.basis, PL_BASIS_HANDSHAKE);
    cr_assert_eq(c.flows[0].label.service_port, 50000); /* responder's, though higher */
    pl_flow_table_free(ft);
}

Test(flow_table, later_syn_does_not_make_a_handshake)
{
    struct collect c;
    struct pl_flow_table *ft = collect_table(&c, cfg_default());
    feed(ft, tcp(B, 40000, A, 50000, PL_TCP_ACK, 0));
    feed(ft, tcp(B, 40000, A, 50000, PL_TCP_SYN, 1));
    pl_flow_table_finish(ft, PL_END_EOF);
    cr_assert_eq(c.n, 1);
    cr_assert_eq(c.flows[0].label.basis, PL_BASIS_PORT_ORDER);
    cr_assert_eq(c.flows[0].label.service_port, 40000);
    pl_flow_table_free(ft);
}

Test(flow_table, idle_ends_exactly_at_the_timeout)
{
    struct collect c;
    struct pl_flow_table *ft = collect_table(&c, cfg_default());
    feed(ft, udp(A, 5000, B, 53, 0));
    pl_flow_table_advance(ft, T0 + 300 * SEC - 1);
    cr_assert_eq(c.n, 0, "one microsecond early");
    pl_flow_table_advance(ft, T0 + 300 * SEC);
    cr_assert_eq(c.n, 1);
    cr_assert_eq(c.flows[0].end_reason, PL_END_IDLE);
    struct pl_flow_stats st;
    pl_flow_table_stats(ft, &st);
    cr_assert_eq(st.live, 0);
    pl_flow_table_free(ft);
}

Test(flow_table, idle_counts_from_the_last_packet)
{
    struct collect c;
    struct pl_flow_table *ft = collect_table(&c, cfg_default());
    feed(ft, udp(A, 5000, B, 53, 0));
    feed(ft, udp(B, 53, A, 5000, 200 * SEC));
    pl_flow_table_advance(ft, T0 + 499 * SEC);
    cr_assert_eq(c.n, 0);
    pl_flow_table_advance(ft, T0 + 500 * SEC);
    cr_assert_eq(c.n, 1);
    cr_assert_eq(c.flows[0].last_ts_us, T0 + 200 * SEC);
    pl_flow_table_free(ft);
}

Test(flow_table, packet_after_idle_starts_a_new_record)
{
    struct collect c;
    struct pl_flow_table *ft = collect_table(&c, cfg_default());
    feed(ft, udp(A, 5000, B, 53, 0));
    feed(ft, udp(B, 53, A, 5000, 300 * SEC)); /* the flow is idle first, then this one starts */
    cr_assert_eq(c.n, 1);
    cr_assert_eq(c.flows[0].end_reason, PL_END_IDLE);
    pl_flow_table_finish(ft, PL_END_EOF);
    cr_assert_eq(c.n, 2);
    assert_src(&c.flows[1], B, 53);
    pl_flow_table_free(ft);
}

Test(flow_table, active_fires_at_first_seen_plus_timeout_without_a_packet)
{
    struct collect c;
    struct pl_flow_cfg cfg = cfg_default();
    cfg.idle_us = 100 * SEC;
    cfg.active_us = 250 * SEC;
    struct pl_flow_table *ft = collect_table(&c, cfg);
    for (uint64_t t = 0; t <= 240; t += 60)
        feed(ft, udp(A, 5000, B, 53, t * SEC));
    pl_flow_table_advance(ft, T0 + 250 * SEC - 1);
    cr_assert_eq(c.n, 0);
    pl_flow_table_advance(ft, T0 + 250 * SEC);
    cr_assert_eq(c.n, 1);
    cr_assert_eq(c.flows[0].end_reason, PL_END_ACTIVE);
    cr_assert_eq(c.flows[0].pkts_fwd, 5);
    struct pl_flow_stats st;
    pl_flow_table_stats(ft, &st);
    cr_assert_eq(st.live, 0, "a continuation key is not a live flow");
    pl_flow_table_free(ft);
}

Test(flow_table, continuation_keeps_initiator_service_port_and_handshake)
{
    struct collect c;
    struct pl_flow_cfg cfg = cfg_default();
    cfg.active_us = 100 * SEC;
    struct pl_flow_table *ft = collect_table(&c, cfg);
    feed(ft, tcp(B, 40000, A, 8443, PL_TCP_SYN, 0));
    feed(ft, tcp(A, 8443, B, 40000, PL_TCP_SYN | PL_TCP_ACK, 1));
    feed(ft, tcp(B, 40000, A, 8443, PL_TCP_ACK, 90 * SEC));
    /* the responder speaks first after the active timeout */
    feed(ft, tcp(A, 8443, B, 40000, PL_TCP_ACK | PL_TCP_PSH, 150 * SEC));
    cr_assert_eq(c.n, 1);
    cr_assert_eq(c.flows[0].end_reason, PL_END_ACTIVE);
    pl_flow_table_finish(ft, PL_END_EOF);
    cr_assert_eq(c.n, 2);
    const struct pl_flow *f = &c.flows[1];
    assert_src(f, B, 40000);
    cr_assert_eq(f->pkts_fwd, 0);
    cr_assert_eq(f->pkts_rev, 1);
    cr_assert_eq(f->first_ts_us, T0 + 150 * SEC);
    cr_assert_eq(f->label.basis, PL_BASIS_HANDSHAKE);
    cr_assert_eq(f->label.service_port, 8443);
    cr_assert_eq(f->tcp_flags_fwd, 0, "flags start afresh in the new record");
    pl_flow_table_free(ft);
}

Test(flow_table, key_forgets_continuation_once_it_would_have_gone_idle)
{
    struct collect c;
    struct pl_flow_cfg cfg = cfg_default();
    cfg.active_us = 100 * SEC;
    cfg.idle_us = 60 * SEC;
    struct pl_flow_table *ft = collect_table(&c, cfg);
    feed(ft, tcp(B, 40000, A, 8443, PL_TCP_SYN, 0));
    feed(ft, tcp(B, 40000, A, 8443, PL_TCP_ACK, 50 * SEC));
    feed(ft, tcp(B, 40000, A, 8443, PL_TCP_ACK, 99 * SEC)); /* active at 100, idle at 159 */
    feed(ft, tcp(A, 8443, B, 40000, PL_TCP_ACK, 159 * SEC));
    pl_flow_table_finish(ft, PL_END_EOF);
    cr_assert_eq(c.n, 2);
    cr_assert_eq(c.flows[0].end_reason, PL_END_ACTIVE);
    assert_src(&c.flows[1], A, 8443);
    cr_assert_eq(c.flows[1].label.basis, PL_BASIS_PORT_ORDER);
    pl_flow_table_free(ft);
}

Test(flow_table, continuation_just_before_idle_is_still_a_continuation)
{
    struct collect c;
    struct pl_flow_cfg cfg = cfg_default();
    cfg.active_us = 100 * SEC;
    cfg.idle_us = 60 * SEC;
    struct pl_flow_table *ft = collect_table(&c, cfg);
    feed(ft, tcp(B, 40000, A, 8443, PL_TCP_SYN, 0));
    feed(ft, tcp(B, 40000, A, 8443, PL_TCP_ACK, 50 * SEC));
    feed(ft, tcp(B, 40000, A, 8443, PL_TCP_ACK, 99 * SEC));
    feed(ft, tcp(A, 8443, B, 40000, PL_TCP_ACK, 159 * SEC - 1));
    pl_flow_table_finish(ft, PL_END_EOF);
    cr_assert_eq(c.n, 2);
    cr_assert_eq(c.flows[0].end_reason, PL_END_ACTIVE);
    assert_src(&c.flows[1], B, 40000);
    cr_assert_eq(c.flows[1].label.basis, PL_BASIS_HANDSHAKE);
    pl_flow_table_free(ft);
}

Test(flow_table, rst_closes_ten_seconds_later_and_counts_packets_in_between)
{
    struct collect c;
    struct pl_flow_table *ft = collect_table(&c, cfg_default());
    feed(ft, tcp(B, 40000, A, 80, PL_TCP_SYN, 0));
    feed(ft, tcp(A, 80, B, 40000, PL_TCP_RST | PL_TCP_ACK, 1 * SEC));
    feed(ft, tcp(B, 40000, A, 80, PL_TCP_ACK, 5 * SEC));
    feed(ft, tcp(B, 40000, A, 80, PL_TCP_RST, 6 * SEC)); /* a second RST moves nothing */
    pl_flow_table_advance(ft, T0 + 11 * SEC - 1);
    cr_assert_eq(c.n, 0);
    pl_flow_table_advance(ft, T0 + 11 * SEC);
    cr_assert_eq(c.n, 1);
    cr_assert_eq(c.flows[0].end_reason, PL_END_CLOSED);
    cr_assert_eq(c.flows[0].pkts_fwd, 3);
    cr_assert_eq(c.flows[0].pkts_rev, 1);
    pl_flow_table_free(ft);
}

Test(flow_table, fin_both_ways_closes_ten_seconds_after_the_second_fin)
{
    struct collect c;
    struct pl_flow_table *ft = collect_table(&c, cfg_default());
    feed(ft, tcp(B, 40000, A, 80, PL_TCP_FIN | PL_TCP_ACK, 0));
    feed(ft, tcp(B, 40000, A, 80, PL_TCP_FIN | PL_TCP_ACK, 2 * SEC)); /* same side: no close */
    pl_flow_table_advance(ft, T0 + 30 * SEC);
    cr_assert_eq(c.n, 0);
    feed(ft, tcp(A, 80, B, 40000, PL_TCP_FIN | PL_TCP_ACK, 40 * SEC));
    feed(ft, tcp(B, 40000, A, 80, PL_TCP_ACK, 41 * SEC));
    pl_flow_table_advance(ft, T0 + 50 * SEC - 1);
    cr_assert_eq(c.n, 0);
    pl_flow_table_advance(ft, T0 + 50 * SEC);
    cr_assert_eq(c.n, 1);
    cr_assert_eq(c.flows[0].end_reason, PL_END_CLOSED);
    cr_assert_eq(c.flows[0].pkts_fwd + c.flows[0].pkts_rev, 4);
    pl_flow_table_free(ft);
}

Test(flow_table, syn_after_close_reopens_at_once)
{
    struct collect c;
    struct pl_flow_table *ft = collect_table(&c, cfg_default());
    feed(ft, tcp(B, 40000, A, 80, PL_TCP_SYN, 0));
    feed(ft, tcp(A, 80, B, 40000, PL_TCP_RST | PL_TCP_ACK, 1 * SEC));
    feed(ft, tcp(B, 40000, A, 80, PL_TCP_SYN | PL_TCP_ACK, 2 * SEC)); /* not a bare SYN */
    cr_assert_eq(c.n, 0);
    feed(ft, tcp(B, 40000, A, 80, PL_TCP_SYN, 3 * SEC));
    cr_assert_eq(c.n, 1, "the closing flow ends before the new one starts");
    cr_assert_eq(c.flows[0].end_reason, PL_END_CLOSED);
    cr_assert_eq(c.flows[0].pkts_fwd, 2);
    feed(ft, tcp(A, 80, B, 40000, PL_TCP_SYN | PL_TCP_ACK, 4 * SEC));
    pl_flow_table_advance(ft, T0 + 20 * SEC); /* the new flow has no close */
    cr_assert_eq(c.n, 1);
    pl_flow_table_finish(ft, PL_END_EOF);
    cr_assert_eq(c.n, 2);
    cr_assert_eq(c.flows[1].end_reason, PL_END_EOF);
    cr_assert_eq(c.flows[1].first_ts_us, T0 + 3 * SEC);
    cr_assert_eq(c.flows[1].pkts_fwd, 1);
    cr_assert_eq(c.flows[1].pkts_rev, 1);
    cr_assert_eq(c.flows[1].label.basis, PL_BASIS_HANDSHAKE);
    pl_flow_table_free(ft);
}

Test(flow_table, packet_after_close_window_starts_a_midstream_flow)
{
    struct collect c;
    struct pl_flow_table *ft = collect_table(&c, cfg_default());
    feed(ft, tcp(B, 40000, A, 80, PL_TCP_SYN, 0));
    feed(ft, tcp(B, 40000, A, 80, PL_TCP_RST, 1 * SEC));
    feed(ft, tcp(A, 80, B, 40000, PL_TCP_ACK, 11 * SEC));
    cr_assert_eq(c.n, 1);
    cr_assert_eq(c.flows[0].end_reason, PL_END_CLOSED);
    pl_flow_table_finish(ft, PL_END_EOF);
    cr_assert_eq(c.n, 2);
    assert_src(&c.flows[1], A, 80);
    cr_assert_eq(c.flows[1].end_reason, PL_END_EOF);
    cr_assert_eq(c.flows[1].label.basis, PL_BASIS_PORT_ORDER);
    pl_flow_table_free(ft);
}

Test(flow_table, close_seen_ends_as_closed_at_end_of_input)
{
    struct collect c;
    struct pl_flow_table *ft = collect_table(&c, cfg_default());
    feed(ft, tcp(B, 40000, A, 80, PL_TCP_SYN, 0));
    feed(ft, udp(B, 5000, A, 53, 1));
    feed(ft, tcp(A, 80, B, 40000, PL_TCP_RST, 2));
    pl_flow_table_finish(ft, PL_END_SHUTDOWN);
    cr_assert_eq(c.n, 2);
    cr_assert_eq(c.flows[0].end_reason, PL_END_CLOSED);
    cr_assert_eq(c.flows[1].end_reason, PL_END_SHUTDOWN);
    pl_flow_table_free(ft);
}

Test(flow_table, udp_rst_bit_means_nothing)
{
    struct collect c;
    struct pl_flow_table *ft = collect_table(&c, cfg_default());
    struct pl_pkt p = udp(B, 5000, A, 53, 0);
    p.tcp_flags = PL_TCP_RST; /* never set by the decoder; ignored anyway */
    feed(ft, p);
    pl_flow_table_advance(ft, T0 + 20 * SEC);
    cr_assert_eq(c.n, 0);
    pl_flow_table_free(ft);
}

Test(flow_table, active_during_close_keeps_close_state_in_the_continuation)
{
    struct collect c;
    struct pl_flow_cfg cfg = cfg_default();
    cfg.active_us = 5 * SEC;
    struct pl_flow_table *ft = collect_table(&c, cfg);
    feed(ft, tcp(B, 40000, A, 80, PL_TCP_SYN, 0));
    feed(ft, tcp(B, 40000, A, 80, PL_TCP_RST, 1 * SEC)); /* close due at 11 s */
    feed(ft, tcp(A, 80, B, 40000, PL_TCP_ACK, 6 * SEC)); /* active at 5 s: continuation */
    cr_assert_eq(c.n, 1);
    cr_assert_eq(c.flows[0].end_reason, PL_END_ACTIVE);
    pl_flow_table_advance(ft, T0 + 11 * SEC);
    cr_assert_eq(c.n, 2);
    cr_assert_eq(c.flows[1].end_reason, PL_END_CLOSED);
    assert_src(&c.flows[1], B, 40000);
    cr_assert_eq(c.flows[1].pkts_rev, 1);
    pl_flow_table_free(ft);
}

Test(flow_table, due_flows_end_in_order_of_due_time)
{
    struct collect c;
    struct pl_flow_cfg cfg = cfg_default();
    cfg.idle_us = 30 * SEC;
    cfg.active_us = 100 * SEC;
    struct pl_flow_table *ft = collect_table(&c, cfg);
    feed(ft, udp(A, 1, B, 2, 0));                   /* flow 1: idle at 50 */
    feed(ft, tcp(A, 3, B, 4, PL_TCP_RST, 1 * SEC)); /* flow 2: closed at 11 */
    feed(ft, udp(A, 5, B, 6, 2 * SEC));             /* flow 3: idle at 32 */
    feed(ft, udp(A, 1, B, 2, 20 * SEC));
    pl_flow_table_advance(ft, T0 + 60 * SEC);
    cr_assert_eq(c.n, 3);
    cr_assert_eq(c.flows[0].end_reason, PL_END_CLOSED);
    cr_assert_eq(pl_flow_sport(&c.flows[0]), 3);
    cr_assert_eq(pl_flow_sport(&c.flows[1]), 5);
    cr_assert_eq(pl_flow_sport(&c.flows[2]), 1);
    cr_assert_eq(c.flows[2].end_reason, PL_END_IDLE);
    pl_flow_table_free(ft);
}

Test(flow_table, equal_due_times_end_older_record_first)
{
    struct collect c;
    struct pl_flow_table *ft = collect_table(&c, cfg_default());
    feed(ft, udp(A, 7, B, 8, 0));
    feed(ft, udp(A, 1, B, 2, 0));
    feed(ft, udp(A, 3, B, 4, 0));
    pl_flow_table_advance(ft, T0 + 300 * SEC);
    cr_assert_eq(c.n, 3);
    cr_assert_eq(pl_flow_sport(&c.flows[0]), 7);
    cr_assert_eq(pl_flow_sport(&c.flows[1]), 1);
    cr_assert_eq(pl_flow_sport(&c.flows[2]), 3);
    pl_flow_table_free(ft);
}

Test(flow_table, time_going_backwards_ends_nothing)
{
    struct collect c;
    struct pl_flow_table *ft = collect_table(&c, cfg_default());
    feed(ft, udp(A, 5000, B, 53, 100 * SEC));
    feed(ft, udp(B, 53, A, 5000, 10 * SEC)); /* older timestamp */
    pl_flow_table_advance(ft, T0);
    cr_assert_eq(c.n, 0);
    pl_flow_table_advance(ft, T0 + 400 * SEC - 1);
    cr_assert_eq(c.n, 0, "idle counts from the largest timestamp");
    pl_flow_table_advance(ft, T0 + 400 * SEC);
    cr_assert_eq(c.n, 1);
    cr_assert_eq(c.flows[0].first_ts_us, T0 + 100 * SEC);
    cr_assert_eq(c.flows[0].last_ts_us, T0 + 100 * SEC);
    cr_assert_eq(c.flows[0].pkts_rev, 1);
    pl_flow_table_free(ft);
}

Test(flow_table, backdated_new_flow_times_out_from_its_own_first_packet)
{
    struct collect c;
    struct pl_flow_cfg cfg = cfg_default();
    cfg.idle_us = 100 * SEC;
    struct pl_flow_table *ft = collect_table(&c, cfg);
    feed(ft, udp(A, 1, B, 2, 90 * SEC));
    feed(ft, udp(A, 3, B, 4, 50 * SEC)); /* out of order: idle at 150, before flow 1 at 190 */
    pl_flow_table_advance(ft, T0 + 150 * SEC);
    cr_assert_eq(c.n, 1);
    cr_assert_eq(pl_flow_sport(&c.flows[0]), 3);
    pl_flow_table_finish(ft, PL_END_EOF);
    cr_assert_eq(pl_flow_sport(&c.flows[1]), 1);
    pl_flow_table_free(ft);
}

Test(flow_table, eviction_ends_the_least_recently_seen_flow)
{
    struct collect c;
    struct pl_flow_cfg cfg = cfg_default();
    cfg.max_flows = 3;
    struct pl_flow_table *ft = collect_table(&c, cfg);
    feed(ft, udp(A, 1, B, 2, 0));
    feed(ft, udp(A, 3, B, 4, 1));
    feed(ft, udp(A, 5, B, 6, 2));
    feed(ft, udp(B, 2, A, 1, 3)); /* flow 1 seen again: flow 2 is now the oldest */
    feed(ft, udp(A, 7, B, 8, 4));
    cr_assert_eq(c.n, 1);
    cr_assert_eq(c.flows[0].end_reason, PL_END_EVICTED);
    cr_assert_eq(pl_flow_sport(&c.flows[0]), 3);
    feed(ft, udp(A, 9, B, 10, 5));
    cr_assert_eq(c.n, 2);
    cr_assert_eq(pl_flow_sport(&c.flows[1]), 5);
    struct pl_flow_stats st;
    pl_flow_table_stats(ft, &st);
    cr_assert_eq(st.flows_evicted, 2);
    cr_assert_eq(st.live, 3);
    pl_flow_table_free(ft);
}

/* The lru list is ordered by last_seen's slot: a packet within its flow's slot does not move
 * it, so order inside a slot must be restored exactly when it is needed. The times below lie
 * well inside one slot. */
Test(flow_table, idle_order_is_exact_among_flows_seen_within_one_slot)
{
    struct collect c;
    struct pl_flow_cfg cfg = cfg_default();
    cfg.idle_us = 1 * SEC;
    struct pl_flow_table *ft = collect_table(&c, cfg);
    pl_flow_table_set_lru_shift(ft, 22); /* T0 lies 1.98 s into a 4.19 s slot */
    feed(ft, udp(A, 1, B, 2, 0));
    feed(ft, udp(A, 3, B, 4, 100));
    feed(ft, udp(B, 2, A, 1, 200)); /* flow 1 seen again, in the same slot */
    pl_flow_table_advance(ft, T0 + 1 * SEC + 150);
    cr_assert_eq(c.n, 1, "only flow 2 is due");
    cr_assert_eq(pl_flow_sport(&c.flows[0]), 3);
    pl_flow_table_advance(ft, T0 + 1 * SEC + 199);
    cr_assert_eq(c.n, 1, "flow 1 is due at 1 s + 200 us, not earlier");
    pl_flow_table_advance(ft, T0 + 1 * SEC + 200);
    cr_assert_eq(c.n, 2);
    cr_assert_eq(pl_flow_sport(&c.flows[1]), 1);
    cr_assert_eq(c.flows[1].last_ts_us, T0 + 200);
    pl_flow_table_free(ft);
}

Test(flow_table, flow_seen_after_being_ordered_for_eviction_is_not_the_next_victim)
{
    struct collect c;
    struct pl_flow_cfg cfg = cfg_default();
    cfg.max_flows = 2;
    cfg.idle_us = 1 * SEC;
    struct pl_flow_table *ft = collect_table(&c, cfg);
    pl_flow_table_set_lru_shift(ft, 22); /* T0 lies 1.98 s into a 4.19 s slot */
    feed(ft, udp(A, 1, B, 2, 0));
    feed(ft, udp(A, 3, B, 4, 100));
    feed(ft, udp(A, 5, B, 6, 200)); /* evicts flow 1; flow 2 waits in exact order */
    feed(ft, udp(B, 4, A, 3, 300)); /* flow 2 seen again: flow 3 is now the oldest */
    feed(ft, udp(A, 7, B, 8, 400));
    cr_assert_eq(c.n, 2);
    cr_assert_eq(pl_flow_sport(&c.flows[0]), 1);
    cr_assert_eq(pl_flow_sport(&c.flows[1]), 5);
    cr_assert_eq(c.flows[1].end_reason, PL_END_EVICTED);
    pl_flow_table_advance(ft, T0 + 1 * SEC + 300);
    cr_assert_eq(c.n, 3, "flow 2 ends idle from its last packet");
    cr_assert_eq(pl_flow_sport(&c.flows[2]), 3);
    cr_assert_eq(c.flows[2].end_reason, PL_END_IDLE);
    cr_assert_eq(c.flows[2].pkts_fwd + c.flows[2].pkts_rev, 2);
    pl_flow_table_free(ft);
}

Test(flow_table, eviction_tie_goes_to_the_oldest_created)
{
    struct collect c;
    struct pl_flow_cfg cfg = cfg_default();
    cfg.max_flows = 3;
    struct pl_flow_table *ft = collect_table(&c, cfg);
    feed(ft, udp(A, 1, B, 2, 0));
    feed(ft, udp(A, 3, B, 4, 0));
    feed(ft, udp(A, 5, B, 6, 0));
    feed(ft, udp(A, 1, B, 2, 0)); /* same last_seen for all three: creation order decides */
    feed(ft, udp(A, 7, B, 8, 0));
    cr_assert_eq(c.n, 1);
    cr_assert_eq(pl_flow_sport(&c.flows[0]), 1);
    pl_flow_table_free(ft);
}

Test(flow_table, continuation_keys_do_not_count_toward_max_flows)
{
    struct collect c;
    struct pl_flow_cfg cfg = cfg_default();
    cfg.max_flows = 2;
    cfg.active_us = 10 * SEC;
    struct pl_flow_table *ft = collect_table(&c, cfg);
    feed(ft, udp(A, 1, B, 2, 0));
    feed(ft, udp(A, 3, B, 4, 0));
    pl_flow_table_advance(ft, T0 + 10 * SEC); /* both end active, keys stay */
    cr_assert_eq(c.n, 2);
    feed(ft, udp(A, 5, B, 6, 11 * SEC));
    feed(ft, udp(A, 7, B, 8, 11 * SEC));
    cr_assert_eq(c.n, 2, "no eviction: dormant keys are not live flows");
    feed(ft, udp(B, 2, A, 1, 12 * SEC)); /* continuation of flow 1 needs a live slot */
    cr_assert_eq(c.n, 3);
    cr_assert_eq(c.flows[2].end_reason, PL_END_EVICTED);
    cr_assert_eq(pl_flow_sport(&c.flows[2]), 5);
    pl_flow_table_finish(ft, PL_END_EOF);
    assert_src(&c.flows[c.n - 1], A, 1); /* newest record last; initiator kept */
    pl_flow_table_free(ft);
}

Test(flow_table, finish_emits_in_order_of_first_packet)
{
    struct collect c;
    struct pl_flow_table *ft = collect_table(&c, cfg_default());
    feed(ft, udp(A, 1, B, 2, 0));
    feed(ft, udp(A, 3, B, 4, 1));
    feed(ft, udp(A, 5, B, 6, 2));
    feed(ft, udp(A, 1, B, 2, 3));
    pl_flow_table_finish(ft, PL_END_EOF);
    cr_assert_eq(c.n, 3);
    cr_assert_eq(pl_flow_sport(&c.flows[0]), 1);
    cr_assert_eq(pl_flow_sport(&c.flows[1]), 3);
    cr_assert_eq(pl_flow_sport(&c.flows[2]), 5);
    pl_flow_table_free(ft);
}

Test(flow_table, many_flows_reuse_pool_nodes)
{
    struct collect c;
    struct pl_flow_cfg cfg = cfg_default();
    cfg.max_flows = 8;
    cfg.idle_us = 20 * SEC;
    struct pl_flow_table *ft = collect_table(&c, cfg);
    for (uint32_t i = 0; i < 1000; i++)
        feed(ft, udp(A, (uint16_t)(1000 + i % 50), B, 53, (uint64_t)i * SEC / 4));
    pl_flow_table_finish(ft, PL_END_EOF);
    struct pl_flow_stats st;
    pl_flow_table_stats(ft, &st);
    cr_assert_eq(st.packets_in_flows, 1000);
    cr_assert_eq(st.live, 0);
    cr_assert_eq(st.flows_total, c.n);
    cr_assert_eq(c.pkts, 1000);
    cr_assert_gt(st.flows_evicted, 0);
    pl_flow_table_free(ft);
}

/* Regression: the hash started at 32 buckets and doubled its way up, walking every key each
 * time; and uthash doubled it again, at random, when one chain reached 10 keys by chance
 * (W2's peak memory moved by 16 MB from run to run). Now it is sized for max_flows at once
 * and stays so, whatever the seed. */
Test(flow_table, hash_is_sized_for_max_flows_and_stays_so)
{
    struct collect c;
    struct pl_flow_cfg cfg = cfg_default();
    cfg.max_flows = 300000;
    for (int run = 0; run < 3; run++) { /* a new random hash seed each time */
        struct pl_flow_table *ft = collect_table(&c, cfg);
        cr_assert_eq(pl_flow_table_buckets(ft), 1u << 18, "300k flows: 2^18 buckets (1.14 each)");
        for (uint32_t i = 0; i < cfg.max_flows; i++)
            feed(ft, udp(A + i / 60000, (uint16_t)(1024 + i % 60000), B, 53, i));
        struct pl_flow_stats st;
        pl_flow_table_stats(ft, &st);
        cr_assert_eq(st.live, cfg.max_flows);
        cr_assert_eq(pl_flow_table_buckets(ft), 1u << 18, "run %d: the hash grew to %u", run,
                     pl_flow_table_buckets(ft));
        pl_flow_table_finish(ft, PL_END_EOF);
        cr_assert_eq(pl_flow_table_buckets(ft), 1u << 18, "sized again after finish");
        pl_flow_table_free(ft);
    }
    cfg.max_flows = 10;
    struct pl_flow_table *ft = collect_table(&c, cfg);
    cr_assert_eq(pl_flow_table_buckets(ft), 32u, "small tables keep uthash's 32");
    pl_flow_table_free(ft);
}

/* The look-ups read the bucket array through a copy the table keeps (bkt_sync). When the
 * array grows (dormant keys push the hash past 1.5 keys per bucket), the copy must follow:
 * a stale one reads freed memory (ASan) or the wrong bucket, and a flow's second packet
 * then opens a second record. */
Test(flow_table, lookups_follow_the_bucket_array_when_it_grows)
{
    struct collect c;
    struct pl_flow_cfg cfg = cfg_default();
    cfg.max_flows = 100;
    cfg.active_us = 10 * SEC;
    struct pl_flow_table *ft = collect_table(&c, cfg);
    cr_assert_eq(pl_flow_table_buckets(ft), 128u);
    for (uint16_t i = 0; i < 100; i++)
        feed(ft, udp(A, (uint16_t)(1000 + i), B, 53, 0));
    pl_flow_table_advance(ft, T0 + 10 * SEC); /* 100 records end active; their keys stay */
    cr_assert_eq(c.n, 100);
    for (uint16_t i = 0; i < 100; i++) /* 100 more keys: 201 in the hash, past 1.5 x 128 */
        feed(ft, udp(A, (uint16_t)(2000 + i), B, 53, 11 * SEC));
    cr_assert_eq(pl_flow_table_buckets(ft), 256u, "the hash did not grow: test is void");
    for (uint16_t i = 0; i < 100; i++)
        feed(ft, udp(B, 53, A, (uint16_t)(2000 + i), 12 * SEC));
    struct pl_flow_stats st;
    pl_flow_table_stats(ft, &st);
    cr_assert_eq(st.live, 100, "second packets opened new records: %llu live",
                 (unsigned long long)st.live);
    pl_flow_table_finish(ft, PL_END_EOF);
    cr_assert_eq(c.n, 200, "records: 100 active, 100 at the end, each of two packets");
    cr_assert_eq(c.pkts, 300);
    pl_flow_table_free(ft);
}

Test(flow_table, free_null_is_a_noop) { pl_flow_table_free(NULL); }

Test(flow_table, end_reason_names)
{
    cr_assert_str_eq(pl_end_reason_name(PL_END_IDLE), "idle");
    cr_assert_str_eq(pl_end_reason_name(PL_END_ACTIVE), "active");
    cr_assert_str_eq(pl_end_reason_name(PL_END_CLOSED), "closed");
    cr_assert_str_eq(pl_end_reason_name(PL_END_EVICTED), "evicted");
    cr_assert_str_eq(pl_end_reason_name(PL_END_EOF), "eof");
    cr_assert_str_eq(pl_end_reason_name(PL_END_SHUTDOWN), "shutdown");
}

Test(flow_table, prefetch_hints_are_safe_on_an_empty_table)
{
    struct collect c;
    struct pl_flow_table *ft = collect_table(&c, cfg_default());
    struct pl_pkt p = udp(A, 5000, B, 53, 0);
    pl_flow_table_prefetch_bucket(ft, &p);
    pl_flow_table_prefetch_flow(ft, &p);
    pl_flow_table_prefetch_links(ft, &p);
    feed(ft, p);
    struct pl_pkt q = udp(A, 5001, B, 53, 1); /* a key not in the table */
    pl_flow_table_prefetch_bucket(ft, &q);
    pl_flow_table_prefetch_flow(ft, &q);
    pl_flow_table_prefetch_links(ft, &q);
    pl_flow_table_prefetch_links(ft, &p); /* the newest flow: nothing to move */
    cr_assert_eq(c.n, 0);
    pl_flow_table_free(ft);
}

/* 32 buckets and a dozen keys: new keys land in occupied buckets, where the links hint
 * prefetches the line uthash's add writes in the chain head. A prefetch cannot be observed:
 * this runs that branch (under the sanitizers in CI) and checks that hints change nothing. */
Test(flow_table, prefetch_hints_on_new_keys_in_occupied_buckets_change_nothing)
{
    struct collect c;
    struct pl_flow_cfg cfg = cfg_default();
    cfg.max_flows = 20;
    struct pl_flow_table *ft = collect_table(&c, cfg);
    const unsigned buckets = pl_flow_table_buckets(ft);
    cr_assert_eq(buckets, 32u);
    bool occupied[32] = {false};
    struct pl_flow_lookup lu;
    for (uint16_t i = 0; i < 12; i++) {
        struct pl_pkt p = udp(A, (uint16_t)(5000 + i), B, 53, i);
        pl_flow_table_prepare(ft, &p, &lu);
        occupied[lu.hashv & (buckets - 1u)] = true;
        feed(ft, p);
    }
    struct pl_flow_stats before, after;
    pl_flow_table_stats(ft, &before);
    unsigned landed = 0;
    for (uint16_t i = 0; i < 200; i++) { /* keys not in the table */
        struct pl_pkt q = udp(B, (uint16_t)(6000 + i), A, 123, 20);
        pl_flow_table_prepare(ft, &q, &lu);
        landed += occupied[lu.hashv & (buckets - 1u)];
        pl_flow_table_prefetch_bucket(ft, &q);
        pl_flow_table_prefetch_flow(ft, &q);
        pl_flow_table_prefetch_links(ft, &q);
    }
    cr_assert_gt(landed, 0, "no new key shared a bucket with a flow");
    pl_flow_table_stats(ft, &after);
    cr_assert_eq(c.n, 0);
    cr_assert_eq(memcmp(&before, &after, sizeof before), 0, "hints changed the table's stats");
    pl_flow_table_finish(ft, PL_END_EOF);
    cr_assert_eq(c.n, 12, "the twelve flows, no other");
    pl_flow_table_free(ft);
}

Test(flow_table, transport_outside_the_four_is_not_counted)
{
    struct collect c;
    struct pl_flow_table *ft = collect_table(&c, cfg_default());
    struct pl_pkt p = mkpkt(47 /* GRE */, A, 0, B, 0, 0);
    cr_assert_not(feed(ft, p));
    struct pl_flow_stats st;
    pl_flow_table_stats(ft, &st);
    cr_assert_eq(st.packets_in_flows, 0);
    cr_assert_eq(st.fragment_unattributed, 0);
    cr_assert_eq(st.live, 0);
    pl_flow_table_free(ft);
}

Test(flow_table, dormant_keys_beyond_the_pool_are_forgotten_oldest_first)
{
    /* max_flows 1: room for one live flow and two keys in all. */
    struct collect c;
    struct pl_flow_cfg cfg = cfg_default();
    cfg.max_flows = 1;
    cfg.active_us = 10 * SEC;
    struct pl_flow_table *ft = collect_table(&c, cfg);
    feed(ft, tcp(B, 40000, A, 8080, PL_TCP_SYN, 0));
    pl_flow_table_advance(ft, T0 + 10 * SEC); /* key 1 dormant */
    feed(ft, tcp(B, 40001, A, 8080, PL_TCP_SYN, 11 * SEC));
    pl_flow_table_advance(ft, T0 + 21 * SEC); /* key 2 dormant: two dormant keys, pool full */
    cr_assert_eq(c.n, 2);
    feed(ft, udp(A, 1, B, 2, 22 * SEC));                    /* needs a node: key 1 is forgotten */
    feed(ft, tcp(A, 8080, B, 40001, PL_TCP_ACK, 23 * SEC)); /* key 2 continues (evicts udp) */
    feed(ft, tcp(A, 8080, B, 40000, PL_TCP_ACK, 24 * SEC)); /* key 1 starts afresh */
    pl_flow_table_finish(ft, PL_END_EOF);
    cr_assert_eq(c.n, 5);
    cr_assert_eq(c.flows[2].end_reason, PL_END_EVICTED);
    cr_assert_eq(c.flows[3].end_reason, PL_END_EVICTED);
    assert_src(&c.flows[3], B, 40001);
    cr_assert_eq(c.flows[3].label.basis, PL_BASIS_HANDSHAKE);
    assert_src(&c.flows[4], A, 8080);
    cr_assert_eq(c.flows[4].label.basis, PL_BASIS_PORT_ORDER);
    pl_flow_table_free(ft);
}

Test(flow_table, syn_on_a_dormant_closing_key_starts_afresh)
{
    struct collect c;
    struct pl_flow_cfg cfg = cfg_default();
    cfg.active_us = 10 * SEC;
    struct pl_flow_table *ft = collect_table(&c, cfg);
    feed(ft, tcp(B, 40000, A, 80, PL_TCP_SYN, 0));
    feed(ft, tcp(A, 80, B, 40000, PL_TCP_RST, 9 * SEC)); /* close due at 19 s */
    pl_flow_table_advance(ft, T0 + 10 * SEC);            /* active; the key keeps its close */
    cr_assert_eq(c.n, 1);
    feed(ft, tcp(A, 80, B, 40000, PL_TCP_SYN, 12 * SEC)); /* the old responder opens */
    pl_flow_table_advance(ft, T0 + 21 * SEC);
    cr_assert_eq(c.n, 1, "the new flow has no close");
    pl_flow_table_finish(ft, PL_END_EOF);
    cr_assert_eq(c.n, 2);
    assert_src(&c.flows[1], A, 80);
    cr_assert_eq(c.flows[1].end_reason, PL_END_EOF);
    cr_assert_eq(c.flows[1].label.service_port, 40000);
    pl_flow_table_free(ft);
}

Test(flow_table, dormant_closing_key_after_the_linger_starts_midstream)
{
    struct collect c;
    struct pl_flow_cfg cfg = cfg_default();
    cfg.active_us = 5 * SEC;
    struct pl_flow_table *ft = collect_table(&c, cfg);
    feed(ft, tcp(B, 40000, A, 80, PL_TCP_SYN, 0));
    feed(ft, tcp(A, 80, B, 40000, PL_TCP_RST, 1 * SEC));
    pl_flow_table_advance(ft, T0 + 5 * SEC);
    feed(ft, tcp(A, 80, B, 40000, PL_TCP_ACK, 11 * SEC)); /* 10 s after the RST */
    pl_flow_table_finish(ft, PL_END_EOF);
    cr_assert_eq(c.n, 2);
    assert_src(&c.flows[1], A, 80);
    cr_assert_eq(c.flows[1].end_reason, PL_END_EOF, "no close carried over");
    cr_assert_eq(c.flows[1].label.basis, PL_BASIS_PORT_ORDER);
    pl_flow_table_free(ft);
}

Test(flow_table, rejects_max_flows_beyond_the_limit)
{
    struct pl_flow_cfg cfg = cfg_default();
    struct pl_err err = {.msg = ""};
    cfg.max_flows = PL_FLOW_MAX_LIMIT + 1;
    cr_assert_null(pl_flow_table_new(&cfg, NULL, collect_emit, NULL, &err));
    cr_assert_neq(err.msg[0], '\0');
}

/* Regression (review): with more live flows than the timer lists' insertion walk, a packet
 * older than all of them went to the wrong place: its idle end was missed, end-of-input order
 * and the eviction victim were wrong. Out-of-order entries now go to a heap; orders stay exact. */
#define MANY 100 /* more than the insertion walk (64) */

static struct pl_flow_cfg
cfg_many(void)
{
    struct pl_flow_cfg cfg = cfg_default();
    cfg.max_flows = 4 * MANY;
    return cfg;
}

static void
feed_many_then_old(struct pl_flow_table *ft, uint64_t old_sec)
{
    for (uint16_t i = 0; i < MANY; i++)
        feed(ft, udp(A, (uint16_t)(1000 + i), B, 53, (1000 + i) * SEC));
    feed(ft, udp(A, 9, B, 53, old_sec * SEC));
}

Test(flow_table, backdated_flow_behind_many_still_ends_idle_on_time)
{
    struct collect c;
    struct pl_flow_table *ft = collect_table(&c, cfg_many());
    feed_many_then_old(ft, 10);
    feed(ft, udp(A, 9, B, 53, (1000 + MANY) * SEC)); /* 10 + 300 <= now: idle first */
    cr_assert_geq(c.n, 1);
    cr_assert_eq(pl_flow_sport(&c.flows[0]), 9);
    cr_assert_eq(c.flows[0].end_reason, PL_END_IDLE);
    cr_assert_eq(c.flows[0].last_ts_us, T0 + 10 * SEC);
    pl_flow_table_free(ft);
}

Test(flow_table, backdated_flow_behind_many_is_first_at_end_of_input)
{
    struct collect c;
    struct pl_flow_table *ft = collect_table(&c, cfg_many());
    feed_many_then_old(ft, 900);
    pl_flow_table_finish(ft, PL_END_EOF);
    cr_assert_eq(c.n, MANY + 1);
    cr_assert_eq(pl_flow_sport(&c.flows[0]), 9, "first by first packet");
    cr_assert_eq(pl_flow_sport(&c.flows[1]), 1000);
    pl_flow_table_free(ft);
}

Test(flow_table, backdated_flow_behind_many_is_the_eviction_victim)
{
    struct collect c;
    struct pl_flow_cfg cfg = cfg_many();
    cfg.max_flows = MANY + 1;
    struct pl_flow_table *ft = collect_table(&c, cfg);
    feed_many_then_old(ft, 900);
    feed(ft, udp(A, 7, B, 53, (1000 + MANY) * SEC)); /* table full: smallest last_seen goes */
    cr_assert_eq(c.n, 1);
    cr_assert_eq(c.flows[0].end_reason, PL_END_EVICTED);
    cr_assert_eq(pl_flow_sport(&c.flows[0]), 9);
    pl_flow_table_free(ft);
}

Test(flow_table, random_order_timestamps_keep_every_order)
{
    struct collect c;
    struct pl_flow_cfg cfg = cfg_many();
    cfg.max_flows = 4000;
    cfg.idle_us = 50 * SEC;
    struct pl_flow_table *ft = collect_table(&c, cfg);
    uint64_t x = 12345;
    for (uint16_t i = 0; i < 2000; i++) { /* timestamps jump around within 100 s */
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        feed(ft, udp(A, (uint16_t)(2000 + i), B, 53, (x >> 33) % (100 * SEC)));
    }
    pl_flow_table_finish(ft, PL_END_EOF);
    cr_assert_eq(c.n, 2000);
    pl_flow_table_free(ft);
}
