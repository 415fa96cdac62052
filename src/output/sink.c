/* src/output/sink.c — output sinks behind an ops table, one file per format (SPEC §6). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "output/output_int.h"

/* Buffer for batch output: one write(2) per 128 KiB instead of per stdio block. Larger
 * (1 MiB) was slower: the buffer no longer stays in the L2 cache as records stream through. */
#define SINK_VBUF_LEN (1u << 17)

bool
pl_format_parse(const char *s, enum pl_format *out)
{
    static const struct {
        const char *name;
        enum pl_format fmt;
    } names[] = {
        {"text", PL_FMT_TEXT},
        {"json", PL_FMT_JSON},
        {"csv", PL_FMT_CSV},
    };

    if (s == NULL)
        return false;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (strcasecmp(s, names[i].name) == 0) {
            *out = names[i].fmt;
            return true;
        }
    }
    return false;
}

/* Batch mode: write through a private stream on a duplicate of out's file
 * descriptor, so that the 128 KiB buffer can be installed before any I/O (as
 * setvbuf requires) and released when the sink goes, whatever the caller does
 * with out afterwards. Streams without a descriptor (fmemopen) are used as is. */
static void
attach_buffer(struct pl_sink *s)
{
    int fd = fileno(s->out);
    if (fd < 0 || fflush(s->out) != 0)
        return;
    int dfd = dup(fd);
    if (dfd < 0)
        return;
    FILE *f = fdopen(dfd, "w");
    if (f == NULL) {
        close(dfd);
        return;
    }
    char *buf = malloc(SINK_VBUF_LEN);
    if (buf == NULL || setvbuf(f, buf, _IOFBF, SINK_VBUF_LEN) != 0) {
        fclose(f);
        free(buf);
        return;
    }
    s->user_out = s->out;
    s->out = f;
    s->vbuf = buf;
}

struct pl_sink *
pl_sink_new(const struct pl_sink_opts *opts, FILE *out, bool owns_out, struct pl_err *err)
{
    struct pl_sink *s = calloc(1, sizeof *s);
    int rc;

    if (s == NULL) {
        pl_err_set(err, "output: out of memory");
        return NULL;
    }
    s->opts = *opts;
    s->out = out;
    s->owns_out = owns_out;
    switch (opts->format) {
    case PL_FMT_JSON:
        rc = pl_sink_json_init(s, err);
        break;
    case PL_FMT_CSV:
        rc = pl_sink_csv_init(s, err);
        break;
    case PL_FMT_TEXT:
        rc = pl_sink_text_init(s, err);
        break;
    default:
        pl_err_set(err, "output: unknown format %d", (int)opts->format);
        rc = -1;
    }
    if (rc < 0) {
        free(s);
        return NULL;
    }
    if (!opts->streaming)
        attach_buffer(s);
    return s;
}

void
pl_sink_free(struct pl_sink *s)
{
    if (s == NULL)
        return;
    if (s->ops != NULL && s->ops->destroy != NULL)
        s->ops->destroy(s);
    if (s->user_out != NULL) {
        fclose(s->out); /* the private duplicate; errors were reported by end() */
        free(s->vbuf);
        s->out = s->user_out;
    }
    if (s->owns_out)
        fclose(s->out);
    else
        fflush(s->out);
    free(s);
}

static int
write_error(struct pl_err *err, int saved_errno)
{
    pl_err_set(err, "write error: %s", strerror(saved_errno != 0 ? saved_errno : EIO));
    return -1;
}

int
pl_sink_record_done(struct pl_sink *s, struct pl_err *err)
{
    if (s->opts.streaming && fflush(s->out) != 0)
        return write_error(err, errno);
    if (ferror(s->out))
        return write_error(err, errno);
    return 0;
}

int
pl_sink_finish(struct pl_sink *s, struct pl_err *err)
{
    if (fflush(s->out) != 0 || ferror(s->out))
        return write_error(err, errno);
    if (s->user_out != NULL && (fflush(s->user_out) != 0 || ferror(s->user_out)))
        return write_error(err, errno);
    return 0;
}

void
pl_out_label_view(const struct pl_label *l, struct pl_out_label *v)
{
    static const char *const no_aliases[1] = {NULL};
    const struct pl_reg_entry *e = l->entry;

    memset(v, 0, sizeof *v);
    v->aliases = no_aliases;
    if (e != NULL) {
        v->service = e->service;
        v->description = e->description != NULL ? e->description : "";
        v->unauthorized = pl_label_is_unauthorized(l) ? e->unauthorized : NULL;
        if (e->aliases != NULL) {
            v->aliases = e->aliases;
            v->alias_count = e->alias_count;
        }
    }
    v->status = pl_status_name((enum pl_status)l->status);
    v->port_class = pl_port_class_name((enum pl_port_class)l->port_class);
    v->basis = pl_basis_name((enum pl_basis)l->basis);
    v->proto = pl_proto_name((enum pl_proto)l->proto);
}

enum pl_proto
pl_out_flow_proto_id(const struct pl_flow *f)
{
    enum pl_proto p;

    if (pl_proto_from_ip(f->key.l4_proto, &p))
        return p;
    return (enum pl_proto)f->label.proto;
}

const char *
pl_out_flow_proto(const struct pl_flow *f)
{
    return pl_proto_name(pl_out_flow_proto_id(f));
}

bool
pl_out_flow_vlan(const struct pl_flow *f, uint16_t *vid)
{
    /* The key stores 0 both for untagged frames and for priority tags (VID 0);
     * vlan_tagged tells them apart (SPEC §8: a priority tag prints 0). */
    *vid = f->key.vlan_id;
    return f->vlan_tagged;
}

bool
pl_out_flow_is_tcp(const struct pl_flow *f)
{
    return f->key.l4_proto == PL_IPPROTO_TCP;
}

void
pl_out_tcp_flags(char buf[PL_TCP_FLAGS_BUFSZ], uint8_t flags)
{
    /* SPEC §6: letters of FSRPAUEC, bit by bit from PL_TCP_FIN (0x01) to PL_TCP_CWR (0x80). */
    static const char letters[] = "FSRPAUEC";
    size_t n = 0;

    for (unsigned i = 0; i < 8; i++) {
        if (flags & (1u << i))
            buf[n++] = letters[i];
    }
    buf[n] = '\0';
}

/* --- record buffer (output_int.h) -------------------------------------------------------- */

void
pl_rec_flush(struct pl_rec *r)
{
    if (r->len > 0)
        (void)fwrite(r->buf, 1, r->len, r->out); /* a short write shows as ferror */
    r->len = 0;
    r->flushes++;
}

void
pl_rec_mem_slow(struct pl_rec *r, const void *p, size_t n)
{
    pl_rec_flush(r);
    if (n > sizeof r->buf) {
        (void)fwrite(p, 1, n, r->out);
        return;
    }
    memcpy(r->buf, p, n);
    r->len = n;
}

/* Decimal digits of v (1 to 20): floor(log10(v)) from the bit length (log10(2) ~ 1233/4096),
 * corrected by one comparison. No division: records print a dozen numbers each. */
static inline size_t
u64_width(uint64_t v)
{
    static const uint64_t pow10[20] = {1u,
                                       10u,
                                       100u,
                                       1000u,
                                       10000u,
                                       100000u,
                                       1000000u,
                                       10000000u,
                                       100000000u,
                                       1000000000u,
                                       10000000000u,
                                       100000000000u,
                                       1000000000000u,
                                       10000000000000u,
                                       100000000000000u,
                                       1000000000000000u,
                                       10000000000000000u,
                                       100000000000000000u,
                                       1000000000000000000u,
                                       10000000000000000000u};
    if (v < 10u)
        return 1;
    unsigned t = (unsigned)(64 - __builtin_clzll(v)) * 1233u >> 12; /* v > 0 */
    return (size_t)t + 1u - (v < pow10[t]);
}

static const char digit_pairs[201] = "00010203040506070809101112131415161718192021222324"
                                     "25262728293031323334353637383940414243444546474849"
                                     "50515253545556575859606162636465666768697071727374"
                                     "75767778798081828384858687888990919293949596979899";

/* The decimal digits of v, written backwards so that the last one lands at end[-1]. */
static inline void
digits_back(char *end, uint64_t v)
{
    while (v >= 100u) {
        unsigned d = (unsigned)(v % 100u) * 2u;
        v /= 100u;
        *--end = digit_pairs[d + 1];
        *--end = digit_pairs[d];
    }
    if (v >= 10u) {
        *--end = digit_pairs[v * 2u + 1];
        *--end = digit_pairs[v * 2u];
    } else {
        *--end = (char)('0' + v);
    }
}

/* Numbers below 100,000 (ports, packet and byte counts of most flows: nearly every number
 * in a record) in 32-bit arithmetic, two digits per step; larger ones by their width. */
char *
pl_put_u64(char *p, uint64_t v)
{
    if (v < 100u) {
        if (v < 10u) {
            *p = (char)('0' + v);
            return p + 1;
        }
        memcpy(p, digit_pairs + v * 2u, 2);
        return p + 2;
    }
    if (v < 100000u) {
        uint32_t x = (uint32_t)v;
        if (x < 10000u) {
            uint32_t hi = x / 100u, lo = x % 100u;
            if (hi < 10u) {
                *p = (char)('0' + hi);
                memcpy(p + 1, digit_pairs + lo * 2u, 2);
                return p + 3;
            }
            memcpy(p, digit_pairs + hi * 2u, 2);
            memcpy(p + 2, digit_pairs + lo * 2u, 2);
            return p + 4;
        }
        uint32_t top = x / 10000u, rest = x % 10000u;
        *p = (char)('0' + top);
        memcpy(p + 1, digit_pairs + (rest / 100u) * 2u, 2);
        memcpy(p + 3, digit_pairs + (rest % 100u) * 2u, 2);
        return p + 5;
    }
    size_t n = u64_width(v);
    digits_back(p + n, v);
    return p + n;
}

void
pl_rec_u64(struct pl_rec *r, uint64_t v)
{
    pl_rec_end_at(r, pl_put_u64(pl_rec_room(r, u64_width(v)), v));
}

/* The six microsecond digits of a stamp, leading zeros kept; us < 1,000,000. */
static inline char *
put_us6(char *p, unsigned us)
{
    memcpy(p, digit_pairs + (us / 10000u) * 2u, 2);
    memcpy(p + 2, digit_pairs + (us / 100u % 100u) * 2u, 2);
    memcpy(p + 4, digit_pairs + (us % 100u) * 2u, 2);
    return p + 6;
}

/* A stamp from its second's text and its microseconds. */
static inline char *
put_ts_text(const struct pl_ts_sec *t, char *o, unsigned us)
{
    _Static_assert(sizeof t->text + 6 <= PL_PUT_TS_MAX, "a stamp's bound");
    memcpy(o, t->text, sizeof t->text); /* fixed size: what lies past the stamp is scratch */
    return put_us6(o + t->len, us);
}

/* pl_put_ts when the second is not in its slot: out of line (and reached by a tail call),
 * so that a hit saves no registers. */
static __attribute__((noinline)) char *
put_ts_miss(struct pl_ts_sec *t, char *o, uint64_t sec, unsigned us)
{
    size_t n = u64_width(sec);
    memset(t->text, 0, sizeof t->text); /* put_ts_text copies all of it */
    digits_back(t->text + n, sec);
    t->text[n] = '.';
    t->len = n + 1;
    t->sec = sec;
    return put_ts_text(t, o, us);
}

char *
pl_put_ts(struct pl_rec *r, char *o, uint64_t ts_us)
{
    uint64_t sec = ts_us / 1000000u;
    unsigned us = (unsigned)(ts_us % 1000000u);
    struct pl_ts_sec *t = &r->ts[sec % PL_REC_TS_SLOTS];

    if (t->len == 0 || t->sec != sec)
        return put_ts_miss(t, o, sec, us);
    return put_ts_text(t, o, us);
}

void
pl_out_u64(FILE *out, uint64_t v)
{
    char buf[PL_PUT_U64_MAX];

    fwrite(buf, 1, (size_t)(pl_put_u64(buf, v) - buf), out);
}

void
pl_out_ts(char buf[PL_TS_BUFSZ], uint64_t ts_us)
{
    _Static_assert(PL_PUT_U64_MAX + 1 + 6 + 1 <= PL_TS_BUFSZ, "seconds, '.', six digits, NUL");
    char *p = pl_put_u64(buf, ts_us / 1000000u);
    *p++ = '.';
    *put_us6(p, (unsigned)(ts_us % 1000000u)) = '\0';
}

void
pl_rec_ts(struct pl_rec *r, uint64_t ts_us)
{
    pl_rec_end_at(r, pl_put_ts(r, pl_rec_room(r, PL_PUT_TS_MAX), ts_us));
}

char *
pl_put_tcp_flags(char *o, uint8_t flags)
{
    static const char letters[] = "FSRPAUEC";

    for (unsigned i = 0; i < 8; i++) {
        if (flags & (1u << i))
            *o++ = letters[i];
    }
    return o;
}

void
pl_rec_tcp_flags(struct pl_rec *r, uint8_t flags)
{
    pl_rec_end_at(r, pl_put_tcp_flags(pl_rec_room(r, PL_PUT_FLAGS_MAX), flags));
}
