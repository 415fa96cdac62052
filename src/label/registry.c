/* src/label/registry.c — the Service Name and Transport Protocol Port Number
 * Registry (RFC 6335) as a lookup table: rows from any reader are normalised
 * per SPEC §2 into a flat (protocol, port) -> entry map; names are found by
 * scanning the rows (a command-line look-up, not a per-packet one). */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "label/registry_int.h"
#include "portlabel/err.h"
#include "portlabel/pkt.h"
#include "portlabel/registry.h"

#define ARENA_BLOCK_LEN ((size_t)64 * 1024)
#define ARENA_ALIGN ((size_t)16)
#define PORT_SPACE 65536u /* ports 0-65535 */
/* Largest registry file read: IANA's XML is about 4 MB; 128 MiB leaves room for big
 * services files while refusing endless input before it costs much memory. */
#define PL_REGISTRY_MAX_BYTES ((size_t)128 << 20)
/* Cap on (row, protocol, port) coverings, checked before allocating for them:
 * the IANA registry has about 100,000; hostile overlapping ranges could ask
 * for billions. 16 per (protocol, port) on average. */
#define MAX_COVERINGS ((size_t)PL_PROTO_COUNT * PORT_SPACE * 16)

struct arena_block {
    struct arena_block *next;
    size_t used; /* bytes of data handed out */
    size_t size; /* bytes of data */
    char data[];
};

struct pl_registry {
    char *path;                /* as given to load (malloc'd) */
    char *buf;                 /* file contents; the CSV reader's strings point into it */
    struct arena_block *arena; /* other strings, entries, alias arrays */
    struct reg_row *rows;      /* accepted rows in file order */
    size_t nrows, rows_cap;
    uint64_t rows_ok;  /* accepted data rows */
    uint64_t rows_bad; /* skipped rows */
    enum pl_registry_format fmt;
    bool has_unauth; /* the source carries unauthorized-use data */
    bool loaded;
    pl_registry_warn_fn warn;
    void *warn_ctx;
    /* The (protocol, port) -> entry map (pl_registry_get, once per new flow):
     * flat[proto << 16 | port] is 1 + an index into entry_tab, 0 when no row
     * covers the port. 1 MB for every port of every protocol, where a hash of
     * the covered ports took 7 MB and a chain walk per look-up. */
    uint32_t *flat;
    const struct pl_reg_entry **entry_tab;
    size_t nentries;
};

static void *
arena_alloc(struct pl_registry *reg, size_t len)
{
    struct arena_block *b = reg->arena;

    len = (len + ARENA_ALIGN - 1) & ~(ARENA_ALIGN - 1);
    if (b == NULL || b->size - b->used < len) {
        size_t size = len > ARENA_BLOCK_LEN ? len : ARENA_BLOCK_LEN;
        b = malloc(sizeof *b + size);
        if (b == NULL)
            return NULL;
        b->size = size;
        b->used = 0;
        if (reg->arena != NULL && size > ARENA_BLOCK_LEN) {
            /* an outsized block goes second so the current block keeps serving */
            b->next = reg->arena->next;
            reg->arena->next = b;
        } else {
            b->next = reg->arena;
            reg->arena = b;
        }
    }
    void *p = b->data + b->used;
    b->used += len;
    return p;
}

char *
pl_reg_strndup(struct pl_registry *reg, const char *s, size_t len)
{
    char *p = arena_alloc(reg, len + 1);
    if (p == NULL)
        return NULL;
    memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

struct pl_registry *
pl_registry_new(void)
{
    return calloc(1, sizeof(struct pl_registry));
}

void
pl_registry_free(struct pl_registry *reg)
{
    if (reg == NULL)
        return;
    free(reg->flat);
    free(reg->entry_tab);
    while (reg->arena != NULL) {
        struct arena_block *next = reg->arena->next;
        free(reg->arena);
        reg->arena = next;
    }
    free(reg->rows);
    free(reg->buf);
    free(reg->path);
    free(reg);
}

/* ---- services for the readers ---- */

int
pl_reg_add_row(struct pl_registry *reg, const struct reg_row *row, struct pl_err *err)
{
    if (reg->nrows == UINT32_MAX) {
        pl_err_set(err, "%s: too many rows", reg->path);
        return -1;
    }
    if (reg->nrows == reg->rows_cap) {
        size_t cap = reg->rows_cap ? reg->rows_cap * 2 : 1024;
        struct reg_row *rows = realloc(reg->rows, cap * sizeof *rows);
        if (rows == NULL) {
            pl_err_set(err, "%s: out of memory", reg->path);
            return -1;
        }
        reg->rows = rows;
        reg->rows_cap = cap;
    }
    reg->rows[reg->nrows++] = *row;
    return 0;
}

void
pl_reg_count_row(struct pl_registry *reg)
{
    reg->rows_ok++;
}

void
pl_reg_bad_row(struct pl_registry *reg, unsigned long line, const char *why)
{
    char one_line[128];
    size_t i = 0;

    reg->rows_bad++;
    if (reg->warn == NULL)
        return;
    /* why may quote the bad field: keep the warning on one line */
    for (; why[i] != '\0' && i < sizeof one_line - 1; i++)
        one_line[i] = (unsigned char)why[i] < 0x20 ? ' ' : why[i];
    one_line[i] = '\0';
    reg->warn(reg->warn_ctx, reg->path, line, one_line);
}

const char *
pl_reg_name(const struct pl_registry *reg)
{
    return reg->path;
}

void
pl_reg_set_has_unauthorized(struct pl_registry *reg)
{
    reg->has_unauth = true;
}

static bool
is_blank(char c)
{
    return c == ' ' || c == '\t';
}

static void
trim(const char **s, size_t *len)
{
    while (*len > 0 && is_blank(**s)) {
        (*s)++;
        (*len)--;
    }
    while (*len > 0 && is_blank((*s)[*len - 1]))
        (*len)--;
}

/* Up to 5 decimal digits, value <= 65535. Advances *i. */
static bool
parse_u16(const char *s, size_t len, size_t *i, uint16_t *out)
{
    uint32_t v = 0;
    size_t start = *i;

    while (*i < len && s[*i] >= '0' && s[*i] <= '9') {
        v = v * 10u + (uint32_t)(s[*i] - '0');
        if (v > UINT16_MAX)
            return false;
        (*i)++;
    }
    if (*i == start)
        return false;
    *out = (uint16_t)v;
    return true;
}

bool
pl_reg_parse_port(const char *s, size_t len, struct reg_row *row)
{
    size_t i = 0;

    trim(&s, &len);
    row->has_port = false;
    row->lo = row->hi = 0;
    if (len == 0)
        return true;
    if (!parse_u16(s, len, &i, &row->lo))
        return false;
    row->hi = row->lo;
    if (i < len && s[i] == '-') {
        i++;
        if (!parse_u16(s, len, &i, &row->hi) || row->hi < row->lo)
            return false;
    }
    if (i != len)
        return false;
    row->has_port = true;
    return true;
}

static const char *const proto_names[PL_PROTO_COUNT] = {"tcp", "udp", "sctp", "dccp"};

static bool
proto_match(const char *s, size_t len, enum pl_proto *out)
{
    for (int p = 0; p < PL_PROTO_COUNT; p++) {
        if (strlen(proto_names[p]) == len && strncasecmp(s, proto_names[p], len) == 0) {
            *out = (enum pl_proto)p;
            return true;
        }
    }
    return false;
}

bool
pl_reg_parse_proto(const char *s, size_t len, struct reg_row *row)
{
    enum pl_proto p;

    trim(&s, &len);
    row->protos = 0;
    if (len == 0)
        return true;
    if (!proto_match(s, len, &p))
        return false;
    row->protos = PL_REG_PROTO_BIT(p);
    return true;
}

/* ---- building the tables ---- */

static enum pl_status
status_of(const struct reg_row *r)
{
    const char *d = r->desc;

    if (r->name[0] != '\0')
        return PL_STATUS_ASSIGNED;
    while (is_blank(*d) || *d == '\n' || *d == '\r')
        d++;
    if (strncasecmp(d, "reserved", 8) == 0)
        return PL_STATUS_RESERVED;
    if (strncasecmp(d, "unassigned", 10) == 0 || strncasecmp(d, "(unassigned)", 12) == 0)
        return PL_STATUS_UNASSIGNED;
    return PL_STATUS_UNNAMED;
}

/* SPEC §2 precedence: single port before range, then named before unnamed,
 * then file order (row indexes ascend in file order). */
static unsigned
rank(const struct reg_row *r)
{
    return (r->lo != r->hi ? 2u : 0u) + (r->name[0] == '\0' ? 1u : 0u);
}

static void
sort_precedence(const struct pl_registry *reg, uint32_t *ids, size_t n)
{
    for (size_t i = 1; i < n; i++) { /* stable insertion sort: lists are short */
        uint32_t id = ids[i];
        unsigned k = rank(&reg->rows[id]);
        size_t j = i;
        while (j > 0 && rank(&reg->rows[ids[j - 1]]) > k) {
            ids[j] = ids[j - 1];
            j--;
        }
        ids[j] = id;
    }
}

/* Fill e from covering rows already in precedence order. aliases: room for
 * n - 1 pointers, or NULL to leave the entry without aliases. */
static void
fill_entry(const struct pl_registry *reg, struct pl_reg_entry *e, const uint32_t *ids, size_t n,
           const char **aliases)
{
    const struct reg_row *primary = &reg->rows[ids[0]];
    uint32_t na = 0;

    e->service = primary->name[0] != '\0' ? primary->name : NULL;
    e->description = primary->desc;
    e->status = (uint8_t)status_of(primary);
    e->unauthorized = NULL;
    for (size_t i = 0; i < n; i++) {
        if (reg->rows[ids[i]].unauth[0] != '\0') {
            e->unauthorized = reg->rows[ids[i]].unauth;
            break;
        }
    }
    for (size_t i = 1; aliases != NULL && i < n; i++) {
        const char *name = reg->rows[ids[i]].name;
        bool dup = name[0] == '\0' || (e->service != NULL && strcasecmp(name, e->service) == 0);
        for (uint32_t j = 0; !dup && j < na; j++)
            dup = strcasecmp(name, aliases[j]) == 0;
        if (!dup)
            aliases[na++] = name;
    }
    e->aliases = aliases;
    e->alias_count = na;
}

static struct pl_reg_entry *
make_entry(struct pl_registry *reg, const uint32_t *ids, size_t n)
{
    struct pl_reg_entry *e = arena_alloc(reg, sizeof *e);
    const char **aliases = NULL;

    if (e == NULL)
        return NULL;
    if (n > 1 && (aliases = arena_alloc(reg, (n - 1) * sizeof *aliases)) == NULL)
        return NULL;
    fill_entry(reg, e, ids, n, aliases);
    return e;
}

static uint8_t
row_protos(const struct reg_row *r)
{
    /* SPEC §2: a row with a port but no protocol covers tcp and udp */
    return r->protos != 0
               ? r->protos
               : (uint8_t)(PL_REG_PROTO_BIT(PL_PROTO_TCP) | PL_REG_PROTO_BIT(PL_PROTO_UDP));
}

/* The row's name is `name` (len bytes), ignoring ASCII case. */
static bool
name_is(const char *row_name, const char *name, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (row_name[i] == '\0' ||
            tolower((unsigned char)row_name[i]) != tolower((unsigned char)name[i]))
            return false;
    }
    return row_name[len] == '\0';
}

/* Which rows cover each (protocol, port), in CSR form: the rows covering slot
 * s are ids[start[s] .. start[s + 1]), in file order. Only the span of ports
 * that some row covers gets slots, so a small registry builds quickly. */
struct cover {
    struct {
        uint32_t lo, hi; /* lo > hi: no row covers this protocol */
        size_t base;     /* slot of port lo */
    } span[PL_PROTO_COUNT];
    size_t nslots; /* slots in all spans */
    size_t total;  /* (row, protocol, port) coverings */
    size_t used;   /* slots with at least one row */
    uint32_t *start;
    uint32_t *ids;
};

static size_t
slot_of(const struct cover *cv, unsigned p, uint32_t port)
{
    return cv->span[p].base + (port - cv->span[p].lo);
}

/* Spans and sizes, before any allocation. */
static void
cover_plan(const struct pl_registry *reg, struct cover *cv)
{
    for (unsigned p = 0; p < PL_PROTO_COUNT; p++) {
        cv->span[p].lo = PORT_SPACE;
        cv->span[p].hi = 0;
    }
    for (size_t i = 0; i < reg->nrows; i++) {
        const struct reg_row *r = &reg->rows[i];
        for (unsigned p = 0; r->has_port && p < PL_PROTO_COUNT; p++) {
            if (!(row_protos(r) & PL_REG_PROTO_BIT(p)))
                continue;
            cv->span[p].lo = r->lo < cv->span[p].lo ? r->lo : cv->span[p].lo;
            cv->span[p].hi = r->hi > cv->span[p].hi ? r->hi : cv->span[p].hi;
            cv->total += (size_t)r->hi - r->lo + 1;
        }
    }
    for (unsigned p = 0; p < PL_PROTO_COUNT; p++) {
        cv->span[p].base = cv->nslots;
        if (cv->span[p].lo <= cv->span[p].hi)
            cv->nslots += (size_t)cv->span[p].hi - cv->span[p].lo + 1;
    }
}

/* Counting sort of the coverings by slot. 0, or -1 on OOM. */
static int
cover_fill(const struct pl_registry *reg, struct cover *cv)
{
    uint32_t *fill = malloc((cv->nslots ? cv->nslots : 1) * sizeof *fill);

    cv->start = calloc(cv->nslots + 1, sizeof *cv->start);
    cv->ids = malloc((cv->total ? cv->total : 1) * sizeof *cv->ids);
    if (fill == NULL || cv->start == NULL || cv->ids == NULL) {
        free(fill);
        return -1;
    }
    for (size_t i = 0; i < reg->nrows; i++) {
        const struct reg_row *r = &reg->rows[i];
        for (unsigned p = 0; r->has_port && p < PL_PROTO_COUNT; p++) {
            if (!(row_protos(r) & PL_REG_PROTO_BIT(p)))
                continue;
            for (uint32_t port = r->lo; port <= r->hi; port++)
                cv->start[slot_of(cv, p, port) + 1]++;
        }
    }
    for (size_t s = 0; s < cv->nslots; s++) {
        cv->used += cv->start[s + 1] != 0;
        cv->start[s + 1] += cv->start[s];
    }
    if (cv->nslots > 0)
        memcpy(fill, cv->start, cv->nslots * sizeof *fill);
    for (size_t i = 0; i < reg->nrows; i++) { /* file order within each list */
        const struct reg_row *r = &reg->rows[i];
        for (unsigned p = 0; r->has_port && p < PL_PROTO_COUNT; p++) {
            if (!(row_protos(r) & PL_REG_PROTO_BIT(p)))
                continue;
            for (uint32_t port = r->lo; port <= r->hi; port++)
                cv->ids[fill[slot_of(cv, p, port)]++] = (uint32_t)i;
        }
    }
    free(fill);
    return 0;
}

/* One entry per distinct list of covering rows, shared by consecutive ports
 * with the same list (a range), and flat[] pointing each covered (protocol,
 * port) at its entry. 0, or -1 on OOM. */
static int
index_ports(struct pl_registry *reg, struct cover *cv)
{
    const uint32_t *prev = NULL;
    size_t prev_n = 0;
    const struct pl_reg_entry *entry = NULL;

    reg->flat = calloc((size_t)PL_PROTO_COUNT * PORT_SPACE, sizeof *reg->flat);
    reg->entry_tab = malloc((cv->used ? cv->used : 1) * sizeof *reg->entry_tab);
    if (reg->flat == NULL || reg->entry_tab == NULL)
        return -1;
    for (unsigned p = 0; p < PL_PROTO_COUNT; p++) {
        for (uint32_t port = cv->span[p].lo; port <= cv->span[p].hi; port++) {
            size_t s = slot_of(cv, p, port);
            uint32_t *list = cv->ids + cv->start[s];
            size_t n = cv->start[s + 1] - cv->start[s];
            if (n == 0)
                continue;
            sort_precedence(reg, list, n);
            if (prev == NULL || n != prev_n || memcmp(prev, list, n * sizeof *list) != 0) {
                if ((entry = make_entry(reg, list, n)) == NULL)
                    return -1;
                reg->entry_tab[reg->nentries++] = entry;
                prev = list;
                prev_n = n;
            }
            reg->flat[p << 16 | port] = (uint32_t)reg->nentries; /* entry_tab index + 1 */
        }
    }
    const struct pl_reg_entry **tab =
        realloc(reg->entry_tab, (reg->nentries ? reg->nentries : 1) * sizeof *reg->entry_tab);
    if (tab != NULL) /* shrinking; on failure the larger table is still valid */
        reg->entry_tab = tab;
    return 0;
}

static int
build_ports(struct pl_registry *reg, struct pl_err *err)
{
    struct cover cv = {.nslots = 0};
    int rc = 0;

    cover_plan(reg, &cv);
    if (cv.total > MAX_COVERINGS) { /* caps come before allocation */
        pl_err_set(err, "%s: port ranges overlap too much (over %zu row-port pairs)", reg->path,
                   MAX_COVERINGS);
        return -1;
    }
    if (cover_fill(reg, &cv) < 0 || index_ports(reg, &cv) < 0) {
        pl_err_set(err, "%s: out of memory", reg->path);
        rc = -1;
    }
    free(cv.start);
    free(cv.ids);
    return rc;
}

/* ---- loading ---- */

enum pl_registry_format
pl_reg_sniff(const char *buf, size_t len)
{
    size_t start = 0, i;

    if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0) /* UTF-8 byte order mark */
        start = 3;
    for (i = start; i < len && isspace((unsigned char)buf[i]); i++)
        ;
    if (i < len && buf[i] == '<')
        return PL_REG_FMT_XML;

    /* The IANA CSV header names its columns on the very first line (as the CSV reader
     * expects it); a services(5) comment that names the same columns is not one. */
    char head[512];
    size_t n = 0;
    for (i = start; i < len && buf[i] != '\n' && n < sizeof head - 1; i++)
        head[n++] = (char)tolower((unsigned char)buf[i]);
    head[n] = '\0';
    if (head[0] != '#' && strstr(head, "service name") != NULL &&
        strstr(head, "port number") != NULL && strchr(head, ',') != NULL)
        return PL_REG_FMT_CSV;
    return PL_REG_FMT_SERVICES;
}

/* Takes ownership of buf (len bytes, plus room for a NUL at buf[len]). */
static int
load_buf(struct pl_registry *reg, char *buf, size_t len, const char *name, pl_registry_warn_fn warn,
         void *warn_ctx, struct pl_err *err)
{
    int rc;

    buf[len] = '\0';
    reg->buf = buf;
    reg->warn = warn;
    reg->warn_ctx = warn_ctx;
    if ((reg->path = strdup(name)) == NULL) {
        pl_err_set(err, "%s: out of memory", name);
        return -1;
    }
    reg->fmt = pl_reg_sniff(buf, len);
    switch (reg->fmt) {
    case PL_REG_FMT_CSV:
        rc = pl_reg_read_csv(reg, buf, len, err);
        break;
    case PL_REG_FMT_XML:
        rc = pl_reg_read_xml(reg, buf, len, err);
        break;
    default:
        rc = pl_reg_read_services(reg, buf, len, err);
        break;
    }
    if (rc == 0 && reg->rows_ok == 0) {
        pl_err_set(err, "%s: no registry records found", name);
        rc = -1;
    }
    if (rc == 0)
        rc = build_ports(reg, err);
    reg->warn = NULL;
    reg->warn_ctx = NULL;
    return rc;
}

int
pl_registry_load_mem(struct pl_registry *reg, const char *data, size_t len, const char *name,
                     pl_registry_warn_fn warn, void *warn_ctx, struct pl_err *err)
{
    if (reg->loaded) {
        pl_err_set(err, "%s: a registry is already loaded", name);
        return -1;
    }
    reg->loaded = true;
    char *buf = malloc(len + 1);
    if (buf == NULL) {
        pl_err_set(err, "%s: out of memory", name);
        return -1;
    }
    if (len > 0)
        memcpy(buf, data, len);
    return load_buf(reg, buf, len, name, warn, warn_ctx, err);
}

int
pl_registry_load(struct pl_registry *reg, const char *path, pl_registry_warn_fn warn,
                 void *warn_ctx, struct pl_err *err)
{
    if (reg->loaded) {
        pl_err_set(err, "%s: a registry is already loaded", path);
        return -1;
    }
    reg->loaded = true;

    FILE *fp = fopen(path, "rb");
    if (fp == NULL) {
        pl_err_set(err, "%s: %s", path, strerror(errno));
        return -1;
    }
    size_t cap = (size_t)1 << 20, len = 0;
    char *buf = malloc(cap + 1);
    for (;;) {
        if (buf == NULL) {
            fclose(fp);
            pl_err_set(err, "%s: out of memory", path);
            return -1;
        }
        len += fread(buf + len, 1, cap - len, fp);
        if (ferror(fp)) {
            int e = errno;
            free(buf);
            fclose(fp);
            pl_err_set(err, "%s: %s", path, strerror(e));
            return -1;
        }
        if (feof(fp))
            break;
        if (len == cap) {
            if (cap >= PL_REGISTRY_MAX_BYTES) { /* /dev/zero, a runaway pipe, a wrong file */
                free(buf);
                fclose(fp);
                pl_err_set(err, "%s: larger than %zu MiB: not a registry", path,
                           PL_REGISTRY_MAX_BYTES >> 20);
                return -1;
            }
            cap *= 2;
            char *nb = realloc(buf, cap + 1);
            if (nb == NULL)
                free(buf);
            buf = nb;
        }
    }
    fclose(fp);
    return load_buf(reg, buf, len, path, warn, warn_ctx, err);
}

/* ---- queries ---- */

const struct pl_reg_entry *
pl_registry_get(const struct pl_registry *reg, enum pl_proto proto, uint16_t port)
{
    if (reg == NULL || reg->flat == NULL || (unsigned)proto >= PL_PROTO_COUNT)
        return NULL;
    uint32_t i = reg->flat[(uint32_t)proto << 16 | port];
    return i != 0 ? reg->entry_tab[i - 1] : NULL;
}

enum pl_status
pl_registry_status(const struct pl_registry *reg, enum pl_proto proto, uint16_t port)
{
    const struct pl_reg_entry *e = pl_registry_get(reg, proto, port);
    return e != NULL ? (enum pl_status)e->status : PL_STATUS_UNASSIGNED;
}

size_t
pl_registry_find_name(const struct pl_registry *reg, const char *name, pl_registry_name_fn fn,
                      void *ctx)
{
    size_t len = strlen(name), calls = 0;
    const char *shown = NULL; /* the first row's spelling of the name */
    uint64_t *bits = NULL;
    int64_t portless[PL_PROTO_COUNT]; /* first row without a port, per protocol; -1: none */

    if (reg == NULL || len == 0)
        return 0;
    for (unsigned p = 0; p < PL_PROTO_COUNT; p++)
        portless[p] = -1;
    /* One bit per (protocol, port) the name's rows cover: the calls come out in port then
     * protocol order, each once, in bounded memory. */
    for (size_t i = 0; i < reg->nrows; i++) {
        const struct reg_row *r = &reg->rows[i];
        if (!name_is(r->name, name, len))
            continue;
        if (shown == NULL) {
            shown = r->name;
            bits = calloc((size_t)PL_PROTO_COUNT * PORT_SPACE / 64, sizeof *bits);
            if (bits == NULL)
                pl_die_oom("registry name look-up");
        }
        for (unsigned p = 0; p < PL_PROTO_COUNT; p++) {
            if (!(row_protos(r) & PL_REG_PROTO_BIT(p)))
                continue;
            if (!r->has_port && portless[p] < 0)
                portless[p] = (int64_t)i;
            for (uint32_t port = r->lo; r->has_port && port <= r->hi; port++) {
                size_t bit = (size_t)p * PORT_SPACE + port;
                bits[bit / 64] |= (uint64_t)1 << (bit % 64);
            }
        }
    }
    if (shown == NULL)
        return 0;
    for (unsigned p = 0; p < PL_PROTO_COUNT; p++) {
        if (portless[p] >= 0) {
            struct pl_reg_entry e; /* a portless row is its own entry, for this call only */
            uint32_t row = (uint32_t)portless[p];
            fill_entry(reg, &e, &row, 1, NULL);
            fn(ctx, shown, (enum pl_proto)p, -1, &e);
            calls++;
        }
    }
    for (uint32_t port = 0; port < PORT_SPACE; port++) {
        for (unsigned p = 0; p < PL_PROTO_COUNT; p++) {
            size_t bit = (size_t)p * PORT_SPACE + port;
            if (!(bits[bit / 64] & (uint64_t)1 << (bit % 64)))
                continue;
            fn(ctx, shown, (enum pl_proto)p, (int32_t)port,
               pl_registry_get(reg, (enum pl_proto)p, (uint16_t)port));
            calls++;
        }
    }
    free(bits);
    return calls;
}

const char *
pl_registry_path(const struct pl_registry *reg)
{
    return reg->path != NULL ? reg->path : "";
}

uint64_t
pl_registry_rows(const struct pl_registry *reg)
{
    return reg->rows_ok;
}

uint64_t
pl_registry_bad_rows(const struct pl_registry *reg)
{
    return reg->rows_bad;
}

enum pl_registry_format
pl_registry_format(const struct pl_registry *reg)
{
    return reg->fmt;
}

bool
pl_registry_has_unauthorized(const struct pl_registry *reg)
{
    return reg->has_unauth;
}

/* ---- discovery and names ---- */

static bool
readable(const char *path)
{
    return path[0] != '\0' && access(path, R_OK) == 0;
}

int
pl_registry_discover(const char *cli_path, char *out, size_t out_len, struct pl_err *err)
{
    static const char *const files[] = {"service-names-port-numbers.csv",
                                        "service-names-port-numbers.xml"};
    static const char *const dirs[] = {PL_REGISTRY_INSTALL_DIR, PL_REGISTRY_SOURCE_DIR};
    static const char *const system_files[] = {"/usr/share/wireshark/services", "/etc/services"};
    const char *env = getenv("PORTLABEL_REGISTRY");
    char path[4096];

    /* -R and $PORTLABEL_REGISTRY are taken as given: a missing file is then
     * reported by the load, naming it, rather than silently replaced. */
    const char *chosen = cli_path != NULL && cli_path[0] != '\0' ? cli_path
                         : env != NULL && env[0] != '\0'         ? env
                                                                 : NULL;
    for (size_t d = 0; chosen == NULL && d < sizeof dirs / sizeof dirs[0]; d++) {
        for (size_t f = 0; chosen == NULL && f < sizeof files / sizeof files[0]; f++) {
            int n = snprintf(path, sizeof path, "%s/%s", dirs[d], files[f]);
            if (n > 0 && (size_t)n < sizeof path && readable(path))
                chosen = path;
        }
    }
    for (size_t f = 0; chosen == NULL && f < sizeof system_files / sizeof system_files[0]; f++) {
        if (readable(system_files[f]))
            chosen = system_files[f];
    }
    if (chosen == NULL) {
        pl_err_set(err, "no registry found: use -R FILE or PORTLABEL_REGISTRY, or run "
                        "registry/update.sh");
        return -1;
    }
    if (strlen(chosen) >= out_len) {
        pl_err_set(err, "%s: path too long", chosen);
        return -1;
    }
    memcpy(out, chosen, strlen(chosen) + 1);
    return 0;
}

const char *
pl_proto_name(enum pl_proto proto)
{
    return (unsigned)proto < PL_PROTO_COUNT ? proto_names[proto] : "?";
}

const char *
pl_status_name(enum pl_status status)
{
    static const char *const names[PL_STATUS_COUNT] = {"assigned", "reserved", "unassigned",
                                                       "unnamed"};
    return (unsigned)status < PL_STATUS_COUNT ? names[status] : "?";
}

bool
pl_proto_parse(const char *s, enum pl_proto *out)
{
    return s != NULL && proto_match(s, strlen(s), out);
}

bool
pl_proto_from_ip(uint8_t ip_proto, enum pl_proto *out)
{
    switch (ip_proto) {
    case PL_IPPROTO_TCP:
        *out = PL_PROTO_TCP;
        return true;
    case PL_IPPROTO_UDP:
        *out = PL_PROTO_UDP;
        return true;
    case PL_IPPROTO_SCTP:
        *out = PL_PROTO_SCTP;
        return true;
    case PL_IPPROTO_DCCP:
        *out = PL_PROTO_DCCP;
        return true;
    default:
        return false;
    }
}
