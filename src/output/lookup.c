/* src/output/lookup.c — `portlabel lookup`: registry matches of one query ("443/tcp",
 * "443", "https", "https/udp") as readable text or JSON Lines (RFC 8259), SPEC §6 names. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "portlabel/output.h"
#include "portlabel/registry.h"

#define PL_SYSTEM_PORT_MAX 1023u /* RFC 6335 §6: System Ports 0-1023 */
#define PL_USER_PORT_MAX 49151u  /* User Ports 1024-49151; Dynamic 49152-65535 */

struct lookup {
    FILE *out;
    enum pl_format fmt;
    bool has_proto;      /* the query named a protocol */
    enum pl_proto proto; /* that protocol */
    int matches;
    int names; /* rows of the queried name, whatever their protocol */
};

static const char *
class_name(int32_t port)
{
    if (port < 0)
        return NULL;
    if ((uint32_t)port <= PL_SYSTEM_PORT_MAX)
        return "system";
    return (uint32_t)port <= PL_USER_PORT_MAX ? "user" : "dynamic";
}

static void
print_json(FILE *out, int32_t port, enum pl_proto proto, const struct pl_reg_entry *e)
{
    if (port >= 0)
        fprintf(out, "{\"port\":%d,\"proto\":\"%s\",\"service\":", (int)port, pl_proto_name(proto));
    else
        fprintf(out, "{\"port\":null,\"proto\":\"%s\",\"service\":", pl_proto_name(proto));
    pl_out_json_str(out, e != NULL ? e->service : NULL);
    fputs(",\"aliases\":[", out);
    for (uint32_t i = 0; e != NULL && i < e->alias_count; i++) {
        if (i > 0)
            fputc(',', out);
        pl_out_json_str(out, e->aliases[i]);
    }
    fputs("],\"description\":", out);
    pl_out_json_str(out, e != NULL ? e->description : NULL);
    fprintf(out, ",\"status\":\"%s\",\"port_class\":",
            pl_status_name(e != NULL ? (enum pl_status)e->status : PL_STATUS_UNASSIGNED));
    const char *cls = class_name(port);
    if (cls != NULL)
        fprintf(out, "\"%s\"", cls);
    else
        fputs("null", out);
    fputs(",\"unauthorized\":", out);
    pl_out_json_str(out, e != NULL ? e->unauthorized : NULL);
    fputs("}\n", out);
}

static void
print_text(FILE *out, int32_t port, enum pl_proto proto, const struct pl_reg_entry *e)
{
    enum pl_status st = e != NULL ? (enum pl_status)e->status : PL_STATUS_UNASSIGNED;
    const char *cls = class_name(port);

    if (port >= 0)
        fprintf(out, "%d/%s", (int)port, pl_proto_name(proto));
    else
        fprintf(out, "-/%s", pl_proto_name(proto));
    fputs("  ", out);
    if (e != NULL && e->service != NULL)
        pl_out_text_str(out, e->service);
    else
        fputc('-', out);
    fprintf(out, "  %s  %s\n", pl_status_name(st), cls != NULL ? cls : "no port");
    if (e != NULL && e->alias_count > 0) {
        fputs("  aliases: ", out);
        for (uint32_t i = 0; i < e->alias_count; i++) {
            if (i > 0)
                fputs(", ", out);
            pl_out_text_str(out, e->aliases[i]);
        }
        fputc('\n', out);
    }
    fputs("  description: ", out);
    if (e != NULL)
        pl_out_text_str(out, e->description);
    else
        fputs("(no registry row)", out);
    fputc('\n', out);
    if (e != NULL && e->unauthorized != NULL) {
        fputs("  unauthorized: ", out);
        pl_out_text_str(out, e->unauthorized);
        fputc('\n', out);
    }
}

static void
emit(struct lookup *lk, int32_t port, enum pl_proto proto, const struct pl_reg_entry *e)
{
    if (lk->fmt == PL_FMT_JSON)
        print_json(lk->out, port, proto, e);
    else
        print_text(lk->out, port, proto, e);
    lk->matches++;
}

static void
on_name(void *ctx, const char *name, enum pl_proto proto, int32_t port,
        const struct pl_reg_entry *e)
{
    struct lookup *lk = ctx;

    (void)name;
    lk->names++;
    if (!lk->has_proto || lk->proto == proto)
        emit(lk, port, proto, e);
}

static bool
is_number(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (!isdigit((unsigned char)s[i]))
            return false;
    }
    return len > 0;
}

static int
unknown_proto(const char *query, struct pl_err *err)
{
    pl_err_set(err, "\"%.60s\": unknown protocol (tcp, udp, sctp or dccp)", query);
    return -1;
}

int
pl_lookup_print(const struct pl_registry *reg, const char *query, enum pl_format fmt, FILE *out,
                struct pl_err *err)
{
    struct lookup lk = {.out = out, .fmt = fmt};
    const char *slash;

    if (query == NULL || query[0] == '\0') {
        pl_err_set(err, "empty query (want PORT, PORT/PROTO or NAME)");
        return -1;
    }
    /* "X/proto" splits at its last slash. Registry names may hold a slash themselves
     * ("914c/g"), so a query whose last part is no protocol is looked up whole as a name. */
    slash = strrchr(query, '/');
    size_t len = strlen(query);
    if (slash != NULL && pl_proto_parse(slash + 1, &lk.proto)) {
        lk.has_proto = true;
        len = (size_t)(slash - query);
    } else if (slash != NULL && is_number(query, (size_t)(slash - query))) {
        return unknown_proto(query, err);
    }
    if (is_number(query, len)) {
        uint32_t port = 0;
        for (size_t i = 0; i < len && port <= UINT16_MAX; i++)
            port = port * 10u + (uint32_t)(query[i] - '0');
        if (port > UINT16_MAX) {
            pl_err_set(err, "\"%.60s\": bad port (want 0-65535)", query);
            return -1;
        }
        for (int pr = 0; pr < PL_PROTO_COUNT; pr++) {
            const struct pl_reg_entry *e = pl_registry_get(reg, (enum pl_proto)pr, (uint16_t)port);
            if (lk.has_proto ? lk.proto != (enum pl_proto)pr
                             : e == NULL && pr != PL_PROTO_TCP && pr != PL_PROTO_UDP)
                continue; /* every protocol with a row, and always tcp and udp */
            emit(&lk, (int32_t)port, (enum pl_proto)pr, e);
        }
        return lk.matches;
    }

    /* anything else is a service name; names may start with a digit (3com-tsmux) */
    char name[256];
    if (len == 0 || len >= sizeof name) {
        pl_err_set(err, "\"%.60s\": bad service name", query);
        return -1;
    }
    for (size_t i = 0; i < len; i++) {
        if (isspace((unsigned char)query[i]) || iscntrl((unsigned char)query[i])) {
            pl_err_set(err, "\"%.60s\": bad service name", query);
            return -1;
        }
    }
    memcpy(name, query, len);
    name[len] = '\0';
    (void)pl_registry_find_name(reg, name, on_name, &lk);
    /* A slash that found nothing is more likely a mistyped query than a missing name:
     * "https/tpc", "443/tcp/udp". */
    if (lk.matches == 0 && slash != NULL && !lk.has_proto) {
        pl_err_set(err, "\"%.60s\": no such service name, and \"%.20s\" is no protocol (tcp, "
                        "udp, sctp or dccp)", query, slash + 1);
        return -1;
    }
    if (lk.names == 0 && memchr(query, '/', len) != NULL) {
        pl_err_set(err, "\"%.60s\": no such service name (want PORT, PORT/PROTO, NAME or "
                        "NAME/PROTO)", query);
        return -1;
    }
    return lk.matches;
}
