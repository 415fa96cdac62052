/* tests/unit/test_registry.c — registry readers on hand-written input: the RFC 4180
 * CSV reader's quirks, IANA XML, services(5), and the SPEC §2 normalisation rules. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "portlabel/registry.h"

#define HDR                                                                                        \
    "Service Name,Port Number,Transport Protocol,Description,Assignee,Contact,"                    \
    "Registration Date,Modification Date,Reference,Service Code,"                                  \
    "Unauthorized Use Reported,Assignment Notes\r\n"

struct warns {
    unsigned n;
    unsigned long line[16];
    char why[16][96];
};

static void
collect(void *ctx, const char *path, unsigned long line, const char *why)
{
    struct warns *w = ctx;
    (void)path;
    if (w->n < 16) {
        w->line[w->n] = line;
        snprintf(w->why[w->n], sizeof w->why[0], "%s", why);
    }
    w->n++;
}

/* Loads len bytes; returns the registry (never NULL) and the load's result in *rc. */
static struct pl_registry *
load_n(const char *data, size_t len, int *rc, struct warns *w, struct pl_err *err)
{
    struct pl_registry *reg = pl_registry_new();
    cr_assert_not_null(reg);
    *rc = pl_registry_load_mem(reg, data, len, "mem.csv", collect, w, err);
    return reg;
}

static struct pl_registry *
load_ok(const char *data, struct warns *w)
{
    struct pl_err err = {.msg = ""};
    int rc;
    struct pl_registry *reg = load_n(data, strlen(data), &rc, w, &err);
    cr_assert_eq(rc, 0, "load failed: %s", err.msg);
    return reg;
}

static const struct pl_reg_entry *
get(const struct pl_registry *reg, enum pl_proto p, uint16_t port)
{
    return pl_registry_get(reg, p, port);
}

Test(registry_csv, quoted_multiline_field_and_doubled_quotes)
{
    struct warns w = {0};
    struct pl_registry *reg = load_ok(HDR "whoispp,63,tcp,\"whois++\nIANA said \"\"hi\"\".\","
                                          ",,,,,,,\r\nnext,64,tcp,Next,,,,,,,,\r\n",
                                      &w);
    const struct pl_reg_entry *e = get(reg, PL_PROTO_TCP, 63);
    cr_assert_not_null(e);
    cr_assert_str_eq(e->service, "whoispp");
    cr_assert_str_eq(e->description, "whois++\nIANA said \"hi\".");
    cr_assert_str_eq(get(reg, PL_PROTO_TCP, 64)->service, "next");
    cr_assert_eq(pl_registry_rows(reg), 2);
    cr_assert_eq(w.n, 0);
    pl_registry_free(reg);
}

Test(registry_csv, lf_and_crlf_line_ends_read_alike)
{
    struct warns w = {0};
    struct pl_registry *lf = load_ok("Service Name,Port Number,Transport Protocol,Description,"
                                     "Unauthorized Use Reported\nssh,22,tcp,SSH,\n"
                                     "telnet,23,tcp,Telnet,\n",
                                     &w);
    struct pl_registry *crlf = load_ok("Service Name,Port Number,Transport Protocol,Description,"
                                       "Unauthorized Use Reported\r\nssh,22,tcp,SSH,\r\n"
                                       "telnet,23,tcp,Telnet,",
                                       &w);
    for (uint16_t port = 22; port <= 23; port++) {
        cr_assert_str_eq(get(lf, PL_PROTO_TCP, port)->service,
                         get(crlf, PL_PROTO_TCP, port)->service);
        cr_assert_str_eq(get(lf, PL_PROTO_TCP, port)->description,
                         get(crlf, PL_PROTO_TCP, port)->description);
    }
    cr_assert_str_eq(get(crlf, PL_PROTO_TCP, 23)->description, "Telnet"); /* no \r kept */
    cr_assert_eq(pl_registry_rows(lf), 2);
    cr_assert_eq(pl_registry_rows(crlf), 2);
    pl_registry_free(lf);
    pl_registry_free(crlf);
}

Test(registry_csv, columns_are_found_by_header_name)
{
    struct warns w = {0};
    struct pl_registry *reg = load_ok("Description,Unauthorized Use Reported,Transport Protocol,"
                                      "Port Number,Service Name\r\n"
                                      "Secure Shell,seen,tcp,22,ssh\r\n",
                                      &w);
    const struct pl_reg_entry *e = get(reg, PL_PROTO_TCP, 22);
    cr_assert_not_null(e);
    cr_assert_str_eq(e->service, "ssh");
    cr_assert_str_eq(e->description, "Secure Shell");
    cr_assert_str_eq(e->unauthorized, "seen");
    cr_assert(pl_registry_has_unauthorized(reg));
    cr_assert_eq(pl_registry_format(reg), PL_REG_FMT_CSV);
    pl_registry_free(reg);
}

Test(registry_csv, unterminated_quote_at_eof_is_an_error_naming_file_and_line)
{
    static const char data[] =
        HDR "a,1,tcp,A,,,,,,,,\r\nb,2,tcp,\"never closed,,,,,,,,\r\nmore\r\n";
    struct warns w = {0};
    struct pl_err err = {.msg = ""};
    int rc;
    struct pl_registry *reg = load_n(data, sizeof data - 1, &rc, &w, &err);
    cr_assert_eq(rc, -1);
    cr_assert_str_eq(err.msg, "mem.csv:3: unterminated quoted field");
    pl_registry_free(reg);
}

Test(registry_csv, empty_file_is_an_error)
{
    struct warns w = {0};
    struct pl_err err = {.msg = ""};
    int rc;
    struct pl_registry *reg = load_n("", 0, &rc, &w, &err);
    cr_assert_eq(rc, -1);
    cr_assert(strstr(err.msg, "mem.csv: ") == err.msg, "%s", err.msg);
    cr_assert_eq(w.n, 0);
    pl_registry_free(reg);
}

/* A header and nothing else is most likely a cut download: not a usable table. */
Test(registry_csv, header_only_file_is_an_error)
{
    struct warns w = {0};
    struct pl_err err = {.msg = ""};
    int rc;
    struct pl_registry *reg = load_n(HDR, strlen(HDR), &rc, &w, &err);
    cr_assert_eq(rc, -1);
    cr_assert_str_eq(err.msg, "mem.csv: no registry records found");
    pl_registry_free(reg);
}

Test(registry_csv, header_without_a_required_column_is_an_error)
{
    static const char data[] = "Service Name,Port Number,Description\r\nssh,22,SSH\r\n";
    struct warns w = {0};
    struct pl_err err = {.msg = ""};
    int rc;
    struct pl_registry *reg = load_n(data, sizeof data - 1, &rc, &w, &err);
    cr_assert_eq(rc, -1);
    cr_assert_str_eq(err.msg, "mem.csv:1: CSV header has no \"Transport Protocol\" column");
    pl_registry_free(reg);
}

Test(registry_csv, nul_byte_makes_its_row_bad_not_the_file)
{
    static const char data[] =
        HDR "ssh,22,tcp,Sec\0ure,,,,,,,,\r\ntelnet,23,tcp,Telnet,,,,,,,,\r\n";
    struct warns w = {0};
    struct pl_err err = {.msg = ""};
    int rc;
    struct pl_registry *reg = load_n(data, sizeof data - 1, &rc, &w, &err);
    cr_assert_eq(rc, 0, "%s", err.msg);
    cr_assert_null(get(reg, PL_PROTO_TCP, 22));
    cr_assert_str_eq(get(reg, PL_PROTO_TCP, 23)->service, "telnet");
    cr_assert_eq(w.n, 1);
    cr_assert_eq(w.line[0], 2);
    cr_assert_str_eq(w.why[0], "NUL byte in a field");
    cr_assert_eq(pl_registry_bad_rows(reg), 1);
    cr_assert_eq(pl_registry_rows(reg), 1);
    pl_registry_free(reg);
}

Test(registry_csv, field_of_100_kb_is_kept_whole)
{
    const size_t big = 100 * 1024;
    char *data = malloc(strlen(HDR) + big + 64);
    cr_assert_not_null(data);
    size_t n = (size_t)sprintf(data, HDR "big,7,tcp,\"");
    for (size_t i = 0; i < big; i++)
        data[n++] = (char)('a' + i % 26);
    n += (size_t)sprintf(data + n, "\",,,,,,,,\r\n");
    struct warns w = {0};
    struct pl_err err = {.msg = ""};
    int rc;
    struct pl_registry *reg = load_n(data, n, &rc, &w, &err);
    cr_assert_eq(rc, 0, "%s", err.msg);
    const struct pl_reg_entry *e = get(reg, PL_PROTO_TCP, 7);
    cr_assert_eq(strlen(e->description), big);
    cr_assert_eq(e->description[big - 1], 'a' + (big - 1) % 26);
    free(data);
    pl_registry_free(reg);
}

Test(registry_csv, bad_rows_are_skipped_counted_and_reported_with_their_line)
{
    struct warns w = {0};
    struct pl_registry *reg = load_ok(HDR "ok,1,tcp,One,,,,,,,,\r\n"          /* line 2 */
                                          "short,2,tcp\r\n"                   /* 3: field count */
                                          "multi,3,tcp,\"a\nb\",,,,,,,,\r\n"  /* 4-5: fine */
                                          "proto,4,icmp,Four,,,,,,,,\r\n"     /* 6: protocol */
                                          "port,70000,tcp,Big,,,,,,,,\r\n"    /* 7: port */
                                          "range,9-5,udp,Back,,,,,,,,\r\n"    /* 8: range */
                                          "junk,\"x\n\",udp,Junk,,,,,,,,\r\n" /* 9-10: port */
                                          "quote,10,tcp,\"a\"b,,,,,,,,\r\n"   /* 11: after quote */
                                          "last,11,udp,\"Last\" ,,,,,,,,\r\n",
                                      &w);
    cr_assert_eq(pl_registry_rows(reg), 3);
    cr_assert_eq(pl_registry_bad_rows(reg), 6);
    cr_assert_eq(w.n, 6);
    static const unsigned long lines[] = {3, 6, 7, 8, 9, 11};
    for (unsigned i = 0; i < 6; i++)
        cr_assert_eq(w.line[i], lines[i], "warning %u: line %lu (%s)", i, w.line[i], w.why[i]);
    cr_assert_str_eq(w.why[0], "expected 12 fields, found 3");
    cr_assert_str_eq(w.why[1], "unknown transport protocol \"icmp\"");
    cr_assert_str_eq(w.why[2], "bad port number \"70000\"");
    cr_assert_str_eq(w.why[4], "bad port number \"x \""); /* one line, whatever the field */
    cr_assert_str_eq(get(reg, PL_PROTO_UDP, 11)->service, "last");
    cr_assert_str_eq(get(reg, PL_PROTO_TCP, 3)->description, "a\nb");
    pl_registry_free(reg);
}

Test(registry_csv, blank_lines_and_byte_order_mark_are_ignored)
{
    struct warns w = {0};
    struct pl_registry *reg = load_ok("\xef\xbb\xbf" HDR "\r\nssh,22,tcp,SSH,,,,,,,,\r\n\r\n", &w);
    cr_assert_eq(pl_registry_rows(reg), 1);
    cr_assert_eq(w.n, 0);
    pl_registry_free(reg);
}

Test(registry_csv, loading_twice_is_an_error)
{
    struct warns w = {0};
    struct pl_err err = {.msg = ""};
    struct pl_registry *reg = load_ok(HDR "ssh,22,tcp,SSH,,,,,,,,\r\n", &w);
    cr_assert_eq(pl_registry_load_mem(reg, HDR, strlen(HDR), "again", NULL, NULL, &err), -1);
    pl_registry_free(reg);
}

Test(registry_load, missing_file_names_the_file_and_reason)
{
    struct pl_registry *reg = pl_registry_new();
    struct pl_err err = {.msg = ""};
    cr_assert_eq(pl_registry_load(reg, "/nonexistent/reg.csv", NULL, NULL, &err), -1);
    cr_assert_str_eq(err.msg, "/nonexistent/reg.csv: No such file or directory");
    pl_registry_free(reg);
}

Test(registry_load, directory_is_an_error)
{
    struct pl_registry *reg = pl_registry_new();
    struct pl_err err = {.msg = ""};
    cr_assert_eq(pl_registry_load(reg, "/", NULL, NULL, &err), -1);
    cr_assert_str_eq(err.msg, "/: Is a directory");
    pl_registry_free(reg);
}

Test(registry_load, text_that_is_no_registry_is_an_error_without_warnings)
{
    static const char data[] = "hello world\nthis is not a registry\n\x01\x02\x03\n";
    struct warns w = {0};
    struct pl_err err = {.msg = ""};
    int rc;
    struct pl_registry *reg = load_n(data, sizeof data - 1, &rc, &w, &err);
    cr_assert_eq(rc, -1);
    cr_assert(strncmp(err.msg, "mem.csv: not a registry", 23) == 0, "%s", err.msg);
    cr_assert_eq(w.n, 0);
    pl_registry_free(reg);
}

/* ---- SPEC §2 normalisation ---- */

Test(registry_norm, range_covers_every_port_and_single_port_beats_it)
{
    struct warns w = {0};
    struct pl_registry *reg = load_ok(HDR ",7770-7780,,Unassigned,,,,,,,,\r\n"
                                          "inetfs,7775,tcp,Inet FS,,,,,,,,\r\n",
                                      &w);
    for (uint16_t port = 7770; port <= 7780; port++) {
        cr_assert_not_null(get(reg, PL_PROTO_TCP, port), "%u/tcp", port);
        cr_assert_not_null(get(reg, PL_PROTO_UDP, port), "%u/udp", port);
        cr_assert_null(get(reg, PL_PROTO_SCTP, port));
    }
    cr_assert_null(get(reg, PL_PROTO_TCP, 7769));
    cr_assert_null(get(reg, PL_PROTO_TCP, 7781));
    const struct pl_reg_entry *e = get(reg, PL_PROTO_TCP, 7775);
    cr_assert_str_eq(e->service, "inetfs");
    cr_assert_eq(e->status, PL_STATUS_ASSIGNED);
    cr_assert_eq(e->alias_count, 0);
    cr_assert_eq(get(reg, PL_PROTO_UDP, 7775)->status, PL_STATUS_UNASSIGNED);
    cr_assert_str_eq(get(reg, PL_PROTO_TCP, 7774)->description, "Unassigned");
    /* ports covered by the same rows share one entry */
    cr_assert_eq(get(reg, PL_PROTO_TCP, 7771), get(reg, PL_PROTO_TCP, 7772));
    pl_registry_free(reg);
}

Test(registry_norm, named_beats_unnamed_then_file_order_and_aliases_follow_precedence)
{
    struct warns w = {0};
    struct pl_registry *reg = load_ok(HDR ",80,tcp,Reserved,,,,,,,,\r\n"
                                          "http,80,tcp,World Wide Web HTTP,,,,,,,,\r\n"
                                          "www,80,tcp,World Wide Web HTTP,,,,,,,,\r\n"
                                          "HTTP,80,tcp,dup,,,,,,,,\r\n"
                                          "www-http,80,tcp,World Wide Web HTTP,,,,,,,,\r\n"
                                          "www,80,tcp,again,,,,,,,,\r\n"
                                          "webs,70-90,tcp,Range,,,,,,,,\r\n",
                                      &w);
    const struct pl_reg_entry *e = get(reg, PL_PROTO_TCP, 80);
    cr_assert_str_eq(e->service, "http");
    cr_assert_str_eq(e->description, "World Wide Web HTTP");
    cr_assert_eq(e->alias_count, 3);
    cr_assert_str_eq(e->aliases[0], "www");
    cr_assert_str_eq(e->aliases[1], "www-http");
    cr_assert_str_eq(e->aliases[2], "webs"); /* the range row comes last */
    pl_registry_free(reg);
}

Test(registry_norm, statuses)
{
    struct warns w = {0};
    struct pl_registry *reg = load_ok(HDR ",1,tcp,Reserved,,,,,,,,\r\n"
                                          ",2,tcp,reserved for later,,,,,,,,\r\n"
                                          ",3,tcp,Unassigned,,,,,,,,\r\n"
                                          ",4,tcp,(unassigned),,,,,,,,\r\n"
                                          ",5,tcp,any private mail system,,,,,,,,\r\n"
                                          ",6,tcp,,,,,,,,,\r\n"
                                          "x,7,tcp,Unassigned,,,,,,,,\r\n",
                                      &w);
    static const enum pl_status want[] = {
        PL_STATUS_RESERVED, PL_STATUS_RESERVED, PL_STATUS_UNASSIGNED, PL_STATUS_UNASSIGNED,
        PL_STATUS_UNNAMED,  PL_STATUS_UNNAMED,  PL_STATUS_ASSIGNED};
    for (uint16_t port = 1; port <= 7; port++)
        cr_assert_eq(pl_registry_status(reg, PL_PROTO_TCP, port), want[port - 1], "port %u", port);
    cr_assert_str_eq(get(reg, PL_PROTO_TCP, 6)->description, "");
    cr_assert_null(get(reg, PL_PROTO_TCP, 8));
    cr_assert_eq(pl_registry_status(reg, PL_PROTO_TCP, 8), PL_STATUS_UNASSIGNED);
    cr_assert_null(get(reg, PL_PROTO_TCP, 5)->service);
    pl_registry_free(reg);
}

Test(registry_norm, unauthorized_is_first_non_empty_in_precedence_order_whatever_the_status)
{
    struct warns w = {0};
    struct pl_registry *reg =
        load_ok(HDR ",100,,Unassigned,,,,,,,Known Unauthorized Use on 100,\r\n"
                    ",90-110,tcp,Unassigned,,,,,,,range text,\r\n"
                    "a,105,tcp,A,,,,,,,,\r\n"
                    "b,105,tcp,B,,,,,,,second,\r\n",
                &w);
    const struct pl_reg_entry *e = get(reg, PL_PROTO_UDP, 100);
    cr_assert_eq(e->status, PL_STATUS_UNASSIGNED);
    cr_assert_str_eq(e->unauthorized, "Known Unauthorized Use on 100");
    cr_assert_str_eq(get(reg, PL_PROTO_TCP, 100)->unauthorized, "Known Unauthorized Use on 100");
    cr_assert_str_eq(get(reg, PL_PROTO_TCP, 105)->unauthorized, "second");
    cr_assert_str_eq(get(reg, PL_PROTO_TCP, 95)->unauthorized, "range text");
    cr_assert_null(get(reg, PL_PROTO_UDP, 95));
    pl_registry_free(reg);
}

struct name_calls {
    unsigned n;
    int32_t port[8];
    enum pl_proto proto[8];
    const char *desc[8];
};

static void
on_name(void *ctx, const char *name, enum pl_proto proto, int32_t port,
        const struct pl_reg_entry *e)
{
    struct name_calls *c = ctx;
    (void)name;
    if (c->n < 8) {
        c->port[c->n] = port;
        c->proto[c->n] = proto;
        c->desc[c->n] = e != NULL ? e->description : NULL;
    }
    c->n++;
}

Test(registry_norm, rows_without_port_serve_name_lookups_only)
{
    struct warns w = {0};
    struct pl_registry *reg = load_ok(HDR "dnssd,,tcp,DNS-SD,,,,,,,,\r\n"
                                          "x11,6000-6002,,X Window System,,,,,,,,\r\n",
                                      &w);
    struct name_calls c = {0};
    cr_assert_eq(pl_registry_find_name(reg, "DNSSD", on_name, &c), 1);
    cr_assert_eq(c.port[0], -1);
    cr_assert_eq(c.proto[0], PL_PROTO_TCP);
    cr_assert_str_eq(c.desc[0], "DNS-SD");
    memset(&c, 0, sizeof c);
    cr_assert_eq(pl_registry_find_name(reg, "x11", on_name, &c), 6); /* port, then protocol */
    cr_assert_eq(c.port[0], 6000);
    cr_assert_eq(c.proto[0], PL_PROTO_TCP);
    cr_assert_eq(c.port[1], 6000);
    cr_assert_eq(c.proto[1], PL_PROTO_UDP);
    cr_assert_eq(c.port[5], 6002);
    cr_assert_eq(pl_registry_find_name(reg, "nope", on_name, &c), 0);
    cr_assert_eq(pl_registry_rows(reg), 2);
    pl_registry_free(reg);
}

/* Names are matched whole and without regard to case, and shown as the first row that
 * carries them spells them; a name longer than any query buffer still matches. */
struct name_spelling {
    size_t calls;
    char shown[320];
    int32_t port[4];
};

static void
on_name_spelling(void *ctx, const char *name, enum pl_proto proto, int32_t port,
                 const struct pl_reg_entry *e)
{
    struct name_spelling *c = ctx;
    (void)proto;
    (void)e;
    snprintf(c->shown, sizeof c->shown, "%s", name);
    if (c->calls < 4)
        c->port[c->calls] = port;
    c->calls++;
}

Test(registry_norm, names_match_whole_and_any_case_shown_as_first_spelt)
{
    char long_name[301];
    memset(long_name, 'q', 300);
    long_name[300] = '\0';
    char csv[1024];
    snprintf(csv, sizeof csv,
             HDR "MyServ,100,tcp,First,,,,,,,,\r\n"
                 "myserv,200,udp,Second,,,,,,,,\r\n"
                 "myservx,300,tcp,Longer name,,,,,,,,\r\n"
                 "%s,400,tcp,Long,,,,,,,,\r\n",
             long_name);
    struct warns w = {0};
    struct pl_registry *reg = load_ok(csv, &w);
    struct name_spelling c = {0};

    cr_assert_eq(pl_registry_find_name(reg, "MYSERV", on_name_spelling, &c), 2);
    cr_assert_str_eq(c.shown, "MyServ", "the first row's spelling");
    cr_assert_eq(c.port[0], 100);
    cr_assert_eq(c.port[1], 200);
    memset(&c, 0, sizeof c);
    cr_assert_eq(pl_registry_find_name(reg, "myser", on_name_spelling, &c), 0, "no prefixes");
    cr_assert_eq(pl_registry_find_name(reg, "myservxx", on_name_spelling, &c), 0);
    long_name[0] = 'Q';
    cr_assert_eq(pl_registry_find_name(reg, long_name, on_name_spelling, &c), 1);
    cr_assert_eq(c.port[0], 400);
    cr_assert_eq(strlen(c.shown), 300);
    long_name[299] = '\0';
    cr_assert_eq(pl_registry_find_name(reg, long_name, on_name_spelling, &c), 0,
                 "its 299-character prefix matches nothing");
    pl_registry_free(reg);
}

/* ---- IANA XML ---- */

static const char xml_small[] =
    "<?xml version='1.0' encoding='UTF-8'?>\n"
    "<registry xmlns=\"http://www.iana.org/assignments\" id=\"service-names-port-numbers\">\n"
    "  <title>Service Name and Transport Protocol Port Number Registry</title>\n"
    "  <record>\n"
    "    <name>http</name>\n    <protocol>tcp</protocol>\n"
    "    <description>World Wide Web HTTP</description>\n    <number>80</number>\n"
    "  </record>\n"
    "  <record><name>www</name><protocol>tcp</protocol><number>80</number></record>\n"
    "  <record><name>whoispp</name><protocol>tcp</protocol>\n"
    "    <description>whois++<br/><br/>\nIANA assigned &amp; said\n      more</description>\n"
    "    <number>63</number></record>\n"
    "  <record><protocol>udp</protocol><description>Unassigned</description>\n"
    "    <number>100</number>\n"
    "    <unauthorized>Known Unauthorized Use on 100</unauthorized></record>\n"
    "  <record><name>x11</name><protocol>tcp</protocol><number>6000-6063</number>\n"
    "    <note>a note <xref type=\"rfc\" data=\"rfc1\"/></note></record>\n"
    "  <record><name>bad</name><protocol>tcp</protocol><number>99999</number></record>\n"
    "  <record><name>dnssd</name><protocol>tcp</protocol></record>\n"
    "  <people><person id=\"x\"><name>Not A Service</name></person></people>\n"
    "</registry>\n";

Test(registry_xml, records_are_read_and_normalised)
{
    struct warns w = {0};
    struct pl_registry *reg = load_ok(xml_small, &w);
    cr_assert_eq(pl_registry_format(reg), PL_REG_FMT_XML);
    cr_assert(pl_registry_has_unauthorized(reg));
    const struct pl_reg_entry *e = get(reg, PL_PROTO_TCP, 80);
    cr_assert_str_eq(e->service, "http");
    cr_assert_eq(e->alias_count, 1);
    cr_assert_str_eq(e->aliases[0], "www");
    /* As is, like the CSV edition: <br/> adds nothing, the text's own line breaks stay. */
    cr_assert_str_eq(get(reg, PL_PROTO_TCP, 63)->description,
                     "whois++\nIANA assigned & said\n      more");
    e = get(reg, PL_PROTO_UDP, 100);
    cr_assert_eq(e->status, PL_STATUS_UNASSIGNED);
    cr_assert_str_eq(e->unauthorized, "Known Unauthorized Use on 100");
    cr_assert_str_eq(get(reg, PL_PROTO_TCP, 6063)->service, "x11");
    cr_assert_null(get(reg, PL_PROTO_UDP, 6000));
    cr_assert_eq(pl_registry_rows(reg), 6);
    cr_assert_eq(pl_registry_bad_rows(reg), 1);
    cr_assert_eq(w.n, 1);
    cr_assert_eq(w.line[0], 21); /* the <record> of port 99999 */
    struct name_calls c = {0};
    cr_assert_eq(pl_registry_find_name(reg, "Not A Service", on_name, &c), 0);
    pl_registry_free(reg);
}

Test(registry_xml, malformed_xml_is_an_error_with_line)
{
    static const char data[] = "<registry>\n<record><name>a</name>\n</registry>\n";
    struct warns w = {0};
    struct pl_err err = {.msg = ""};
    int rc;
    struct pl_registry *reg = load_n(data, sizeof data - 1, &rc, &w, &err);
    cr_assert_eq(rc, -1);
    cr_assert_str_eq(err.msg, "mem.csv:3: XML error: mismatched tag");
    pl_registry_free(reg);
}

Test(registry_xml, other_xml_is_not_a_registry)
{
    static const char data[] = "<html><body>404</body></html>";
    struct warns w = {0};
    struct pl_err err = {.msg = ""};
    int rc;
    struct pl_registry *reg = load_n(data, sizeof data - 1, &rc, &w, &err);
    cr_assert_eq(rc, -1);
    cr_assert_str_eq(err.msg, "mem.csv:1: not an IANA registry (root element <html>)");
    pl_registry_free(reg);
}

/* ---- services(5) ---- */

Test(registry_services, etc_services_with_aliases_and_comments)
{
    struct warns w = {0};
    struct pl_registry *reg = load_ok("# Network services, Internet style\n"
                                      "tcpmux\t\t1/tcp\t\t\t\t# TCP port service multiplexer\n"
                                      "http\t\t80/tcp\t\twww\t\t# WorldWideWeb HTTP\n"
                                      "rtmp\t\t1/ddp\t\t\t# Routing Table Maintenance Protocol\n"
                                      "kerberos\t88/tcp\t\tkerberos5 krb5 kerberos-sec\n"
                                      "broken 80\n",
                                      &w);
    cr_assert_eq(pl_registry_format(reg), PL_REG_FMT_SERVICES);
    cr_assert_not(pl_registry_has_unauthorized(reg));
    const struct pl_reg_entry *e = get(reg, PL_PROTO_TCP, 80);
    cr_assert_str_eq(e->service, "http");
    cr_assert_str_eq(e->description, ""); /* names and ports only: comments are not data */
    cr_assert_eq(e->alias_count, 1);
    cr_assert_str_eq(e->aliases[0], "www");
    e = get(reg, PL_PROTO_TCP, 88);
    cr_assert_eq(e->alias_count, 3);
    cr_assert_str_eq(e->aliases[2], "kerberos-sec");
    cr_assert_str_eq(e->description, "");
    cr_assert_null(get(reg, PL_PROTO_UDP, 80)); /* no protocol-less defaulting here */
    struct name_calls c = {0};
    cr_assert_eq(pl_registry_find_name(reg, "krb5", on_name, &c), 1);
    cr_assert_eq(pl_registry_rows(reg), 3); /* lines, not names; ddp is not ours */
    cr_assert_eq(w.n, 1);
    cr_assert_eq(w.line[0], 6);
    pl_registry_free(reg);
}

Test(registry_services, wireshark_merged_protocols_and_ranges)
{
    struct warns w = {0};
    struct pl_registry *reg = load_ok("discard\t\t9/tcp/udp/sctp/dccp\t# Discard\n"
                                      "x11\t\t6000-6063/tcp/udp\t# X Window System\n"
                                      "bad\t\t10/tcp/icmp\t# nope\n",
                                      &w);
    for (int p = 0; p < PL_PROTO_COUNT; p++)
        cr_assert_str_eq(get(reg, (enum pl_proto)p, 9)->service, "discard");
    cr_assert_str_eq(get(reg, PL_PROTO_UDP, 6063)->service, "x11");
    cr_assert_null(get(reg, PL_PROTO_SCTP, 6000));
    cr_assert_eq(w.n, 1);
    cr_assert_str_eq(w.why[0], "unknown transport protocol \"icmp\"");
    pl_registry_free(reg);
}

Test(registry_services, nmap_services_frequency_is_not_an_alias)
{
    struct warns w = {0};
    struct pl_registry *reg = load_ok("# Fields in this file are: Service name, portnum/protocol, "
                                      "open-frequency, optional comments\n"
                                      "http\t80/tcp\t0.484143\t# World Wide Web HTTP\n"
                                      "unknown\t1/udp\t0.000500\n",
                                      &w);
    const struct pl_reg_entry *e = get(reg, PL_PROTO_TCP, 80);
    cr_assert_str_eq(e->service, "http");
    cr_assert_eq(e->alias_count, 0);
    cr_assert_str_eq(e->description, ""); /* the comment is not a description */
    cr_assert_eq(pl_registry_rows(reg), 2);
    pl_registry_free(reg);
}

/* ---- names and helpers ---- */

Test(registry_names, proto_and_status_names_round_trip)
{
    enum pl_proto p;
    for (int i = 0; i < PL_PROTO_COUNT; i++) {
        cr_assert(pl_proto_parse(pl_proto_name((enum pl_proto)i), &p));
        cr_assert_eq(p, (enum pl_proto)i);
    }
    cr_assert(pl_proto_parse("SCTP", &p));
    cr_assert_eq(p, PL_PROTO_SCTP);
    cr_assert_not(pl_proto_parse("icmp", &p));
    cr_assert_not(pl_proto_parse("", &p));
    cr_assert_str_eq(pl_status_name(PL_STATUS_UNNAMED), "unnamed");
    cr_assert_str_eq(pl_status_name(PL_STATUS_ASSIGNED), "assigned");
    cr_assert(pl_proto_from_ip(33, &p));
    cr_assert_eq(p, PL_PROTO_DCCP);
    cr_assert(pl_proto_from_ip(132, &p));
    cr_assert_eq(p, PL_PROTO_SCTP);
    cr_assert_not(pl_proto_from_ip(1, &p));
}

Test(registry_discover, cli_path_then_environment)
{
    char out[256];
    struct pl_err err = {.msg = ""};
    setenv("PORTLABEL_REGISTRY", "/from/env.csv", 1);
    cr_assert_eq(pl_registry_discover("/from/cli.csv", out, sizeof out, &err), 0);
    cr_assert_str_eq(out, "/from/cli.csv");
    cr_assert_eq(pl_registry_discover(NULL, out, sizeof out, &err), 0);
    cr_assert_str_eq(out, "/from/env.csv");
    unsetenv("PORTLABEL_REGISTRY");
    out[0] = '\0';
    if (pl_registry_discover(NULL, out, sizeof out, &err) == 0) /* whatever this host has */
        cr_assert(access(out, R_OK) == 0, "%s", out);
    else
        cr_assert(strstr(err.msg, "no registry found") == err.msg, "%s", err.msg);
    cr_assert_eq(pl_registry_discover("/x/too-long-for-the-buffer.csv", out, 8, &err), -1);
}

Test(registry_get, out_of_range_protocol_and_null_registry_give_null)
{
    struct warns w = {0};
    struct pl_registry *reg = load_ok(HDR "ssh,22,tcp,SSH,,,,,,,,\r\n", &w);
    cr_assert_null(pl_registry_get(reg, PL_PROTO_COUNT, 22));
    cr_assert_null(pl_registry_get(NULL, PL_PROTO_TCP, 22));
    pl_registry_free(reg);
    pl_registry_free(NULL);
}

/* Fuzzing regression: overlapping full-range rows asked for billions of
 * (row, port) coverings; a cap now refuses the file before allocating. */
Test(registry_load, overlapping_ranges_beyond_the_cap_are_an_error)
{
    char *data = malloc(strlen(HDR) + 64 * 40 + 1);
    cr_assert_not_null(data);
    size_t n = (size_t)sprintf(data, HDR);
    for (int i = 0; i < 40; i++) /* 40 rows x 65536 ports x tcp+udp */
        n += (size_t)sprintf(data + n, "a,0-65535,,Everything,,,,,,,,\r\n");
    struct warns w = {0};
    struct pl_err err = {.msg = ""};
    int rc;
    struct pl_registry *reg = load_n(data, n, &rc, &w, &err);
    cr_assert_eq(rc, -1);
    cr_assert(strstr(err.msg, "mem.csv: port ranges overlap too much") == err.msg, "%s", err.msg);
    free(data);
    pl_registry_free(reg);
}

Test(registry_load, a_few_overlapping_full_ranges_still_load)
{
    struct warns w = {0};
    struct pl_registry *reg =
        load_ok(HDR "a,0-65535,,A,,,,,,,,\r\nb,0-65535,tcp,B,,,,,,,,\r\n", &w);
    const struct pl_reg_entry *e = get(reg, PL_PROTO_TCP, 65535);
    cr_assert_str_eq(e->service, "a");
    cr_assert_eq(e->alias_count, 1);
    cr_assert_str_eq(e->aliases[0], "b");
    cr_assert_eq(get(reg, PL_PROTO_TCP, 0), e); /* one entry for the whole span */
    struct name_calls c = {0};
    cr_assert_eq(pl_registry_find_name(reg, "a", on_name, &c), 2 * 65536);
    pl_registry_free(reg);
}

/* The brief's excerpt of the registry page starts with the registry's title,
 * which names "Service Name" and "Port Number" but is no CSV header. */
Test(registry_load, title_line_naming_the_columns_is_not_a_csv_header)
{
    static const char data[] = "Service Name and Transport Protocol Port Number Registry\n"
                               "| Service Name | Port Number | Transport Protocol |\n"
                               "| opsec-ela | 18187 | udp |\n";
    struct warns w = {0};
    struct pl_err err = {.msg = ""};
    int rc;
    struct pl_registry *reg = load_n(data, sizeof data - 1, &rc, &w, &err);
    cr_assert_eq(rc, -1);
    cr_assert(strncmp(err.msg, "mem.csv: not a registry", 23) == 0, "%s", err.msg);
    pl_registry_free(reg);
}

/* Regression (review): a services(5) file whose first comment names the CSV columns was
 * taken for IANA CSV and refused ("CSV header has no ... column"). */
Test(registry_services, comment_naming_the_columns_is_not_a_csv_header)
{
    static const char text[] = "# Service name, port number/protocol, aliases\n"
                               "http 80/tcp www\n";
    struct pl_err err = {.msg = ""};
    struct pl_registry *reg = pl_registry_new();
    cr_assert_not_null(reg);
    cr_assert_eq(pl_registry_load_mem(reg, text, sizeof text - 1, "svc", NULL, NULL, &err), 0,
                 "%s", err.msg);
    cr_assert_eq(pl_registry_format(reg), PL_REG_FMT_SERVICES);
    const struct pl_reg_entry *e = pl_registry_get(reg, PL_PROTO_TCP, 80);
    cr_assert_not_null(e);
    cr_assert_str_eq(e->service, "http");
    pl_registry_free(reg);
}
