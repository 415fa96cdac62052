/* src/output/csv.c — flow and audit records as one RFC 4180 table (SPEC §6).
 *
 * One header row, then one row per record; fields quoted per RFC 4180 §2 by
 * pl_rec_csv_field; a null value is an empty field; aliases are joined with
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
put_str(struct pl_rec *r, const char *v)
{
    pl_rec_ch(r, ',');
    pl_rec_csv_field(r, v);
}

static void
put_u64(struct pl_rec *r, uint64_t v)
{
    pl_rec_ch(r, ',');
    pl_rec_u64(r, v);
}

/* The aliases as one field, joined with ';' and quoted as a whole when needed. */
static void
put_aliases(struct pl_rec *r, const struct pl_out_label *v)
{
    bool quote = false;

    pl_rec_ch(r, ',');
    for (uint32_t i = 0; i < v->alias_count && !quote; i++)
        quote = strpbrk(v->aliases[i], ",\"\r\n") != NULL;
    if (quote)
        pl_rec_ch(r, '"');
    for (uint32_t i = 0; i < v->alias_count; i++) {
        if (i > 0)
            pl_rec_ch(r, ';');
        for (const char *p = v->aliases[i];;) {
            size_t n = strcspn(p, "\"");
            pl_rec_mem(r, p, n);
            if (p[n] == '\0')
                break;
            pl_rec_lit(r, "\"\""); /* RFC 4180 §2.7 */
            p += n + 1;
        }
    }
    if (quote)
        pl_rec_ch(r, '"');
}

static void
put_label_tail(struct pl_rec *r, const struct pl_out_label *v)
{
    put_str(r, v->service);
    put_aliases(r, v);
    put_str(r, v->description);
    put_str(r, v->status);
    put_str(r, v->port_class);
    put_str(r, v->unauthorized);
}

static int
csv_begin(struct pl_sink *s, struct pl_err *err)
{
    fputs(s->opts.audit ? audit_header : flow_header, s->out);
    return pl_sink_record_done(s, err);
}

/* A record is built in a struct pl_rec on the stack and written with one fwrite. */
static int
csv_flow(struct pl_sink *s, const struct pl_flow *f, struct pl_err *err)
{
    struct pl_rec r;
    struct pl_out_label v;
    uint16_t vid;

    pl_rec_init(&r, s->out);
    pl_out_label_view(&f->label, &v);
    pl_rec_lit(&r, "flow,");
    pl_rec_ts(&r, f->first_ts_us);
    pl_rec_ch(&r, ',');
    pl_rec_ts(&r, f->last_ts_us);
    put_u64(&r, f->key.ip_version);
    put_str(&r, pl_out_flow_proto(f));
    if (pl_out_flow_vlan(f, &vid))
        put_u64(&r, vid);
    else
        pl_rec_ch(&r, ',');
    pl_rec_ch(&r, ','); /* addresses and flag letters need no quoting */
    pl_rec_addr(&r, pl_flow_src(f), f->key.ip_version);
    put_u64(&r, pl_flow_sport(f));
    pl_rec_ch(&r, ',');
    pl_rec_addr(&r, pl_flow_dst(f), f->key.ip_version);
    put_u64(&r, pl_flow_dport(f));
    put_u64(&r, f->pkts_fwd);
    put_u64(&r, f->bytes_fwd);
    put_u64(&r, f->pkts_rev);
    put_u64(&r, f->bytes_rev);
    if (pl_out_flow_is_tcp(f)) {
        pl_rec_ch(&r, ',');
        pl_rec_tcp_flags(&r, f->tcp_flags_fwd);
        pl_rec_ch(&r, ',');
        pl_rec_tcp_flags(&r, f->tcp_flags_rev);
    } else {
        pl_rec_lit(&r, ",,");
    }
    put_u64(&r, f->label.service_port);
    put_str(&r, v.basis);
    put_label_tail(&r, &v);
    put_str(&r, pl_end_reason_name((enum pl_end_reason)f->end_reason));
    pl_rec_lit(&r, CSV_EOL);
    pl_rec_flush(&r);
    return pl_sink_record_done(s, err);
}

static int
csv_audit(struct pl_sink *s, const struct pl_audit_row *a, struct pl_err *err)
{
    struct pl_rec r;
    struct pl_out_label v;

    pl_rec_init(&r, s->out);
    pl_out_label_view(&a->label, &v);
    pl_rec_csv_field(&r, v.proto);
    put_u64(&r, a->label.service_port);
    put_u64(&r, a->flows);
    put_u64(&r, a->pkts);
    put_u64(&r, a->bytes);
    put_u64(&r, a->initiators);
    put_u64(&r, a->responders);
    put_label_tail(&r, &v);
    put_u64(&r, a->flows_unauthorized);
    pl_rec_lit(&r, CSV_EOL);
    pl_rec_flush(&r);
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
