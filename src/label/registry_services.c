/* src/label/registry_services.c — services(5) text: "name port/proto [aliases] [# comment]",
 * Wireshark's merged "port/tcp/udp/sctp/dccp" specs and ranges, and nmap-services'
 * "name port/proto frequency # comment". Names and ports only (SPEC §2): the comment is not
 * taken as a description. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "label/registry_int.h"

#define MAX_TOKENS 64 /* name, port spec, aliases; more are ignored */

struct token {
    char *s;
    size_t len;
};

struct svc_line {
    struct token tok[MAX_TOKENS];
    size_t ntok;
    struct token comment; /* after '#', trimmed; len 0 when none */
    struct reg_row row;   /* port and protocols */
    bool only_foreign;    /* every protocol is one we do not label (ddp) */
};

static bool
is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* nmap-services' third column: a frequency such as 0.484143, not an alias. */
static bool
is_frequency(const struct token *t)
{
    bool dot = false;
    for (size_t i = 0; i < t->len; i++) {
        if (t->s[i] == '.')
            dot = true;
        else if (t->s[i] < '0' || t->s[i] > '9')
            return false;
    }
    return dot;
}

/* "80/tcp", "80/tcp/udp", "6000-6063/tcp/udp". */
static const char *
parse_spec(const struct token *t, struct svc_line *l, char *why, size_t why_len)
{
    const char *slash = memchr(t->s, '/', t->len);
    size_t plen = slash ? (size_t)(slash - t->s) : t->len;

    if (slash == NULL || !pl_reg_parse_port(t->s, plen, &l->row) || !l->row.has_port) {
        snprintf(why, why_len, "bad port \"%.*s\"", (int)(plen < 40 ? plen : 40), t->s);
        return why;
    }
    l->row.protos = 0;
    l->only_foreign = true;
    size_t i = plen;
    while (i < t->len) {
        size_t j = ++i; /* skip the slash */
        while (j < t->len && t->s[j] != '/')
            j++;
        struct reg_row one;
        if (j > i && pl_reg_parse_proto(t->s + i, j - i, &one)) {
            l->row.protos |= one.protos;
            l->only_foreign = false;
        } else if (!(j - i == 3 && strncasecmp(t->s + i, "ddp", 3) == 0)) {
            /* AppleTalk's ddp is valid services(5) but no transport we label */
            size_t n = j - i < 40 ? j - i : 40;
            snprintf(why, why_len, "unknown transport protocol \"%.*s\"", (int)n, t->s + i);
            return why;
        }
        i = j;
    }
    if (l->row.protos == 0 && !l->only_foreign) {
        snprintf(why, why_len, "no transport protocol in \"%.40s\"", t->s);
        return why;
    }
    return NULL;
}

/* Splits one line (without its newline). Returns NULL for a row or a line to
 * skip silently (ntok == 0 or only_foreign), else why the line is bad. */
static const char *
split_line(char *s, size_t len, struct svc_line *l, char *why, size_t why_len)
{
    size_t i = 0;

    l->ntok = 0;
    l->comment.len = 0;
    l->only_foreign = false;
    if (memchr(s, '\0', len) != NULL)
        return "NUL byte in line";
    while (i < len) {
        while (i < len && is_space(s[i]))
            i++;
        if (i == len)
            break;
        if (s[i] == '#') {
            size_t a = i + 1, b = len;
            while (a < b && is_space(s[a]))
                a++;
            while (b > a && is_space(s[b - 1]))
                b--;
            l->comment = (struct token){.s = s + a, .len = b - a};
            break;
        }
        size_t start = i;
        while (i < len && !is_space(s[i]) && s[i] != '#')
            i++;
        if (l->ntok < MAX_TOKENS)
            l->tok[l->ntok++] = (struct token){.s = s + start, .len = i - start};
    }
    if (l->ntok == 0)
        return NULL;
    if (l->ntok < 2)
        return "expected NAME PORT/PROTOCOL";
    return parse_spec(&l->tok[1], l, why, why_len);
}

/* Terminates the line's tokens in place and adds its rows: the name, then
 * each alias (aliases count as names, SPEC §2). */
static int
commit_line(struct pl_registry *reg, struct svc_line *l, unsigned long line, struct pl_err *err)
{
    for (size_t k = 0; k < l->ntok; k++)
        l->tok[k].s[l->tok[k].len] = '\0';
    if (l->comment.len > 0)
        l->comment.s[l->comment.len] = '\0';

    l->row.line = line;
    l->row.desc = ""; /* SPEC §2: these files give names and ports only; comments are not data */
    l->row.unauth = "";
    for (size_t k = 0; k < l->ntok; k++) {
        if (k == 1 || (k == 2 && is_frequency(&l->tok[k])))
            continue;
        l->row.name = l->tok[k].s;
        if (pl_reg_add_row(reg, &l->row, err) < 0)
            return -1;
    }
    pl_reg_count_row(reg);
    return 0;
}

/* One pass over the lines. commit false: only count the lines that would
 * become rows (no writes, no warnings). */
static long
pass(struct pl_registry *reg, char *buf, size_t len, bool commit, struct pl_err *err)
{
    struct svc_line l;
    unsigned long line = 0;
    long rows = 0;
    char why[96];
    size_t i = 0;

    while (i < len) {
        char *nl = memchr(buf + i, '\n', len - i);
        size_t end = nl ? (size_t)(nl - buf) : len;
        line++;
        const char *bad = split_line(buf + i, end - i, &l, why, sizeof why);
        i = end + 1;
        if (bad != NULL) {
            if (commit)
                pl_reg_bad_row(reg, line, bad);
            continue;
        }
        if (l.ntok == 0 || l.only_foreign)
            continue;
        rows++;
        if (commit && commit_line(reg, &l, line, err) < 0)
            return -1;
    }
    return rows;
}

int
pl_reg_read_services(struct pl_registry *reg, char *buf, size_t len, struct pl_err *err)
{
    /* A file with no services(5) entry at all is not a registry: fail without
     * a warning for each of its lines. */
    if (pass(reg, buf, len, false, err) == 0) {
        pl_err_set(err, "%s: not a registry (no IANA CSV header, no XML, no services(5) entries)",
                   pl_reg_name(reg));
        return -1;
    }
    return pass(reg, buf, len, true, err) < 0 ? -1 : 0;
}
