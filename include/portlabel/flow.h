/* include/portlabel/flow.h — bidirectional flows: key, table, timeouts, fragments (SPEC §4, §8). */
#ifndef PORTLABEL_FLOW_H
#define PORTLABEL_FLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "portlabel/err.h"
#include "portlabel/label.h"
#include "portlabel/pkt.h"

/* Canonical flow key: the smaller (address, port) endpoint first. No padding;
 * always zeroed before it is filled, since the table hashes its raw bytes. */
struct pl_flow_key {
    uint8_t addr_lo[16]; /* IPv4 stored as ::ffff:a.b.c.d */
    uint8_t addr_hi[16];
    uint16_t port_lo, port_hi; /* host order */
    uint16_t vlan_id;          /* outermost tag's VID; 0 when untagged */
    uint8_t l4_proto;          /* IP protocol number */
    uint8_t ip_version;        /* 4 or 6 */
};
_Static_assert(sizeof(struct pl_flow_key) == 40, "flow key must have no padding bytes");

/* Fill *k from a decoded packet. Returns true when the packet travels from the
 * key's "hi" endpoint to its "lo" endpoint. */
bool pl_flow_key_make(struct pl_flow_key *k, const struct pl_pkt *pkt);

enum pl_end_reason {
    PL_END_IDLE = 0, /* no packet for the idle timeout */
    PL_END_ACTIVE,   /* lasted the active timeout */
    PL_END_CLOSED,   /* TCP: 10 s after RST, or after FIN both ways */
    PL_END_EVICTED,  /* table full, least recently seen flow ended */
    PL_END_EOF,      /* end of input */
    PL_END_SHUTDOWN, /* live capture stopped */
};
const char *pl_end_reason_name(enum pl_end_reason why); /* "idle", "active", ... */

/* One flow record as output sees it. */
struct pl_flow {
    struct pl_flow_key key;
    uint64_t first_ts_us; /* first packet of this record */
    uint64_t last_ts_us;  /* largest packet timestamp seen */
    uint64_t pkts_fwd;    /* initiator -> responder */
    uint64_t pkts_rev;    /* responder -> initiator */
    uint64_t bytes_fwd;   /* IP-layer bytes, initiator -> responder */
    uint64_t bytes_rev;
    struct pl_label label; /* fixed when the flow (or the record it continues) was created */
    uint8_t tcp_flags_fwd; /* OR of PL_TCP_* seen initiator -> responder */
    uint8_t tcp_flags_rev;
    bool init_is_hi;    /* the initiator is the key's hi endpoint */
    bool vlan_tagged;   /* the record's first packet carried a VLAN tag (VID may be 0) */
    uint8_t end_reason; /* enum pl_end_reason; set when the flow is emitted */
};

static inline const uint8_t *
pl_flow_src(const struct pl_flow *f)
{
    return f->init_is_hi ? f->key.addr_hi : f->key.addr_lo;
}
static inline const uint8_t *
pl_flow_dst(const struct pl_flow *f)
{
    return f->init_is_hi ? f->key.addr_lo : f->key.addr_hi;
}
static inline uint16_t
pl_flow_sport(const struct pl_flow *f)
{
    return f->init_is_hi ? f->key.port_hi : f->key.port_lo;
}
static inline uint16_t
pl_flow_dport(const struct pl_flow *f)
{
    return f->init_is_hi ? f->key.port_lo : f->key.port_hi;
}

/* Called for every flow record as it ends, in the order they end. The flow is
 * borrowed for the duration of the call only. */
typedef void (*pl_flow_emit_fn)(void *ctx, const struct pl_flow *flow);

struct pl_flow_cfg {
    uint64_t idle_us;   /* --idle-timeout, microseconds (default 300 s) */
    uint64_t active_us; /* --active-timeout, microseconds (default 1800 s) */
    uint32_t max_flows; /* --max-flows (default 1,000,000); > 0 */
    uint32_t max_frags; /* fragment-tracking entries (default 65,536); > 0 */
};
#define PL_FLOW_IDLE_DEFAULT_US (300ull * 1000000u)
#define PL_FLOW_ACTIVE_DEFAULT_US (1800ull * 1000000u)
#define PL_FLOW_MAX_DEFAULT 1000000u
#define PL_FLOW_MAX_LIMIT (1u << 30) /* largest max_flows (pool indices are 32-bit) */
#define PL_FRAG_MAX_DEFAULT 65536u
#define PL_FLOW_CLOSE_LINGER_US (10ull * 1000000u) /* SPEC §4: closed 10 s after RST/FINs */
#define PL_FRAG_WINDOW_US (30ull * 1000000u)       /* SPEC §3: later fragments within 30 s */

struct pl_flow_stats {
    uint64_t packets_in_flows;      /* packets counted to some flow */
    uint64_t fragment_unattributed; /* later fragments without a live first fragment */
    uint64_t flows_total;           /* records emitted */
    uint64_t flows_evicted;         /* records ended by eviction */
    uint64_t frags_dropped;         /* first fragments not tracked: fragment table full */
    uint64_t live;                  /* flows live now (continuation keys not counted) */
};

struct pl_flow_table;

/* A table of at most cfg->max_flows live flows, labelled against reg (borrowed;
 * must outlive the table). emit receives each ended record. All flow memory is
 * reserved here (pages are touched only as flows are used); -1 with err set
 * on failure. */
struct pl_flow_table *pl_flow_table_new(const struct pl_flow_cfg *cfg,
                                        const struct pl_registry *reg, pl_flow_emit_fn emit,
                                        void *emit_ctx, struct pl_err *err);
void pl_flow_table_free(struct pl_flow_table *ft); /* emits nothing; NULL is a no-op */

/* Advance flow time to now_us: end every flow due at or before it (idle,
 * active, closed), in the order they become due. Called with every packet's
 * timestamp, non-IP and undecodable ones too, before the packet is counted;
 * and by the live loop from the clock when no packet arrives. Time going
 * backwards ends nothing. */
void pl_flow_table_advance(struct pl_flow_table *ft, uint64_t now_us);

/* Count one packet that decoded PL_DEC_OK (ports, or a later fragment).
 * Returns false when it was not attributed to a flow (fragment_unattributed). */
bool pl_flow_table_packet(struct pl_flow_table *ft, const struct pl_pkt *pkt);

/* Optional hints for callers that decode a few packets ahead of counting them. They change
 * nothing observable and allocate nothing. For a packet counted in k packets' time, call
 * _bucket at k = 12 or so, _flow at k = 8 (its bucket is then cached) and _links at k = 4
 * (its flow is then cached); the pipeline calls _bucket, _flow, _chain (below) and _links
 * at 16, 12, 8 and 4. The dependent memory loads of a look-up (bucket, flow, the flow's
 * neighbours in the LRU order; for a key not in the table, the line of the bucket's first
 * node that adding the key writes) then overlap with other packets' work. */
void pl_flow_table_prefetch_bucket(const struct pl_flow_table *ft, const struct pl_pkt *pkt);
void pl_flow_table_prefetch_flow(const struct pl_flow_table *ft, const struct pl_pkt *pkt);
void pl_flow_table_prefetch_links(const struct pl_flow_table *ft, const struct pl_pkt *pkt);

/* The same, with the look-up computed once per packet: pl_flow_table_prepare() fills the
 * canonical key, its (table-seeded) hash and the direction (nothing for a later fragment),
 * and the _hint_ calls and pl_flow_table_packet_prepared() (same as pl_flow_table_packet)
 * reuse it. */
struct pl_flow_lookup {
    struct pl_flow_key key;
    uint64_t ts_us; /* the packet's timestamp */
    uint32_t hashv;
    bool from_hi; /* as pl_flow_key_make returns */
    bool keyed;   /* false for a later fragment: looked up by its fragment key */
    uint32_t hit; /* table-private: what _hint_links found (0: nothing), checked again */
};
void pl_flow_table_prepare(const struct pl_flow_table *ft, const struct pl_pkt *pkt,
                           struct pl_flow_lookup *lk);
bool pl_flow_table_packet_prepared(struct pl_flow_table *ft, const struct pl_pkt *pkt,
                                   const struct pl_flow_lookup *lk);
void pl_flow_table_hint_bucket(const struct pl_flow_table *ft, struct pl_flow_lookup *lk);
void pl_flow_table_hint_flow(const struct pl_flow_table *ft, struct pl_flow_lookup *lk);
void pl_flow_table_hint_links(const struct pl_flow_table *ft, struct pl_flow_lookup *lk);
/* Between _hint_flow and _hint_links: when the bucket's first node is not the packet's, the
 * second one is fetched (chains average under 1.5 nodes). */
void pl_flow_table_hint_chain(const struct pl_flow_table *ft, struct pl_flow_lookup *lk);

/* End every live flow (end of input or shutdown), in order of first packet;
 * a flow whose TCP close was seen ends as `closed`, the others as `why`. */
void pl_flow_table_finish(struct pl_flow_table *ft, enum pl_end_reason why);

void pl_flow_table_stats(const struct pl_flow_table *ft, struct pl_flow_stats *out);

#endif
