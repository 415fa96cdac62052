/* tests/unit/test_registry_shared.c — the full IANA registry (CSV and XML editions in
 * PL_SHARED_DIR/registry): known ports, assigned counts, and CSV/XML agreement (RFC 6335). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "portlabel/registry.h"

#define CSV_PATH PL_SHARED_DIR "/registry/service-names-port-numbers.csv"
#define XML_PATH PL_SHARED_DIR "/registry/service-names-port-numbers.xml"

static struct pl_registry *
load_or_skip(const char *path)
{
    struct pl_err err = {.msg = ""};

    if (access(path, R_OK) != 0)
        cr_skip_test("%s is absent: the shared registry is needed for this test", path);
    struct pl_registry *reg = pl_registry_new();
    cr_assert_not_null(reg);
    cr_assert_eq(pl_registry_load(reg, path, NULL, NULL, &err), 0, "%s", err.msg);
    return reg;
}

static const struct pl_reg_entry *
must_get(const struct pl_registry *reg, enum pl_proto p, uint16_t port)
{
    const struct pl_reg_entry *e = pl_registry_get(reg, p, port);
    cr_assert_not_null(e, "%u/%s has no entry", port, pl_proto_name(p));
    return e;
}

static void
check_known_ports(const struct pl_registry *reg)
{
    const struct pl_reg_entry *e = must_get(reg, PL_PROTO_TCP, 80);
    cr_assert_str_eq(e->service, "http");
    cr_assert_eq(e->alias_count, 2);
    cr_assert_str_eq(e->aliases[0], "www");
    cr_assert_str_eq(e->aliases[1], "www-http");

    e = must_get(reg, PL_PROTO_UDP, 33435);
    cr_assert_str_eq(e->service, "mtrace");
    cr_assert_str_eq(e->unauthorized, "Known Unauthorized Use on port 33435");

    for (int p = PL_PROTO_TCP; p <= PL_PROTO_UDP; p++) {
        e = must_get(reg, (enum pl_proto)p, 100);
        cr_assert_eq(e->status, PL_STATUS_UNASSIGNED);
        cr_assert_null(e->service);
        cr_assert_str_eq(e->unauthorized, "Known Unauthorized Use on 100");
    }

    e = must_get(reg, PL_PROTO_TCP, 6010); /* inside the x11 range 6000-6063 */
    cr_assert_str_eq(e->service, "x11");
    cr_assert_eq(e->status, PL_STATUS_ASSIGNED);

    e = must_get(reg, PL_PROTO_TCP, 7775); /* single-port row beats the Unassigned range */
    cr_assert_str_eq(e->service, "inetfs");

    e = must_get(reg, PL_PROTO_TCP, 2);
    cr_assert_eq(e->status, PL_STATUS_RESERVED);

    e = must_get(reg, PL_PROTO_TCP, 24);
    cr_assert_eq(e->status, PL_STATUS_UNNAMED);
    cr_assert_str_eq(e->description, "any private mail system");

    cr_assert_str_eq(must_get(reg, PL_PROTO_SCTP, 9)->service, "discard");
    cr_assert_str_eq(must_get(reg, PL_PROTO_DCCP, 9)->service, "discard");

    /* no row covers the dynamic range: unassigned, description null */
    cr_assert_null(pl_registry_get(reg, PL_PROTO_TCP, 49152));
    cr_assert_eq(pl_registry_status(reg, PL_PROTO_TCP, 49152), PL_STATUS_UNASSIGNED);
}

Test(registry_shared, csv_known_ports)
{
    struct pl_registry *reg = load_or_skip(CSV_PATH);
    check_known_ports(reg);
    cr_assert_eq(pl_registry_rows(reg), 14499); /* every data row of this edition is valid */
    cr_assert_eq(pl_registry_bad_rows(reg), 0);
    pl_registry_free(reg);
}

Test(registry_shared, xml_known_ports)
{
    struct pl_registry *reg = load_or_skip(XML_PATH);
    check_known_ports(reg);
    cr_assert_eq(pl_registry_rows(reg), 14533); /* <record> elements in this edition */
    cr_assert_eq(pl_registry_bad_rows(reg), 0);
    pl_registry_free(reg);
}

/* Assigned (protocol, port) pairs in the CSV edition. Obtained independently of
 * this code with Python's csv module: for every (protocol, port) the covering
 * rows (ranges expanded, protocol-less rows counted for tcp and udp) were sorted
 * by (is range, has no name, file order) and the pair counted when the first
 * row has a service name (script: sort + count, see the registry helper's report). */
Test(registry_shared, csv_assigned_pairs_per_protocol)
{
    static const size_t want[PL_PROTO_COUNT] = {6142, 5747, 88, 9};
    struct pl_registry *reg = load_or_skip(CSV_PATH);
    for (int p = 0; p < PL_PROTO_COUNT; p++) {
        size_t n = 0;
        for (uint32_t port = 0; port <= UINT16_MAX; port++)
            n += pl_registry_status(reg, (enum pl_proto)p, (uint16_t)port) == PL_STATUS_ASSIGNED;
        cr_assert_eq(n, want[p], "%s: %zu assigned, want %zu", pl_proto_name((enum pl_proto)p), n,
                     want[p]);
    }
    pl_registry_free(reg);
}

static const char *
or_null(const char *s)
{
    return s != NULL ? s : "(null)";
}

/* The XML is a later edition (updated 2026-08-17) than the CSV. Comparing every
 * (protocol, port), service, status and unauthorized text agree everywhere,
 * and below 1024 the descriptions too, except these 18 pairs, all records
 * changed between the editions:
 *   - 17 new assignments or reservations (the CSV has them Unassigned, or
 *     7123/udp Reserved; the XML names them): agtp/agtp-quic 4480, veroce
 *     4794/udp, 4794/tcp and 34966/tcp now Reserved, roughtime 5319, bencher
 *     6610, snif 7123/udp, sirius-agent 9183, dilithium3 30939,
 *     profinet-cm-sec 34965, profinet-rt-sec 34966/udp;
 *   - 700/udp: still epp, but its record was updated on 2026-07-23 and is now
 *     described as "EPP running over QUIC" (the CSV: "Extensible Provisioning
 *     Protocol"). */
static const struct {
    enum pl_proto proto;
    uint16_t port;
} changed[] = {
    {PL_PROTO_TCP, 4480},  {PL_PROTO_TCP, 4794},  {PL_PROTO_TCP, 5319},  {PL_PROTO_TCP, 6610},
    {PL_PROTO_TCP, 9183},  {PL_PROTO_TCP, 30939}, {PL_PROTO_TCP, 34965}, {PL_PROTO_TCP, 34966},
    {PL_PROTO_UDP, 4480},  {PL_PROTO_UDP, 4794},  {PL_PROTO_UDP, 5319},  {PL_PROTO_UDP, 6610},
    {PL_PROTO_UDP, 7123},  {PL_PROTO_UDP, 9183},  {PL_PROTO_UDP, 30939}, {PL_PROTO_UDP, 34965},
    {PL_PROTO_UDP, 34966}, {PL_PROTO_UDP, 700},
};

static bool
is_changed(enum pl_proto p, uint16_t port)
{
    for (size_t i = 0; i < sizeof changed / sizeof changed[0]; i++) {
        if (changed[i].proto == p && changed[i].port == port)
            return true;
    }
    return false;
}

Test(registry_shared, csv_and_xml_editions_agree_except_changed_assignments)
{
    struct pl_registry *csv = load_or_skip(CSV_PATH);
    struct pl_registry *xml = load_or_skip(XML_PATH);
    size_t differ = 0;

    for (int p = 0; p < PL_PROTO_COUNT; p++) {
        for (uint32_t port = 0; port <= UINT16_MAX; port++) {
            const struct pl_reg_entry *a = pl_registry_get(csv, (enum pl_proto)p, (uint16_t)port);
            const struct pl_reg_entry *b = pl_registry_get(xml, (enum pl_proto)p, (uint16_t)port);
            bool same =
                pl_registry_status(csv, (enum pl_proto)p, (uint16_t)port) ==
                    pl_registry_status(xml, (enum pl_proto)p, (uint16_t)port) &&
                (a == NULL) == (b == NULL) &&
                (a == NULL || (strcmp(or_null(a->service), or_null(b->service)) == 0 &&
                               strcmp(or_null(a->unauthorized), or_null(b->unauthorized)) == 0));
            /* below 1024 the descriptions agree too (the XML's layout
             * line breaks are folded; <br/> is a newline as in the CSV) */
            if (same && a != NULL && port < 1024)
                same = strcmp(a->description, b->description) == 0;
            if (is_changed((enum pl_proto)p, (uint16_t)port)) {
                cr_expect_not(same, "%u/%s is listed as changed but agrees", port,
                              pl_proto_name((enum pl_proto)p));
                differ++;
                continue;
            }
            cr_assert(same, "%u/%s: csv %s (%s) vs xml %s (%s)", port,
                      pl_proto_name((enum pl_proto)p), a ? or_null(a->service) : "-",
                      a ? or_null(a->unauthorized) : "-", b ? or_null(b->service) : "-",
                      b ? or_null(b->unauthorized) : "-");
        }
    }
    cr_assert_eq(differ, sizeof changed / sizeof changed[0]);
    pl_registry_free(csv);
    pl_registry_free(xml);
}

struct seen {
    const struct pl_registry *reg;
    size_t n;
    bool tcp_443, udp_443;
};

static void
on_https(void *ctx, const char *name, enum pl_proto proto, int32_t port,
         const struct pl_reg_entry *e)
{
    struct seen *s = ctx;
    cr_assert_str_eq(name, "https");
    s->n++;
    if (port >= 0) /* the name map and pl_registry_get's flat index agree */
        cr_assert_eq(e, pl_registry_get(s->reg, proto, (uint16_t)port), "%d/%s", (int)port,
                     pl_proto_name(proto));
    if (port == 443 && proto == PL_PROTO_TCP)
        s->tcp_443 = e != NULL && strcmp(e->service, "https") == 0;
    if (port == 443 && proto == PL_PROTO_UDP)
        s->udp_443 = e != NULL;
}

Test(registry_shared, name_lookup_finds_https_on_443)
{
    struct pl_registry *reg = load_or_skip(CSV_PATH);
    struct seen s = {.reg = reg};
    size_t n = pl_registry_find_name(reg, "HTTPS", on_https, &s);
    cr_assert_eq(n, s.n);
    cr_assert_geq(n, 3); /* 443/tcp, 443/udp, 443/sctp */
    cr_assert(s.tcp_443);
    cr_assert(s.udp_443);
    pl_registry_free(reg);
}

Test(registry_shared, services_files_load_when_present)
{
    static const char *const files[] = {"/usr/share/wireshark/services", "/etc/services"};
    for (size_t i = 0; i < 2; i++) {
        if (access(files[i], R_OK) != 0)
            continue;
        struct pl_registry *reg = pl_registry_new();
        struct pl_err err = {.msg = ""};
        cr_assert_eq(pl_registry_load(reg, files[i], NULL, NULL, &err), 0, "%s", err.msg);
        cr_assert_eq(pl_registry_format(reg), PL_REG_FMT_SERVICES);
        cr_assert_str_eq(pl_registry_get(reg, PL_PROTO_TCP, 80)->service, "http");
        cr_assert_eq(pl_registry_bad_rows(reg), 0, "%s", files[i]);
        pl_registry_free(reg);
    }
}
