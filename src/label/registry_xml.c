/* src/label/registry_xml.c — IANA service-names-port-numbers.xml reader (expat):
 * <record> elements with <name>, <protocol>, <number> ("N" or "A-B"),
 * <description> and <unauthorized>; other children (<xref>, <note>, ...) are ignored. */
#include <expat.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "label/registry_int.h"

/* U+0001 cannot occur in XML 1.0 character data (XML 1.0 §2.2), so it can
 * stand for a <br/> until the text is normalised. */
#define BR_MARK '\x01'

enum field { F_NONE = -1, F_NAME, F_PROTOCOL, F_NUMBER, F_DESCRIPTION, F_UNAUTHORIZED, F_COUNT };

static const char *const field_names[F_COUNT] = {"name", "protocol", "number", "description",
                                                 "unauthorized"};

struct text {
    char *s; /* malloc'd, NUL-terminated when len > 0 */
    size_t len, cap;
};

struct xml_state {
    struct pl_registry *reg;
    XML_Parser parser;
    struct pl_err *err;
    unsigned depth;        /* current element depth, root = 1 */
    unsigned record_depth; /* depth of the open <record>, 0 outside one */
    int field;             /* enum field collected now */
    unsigned field_depth;  /* depth of that field's element */
    unsigned long record_line;
    bool root_checked;
    bool failed; /* err is set; the parser was stopped */
    struct text text[F_COUNT];
};

static void
fail_oom(struct xml_state *st)
{
    if (!st->failed) {
        pl_err_set(st->err, "%s: out of memory", pl_reg_name(st->reg));
        st->failed = true;
        XML_StopParser(st->parser, XML_FALSE);
    }
}

static void
text_add(struct xml_state *st, struct text *t, const char *s, size_t len)
{
    if (st->failed)
        return;
    if (t->cap - t->len < len + 1) {
        size_t cap = t->cap ? t->cap : 64;
        while (cap - t->len < len + 1)
            cap *= 2;
        char *ns = realloc(t->s, cap);
        if (ns == NULL) {
            fail_oom(st);
            return;
        }
        t->s = ns;
        t->cap = cap;
    }
    memcpy(t->s + t->len, s, len);
    t->len += len;
    t->s[t->len] = '\0';
}

static bool
is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* The XML's line breaks are layout: a run of white space that holds a line
 * break becomes one space, a run that holds <br/> one newline (as the CSV
 * edition renders it); leading and trailing white space goes. Copies into
 * the registry arena. */
static const char *
normalise(struct xml_state *st, const struct text *t)
{
    char *out = t->len ? malloc(t->len + 1) : NULL;
    size_t n = 0, i = 0;

    if (t->len == 0)
        return "";
    if (out == NULL) {
        fail_oom(st);
        return NULL;
    }
    while (i < t->len) {
        if (!is_ws(t->s[i]) && t->s[i] != BR_MARK) {
            out[n++] = t->s[i++];
            continue;
        }
        size_t j = i;
        bool has_br = false, has_nl = false;
        for (; j < t->len && (is_ws(t->s[j]) || t->s[j] == BR_MARK); j++) {
            has_br |= t->s[j] == BR_MARK;
            has_nl |= t->s[j] == '\n' || t->s[j] == '\r';
        }
        if (i > 0 && j < t->len) { /* interior run */
            if (has_br)
                out[n++] = '\n';
            else if (has_nl)
                out[n++] = ' ';
            else {
                memcpy(out + n, t->s + i, j - i);
                n += j - i;
            }
        }
        i = j;
    }
    const char *s = pl_reg_strndup(st->reg, out, n);
    free(out);
    if (s == NULL)
        fail_oom(st);
    return s;
}

/* Free text (description, unauthorized use) as is (SPEC §8: newlines kept): the character
 * data without <br/> elements, less leading and trailing blanks — which is what IANA's CSV
 * edition holds for the same records. */
static const char *
verbatim(struct xml_state *st, const struct text *t)
{
    size_t b = 0, e = t->len, n = 0;

    while (b < e && (is_ws(t->s[b]) || t->s[b] == BR_MARK))
        b++;
    while (e > b && (is_ws(t->s[e - 1]) || t->s[e - 1] == BR_MARK))
        e--;
    if (b == e)
        return "";
    char *out = malloc(e - b + 1);
    if (out == NULL) {
        fail_oom(st);
        return NULL;
    }
    for (size_t i = b; i < e; i++)
        if (t->s[i] != BR_MARK)
            out[n++] = t->s[i];
    const char *s = pl_reg_strndup(st->reg, out, n);
    free(out);
    if (s == NULL)
        fail_oom(st);
    return s;
}

static void XMLCALL
on_start(void *ud, const XML_Char *name, const XML_Char **attrs)
{
    struct xml_state *st = ud;

    (void)attrs;
    st->depth++;
    if (!st->root_checked) {
        st->root_checked = true;
        if (strcmp(name, "registry") != 0) {
            pl_err_set(st->err, "%s:%lu: not an IANA registry (root element <%.40s>)",
                       pl_reg_name(st->reg), (unsigned long)XML_GetCurrentLineNumber(st->parser),
                       name);
            st->failed = true;
            XML_StopParser(st->parser, XML_FALSE);
        }
        return;
    }
    if (st->record_depth == 0) {
        if (strcmp(name, "record") == 0) {
            st->record_depth = st->depth;
            st->record_line = (unsigned long)XML_GetCurrentLineNumber(st->parser);
            for (int f = 0; f < F_COUNT; f++)
                st->text[f].len = 0;
        }
        return;
    }
    if (st->field == F_NONE && st->depth == st->record_depth + 1) {
        for (int f = 0; f < F_COUNT; f++) {
            if (strcmp(name, field_names[f]) == 0) {
                st->field = f;
                st->field_depth = st->depth;
            }
        }
    } else if (st->field != F_NONE && strcmp(name, "br") == 0) {
        const char br = BR_MARK;
        text_add(st, &st->text[st->field], &br, 1);
    }
}

static void
finish_record(struct xml_state *st)
{
    struct reg_row row = {.line = st->record_line};
    const struct text *t = st->text;
    char why[96];

    if (!pl_reg_parse_port(t[F_NUMBER].s ? t[F_NUMBER].s : "", t[F_NUMBER].len, &row)) {
        snprintf(why, sizeof why, "bad port number \"%.40s\"", t[F_NUMBER].s);
        pl_reg_bad_row(st->reg, st->record_line, why);
        return;
    }
    if (!pl_reg_parse_proto(t[F_PROTOCOL].s ? t[F_PROTOCOL].s : "", t[F_PROTOCOL].len, &row)) {
        snprintf(why, sizeof why, "unknown transport protocol \"%.40s\"", t[F_PROTOCOL].s);
        pl_reg_bad_row(st->reg, st->record_line, why);
        return;
    }
    row.name = normalise(st, &t[F_NAME]);
    row.desc = verbatim(st, &t[F_DESCRIPTION]);
    row.unauth = verbatim(st, &t[F_UNAUTHORIZED]);
    if (st->failed)
        return;
    if (pl_reg_add_row(st->reg, &row, st->err) < 0) {
        st->failed = true;
        XML_StopParser(st->parser, XML_FALSE);
        return;
    }
    pl_reg_count_row(st->reg);
}

static void XMLCALL
on_end(void *ud, const XML_Char *name)
{
    struct xml_state *st = ud;

    (void)name;
    if (st->field != F_NONE && st->depth == st->field_depth)
        st->field = F_NONE;
    else if (st->record_depth != 0 && st->depth == st->record_depth) {
        st->record_depth = 0;
        finish_record(st);
    }
    st->depth--;
}

static void XMLCALL
on_text(void *ud, const XML_Char *s, int len)
{
    struct xml_state *st = ud;

    if (st->field != F_NONE && len > 0)
        text_add(st, &st->text[st->field], s, (size_t)len);
}

int
pl_reg_read_xml(struct pl_registry *reg, const char *buf, size_t len, struct pl_err *err)
{
    struct xml_state st = {.reg = reg, .err = err, .field = F_NONE};
    int rc = 0;

    if (len > INT_MAX) {
        pl_err_set(err, "%s: file too large", pl_reg_name(reg));
        return -1;
    }
    st.parser = XML_ParserCreate("UTF-8");
    if (st.parser == NULL) {
        pl_err_set(err, "%s: out of memory", pl_reg_name(reg));
        return -1;
    }
    XML_SetUserData(st.parser, &st);
    XML_SetElementHandler(st.parser, on_start, on_end);
    XML_SetCharacterDataHandler(st.parser, on_text);
    if (XML_Parse(st.parser, buf, (int)len, XML_TRUE) == XML_STATUS_ERROR && !st.failed) {
        pl_err_set(err, "%s:%lu: XML error: %s", pl_reg_name(reg),
                   (unsigned long)XML_GetCurrentLineNumber(st.parser),
                   XML_ErrorString(XML_GetErrorCode(st.parser)));
        rc = -1;
    }
    if (st.failed)
        rc = -1;
    pl_reg_set_has_unauthorized(reg); /* the schema carries <unauthorized> */
    XML_ParserFree(st.parser);
    for (int f = 0; f < F_COUNT; f++)
        free(st.text[f].s);
    return rc;
}
