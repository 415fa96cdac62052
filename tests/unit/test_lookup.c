/* tests/unit/test_lookup.c — `portlabel lookup` output (SPEC §6 label fields, §7 usage errors). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "portlabel/output.h"
#include "portlabel/registry.h"

#define HDR "Service Name,Port Number,Transport Protocol,Description,Unauthorized Use Reported\r\n"

static const char reg_csv[] = HDR "https,443,tcp,http protocol over TLS/SSL,\r\n"
                                  "https,443,udp,http protocol over TLS/SSL,\r\n"
                                  "https,443,sctp,HTTPS,\r\n"
                                  "http,80,tcp,World Wide Web HTTP,\r\n"
                                  "www,80,tcp,\"World Wide Web \"\"HTTP\"\"\",\r\n"
                                  ",100,,Unassigned,Known Unauthorized Use on 100\r\n"
                                  "3com-tsmux,106,tcp,\"3COM-TSMUX\nsecond line\",\r\n"
                                  "x11,6000-6001,tcp,X Window System,\r\n"
                                  "914c/g,211,tcp,Texas Instruments 914C/G Terminal,\r\n";

static struct pl_registry *
make_reg(void)
{
    struct pl_registry *reg = pl_registry_new();
    struct pl_err err = {.msg = ""};
    cr_assert_eq(pl_registry_load_mem(reg, reg_csv, sizeof reg_csv - 1, "t.csv", NULL, NULL, &err),
                 0, "%s", err.msg);
    return reg;
}

/* Runs one query; returns its result and the output (malloc'd) in *text. */
static int
run(const char *query, enum pl_format fmt, char **text, struct pl_err *err)
{
    struct pl_registry *reg = make_reg();
    size_t len = 0;
    FILE *out = open_memstream(text, &len);
    cr_assert_not_null(out);
    int n = pl_lookup_print(reg, query, fmt, out, err);
    fclose(out);
    pl_registry_free(reg);
    return n;
}

Test(lookup, port_and_protocol_json)
{
    char *t;
    struct pl_err err = {.msg = ""};
    cr_assert_eq(run("80/tcp", PL_FMT_JSON, &t, &err), 1);
    cr_assert_str_eq(t, "{\"port\":80,\"proto\":\"tcp\",\"service\":\"http\",\"aliases\":[\"www\"],"
                        "\"description\":\"World Wide Web HTTP\",\"status\":\"assigned\","
                        "\"port_class\":\"system\",\"unauthorized\":null}\n");
    free(t);
}

Test(lookup, unassigned_port_with_unauthorized_text)
{
    char *t;
    struct pl_err err = {.msg = ""};
    cr_assert_eq(run("100/udp", PL_FMT_JSON, &t, &err), 1);
    cr_assert_str_eq(t, "{\"port\":100,\"proto\":\"udp\",\"service\":null,\"aliases\":[],"
                        "\"description\":\"Unassigned\",\"status\":\"unassigned\","
                        "\"port_class\":\"system\","
                        "\"unauthorized\":\"Known Unauthorized Use on 100\"}\n");
    free(t);
    cr_assert_eq(run("100/udp", PL_FMT_TEXT, &t, &err), 1);
    cr_assert_str_eq(t, "100/udp  -  unassigned  system\n"
                        "  description: Unassigned\n"
                        "  unauthorized: Known Unauthorized Use on 100\n");
    free(t);
}

Test(lookup, port_alone_lists_tcp_udp_and_every_protocol_with_a_row)
{
    char *t;
    struct pl_err err = {.msg = ""};
    cr_assert_eq(run("443", PL_FMT_TEXT, &t, &err), 3);
    cr_assert(strstr(t, "443/tcp  https  assigned  system\n") != NULL, "%s", t);
    cr_assert(strstr(t, "443/udp  https") != NULL);
    cr_assert(strstr(t, "443/sctp  https") != NULL);
    cr_assert(strstr(t, "443/dccp") == NULL);
    free(t);
    /* no row at all: tcp and udp still answer, unassigned with null description */
    cr_assert_eq(run("50000", PL_FMT_JSON, &t, &err), 2);
    cr_assert(strstr(t, "{\"port\":50000,\"proto\":\"tcp\",\"service\":null,\"aliases\":[],"
                        "\"description\":null,\"status\":\"unassigned\","
                        "\"port_class\":\"dynamic\",\"unauthorized\":null}\n") == t,
              "%s", t);
    free(t);
}

Test(lookup, name_lists_every_port_and_protocol)
{
    char *t;
    struct pl_err err = {.msg = ""};
    cr_assert_eq(run("HTTPS", PL_FMT_TEXT, &t, &err), 3);
    free(t);
    cr_assert_eq(run("x11", PL_FMT_JSON, &t, &err), 2);
    cr_assert(strstr(t, "\"port\":6001") != NULL);
    cr_assert(strstr(t, "\"port_class\":\"user\"") != NULL);
    free(t);
    cr_assert_eq(run("https/udp", PL_FMT_JSON, &t, &err), 1);
    free(t);
    cr_assert_eq(run("3com-tsmux", PL_FMT_TEXT, &t, &err), 1); /* a name starting with a digit */
    cr_assert(strstr(t, "  description: 3COM-TSMUX\\nsecond line\n") != NULL, "%s", t);
    free(t);
    cr_assert_eq(run("no-such-service", PL_FMT_TEXT, &t, &err), 0);
    cr_assert_str_eq(t, "");
    free(t);
}

/* Regression: a name holding a slash (IANA has "914c/g") was split at the slash and refused
 * as an unknown protocol. */
Test(lookup, name_with_a_slash)
{
    char *t;
    struct pl_err err = {.msg = ""};
    cr_assert_eq(run("914c/g", PL_FMT_JSON, &t, &err), 1, "%s", err.msg);
    cr_assert(strstr(t, "\"port\":211,\"proto\":\"tcp\",\"service\":\"914c/g\"") != NULL, "%s", t);
    free(t);
    cr_assert_eq(run("914c/g/tcp", PL_FMT_TEXT, &t, &err), 1);
    free(t);
    cr_assert_eq(run("914C/G/udp", PL_FMT_TEXT, &t, &err), 0);
    free(t);
    /* a last part that is neither a protocol nor part of a known name: still refused */
    cr_assert_eq(run("https/tpc", PL_FMT_TEXT, &t, &err), -1);
    cr_assert(strstr(err.msg, "\"tpc\" is no protocol") != NULL, "%s", err.msg);
    free(t);
    /* slashes that name nothing stay usage errors, whatever the last part */
    static const char *const bad[] = {"443/tcp/udp", "443//tcp", "https/tcp/tcp", "443/x/tcp",
                                      "/udp/tcp", "a/b/c"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err.msg[0] = '\0';
        cr_assert_eq(run(bad[i], PL_FMT_TEXT, &t, &err), -1, "query \"%s\"", bad[i]);
        cr_assert_neq(err.msg[0], '\0');
        cr_assert_str_eq(t, "");
        free(t);
    }
}

Test(lookup, json_escapes_registry_text)
{
    char *t;
    struct pl_err err = {.msg = ""};
    cr_assert_eq(run("www", PL_FMT_JSON, &t, &err), 1);
    cr_assert(strstr(t, "\"aliases\":[\"www\"]") != NULL, "%s", t); /* www is an alias of http */
    cr_assert(strstr(t, "\"service\":\"http\"") != NULL, "%s", t);
    free(t);
}

Test(lookup, bad_syntax_is_a_usage_error)
{
    static const char *const bad[] = {"", "70000/tcp", "443/foo", "443/", "/tcp", "99999999999"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char *t;
        struct pl_err err = {.msg = ""};
        cr_assert_eq(run(bad[i], PL_FMT_TEXT, &t, &err), -1, "query \"%s\"", bad[i]);
        cr_assert_neq(err.msg[0], '\0');
        cr_assert_str_eq(t, "");
        free(t);
    }
}
