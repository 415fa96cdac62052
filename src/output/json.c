/* src/output/json.c — JSON Lines flow, audit and summary records (RFC 8259, SPEC §6). */
#include <inttypes.h>
#include <stdio.h>

#include "output/output_int.h"

/* ,"key":value — keys are our own constants; every string value goes through
 * pl_out_json_str. No printf on the per-record path: it dominated the profile. */
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
put_label_tail(FILE *o, const struct pl_out_label *v)
{
    put_str(o, KEY("service"), v->service);
    fputs(",\"aliases\":[", o);
    for (uint32_t i = 0; i < v->alias_count; i++) {
        if (i > 0)
            putc(',', o);
        pl_out_json_str(o, v->aliases[i]);
    }
    putc(']', o);
    put_str(o, KEY("description"), v->description);
    put_str(o, KEY("status"), v->status);
    put_str(o, KEY("port_class"), v->port_class);
    put_str(o, KEY("unauthorized"), v->unauthorized);
}

static int
json_begin(struct pl_sink *s, struct pl_err *err)
{
    (void)s;
    (void)err;
    return 0;
}

static int
json_flow(struct pl_sink *s, const struct pl_flow *f, struct pl_err *err)
{
    FILE *o = s->out;
    struct pl_out_label v;
    char ts[PL_TS_BUFSZ], addr[PL_ADDR_BUFSZ], flags[PL_TCP_FLAGS_BUFSZ];
    uint16_t vid;

    pl_out_label_view(&f->label, &v);
    pl_out_ts(ts, f->first_ts_us);
    fputs("{\"type\":\"flow\",\"first_seen\":", o);
    fputs(ts, o);
    pl_out_ts(ts, f->last_ts_us);
    fputs(KEY("last_seen"), o);
    fputs(ts, o);
    put_u64(o, KEY("ip_version"), f->key.ip_version);
    put_str(o, KEY("proto"), pl_out_flow_proto(f));
    if (pl_out_flow_vlan(f, &vid))
        put_u64(o, KEY("vlan"), vid);
    else
        fputs(",\"vlan\":null", o);
    pl_out_addr(addr, sizeof addr, pl_flow_src(f), f->key.ip_version);
    put_str(o, KEY("src"), addr);
    put_u64(o, KEY("sport"), pl_flow_sport(f));
    pl_out_addr(addr, sizeof addr, pl_flow_dst(f), f->key.ip_version);
    put_str(o, KEY("dst"), addr);
    put_u64(o, KEY("dport"), pl_flow_dport(f));
    put_u64(o, KEY("pkts_fwd"), f->pkts_fwd);
    put_u64(o, KEY("bytes_fwd"), f->bytes_fwd);
    put_u64(o, KEY("pkts_rev"), f->pkts_rev);
    put_u64(o, KEY("bytes_rev"), f->bytes_rev);
    if (pl_out_flow_is_tcp(f)) {
        pl_out_tcp_flags(flags, f->tcp_flags_fwd);
        put_str(o, KEY("tcp_flags_fwd"), flags);
        pl_out_tcp_flags(flags, f->tcp_flags_rev);
        put_str(o, KEY("tcp_flags_rev"), flags);
    } else {
        fputs(",\"tcp_flags_fwd\":null,\"tcp_flags_rev\":null", o);
    }
    put_u64(o, KEY("service_port"), f->label.service_port);
    put_str(o, KEY("basis"), v.basis);
    put_label_tail(o, &v);
    put_str(o, KEY("end_reason"), pl_end_reason_name((enum pl_end_reason)f->end_reason));
    fputs("}\n", o);
    return pl_sink_record_done(s, err);
}

static int
json_audit(struct pl_sink *s, const struct pl_audit_row *r, struct pl_err *err)
{
    FILE *o = s->out;
    struct pl_out_label v;

    pl_out_label_view(&r->label, &v);
    fputs("{\"type\":\"audit\"", o);
    put_str(o, KEY("proto"), v.proto);
    put_u64(o, KEY("service_port"), r->label.service_port);
    put_u64(o, KEY("flows"), r->flows);
    put_u64(o, KEY("packets"), r->pkts);
    put_u64(o, KEY("bytes"), r->bytes);
    put_u64(o, KEY("initiators"), r->initiators);
    put_u64(o, KEY("responders"), r->responders);
    put_label_tail(o, &v);
    put_u64(o, KEY("flows_unauthorized"), r->flows_unauthorized);
    fputs("}\n", o);
    return pl_sink_record_done(s, err);
}

static int
json_end(struct pl_sink *s, const struct pl_summary *sum, struct pl_err *err)
{
    FILE *o = s->out;
    bool first = true;

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
    put_str(o, KEY("format"), sum->registry_format);
    fprintf(o, ",\"has_unauthorized\":%s}}\n", sum->registry_has_unauthorized ? "true" : "false");
    return pl_sink_finish(s, err);
}

static void
json_destroy(struct pl_sink *s)
{
    (void)s;
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
    (void)err;
    s->ops = &json_ops;
    s->priv = NULL;
    return 0;
}
