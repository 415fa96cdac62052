/* src/pipeline.c — frame -> decode -> flow -> label -> sink, and the run's totals (SPEC §3-§6). */
#include <stdlib.h>
#include <string.h>

#include "portlabel/decode.h"
#include "portlabel/pipeline.h"

#ifndef PL_AHEAD
#define PL_AHEAD 16u /* frames decoded ahead of counting (a power of two) */
#endif
#ifndef PL_HINT_FLOW
#define PL_HINT_FLOW 12u /* frames before its count a frame's flow node is prefetched */
#endif
#ifndef PL_HINT_CHAIN
#define PL_HINT_CHAIN 8u /* ... the second node of its hash chain (0: not) */
#endif
#ifndef PL_HINT_LINKS
#define PL_HINT_LINKS 4u /* ... and its LRU neighbours (a new key: its chain head's add line) */
#endif

struct pl_pipeline {
    struct pl_pipeline_opts opts;
    const struct pl_registry *reg; /* borrowed */
    struct pl_sink *sink;          /* borrowed */
    struct pl_flow_table *ft;
    struct pl_audit *audit;        /* NULL unless opts.audit */
    struct pl_summary sum;         /* decoder outcomes and flow records; table stats added at the end */
    bool write_failed;             /* first output error, kept in write_err */
    struct pl_err write_err;
    /* Look-ahead: frames are decoded PL_AHEAD frames before they are counted, so the flow
     * table's prefetch hints can overlap the memory loads of consecutive look-ups. */
    struct pl_pkt ring[PL_AHEAD];
    struct pl_flow_lookup ring_lk[PL_AHEAD]; /* key, hash, direction: computed once per frame */
    enum pl_decode_status ring_st[PL_AHEAD];
    uint64_t ring_ts[PL_AHEAD];
    unsigned head;  /* next slot to fill, mod PL_AHEAD */
    unsigned count; /* frames decoded, not yet counted */
};

static void count_frame(struct pl_pipeline *p, unsigned slot);

/* Count every frame still waiting in the look-ahead ring, oldest first. */
static void
drain(struct pl_pipeline *p)
{
    while (p->count > 0) {
        count_frame(p, (p->head - p->count) % PL_AHEAD);
        p->count--;
    }
}

/* Flow table callback: one record has ended. */
static void
on_flow_end(void *ctx, const struct pl_flow *f)
{
    struct pl_pipeline *p = ctx;

    p->sum.flows_total++;
    if (f->label.status < PL_STATUS_COUNT)
        p->sum.flows_by_status[f->label.status]++;
    if (pl_label_is_unauthorized(&f->label))
        p->sum.flows_unauthorized++;
    if (p->opts.only_flagged && !pl_label_is_unauthorized(&f->label)) /* SPEC §5 */
        return;
    if (p->audit != NULL) {
        pl_audit_add(p->audit, f);
        return;
    }
    if (p->write_failed)
        return;
    if (p->sink->ops->flow(p->sink, f, &p->write_err) != 0)
        p->write_failed = true;
}

struct pl_pipeline *
pl_pipeline_new(const struct pl_pipeline_opts *opts, const struct pl_registry *reg,
                struct pl_sink *sink, struct pl_err *err)
{
    struct pl_pipeline *p = calloc(1, sizeof *p);

    if (p == NULL) {
        pl_err_set(err, "out of memory");
        return NULL;
    }
    p->opts = *opts;
    p->reg = reg;
    p->sink = sink;
    p->ft = pl_flow_table_new(&opts->flow, reg, on_flow_end, p, err);
    if (p->ft == NULL) {
        free(p);
        return NULL;
    }
    if (opts->audit && (p->audit = pl_audit_new(err)) == NULL) {
        pl_flow_table_free(p->ft);
        free(p);
        return NULL;
    }
    if (reg != NULL) {
        p->sum.registry_path = pl_registry_path(reg);
        p->sum.registry_rows = pl_registry_rows(reg);
        p->sum.registry_bad_rows = pl_registry_bad_rows(reg);
        p->sum.registry_has_unauthorized = pl_registry_has_unauthorized(reg);
        switch (pl_registry_format(reg)) {
        case PL_REG_FMT_CSV: p->sum.registry_format = "csv"; break;
        case PL_REG_FMT_XML: p->sum.registry_format = "xml"; break;
        case PL_REG_FMT_SERVICES: p->sum.registry_format = "services"; break;
        }
    }
    return p;
}

void
pl_pipeline_free(struct pl_pipeline *p)
{
    if (p == NULL)
        return;
    pl_flow_table_free(p->ft);
    pl_audit_free(p->audit);
    free(p);
}

int
pl_pipeline_begin(struct pl_pipeline *p, struct pl_err *err)
{
    return p->sink->ops->begin(p->sink, err);
}

static void
count_frame(struct pl_pipeline *p, unsigned slot)
{
    const struct pl_pkt *pkt = &p->ring[slot];

    /* SPEC §8: every packet's timestamp first ends the flows due at or before it. */
    pl_flow_table_advance(p->ft, p->ring_ts[slot]);
    switch (p->ring_st[slot]) {
    case PL_DEC_OK:
        /* unattributed fragments are counted there */
        (void)pl_flow_table_packet_prepared(p->ft, pkt, &p->ring_lk[slot]);
        break;
    case PL_DEC_TRUNCATED:
        p->sum.truncated++;
        break;
    case PL_DEC_MALFORMED:
        p->sum.malformed++;
        break;
    case PL_DEC_NON_IP:
        p->sum.non_ip++;
        break;
    case PL_DEC_OTHER_IP:
        p->sum.other_ip[pkt->l4_proto]++;
        break;
    case PL_DEC_UNSUPPORTED_LINK:
        p->sum.unsupported_link++;
        break;
    }
}

/* Hint the flow table about the frame counted in `later` frames' time. */
static void
hint(struct pl_pipeline *p, unsigned later,
     void (*fn)(const struct pl_flow_table *, struct pl_flow_lookup *))
{
    unsigned back = PL_AHEAD - later; /* frames since it was decoded */
    if (back < p->count) {
        unsigned slot = (p->head - 1 - back + PL_AHEAD) % PL_AHEAD;
        if (p->ring_st[slot] == PL_DEC_OK)
            fn(p->ft, &p->ring_lk[slot]);
    }
}

bool
pl_pipeline_frame(struct pl_pipeline *p, const struct pl_frame *fr)
{
    p->sum.packets_total++;
    if (p->count == PL_AHEAD) { /* the oldest frame is counted now */
        count_frame(p, p->head % PL_AHEAD);
        p->count--;
    }
    unsigned slot = p->head % PL_AHEAD;
    p->ring_st[slot] = pl_decode_frame(fr, &p->ring[slot]);
    if (p->ring_st[slot] == PL_DEC_OK)
        pl_flow_table_prepare(p->ft, &p->ring[slot], &p->ring_lk[slot]);
    p->ring_ts[slot] = fr->ts_us;
    p->head = (p->head + 1) % PL_AHEAD;
    p->count++;
    hint(p, PL_AHEAD, pl_flow_table_hint_bucket);
    hint(p, PL_HINT_FLOW, pl_flow_table_hint_flow);
    if (PL_HINT_CHAIN > 0)
        hint(p, PL_HINT_CHAIN, pl_flow_table_hint_chain);
    hint(p, PL_HINT_LINKS, pl_flow_table_hint_links);
    if (p->opts.max_packets != 0 && p->sum.packets_total >= p->opts.max_packets)
        return false;
    return !p->write_failed;
}

void
pl_pipeline_bad_record(struct pl_pipeline *p, uint64_t ts_us)
{
    /* SPEC §8: every packet's timestamp, undecodable ones too, first ends the flows due.
     * Frames still in the look-ahead ring came before this one: count them first. */
    drain(p);
    pl_flow_table_advance(p->ft, ts_us);
    p->sum.packets_total++;
    p->sum.bad_records++;
}

void
pl_pipeline_tick(struct pl_pipeline *p, uint64_t now_us)
{
    drain(p); /* the clock must not overtake frames still waiting */
    pl_flow_table_advance(p->ft, now_us);
}

void
pl_pipeline_totals(const struct pl_pipeline *p, struct pl_summary *out)
{
    struct pl_flow_stats st;

    *out = p->sum;
    pl_flow_table_stats(p->ft, &st);
    out->packets_in_flows = st.packets_in_flows;
    out->fragment_unattributed = st.fragment_unattributed;
    out->flows_evicted = st.flows_evicted;
    out->frags_dropped = st.frags_dropped;
}

int
pl_pipeline_finish(struct pl_pipeline *p, enum pl_end_reason why, const uint64_t cap_stats[3],
                   struct pl_err *err)
{
    struct pl_summary sum;

    drain(p);
    pl_flow_table_finish(p->ft, why);
    pl_pipeline_totals(p, &sum);
    if (cap_stats != NULL) {
        sum.has_capture_stats = true;
        sum.ps_recv = cap_stats[0];
        sum.ps_drop = cap_stats[1];
        sum.ps_ifdrop = cap_stats[2];
    }
    if (p->write_failed) {
        *err = p->write_err;
        return -1;
    }
    if (p->audit != NULL && pl_audit_emit(p->audit, p->sink, err) != 0)
        return -1;
    return p->sink->ops->end(p->sink, &sum, err);
}
