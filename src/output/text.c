/* src/output/text.c — flow and audit tables for people, then the run summary (SPEC §6).
 *
 * Batch mode buffers the records and sizes every column to its widest cell at
 * end(); streaming mode (live capture) prints each flow at once, from fixed
 * widths that a wider cell grows (the header is then repeated). Registry
 * strings pass through pl_out_text_str, so control characters and invalid
 * UTF-8 never reach the terminal raw. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "output/output_int.h"

#define CELL_LEN 160    /* bytes per formatted cell, NUL included */
#define SCRATCH_LEN 128 /* escaped registry text kept in a cell; longer is cut with "..." */
#define COL_GAP 2       /* spaces between columns */

/* Flow table columns. */
enum fcol {
    F_MARK,
    F_TIME,
    F_DUR,
    F_PROTO,
    F_VLAN,
    F_INIT,
    F_RESP,
    F_SERVICE,
    F_STATUS,
    F_PKTS_FWD,
    F_BYTES_FWD,
    F_PKTS_REV,
    F_BYTES_REV,
    F_END,
    F_NCOL
};

struct col_def {
    const char *head;
    bool right;        /* numbers are right-aligned */
    unsigned stream_w; /* width in streaming mode */
};

/* One column per line reads as a table. */
/* clang-format off */
static const struct col_def fcols[F_NCOL] = {
    [F_MARK] = {"!", false, 1},
    [F_TIME] = {"FIRST SEEN (UTC)", false, 26},
    [F_DUR] = {"DURATION", true, 10},
    [F_PROTO] = {"PROTO", false, 5},
    [F_VLAN] = {"VLAN", true, 4},
    [F_INIT] = {"INITIATOR", false, 21},
    [F_RESP] = {"RESPONDER", false, 21},
    [F_SERVICE] = {"SERVICE", false, 20},
    [F_STATUS] = {"STATUS", false, 10},
    [F_PKTS_FWD] = {"PKTS>", true, 8},
    [F_BYTES_FWD] = {"BYTES>", true, 13},
    [F_PKTS_REV] = {"<PKTS", true, 8},
    [F_BYTES_REV] = {"<BYTES", true, 13},
    [F_END] = {"END", false, 8},
};
/* clang-format on */

/* Audit table columns. */
enum acol {
    A_MARK,
    A_PROTO,
    A_PORT,
    A_SERVICE,
    A_STATUS,
    A_CLASS,
    A_FLOWS,
    A_PKTS,
    A_BYTES,
    A_INIT,
    A_RESP,
    A_DESC,
    A_NCOL
};

#define MAX_NCOL ((size_t)F_NCOL > (size_t)A_NCOL ? (size_t)F_NCOL : (size_t)A_NCOL)

/* clang-format off */
static const struct col_def acols[A_NCOL] = {
    [A_MARK] = {"!", false, 1},
    [A_PROTO] = {"PROTO", false, 5},
    [A_PORT] = {"PORT", true, 5},
    [A_SERVICE] = {"SERVICE", false, 16},
    [A_STATUS] = {"STATUS", false, 10},
    [A_CLASS] = {"CLASS", false, 7},
    [A_FLOWS] = {"FLOWS", true, 9},
    [A_PKTS] = {"PACKETS", true, 13},
    [A_BYTES] = {"BYTES", true, 17},
    [A_INIT] = {"INITIATORS", true, 10},
    [A_RESP] = {"RESPONDERS", true, 10},
    [A_DESC] = {"DESCRIPTION", false, 0},
};
/* clang-format on */

/* A (protocol, port) whose registry entry reports unauthorized use. */
struct flagged {
    uint8_t proto;    /* enum pl_proto */
    uint16_t port;    /* service port */
    const char *text; /* the registry's text (borrowed) */
};

struct text_priv {
    struct pl_flow *flows; /* batch mode: every flow, in arrival order */
    size_t n_flows, cap_flows;
    struct pl_audit_row *rows; /* audit rows, in emit order */
    size_t n_rows, cap_rows;
    FILE *scratch; /* fmemopen over scratch_buf: pl_out_text_str into memory */
    char scratch_buf[SCRATCH_LEN + 8];
    char cells[MAX_NCOL][CELL_LEN];
    size_t stream_w[F_NCOL]; /* streaming: column widths so far (they only grow) */
    bool stream_shown[F_NCOL];
    struct flagged *flagged; /* for the legend, each (protocol, port) once */
    size_t n_flagged, cap_flagged;
    uint8_t flagged_seen[PL_PROTO_COUNT][65536 / 8]; /* bit per (protocol, port) in flagged */
};

/* ---- cell formatting ---- */

/* n with thousands separators: 1234567 -> "1,234,567". */
static void
fmt_count(char *buf, size_t len, uint64_t n)
{
    char digits[24];
    int nd = snprintf(digits, sizeof digits, "%" PRIu64, n);
    size_t o = 0;

    for (int i = 0; i < nd && o + 2 < len; i++) {
        if (i > 0 && (nd - i) % 3 == 0)
            buf[o++] = ',';
        buf[o++] = digits[i];
    }
    buf[o] = '\0';
}

/* Epoch microseconds as "YYYY-MM-DD HH:MM:SS.uuuuuu" in UTC. */
static void
fmt_time(char *buf, size_t len, uint64_t ts_us)
{
    time_t sec = (time_t)(ts_us / 1000000u);
    struct tm tm;
    char day[32];

    if (gmtime_r(&sec, &tm) == NULL || strftime(day, sizeof day, "%Y-%m-%d %H:%M:%S", &tm) == 0) {
        pl_out_ts(buf, ts_us); /* out of gmtime's range: plain epoch seconds */
        return;
    }
    snprintf(buf, len, "%s.%06" PRIu64, day, ts_us % 1000000u);
}

/* Registry text escaped for a terminal, into dst (cut with "..." when long).
 * Only the first SCRATCH_LEN bytes of s are looked at: the work per cell is
 * bounded whatever the registry holds. */
static void
fmt_escaped(struct text_priv *t, char *dst, size_t len, const char *s)
{
    char head[SCRATCH_LEN + 1];
    size_t slen = strnlen(s, SCRATCH_LEN + 1);
    bool cut = slen > SCRATCH_LEN;
    long n;

    if (cut) {
        size_t keep = SCRATCH_LEN;
        while (keep > 0 && ((unsigned char)s[keep] & 0xc0) == 0x80)
            keep--; /* s[keep] starts a character: cut before it */
        memcpy(head, s, keep);
        head[keep] = '\0';
        s = head;
    }
    rewind(t->scratch);
    pl_out_text_str(t->scratch, s);
    fflush(t->scratch);
    n = ftell(t->scratch);
    if (ferror(t->scratch) || n < 0 || n >= SCRATCH_LEN)
        cut = true;
    if (cut) {
        /* Keep whole characters: back up over UTF-8 continuation bytes. */
        size_t keep = SCRATCH_LEN - 4;
        if (n >= 0 && (size_t)n <= keep)
            keep = (size_t)n;
        else
            while (keep > 0 && ((unsigned char)t->scratch_buf[keep] & 0xc0) == 0x80)
                keep--;
        snprintf(dst, len, "%.*s...", (int)keep, t->scratch_buf);
        clearerr(t->scratch);
        return;
    }
    snprintf(dst, len, "%.*s", (int)n, t->scratch_buf);
}

/* Terminal columns of a UTF-8 string: one per character (no wide-glyph table). */
static size_t
text_width(const char *s)
{
    size_t w = 0;

    for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
        if ((*p & 0xc0) != 0x80)
            w++;
    }
    return w;
}

/* "443/https", "100" when the port has no name. */
static void
fmt_service(struct text_priv *t, char *dst, size_t len, uint16_t port, const char *name)
{
    char esc[SCRATCH_LEN];

    if (name == NULL) {
        snprintf(dst, len, "%u", (unsigned)port);
        return;
    }
    fmt_escaped(t, esc, sizeof esc, name);
    snprintf(dst, len, "%u/%s", (unsigned)port, esc);
}

static void
fmt_endpoint(char *dst, size_t len, const uint8_t addr[16], uint16_t port, uint8_t ip_version)
{
    char a[PL_ADDR_BUFSZ];

    pl_out_addr(a, sizeof a, addr, ip_version);
    if (ip_version == 6)
        snprintf(dst, len, "[%s]:%u", a, (unsigned)port);
    else
        snprintf(dst, len, "%s:%u", a, (unsigned)port);
}

static void
flow_cells(struct text_priv *t, const struct pl_flow *f)
{
    char(*c)[CELL_LEN] = t->cells;
    struct pl_out_label v;
    uint64_t dur = f->last_ts_us >= f->first_ts_us ? f->last_ts_us - f->first_ts_us : 0;
    uint16_t vid;

    pl_out_label_view(&f->label, &v);
    snprintf(c[F_MARK], CELL_LEN, "%s", v.unauthorized != NULL ? "!" : "");
    fmt_time(c[F_TIME], CELL_LEN, f->first_ts_us);
    snprintf(c[F_DUR], CELL_LEN, "%" PRIu64 ".%03" PRIu64 "s", dur / 1000000u,
             dur % 1000000u / 1000u);
    snprintf(c[F_PROTO], CELL_LEN, "%s", pl_out_flow_proto(f));
    if (pl_out_flow_vlan(f, &vid))
        snprintf(c[F_VLAN], CELL_LEN, "%u", (unsigned)vid);
    else
        c[F_VLAN][0] = '\0';
    fmt_endpoint(c[F_INIT], CELL_LEN, pl_flow_src(f), pl_flow_sport(f), f->key.ip_version);
    fmt_endpoint(c[F_RESP], CELL_LEN, pl_flow_dst(f), pl_flow_dport(f), f->key.ip_version);
    fmt_service(t, c[F_SERVICE], CELL_LEN, f->label.service_port, v.service);
    snprintf(c[F_STATUS], CELL_LEN, "%s", f->label.status == PL_STATUS_ASSIGNED ? "" : v.status);
    fmt_count(c[F_PKTS_FWD], CELL_LEN, f->pkts_fwd);
    fmt_count(c[F_BYTES_FWD], CELL_LEN, f->bytes_fwd);
    fmt_count(c[F_PKTS_REV], CELL_LEN, f->pkts_rev);
    fmt_count(c[F_BYTES_REV], CELL_LEN, f->bytes_rev);
    snprintf(c[F_END], CELL_LEN, "%s", pl_end_reason_name((enum pl_end_reason)f->end_reason));
}

static void
audit_cells(struct text_priv *t, const struct pl_audit_row *r)
{
    char(*c)[CELL_LEN] = t->cells;
    struct pl_out_label v;

    pl_out_label_view(&r->label, &v);
    snprintf(c[A_MARK], CELL_LEN, "%s", v.unauthorized != NULL ? "!" : "");
    snprintf(c[A_PROTO], CELL_LEN, "%s", v.proto);
    snprintf(c[A_PORT], CELL_LEN, "%u", (unsigned)r->label.service_port);
    if (v.service != NULL)
        fmt_escaped(t, c[A_SERVICE], CELL_LEN, v.service);
    else
        c[A_SERVICE][0] = '\0';
    snprintf(c[A_STATUS], CELL_LEN, "%s", v.status);
    snprintf(c[A_CLASS], CELL_LEN, "%s", v.port_class);
    fmt_count(c[A_FLOWS], CELL_LEN, r->flows);
    fmt_count(c[A_PKTS], CELL_LEN, r->pkts);
    fmt_count(c[A_BYTES], CELL_LEN, r->bytes);
    fmt_count(c[A_INIT], CELL_LEN, r->initiators);
    fmt_count(c[A_RESP], CELL_LEN, r->responders);
    if (v.description != NULL)
        fmt_escaped(t, c[A_DESC], CELL_LEN, v.description);
    else
        c[A_DESC][0] = '\0';
}

/* ---- row printing ---- */

/* One table line: cells padded to their column, COL_GAP apart. */
struct line {
    char buf[MAX_NCOL * (2 * CELL_LEN + COL_GAP) + 2];
    size_t len;
};

static void
line_put(struct line *l, const char *s, size_t n)
{
    memcpy(l->buf + l->len, s, n);
    l->len += n;
}

static void
line_pad(struct line *l, size_t n)
{
    memset(l->buf + l->len, ' ', n);
    l->len += n;
}

/* One row of ncol cells; hidden columns skipped; no trailing blanks. */
static void
put_row(FILE *o, const struct col_def *defs, char (*cells)[CELL_LEN], const size_t *widths,
        const bool *shown, size_t ncol)
{
    struct line l;
    bool first = true;

    l.len = 0;
    for (size_t i = 0; i < ncol; i++) {
        if (!shown[i])
            continue;
        size_t w = text_width(cells[i]);
        size_t pad = w < widths[i] ? widths[i] - w : 0;
        if (pad > CELL_LEN)
            pad = CELL_LEN; /* widths never exceed a cell; keeps the line bounded */
        if (!first)
            line_pad(&l, COL_GAP);
        first = false;
        if (defs[i].right)
            line_pad(&l, pad);
        line_put(&l, cells[i], strlen(cells[i]));
        if (!defs[i].right)
            line_pad(&l, pad);
    }
    while (l.len > 0 && l.buf[l.len - 1] == ' ')
        l.len--;
    l.buf[l.len++] = '\n';
    fwrite(l.buf, 1, l.len, o);
}

static void
put_header(FILE *o, const struct col_def *defs, const size_t *widths, const bool *shown,
           size_t ncol)
{
    char cells[MAX_NCOL][CELL_LEN];

    for (size_t i = 0; i < ncol; i++)
        snprintf(cells[i], CELL_LEN, "%s", i == 0 ? " " : defs[i].head);
    put_row(o, defs, cells, widths, shown, ncol);
}

static void
widen(size_t *widths, char (*cells)[CELL_LEN], size_t ncol)
{
    for (size_t i = 0; i < ncol; i++) {
        size_t w = text_width(cells[i]);
        if (w > widths[i])
            widths[i] = w;
    }
}

/* ---- the "!" legend: each flagged (protocol, port) once, with its text ---- */

static int
cmp_flagged(const void *a, const void *b)
{
    const struct flagged *x = a, *y = b;

    if (x->proto != y->proto)
        return x->proto < y->proto ? -1 : 1;
    if (x->port != y->port)
        return x->port < y->port ? -1 : 1;
    return 0;
}

/* Remember a flagged label's (protocol, port) once. 0, or -1 with err set. */
static int
note_flagged(struct text_priv *t, const struct pl_label *l, struct pl_err *err)
{
    uint8_t *seen, bit;

    if (!pl_label_is_unauthorized(l) || l->proto >= PL_PROTO_COUNT)
        return 0;
    seen = &t->flagged_seen[l->proto][l->service_port >> 3];
    bit = (uint8_t)(1u << (l->service_port & 7u));
    if (*seen & bit)
        return 0;
    if (t->n_flagged == t->cap_flagged) {
        size_t cap = t->cap_flagged != 0 ? t->cap_flagged * 2 : 16;
        struct flagged *p = realloc(t->flagged, cap * sizeof *p);
        if (p == NULL) {
            pl_err_set(err, "text output: out of memory");
            return -1;
        }
        t->flagged = p;
        t->cap_flagged = cap;
    }
    *seen |= bit;
    t->flagged[t->n_flagged++] =
        (struct flagged){l->proto, l->service_port, l->entry->unauthorized};
    return 0;
}

static void
put_legend(struct text_priv *t, FILE *o)
{
    char esc[CELL_LEN];

    if (t->n_flagged == 0)
        return;
    qsort(t->flagged, t->n_flagged, sizeof *t->flagged, cmp_flagged);
    fputs("\n! the registry reports unauthorized use of the service port:\n", o);
    for (size_t i = 0; i < t->n_flagged; i++) {
        const struct flagged *fl = &t->flagged[i];
        fmt_escaped(t, esc, sizeof esc, fl->text);
        fprintf(o, "  %u/%s: %s\n", (unsigned)fl->port, pl_proto_name((enum pl_proto)fl->proto),
                esc);
    }
}

/* ---- the summary ---- */

static void
put_line(FILE *o, const char *what, uint64_t n)
{
    char num[32];

    fmt_count(num, sizeof num, n);
    fprintf(o, "  %-24s %15s\n", what, num);
}

/* A name for the IP protocols that turn up as other_ip: IANA's keyword (Assigned Internet
 * Protocol Numbers) in lower case, "ospf" for OSPFIGP; NULL for the rest, which print as a
 * number alone. */
static const char *
ip_proto_keyword(unsigned p)
{
    switch (p) {
    case 0: return "hopopt";
    case 1: return "icmp";
    case 2: return "igmp";
    case 4: return "ipv4";
    case 41: return "ipv6";
    case 43: return "ipv6-route";
    case 44: return "ipv6-frag";
    case 46: return "rsvp";
    case 47: return "gre";
    case 50: return "esp";
    case 51: return "ah";
    case 58: return "ipv6-icmp";
    case 59: return "ipv6-nonxt";
    case 60: return "ipv6-opts";
    case 88: return "eigrp";
    case 89: return "ospf";
    case 97: return "etherip";
    case 103: return "pim";
    case 112: return "vrrp";
    case 115: return "l2tp";
    case 137: return "mpls-in-ip";
    default: return NULL;
    }
}

void
pl_summary_write_text(FILE *o, const struct pl_summary *sum)
{
    char num[32];
    bool any = false;

    fputs("Summary\n", o);
    put_line(o, "packets", sum->packets_total);
    put_line(o, "packets in flows", sum->packets_in_flows);
    put_line(o, "non-IP", sum->non_ip);
    fprintf(o, "  %-24s", "other IP (by protocol)");
    for (unsigned p = 0; p < 256; p++) {
        if (sum->other_ip[p] == 0)
            continue;
        fmt_count(num, sizeof num, sum->other_ip[p]);
        const char *kw = ip_proto_keyword(p);
        if (kw != NULL) /* " icmp(1) 1,234; ipv6-icmp(58) 2; 253 5" */
            fprintf(o, "%s %s(%u) %s", any ? ";" : "", kw, p, num);
        else
            fprintf(o, "%s %u %s", any ? ";" : "", p, num);
        any = true;
    }
    fprintf(o, "%s\n", any ? "" : " none");
    put_line(o, "malformed", sum->malformed);
    put_line(o, "truncated", sum->truncated);
    put_line(o, "fragments unattributed", sum->fragment_unattributed);
    put_line(o, "unsupported link type", sum->unsupported_link);
    put_line(o, "bad capture records", sum->bad_records);
    put_line(o, "flows", sum->flows_total);
    put_line(o, "flows unauthorized (!)", sum->flows_unauthorized);
    for (unsigned st = 0; st < PL_STATUS_COUNT; st++) {
        char what[40];
        snprintf(what, sizeof what, "flows %s", pl_status_name((enum pl_status)st));
        put_line(o, what, sum->flows_by_status[st]);
    }
    put_line(o, "flows evicted", sum->flows_evicted);
    put_line(o, "fragments not tracked", sum->frags_dropped);
    if (sum->has_capture_stats) {
        put_line(o, "received by filter", sum->ps_recv);
        put_line(o, "dropped by kernel", sum->ps_drop);
        put_line(o, "dropped by interface", sum->ps_ifdrop);
    }
    fmt_count(num, sizeof num, sum->registry_rows);
    fprintf(o, "  %-24s ", "registry");
    pl_out_text_str(o, sum->registry_path);
    fprintf(o, " (%s, %s %s", sum->registry_format != NULL ? sum->registry_format : "?", num,
            sum->registry_rows == 1 ? "row" : "rows");
    if (sum->registry_bad_rows > 0) {
        fmt_count(num, sizeof num, sum->registry_bad_rows);
        fprintf(o, ", %s bad %s skipped", num, sum->registry_bad_rows == 1 ? "row" : "rows");
    }
    fputs(")\n", o);
    if (!sum->registry_has_unauthorized) {
        fputs("warning: the registry ", o);
        pl_out_text_str(o, sum->registry_path);
        fputs(" carries no unauthorized-use data: no flow can be flagged\n", o);
    }
}

/* ---- the ops ---- */

static void
stream_widths(const struct col_def *defs, size_t *widths, bool *shown, size_t ncol)
{
    for (size_t i = 0; i < ncol; i++) {
        widths[i] = defs[i].stream_w;
        shown[i] = true;
    }
}

static int
text_begin(struct pl_sink *s, struct pl_err *err)
{
    struct text_priv *t = s->priv;

    if (!s->opts.streaming || s->opts.audit)
        return 0;
    stream_widths(fcols, t->stream_w, t->stream_shown, F_NCOL);
    put_header(s->out, fcols, t->stream_w, t->stream_shown, F_NCOL);
    return pl_sink_record_done(s, err);
}

/* Streaming: a cell wider than its column (a long IPv6 endpoint, a long service name) widens
 * the column for the rest of the run, and the header is printed again above the row, so that
 * the rows from there on line up under it. Widths never shrink: at most one header per
 * widening. */
static void
stream_row(struct text_priv *t, FILE *o)
{
    bool grew = false;

    for (size_t i = 0; i < F_NCOL; i++) {
        size_t w = text_width(t->cells[i]);
        if (w > t->stream_w[i]) {
            t->stream_w[i] = w;
            grew = true;
        }
    }
    if (grew)
        put_header(o, fcols, t->stream_w, t->stream_shown, F_NCOL);
    put_row(o, fcols, t->cells, t->stream_w, t->stream_shown, F_NCOL);
}

static int
text_flow(struct pl_sink *s, const struct pl_flow *f, struct pl_err *err)
{
    struct text_priv *t = s->priv;

    if (note_flagged(t, &f->label, err) != 0)
        return -1;
    if (s->opts.streaming) {
        flow_cells(t, f);
        stream_row(t, s->out);
        return pl_sink_record_done(s, err);
    }
    if (t->n_flows == t->cap_flows) {
        size_t cap = t->cap_flows != 0 ? t->cap_flows * 2 : 1024;
        struct pl_flow *p = realloc(t->flows, cap * sizeof *p);
        if (p == NULL) {
            pl_err_set(err, "text output: out of memory buffering %zu flows", t->n_flows);
            return -1;
        }
        t->flows = p;
        t->cap_flows = cap;
    }
    t->flows[t->n_flows++] = *f;
    return 0;
}

static int
text_audit(struct pl_sink *s, const struct pl_audit_row *r, struct pl_err *err)
{
    struct text_priv *t = s->priv;

    if (note_flagged(t, &r->label, err) != 0)
        return -1;
    if (t->n_rows == t->cap_rows) {
        size_t cap = t->cap_rows != 0 ? t->cap_rows * 2 : 256;
        struct pl_audit_row *p = realloc(t->rows, cap * sizeof *p);
        if (p == NULL) {
            pl_err_set(err, "text output: out of memory buffering %zu audit rows", t->n_rows);
            return -1;
        }
        t->rows = p;
        t->cap_rows = cap;
    }
    t->rows[t->n_rows++] = *r;
    return 0;
}

static void
write_flow_table(struct text_priv *t, FILE *o)
{
    size_t widths[F_NCOL] = {0};
    bool shown[F_NCOL];

    for (size_t i = 0; i < F_NCOL; i++) {
        widths[i] = text_width(fcols[i].head);
        shown[i] = true;
    }
    widths[F_MARK] = 1;
    shown[F_VLAN] = false;   /* only when some flow is tagged */
    shown[F_STATUS] = false; /* only when some port is not assigned */
    for (size_t i = 0; i < t->n_flows; i++) {
        flow_cells(t, &t->flows[i]);
        widen(widths, t->cells, F_NCOL);
        shown[F_VLAN] = shown[F_VLAN] || t->cells[F_VLAN][0] != '\0';
        shown[F_STATUS] = shown[F_STATUS] || t->cells[F_STATUS][0] != '\0';
    }
    if (t->n_flows == 0) {
        fputs("no flows\n", o);
        return;
    }
    put_header(o, fcols, widths, shown, F_NCOL);
    for (size_t i = 0; i < t->n_flows; i++) {
        flow_cells(t, &t->flows[i]);
        put_row(o, fcols, t->cells, widths, shown, F_NCOL);
    }
}

static void
write_audit_table(struct text_priv *t, FILE *o)
{
    size_t widths[A_NCOL] = {0};
    bool shown[A_NCOL];

    for (size_t i = 0; i < A_NCOL; i++) {
        widths[i] = text_width(acols[i].head);
        shown[i] = true;
    }
    widths[A_MARK] = 1;
    for (size_t i = 0; i < t->n_rows; i++) {
        audit_cells(t, &t->rows[i]);
        widen(widths, t->cells, A_NCOL);
    }
    if (t->n_rows == 0) {
        fputs("no flows to audit\n", o);
        return;
    }
    put_header(o, acols, widths, shown, A_NCOL);
    for (size_t i = 0; i < t->n_rows; i++) {
        audit_cells(t, &t->rows[i]);
        put_row(o, acols, t->cells, widths, shown, A_NCOL);
    }
}

static int
text_end(struct pl_sink *s, const struct pl_summary *sum, struct pl_err *err)
{
    struct text_priv *t = s->priv;
    FILE *o = s->out;

    if (s->opts.audit)
        write_audit_table(t, o);
    else if (!s->opts.streaming)
        write_flow_table(t, o);
    put_legend(t, o);
    putc('\n', o);
    pl_summary_write_text(o, sum);
    return pl_sink_finish(s, err);
}

static void
text_destroy(struct pl_sink *s)
{
    struct text_priv *t = s->priv;

    if (t == NULL)
        return;
    if (t->scratch != NULL)
        fclose(t->scratch);
    free(t->flows);
    free(t->rows);
    free(t->flagged);
    free(t);
    s->priv = NULL;
}

static const struct pl_sink_ops text_ops = {
    .begin = text_begin,
    .flow = text_flow,
    .audit = text_audit,
    .end = text_end,
    .destroy = text_destroy,
};

int
pl_sink_text_init(struct pl_sink *s, struct pl_err *err)
{
    struct text_priv *t = calloc(1, sizeof *t);

    if (t == NULL) {
        pl_err_set(err, "text output: out of memory");
        return -1;
    }
    t->scratch = fmemopen(t->scratch_buf, sizeof t->scratch_buf, "w");
    if (t->scratch == NULL) {
        free(t);
        pl_err_set(err, "text output: fmemopen failed");
        return -1;
    }
    setvbuf(t->scratch, NULL, _IONBF, 0);
    s->ops = &text_ops;
    s->priv = t;
    return 0;
}
