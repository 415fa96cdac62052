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
 *   lru  by last_seen's slot  — idle expiry and eviction from the head (see "timer lists":
 *                               exact order within a slot is restored when it is needed);
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
 * across a continuation, so an entry never attributes to another record's key.
 *
 * Memory. One mapping holds every node (192 bytes, three cache lines, links as 32-bit pool
 * indices); pages are touched only as nodes are first handed out, and freed nodes are reused
 * first. The record keeps the chosen service port and basis; the registry entry is looked up
 * again (O(1)) when the record is emitted, into a struct pl_flow on the stack. The only
 * allocation after pl_flow_table_new() is uthash's bucket array growing. */
#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <time.h>

#include "flow/flow_int.h"
#include "portlabel/flow.h"
#include "portlabel/registry.h"

/* A secret seed from the kernel; the clock and addresses if it has none to give. */
static uint64_t
random_seed(void)
{
    uint64_t seed = 0;
    if (getrandom(&seed, sizeof seed, GRND_NONBLOCK) != (ssize_t)sizeof seed) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        seed = (uint64_t)ts.tv_nsec * 0x9e3779b97f4a7c15ull ^ (uint64_t)ts.tv_sec ^
               (uint64_t)(uintptr_t)&seed;
    }
    return seed;
}

#define PL_KEY_WORDS 5 /* both hashed keys are 40 bytes: five 64-bit words */

/* Keyed by a per-table random seed, so that nobody can craft packets whose keys all land in
 * one bucket (hash flooding: every look-up would walk the whole chain). */
static inline uint64_t
key_word(const void *key, size_t i)
{
    uint64_t w;
    memcpy(&w, (const char *)key + 8 * i, sizeof w);
    return w;
}

static inline uint64_t
hash_round(uint64_t h, uint64_t w)
{
    h = (h ^ w) * 0xbf58476d1ce4e5b9ull; /* multiply-xorshift (splitmix64 constants) */
    return h ^ (h >> 31);
}

static inline uint32_t
key_hash40(const void *key, uint64_t seed)
{
    _Static_assert(PL_KEY_WORDS == 5, "five rounds, written out");
    uint64_t h = 0x9e3779b97f4a7c15ull ^ seed;

    h = hash_round(h, key_word(key, 0));
    h = hash_round(h, key_word(key, 1));
    h = hash_round(h, key_word(key, 2));
    h = hash_round(h, key_word(key, 3));
    h = hash_round(h, key_word(key, 4));
    h *= 0x94d049bb133111ebull;
    h ^= h >> 32;
    return (uint32_t)h;
}

static inline int
key_differs40(const void *a, const void *b)
{
    uint64_t d = (key_word(a, 0) ^ key_word(b, 0)) | (key_word(a, 1) ^ key_word(b, 1)) |
                 (key_word(a, 2) ^ key_word(b, 2)) | (key_word(a, 3) ^ key_word(b, 3)) |
                 (key_word(a, 4) ^ key_word(b, 4));
    return d != 0;
}

/* Every HASH_* use below is inside a function with the table in scope as `ft`. */
#define HASH_FUNCTION(keyptr, keylen, hashv)                                                 \
    ((void)(keylen), (hashv) = key_hash40((keyptr), ft->hash_seed))
#define HASH_KEYCMP(a, b, n) ((void)(n), key_differs40((a), (b)))
#define uthash_fatal(msg) pl_die_oom(msg) /* one OOM policy, not exit(-1) */
#define uthash_malloc(sz) hash_alloc(sz)
#define uthash_free(ptr, sz) hash_free((ptr), (sz))
#define uthash_bzero(p, sz) hash_bzero((p), (sz))

#define PL_BIG_ALLOC (2u << 20) /* from here on, own mapping (map_big) */

/* Address space that stays unmapped until touched, aligned to PL_HUGE_ALIGN and asking for
 * huge pages all through (a hint only). Look-ups land on random nodes and buckets of a table
 * that reaches hundreds of MB: in 2 MiB pages the first touches cost one fault per 512 base
 * pages, and the look-ups' page walks stay short. The alignment makes every 2 MiB of the
 * mapping eligible, so a table that uses N bytes holds N rounded up to 2 MiB. Where the
 * guest hands freed memory back to its host, the first touch of a cold huge page can cost
 * more than base pages would (tests/bench/README.md, "Memory on this VM"). NULL on
 * failure. */
static void *
map_big(size_t bytes)
{
    size_t len = (bytes + PL_HUGE_ALIGN - 1) & ~(PL_HUGE_ALIGN - 1);
    if (bytes == 0 || len < bytes || len + PL_HUGE_ALIGN < len)
        return NULL;
    char *p = mmap(NULL, len + PL_HUGE_ALIGN, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return NULL;
    size_t head = (PL_HUGE_ALIGN - ((uintptr_t)p & (PL_HUGE_ALIGN - 1))) & (PL_HUGE_ALIGN - 1);
    if (head > 0)
        (void)munmap(p, head);
    (void)munmap(p + head + len, PL_HUGE_ALIGN - head); /* head < PL_HUGE_ALIGN */
#ifdef MADV_HUGEPAGE
    (void)madvise(p + head, len, MADV_HUGEPAGE);
#endif
    return p + head;
}

/* Give back what map_big(bytes) returned (NULL is a no-op). */
static void
unmap_big(void *p, size_t bytes)
{
    if (p != NULL)
        (void)munmap(p, (bytes + PL_HUGE_ALIGN - 1) & ~(PL_HUGE_ALIGN - 1));
}

/* uthash's allocator: its bucket array reaches megabytes at a million flows. */
static void *
hash_alloc(size_t bytes)
{
    return bytes >= PL_BIG_ALLOC ? map_big(bytes) : malloc(bytes);
}

/* uthash clears only what uthash_malloc has just handed it, and a fresh mapping reads as
 * zeros already: clearing it would only fault in every page of a bucket array that is mostly
 * still unused. */
static void
hash_bzero(void *p, size_t bytes)
{
    if (bytes < PL_BIG_ALLOC)
        memset(p, 0, bytes);
}

static void
hash_free(void *p, size_t bytes)
{
    if (bytes >= PL_BIG_ALLOC) {
        unmap_big(p, bytes);
    } else {
        free(p);
    }
}

#include <uthash.h>

/* A table uthash makes starts with the bucket count it would grow to for the table's limit
 * (ft->make_log2, set before the first entry goes in): growing means walking every entry,
 * a cache miss each at a million flows. The array is address space until buckets are used. */
#define HASH_LOG2_MIN 5u  /* uthash's own initial size */
#define HASH_LOG2_MAX 30u
#undef HASH_INITIAL_NUM_BUCKETS
#undef HASH_INITIAL_NUM_BUCKETS_LOG2
#define HASH_INITIAL_NUM_BUCKETS (1u << ft->make_log2)
#define HASH_INITIAL_NUM_BUCKETS_LOG2 (ft->make_log2)
/* uthash doubles the bucket array when one chain reaches 10 entries. At a million buckets
 * and about one entry each, one such chain turns up by chance in about one run in four
 * (seen as 16 MB more, at random, in W2's peak memory). hash_grow() keeps the load; the
 * keyed hash keeps chains short; so only a chain far beyond chance makes uthash grow. */
#undef HASH_BKT_CAPACITY_THRESH
#define HASH_BKT_CAPACITY_THRESH 32u

/* Intrusive circular doubly linked lists over pool indices. Node 0 is the sentinel of the
 * lru, act and cls lists (each list uses its own link), node 1 of the dormant FIFO (lru link)
 * and of the free list (act link). An unlinked link points to its own node. */
struct ilink {
    uint32_t prev, next; /* pool indices */
};

#define HEAD_TIMERS 0u /* sentinel: lru, act, cls */
#define HEAD_SPARE 1u  /* sentinel: dormant (lru link), free (act link) */
#define FIRST_NODE 2u

enum node_state {
    NODE_FREE = 0,
    NODE_LIVE,    /* a record of this key is open */
    NODE_DORMANT, /* the record ended `active`; the key awaits its continuation */
};

/* node->flags */
#define NF_INIT_HI 0x01 /* the initiator is the key's hi endpoint */
#define NF_CLOSE 0x02   /* TCP close seen; close_us is valid; set once per key */
#define NF_FIN_LO 0x04  /* FIN seen from the key's lo endpoint */
#define NF_FIN_HI 0x08  /* FIN seen from the key's hi endpoint */
#define NF_TAGGED 0x10  /* the record's first packet carried a VLAN tag (a priority tag: VID 0) */
#define NF_HEAP_LRU 0x20 /* in the lru heap, not the lru list (see "timer lists") */
#define NF_HEAP_ACT 0x40 /* in the act heap, not the act list */
#define NF_HEAP_CLS 0x80 /* in the cls heap, not the cls list */

/* 192 bytes, three cache lines, UT_hash_handle included:
 *   line 0  first_seen, act/cls links, close time, the hash handle's cold half (add/delete);
 *   line 1  hh_next, key pointer, keylen, hashv and the key: a chain step reads one line;
 *   line 2  last_seen, counters, flags and the lru link: all a packet reads and writes, so
 *           that a packet touches two lines of its flow and one of each lru neighbour. */
struct flow_node {
    _Alignas(64) uint64_t first_us; /* first packet of this record */
    struct ilink act;               /* live: act list; free: free list */
    struct ilink cls;               /* live with a close: cls list */
    uint64_t close_us;              /* TCP close time, when NF_CLOSE */
    UT_hash_handle hh;              /* key = key */
    struct pl_flow_key key;
    uint64_t last_us;  /* largest timestamp of this record */
    uint64_t pkts_fwd; /* initiator -> responder */
    uint64_t pkts_rev;
    uint64_t bytes_fwd; /* IP-layer bytes */
    uint64_t bytes_rev;
    struct ilink lru;      /* live: lru list; dormant: dormant FIFO */
    uint32_t seq;          /* record number, in order of creation (wraps; compared as a
                            * difference) */
    uint32_t gen;          /* changes when the key starts afresh or the node is freed */
    uint16_t service_port; /* chosen when the key started; host order */
    uint8_t tcp_flags_fwd; /* OR of PL_TCP_* */
    uint8_t tcp_flags_rev;
    uint8_t state; /* enum node_state */
    uint8_t flags; /* NF_* */
    uint8_t basis; /* enum pl_basis */
};
_Static_assert(sizeof(struct flow_node) == 192, "flow record is three cache lines");
_Static_assert(offsetof(struct flow_node, hh.hh_next) / 64 == 1 &&
                   offsetof(struct flow_node, hh.hashv) / 64 == 1 &&
                   (offsetof(struct flow_node, key) + sizeof(struct pl_flow_key) - 1) / 64 == 1,
               "a hash chain step must read one cache line");
_Static_assert(offsetof(struct flow_node, last_us) / 64 == 2 &&
                   offsetof(struct flow_node, flags) / 64 == 2 &&
                   offsetof(struct flow_node, lru) / 64 == 2 &&
                   (offsetof(struct flow_node, lru) + sizeof(struct ilink) - 1) / 64 == 2,
               "per-packet fields, the lru link among them, share one cache line");

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
    struct frag_entry *prev, *next; /* FIFO in order of registration (oldest first) */
    uint64_t first_us;              /* the first fragment's timestamp */
    uint32_t node;                  /* pool index of the first fragment's record */
    uint32_t gen;                   /* that node's gen when registered */
    bool from_hi;                   /* the first fragment was sent by the key's hi endpoint */
};

/* The three timer orders: lru (last_seen), act (first_seen), cls (close time). */
enum timer_list { TL_LRU = 0, TL_ACT, TL_CLS, TL_COUNT };

/* One heap entry: a node and the (time, record number) it was placed with. */
struct heap_ent {
    uint64_t key_us;
    uint32_t seq;
    uint32_t node; /* pool index */
};

struct theap {
    struct heap_ent *v; /* binary min-heap by (key_us, seq) */
    size_t n, cap;
};

struct pl_flow_table {
    struct pl_flow_cfg cfg;
    uint64_t hash_seed;            /* secret per table: keys the hash against flooding */
    unsigned lru_shift;            /* the lru list's slot: last_seen >> lru_shift */
    const struct pl_registry *reg; /* borrowed */
    pl_flow_emit_fn emit;
    void *emit_ctx;

    struct flow_node *head; /* uthash head */
    UT_hash_bucket *bkts;   /* the hash's bucket array and index mask, copied after */
    unsigned bkt_mask;      /* every add (bkt_sync), so look-ups skip uthash's table */
    struct flow_node *pool; /* pool_cap nodes; the first FIRST_NODE are list sentinels */
    size_t pool_bytes;      /* mapped size of pool */
    uint32_t pool_cap;
    uint32_t pool_used; /* bump index: nodes below it have been handed out once */

    struct frag_entry *frag_head; /* uthash head */
    struct frag_entry *frags;     /* max_frags entries */
    size_t frags_bytes;
    uint32_t frag_used;
    uint32_t frag_count;
    struct frag_entry *frag_free; /* singly linked through next */
    struct frag_entry fifo;       /* sentinel of the FIFO (prev/next only) */

    uint64_t now_us;        /* monotonic packet time: the largest timestamp seen */
    uint64_t next_check_us; /* no timer is due before this */
    uint32_t seq;           /* next record number */
    struct pl_flow_stats stats;
    struct theap heap[TL_COUNT]; /* timer entries placed out of order: see "timer lists" */
    unsigned make_log2;          /* buckets (log2) of the next table uthash makes */
};

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

/* a was created before b (seq wraps at 2^32; live records are far closer than 2^31) */
static inline bool
seq_before(uint32_t a, uint32_t b)
{
    return (int32_t)(a - b) < 0;
}

static inline struct flow_node *
N(const struct pl_flow_table *ft, uint32_t i)
{
    return &ft->pool[i];
}

static inline uint32_t
idx(const struct pl_flow_table *ft, const struct flow_node *n)
{
    return (uint32_t)(n - ft->pool);
}

#define LRU offsetof(struct flow_node, lru)
#define ACT offsetof(struct flow_node, act)
#define CLS offsetof(struct flow_node, cls)

static inline struct ilink *
lk(const struct pl_flow_table *ft, uint32_t i, size_t off)
{
    return (struct ilink *)(void *)((char *)&ft->pool[i] + off);
}

static inline void
il_init(const struct pl_flow_table *ft, uint32_t i, size_t off)
{
    lk(ft, i, off)->prev = lk(ft, i, off)->next = i;
}

static inline bool
il_empty(const struct pl_flow_table *ft, uint32_t head, size_t off)
{
    return lk(ft, head, off)->next == head;
}

static inline uint32_t
il_first(const struct pl_flow_table *ft, uint32_t head, size_t off)
{
    return lk(ft, head, off)->next;
}

static inline void
il_unlink(const struct pl_flow_table *ft, uint32_t i, size_t off)
{
    struct ilink *l = lk(ft, i, off);
    lk(ft, l->prev, off)->next = l->next;
    lk(ft, l->next, off)->prev = l->prev;
    l->prev = l->next = i;
}

static inline void
il_insert_after(const struct pl_flow_table *ft, uint32_t pos, uint32_t i, size_t off)
{
    struct ilink *l = lk(ft, i, off), *p = lk(ft, pos, off);
    l->prev = pos;
    l->next = p->next;
    lk(ft, p->next, off)->prev = i;
    p->next = i;
}

/* --- the three timer lists ------------------------------------------------------------- */

/* Timer lists. Each order (lru by last_seen, act by first_seen, cls by close time; ties by
 * record number) is a sorted list (lru: sorted by slot, below), kept sorted by walking back
 * from the newest entry: one step while timestamps arrive in order. An entry that would need
 * a longer walk (badly merged captures, a hostile file with random timestamps: quadratic)
 * goes instead into a binary min-heap of that order, flagged NF_HEAP_*; the earliest entry
 * of an order is the smaller of the list's head and the heap's top, so every order stays
 * exact. Heap entries are dropped lazily: one is stale once its node has left the heap (flag
 * cleared), started another record (seq) or moved on (time). */
#define PL_TIMER_WALK_MAX 64u

/* The lru list is kept in order of slot = last_seen >> PL_LRU_SLOT_SHIFT (4.2 s), not of
 * last_seen itself: a packet moves its flow to the list's tail only when its last_seen enters
 * a new slot, so most packets write no lru neighbour (two random cache lines each, at a
 * million flows). When the earliest lru entry is wanted (idle expiry, eviction), the head
 * slot's nodes move into the lru heap, which orders them exactly by (last_seen, seq); a node
 * there that sees another packet goes back to the list's tail. Any shift keeps every order
 * exact; 0 would make the list exact and the moves per packet again. */
#define PL_LRU_SLOT_SHIFT 22u /* tests set others (0 to 63): the output must not change */

static inline uint64_t
lru_slot(const struct pl_flow_table *ft, uint64_t ts_us)
{
    return ts_us >> ft->lru_shift;
}

static const uint8_t tl_flag[TL_COUNT] = {NF_HEAP_LRU, NF_HEAP_ACT, NF_HEAP_CLS};
static const size_t tl_off[TL_COUNT] = {LRU, ACT, CLS};

static inline uint64_t
tl_key(const struct flow_node *n, enum timer_list t)
{
    return t == TL_LRU ? n->last_us : t == TL_ACT ? n->first_us : n->close_us;
}

/* (ka, sa) orders before (kb, sb) */
static inline bool
tl_before(uint64_t ka, uint32_t sa, uint64_t kb, uint32_t sb)
{
    return ka < kb || (ka == kb && seq_before(sa, sb));
}

static bool
heap_valid(const struct pl_flow_table *ft, enum timer_list t, const struct heap_ent *e)
{
    const struct flow_node *n = N(ft, e->node);
    return n->state == NODE_LIVE && (n->flags & tl_flag[t]) && n->seq == e->seq &&
           tl_key(n, t) == e->key_us;
}

static void
heap_sift_up(struct theap *h, size_t i)
{
    struct heap_ent e = h->v[i];
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (!tl_before(e.key_us, e.seq, h->v[parent].key_us, h->v[parent].seq))
            break;
        h->v[i] = h->v[parent];
        i = parent;
    }
    h->v[i] = e;
}

static void
heap_sift_down(struct theap *h, size_t i)
{
    struct heap_ent e = h->v[i];
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= h->n)
            break;
        if (c + 1 < h->n && tl_before(h->v[c + 1].key_us, h->v[c + 1].seq, h->v[c].key_us,
                                      h->v[c].seq))
            c++;
        if (!tl_before(h->v[c].key_us, h->v[c].seq, e.key_us, e.seq))
            break;
        h->v[i] = h->v[c];
        i = c;
    }
    h->v[i] = e;
}

static void
heap_pop(struct theap *h)
{
    h->v[0] = h->v[--h->n];
    if (h->n > 0)
        heap_sift_down(h, 0);
}

/* Put n in order t's heap. Stale entries are purged before the heap grows, so it holds
 * O(live flows) entries; it is allocated only when timestamps come out of order, or (lru) when
 * a flow first ends idle or is evicted. */
static void
heap_push(struct pl_flow_table *ft, enum timer_list t, struct flow_node *n)
{
    struct theap *h = &ft->heap[t];

    if (h->n == h->cap) {
        size_t kept = 0;
        for (size_t i = 0; i < h->n; i++)
            if (heap_valid(ft, t, &h->v[i]))
                h->v[kept++] = h->v[i];
        h->n = kept;
        for (size_t i = kept / 2; i-- > 0;)
            heap_sift_down(h, i);
        if (h->n == h->cap || h->n > h->cap / 2) { /* still full, or mostly live: grow */
            size_t cap = h->cap ? h->cap * 2 : 64;
            struct heap_ent *v = realloc(h->v, cap * sizeof *v);
            if (v == NULL)
                pl_die_oom("flow timer heap");
            h->v = v;
            h->cap = cap;
        }
    }
    il_init(ft, idx(ft, n), tl_off[t]); /* not on the list: unlinking it is a no-op */
    n->flags |= tl_flag[t];
    h->v[h->n] = (struct heap_ent){.key_us = tl_key(n, t), .seq = n->seq, .node = idx(ft, n)};
    heap_sift_up(h, h->n++);
}

/* Take n off order t (list or heap). */
static inline void
tl_unlink(struct pl_flow_table *ft, struct flow_node *n, enum timer_list t)
{
    n->flags &= (uint8_t)~tl_flag[t]; /* its heap entry, if any, is stale from now on */
    il_unlink(ft, idx(ft, n), tl_off[t]);
}

/* On order t's list, p may stand before n: the lru list is sorted by slot only, the others
 * exactly. */
static inline bool
tl_list_before(const struct pl_flow_table *ft, const struct flow_node *p,
               const struct flow_node *n, enum timer_list t)
{
    if (t == TL_LRU)
        return lru_slot(ft, p->last_us) <= lru_slot(ft, n->last_us);
    return tl_before(tl_key(p, t), p->seq, tl_key(n, t), n->seq);
}

/* Put n in order t: on the list after a short walk back from the newest, at the list's head
 * when it is older than all, else in the heap. */
static void
tl_insert(struct pl_flow_table *ft, struct flow_node *n, enum timer_list t)
{
    size_t off = tl_off[t];
    uint32_t pos = lk(ft, HEAD_TIMERS, off)->prev;

    for (unsigned steps = 0; pos != HEAD_TIMERS; steps++) {
        const struct flow_node *p = N(ft, pos);
        if (tl_list_before(ft, p, n, t))
            break;
        if (steps == PL_TIMER_WALK_MAX) {
            const struct flow_node *first = N(ft, il_first(ft, HEAD_TIMERS, off));
            if (tl_list_before(ft, n, first, t)) {
                pos = HEAD_TIMERS; /* older than every listed entry: the head */
                break;
            }
            heap_push(ft, t, n);
            return;
        }
        pos = lk(ft, pos, off)->prev;
    }
    il_insert_after(ft, pos, idx(ft, n), off);
}

/* The least recently seen live node, or NULL: while the heap's top is not in an earlier slot
 * than the list's head, the head's slot moves into the heap (each node once per slot). */
static struct flow_node *
lru_first(struct pl_flow_table *ft)
{
    struct theap *h = &ft->heap[TL_LRU];

    for (;;) {
        while (h->n > 0 && !heap_valid(ft, TL_LRU, &h->v[0]))
            heap_pop(h);
        if (il_empty(ft, HEAD_TIMERS, LRU))
            return h->n > 0 ? N(ft, h->v[0].node) : NULL;
        struct flow_node *l = N(ft, il_first(ft, HEAD_TIMERS, LRU));
        uint64_t slot = lru_slot(ft, l->last_us);
        if (h->n > 0 && lru_slot(ft, h->v[0].key_us) < slot)
            return N(ft, h->v[0].node);
        do {
            il_unlink(ft, idx(ft, l), LRU);
            heap_push(ft, TL_LRU, l);
            l = il_empty(ft, HEAD_TIMERS, LRU) ? NULL : N(ft, il_first(ft, HEAD_TIMERS, LRU));
        } while (l != NULL && lru_slot(ft, l->last_us) == slot);
    }
}

/* The earliest node of order t, or NULL. */
static struct flow_node *
tl_first(struct pl_flow_table *ft, enum timer_list t)
{
    if (t == TL_LRU)
        return lru_first(ft);

    struct theap *h = &ft->heap[t];
    struct flow_node *l = NULL, *hn;

    while (h->n > 0 && !heap_valid(ft, t, &h->v[0]))
        heap_pop(h);
    if (!il_empty(ft, HEAD_TIMERS, tl_off[t]))
        l = N(ft, il_first(ft, HEAD_TIMERS, tl_off[t]));
    if (h->n == 0)
        return l;
    hn = N(ft, h->v[0].node);
    if (l == NULL || tl_before(tl_key(hn, t), hn->seq, tl_key(l, t), l->seq))
        return hn;
    return l;
}

static void
lru_insert(struct pl_flow_table *ft, struct flow_node *n)
{
    tl_insert(ft, n, TL_LRU);
}

static void
act_insert(struct pl_flow_table *ft, struct flow_node *n)
{
    tl_insert(ft, n, TL_ACT);
}

static void
cls_insert(struct pl_flow_table *ft, struct flow_node *n)
{
    tl_insert(ft, n, TL_CLS);
    note_due(ft, add_sat(n->close_us, PL_FLOW_CLOSE_LINGER_US));
}

/* A packet at ts_us moves n on the lru order: its last_seen grows into another slot, or n
 * waits in the lru heap under its old last_seen. */
static inline bool
lru_moves(const struct pl_flow_table *ft, const struct flow_node *n, uint64_t ts_us)
{
    return ts_us > n->last_us &&
           ((n->flags & NF_HEAP_LRU) || lru_slot(ft, ts_us) != lru_slot(ft, n->last_us));
}

/* last_seen of n grew (lru_moves() was true): restore the lru order. */
static inline void
lru_touch(struct pl_flow_table *ft, struct flow_node *n)
{
    uint32_t i = idx(ft, n), tail = lk(ft, HEAD_TIMERS, LRU)->prev;
    if (tail == i)
        return; /* already the newest; growing keeps it so */
    tl_unlink(ft, n, TL_LRU);
    const struct flow_node *t = N(ft, tail);
    if (tail != HEAD_TIMERS && lru_slot(ft, t->last_us) <= lru_slot(ft, n->last_us))
        il_insert_after(ft, tail, i, LRU); /* in order, as almost always: the newest */
    else
        lru_insert(ft, n);
}

/* --- node pool -------------------------------------------------------------------------- */

/* n's key goes: onto the free list; it stays in the hash (pl_flow_table_finish() only). */
static void
node_forget(struct pl_flow_table *ft, struct flow_node *n)
{
    n->state = NODE_FREE;
    n->gen++;
    il_insert_after(ft, HEAD_SPARE, idx(ft, n), ACT);
}

static void
node_release(struct pl_flow_table *ft, struct flow_node *n)
{
    HASH_DELETE(hh, ft->head, n);
    node_forget(ft, n);
}

static void
node_clear(struct pl_flow_table *ft, struct flow_node *n)
{
    uint32_t i = idx(ft, n), gen = n->gen;
    memset(n, 0, sizeof *n);
    n->gen = gen;
    il_init(ft, i, LRU);
    il_init(ft, i, ACT);
    il_init(ft, i, CLS);
}

/* A node for a new key: a freed one, else a fresh one, else the oldest dormant key's. The
 * caller has made room for one more live flow; the pool holds max_flows live nodes plus as
 * many for dormant keys, so one of the three always exists. */
static struct flow_node *
node_take(struct pl_flow_table *ft)
{
    struct flow_node *n;

    if (!il_empty(ft, HEAD_SPARE, ACT)) {
        n = N(ft, il_first(ft, HEAD_SPARE, ACT));
        il_unlink(ft, idx(ft, n), ACT);
    } else if (ft->pool_used < ft->pool_cap) {
        n = N(ft, ft->pool_used++);
        n->gen = 0;
    } else {
        assert(!il_empty(ft, HEAD_SPARE, LRU));
        n = N(ft, il_first(ft, HEAD_SPARE, LRU));
        il_unlink(ft, idx(ft, n), LRU);
        HASH_DELETE(hh, ft->head, n);
        n->gen++;
    }
    node_clear(ft, n);
    return n;
}

/* The bucket count (log2) hash_grow() reaches for `items` entries: 1.5 per bucket at most. */
static unsigned
buckets_log2_for(uint32_t items)
{
    unsigned l = HASH_LOG2_MIN;
    while (l < HASH_LOG2_MAX && (((uint64_t)1 << l) * 3u) / 2u < items)
        l++;
    return l;
}

static inline const UT_hash_bucket *
bucket_of(const struct pl_flow_table *ft, const struct pl_flow_lookup *lu)
{
    return &ft->bkts[lu->hashv & ft->bkt_mask];
}

/* uthash's HASH_FIND_BYHASHVALUE, from the cached bucket array (every key is 40 bytes). */
static inline struct flow_node *
chain_find(const struct pl_flow_table *ft, const struct pl_flow_lookup *lu)
{
    for (const UT_hash_handle *hh = bucket_of(ft, lu)->hh_head; hh != NULL; hh = hh->hh_next)
        if (hh->hashv == lu->hashv && !key_differs40(hh->key, &lu->key))
            return (struct flow_node *)(void *)((char *)hh - offsetof(struct flow_node, hh));
    return NULL;
}

/* After anything that may have replaced the bucket array: an add (uthash grows it when one
 * chain gets long), hash_grow(), a table made afresh. */
static inline void
bkt_sync(struct pl_flow_table *ft)
{
    const UT_hash_table *tbl = ft->head->hh.tbl;
    ft->bkts = tbl->buckets;
    ft->bkt_mask = tbl->num_buckets - 1u;
}

/* Grow the bucket array ahead of uthash's own rule, which lets chains average two nodes at
 * a million flows. At most 1.5 nodes per bucket on average keeps a hit near one cache line
 * (1.4 chain steps at most); one per bucket would cost 16 more bytes per flow at the sizes
 * where memory matters (W2: 1.16 million flows in 243 MB instead of 259 MB). */
static void
hash_grow(struct pl_flow_table *ft)
{
    UT_hash_table *tbl = ft->head->hh.tbl;
    if (tbl->num_items > tbl->num_buckets + tbl->num_buckets / 2 &&
        tbl->num_buckets < (1u << HASH_LOG2_MAX))
        HASH_EXPAND_BUCKETS(hh, tbl, oom_unused);
}

/* --- ending records ----------------------------------------------------------------------- */

/* Emit n's record with reason why; it stays on the timer lists. */
static void
record_emit(struct pl_flow_table *ft, struct flow_node *n, enum pl_end_reason why)
{
    struct pl_flow f;
    enum pl_proto proto = PL_PROTO_TCP;

    assert(n->state == NODE_LIVE);
    memset(&f, 0, sizeof f);
    f.key = n->key;
    f.first_ts_us = n->first_us;
    f.last_ts_us = n->last_us;
    f.pkts_fwd = n->pkts_fwd;
    f.pkts_rev = n->pkts_rev;
    f.bytes_fwd = n->bytes_fwd;
    f.bytes_rev = n->bytes_rev;
    (void)pl_proto_from_ip(n->key.l4_proto, &proto); /* only the four map into the table */
    pl_label_for_port(ft->reg, proto, n->service_port, (enum pl_basis)n->basis, &f.label);
    f.tcp_flags_fwd = n->tcp_flags_fwd;
    f.tcp_flags_rev = n->tcp_flags_rev;
    f.init_is_hi = (n->flags & NF_INIT_HI) != 0;
    f.vlan_tagged = (n->flags & NF_TAGGED) != 0;
    f.end_reason = (uint8_t)why;
    ft->emit(ft->emit_ctx, &f);

    ft->stats.flows_total++;
    if (why == PL_END_EVICTED)
        ft->stats.flows_evicted++;
    ft->stats.live--;
}

/* Emit n's record with reason why and take it off the timer lists. The caller then frees the
 * node, makes it dormant, or starts a new record in it. */
static void
record_end(struct pl_flow_table *ft, struct flow_node *n, enum pl_end_reason why)
{
    uint32_t i = idx(ft, n);

    (void)i;
    record_emit(ft, n, why);
    tl_unlink(ft, n, TL_LRU);
    tl_unlink(ft, n, TL_ACT);
    tl_unlink(ft, n, TL_CLS);
}

static void
make_dormant(struct pl_flow_table *ft, struct flow_node *n)
{
    n->state = NODE_DORMANT;
    /* FIFO: reclaimed lazily, and checked exactly on look-up */
    il_insert_after(ft, lk(ft, HEAD_SPARE, LRU)->prev, idx(ft, n), LRU);
    note_due(ft, add_sat(n->last_us, ft->cfg.idle_us));
}

/* A dormant key is gone once it would have gone idle (SPEC §8). */
static inline bool
dormant_expired(const struct pl_flow_table *ft, const struct flow_node *n)
{
    return ft->now_us >= n->last_us && ft->now_us - n->last_us >= ft->cfg.idle_us;
}

static inline bool
close_expired(const struct pl_flow_table *ft, const struct flow_node *n)
{
    return (n->flags & NF_CLOSE) && ft->now_us >= n->close_us &&
           ft->now_us - n->close_us >= PL_FLOW_CLOSE_LINGER_US;
}

/* --- fragments ---------------------------------------------------------------------------- */

static void
fifo_unlink(struct frag_entry *e)
{
    e->prev->next = e->next;
    e->next->prev = e->prev;
    e->prev = e->next = e;
}

static void
fifo_append(struct pl_flow_table *ft, struct frag_entry *e)
{
    e->prev = ft->fifo.prev;
    e->next = &ft->fifo;
    ft->fifo.prev->next = e;
    ft->fifo.prev = e;
}

static inline struct frag_entry *
fifo_oldest(struct pl_flow_table *ft)
{
    return ft->fifo.next != &ft->fifo ? ft->fifo.next : NULL;
}

static void
frag_remove(struct pl_flow_table *ft, struct frag_entry *e)
{
    HASH_DELETE(hh, ft->frag_head, e);
    fifo_unlink(e);
    e->next = ft->frag_free;
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
    k->proto = pkt->frag_proto; /* IPv6: the fragment header's next header (SPEC §8) */
    k->ip_version = pkt->ip_version;
}

/* A first fragment counted to n: remember it for the later fragments of its datagram. */
static void
frag_register(struct pl_flow_table *ft, struct flow_node *n, const struct pl_pkt *pkt, bool from_hi)
{
    struct frag_key k;
    struct frag_entry *e;
    unsigned hashv;

    frag_key_make(&k, pkt);
    HASH_VALUE(&k, sizeof k, hashv);
    HASH_FIND_BYHASHVALUE(hh, ft->frag_head, &k, sizeof k, hashv, e);
    if (e != NULL) { /* the same datagram again (or a reused id): the newest wins */
        fifo_unlink(e);
    } else {
        /* Entries are not aged out by the clock: time may go backwards, and a later
         * fragment within 30 s of its first one counts whatever came in between (SPEC §8).
         * They leave when the table is full, oldest first: a drop only if still in time. */
        if (ft->frag_count == ft->cfg.max_frags) {
            struct frag_entry *old = fifo_oldest(ft);
            if (!frag_expired(ft, old))
                ft->stats.frags_dropped++;
            frag_remove(ft, old);
        }
        if (ft->frag_free != NULL) {
            e = ft->frag_free;
            ft->frag_free = e->next;
        } else {
            e = &ft->frags[ft->frag_used++];
        }
        memset(e, 0, sizeof *e);
        e->key = k;
        HASH_ADD_KEYPTR_BYHASHVALUE(hh, ft->frag_head, &e->key, sizeof e->key, hashv, e);
        ft->frag_count++;
    }
    e->node = idx(ft, n);
    e->gen = n->gen;
    e->first_us = pkt->ts_us;
    e->from_hi = from_hi;
    fifo_append(ft, e);
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
        (at_us == best->at_us && (seq_before(n->seq, best->node->seq) ||
                                  (n->seq == best->node->seq && rank < best->rank)))) {
        best->node = n;
        best->at_us = at_us;
        best->why = why;
        best->rank = rank;
    }
}

/* The earliest due of the three list heads, or .node == NULL when none. */
static struct due
due_next(struct pl_flow_table *ft)
{
    struct due best = {.node = NULL, .at_us = NEVER, .why = PL_END_IDLE, .rank = 0};
    struct flow_node *n;

    if ((n = tl_first(ft, TL_CLS)) != NULL)
        due_consider(&best, n, add_sat(n->close_us, PL_FLOW_CLOSE_LINGER_US), PL_END_CLOSED, 0);
    if ((n = tl_first(ft, TL_ACT)) != NULL)
        due_consider(&best, n, add_sat(n->first_us, ft->cfg.active_us), PL_END_ACTIVE, 1);
    if ((n = tl_first(ft, TL_LRU)) != NULL)
        due_consider(&best, n, add_sat(n->last_us, ft->cfg.idle_us), PL_END_IDLE, 2);
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
    while (!il_empty(ft, HEAD_SPARE, LRU) &&
           dormant_expired(ft, N(ft, il_first(ft, HEAD_SPARE, LRU)))) {
        struct flow_node *n = N(ft, il_first(ft, HEAD_SPARE, LRU));
        il_unlink(ft, idx(ft, n), LRU);
        node_release(ft, n);
    }

    /* Recompute the lower bound of every due time from the heads. */
    struct due d = due_next(ft);
    ft->next_check_us = d.node != NULL ? d.at_us : NEVER;
    if (!il_empty(ft, HEAD_SPARE, LRU)) /* FIFO: a later key may be due first; look-ups check */
        note_due(ft, add_sat(N(ft, il_first(ft, HEAD_SPARE, LRU))->last_us, ft->cfg.idle_us));
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

/* Open a record in n with pkt as its first packet. A fresh key chooses initiator and service
 * port; a continuation keeps them, and the TCP close state, from the record it continues. */
static void
record_start(struct pl_flow_table *ft, struct flow_node *n, const struct pl_pkt *pkt,
             enum pl_proto proto, bool from_hi, bool fresh)
{
    if (fresh) {
        struct pl_label label;
        bool init_is_hi = is_opening_answer(pkt) ? !from_hi : from_hi;
        uint16_t init_port = init_is_hi ? n->key.port_hi : n->key.port_lo;
        uint16_t resp_port = init_is_hi ? n->key.port_lo : n->key.port_hi;
        pl_label_choose(ft->reg, proto, is_opening(pkt), init_port, resp_port, &label);
        n->service_port = label.service_port;
        n->basis = label.basis;
        n->flags = init_is_hi ? NF_INIT_HI : 0;
        n->close_us = 0;
        n->gen++;
    }
    if (pkt->vlan_count > 0)
        n->flags |= NF_TAGGED;
    else
        n->flags &= (uint8_t)~NF_TAGGED;
    n->first_us = n->last_us = pkt->ts_us;
    n->pkts_fwd = n->pkts_rev = 0;
    n->bytes_fwd = n->bytes_rev = 0;
    n->tcp_flags_fwd = n->tcp_flags_rev = 0;
    n->seq = ft->seq++;
    n->state = NODE_LIVE;
    ft->stats.live++;
    lru_insert(ft, n);
    act_insert(ft, n);
    if (n->flags & NF_CLOSE)
        cls_insert(ft, n);
    note_due(ft, add_sat(pkt->ts_us, ft->cfg.idle_us < ft->cfg.active_us ? ft->cfg.idle_us
                                                                         : ft->cfg.active_us));
}

static inline void
record_count(struct pl_flow_table *ft, struct flow_node *n, bool from_hi, uint32_t bytes,
             uint8_t tcp_flags, uint64_t ts_us)
{
    if (from_hi == ((n->flags & NF_INIT_HI) != 0)) {
        n->pkts_fwd++;
        n->bytes_fwd += bytes;
        n->tcp_flags_fwd |= tcp_flags;
    } else {
        n->pkts_rev++;
        n->bytes_rev += bytes;
        n->tcp_flags_rev |= tcp_flags;
    }
    if (ts_us > n->last_us) { /* idle due only grows: next_check stays a lower bound */
        bool moves = lru_moves(ft, n, ts_us);
        n->last_us = ts_us;
        if (moves)
            lru_touch(ft, n);
    }
    ft->stats.packets_in_flows++;
}

/* RFC 9293 §3.6: the close time is set once, by the first RST or by the packet that completes
 * FIN in both directions. */
static inline void
tcp_track_close(struct pl_flow_table *ft, struct flow_node *n, const struct pl_pkt *pkt,
                bool from_hi)
{
    if (n->flags & NF_CLOSE)
        return;
    if (pkt->tcp_flags & PL_TCP_FIN)
        n->flags |= from_hi ? NF_FIN_HI : NF_FIN_LO;
    if ((pkt->tcp_flags & PL_TCP_RST) ||
        (n->flags & (NF_FIN_LO | NF_FIN_HI)) == (NF_FIN_LO | NF_FIN_HI)) {
        n->flags |= NF_CLOSE;
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
    struct flow_node *victim = tl_first(ft, TL_LRU);
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
    if (e == NULL || N(ft, e->node)->gen != e->gen || N(ft, e->node)->state != NODE_LIVE ||
        (pkt->ts_us >= e->first_us && pkt->ts_us - e->first_us > PL_FRAG_WINDOW_US)) {
        ft->stats.fragment_unattributed++;
        return false;
    }
    record_count(ft, N(ft, e->node), e->from_hi, pkt->ip_len, 0, pkt->ts_us);
    return true;
}

void
pl_flow_table_prepare(const struct pl_flow_table *ft, const struct pl_pkt *pkt,
                      struct pl_flow_lookup *lu)
{
    unsigned hashv;

    lu->keyed = pkt->frag != PL_FRAG_LATER;
    lu->hit = 0;
    lu->ts_us = pkt->ts_us;
    if (!lu->keyed)
        return; /* looked up by its fragment key instead */
    lu->from_hi = pl_flow_key_make(&lu->key, pkt);
    HASH_VALUE(&lu->key, sizeof lu->key, hashv);
    lu->hashv = hashv;
}

bool
pl_flow_table_packet(struct pl_flow_table *ft, const struct pl_pkt *pkt)
{
    struct pl_flow_lookup lu;

    pl_flow_table_prepare(ft, pkt, &lu);
    return pl_flow_table_packet_prepared(ft, pkt, &lu);
}

bool
pl_flow_table_packet_prepared(struct pl_flow_table *ft, const struct pl_pkt *pkt,
                              const struct pl_flow_lookup *lu)
{
    struct flow_node *n;
    enum pl_proto proto;

    pl_flow_table_advance(ft, pkt->ts_us);
    if (pkt->frag == PL_FRAG_LATER)
        return frag_later(ft, pkt);
    if (!pl_proto_from_ip(pkt->l4_proto, &proto))
        return false; /* not a transport this table keys (the decoder never passes one) */

    bool from_hi = lu->from_hi;
    unsigned hashv = lu->hashv;
    /* The links hint's find, if it still holds: a node not free is in the hash under its
     * key (node_clear zeroes a reclaimed node's key before it gets a new one). */
    n = lu->hit != 0 ? N(ft, lu->hit) : NULL;
    if (n == NULL || n->state == NODE_FREE || key_differs40(&n->key, &lu->key))
        n = chain_find(ft, lu);

    if (n != NULL && n->state == NODE_LIVE) {
        if ((n->flags & NF_CLOSE) && is_syn_only(pkt)) { /* SPEC §8: a SYN reopens at once */
            record_end(ft, n, PL_END_CLOSED);
            record_start(ft, n, pkt, proto, from_hi, true);
        }
    } else if (n != NULL) { /* dormant: a continuation, unless the key has gone */
        il_unlink(ft, idx(ft, n), LRU);
        bool fresh = dormant_expired(ft, n) || close_expired(ft, n) ||
                     ((n->flags & NF_CLOSE) && is_syn_only(pkt));
        make_room(ft);
        record_start(ft, n, pkt, proto, from_hi, fresh);
    } else {
        make_room(ft);
        n = node_take(ft);
        n->key = lu->key;
        HASH_ADD_KEYPTR_BYHASHVALUE(hh, ft->head, &n->key, sizeof n->key, hashv, n);
        hash_grow(ft);
        bkt_sync(ft);
        record_start(ft, n, pkt, proto, from_hi, true);
    }

    record_count(ft, n, from_hi, pkt->ip_len, pkt->tcp_flags, pkt->ts_us);
    if (pkt->l4_proto == PL_IPPROTO_TCP)
        tcp_track_close(ft, n, pkt, from_hi);
    if (pkt->frag == PL_FRAG_FIRST)
        frag_register(ft, n, pkt, from_hi);
    return true;
}

void
pl_flow_table_hint_bucket(const struct pl_flow_table *ft, struct pl_flow_lookup *lu)
{
    if (lu->keyed)
        __builtin_prefetch(bucket_of(ft, lu));
}

void
pl_flow_table_hint_flow(const struct pl_flow_table *ft, struct pl_flow_lookup *lu)
{
    if (!lu->keyed)
        return;
    const UT_hash_handle *hh = bucket_of(ft, lu)->hh_head; /* cached by the bucket hint */
    if (hh != NULL) {
        const char *node = (const char *)hh - offsetof(struct flow_node, hh);
        __builtin_prefetch(node + offsetof(struct flow_node, key), 1);     /* chain step */
        __builtin_prefetch(node + offsetof(struct flow_node, last_us), 1); /* counters, lru */
    }
}

void
pl_flow_table_hint_chain(const struct pl_flow_table *ft, struct pl_flow_lookup *lu)
{
    if (!lu->keyed)
        return;
    const UT_hash_handle *hh = bucket_of(ft, lu)->hh_head; /* cached by the flow hint */
    if (hh != NULL && hh->hashv != lu->hashv && hh->hh_next != NULL) {
        /* not the head node: the look-up's next step would miss, so fetch it now */
        const char *node = (const char *)hh->hh_next - offsetof(struct flow_node, hh);
        __builtin_prefetch(node + offsetof(struct flow_node, key), 1);
        __builtin_prefetch(node + offsetof(struct flow_node, last_us), 1);
    }
}

void
pl_flow_table_hint_links(const struct pl_flow_table *ft, struct pl_flow_lookup *lu)
{
    const struct flow_node *n;

    if (!lu->keyed)
        return;
    n = chain_find(ft, lu); /* cached */
    lu->hit = n != NULL ? idx(ft, n) : 0;
    if (n != NULL && n->state == NODE_LIVE && lru_moves(ft, n, lu->ts_us) &&
        lk(ft, HEAD_TIMERS, LRU)->prev != idx(ft, n)) {
        __builtin_prefetch(&N(ft, n->lru.prev)->lru, 1); /* the lru move writes both neighbours */
        __builtin_prefetch(&N(ft, n->lru.next)->lru, 1);
    } else if (n == NULL) {
        /* a new key: uthash's add writes the chain head's hh_prev, in its node's cold line */
        const UT_hash_handle *head = bucket_of(ft, lu)->hh_head;
        if (head != NULL)
            __builtin_prefetch(&head->hh_prev, 1);
    }
}

/* The wrappers below call the hints through a volatile pointer. A hint's only effect is a
 * prefetch, which GCC's link-time optimisation (ipa-pure-const) takes for no side effect at
 * all: it dropped the calls it did not inline, and these wrappers were compiled to nothing.
 * The pipeline calls the hints directly; they are inlined there and keep their prefetches
 * (CTest flow.prefetch_hints_compiled counts them in portlabel and in bench_flow). */
typedef void (*hint_fn)(const struct pl_flow_table *, struct pl_flow_lookup *);

static void
prefetch_with(const struct pl_flow_table *ft, const struct pl_pkt *pkt, hint_fn fn)
{
    struct pl_flow_lookup lu;
    hint_fn volatile call = fn;

    pl_flow_table_prepare(ft, pkt, &lu);
    call(ft, &lu);
}

void
pl_flow_table_prefetch_bucket(const struct pl_flow_table *ft, const struct pl_pkt *pkt)
{
    prefetch_with(ft, pkt, pl_flow_table_hint_bucket);
}

void
pl_flow_table_prefetch_flow(const struct pl_flow_table *ft, const struct pl_pkt *pkt)
{
    prefetch_with(ft, pkt, pl_flow_table_hint_flow);
}

void
pl_flow_table_prefetch_links(const struct pl_flow_table *ft, const struct pl_pkt *pkt)
{
    prefetch_with(ft, pkt, pl_flow_table_hint_links);
}

/* --- life cycle --------------------------------------------------------------------------- */

struct pl_flow_table *
pl_flow_table_new(const struct pl_flow_cfg *cfg, const struct pl_registry *reg,
                  pl_flow_emit_fn emit, void *emit_ctx, struct pl_err *err)
{
    if (cfg->max_flows == 0 || cfg->max_flows > PL_FLOW_MAX_LIMIT || cfg->max_frags == 0 ||
        emit == NULL) {
        pl_err_set(err, "flow table: max flows must be 1 to %u, max fragments positive",
                   PL_FLOW_MAX_LIMIT);
        return NULL;
    }
    struct pl_flow_table *ft = calloc(1, sizeof *ft);
    if (ft == NULL) {
        pl_err_set(err, "flow table: out of memory");
        return NULL;
    }
    ft->cfg = *cfg;
    ft->hash_seed = random_seed();
    ft->lru_shift = PL_LRU_SLOT_SHIFT;
    ft->reg = reg;
    ft->emit = emit;
    ft->emit_ctx = emit_ctx;
    /* max_flows live nodes plus as many for dormant keys, plus the sentinels. Only address
     * space until used: nodes are handed out from the front. */
    ft->pool_cap = cfg->max_flows * 2u + FIRST_NODE; /* fits: max_flows <= 2^30 */
    ft->pool_bytes = (size_t)ft->pool_cap * sizeof(struct flow_node);
    ft->pool = map_big(ft->pool_bytes);
    ft->frags_bytes = (size_t)cfg->max_frags * sizeof(struct frag_entry);
    ft->frags = map_big(ft->frags_bytes);
    if (ft->pool == NULL || ft->frags == NULL) {
        pl_err_set(err, "flow table: cannot reserve %u flows: out of memory", cfg->max_flows);
        pl_flow_table_free(ft);
        return NULL;
    }
    ft->pool_used = FIRST_NODE;
    for (uint32_t i = 0; i < FIRST_NODE; i++)
        node_clear(ft, N(ft, i));
    ft->fifo.prev = ft->fifo.next = &ft->fifo;
    /* Each hash holds one entry for good, under the all-zero key (IP version 0: no packet
     * makes it), so that uthash never frees and reallocates its table as flows come and go. */
    ft->make_log2 = buckets_log2_for(cfg->max_flows);
    HASH_ADD_KEYPTR(hh, ft->head, &N(ft, HEAD_TIMERS)->key, sizeof(struct pl_flow_key),
                    N(ft, HEAD_TIMERS));
    bkt_sync(ft);
    ft->make_log2 = HASH_LOG2_MIN; /* fragments are rare: this one grows as they come */
    HASH_ADD_KEYPTR(hh, ft->frag_head, &ft->fifo.key, sizeof ft->fifo.key, &ft->fifo);
    ft->next_check_us = NEVER;
    return ft;
}

void
pl_flow_table_finish(struct pl_flow_table *ft, enum pl_end_reason why)
{
    /* Every key goes: the nodes are freed without uthash's per-node delete (which touches
     * each node's neighbours in uthash's insertion order, a cache miss or two per flow at a
     * million flows), and the hash is emptied at once afterwards. Likewise the lru and cls
     * lists are emptied at once, not node by node (their neighbours are random nodes; the
     * act order is the pool's order, mostly). A node's stale lru/cls links are reset when
     * node_take() hands it out again. */
    struct flow_node *n;
    while ((n = tl_first(ft, TL_ACT)) != NULL) { /* in order of first packet */
        record_emit(ft, n, (n->flags & NF_CLOSE) ? PL_END_CLOSED : why);
        tl_unlink(ft, n, TL_ACT);
        n->flags &= (uint8_t)~(NF_HEAP_LRU | NF_HEAP_CLS);
        node_forget(ft, n);
    }
    il_init(ft, HEAD_TIMERS, LRU); /* every live node was on both, and all have ended */
    il_init(ft, HEAD_TIMERS, CLS);
    for (int t = 0; t < TL_COUNT; t++)
        ft->heap[t].n = 0;
    while (!il_empty(ft, HEAD_SPARE, LRU)) {
        n = N(ft, il_first(ft, HEAD_SPARE, LRU));
        il_unlink(ft, idx(ft, n), LRU);
        node_forget(ft, n);
    }
    HASH_CLEAR(hh, ft->head);
    ft->make_log2 = buckets_log2_for(ft->cfg.max_flows);
    HASH_ADD_KEYPTR(hh, ft->head, &N(ft, HEAD_TIMERS)->key, sizeof(struct pl_flow_key),
                    N(ft, HEAD_TIMERS)); /* the permanent entry, as pl_flow_table_new() */
    bkt_sync(ft);
    struct frag_entry *old;
    while ((old = fifo_oldest(ft)) != NULL)
        frag_remove(ft, old);
    ft->next_check_us = NEVER;
}

void
pl_flow_table_free(struct pl_flow_table *ft)
{
    if (ft == NULL)
        return;
    HASH_CLEAR(hh, ft->head);
    HASH_CLEAR(hh, ft->frag_head);
    unmap_big(ft->pool, ft->pool_bytes);
    unmap_big(ft->frags, ft->frags_bytes);
    for (int t = 0; t < TL_COUNT; t++)
        free(ft->heap[t].v);
    free(ft);
}

void
pl_flow_table_stats(const struct pl_flow_table *ft, struct pl_flow_stats *out)
{
    *out = ft->stats;
}

void
pl_flow_table_set_lru_shift(struct pl_flow_table *ft, unsigned shift)
{
    assert(ft->stats.live == 0 && shift < 64);
    ft->lru_shift = shift;
}

unsigned
pl_flow_table_buckets(const struct pl_flow_table *ft)
{
    return ft->head->hh.tbl->num_buckets;
}

const void *
pl_flow_table_pool(const struct pl_flow_table *ft, size_t *bytes)
{
    *bytes = ft->pool_bytes;
    return ft->pool;
}

size_t
pl_flow_table_node_size(void)
{
    return sizeof(struct flow_node);
}
