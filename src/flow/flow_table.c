/* src/flow/flow_table.c — bidirectional flow table (SPEC §4, §8): uthash over a preallocated
 * pool, O(1) timers (idle, active, TCP close per RFC 9293 §3.6), continuations after the active
 * timeout, eviction, and later IP fragments (RFC 791 §3.2, RFC 8200 §4.5). The only file that
 * includes <uthash.h>.
 *
 * Records and keys. A node holds one key. It is LIVE while a flow record of that key is open,
 * and DORMANT after the record ended `active`: the key then keeps its initiator, label and TCP
 * close state until it would have gone idle, so that the next packet starts a continuation.
 * Dormant keys do not count toward max_flows; the pool holds max_flows more nodes for them,
 * and when it runs dry the oldest dormant key is forgotten.
 *
 * Timers. Live nodes sit on three lists, each sorted so its head is the next due:
 *   lru  by (last_seen, seq)  — idle expiry and eviction from the head;
 *   act  by (first_seen, seq) — active expiry; also the order of pl_flow_table_finish();
 *   cls  by (close, seq)      — TCP closes, only nodes whose close was seen.
 * seq numbers records in the order they were created. Timestamps almost always arrive in
 * order, so an insertion from the tail stops at once; a packet older than the newest ones
 * walks back over the newer entries (time going backwards is rare and costs what it moves).
 * Due flows end in order of due time; ties by seq (older record first), and for one record
 * due for several reasons at once: closed, then active, then idle. ft->next_check is a lower
 * bound of every due time, so advancing time is one comparison per packet.
 *
 * Fragments. A first fragment registers (version, src, dst, protocol, id) -> (node, gen,
 * direction, time). gen changes whenever a node's key starts afresh or is freed, and stays
 * across a continuation, so an entry never attributes to another record's key. */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "flow/flow_int.h"
#include "portlabel/flow.h"
#include "portlabel/registry.h"

#define PL_KEY_WORDS 5 /* both hashed keys are 40 bytes: five 64-bit words */

static inline uint32_t
key_hash40(const void *key)
{
    uint64_t w[PL_KEY_WORDS];
    uint64_t h = 0x9e3779b97f4a7c15ull;

    memcpy(w, key, sizeof w);
    for (size_t i = 0; i < PL_KEY_WORDS; i++) {
        h = (h ^ w[i]) * 0xbf58476d1ce4e5b9ull; /* multiply-xorshift (splitmix64 constants) */
        h ^= h >> 31;
    }
    h *= 0x94d049bb133111ebull;
    h ^= h >> 32;
    return (uint32_t)h;
}

static inline int
key_differs40(const void *a, const void *b)
{
    uint64_t x[PL_KEY_WORDS], y[PL_KEY_WORDS];
    uint64_t d = 0;

    memcpy(x, a, sizeof x);
    memcpy(y, b, sizeof y);
    for (size_t i = 0; i < PL_KEY_WORDS; i++)
        d |= x[i] ^ y[i];
    return d != 0;
}

#define HASH_FUNCTION(keyptr, keylen, hashv) ((void)(keylen), (hashv) = key_hash40(keyptr))
#define HASH_KEYCMP(a, b, n) ((void)(n), key_differs40((a), (b)))
#define HASH_BKT_CAPACITY_THRESH 4U /* short chains: every hop is a cache miss */
#define HASH_INITIAL_NUM_BUCKETS_LOG2 10U
#define uthash_fatal(msg) pl_die_oom(msg) /* one OOM policy, not exit(-1) */
#include <uthash.h>

/* Intrusive circular doubly linked list with a sentinel; an unlinked link points to itself. */
struct dlink {
    struct dlink *prev, *next;
};

static inline void
dl_init(struct dlink *l)
{
    l->prev = l->next = l;
}

static inline bool
dl_empty(const struct dlink *head)
{
    return head->next == head;
}

static inline void
dl_unlink(struct dlink *l)
{
    l->prev->next = l->next;
    l->next->prev = l->prev;
    l->prev = l->next = l;
}

static inline void
dl_insert_after(struct dlink *pos, struct dlink *l)
{
    l->prev = pos;
    l->next = pos->next;
    pos->next->prev = l;
    pos->next = l;
}

enum node_state {
    NODE_FREE = 0,
    NODE_LIVE,    /* a record of this key is open */
    NODE_DORMANT, /* the record ended `active`; the key awaits its continuation */
};

#define FIN_LO 0x01 /* FIN seen from the key's lo endpoint */
#define FIN_HI 0x02 /* FIN seen from the key's hi endpoint */

/* 256 bytes, cache-line aligned. Per packet: line 0 (lru), line 1 (hashv, keylen, key pointer
 * and the key itself), line 2 (last_seen, counters, flags). */
struct flow_node {
    _Alignas(64) struct dlink lru; /* live: lru list; dormant: dormant FIFO; free: free list */
    uint64_t seq;                  /* creation number of the current record */
    UT_hash_handle hh;             /* key = flow.key */
    struct pl_flow flow;           /* public part */
    struct dlink act;              /* live: act list */
    struct dlink cls;              /* live with close seen: cls list */
    uint64_t close_us;             /* TCP close time (RST, or FIN both ways); when has_close */
    uint32_t gen;                  /* changes when the key starts afresh or the node is freed */
    uint8_t state;                 /* enum node_state */
    uint8_t fin_mask;              /* FIN_LO | FIN_HI */
    bool has_close;                /* TCP close seen; set once per key */
};
_Static_assert(sizeof(struct flow_node) <= 256, "flow record must fit 256 bytes");

/* A later fragment's key: (IP version, source, destination, protocol, identification). */
struct frag_key {
    uint8_t src[16];
    uint8_t dst[16];
    uint32_t id;        /* IPv4 identification or IPv6 fragment identification */
    uint8_t proto;      /* IPv4 protocol; IPv6 fragment header's next header */
    uint8_t ip_version; /* 4 or 6 */
    uint8_t pad[2];     /* zero */
};
_Static_assert(sizeof(struct frag_key) == 40, "fragment key must have no padding bytes");

struct frag_entry {
    UT_hash_handle hh;
    struct frag_key key;
    struct dlink fifo;        /* in order of registration (oldest first) */
    struct flow_node *node;   /* record of the first fragment */
    uint64_t first_us;        /* the first fragment's timestamp */
    uint32_t gen;             /* node->gen when registered */
    bool from_hi;             /* the first fragment was sent by the key's hi endpoint */
    struct frag_entry *next_free;
};

struct pl_flow_table {
    struct pl_flow_cfg cfg;
    const struct pl_registry *reg; /* borrowed */
    pl_flow_emit_fn emit;
    void *emit_ctx;

    struct flow_node *head; /* uthash head */
    struct flow_node *pool; /* pool_cap nodes, touched only when handed out */
    uint32_t pool_cap;
    uint32_t pool_used;     /* bump index: nodes [0, pool_used) have been handed out once */
    struct dlink free_list; /* freed nodes, reused before fresh ones */
    struct dlink lru, act, cls, dormant;

    struct frag_entry *frag_head; /* uthash head */
    struct frag_entry *frags;     /* max_frags entries */
    uint32_t frag_used;
    uint32_t frag_count;
    struct frag_entry *frag_free;
    struct dlink frag_fifo;

    uint64_t now_us;        /* monotonic packet time: the largest timestamp seen */
    uint64_t next_check_us; /* no timer is due before this */
    uint64_t seq;           /* next record number */
    struct pl_flow_stats stats;
};

#define NODE_OF(link, member)                                                                   \
    ((struct flow_node *)(void *)((char *)(link) - offsetof(struct flow_node, member)))
#define FRAG_OF(link) ((struct frag_entry *)(void *)((char *)(link) - offsetof(struct frag_entry, fifo)))

#define NEVER UINT64_MAX

static inline uint64_t
add_sat(uint64_t a, uint64_t b)
{
    return a > NEVER - b ? NEVER : a + b;
}

static inline void
note_due(struct pl_flow_table *ft, uint64_t due_us)
{
    if (due_us < ft->next_check_us)
        ft->next_check_us = due_us;
}

/* --- the three timer lists ------------------------------------------------------------- */

/* Insert n into a list sorted by (t, seq), walking back from the tail. */
static void
lru_insert(struct pl_flow_table *ft, struct flow_node *n)
{
    struct dlink *pos = ft->lru.prev;
    while (pos != &ft->lru) {
        const struct flow_node *p = NODE_OF(pos, lru);
        if (p->flow.last_ts_us < n->flow.last_ts_us ||
            (p->flow.last_ts_us == n->flow.last_ts_us && p->seq < n->seq))
            break;
        pos = pos->prev;
    }
    dl_insert_after(pos, &n->lru);
}

static void
act_insert(struct pl_flow_table *ft, struct flow_node *n)
{
    struct dlink *pos = ft->act.prev;
    while (pos != &ft->act) {
        const struct flow_node *p = NODE_OF(pos, act);
        if (p->flow.first_ts_us < n->flow.first_ts_us ||
            (p->flow.first_ts_us == n->flow.first_ts_us && p->seq < n->seq))
            break;
        pos = pos->prev;
    }
    dl_insert_after(pos, &n->act);
}

static void
cls_insert(struct pl_flow_table *ft, struct flow_node *n)
{
    struct dlink *pos = ft->cls.prev;
    while (pos != &ft->cls) {
        const struct flow_node *p = NODE_OF(pos, cls);
        if (p->close_us < n->close_us || (p->close_us == n->close_us && p->seq < n->seq))
            break;
        pos = pos->prev;
    }
    dl_insert_after(pos, &n->cls);
    note_due(ft, add_sat(n->close_us, PL_FLOW_CLOSE_LINGER_US));
}

/* last_seen of n grew: restore the lru order. */
static inline void
lru_touch(struct pl_flow_table *ft, struct flow_node *n)
{
    if (ft->lru.prev == &n->lru)
        return; /* already the newest; growing keeps it so */
    dl_unlink(&n->lru);
    lru_insert(ft, n);
}

/* --- node pool -------------------------------------------------------------------------- */

static void
node_release(struct pl_flow_table *ft, struct flow_node *n)
{
    HASH_DELETE(hh, ft->head, n);
    n->state = NODE_FREE;
    n->gen++;
    dl_insert_after(&ft->free_list, &n->lru);
}

/* A node for a new key: a freed one, else a fresh one, else the oldest dormant key's. The
 * caller has made room for one more live flow; the pool holds max_flows live nodes plus as
 * many for dormant keys, so one of the three always exists. */
static struct flow_node *
node_take(struct pl_flow_table *ft)
{
    struct flow_node *n;

    if (!dl_empty(&ft->free_list)) {
        n = NODE_OF(ft->free_list.next, lru);
        dl_unlink(&n->lru);
    } else if (ft->pool_used < ft->pool_cap) {
        n = &ft->pool[ft->pool_used++];
        memset(n, 0, sizeof *n);
    } else {
        assert(!dl_empty(&ft->dormant));
        n = NODE_OF(ft->dormant.next, lru);
        dl_unlink(&n->lru);
        node_release(ft, n);
        dl_unlink(&n->lru);
    }
    uint32_t gen = n->gen;
    memset(n, 0, sizeof *n);
    n->gen = gen;
    dl_init(&n->lru);
    dl_init(&n->act);
    dl_init(&n->cls);
    return n;
}

/* --- ending records ----------------------------------------------------------------------- */

/* Emit n's record with reason why and take it off the timer lists. The caller then frees the
 * node, makes it dormant, or starts a new record in it. */
static void
record_end(struct pl_flow_table *ft, struct flow_node *n, enum pl_end_reason why)
{
    assert(n->state == NODE_LIVE);
    n->flow.end_reason = (uint8_t)why;
    ft->emit(ft->emit_ctx, &n->flow);
    ft->stats.flows_total++;
    if (why == PL_END_EVICTED)
        ft->stats.flows_evicted++;
    ft->stats.live--;
    dl_unlink(&n->lru);
    dl_unlink(&n->act);
    dl_unlink(&n->cls);
}

static void
make_dormant(struct pl_flow_table *ft, struct flow_node *n)
{
    n->state = NODE_DORMANT;
    dl_insert_after(ft->dormant.prev, &n->lru); /* FIFO: reclaimed lazily, checked on look-up */
    note_due(ft, add_sat(n->flow.last_ts_us, ft->cfg.idle_us));
}

/* A dormant key is gone once it would have gone idle (SPEC §8). */
static inline bool
dormant_expired(const struct pl_flow_table *ft, const struct flow_node *n)
{
    return ft->now_us >= n->flow.last_ts_us && ft->now_us - n->flow.last_ts_us >= ft->cfg.idle_us;
}

static inline bool
close_expired(const struct pl_flow_table *ft, const struct flow_node *n)
{
    return n->has_close && ft->now_us >= n->close_us &&
           ft->now_us - n->close_us >= PL_FLOW_CLOSE_LINGER_US;
}

/* --- fragments ---------------------------------------------------------------------------- */

static void
frag_remove(struct pl_flow_table *ft, struct frag_entry *e)
{
    HASH_DELETE(hh, ft->frag_head, e);
    dl_unlink(&e->fifo);
    e->next_free = ft->frag_free;
    ft->frag_free = e;
    ft->frag_count--;
}

static inline bool
frag_expired(const struct pl_flow_table *ft, const struct frag_entry *e)
{
    return ft->now_us >= e->first_us && ft->now_us - e->first_us > PL_FRAG_WINDOW_US;
}

static void
frag_key_make(struct frag_key *k, const struct pl_pkt *pkt)
{
    memset(k, 0, sizeof *k);
    memcpy(k->src, pkt->src, sizeof k->src);
    memcpy(k->dst, pkt->dst, sizeof k->dst);
    k->id = pkt->frag_id;
    k->proto = pkt->l4_proto;
    k->ip_version = pkt->ip_version;
}

/* A first fragment counted to n: remember it for the later fragments of its datagram. */
static void
frag_register(struct pl_flow_table *ft, struct flow_node *n, const struct pl_pkt *pkt,
              bool from_hi)
{
    struct frag_key k;
    struct frag_entry *e;
    unsigned hashv;

    frag_key_make(&k, pkt);
    HASH_VALUE(&k, sizeof k, hashv);
    HASH_FIND_BYHASHVALUE(hh, ft->frag_head, &k, sizeof k, hashv, e);
    if (e != NULL) { /* the same datagram again (or a reused id): the newest wins */
        dl_unlink(&e->fifo);
    } else {
        while (!dl_empty(&ft->frag_fifo) && frag_expired(ft, FRAG_OF(ft->frag_fifo.next)))
            frag_remove(ft, FRAG_OF(ft->frag_fifo.next));
        if (ft->frag_count == ft->cfg.max_frags) { /* full: the oldest goes */
            frag_remove(ft, FRAG_OF(ft->frag_fifo.next));
            ft->stats.frags_dropped++;
        }
        if (ft->frag_free != NULL) {
            e = ft->frag_free;
            ft->frag_free = e->next_free;
        } else {
            e = &ft->frags[ft->frag_used++];
        }
        memset(e, 0, sizeof *e);
        e->key = k;
        HASH_ADD_KEYPTR_BYHASHVALUE(hh, ft->frag_head, &e->key, sizeof e->key, hashv, e);
        ft->frag_count++;
    }
    e->node = n;
    e->gen = n->gen;
    e->first_us = pkt->ts_us;
    e->from_hi = from_hi;
    dl_insert_after(ft->frag_fifo.prev, &e->fifo);
    note_due(ft, add_sat(pkt->ts_us, PL_FRAG_WINDOW_US + 1));
}

/* --- timers ------------------------------------------------------------------------------- */

struct due {
    struct flow_node *node;
    uint64_t at_us;
    enum pl_end_reason why;
    int rank; /* tie order for one record: closed, active, idle */
};

static void
due_consider(struct due *best, struct flow_node *n, uint64_t at_us, enum pl_end_reason why,
             int rank)
{
    if (best->node == NULL || at_us < best->at_us ||
        (at_us == best->at_us && (n->seq < best->node->seq ||
                                  (n->seq == best->node->seq && rank < best->rank)))) {
        best->node = n;
        best->at_us = at_us;
        best->why = why;
        best->rank = rank;
    }
}

/* The earliest due of the three list heads, or .node == NULL when none. */
static struct due
due_next(const struct pl_flow_table *ft)
{
    struct due best = {.node = NULL, .at_us = NEVER, .why = PL_END_IDLE, .rank = 0};

    if (!dl_empty(&ft->cls)) {
        struct flow_node *n = NODE_OF(ft->cls.next, cls);
        due_consider(&best, n, add_sat(n->close_us, PL_FLOW_CLOSE_LINGER_US), PL_END_CLOSED, 0);
    }
    if (!dl_empty(&ft->act)) {
        struct flow_node *n = NODE_OF(ft->act.next, act);
        due_consider(&best, n, add_sat(n->flow.first_ts_us, ft->cfg.active_us), PL_END_ACTIVE, 1);
    }
    if (!dl_empty(&ft->lru)) {
        struct flow_node *n = NODE_OF(ft->lru.next, lru);
        due_consider(&best, n, add_sat(n->flow.last_ts_us, ft->cfg.idle_us), PL_END_IDLE, 2);
    }
    return best;
}

static void
expire(struct pl_flow_table *ft)
{
    for (;;) {
        struct due d = due_next(ft);
        if (d.node == NULL || d.at_us > ft->now_us)
            break;
        record_end(ft, d.node, d.why);
        if (d.why == PL_END_ACTIVE)
            make_dormant(ft, d.node);
        else
            node_release(ft, d.node);
    }
    while (!dl_empty(&ft->dormant) && dormant_expired(ft, NODE_OF(ft->dormant.next, lru))) {
        struct flow_node *n = NODE_OF(ft->dormant.next, lru);
        dl_unlink(&n->lru);
        node_release(ft, n);
    }
    while (!dl_empty(&ft->frag_fifo) && frag_expired(ft, FRAG_OF(ft->frag_fifo.next)))
        frag_remove(ft, FRAG_OF(ft->frag_fifo.next));

    /* Recompute the lower bound of every due time from the heads. */
    struct due d = due_next(ft);
    ft->next_check_us = d.node != NULL ? d.at_us : NEVER;
    if (!dl_empty(&ft->dormant)) /* FIFO: a later key may be due first; the look-up checks it */
        note_due(ft, add_sat(NODE_OF(ft->dormant.next, lru)->flow.last_ts_us, ft->cfg.idle_us));
    if (!dl_empty(&ft->frag_fifo))
        note_due(ft, add_sat(FRAG_OF(ft->frag_fifo.next)->first_us, PL_FRAG_WINDOW_US + 1));
}

void
pl_flow_table_advance(struct pl_flow_table *ft, uint64_t now_us)
{
    if (now_us > ft->now_us)
        ft->now_us = now_us; /* time going backwards ends nothing */
    if (ft->now_us >= ft->next_check_us)
        expire(ft);
}

/* --- packets ------------------------------------------------------------------------------ */

static inline bool
is_syn_only(const struct pl_pkt *pkt)
{
    return pkt->l4_proto == PL_IPPROTO_TCP &&
           (pkt->tcp_flags & (PL_TCP_SYN | PL_TCP_ACK)) == PL_TCP_SYN;
}

/* The first packet is an answer to an opening: its receiver is the initiator (SPEC §4). */
static bool
is_opening_answer(const struct pl_pkt *pkt)
{
    switch (pkt->l4_proto) {
    case PL_IPPROTO_TCP:
        return (pkt->tcp_flags & (PL_TCP_SYN | PL_TCP_ACK)) == (PL_TCP_SYN | PL_TCP_ACK);
    case PL_IPPROTO_SCTP:
        return pkt->has_sctp_chunk && pkt->sctp_chunk == PL_SCTP_CHUNK_INIT_ACK;
    case PL_IPPROTO_DCCP:
        return pkt->dccp_type == PL_DCCP_RESPONSE;
    default:
        return false;
    }
}

/* SPEC §8: the record's first packet is a SYN, SYN+ACK, INIT, INIT-ACK, Request or Response. */
static bool
is_opening(const struct pl_pkt *pkt)
{
    switch (pkt->l4_proto) {
    case PL_IPPROTO_TCP:
        return (pkt->tcp_flags & PL_TCP_SYN) != 0;
    case PL_IPPROTO_SCTP:
        return pkt->has_sctp_chunk &&
               (pkt->sctp_chunk == PL_SCTP_CHUNK_INIT || pkt->sctp_chunk == PL_SCTP_CHUNK_INIT_ACK);
    case PL_IPPROTO_DCCP:
        return pkt->dccp_type == PL_DCCP_REQUEST || pkt->dccp_type == PL_DCCP_RESPONSE;
    default:
        return false;
    }
}

/* Open a record in n with pkt as its first packet. A fresh key chooses initiator and label; a
 * continuation keeps them, and the TCP close state, from the record it continues. */
static void
record_start(struct pl_flow_table *ft, struct flow_node *n, const struct pl_pkt *pkt,
             bool from_hi, bool fresh)
{
    if (fresh) {
        enum pl_proto proto = PL_PROTO_TCP;
        (void)pl_proto_from_ip(pkt->l4_proto, &proto); /* the caller checked it maps */
        bool init_is_hi = is_opening_answer(pkt) ? !from_hi : from_hi;
        uint16_t init_port = init_is_hi ? n->flow.key.port_hi : n->flow.key.port_lo;
        uint16_t resp_port = init_is_hi ? n->flow.key.port_lo : n->flow.key.port_hi;
        n->flow.init_is_hi = init_is_hi;
        pl_label_choose(ft->reg, proto, is_opening(pkt), init_port, resp_port, &n->flow.label);
        n->fin_mask = 0;
        n->has_close = false;
        n->close_us = 0;
        n->gen++;
    }
    n->flow.first_ts_us = pkt->ts_us;
    n->flow.last_ts_us = pkt->ts_us;
    n->flow.pkts_fwd = n->flow.pkts_rev = 0;
    n->flow.bytes_fwd = n->flow.bytes_rev = 0;
    n->flow.tcp_flags_fwd = n->flow.tcp_flags_rev = 0;
    n->flow.end_reason = 0;
    n->seq = ft->seq++;
    n->state = NODE_LIVE;
    ft->stats.live++;
    lru_insert(ft, n);
    act_insert(ft, n);
    if (n->has_close)
        cls_insert(ft, n);
    note_due(ft, add_sat(pkt->ts_us, ft->cfg.idle_us < ft->cfg.active_us ? ft->cfg.idle_us
                                                                        : ft->cfg.active_us));
}

static inline void
record_count(struct pl_flow_table *ft, struct flow_node *n, bool from_hi, uint32_t bytes,
             uint8_t tcp_flags, uint64_t ts_us)
{
    if (from_hi == n->flow.init_is_hi) {
        n->flow.pkts_fwd++;
        n->flow.bytes_fwd += bytes;
        n->flow.tcp_flags_fwd |= tcp_flags;
    } else {
        n->flow.pkts_rev++;
        n->flow.bytes_rev += bytes;
        n->flow.tcp_flags_rev |= tcp_flags;
    }
    if (ts_us > n->flow.last_ts_us) {
        n->flow.last_ts_us = ts_us;
        lru_touch(ft, n); /* idle due only grows: next_check stays a lower bound */
    }
    ft->stats.packets_in_flows++;
}

/* RFC 9293 §3.6: the close time is set once, by the first RST or by the packet that completes
 * FIN in both directions. */
static inline void
tcp_track_close(struct pl_flow_table *ft, struct flow_node *n, const struct pl_pkt *pkt,
                bool from_hi)
{
    if (n->has_close)
        return;
    if (pkt->tcp_flags & PL_TCP_FIN)
        n->fin_mask |= from_hi ? FIN_HI : FIN_LO;
    if ((pkt->tcp_flags & PL_TCP_RST) || n->fin_mask == (FIN_LO | FIN_HI)) {
        n->has_close = true;
        n->close_us = pkt->ts_us;
        cls_insert(ft, n);
    }
}

/* Make room for one more live flow: at max_flows, the least recently seen flow goes. */
static void
make_room(struct pl_flow_table *ft)
{
    if (ft->stats.live < ft->cfg.max_flows)
        return;
    struct flow_node *victim = NODE_OF(ft->lru.next, lru);
    record_end(ft, victim, PL_END_EVICTED);
    node_release(ft, victim);
}

/* A later fragment: count it to the record of its first fragment, if that (or its
 * continuation) is alive and the fragment is within 30 s of it (SPEC §8). */
static bool
frag_later(struct pl_flow_table *ft, const struct pl_pkt *pkt)
{
    struct frag_key k;
    struct frag_entry *e;

    frag_key_make(&k, pkt);
    HASH_FIND(hh, ft->frag_head, &k, sizeof k, e);
    if (e == NULL || e->node->gen != e->gen || e->node->state != NODE_LIVE ||
        (pkt->ts_us >= e->first_us && pkt->ts_us - e->first_us > PL_FRAG_WINDOW_US)) {
        ft->stats.fragment_unattributed++;
        return false;
    }
    record_count(ft, e->node, e->from_hi, pkt->ip_len, 0, pkt->ts_us);
    return true;
}

bool
pl_flow_table_packet(struct pl_flow_table *ft, const struct pl_pkt *pkt)
{
    struct pl_flow_key key;
    struct flow_node *n;
    unsigned hashv;
    enum pl_proto proto;

    pl_flow_table_advance(ft, pkt->ts_us);
    if (pkt->frag == PL_FRAG_LATER)
        return frag_later(ft, pkt);
    if (!pl_proto_from_ip(pkt->l4_proto, &proto))
        return false; /* not a transport this table keys (the decoder never passes one) */

    bool from_hi = pl_flow_key_make(&key, pkt);
    HASH_VALUE(&key, sizeof key, hashv);
    HASH_FIND_BYHASHVALUE(hh, ft->head, &key, sizeof key, hashv, n);

    if (n != NULL && n->state == NODE_LIVE) {
        if (n->has_close && is_syn_only(pkt)) { /* SPEC §8: a SYN reopens a closing flow */
            record_end(ft, n, PL_END_CLOSED);
            record_start(ft, n, pkt, from_hi, true);
        }
    } else if (n != NULL) { /* dormant: a continuation, unless the key has gone */
        dl_unlink(&n->lru);
        bool fresh = dormant_expired(ft, n) || close_expired(ft, n) ||
                     (n->has_close && is_syn_only(pkt));
        make_room(ft);
        record_start(ft, n, pkt, from_hi, fresh);
    } else {
        make_room(ft);
        n = node_take(ft);
        n->flow.key = key;
        HASH_ADD_KEYPTR_BYHASHVALUE(hh, ft->head, &n->flow.key, sizeof n->flow.key, hashv, n);
        record_start(ft, n, pkt, from_hi, true);
    }

    record_count(ft, n, from_hi, pkt->ip_len, pkt->tcp_flags, pkt->ts_us);
    if (pkt->l4_proto == PL_IPPROTO_TCP)
        tcp_track_close(ft, n, pkt, from_hi);
    if (pkt->frag == PL_FRAG_FIRST)
        frag_register(ft, n, pkt, from_hi);
    return true;
}

/* --- life cycle --------------------------------------------------------------------------- */

struct pl_flow_table *
pl_flow_table_new(const struct pl_flow_cfg *cfg, const struct pl_registry *reg,
                  pl_flow_emit_fn emit, void *emit_ctx, struct pl_err *err)
{
    if (cfg->max_flows == 0 || cfg->max_frags == 0 || emit == NULL) {
        pl_err_set(err, "flow table: max_flows and max_frags must be positive");
        return NULL;
    }
    struct pl_flow_table *ft = calloc(1, sizeof *ft);
    if (ft == NULL) {
        pl_err_set(err, "flow table: out of memory");
        return NULL;
    }
    ft->cfg = *cfg;
    ft->reg = reg;
    ft->emit = emit;
    ft->emit_ctx = emit_ctx;
    /* max_flows live nodes plus as many for dormant keys. Only address space until used:
     * nodes are handed out from the front, so untouched pages stay unmapped. */
    ft->pool_cap = cfg->max_flows > UINT32_MAX / 2 ? UINT32_MAX : cfg->max_flows * 2u;
    ft->pool = aligned_alloc(_Alignof(struct flow_node),
                             (size_t)ft->pool_cap * sizeof(struct flow_node));
    ft->frags = malloc((size_t)cfg->max_frags * sizeof(struct frag_entry));
    if (ft->pool == NULL || ft->frags == NULL) {
        pl_err_set(err, "flow table: cannot reserve %u flows: out of memory", cfg->max_flows);
        free(ft->pool);
        free(ft->frags);
        free(ft);
        return NULL;
    }
    dl_init(&ft->free_list);
    dl_init(&ft->lru);
    dl_init(&ft->act);
    dl_init(&ft->cls);
    dl_init(&ft->dormant);
    dl_init(&ft->frag_fifo);
    ft->next_check_us = NEVER;
    return ft;
}

void
pl_flow_table_finish(struct pl_flow_table *ft, enum pl_end_reason why)
{
    while (!dl_empty(&ft->act)) { /* in order of first packet */
        struct flow_node *n = NODE_OF(ft->act.next, act);
        record_end(ft, n, n->has_close ? PL_END_CLOSED : why);
        node_release(ft, n);
    }
    while (!dl_empty(&ft->dormant)) {
        struct flow_node *n = NODE_OF(ft->dormant.next, lru);
        dl_unlink(&n->lru);
        node_release(ft, n);
    }
    while (!dl_empty(&ft->frag_fifo))
        frag_remove(ft, FRAG_OF(ft->frag_fifo.next));
    ft->next_check_us = NEVER;
}

void
pl_flow_table_free(struct pl_flow_table *ft)
{
    if (ft == NULL)
        return;
    HASH_CLEAR(hh, ft->head);
    HASH_CLEAR(hh, ft->frag_head);
    free(ft->pool);
    free(ft->frags);
    free(ft);
}

void
pl_flow_table_stats(const struct pl_flow_table *ft, struct pl_flow_stats *out)
{
    *out = ft->stats;
}

size_t
pl_flow_table_node_size(void)
{
    return sizeof(struct flow_node);
}
