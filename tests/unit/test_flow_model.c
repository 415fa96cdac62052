/* tests/unit/test_flow_model.c — the flow table against a plain reference model of SPEC §4 and
 * §8 (linear scans, no clever structures): random packets with small timeouts, a small table,
 * timestamps that sometimes go backwards; every emitted record must match, in order. */
#include <criterion/criterion.h>
#include <string.h>

#define COLLECT_MAX 4096 /* every record of a run */
#include "flow/flow_int.h"
#include "flowpkt.h"

#define MAXREC 256
#define LINGER PL_FLOW_CLOSE_LINGER_US

/* One key's state in the model: a live record, or a dormant key awaiting its continuation. */
struct mrec {
    bool used, live;
    struct pl_flow_key key;
    bool init_is_hi;
    uint16_t service_port;
    uint8_t basis;
    uint64_t first, last;
    uint64_t pf, pr, bf, br;
    uint8_t ff, fr;
    uint64_t seq;
    uint64_t dormant_order; /* when it became dormant (FIFO order) */
    bool has_close, fin_lo, fin_hi;
    uint64_t close_us;
};

struct model {
    struct pl_flow_cfg cfg;
    struct mrec r[MAXREC];
    uint64_t now, seq, dorder;
    struct collect out;
};

static void
m_emit(struct model *m, struct mrec *x, enum pl_end_reason why)
{
    struct pl_flow f;
    memset(&f, 0, sizeof f);
    f.key = x->key;
    f.first_ts_us = x->first;
    f.last_ts_us = x->last;
    f.pkts_fwd = x->pf;
    f.pkts_rev = x->pr;
    f.bytes_fwd = x->bf;
    f.bytes_rev = x->br;
    f.tcp_flags_fwd = x->ff;
    f.tcp_flags_rev = x->fr;
    f.init_is_hi = x->init_is_hi;
    f.label.service_port = x->service_port;
    f.label.basis = x->basis;
    f.end_reason = (uint8_t)why;
    collect_emit(&m->out, &f);
    x->live = false;
}

static size_t
m_count(const struct model *m, bool live)
{
    size_t n = 0;
    for (size_t i = 0; i < MAXREC; i++)
        n += m->r[i].used && m->r[i].live == live;
    return n;
}

static void
m_advance(struct model *m, uint64_t now)
{
    if (now > m->now)
        m->now = now;
    for (;;) {
        struct mrec *best = NULL;
        uint64_t best_due = 0;
        int best_rank = 0;
        for (size_t i = 0; i < MAXREC; i++) {
            struct mrec *x = &m->r[i];
            if (!x->used || !x->live)
                continue;
            uint64_t due[3] = {x->has_close ? x->close_us + LINGER : UINT64_MAX,
                               x->first + m->cfg.active_us, x->last + m->cfg.idle_us};
            for (int rank = 0; rank < 3; rank++) {
                if (due[rank] > m->now)
                    continue;
                if (best == NULL || due[rank] < best_due ||
                    (due[rank] == best_due &&
                     (x->seq < best->seq || (x == best && rank < best_rank)))) {
                    best = x;
                    best_due = due[rank];
                    best_rank = rank;
                }
            }
        }
        if (best == NULL)
            break;
        static const enum pl_end_reason why[3] = {PL_END_CLOSED, PL_END_ACTIVE, PL_END_IDLE};
        m_emit(m, best, why[best_rank]);
        if (best_rank == 1)
            best->dormant_order = m->dorder++;
        else
            best->used = false;
    }
    /* Dormant keys go once they would have gone idle; the table forgets them lazily, oldest
     * dormant first (a look-up checks each exactly). Only the bound on dormant keys shows it. */
    for (;;) {
        struct mrec *old = NULL;
        for (size_t i = 0; i < MAXREC; i++)
            if (m->r[i].used && !m->r[i].live &&
                (old == NULL || m->r[i].dormant_order < old->dormant_order))
                old = &m->r[i];
        if (old == NULL || !(m->now >= old->last && m->now - old->last >= m->cfg.idle_us))
            break;
        old->used = false;
    }
}

static void
m_make_room(struct model *m)
{
    if (m_count(m, true) < m->cfg.max_flows)
        return;
    struct mrec *v = NULL;
    for (size_t i = 0; i < MAXREC; i++) {
        struct mrec *x = &m->r[i];
        if (x->used && x->live &&
            (v == NULL || x->last < v->last || (x->last == v->last && x->seq < v->seq)))
            v = x;
    }
    m_emit(m, v, PL_END_EVICTED);
    v->used = false;
}

static void
m_start(struct model *m, struct mrec *x, const struct pl_pkt *p, bool from_hi, bool fresh)
{
    if (fresh) {
        bool answer = p->l4_proto == PL_IPPROTO_TCP &&
                      (p->tcp_flags & (PL_TCP_SYN | PL_TCP_ACK)) == (PL_TCP_SYN | PL_TCP_ACK);
        bool opening = p->l4_proto == PL_IPPROTO_TCP && (p->tcp_flags & PL_TCP_SYN);
        x->init_is_hi = answer ? !from_hi : from_hi;
        uint16_t ip = x->init_is_hi ? x->key.port_hi : x->key.port_lo;
        uint16_t rp = x->init_is_hi ? x->key.port_lo : x->key.port_hi;
        x->service_port = opening ? rp : (ip < rp ? ip : rp);
        x->basis = opening ? PL_BASIS_HANDSHAKE : PL_BASIS_PORT_ORDER;
        x->has_close = x->fin_lo = x->fin_hi = false;
    }
    x->live = true;
    x->first = x->last = p->ts_us;
    x->pf = x->pr = x->bf = x->br = 0;
    x->ff = x->fr = 0;
    x->seq = m->seq++;
}

static void
m_packet(struct model *m, const struct pl_pkt *p)
{
    struct pl_flow_key key;
    bool from_hi = pl_flow_key_make(&key, p);
    bool syn_only =
        p->l4_proto == PL_IPPROTO_TCP && (p->tcp_flags & (PL_TCP_SYN | PL_TCP_ACK)) == PL_TCP_SYN;
    struct mrec *x = NULL;

    m_advance(m, p->ts_us);
    for (size_t i = 0; i < MAXREC && x == NULL; i++)
        if (m->r[i].used && memcmp(&m->r[i].key, &key, sizeof key) == 0)
            x = &m->r[i];
    if (x != NULL && x->live) {
        if (x->has_close && syn_only) {
            m_emit(m, x, PL_END_CLOSED);
            m_start(m, x, p, from_hi, true);
        }
    } else if (x != NULL) {
        bool fresh = (m->now >= x->last && m->now - x->last >= m->cfg.idle_us) ||
                     (x->has_close && m->now >= x->close_us && m->now - x->close_us >= LINGER) ||
                     (x->has_close && syn_only);
        m_make_room(m);
        m_start(m, x, p, from_hi, fresh);
    } else {
        m_make_room(m);
        if (m_count(m, true) + m_count(m, false) == 2 * (size_t)m->cfg.max_flows) {
            struct mrec *old = NULL; /* the pool is full of dormant keys: forget the oldest */
            for (size_t i = 0; i < MAXREC; i++)
                if (m->r[i].used && !m->r[i].live &&
                    (old == NULL || m->r[i].dormant_order < old->dormant_order))
                    old = &m->r[i];
            old->used = false;
        }
        for (size_t i = 0; i < MAXREC && x == NULL; i++)
            if (!m->r[i].used)
                x = &m->r[i];
        cr_assert_not_null(x, "model full");
        memset(x, 0, sizeof *x);
        x->used = true;
        x->key = key;
        m_start(m, x, p, from_hi, true);
    }
    if (from_hi == x->init_is_hi) {
        x->pf++;
        x->bf += p->ip_len;
        x->ff |= p->tcp_flags;
    } else {
        x->pr++;
        x->br += p->ip_len;
        x->fr |= p->tcp_flags;
    }
    if (p->ts_us > x->last)
        x->last = p->ts_us;
    if (p->l4_proto == PL_IPPROTO_TCP && !x->has_close) {
        if (p->tcp_flags & PL_TCP_FIN) {
            x->fin_hi |= from_hi;
            x->fin_lo |= !from_hi;
        }
        if ((p->tcp_flags & PL_TCP_RST) || (x->fin_lo && x->fin_hi)) {
            x->has_close = true;
            x->close_us = p->ts_us;
        }
    }
}

static void
m_finish(struct model *m)
{
    for (;;) {
        struct mrec *x = NULL;
        for (size_t i = 0; i < MAXREC; i++) {
            struct mrec *y = &m->r[i];
            if (y->used && y->live &&
                (x == NULL || y->first < x->first || (y->first == x->first && y->seq < x->seq)))
                x = y;
        }
        if (x == NULL)
            break;
        m_emit(m, x, x->has_close ? PL_END_CLOSED : PL_END_EOF);
        x->used = false;
    }
}

static uint64_t
rnd(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static void
run_one(uint64_t seed, uint32_t max_flows, bool backwards, unsigned ports, unsigned lru_shift)
{
    struct collect *got = calloc(1, sizeof *got);
    struct model *m = calloc(1, sizeof *m);
    struct pl_err err = {.msg = ""};
    struct pl_flow_cfg cfg = {
        .idle_us = 20 * SEC, .active_us = 50 * SEC, .max_flows = max_flows, .max_frags = 8};
    m->cfg = cfg;
    struct pl_flow_table *ft = pl_flow_table_new(&cfg, NULL, collect_emit, got, &err);
    cr_assert_not_null(ft);
    pl_flow_table_set_lru_shift(ft, lru_shift);

    static const uint8_t flagset[] = {PL_TCP_SYN,
                                      PL_TCP_SYN | PL_TCP_ACK,
                                      PL_TCP_ACK,
                                      PL_TCP_ACK | PL_TCP_PSH,
                                      PL_TCP_FIN | PL_TCP_ACK,
                                      PL_TCP_RST,
                                      PL_TCP_ACK,
                                      PL_TCP_ACK,
                                      PL_TCP_ACK,
                                      PL_TCP_ACK,
                                      PL_TCP_ACK,
                                      PL_TCP_ACK | PL_TCP_PSH,
                                      PL_TCP_ACK,
                                      PL_TCP_ACK,
                                      PL_TCP_ACK,
                                      PL_TCP_ACK,
                                      PL_TCP_ACK,
                                      PL_TCP_ACK,
                                      PL_TCP_ACK | PL_TCP_PSH,
                                      PL_TCP_ACK,
                                      PL_TCP_ACK,
                                      PL_TCP_ACK,
                                      PL_TCP_ACK};
    uint64_t s = seed * 2654435761u + 1, t = 0;
    for (int i = 0; i < 3000; i++) {
        uint64_t r = rnd(&s);
        if (backwards && r % 17 == 0)
            t = t > 4 * SEC ? t - (r >> 8) % 5 * SEC : 0;
        else
            t += (r >> 12) % 3 * SEC * (r % 61 == 0 ? 20 : 1); /* whole seconds: ties */
        uint32_t hosts[2] = {A, B};
        bool rev = (r >> 20) & 1;
        uint16_t cport = (uint16_t)(1000 + (r >> 24) % ports),
                 sport = (uint16_t)(80 + (r >> 30) % 2);
        struct pl_pkt p =
            (r >> 33) % 4 == 0
                ? udp(hosts[rev], rev ? sport : cport, hosts[!rev], rev ? cport : sport, t)
                : tcp(hosts[rev], rev ? sport : cport, hosts[!rev], rev ? cport : sport,
                      flagset[(r >> 36) % (sizeof flagset)], t);
        p.ip_len = (uint32_t)(40 + (r >> 40) % 1400);
        if (p.l4_proto == PL_IPPROTO_UDP)
            p.tcp_flags = 0;
        m_packet(m, &p);
        if (r % 3 == 0) { /* hints must change nothing */
            pl_flow_table_prefetch_bucket(ft, &p);
            pl_flow_table_prefetch_flow(ft, &p);
            pl_flow_table_prefetch_links(ft, &p);
        }
        pl_flow_table_advance(ft, p.ts_us);
        cr_assert(pl_flow_table_packet(ft, &p));
        if ((r >> 50) % 97 == 0) { /* a clock tick far ahead now and then */
            t += 30 * SEC;
            m_advance(m, T0 + t);
            pl_flow_table_advance(ft, T0 + t);
        }
    }
    m_finish(m);
    pl_flow_table_finish(ft, PL_END_EOF);

    cr_assert_eq(got->n, m->out.n, "seed %llu: %zu records, model %zu", (unsigned long long)seed,
                 got->n, m->out.n);
    for (size_t i = 0; i < got->n && i < COLLECT_MAX; i++) {
        const struct pl_flow *a = &got->flows[i], *b = &m->out.flows[i];
        cr_assert_eq(memcmp(&a->key, &b->key, sizeof a->key), 0, "seed %llu rec %zu key",
                     (unsigned long long)seed, i);
        cr_assert_eq(a->end_reason, b->end_reason, "seed %llu rec %zu reason %s/%s",
                     (unsigned long long)seed, i, pl_end_reason_name(a->end_reason),
                     pl_end_reason_name(b->end_reason));
        cr_assert_eq(a->first_ts_us, b->first_ts_us, "seed %llu rec %zu", (unsigned long long)seed,
                     i);
        cr_assert_eq(a->last_ts_us, b->last_ts_us, "seed %llu rec %zu", (unsigned long long)seed,
                     i);
        cr_assert_eq(a->init_is_hi, b->init_is_hi, "seed %llu rec %zu", (unsigned long long)seed,
                     i);
        cr_assert_eq(a->pkts_fwd, b->pkts_fwd, "seed %llu rec %zu", (unsigned long long)seed, i);
        cr_assert_eq(a->pkts_rev, b->pkts_rev, "seed %llu rec %zu", (unsigned long long)seed, i);
        cr_assert_eq(a->bytes_fwd, b->bytes_fwd, "seed %llu rec %zu", (unsigned long long)seed, i);
        cr_assert_eq(a->bytes_rev, b->bytes_rev, "seed %llu rec %zu", (unsigned long long)seed, i);
        cr_assert_eq(a->tcp_flags_fwd, b->tcp_flags_fwd, "seed %llu rec %zu",
                     (unsigned long long)seed, i);
        cr_assert_eq(a->tcp_flags_rev, b->tcp_flags_rev, "seed %llu rec %zu",
                     (unsigned long long)seed, i);
        cr_assert_eq(a->label.service_port, b->label.service_port, "seed %llu rec %zu",
                     (unsigned long long)seed, i);
        cr_assert_eq(a->label.basis, b->label.basis, "seed %llu rec %zu", (unsigned long long)seed,
                     i);
    }
    cr_assert_eq(got->pkts, 3000);
    cr_assert_eq(m->out.pkts, 3000);
    pl_flow_table_free(ft);
    free(got);
    free(m);
}

/* Each seed with the lru list exact (slot 1 us), with the default slot, and with one slot for
 * all time: the table must match the model with every one. */
static void
run_seed(uint64_t seed, uint32_t max_flows, bool backwards, unsigned ports)
{
    static const unsigned shifts[] = {0, 22, 63};
    for (size_t i = 0; i < sizeof shifts / sizeof shifts[0]; i++)
        run_one(seed, max_flows, backwards, ports, shifts[i]);
}

Test(flow_model, matches_reference_with_time_in_order)
{
    for (uint64_t seed = 1; seed <= 20; seed++)
        run_seed(seed, 4, false, 2);
}

Test(flow_model, matches_reference_with_time_going_backwards)
{
    for (uint64_t seed = 100; seed <= 120; seed++)
        run_seed(seed, 4, true, 2);
}

Test(flow_model, matches_reference_with_a_one_flow_table)
{
    for (uint64_t seed = 200; seed <= 220; seed++)
        run_seed(seed, 1, true, 2);
}

Test(flow_model, matches_reference_with_room_to_spare)
{
    for (uint64_t seed = 300; seed <= 310; seed++)
        run_seed(seed, 16, true, 3);
}
