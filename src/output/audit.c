/* src/output/audit.c — --audit: totals per (protocol, service port) (SPEC §6).
 *
 * Rows and the sets of distinct initiator / responder addresses live in two
 * uthash tables. This runs once per ended flow, not per packet, so its
 * allocations are off the hot path; growth failure is fatal (pl_die_oom). */
#include <stdlib.h>
#include <string.h>

#define uthash_fatal(msg) pl_die_oom(msg)
#include <uthash.h>

#include "output/output_int.h"

struct row_key {
    uint16_t port; /* service port, host order */
    uint8_t proto; /* enum pl_proto */
    uint8_t zero;  /* padding made explicit: keys are hashed as raw bytes */
};

struct row_node {
    struct row_key key;
    struct pl_audit_row row;
    UT_hash_handle hh;
};

/* One distinct address seen in one role for one row. The IP version is part of it: IPv4
 * 10.0.0.1 and IPv6 ::ffff:10.0.0.1 share the 16-byte form but are two hosts' addresses. */
struct addr_key {
    uint8_t addr[16];   /* the flow key's 16-byte form (IPv4 v4-mapped) */
    uint16_t port;      /* the row's service port */
    uint8_t proto;      /* the row's protocol */
    uint8_t role;       /* ROLE_* */
    uint8_t ip_version; /* 4 or 6 */
    uint8_t zero[3];    /* padding made explicit: keys are hashed as raw bytes */
};
_Static_assert(sizeof(struct addr_key) == 24, "addr_key must have no padding bytes");

enum { ROLE_INITIATOR = 0, ROLE_RESPONDER = 1 };

struct addr_node {
    struct addr_key key;
    UT_hash_handle hh;
};

struct pl_audit {
    struct row_node *rows;
    struct addr_node *addrs;
};

struct pl_audit *
pl_audit_new(struct pl_err *err)
{
    struct pl_audit *a = calloc(1, sizeof *a);

    if (a == NULL)
        pl_err_set(err, "audit: out of memory");
    return a;
}

void
pl_audit_free(struct pl_audit *a)
{
    if (a == NULL)
        return;
    while (a->rows != NULL) {
        struct row_node *r = a->rows;
        HASH_DEL(a->rows, r);
        free(r);
    }
    while (a->addrs != NULL) {
        struct addr_node *n = a->addrs;
        HASH_DEL(a->addrs, n);
        free(n);
    }
    free(a);
}

/* True when (row, role, addr) was not seen before. */
static bool
add_addr(struct pl_audit *a, const struct row_key *rk, uint8_t role, const uint8_t addr[16],
         uint8_t ip_version)
{
    struct addr_key k;
    struct addr_node *n;

    memset(&k, 0, sizeof k);
    memcpy(k.addr, addr, sizeof k.addr);
    k.port = rk->port;
    k.proto = rk->proto;
    k.role = role;
    k.ip_version = ip_version;
    HASH_FIND(hh, a->addrs, &k, sizeof k, n);
    if (n != NULL)
        return false;
    n = calloc(1, sizeof *n);
    if (n == NULL)
        pl_die_oom("audit address set");
    n->key = k;
    HASH_ADD(hh, a->addrs, key, sizeof n->key, n);
    return true;
}

void
pl_audit_add(struct pl_audit *a, const struct pl_flow *flow)
{
    struct row_key k;
    struct row_node *r;
    enum pl_proto proto;

    if (!pl_proto_from_ip(flow->key.l4_proto, &proto))
        proto = (enum pl_proto)flow->label.proto;
    memset(&k, 0, sizeof k);
    k.port = flow->label.service_port;
    k.proto = (uint8_t)proto;
    HASH_FIND(hh, a->rows, &k, sizeof k, r);
    if (r == NULL) {
        r = calloc(1, sizeof *r);
        if (r == NULL)
            pl_die_oom("audit row");
        r->key = k;
        r->row.label = flow->label; /* the first flow's basis */
        r->row.label.proto = k.proto;
        HASH_ADD(hh, a->rows, key, sizeof r->key, r);
    }
    r->row.flows++;
    r->row.pkts += flow->pkts_fwd + flow->pkts_rev;
    r->row.bytes += flow->bytes_fwd + flow->bytes_rev;
    if (pl_label_is_unauthorized(&flow->label))
        r->row.flows_unauthorized++;
    if (add_addr(a, &k, ROLE_INITIATOR, pl_flow_src(flow), flow->key.ip_version))
        r->row.initiators++;
    if (add_addr(a, &k, ROLE_RESPONDER, pl_flow_dst(flow), flow->key.ip_version))
        r->row.responders++;
}

/* Bytes descending, then protocol, then port. */
static int
cmp_rows(const void *pa, const void *pb)
{
    const struct row_node *a = *(const struct row_node *const *)pa;
    const struct row_node *b = *(const struct row_node *const *)pb;

    if (a->row.bytes != b->row.bytes)
        return a->row.bytes > b->row.bytes ? -1 : 1;
    if (a->key.proto != b->key.proto)
        return a->key.proto < b->key.proto ? -1 : 1;
    if (a->key.port != b->key.port)
        return a->key.port < b->key.port ? -1 : 1;
    return 0;
}

int
pl_audit_emit(struct pl_audit *a, struct pl_sink *s, struct pl_err *err)
{
    size_t n = HASH_COUNT(a->rows), i = 0;
    struct row_node **v;
    int rc = 0;

    if (n == 0)
        return 0;
    v = malloc(n * sizeof *v);
    if (v == NULL) {
        pl_err_set(err, "audit: out of memory sorting %zu rows", n);
        return -1;
    }
    for (struct row_node *r = a->rows; r != NULL; r = r->hh.next)
        v[i++] = r;
    qsort(v, n, sizeof *v, cmp_rows);
    for (i = 0; i < n && rc == 0; i++)
        rc = s->ops->audit(s, &v[i]->row, err);
    free(v);
    return rc;
}
