/* tests/unit/test_output_hostile.c — a hostile registry through every output format,
 * parsed back with strict parsers (python3 json and csv; RFC 8259, RFC 4180). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "portlabel/output.h"

/* Names and descriptions with quotes, commas, CR/LF, tabs, control characters,
 * an escape sequence, and invalid UTF-8 (stray bytes, a cut sequence, a UTF-16
 * surrogate, an overlong form). */
static const char hostile_csv[] =
    "Service Name,Port Number,Transport Protocol,Description,Assignee,Contact,Registration Date,"
    "Modification Date,Reference,Service Code,Unauthorized Use Reported,Assignment Notes\r\n"
    "\"na\"\"me,1\",1000,tcp,\"desc \"\"q\"\", comma\nnewline \x01\x1b[2J \xff\xfe end\",,,,,,,"
    "\"unauth \x07 text, \"\"q\"\"\",\r\n"
    "alias\x01x,1000,tcp,second,,,,,,,,\r\n"
    "\"\xc3\xa9-ok\",1001,udp,\"line1\r\nline2\tcut \xe2\x82\",,,,,,,,\r\n"
    "sur,1002,tcp,\"\xed\xa0\x80 overlong \xc0\xaf \x7f del\",,,,,,,\"\x1b]0;title\x07\",\r\n";

/* The python side: argv = json csv text expected; exit 0 when every field
 * round-trips. Invalid UTF-8 becomes one U+FFFD per invalid byte in JSON. */
static const char checker_py[] =
    "import codecs, csv, json, sys\n"
    "codecs.register_error('perbyte', lambda e: ('\\ufffd' * (e.end - e.start), e.end))\n"
    "jpath, cpath, tpath, epath = sys.argv[1:5]\n"
    "exp = []\n"
    "for line in open(epath, 'rb').read().decode('ascii').splitlines():\n"
    "    f = line.split('\\t')\n"
    "    exp.append([bytes.fromhex(h) if h != '-' else None for h in f])\n"
    "def as_json(b):\n"
    "    return None if b is None else b.decode('utf-8', 'perbyte')\n"
    "def as_csv(b):\n"
    "    return '' if b is None else b.decode('utf-8', 'surrogateescape')\n"
    "raw = open(jpath, 'rb').read()\n"
    "raw.decode('utf-8')\n"
    "recs = [json.loads(l) for l in raw.decode('utf-8').split('\\n') if l]\n"
    "flows = [r for r in recs if r['type'] == 'flow']\n"
    "assert recs[-1]['type'] == 'summary', recs[-1]\n"
    "assert len(flows) == len(exp), (len(flows), len(exp))\n"
    "for r, e in zip(flows, exp):\n"
    "    svc, al, desc, un = e\n"
    "    assert r['service'] == as_json(svc), (r['service'], as_json(svc))\n"
    "    assert r['aliases'] == ([] if al is None else [as_json(al)]), r['aliases']\n"
    "    assert r['description'] == as_json(desc), (r['description'], as_json(desc))\n"
    "    assert r['unauthorized'] == as_json(un), (r['unauthorized'], as_json(un))\n"
    "with open(cpath, newline='', encoding='utf-8', errors='surrogateescape') as fh:\n"
    "    rows = list(csv.reader(fh, strict=True))\n"
    "hdr = rows[0]\n"
    "assert len(rows) == 1 + len(exp), len(rows)\n"
    "for row, e in zip(rows[1:], exp):\n"
    "    assert len(row) == len(hdr), (len(row), len(hdr))\n"
    "    d = dict(zip(hdr, row))\n"
    "    svc, al, desc, un = e\n"
    "    assert d['service'] == as_csv(svc), (d['service'], as_csv(svc))\n"
    "    assert d['aliases'] == as_csv(al), d['aliases']\n"
    "    assert d['description'] == as_csv(desc), (d['description'], as_csv(desc))\n"
    "    assert d['unauthorized'] == as_csv(un), (d['unauthorized'], as_csv(un))\n"
    "text = open(tpath, 'rb').read().decode('utf-8')\n"
    "bad = [c for c in text if (c < ' ' and c != '\\n') or c == '\\x7f']\n"
    "assert not bad, bad\n"
    "assert 'alias\\\\x01x' in text or 'na\"me,1' in text, text\n"
    "print('hostile registry round-trips:', len(exp), 'flows')\n";

static void
put_hex(FILE *f, const char *s)
{
    if (s == NULL) {
        fputs("-", f);
        return;
    }
    for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++)
        fprintf(f, "%02x", *p);
}

static void
write_file(const char *path, const char *data)
{
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f, "%s", path);
    fputs(data, f);
    cr_assert_eq(fclose(f), 0);
}

static void
write_format(const char *path, enum pl_format fmt, bool audit, const struct pl_flow *flows,
             size_t n, const struct pl_summary *sum)
{
    struct pl_sink_opts o = {.format = fmt, .audit = audit};
    struct pl_err err = {""};
    FILE *f = fopen(path, "wb");
    struct pl_sink *s;
    struct pl_audit *a = NULL;

    cr_assert_not_null(f, "%s", path);
    s = pl_sink_new(&o, f, true, &err);
    cr_assert_not_null(s, "%s", err.msg);
    cr_assert_eq(s->ops->begin(s, &err), 0, "%s", err.msg);
    if (audit) {
        a = pl_audit_new(&err);
        for (size_t i = 0; i < n; i++)
            pl_audit_add(a, &flows[i]);
        cr_assert_eq(pl_audit_emit(a, s, &err), 0, "%s", err.msg);
    } else {
        for (size_t i = 0; i < n; i++)
            cr_assert_eq(s->ops->flow(s, &flows[i], &err), 0, "%s", err.msg);
    }
    cr_assert_eq(s->ops->end(s, sum, &err), 0, "%s", err.msg);
    pl_sink_free(s);
    pl_audit_free(a);
}

Test(output_hostile, registry_strings_round_trip_through_json_and_csv)
{
    if (system("python3 -c 'import json, csv' >/dev/null 2>&1") != 0)
        cr_skip_test("python3 is not available to parse the output back");

    struct pl_err err = {""};
    struct pl_registry *reg = pl_registry_new();
    cr_assert_eq(pl_registry_load_mem(reg, hostile_csv, sizeof hostile_csv - 1, "hostile.csv", NULL,
                                      NULL, &err),
                 0, "%s", err.msg);

    static const struct {
        enum pl_proto proto;
        uint16_t port;
    } ports[] = {{PL_PROTO_TCP, 1000}, {PL_PROTO_UDP, 1001}, {PL_PROTO_TCP, 1002}};
    enum { N = sizeof ports / sizeof ports[0] };
    struct pl_flow flows[N];
    char dir[] = "/tmp/pl_hostile_XXXXXX";
    char p_json[64], p_csv[64], p_text[64], p_audit[64], p_exp[64], p_py[64], cmd[512];

    cr_assert_not_null(mkdtemp(dir));
    snprintf(p_json, sizeof p_json, "%s/out.json", dir);
    snprintf(p_csv, sizeof p_csv, "%s/out.csv", dir);
    snprintf(p_text, sizeof p_text, "%s/out.txt", dir);
    snprintf(p_audit, sizeof p_audit, "%s/audit.txt", dir);
    snprintf(p_exp, sizeof p_exp, "%s/expected.hex", dir);
    snprintf(p_py, sizeof p_py, "%s/check.py", dir);

    FILE *exp = fopen(p_exp, "wb");
    cr_assert_not_null(exp);
    for (size_t i = 0; i < N; i++) {
        struct pl_flow *f = &flows[i];
        memset(f, 0, sizeof *f);
        f->key.addr_lo[10] = f->key.addr_lo[11] = 0xff;
        f->key.addr_hi[10] = f->key.addr_hi[11] = 0xff;
        f->key.addr_lo[15] = 1;
        f->key.addr_hi[15] = 2;
        f->key.port_lo = ports[i].port;
        f->key.port_hi = 40000;
        f->key.l4_proto = ports[i].proto == PL_PROTO_TCP ? 6 : 17;
        f->key.ip_version = 4;
        f->first_ts_us = 1000000;
        f->last_ts_us = 2000000;
        f->pkts_fwd = 1;
        f->bytes_fwd = 60;
        f->end_reason = PL_END_EOF;
        pl_label_for_port(reg, ports[i].proto, ports[i].port, PL_BASIS_HANDSHAKE, &f->label);

        const struct pl_reg_entry *e = f->label.entry;
        cr_assert_not_null(e, "port %u has no entry", (unsigned)ports[i].port);
        cr_assert_leq(e->alias_count, 1);
        put_hex(exp, e->service);
        fputc('\t', exp);
        put_hex(exp, e->alias_count > 0 ? e->aliases[0] : NULL);
        fputc('\t', exp);
        put_hex(exp, e->description);
        fputc('\t', exp);
        put_hex(exp,
                e->unauthorized != NULL && e->unauthorized[0] != '\0' ? e->unauthorized : NULL);
        fputc('\n', exp);
    }
    cr_assert_eq(fclose(exp), 0);
    /* The fixture must really be hostile once parsed. */
    cr_assert_not_null(strchr(flows[0].label.entry->description, '\n'));
    cr_assert_not_null(strchr(flows[0].label.entry->description, '\x1b'));
    cr_assert_not_null(strstr(flows[0].label.entry->service, "\"me,"));

    struct pl_summary sum;
    memset(&sum, 0, sizeof sum);
    sum.registry_path = "hostile\x1b[2J.csv";
    sum.registry_format = "csv";
    write_format(p_json, PL_FMT_JSON, false, flows, N, &sum);
    write_format(p_csv, PL_FMT_CSV, false, flows, N, &sum);
    write_format(p_text, PL_FMT_TEXT, false, flows, N, &sum);
    write_format(p_audit, PL_FMT_TEXT, true, flows, N, &sum);
    write_file(p_py, checker_py);

    snprintf(cmd, sizeof cmd, "python3 %s %s %s %s %s", p_py, p_json, p_csv, p_text, p_exp);
    cr_assert_eq(system(cmd), 0, "strict parse failed: %s", cmd);
    snprintf(cmd, sizeof cmd, "python3 %s %s %s %s %s >/dev/null", p_py, p_json, p_csv, p_audit,
             p_exp);
    cr_assert_eq(system(cmd), 0, "audit text has raw control bytes: %s", cmd);

    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    cr_assert_eq(system(cmd), 0);
    pl_registry_free(reg);
}
