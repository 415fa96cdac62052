/* src/output/output_int.h — declarations shared by the output formats (SPEC §6), not public. */
#ifndef PORTLABEL_OUTPUT_INT_H
#define PORTLABEL_OUTPUT_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "portlabel/output.h"

/* Each format fills s->ops and s->priv; -1 with err set on failure. */
int pl_sink_json_init(struct pl_sink *s, struct pl_err *err);
int pl_sink_csv_init(struct pl_sink *s, struct pl_err *err);
int pl_sink_text_init(struct pl_sink *s, struct pl_err *err);

/* After each record: in streaming mode flush; report a write error seen on
 * the stream. 0, or -1 with err "write error: ...". */
int pl_sink_record_done(struct pl_sink *s, struct pl_err *err);
/* At end of output: flush and check the stream. 0, or -1 with err set. */
int pl_sink_finish(struct pl_sink *s, struct pl_err *err);

/* The label's registry strings, with a missing entry mapped to what the
 * formats print: no service, no description, no aliases, no unauthorized text.
 * An empty unauthorized text is reported as NULL (the flow is not flagged). */
struct pl_out_label {
    const char *service;        /* NULL: none */
    const char *description;    /* NULL: no row covers the port */
    const char *unauthorized;   /* NULL: none */
    const char *const *aliases; /* alias_count entries */
    uint32_t alias_count;
    const char *status;     /* "assigned", ... */
    const char *port_class; /* "system", ... */
    const char *basis;      /* "handshake", ... */
    const char *proto;      /* "tcp", ... */
};
void pl_out_label_view(const struct pl_label *l, struct pl_out_label *v);

/* Transport protocol name of a flow: from its key's IP protocol number. */
const char *pl_out_flow_proto(const struct pl_flow *f);
enum pl_proto pl_out_flow_proto_id(const struct pl_flow *f); /* the enum of the name above */

/* The flow's VLAN ID for output. False when the flow is untagged (vlan null). */
bool pl_out_flow_vlan(const struct pl_flow *f, uint16_t *vid);

/* TCP flag letters "FSRPAUEC" for the bits set, in that order, NUL-terminated. */
#define PL_TCP_FLAGS_BUFSZ 9
void pl_out_tcp_flags(char buf[PL_TCP_FLAGS_BUFSZ], uint8_t flags);

/* True when the flow is TCP (tcp_flags_* are meaningful). */
bool pl_out_flow_is_tcp(const struct pl_flow *f);

/* Decimal v, without printf (the formats call this for every number). */
void pl_out_u64(FILE *out, uint64_t v);

/* Epoch microseconds as "SEC.UUUUUU" (exact: integer arithmetic only). */
#define PL_TS_BUFSZ 32
void pl_out_ts(char buf[PL_TS_BUFSZ], uint64_t ts_us);

/* Address text: "a.b.c.d" or inet_ntop's IPv6 form. */
#define PL_ADDR_BUFSZ 48

/* A record under construction: pieces are copied into buf and written to out with one fwrite
 * per record. Every append checks the room left and writes buf out first when the piece would
 * not fit, so a field of any length (a registry row may carry megabytes) passes through this
 * fixed buffer: pieces longer than the buffer go to the stream directly. */
#define PL_REC_LEN 4096
#define PL_REC_TS_SLOTS 8u
/* pl_put_ts: the text of a stamp's seconds, kept for the next stamps in the same second. */
struct pl_ts_sec {
    uint64_t sec;
    size_t len; /* text[0, len) is "SEC." (0: none yet) */
    char text[24];
};
struct pl_rec {
    FILE *out;
    size_t len;       /* bytes in buf */
    unsigned flushes; /* times buf was written out: text before len may be gone */
    /* Eight seconds, second s in ts[s % 8]: a record's first and last stamps, and the
     * last stamps of records in first-seen order, spread over a few seconds. */
    struct pl_ts_sec ts[PL_REC_TS_SLOTS];
    char buf[PL_REC_LEN];
};

static inline void
pl_rec_init(struct pl_rec *r, FILE *out)
{
    r->out = out;
    r->len = 0;
    r->flushes = 0;
    for (unsigned i = 0; i < PL_REC_TS_SLOTS; i++)
        r->ts[i].len = 0; /* empty; put_ts_miss fills text whole */
}

/* Write buf to the stream and empty it (errors show on the stream: ferror). */
void pl_rec_flush(struct pl_rec *r);

/* Room for n more bytes at buf + len, flushing first when needed; n <= PL_REC_LEN. */
static inline char *
pl_rec_room(struct pl_rec *r, size_t n)
{
    if (n > sizeof r->buf - r->len)
        pl_rec_flush(r);
    return r->buf + r->len;
}

void pl_rec_mem_slow(struct pl_rec *r, const void *p, size_t n);

static inline void
pl_rec_mem(struct pl_rec *r, const void *p, size_t n)
{
    if (n <= sizeof r->buf - r->len) {
        memcpy(r->buf + r->len, p, n);
        r->len += n;
    } else {
        pl_rec_mem_slow(r, p, n);
    }
}

/* A string literal, without its NUL. */
#define pl_rec_lit(r, s) pl_rec_mem((r), (s), sizeof(s) - 1)

static inline void
pl_rec_str(struct pl_rec *r, const char *s)
{
    pl_rec_mem(r, s, strlen(s));
}

static inline void
pl_rec_ch(struct pl_rec *r, char c)
{
    *pl_rec_room(r, 1) = c;
    r->len++;
}

/* Pointer-style writers, for a stretch of a record whose longest text is known: the caller
 * reserves that much once with pl_rec_room(), writes through a local pointer, and sets
 * r->len from where it ends. Each returns the end of its text and writes at most the bytes
 * stated (scratch past the text included). */
#define PL_PUT_U64_MAX 20u
#define PL_PUT_TS_MAX 30u
#define PL_PUT_ADDR_MAX PL_ADDR_BUFSZ
#define PL_PUT_FLAGS_MAX 8u
char *pl_put_u64(char *p, uint64_t v);
char *pl_put_ts(struct pl_rec *r, char *p, uint64_t ts_us); /* r: its "SEC." cache */
char *pl_put_addr(char *p, const uint8_t addr[16], uint8_t ip_version);
char *pl_put_tcp_flags(char *p, uint8_t flags);

static inline char *
pl_put_mem(char *p, const void *s, size_t n)
{
    memcpy(p, s, n);
    return p + n;
}
#define pl_put_lit(p, s) pl_put_mem((p), (s), sizeof(s) - 1)

/* Set the record's length from a pointer-style stretch's end. */
static inline void
pl_rec_end_at(struct pl_rec *r, const char *p)
{
    r->len = (size_t)(p - r->buf);
}

void pl_rec_u64(struct pl_rec *r, uint64_t v); /* decimal */
void pl_rec_ts(struct pl_rec *r, uint64_t ts_us); /* "SEC.UUUUUU" */
void pl_rec_addr(struct pl_rec *r, const uint8_t addr[16], uint8_t ip_version); /* as pl_out_addr */
void pl_rec_json_str(struct pl_rec *r, const char *s); /* as pl_out_json_str */
void pl_rec_csv_field(struct pl_rec *r, const char *s); /* as pl_out_csv_field */
void pl_rec_tcp_flags(struct pl_rec *r, uint8_t flags); /* as pl_out_tcp_flags */

#endif
