/* src/output/csv.c — flow and audit records as one RFC 4180 table (SPEC §6).
 *
 * One header row, then one row per record; fields quoted per RFC 4180 §2 by
 * pl_out_csv_field; a null value is an empty field; aliases are joined with
 * ";". An RFC 4180 file holds a single table, so the run summary is not
 * written to the CSV stream: end() writes it in text form to opts.summary_out
 * (main passes stderr), if set. */
#include <stdio.h>
#include <string.h>

#include "output/output_int.h"

static const char flow_header[] =
    "type,first_seen,last_seen,ip_version,proto,vlan,src,sport,dst,dport,"
    "pkts_fwd,bytes_fwd,pkts_rev,bytes_rev,tcp_flags_fwd,tcp_flags_rev,"
    "service_port,basis,service,aliases,description,status,port_class,unauthorized,"
    "end_reason\r\n";

static const char audit_header[] =
    "proto,service_port,flows,packets,bytes,initiators,responders,"
    "service,aliases,description,status,port_class,unauthorized,flows_unauthorized\r\n";

/* RFC 4180 §2.1: records end with CRLF. */
#define CSV_EOL "\r\n"

static void
put_str(FILE *o, const char *v)
{
    putc(',', o);
    pl_out_csv_field(o, v);
}

static void
put_u64(FILE *o, uint64_t v)
{
    putc(',', o);
    pl_out_u64(o, v);
}

/* The aliases as one field, joined with ';' and quoted as a whole when needed. */
static void
put_aliases(FILE *o, const struct pl_out_label *v)
{
    bool quote = false;

    putc(',', o);
    for (uint32_t i = 0; i < v->alias_count && !quote; i++)
        quote = strpbrk(v->aliases[i], ",\"\r\n") != NULL;
    if (quote)
        putc('"', o);
    for (uint32_t i = 0; i < v->alias_count; i++) {
        if (i > 0)
            putc(';', o);
        for (const char *p = v->aliases[i]; *p != '\0'; p++) {
            if (*p == '"')
                putc('"', o); /* RFC 4180 §2.7 */
            putc(*p, o);
        }
    }
    if (quote)
        putc('"', o);
}

static void
put_label_tail(FILE *o, const struct pl_out_label *v)
{
    put_str(o, v->service);
    put_aliases(o, v);
    put_str(o, v->description);
    put_str(o, v->status);
    put_str(o, v->port_class);
    put_str(o, v->unauthorized);
}

static int
csv_begin(struct pl_sink *s, struct pl_err *err)
{
    fputs(s->opts.audit ? audit_header : flow_header, s->out);
    return pl_sink_record_done(s, err);
}

static int
csv_flow(struct pl_sink *s, const struct pl_flow *f, struct pl_err *err)
{
    FILE *o = s->out;
    struct pl_out_label v;
    char ts[PL_TS_BUFSZ], addr[PL_ADDR_BUFSZ], flags[PL_TCP_FLAGS_BUFSZ];
    uint16_t vid;

    pl_out_label_view(&f->label, &v);
    pl_out_ts(ts, f->first_ts_us);
    fputs("flow,", o);
    fputs(ts, o);
    pl_out_ts(ts, f->last_ts_us);
    putc(',', o);
    fputs(ts, o);
    put_u64(o, f->key.ip_version);
    put_str(o, pl_out_flow_proto(f));
    if (pl_out_flow_vlan(f, &vid))
        put_u64(o, vid);
    else
        putc(',', o);
    pl_out_addr(addr, sizeof addr, pl_flow_src(f), f->key.ip_version);
    put_str(o, addr);
    put_u64(o, pl_flow_sport(f));
    pl_out_addr(addr, sizeof addr, pl_flow_dst(f), f->key.ip_version);
    put_str(o, addr);
    put_u64(o, pl_flow_dport(f));
    put_u64(o, f->pkts_fwd);
    put_u64(o, f->bytes_fwd);
    put_u64(o, f->pkts_rev);
    put_u64(o, f->bytes_rev);
    if (pl_out_flow_is_tcp(f)) {
        pl_out_tcp_flags(flags, f->tcp_flags_fwd);
        put_str(o, flags);
        pl_out_tcp_flags(flags, f->tcp_flags_rev);
        put_str(o, flags);
    } else {
        fputs(",,", o);
    }
    put_u64(o, f->label.service_port);
    put_str(o, v.basis);
    put_label_tail(o, &v);
    put_str(o, pl_end_reason_name((enum pl_end_reason)f->end_reason));
    fputs(CSV_EOL, o);
    return pl_sink_record_done(s, err);
}

static int
csv_audit(struct pl_sink *s, const struct pl_audit_row *r, struct pl_err *err)
{
    FILE *o = s->out;
    struct pl_out_label v;

    pl_out_label_view(&r->label, &v);
    pl_out_csv_field(o, v.proto);
    put_u64(o, r->label.service_port);
    put_u64(o, r->flows);
    put_u64(o, r->pkts);
    put_u64(o, r->bytes);
    put_u64(o, r->initiators);
    put_u64(o, r->responders);
    put_label_tail(o, &v);
    put_u64(o, r->flows_unauthorized);
    fputs(CSV_EOL, o);
    return pl_sink_record_done(s, err);
}

static int
csv_end(struct pl_sink *s, const struct pl_summary *sum, struct pl_err *err)
{
    int rc = pl_sink_finish(s, err);

    if (s->opts.summary_out != NULL) {
        pl_summary_write_text(s->opts.summary_out, sum);
        fflush(s->opts.summary_out);
    }
    return rc;
}

static void
csv_destroy(struct pl_sink *s)
{
    (void)s;
}

static const struct pl_sink_ops csv_ops = {
    .begin = csv_begin,
    .flow = csv_flow,
    .audit = csv_audit,
    .end = csv_end,
    .destroy = csv_destroy,
};

int
pl_sink_csv_init(struct pl_sink *s, struct pl_err *err)
{
    (void)err;
    s->ops = &csv_ops;
    s->priv = NULL;
    return 0;
}
