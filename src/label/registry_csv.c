/* src/label/registry_csv.c — IANA service-names-port-numbers.csv reader (RFC 4180):
 * quoted fields over several lines, doubled quotes, CRLF or LF, columns found by
 * header name. Unescapes in place; rows keep pointers into the file buffer. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "label/registry_int.h"

#define CSV_MAX_FIELDS 64 /* more than any header we accept; extra fields are only counted */

struct csv {
    char *p;            /* next unread byte */
    char *end;          /* one past the last byte (a NUL is stored there) */
    unsigned long line; /* 1-based line of p */
};

struct csv_field {
    char *s;    /* NUL-terminated after unescaping */
    size_t len; /* bytes before the NUL (a field holding a NUL byte is cut there) */
};

struct csv_rec {
    struct csv_field f[CSV_MAX_FIELDS];
    size_t nfields;     /* fields seen, may exceed CSV_MAX_FIELDS */
    unsigned long line; /* line where the record starts */
    bool has_nul;       /* a NUL byte in some field */
    bool has_junk;      /* text between a closing quote and the delimiter */
};

enum csv_result {
    CSV_REC,          /* a record was read */
    CSV_EOF,          /* no more input */
    CSV_UNTERMINATED, /* a quoted field runs to the end of input */
};

static bool
is_delim(char c)
{
    return c == ',' || c == '\n' || c == '\r';
}

/* One field starting at c->p; leaves c->p on its delimiter (or end). */
static bool
read_field(struct csv *c, struct csv_rec *r, struct csv_field *out)
{
    char *start = c->p;
    char *w = start;

    if (c->p < c->end && *c->p == '"') {
        c->p++; /* RFC 4180 §2.5-2.7: quoted, "" stands for one quote */
        for (;;) {
            if (c->p == c->end)
                return false;
            char ch = *c->p++;
            if (ch == '"') {
                if (c->p < c->end && *c->p == '"') {
                    *w++ = '"';
                    c->p++;
                    continue;
                }
                break;
            }
            if (ch == '\n')
                c->line++;
            r->has_nul |= ch == '\0';
            *w++ = ch;
        }
        while (c->p < c->end && !is_delim(*c->p)) { /* blanks after the quote are tolerated */
            r->has_junk |= *c->p != ' ' && *c->p != '\t';
            c->p++;
        }
    } else {
        while (c->p < c->end && !is_delim(*c->p)) {
            r->has_nul |= *c->p == '\0';
            c->p++;
        }
        w = c->p;
    }
    out->s = start;
    out->len = (size_t)(w - start);
    return true;
}

static enum csv_result
read_record(struct csv *c, struct csv_rec *r)
{
    if (c->p == c->end)
        return CSV_EOF;
    r->nfields = 0;
    r->line = c->line;
    r->has_nul = r->has_junk = false;
    for (;;) {
        struct csv_field f;
        if (!read_field(c, r, &f))
            return CSV_UNTERMINATED;
        char delim = c->p < c->end ? *c->p : '\n'; /* read before the NUL overwrites it */
        f.s[f.len] = '\0';
        if (r->nfields < CSV_MAX_FIELDS)
            r->f[r->nfields] = f;
        r->nfields++;
        if (c->p == c->end)
            return CSV_REC;
        c->p++;
        if (delim == ',')
            continue;
        if (delim == '\r' && c->p < c->end && *c->p == '\n')
            c->p++;
        c->line++;
        return CSV_REC;
    }
}

static void
trim_field(struct csv_field *f)
{
    while (f->len > 0 && (f->s[0] == ' ' || f->s[0] == '\t')) {
        f->s++;
        f->len--;
    }
    while (f->len > 0 && (f->s[f->len - 1] == ' ' || f->s[f->len - 1] == '\t'))
        f->s[--f->len] = '\0';
}

enum col { COL_NAME, COL_PORT, COL_PROTO, COL_DESC, COL_UNAUTH, COL_COUNT };

static const char *const col_names[COL_COUNT] = {
    "Service Name", "Port Number", "Transport Protocol", "Description", "Unauthorized Use Reported",
};

static int
read_header(struct pl_registry *reg, struct csv_rec *h, int col[COL_COUNT], struct pl_err *err)
{
    for (int k = 0; k < COL_COUNT; k++)
        col[k] = -1;
    for (size_t i = 0; i < h->nfields && i < CSV_MAX_FIELDS; i++) {
        trim_field(&h->f[i]);
        for (int k = 0; k < COL_COUNT; k++) {
            if (col[k] < 0 && strcasecmp(h->f[i].s, col_names[k]) == 0)
                col[k] = (int)i;
        }
    }
    for (int k = 0; k < COL_UNAUTH; k++) { /* the unauthorized-use column is optional */
        if (col[k] < 0) {
            pl_err_set(err, "%s:%lu: CSV header has no \"%s\" column", pl_reg_name(reg), h->line,
                       col_names[k]);
            return -1;
        }
    }
    if (h->nfields > CSV_MAX_FIELDS) {
        pl_err_set(err, "%s:%lu: CSV header has too many columns", pl_reg_name(reg), h->line);
        return -1;
    }
    if (col[COL_UNAUTH] >= 0)
        pl_reg_set_has_unauthorized(reg);
    return 0;
}

/* Checks one data record; NULL when it becomes a row, else why it is bad. */
static const char *
check_record(struct csv_rec *r, size_t nfields, const int col[COL_COUNT], struct reg_row *row,
             char *why, size_t why_len)
{
    if (r->nfields != nfields) {
        snprintf(why, why_len, "expected %zu fields, found %zu", nfields, r->nfields);
        return why;
    }
    if (r->has_nul)
        return "NUL byte in a field";
    if (r->has_junk)
        return "text after a closing quote";
    const struct csv_field *port = &r->f[col[COL_PORT]];
    const struct csv_field *proto = &r->f[col[COL_PROTO]];
    if (!pl_reg_parse_port(port->s, port->len, row)) {
        snprintf(why, why_len, "bad port number \"%.40s\"", port->s);
        return why;
    }
    if (!pl_reg_parse_proto(proto->s, proto->len, row)) {
        snprintf(why, why_len, "unknown transport protocol \"%.40s\"", proto->s);
        return why;
    }
    trim_field(&r->f[col[COL_NAME]]);
    row->name = r->f[col[COL_NAME]].s;
    row->desc = r->f[col[COL_DESC]].s;
    row->unauth = "";
    if (col[COL_UNAUTH] >= 0) {
        trim_field(&r->f[col[COL_UNAUTH]]);
        row->unauth = r->f[col[COL_UNAUTH]].s;
    }
    row->line = r->line;
    return NULL;
}

int
pl_reg_read_csv(struct pl_registry *reg, char *buf, size_t len, struct pl_err *err)
{
    struct csv c = {.p = buf, .end = buf + len, .line = 1};
    struct csv_rec rec;
    int col[COL_COUNT];
    char why[96];
    enum csv_result res;

    if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0) /* UTF-8 byte order mark */
        c.p += 3;
    rec.line = 1;
    if ((res = read_record(&c, &rec)) != CSV_REC) {
        pl_err_set(err, "%s:%lu: %s", pl_reg_name(reg), rec.line,
                   res == CSV_EOF ? "no CSV header" : "unterminated quoted field");
        return -1;
    }
    if (read_header(reg, &rec, col, err) < 0)
        return -1;
    size_t nfields = rec.nfields;

    while ((res = read_record(&c, &rec)) == CSV_REC) {
        struct reg_row row;
        if (rec.nfields == 1 && rec.f[0].len == 0 && !rec.has_nul)
            continue; /* a blank line */
        const char *bad = check_record(&rec, nfields, col, &row, why, sizeof why);
        if (bad != NULL) {
            pl_reg_bad_row(reg, rec.line, bad);
            continue;
        }
        if (pl_reg_add_row(reg, &row, err) < 0)
            return -1;
        pl_reg_count_row(reg);
    }
    if (res == CSV_UNTERMINATED) {
        pl_err_set(err, "%s:%lu: unterminated quoted field", pl_reg_name(reg), rec.line);
        return -1;
    }
    return 0;
}
