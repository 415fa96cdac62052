/* src/output/json.c — JSON Lines flow, audit and summary records (RFC 8259, SPEC §6). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "output/output_int.h"

/* ,"key":value — keys are our own constants; every string value goes through
 * pl_out_json_str / pl_rec_json_str. No printf on the per-record path: it dominated the
 * profile. */
#define KEY(k) ",\"" k "\":"

static void
put_u64(FILE *o, const char *key, uint64_t v)
{
    fputs(key, o);
    pl_out_u64(o, v);
}

static void
put_str(FILE *o, const char *key, const char *v)
{
    fputs(key, o);
    pl_out_json_str(o, v);
}

/* The label fields shared by flow and audit records, from "service" on. */
static void
put_label_tail(struct pl_rec *r, const struct pl_out_label *v)
{
    pl_rec_lit(r, KEY("service"));
    pl_rec_json_str(r, v->service);
    pl_rec_lit(r, ",\"aliases\":[");
    for (uint32_t i = 0; i < v->alias_count; i++) {
        if (i > 0)
            pl_rec_ch(r, ',');
        pl_rec_json_str(r, v->aliases[i]);
    }
    pl_rec_ch(r, ']');
    pl_rec_lit(r, KEY("description"));
    pl_rec_json_str(r, v->description);
    pl_rec_lit(r, KEY("status"));
    pl_rec_json_str(r, v->status);
    pl_rec_lit(r, KEY("port_class"));
    pl_rec_json_str(r, v->port_class);
    pl_rec_lit(r, KEY("unauthorized"));
    pl_rec_json_str(r, v->unauthorized);
}

/* One of our own constant names ("tcp", "handshake", "eof", ...) as a JSON string, written
 * at p in a stretch with NAME_MAX_TEXT bytes of room: quoted as is (they hold nothing to
 * escape). A name longer than NAME_FAST would not be one of ours: it takes the general path,
 * and `room` bytes are reserved again for the rest of the stretch. */
#define NAME_FAST 32u
#define NAME_MAX_TEXT (NAME_FAST + 2u) /* quotes included */
static char *
put_name_at(struct pl_rec *r, char *p, const char *name, size_t room)
{
    if (name == NULL)
        return pl_put_lit(p, "null");
    size_t n = strlen(name);
    if (n <= NAME_FAST) {
        *p++ = '"';
        p = pl_put_mem(p, name, n);
        *p++ = '"';
        return p;
    }
    pl_rec_end_at(r, p);
    pl_rec_json_str(r, name);
    return pl_rec_room(r, room);
}

static void
put_name(struct pl_rec *r, const char *name)
{
    pl_rec_end_at(r, put_name_at(r, pl_rec_room(r, NAME_MAX_TEXT), name, 0));
}

/* The names of a flow record's enums (proto, basis, end reason), quoted once per sink from
 * the name functions and written as a fixed 16-byte copy (the stretch they go in has
 * NAME_MAX_TEXT bytes of room): per record, three strlen calls and copies fewer. */
#define QNAME_LEN 16u
_Static_assert(QNAME_LEN <= NAME_MAX_TEXT, "a quoted name's copy fits its room");
#define QNAME_END_REASONS (PL_END_SHUTDOWN + 1) /* the last of enum pl_end_reason */
#define QNAME_BASES (PL_BASIS_PORT_ORDER + 1)    /* the last of enum pl_basis; a value past
                                                  * either table still prints, slowly */
struct qname {
    char text[QNAME_LEN];
    uint8_t len; /* 0: too long for text, written by put_name_at */
};

static void
qname_make(struct qname *q, const char *name)
{
    size_t n = strlen(name);

    memset(q, 0, sizeof *q);
    if (n + 2 > sizeof q->text)
        return;
    q->text[0] = '"';
    memcpy(q->text + 1, name, n);
    q->text[n + 1] = '"';
    q->len = (uint8_t)(n + 2);
}

/* The quoted name of enum value v from a table of count at p; NULL when v has none there
 * (the caller then writes the name function's text through put_name_at). */
static inline char *
put_qname_at(char *p, const struct qname *tbl, unsigned count, unsigned v)
{
    if (v >= count || tbl[v].len == 0)
        return NULL;
    memcpy(p, tbl[v].text, QNAME_LEN);
    return p + tbl[v].len;
}

/* Rendered label tails (put_label_tail's text), so that a registry entry's strings are
 * escaped once per run instead of once per flow: a direct-mapped cache keyed by (entry,
 * status, port class), the only inputs of the tail. A hit also checks the entry's string
 * pointers. Tails longer than a slot are rendered every time. */
#define LABEL_SLOTS 1024u
#define LABEL_TEXT 480u
struct label_slot {
    const struct pl_reg_entry *entry; /* NULL: no registry row */
    const char *service, *description, *unauthorized;
    const char *const *aliases;
    uint32_t alias_count;
    uint16_t len; /* 0: empty slot (a tail is never empty) */
    uint8_t status, port_class;
    char text[LABEL_TEXT];
};

struct json_priv {
    struct qname proto[PL_PROTO_COUNT], basis[QNAME_BASES], end_reason[QNAME_END_REASONS];
    struct label_slot slot[LABEL_SLOTS];
    struct pl_rec rec; /* batch mode: flow records gather here and go out 4 KiB at a time */
};

static bool
slot_matches(const struct label_slot *c, const struct pl_label *l)
{
    const struct pl_reg_entry *e = l->entry;

    if (c->len == 0 || c->entry != e || c->status != l->status ||
        c->port_class != l->port_class)
        return false;
    return e == NULL || (c->service == e->service && c->description == e->description &&
                         c->unauthorized == e->unauthorized && c->aliases == e->aliases &&
                         c->alias_count == e->alias_count);
}

static void
put_label_tail_cached(struct json_priv *jp, struct pl_rec *r, const struct pl_label *l)
{
    struct pl_out_label v;

    uintptr_t h = (uintptr_t)l->entry;
    h = (h >> 4 ^ h >> 12) + l->status * 7u + l->port_class * 131u;
    struct label_slot *c = &jp->slot[h % LABEL_SLOTS];

    if (slot_matches(c, l)) {
        pl_rec_mem(r, c->text, c->len);
        return;
    }
    size_t start = r->len;
    unsigned flushes = r->flushes;
    pl_out_label_view(l, &v);
    put_label_tail(r, &v);
    size_t n = r->len - start;
    if (r->flushes != flushes || n == 0 || n > sizeof c->text)
        return; /* not all of it is in the buffer, or too long for a slot */
    memcpy(c->text, r->buf + start, n);
    c->len = (uint16_t)n;
    c->entry = l->entry;
    c->status = l->status;
    c->port_class = l->port_class;
    if (l->entry != NULL) {
        c->service = l->entry->service;
        c->description = l->entry->description;
        c->unauthorized = l->entry->unauthorized;
        c->aliases = l->entry->aliases;
        c->alias_count = l->entry->alias_count;
    }
}

/* Write out the flow records gathered in the sink's buffer. */
static void
flush_pending(struct pl_sink *s)
{
    struct json_priv *jp = s->priv;

    jp->rec.out = s->out;
    pl_rec_flush(&jp->rec);
}

static int
json_begin(struct pl_sink *s, struct pl_err *err)
{
    (void)s;
    (void)err;
    return 0;
}

/* The longest text of a flow record from its start to "basis" included: the keys and
 * punctuation, with every value at its longest (names at NAME_FAST + 2). */
#define FLOW_FIXED_MAX                                                                         \
    (sizeof "{\"type\":\"flow\",\"first_seen\":" + 2 * PL_PUT_TS_MAX + sizeof KEY("last_seen") + \
     sizeof KEY("ip_version") + PL_PUT_U64_MAX + sizeof KEY("proto") + NAME_MAX_TEXT +          \
     sizeof KEY("vlan") + PL_PUT_U64_MAX + 2 * (sizeof ",\"src\":\"" + PL_PUT_ADDR_MAX +        \
                                             sizeof "\",\"sport\":" + PL_PUT_U64_MAX) +        \
     4 * (sizeof KEY("bytes_fwd") + PL_PUT_U64_MAX) + sizeof ",\"tcp_flags_fwd\":\"" +        \
     sizeof "\",\"tcp_flags_rev\":\"" + 2 * PL_PUT_FLAGS_MAX + 1 + sizeof KEY("service_port") + \
     PL_PUT_U64_MAX + sizeof KEY("basis") + NAME_MAX_TEXT)
_Static_assert(FLOW_FIXED_MAX < PL_REC_LEN, "a flow record's fixed stretch fits the buffer");

/* A flow record: the stretch up to "basis" is reserved at once and written through a
 * pointer (a dozen numbers, two stamps, two addresses: the formatting, not the checks); the
 * label tail comes from its cache. One fwrite per buffer of records. */
static int
json_flow(struct pl_sink *s, const struct pl_flow *f, struct pl_err *err)
{
    struct json_priv *jp = s->priv;
    struct pl_rec *r = &jp->rec;
    uint16_t vid;

    r->out = s->out; /* pl_sink_new may have replaced the stream after init */
    char *p = pl_rec_room(r, FLOW_FIXED_MAX), *q;
    p = pl_put_lit(p, "{\"type\":\"flow\",\"first_seen\":");
    p = pl_put_ts(r, p, f->first_ts_us);
    p = pl_put_lit(p, KEY("last_seen"));
    p = pl_put_ts(r, p, f->last_ts_us);
    p = pl_put_lit(p, KEY("ip_version"));
    p = pl_put_u64(p, f->key.ip_version);
    p = pl_put_lit(p, KEY("proto"));
    enum pl_proto proto = pl_out_flow_proto_id(f);
    q = put_qname_at(p, jp->proto, PL_PROTO_COUNT, (unsigned)proto);
    p = q != NULL ? q : put_name_at(r, p, pl_proto_name(proto), FLOW_FIXED_MAX);
    if (pl_out_flow_vlan(f, &vid)) {
        p = pl_put_lit(p, KEY("vlan"));
        p = pl_put_u64(p, vid);
    } else {
        p = pl_put_lit(p, ",\"vlan\":null");
    }
    p = pl_put_lit(p, ",\"src\":\"");
    p = pl_put_addr(p, pl_flow_src(f), f->key.ip_version); /* no character needs escaping */
    p = pl_put_lit(p, "\",\"sport\":");
    p = pl_put_u64(p, pl_flow_sport(f));
    p = pl_put_lit(p, ",\"dst\":\"");
    p = pl_put_addr(p, pl_flow_dst(f), f->key.ip_version);
    p = pl_put_lit(p, "\",\"dport\":");
    p = pl_put_u64(p, pl_flow_dport(f));
    p = pl_put_lit(p, KEY("pkts_fwd"));
    p = pl_put_u64(p, f->pkts_fwd);
    p = pl_put_lit(p, KEY("bytes_fwd"));
    p = pl_put_u64(p, f->bytes_fwd);
    p = pl_put_lit(p, KEY("pkts_rev"));
    p = pl_put_u64(p, f->pkts_rev);
    p = pl_put_lit(p, KEY("bytes_rev"));
    p = pl_put_u64(p, f->bytes_rev);
    if (pl_out_flow_is_tcp(f)) {
        p = pl_put_lit(p, ",\"tcp_flags_fwd\":\""); /* flag letters need no escaping */
        p = pl_put_tcp_flags(p, f->tcp_flags_fwd);
        p = pl_put_lit(p, "\",\"tcp_flags_rev\":\"");
        p = pl_put_tcp_flags(p, f->tcp_flags_rev);
        *p++ = '"';
    } else {
        p = pl_put_lit(p, ",\"tcp_flags_fwd\":null,\"tcp_flags_rev\":null");
    }
    p = pl_put_lit(p, KEY("service_port"));
    p = pl_put_u64(p, f->label.service_port);
    p = pl_put_lit(p, KEY("basis"));
    q = put_qname_at(p, jp->basis, QNAME_BASES, f->label.basis);
    p = q != NULL ? q
                  : put_name_at(r, p, pl_basis_name((enum pl_basis)f->label.basis), NAME_MAX_TEXT);
    pl_rec_end_at(r, p);
    put_label_tail_cached(jp, r, &f->label);
    pl_rec_lit(r, KEY("end_reason"));
    p = pl_rec_room(r, NAME_MAX_TEXT);
    q = put_qname_at(p, jp->end_reason, QNAME_END_REASONS, f->end_reason);
    if (q != NULL)
        pl_rec_end_at(r, q);
    else
        put_name(r, pl_end_reason_name((enum pl_end_reason)f->end_reason));
    pl_rec_lit(r, "}\n");
    if (s->opts.streaming)
        pl_rec_flush(r); /* live: every record goes out at once */
    return pl_sink_record_done(s, err);
}

static int
json_audit(struct pl_sink *s, const struct pl_audit_row *a, struct pl_err *err)
{
    struct pl_rec r;
    struct pl_out_label v;

    flush_pending(s); /* records stay in order */
    pl_rec_init(&r, s->out);
    pl_out_label_view(&a->label, &v);
    pl_rec_lit(&r, "{\"type\":\"audit\"" KEY("proto"));
    pl_rec_json_str(&r, v.proto);
    pl_rec_lit(&r, KEY("service_port"));
    pl_rec_u64(&r, a->label.service_port);
    pl_rec_lit(&r, KEY("flows"));
    pl_rec_u64(&r, a->flows);
    pl_rec_lit(&r, KEY("packets"));
    pl_rec_u64(&r, a->pkts);
    pl_rec_lit(&r, KEY("bytes"));
    pl_rec_u64(&r, a->bytes);
    pl_rec_lit(&r, KEY("initiators"));
    pl_rec_u64(&r, a->initiators);
    pl_rec_lit(&r, KEY("responders"));
    pl_rec_u64(&r, a->responders);
    put_label_tail(&r, &v);
    pl_rec_lit(&r, KEY("flows_unauthorized"));
    pl_rec_u64(&r, a->flows_unauthorized);
    pl_rec_lit(&r, "}\n");
    pl_rec_flush(&r);
    return pl_sink_record_done(s, err);
}

static int
json_end(struct pl_sink *s, const struct pl_summary *sum, struct pl_err *err)
{
    FILE *o = s->out;
    bool first = true;

    flush_pending(s); /* records stay in order */
    fprintf(o, "{\"type\":\"summary\",\"packets_total\":%" PRIu64, sum->packets_total);
    put_u64(o, KEY("packets_in_flows"), sum->packets_in_flows);
    put_u64(o, KEY("non_ip"), sum->non_ip);
    fputs(",\"other_ip\":{", o);
    for (unsigned p = 0; p < 256; p++) {
        if (sum->other_ip[p] == 0)
            continue;
        fprintf(o, "%s\"%u\":%" PRIu64, first ? "" : ",", p, sum->other_ip[p]);
        first = false;
    }
    putc('}', o);
    put_u64(o, KEY("malformed"), sum->malformed);
    put_u64(o, KEY("truncated"), sum->truncated);
    put_u64(o, KEY("fragment_unattributed"), sum->fragment_unattributed);
    put_u64(o, KEY("unsupported_link"), sum->unsupported_link);
    put_u64(o, KEY("bad_records"), sum->bad_records);
    put_u64(o, KEY("flows_total"), sum->flows_total);
    put_u64(o, KEY("flows_unauthorized"), sum->flows_unauthorized);
    fputs(",\"flows_by_status\":{", o);
    for (unsigned st = 0; st < PL_STATUS_COUNT; st++) {
        if (st > 0)
            putc(',', o);
        pl_out_json_str(o, pl_status_name((enum pl_status)st));
        fprintf(o, ":%" PRIu64, sum->flows_by_status[st]);
    }
    putc('}', o);
    put_u64(o, KEY("flows_evicted"), sum->flows_evicted);
    put_u64(o, KEY("frags_dropped"), sum->frags_dropped);
    if (sum->has_capture_stats) {
        put_u64(o, KEY("ps_recv"), sum->ps_recv);
        put_u64(o, KEY("ps_drop"), sum->ps_drop);
        put_u64(o, KEY("ps_ifdrop"), sum->ps_ifdrop);
    }
    fputs(",\"registry\":{\"path\":", o);
    pl_out_json_str(o, sum->registry_path);
    put_u64(o, KEY("rows"), sum->registry_rows);
    put_u64(o, KEY("bad_rows"), sum->registry_bad_rows);
    put_str(o, KEY("format"), sum->registry_format);
    fprintf(o, ",\"has_unauthorized\":%s}}\n", sum->registry_has_unauthorized ? "true" : "false");
    return pl_sink_finish(s, err);
}

static void
json_destroy(struct pl_sink *s)
{
    struct json_priv *jp = s->priv;

    if (jp != NULL)
        flush_pending(s); /* records of a run that did not reach end() */
    free(s->priv);
    s->priv = NULL;
}

static const struct pl_sink_ops json_ops = {
    .begin = json_begin,
    .flow = json_flow,
    .audit = json_audit,
    .end = json_end,
    .destroy = json_destroy,
};

int
pl_sink_json_init(struct pl_sink *s, struct pl_err *err)
{
    s->ops = &json_ops;
    struct json_priv *jp = calloc(1, sizeof *jp);
    if (jp == NULL) {
        pl_err_set(err, "output: out of memory");
        return -1;
    }
    pl_rec_init(&jp->rec, s->out);
    for (unsigned i = 0; i < PL_PROTO_COUNT; i++)
        qname_make(&jp->proto[i], pl_proto_name((enum pl_proto)i));
    for (unsigned i = 0; i < QNAME_BASES; i++)
        qname_make(&jp->basis[i], pl_basis_name((enum pl_basis)i));
    for (unsigned i = 0; i < QNAME_END_REASONS; i++)
        qname_make(&jp->end_reason[i], pl_end_reason_name((enum pl_end_reason)i));
    s->priv = jp;
    return 0;
}
