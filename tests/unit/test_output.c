/* tests/unit/test_output.c — JSON Lines, CSV (RFC 4180) and text sinks, and --audit (SPEC §6). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "portlabel/output.h"

/* ---- fixtures ---- */

static const char reg_csv[] =
    "Service Name,Port Number,Transport Protocol,Description,Assignee,Contact,Registration Date,"
    "Modification Date,Reference,Service Code,Unauthorized Use Reported,Assignment Notes\n"
    "https,443,tcp,http protocol over TLS/SSL,,,,,,,,\n"
    "https,443,udp,http protocol over TLS/SSL,,,,,,,,\n"
    ",100,tcp,Unassigned,,,,,,,Known Unauthorized Use on 100,\n"
    "mtrace,33435,udp,IP Multicast Traceroute,,,,,,,,\n"
    "domain,53,udp,Domain Name Server,,,,,,,,\n"
    "odd,7000,tcp,\"Says \"\"hi\"\", twice\nand more\",,,,,,,,\n"
    "ctl,7001,tcp,bell\aesc\x1b[31mred,,,,,,,,\n"
    "c1,7003,tcp,csi\xc2\x9b"
    "2J rlo\xe2\x80\xae"
    "cba e\xcc\x81 \xe2\x82\xac,,,,,,,,\n";

struct fixture {
    struct pl_registry *reg;
};

static struct pl_registry *
load_reg(const char *csv, size_t len)
{
    struct pl_err err = {""};
    struct pl_registry *reg = pl_registry_new();

    cr_assert_not_null(reg);
    cr_assert_eq(pl_registry_load_mem(reg, csv, len, "test.csv", NULL, NULL, &err), 0, "%s",
                 err.msg);
    return reg;
}

static void
v4(uint8_t out[16], uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
    memset(out, 0, 16);
    out[10] = 0xff;
    out[11] = 0xff;
    out[12] = a;
    out[13] = b;
    out[14] = c;
    out[15] = d;
}

/* A flow from src:sport to dst:dport labelled with reg's entry for service_port. */
static struct pl_flow
mk_flow(const struct pl_registry *reg, uint8_t l4, uint8_t ipv, const uint8_t src[16],
        uint16_t sport, const uint8_t dst[16], uint16_t dport, uint16_t service_port)
{
    struct pl_flow f;
    enum pl_proto p = PL_PROTO_TCP;

    memset(&f, 0, sizeof f);
    cr_assert(pl_proto_from_ip(l4, &p));
    /* Put the initiator on the "hi" side to check pl_flow_src/dst are used. */
    memcpy(f.key.addr_hi, src, 16);
    memcpy(f.key.addr_lo, dst, 16);
    f.key.port_hi = sport;
    f.key.port_lo = dport;
    f.key.l4_proto = l4;
    f.key.ip_version = ipv;
    f.init_is_hi = true;
    f.first_ts_us = 1700000000000001ull;
    f.last_ts_us = 1700000002500000ull;
    f.pkts_fwd = 10;
    f.bytes_fwd = 1500;
    f.pkts_rev = 8;
    f.bytes_rev = 9000;
    f.end_reason = PL_END_EOF;
    pl_label_for_port(reg, p, service_port, PL_BASIS_HANDSHAKE, &f.label);
    return f;
}

static struct pl_flow
https_flow(const struct pl_registry *reg)
{
    uint8_t a[16], b[16];

    v4(a, 192, 0, 2, 1);
    v4(b, 198, 51, 100, 7);
    struct pl_flow f = mk_flow(reg, 6, 4, a, 51234, b, 443, 443);
    f.tcp_flags_fwd = PL_TCP_SYN | PL_TCP_ACK | PL_TCP_PSH | PL_TCP_FIN;
    f.tcp_flags_rev = PL_TCP_SYN | PL_TCP_ACK;
    f.end_reason = PL_END_CLOSED;
    return f;
}

static struct pl_summary
mk_summary(void)
{
    struct pl_summary s;

    memset(&s, 0, sizeof s);
    s.packets_total = 1234567;
    s.packets_in_flows = 1200000;
    s.non_ip = 3;
    s.other_ip[1] = 5;
    s.other_ip[58] = 2;
    s.flows_total = 2;
    s.flows_unauthorized = 1;
    s.flows_by_status[PL_STATUS_ASSIGNED] = 1;
    s.flows_by_status[PL_STATUS_UNASSIGNED] = 1;
    s.registry_path = "/tmp/reg.csv";
    s.registry_rows = 7;
    s.registry_format = "csv";
    s.registry_has_unauthorized = true;
    return s;
}

static char *
slurp(FILE *f)
{
    long n;
    char *buf;

    cr_assert_eq(fflush(f), 0);
    cr_assert_eq(fseek(f, 0, SEEK_END), 0);
    n = ftell(f);
    cr_assert_geq(n, 0);
    rewind(f);
    buf = malloc((size_t)n + 1);
    cr_assert_not_null(buf);
    cr_assert_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = '\0';
    return buf;
}

struct run {
    enum pl_format fmt;
    bool audit;
    bool streaming;
};

/* Write flows (or their audit) and the summary through a sink; the output text. */
static char *
run_sink(struct run r, const struct pl_flow *flows, size_t n, const struct pl_summary *sum)
{
    struct pl_sink_opts o = {.format = r.fmt, .audit = r.audit, .streaming = r.streaming};
    struct pl_err err = {""};
    FILE *f = tmpfile();
    struct pl_sink *s;
    struct pl_audit *a = NULL;
    char *txt;

    cr_assert_not_null(f);
    s = pl_sink_new(&o, f, false, &err);
    cr_assert_not_null(s, "%s", err.msg);
    cr_assert_eq(s->ops->begin(s, &err), 0, "%s", err.msg);
    if (r.audit) {
        a = pl_audit_new(&err);
        cr_assert_not_null(a);
        for (size_t i = 0; i < n; i++)
            pl_audit_add(a, &flows[i]);
        cr_assert_eq(pl_audit_emit(a, s, &err), 0, "%s", err.msg);
    } else {
        for (size_t i = 0; i < n; i++)
            cr_assert_eq(s->ops->flow(s, &flows[i], &err), 0, "%s", err.msg);
    }
    cr_assert_eq(s->ops->end(s, sum, &err), 0, "%s", err.msg);
    pl_sink_free(s);
    pl_audit_free(a);
    txt = slurp(f);
    fclose(f);
    return txt;
}

/* Line i (0-based) of text, copied; NULL past the end. */
static char *
line_at(const char *text, size_t i)
{
    const char *p = text;

    for (; i > 0; i--) {
        p = strchr(p, '\n');
        if (p == NULL)
            return NULL;
        p++;
    }
    if (*p == '\0')
        return NULL;
    const char *e = strchr(p, '\n');
    size_t n = e != NULL ? (size_t)(e - p) : strlen(p);
    char *l = malloc(n + 1);
    cr_assert_not_null(l);
    memcpy(l, p, n);
    l[n] = '\0';
    return l;
}

/* ---- format names ---- */

Test(output, format_parse_accepts_the_three_names_only)
{
    enum pl_format f = PL_FMT_TEXT;

    cr_assert(pl_format_parse("json", &f));
    cr_assert_eq(f, PL_FMT_JSON);
    cr_assert(pl_format_parse("csv", &f));
    cr_assert_eq(f, PL_FMT_CSV);
    cr_assert(pl_format_parse("text", &f));
    cr_assert_eq(f, PL_FMT_TEXT);
    cr_assert_not(pl_format_parse("xml", &f));
    cr_assert_not(pl_format_parse("", &f));
    cr_assert_not(pl_format_parse("jsonl", &f));
}

/* ---- JSON ---- */

Test(output, json_flow_record_has_spec_fields_in_order)
{
    struct pl_registry *reg = load_reg(reg_csv, sizeof reg_csv - 1);
    struct pl_flow f = https_flow(reg);
    struct pl_summary sum = mk_summary();
    char *out = run_sink((struct run){PL_FMT_JSON, false, false}, &f, 1, &sum);
    char *l0 = line_at(out, 0);

    cr_assert_str_eq(
        l0,
        "{\"type\":\"flow\",\"first_seen\":1700000000.000001,\"last_seen\":1700000002.500000,"
        "\"ip_version\":4,\"proto\":\"tcp\",\"vlan\":null,\"src\":\"192.0.2.1\",\"sport\":51234,"
        "\"dst\":\"198.51.100.7\",\"dport\":443,\"pkts_fwd\":10,\"bytes_fwd\":1500,"
        "\"pkts_rev\":8,\"bytes_rev\":9000,\"tcp_flags_fwd\":\"FSPA\",\"tcp_flags_rev\":\"SA\","
        "\"service_port\":443,\"basis\":\"handshake\",\"service\":\"https\",\"aliases\":[],"
        "\"description\":\"http protocol over TLS/SSL\",\"status\":\"assigned\","
        "\"port_class\":\"system\",\"unauthorized\":null,\"end_reason\":\"closed\"}");
    free(l0);
    free(out);
    pl_registry_free(reg);
}

Test(output, json_summary_lists_all_statuses_and_decimal_other_ip_keys)
{
    struct pl_summary sum = mk_summary();
    char *out = run_sink((struct run){PL_FMT_JSON, false, false}, NULL, 0, &sum);

    cr_assert_str_eq(
        out, "{\"type\":\"summary\",\"packets_total\":1234567,\"packets_in_flows\":1200000,"
             "\"non_ip\":3,\"other_ip\":{\"1\":5,\"58\":2},\"malformed\":0,\"truncated\":0,"
             "\"fragment_unattributed\":0,\"unsupported_link\":0,\"bad_records\":0,"
             "\"flows_total\":2,\"flows_unauthorized\":1,"
             "\"flows_by_status\":{\"assigned\":1,\"reserved\":0,\"unassigned\":1,\"unnamed\":0},"
             "\"flows_evicted\":0,\"frags_dropped\":0,"
             "\"registry\":{\"path\":\"/tmp/reg.csv\",\"rows\":7,\"bad_rows\":0,\"format\":\"csv\","
             "\"has_unauthorized\":true}}\n");
    free(out);
}

Test(output, json_summary_has_pcap_stats_only_for_live_capture)
{
    struct pl_summary sum = mk_summary();
    char *out = run_sink((struct run){PL_FMT_JSON, false, false}, NULL, 0, &sum);

    cr_assert_null(strstr(out, "ps_recv"));
    free(out);
    sum.has_capture_stats = true;
    sum.ps_recv = 100;
    sum.ps_drop = 2;
    sum.ps_ifdrop = 1;
    out = run_sink((struct run){PL_FMT_JSON, false, true}, NULL, 0, &sum);
    cr_assert_not_null(strstr(out, ",\"ps_recv\":100,\"ps_drop\":2,\"ps_ifdrop\":1,"));
    free(out);
}

Test(output, json_tcp_flag_letters_follow_fsrpauec_order)
{
    struct pl_registry *reg = load_reg(reg_csv, sizeof reg_csv - 1);
    struct pl_flow f = https_flow(reg);
    struct pl_summary sum = mk_summary();
    static const struct {
        uint8_t bits;
        const char *want;
    } cases[] = {
        {0, ",\"tcp_flags_fwd\":\"\","},
        {PL_TCP_FIN, ",\"tcp_flags_fwd\":\"F\","},
        {PL_TCP_CWR | PL_TCP_SYN, ",\"tcp_flags_fwd\":\"SC\","},
        {PL_TCP_RST | PL_TCP_ACK, ",\"tcp_flags_fwd\":\"RA\","},
        {PL_TCP_URG | PL_TCP_ECE, ",\"tcp_flags_fwd\":\"UE\","},
        {0xff, ",\"tcp_flags_fwd\":\"FSRPAUEC\","},
    };

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        f.tcp_flags_fwd = cases[i].bits;
        char *out = run_sink((struct run){PL_FMT_JSON, false, false}, &f, 1, &sum);
        cr_assert_not_null(strstr(out, cases[i].want), "bits 0x%02x: %s", cases[i].bits, out);
        free(out);
    }
    pl_registry_free(reg);
}

Test(output, json_non_tcp_flags_are_null_and_vlan_prints_when_tagged)
{
    struct pl_registry *reg = load_reg(reg_csv, sizeof reg_csv - 1);
    uint8_t a[16], b[16];
    struct pl_summary sum = mk_summary();

    v4(a, 10, 0, 0, 1);
    v4(b, 10, 0, 0, 53);
    struct pl_flow f[3];
    f[0] = mk_flow(reg, 17, 4, a, 40000, b, 53, 53);
    f[1] = f[0];
    f[1].key.vlan_id = 4094;
    f[1].vlan_tagged = true;
    f[1].tcp_flags_fwd = PL_TCP_SYN; /* ignored: not TCP */
    f[2] = f[0];
    f[2].vlan_tagged = true; /* priority tag: VID 0 prints 0, not null (SPEC §8) */
    char *out = run_sink((struct run){PL_FMT_JSON, false, false}, f, 3, &sum);
    char *l0 = line_at(out, 0), *l1 = line_at(out, 1), *l2 = line_at(out, 2);

    cr_assert_not_null(strstr(l2, ",\"proto\":\"udp\",\"vlan\":0,"));
    free(l2);

    cr_assert_not_null(strstr(l0, ",\"proto\":\"udp\",\"vlan\":null,"));
    cr_assert_not_null(strstr(l0, ",\"tcp_flags_fwd\":null,\"tcp_flags_rev\":null,"));
    cr_assert_not_null(strstr(l1, ",\"vlan\":4094,"));
    cr_assert_not_null(strstr(l1, ",\"tcp_flags_fwd\":null,"));
    cr_assert_not_null(strstr(l0, ",\"service\":\"domain\",\"aliases\":[],"));
    free(l0);
    free(l1);
    free(out);
    pl_registry_free(reg);
}

Test(output, json_timestamps_are_exact_six_decimals)
{
    struct pl_registry *reg = load_reg(reg_csv, sizeof reg_csv - 1);
    struct pl_flow f = https_flow(reg);
    struct pl_summary sum = mk_summary();

    f.first_ts_us = 0;
    f.last_ts_us = 9007199254740993ull; /* 2^53 + 1 µs: a double would round it */
    char *out = run_sink((struct run){PL_FMT_JSON, false, false}, &f, 1, &sum);
    cr_assert_not_null(strstr(out, "\"first_seen\":0.000000,\"last_seen\":9007199254.740993,"),
                       "%s", out);
    free(out);
    pl_registry_free(reg);
}

Test(output, json_unlabelled_port_has_nulls_and_empty_aliases)
{
    struct pl_registry *reg = load_reg(reg_csv, sizeof reg_csv - 1);
    uint8_t a[16], b[16];
    struct pl_summary sum = mk_summary();

    v4(a, 10, 0, 0, 1);
    v4(b, 10, 0, 0, 2);
    struct pl_flow f = mk_flow(reg, 132, 4, a, 5000, b, 60001, 5000); /* sctp: no rows */
    f.label.basis = PL_BASIS_PORT_ORDER;
    f.end_reason = PL_END_IDLE;
    cr_assert_null(f.label.entry);
    char *out = run_sink((struct run){PL_FMT_JSON, false, false}, &f, 1, &sum);
    cr_assert_not_null(strstr(out, ",\"proto\":\"sctp\","));
    cr_assert_not_null(
        strstr(out,
               ",\"service_port\":5000,\"basis\":\"port-order\",\"service\":null,\"aliases\":[],"
               "\"description\":null,\"status\":\"unassigned\",\"port_class\":\"user\","
               "\"unauthorized\":null,\"end_reason\":\"idle\"}\n"),
        "%s", out);
    free(out);
    pl_registry_free(reg);
}

Test(output, json_ipv6_addresses_in_inet_ntop_form)
{
    struct pl_registry *reg = load_reg(reg_csv, sizeof reg_csv - 1);
    uint8_t a[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 1};
    uint8_t b[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 1, [15] = 0x10};
    struct pl_summary sum = mk_summary();
    struct pl_flow f = mk_flow(reg, 6, 6, a, 40000, b, 443, 443);
    char *out = run_sink((struct run){PL_FMT_JSON, false, false}, &f, 1, &sum);

    cr_assert_not_null(strstr(out, ",\"ip_version\":6,"));
    cr_assert_not_null(strstr(out, ",\"src\":\"2001:db8::1\",\"sport\":40000,"
                                   "\"dst\":\"2001:db8::1:0:0:10\",\"dport\":443,"),
                       "%s", out);
    free(out);
    pl_registry_free(reg);
}

Test(output, json_flags_unauthorized_and_escapes_description)
{
    struct pl_registry *reg = load_reg(reg_csv, sizeof reg_csv - 1);
    uint8_t a[16], b[16];
    struct pl_summary sum = mk_summary();

    v4(a, 10, 0, 0, 1);
    v4(b, 10, 0, 0, 2);
    struct pl_flow f[2];
    f[0] = mk_flow(reg, 6, 4, a, 40000, b, 100, 100);
    f[1] = mk_flow(reg, 6, 4, a, 40001, b, 7000, 7000);
    char *out = run_sink((struct run){PL_FMT_JSON, false, false}, f, 2, &sum);
    cr_assert_not_null(strstr(out, ",\"status\":\"unassigned\",\"port_class\":\"system\","
                                   "\"unauthorized\":\"Known Unauthorized Use on 100\","),
                       "%s", out);
    cr_assert_not_null(strstr(out, ",\"description\":\"Says \\\"hi\\\", twice\\nand more\","), "%s",
                       out);
    free(out);
    pl_registry_free(reg);
}

/* ---- CSV ---- */

static const char csv_header[] =
    "type,first_seen,last_seen,ip_version,proto,vlan,src,sport,dst,dport,pkts_fwd,bytes_fwd,"
    "pkts_rev,bytes_rev,tcp_flags_fwd,tcp_flags_rev,service_port,basis,service,aliases,"
    "description,status,port_class,unauthorized,end_reason\r\n";

Test(output, csv_has_header_then_one_row_per_flow_and_no_summary)
{
    struct pl_registry *reg = load_reg(reg_csv, sizeof reg_csv - 1);
    struct pl_flow f = https_flow(reg);
    struct pl_summary sum = mk_summary();
    char *out = run_sink((struct run){PL_FMT_CSV, false, false}, &f, 1, &sum);
    char want[2048];

    snprintf(want, sizeof want, "%s%s", csv_header,
             "flow,1700000000.000001,1700000002.500000,4,tcp,,192.0.2.1,51234,198.51.100.7,443,"
             "10,1500,8,9000,FSPA,SA,443,handshake,https,,http protocol over TLS/SSL,assigned,"
             "system,,closed\r\n");
    cr_assert_str_eq(out, want);
    free(out);
    pl_registry_free(reg);
}

Test(output, csv_summary_goes_to_summary_out_as_text)
{
    struct pl_summary sum = mk_summary();
    struct pl_sink_opts o = {.format = PL_FMT_CSV};
    struct pl_err err = {""};
    FILE *out = tmpfile(), *side = tmpfile();

    o.summary_out = side;
    struct pl_sink *s = pl_sink_new(&o, out, false, &err);
    cr_assert_not_null(s);
    cr_assert_eq(s->ops->begin(s, &err), 0);
    cr_assert_eq(s->ops->end(s, &sum, &err), 0);
    pl_sink_free(s);
    char *csv = slurp(out), *txt = slurp(side);
    cr_assert_str_eq(csv, csv_header);
    cr_assert_not_null(strstr(txt, "Summary\n"), "%s", txt);
    cr_assert_not_null(strstr(txt, "1,234,567"), "%s", txt);
    free(csv);
    free(txt);
    fclose(out);
    fclose(side);
}

Test(output, csv_quotes_commas_quotes_and_newlines_in_descriptions)
{
    struct pl_registry *reg = load_reg(reg_csv, sizeof reg_csv - 1);
    uint8_t a[16], b[16];
    struct pl_summary sum = mk_summary();

    v4(a, 10, 0, 0, 1);
    v4(b, 10, 0, 0, 2);
    struct pl_flow f = mk_flow(reg, 6, 4, a, 40001, b, 7000, 7000);
    char *out = run_sink((struct run){PL_FMT_CSV, false, false}, &f, 1, &sum);
    cr_assert_not_null(strstr(out, ",handshake,odd,,\"Says \"\"hi\"\", twice\nand more\","
                                   "assigned,user,,eof\r\n"),
                       "%s", out);
    free(out);
    pl_registry_free(reg);
}

Test(output, csv_udp_row_has_empty_flag_and_vlan_fields)
{
    struct pl_registry *reg = load_reg(reg_csv, sizeof reg_csv - 1);
    uint8_t a[16], b[16];
    struct pl_summary sum = mk_summary();

    v4(a, 10, 0, 0, 1);
    v4(b, 10, 0, 0, 2);
    struct pl_flow f = mk_flow(reg, 17, 4, a, 40000, b, 33435, 33435);
    char *out = run_sink((struct run){PL_FMT_CSV, false, false}, &f, 1, &sum);
    char *l1 = line_at(out, 1);
    cr_assert_str_eq(l1, "flow,1700000000.000001,1700000002.500000,4,udp,,10.0.0.1,40000,"
                         "10.0.0.2,33435,10,1500,8,9000,,,33435,handshake,mtrace,,"
                         "IP Multicast Traceroute,assigned,user,,eof\r");
    free(l1);
    free(out);
    pl_registry_free(reg);
}

/* ---- text ---- */

/* Column of the first occurrence of needle in line; -1 when absent. */
static long
col_of(const char *line, const char *needle)
{
    const char *p = strstr(line, needle);
    return p != NULL ? (long)(p - line) : -1;
}

Test(output, text_table_aligns_columns_and_marks_unauthorized_flows)
{
    struct pl_registry *reg = load_reg(reg_csv, sizeof reg_csv - 1);
    uint8_t a[16], b[16], c6[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 1};
    struct pl_summary sum = mk_summary();
    struct pl_flow f[3];

    v4(a, 10, 0, 0, 1);
    v4(b, 10, 0, 0, 2);
    f[0] = https_flow(reg);
    f[0].bytes_rev = 1234567;
    f[1] = mk_flow(reg, 6, 4, a, 40000, b, 100, 100);
    f[2] = mk_flow(reg, 17, 6, c6, 40000, c6, 33435, 33435);
    char *out = run_sink((struct run){PL_FMT_TEXT, false, false}, f, 3, &sum);
    char *h = line_at(out, 0), *r0 = line_at(out, 1), *r1 = line_at(out, 2), *r2 = line_at(out, 3);

    cr_assert_not_null(r2, "%s", out);
    cr_assert_eq(r0[0], ' ', "%s", out);
    cr_assert_eq(r1[0], '!', "%s", out); /* port 100: known unauthorized use */
    cr_assert_eq(r2[0], ' ', "%s", out);
    cr_assert_not_null(strstr(r0, "2023-11-14 22:13:20.000001"));
    cr_assert_not_null(strstr(r0, "443/https"));
    cr_assert_not_null(strstr(r0, "1,234,567"));
    cr_assert_not_null(strstr(r2, "[2001:db8::1]:40000"));
    cr_assert_not_null(strstr(r2, "33435/mtrace"));
    cr_assert_not_null(strstr(r1, "unassigned"));
    /* Left-aligned columns start under their heading. */
    cr_assert_eq(col_of(h, "INITIATOR"), col_of(r0, "192.0.2.1"));
    cr_assert_eq(col_of(h, "INITIATOR"), col_of(r2, "[2001:"));
    cr_assert_eq(col_of(h, "SERVICE"), col_of(r0, "443/https"));
    cr_assert_eq(strncmp(r1 + col_of(h, "SERVICE"), "100 ", 4), 0, "%s", r1);
    cr_assert_eq(col_of(h, "END"), col_of(r0, "closed"));
    cr_assert_eq(strlen(r0) - strlen("closed"), strlen(r1) - strlen("eof"));
    cr_assert_null(strstr(h, "VLAN"), "no flow is tagged: %s", h);
    /* other_ip by IANA keyword and number (mk_summary: 5 ICMP, 2 ICMPv6 packets). */
    cr_assert_not_null(strstr(out, "  other IP (by protocol)   icmp(1) 5; ipv6-icmp(58) 2\n"), "%s",
                       out);
    /* The legend names the flagged port and its registry text, then the summary. */
    cr_assert_not_null(strstr(out, "  100/tcp: Known Unauthorized Use on 100\n"), "%s", out);
    cr_assert_not_null(strstr(out, "1,234,567"));
    cr_assert_not_null(strstr(out, "/tmp/reg.csv (csv, 7 rows)"));
    cr_assert_null(strstr(out, "warning:"));
    free(h);
    free(r0);
    free(r1);
    free(r2);
    free(out);
    pl_registry_free(reg);
}

Test(output, text_escapes_control_characters_from_the_registry)
{
    struct pl_registry *reg = load_reg(reg_csv, sizeof reg_csv - 1);
    uint8_t a[16], b[16];
    struct pl_summary sum = mk_summary();

    v4(a, 10, 0, 0, 1);
    v4(b, 10, 0, 0, 2);
    struct pl_flow f = mk_flow(reg, 6, 4, a, 40000, b, 7001, 7001);
    struct run audit = {PL_FMT_TEXT, true, false};
    char *out = run_sink(audit, &f, 1, &sum);

    cr_assert_not_null(strstr(out, "bell\\x07esc\\x1b[31mred"), "%s", out);
    for (const char *p = out; *p != '\0'; p++)
        cr_assert(*p == '\n' || (unsigned char)*p >= 0x20, "raw control byte 0x%02x", *p);
    free(out);
    pl_registry_free(reg);
}

Test(output, text_warns_when_registry_has_no_unauthorized_data)
{
    struct pl_summary sum = mk_summary();

    sum.registry_has_unauthorized = false;
    sum.registry_path = "/etc/services";
    sum.registry_format = "services";
    char *out = run_sink((struct run){PL_FMT_TEXT, false, false}, NULL, 0, &sum);
    cr_assert_not_null(strstr(out, "warning: the registry /etc/services carries no "
                                   "unauthorized-use data"),
                       "%s", out);
    free(out);
}

/* Live text starts from fixed widths; a long IPv6 endpoint used to push every later column
 * of its row ~25 characters right. Now it widens its column for the rest of the run, with the
 * header printed again above it, and the rows that follow line up under that header. */
Test(output, text_streaming_widens_columns_and_repeats_the_header)
{
    struct pl_registry *reg = load_reg(reg_csv, sizeof reg_csv - 1);
    static const uint8_t c6[16] = {0x20, 0x01, 0x0d, 0xb8, 0x12, 0x34, 0x56, 0x78,
                                   0x9a, 0xbc, 0xde, 0xf0, 0x12, 0x34, 0x56, 0x79};
    static const uint8_t s6[16] = {0x20, 0x01, 0x0d, 0xb8, 0x12, 0x34, 0x56, 0x78,
                                   0x9a, 0xbc, 0xde, 0xf0, 0x12, 0x34, 0x56, 0x7a};
    uint8_t a[16], b[16];
    struct pl_summary sum = mk_summary();
    struct pl_flow f[4];

    v4(a, 10, 0, 0, 1);
    v4(b, 10, 0, 0, 2);
    f[0] = mk_flow(reg, 6, 4, a, 40000, b, 443, 443);
    f[1] = mk_flow(reg, 6, 6, c6, 40001, s6, 443, 443);
    f[2] = mk_flow(reg, 6, 4, a, 40002, b, 443, 443);
    f[3] = mk_flow(reg, 6, 6, c6, 40003, s6, 443, 443); /* fits now: no third header */
    char *out = run_sink((struct run){PL_FMT_TEXT, false, true}, f, 4, &sum);
    char *l[6];
    for (size_t i = 0; i < 6; i++) {
        l[i] = line_at(out, i);
        cr_assert_not_null(l[i], "%s", out);
    }

    cr_assert_not_null(strstr(l[0], "RESPONDER"), "%s", out);
    cr_assert_not_null(strstr(l[1], "10.0.0.1:40000"), "%s", out);
    cr_assert_not_null(strstr(l[2], "RESPONDER"), "header again before the wide row: %s", out);
    cr_assert_gt(col_of(l[2], "RESPONDER"), col_of(l[0], "RESPONDER"), "%s", out);
    const char *resp6 = "[2001:db8:1234:5678:9abc:def0:1234:567a]:443";
    for (size_t i = 3; i < 6; i++) {
        cr_assert_eq(col_of(l[2], "RESPONDER"),
                     col_of(l[i], i == 4 ? "10.0.0.2:443" : resp6), "row %zu: %s", i, out);
        cr_assert_eq(col_of(l[2], "SERVICE"), col_of(l[i], "443/https"), "row %zu: %s", i, out);
        cr_assert_eq(col_of(l[2], "END"), col_of(l[i], "eof"), "row %zu: %s", i, out);
    }
    for (size_t i = 0; i < 6; i++)
        free(l[i]);
    free(out);
    pl_registry_free(reg);
}

Test(output, text_streaming_writes_each_flow_before_end)
{
    struct pl_registry *reg = load_reg(reg_csv, sizeof reg_csv - 1);
    struct pl_flow f = https_flow(reg);
    struct pl_sink_opts o = {.format = PL_FMT_TEXT, .streaming = true};
    struct pl_err err = {""};
    FILE *out = tmpfile();
    struct pl_sink *s = pl_sink_new(&o, out, false, &err);

    cr_assert_not_null(s);
    cr_assert_eq(s->ops->begin(s, &err), 0);
    cr_assert_eq(s->ops->flow(s, &f, &err), 0);
    /* Read through a second descriptor-level view: the row must be on disk now. */
    char *txt = slurp(out);
    cr_assert_not_null(strstr(txt, "443/https"), "%s", txt);
    cr_assert_not_null(strstr(txt, "INITIATOR"), "%s", txt);
    free(txt);
    pl_sink_free(s);
    fclose(out);
    pl_registry_free(reg);
}

/* ---- audit ---- */

Test(output, audit_counts_distinct_endpoints_and_sorts_by_bytes)
{
    struct pl_registry *reg = load_reg(reg_csv, sizeof reg_csv - 1);
    uint8_t c1[16], c2[16], s1[16], s2[16];
    struct pl_summary sum = mk_summary();
    struct pl_flow f[6];

    v4(c1, 10, 0, 0, 1);
    v4(c2, 10, 0, 0, 2);
    v4(s1, 10, 0, 1, 1);
    v4(s2, 10, 0, 1, 2);
    f[0] = mk_flow(reg, 6, 4, c1, 40000, s1, 443, 443);
    f[1] = mk_flow(reg, 6, 4, c1, 40001, s2, 443, 443);
    f[2] = mk_flow(reg, 6, 4, c2, 40002, s1, 443, 443);
    f[3] = mk_flow(reg, 6, 4, c1, 40003, s1, 443, 443);
    f[4] = mk_flow(reg, 17, 4, c1, 40000, s1, 53, 53); /* same bytes as 443/udp: tie */
    f[5] = mk_flow(reg, 17, 4, c2, 40000, s1, 443, 443);
    f[4].bytes_fwd = 5000;
    f[4].bytes_rev = 0;
    f[5].bytes_fwd = 5000;
    f[5].bytes_rev = 0;
    char *out = run_sink((struct run){PL_FMT_JSON, true, false}, f, 6, &sum);
    char *l0 = line_at(out, 0), *l1 = line_at(out, 1), *l2 = line_at(out, 2);

    cr_assert_str_eq(l0, "{\"type\":\"audit\",\"proto\":\"tcp\",\"service_port\":443,\"flows\":4,"
                         "\"packets\":72,\"bytes\":42000,\"initiators\":2,\"responders\":2,"
                         "\"service\":\"https\",\"aliases\":[],"
                         "\"description\":\"http protocol over TLS/SSL\",\"status\":\"assigned\","
                         "\"port_class\":\"system\",\"unauthorized\":null,"
                         "\"flows_unauthorized\":0}");
    /* Tie on bytes (5000): udp/53 before udp/443 by port. */
    cr_assert_not_null(strstr(l1, "\"proto\":\"udp\",\"service_port\":53,\"flows\":1,"), "%s", l1);
    cr_assert_not_null(strstr(l2, "\"proto\":\"udp\",\"service_port\":443,"), "%s", l2);
    cr_assert_not_null(strstr(out, "\n{\"type\":\"summary\","));
    free(l0);
    free(l1);
    free(l2);
    free(out);
    pl_registry_free(reg);
}

/* Regression: IPv4 10.0.0.1 and IPv6 ::ffff:10.0.0.1 share the flow key's 16-byte form; they
 * were counted as one initiator (and one responder). */
Test(output, audit_counts_ipv4_and_v4_mapped_ipv6_apart)
{
    struct pl_registry *reg = load_reg(reg_csv, sizeof reg_csv - 1);
    uint8_t c[16], srv[16];
    struct pl_summary sum = mk_summary();
    struct pl_flow f[3];

    v4(c, 10, 0, 0, 1);
    v4(srv, 10, 0, 1, 1);
    f[0] = mk_flow(reg, 17, 4, c, 40000, srv, 53, 53);
    f[1] = mk_flow(reg, 17, 6, c, 40001, srv, 53, 53); /* the same 16 bytes, over IPv6 */
    f[2] = mk_flow(reg, 17, 4, c, 40002, srv, 53, 53); /* a repeat of the first endpoints */
    char *out = run_sink((struct run){PL_FMT_JSON, true, false}, f, 3, &sum);
    char *l0 = line_at(out, 0);

    cr_assert_not_null(strstr(l0, "\"service_port\":53,\"flows\":3,\"packets\":54,"
                                  "\"bytes\":31500,\"initiators\":2,\"responders\":2,"),
                       "%s", l0);
    free(l0);
    free(out);
    pl_registry_free(reg);
}

Test(output, audit_csv_has_its_own_header)
{
    struct pl_registry *reg = load_reg(reg_csv, sizeof reg_csv - 1);
    uint8_t a[16], b[16];
    struct pl_summary sum = mk_summary();

    v4(a, 10, 0, 0, 1);
    v4(b, 10, 0, 0, 2);
    struct pl_flow f = mk_flow(reg, 6, 4, a, 40000, b, 100, 100);
    char *out = run_sink((struct run){PL_FMT_CSV, true, false}, &f, 1, &sum);
    cr_assert_str_eq(out, "proto,service_port,flows,packets,bytes,initiators,responders,service,"
                          "aliases,description,status,port_class,unauthorized,"
                          "flows_unauthorized\r\n"
                          "tcp,100,1,18,10500,1,1,,,Unassigned,unassigned,system,"
                          "Known Unauthorized Use on 100,1\r\n");
    free(out);
    pl_registry_free(reg);
}

/* ---- write errors ---- */

Test(output, write_error_is_reported_at_end)
{
    FILE *full = fopen("/dev/full", "w");
    if (full == NULL)
        cr_skip_test("/dev/full is not available");
    struct pl_registry *reg = load_reg(reg_csv, sizeof reg_csv - 1);
    struct pl_flow f = https_flow(reg);
    struct pl_summary sum = mk_summary();
    struct pl_sink_opts o = {.format = PL_FMT_JSON};
    struct pl_err err = {""};
    struct pl_sink *s = pl_sink_new(&o, full, true, &err);
    int rc = 0;

    cr_assert_not_null(s);
    rc |= s->ops->begin(s, &err);
    for (int i = 0; i < 10 && rc == 0; i++)
        rc |= s->ops->flow(s, &f, &err);
    if (rc == 0)
        rc = s->ops->end(s, &sum, &err);
    cr_assert_eq(rc, -1);
    cr_assert_not_null(strstr(err.msg, "write error: "), "%s", err.msg);
    pl_sink_free(s);
    pl_registry_free(reg);
}

Test(output, text_cuts_long_registry_text_on_a_character_boundary)
{
    static const char head[] =
        "Service Name,Port Number,Transport Protocol,Description,Assignee,Contact,"
        "Registration Date,Modification Date,Reference,Service Code,Unauthorized Use Reported,"
        "Assignment Notes\n"
        "long,7002,tcp,";
    size_t n_e = 100000; /* "é" (2 bytes) repeated: 200 kB of description */
    size_t len = sizeof head - 1 + 2 * n_e + 16;
    char *csv = malloc(len);
    size_t o = sizeof head - 1;

    cr_assert_not_null(csv);
    memcpy(csv, head, o);
    for (size_t i = 0; i < n_e; i++) {
        csv[o++] = '\xc3';
        csv[o++] = '\xa9';
    }
    memcpy(csv + o, ",,,,,,,,\n", 9);
    o += 9;
    struct pl_registry *reg = load_reg(csv, o);
    uint8_t a[16], b[16];
    struct pl_summary sum = mk_summary();

    v4(a, 10, 0, 0, 1);
    v4(b, 10, 0, 0, 2);
    struct pl_flow f = mk_flow(reg, 6, 4, a, 40000, b, 7002, 7002);
    cr_assert_eq(strlen(f.label.entry->description), 2 * n_e);
    char *out = run_sink((struct run){PL_FMT_TEXT, true, false}, &f, 1, &sum);
    char *row = line_at(out, 1);

    cr_assert_lt(strlen(row), 400, "%zu bytes", strlen(row));
    cr_assert_not_null(strstr(row, "\xc3\xa9\xc3\xa9..."), "%s", row);
    cr_assert_null(strstr(row, "\\x"), "a character was split: %s", row);
    free(row);
    free(out);
    free(csv);
    pl_registry_free(reg);
}

Test(output, text_says_so_when_there_are_no_flows)
{
    struct pl_summary sum = mk_summary();
    char *out = run_sink((struct run){PL_FMT_TEXT, false, false}, NULL, 0, &sum);

    cr_assert_eq(strncmp(out, "no flows\n", 9), 0, "%s", out);
    free(out);
}

Test(output, text_escapes_c1_controls_and_bidi_overrides_but_keeps_other_utf8)
{
    struct pl_registry *reg = load_reg(reg_csv, sizeof reg_csv - 1);
    uint8_t a[16], b[16];
    struct pl_summary sum = mk_summary();

    v4(a, 10, 0, 0, 1);
    v4(b, 10, 0, 0, 2);
    struct pl_flow f = mk_flow(reg, 6, 4, a, 40000, b, 7003, 7003);
    char *out = run_sink((struct run){PL_FMT_TEXT, true, false}, &f, 1, &sum);
    cr_assert_not_null(strstr(out, "csi\\xc2\\x9b2J rlo\\xe2\\x80\\xaecba e\xcc\x81 \xe2\x82\xac"),
                       "%s", out);
    free(out);
    out = run_sink((struct run){PL_FMT_JSON, false, false}, &f, 1, &sum);
    cr_assert_not_null(strstr(out, "\"csi\xc2\x9b"
                                   "2J rlo\xe2\x80\xae"
                                   "cba"),
                       "%s", out);
    free(out);
    pl_registry_free(reg);
}

Test(output, text_streaming_marks_flagged_flows_and_lists_each_port_once)
{
    struct pl_registry *reg = load_reg(reg_csv, sizeof reg_csv - 1);
    uint8_t a[16], b[16];
    struct pl_summary sum = mk_summary();
    struct pl_flow f[3];

    v4(a, 10, 0, 0, 1);
    v4(b, 10, 0, 0, 2);
    f[0] = mk_flow(reg, 6, 4, a, 40000, b, 100, 100);
    f[1] = https_flow(reg);
    f[2] = mk_flow(reg, 6, 4, a, 40001, b, 100, 100);
    char *out = run_sink((struct run){PL_FMT_TEXT, false, true}, f, 3, &sum);
    char *r0 = line_at(out, 1), *r1 = line_at(out, 2), *r2 = line_at(out, 3);

    cr_assert_eq(r0[0], '!', "%s", out);
    cr_assert_eq(r1[0], ' ', "%s", out);
    cr_assert_eq(r2[0], '!', "%s", out);
    const char *legend = strstr(out, "  100/tcp: Known Unauthorized Use on 100\n");
    cr_assert_not_null(legend, "%s", out);
    cr_assert_null(strstr(legend + 3, "100/tcp: Known"), "listed twice: %s", out);
    free(r0);
    free(r1);
    free(r2);
    free(out);
    pl_registry_free(reg);
}
