/* tests/unit/test_output_fast.c — the output's fast formatters against the library calls they
 * replaced: addresses against inet_ntop(3) (RFC 5952 text as the C library writes it), and the
 * record buffer against long and hostile strings (RFC 8259 §7 escaping, RFC 4180 quoting). */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "output/output_int.h"

/* splitmix64: a reproducible stream of test addresses */
static uint64_t
next_rand(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static void
check_addr(const uint8_t a[16], uint8_t version)
{
    char want[INET6_ADDRSTRLEN], got[PL_ADDR_BUFSZ];

    cr_assert_not_null(inet_ntop(version == 4 ? AF_INET : AF_INET6, version == 4 ? a + 12 : a,
                                 want, sizeof want));
    pl_out_addr(got, sizeof got, a, version);
    cr_assert_str_eq(got, want);
}

Test(output_fast, ipv6_text_equals_inet_ntop_for_every_zero_word_pattern)
{
    uint64_t seed = 5;
    uint8_t a[16];

    /* every subset of zero 16-bit words, the rest random (small and large values), and the
     * IPv4-mapped / compatible forms that inet_ntop writes in dotted quad */
    for (unsigned mask = 0; mask < 256; mask++) {
        for (int rep = 0; rep < 64; rep++) {
            for (int w = 0; w < 8; w++) {
                uint64_t r = next_rand(&seed);
                unsigned v = (unsigned)(r & 0xffffu);
                if ((r >> 16) % 4 == 0)
                    v &= 0xfu; /* short hex */
                if ((r >> 16) % 4 == 1)
                    v &= 0xffu;
                if (v == 0)
                    v = 1;
                if (mask & (1u << w))
                    v = 0;
                if (w == 5 && rep % 8 == 1)
                    v = 0xffff;
                a[2 * w] = (uint8_t)(v >> 8);
                a[2 * w + 1] = (uint8_t)v;
            }
            check_addr(a, 6);
        }
    }
}

Test(output_fast, ipv4_text_equals_inet_ntop)
{
    uint64_t seed = 9;
    uint8_t a[16] = {0};

    for (int i = 0; i < 100000; i++) {
        uint64_t r = next_rand(&seed);
        memcpy(a + 12, &r, 4);
        if (i % 3 == 0)
            a[12 + i % 4] = (uint8_t)(i % 20); /* one- and two-digit parts */
        check_addr(a, 4);
    }
}

Test(output_fast, address_longer_than_the_buffer_gives_an_empty_string)
{
    uint8_t a[16];
    char small[8] = "xxxxxxx";

    memset(a, 0xab, sizeof a);
    pl_out_addr(small, sizeof small, a, 6);
    cr_assert_str_eq(small, "");
}

/* Text the record buffer writes for one JSON string or CSV field. */
static char *
render(void (*fn)(struct pl_rec *, const char *), const char *s, size_t prefix, size_t *len)
{
    char *buf = NULL;
    FILE *f = open_memstream(&buf, len);
    struct pl_rec *r = malloc(sizeof *r);

    cr_assert_not_null(f);
    cr_assert_not_null(r);
    pl_rec_init(r, f);
    for (size_t i = 0; i < prefix; i++) /* leaves the buffer almost full */
        pl_rec_ch(r, 'p');
    fn(r, s);
    pl_rec_flush(r);
    fclose(f);
    free(r);
    return buf;
}

Test(output_fast, json_string_longer_than_the_record_buffer_is_escaped_whole)
{
    size_t n = 3 * PL_REC_LEN + 17, len;
    char *s = malloc(n + 1);

    cr_assert_not_null(s);
    for (size_t i = 0; i < n; i++)
        s[i] = (char)("ab\"\\\n\x01\x7f\xc3\xa9\xff"[i % 10]);
    s[n] = '\0';
    for (size_t prefix = 0; prefix < PL_REC_LEN; prefix += PL_REC_LEN / 4 - 1) {
        char *out = render(pl_rec_json_str, s, prefix, &len);
        /* per 10 input bytes: a b \" \\ \n \u0001 \u007f é \ufffd: 1+1+2+2+2+6+6+2+6 = 28 */
        size_t groups = n / 10, want = prefix + 2 + groups * 28;
        const size_t tail_out[] = {0, 1, 2, 4, 6, 8, 14, 20}; /* the last n % 10 bytes */
        want += tail_out[n % 10];
        cr_assert_eq(len, want, "prefix %zu: %zu bytes, want %zu", prefix, len, want);
        cr_assert_eq(memcmp(out + prefix, "\"ab\\\"\\\\\\n\\u0001\\u007f\xc3\xa9\\ufffdab", 31), 0);
        cr_assert_eq(out[len - 1], '"');
        free(out);
    }
    free(s);
}

Test(output_fast, csv_field_longer_than_the_record_buffer_is_quoted_whole)
{
    size_t n = 2 * PL_REC_LEN + 3, len;
    char *s = malloc(n + 1);

    cr_assert_not_null(s);
    for (size_t i = 0; i < n; i++)
        s[i] = i % 100 == 7 ? '"' : 'x';
    s[n] = '\0';
    char *out = render(pl_rec_csv_field, s, PL_REC_LEN - 3, &len);
    size_t quotes = 0;
    for (size_t i = 0; i < n; i++)
        quotes += s[i] == '"';
    cr_assert_eq(len, PL_REC_LEN - 3 + n + quotes + 2);
    cr_assert_eq(out[PL_REC_LEN - 3], '"');
    cr_assert_eq(memcmp(out + PL_REC_LEN - 2, "xxxxxxx\"\"xx", 11), 0);
    cr_assert_eq(out[len - 1], '"');
    free(out);
    free(s);
}

/* JSON lines of flows labelled with each of labels[], n times over, through one sink. */
static char *
json_lines(const struct pl_label *labels, size_t count, int rounds, size_t *len)
{
    char *buf = NULL;
    FILE *f = open_memstream(&buf, len);
    struct pl_sink_opts opts;
    struct pl_err err = {""};

    cr_assert_not_null(f);
    memset(&opts, 0, sizeof opts);
    opts.format = PL_FMT_JSON;
    opts.streaming = true;
    struct pl_sink *s = pl_sink_new(&opts, f, false, &err);
    cr_assert_not_null(s, "%s", err.msg);
    for (int k = 0; k < rounds; k++) {
        for (size_t i = 0; i < count; i++) {
            struct pl_flow fl;
            memset(&fl, 0, sizeof fl);
            fl.key.ip_version = 4;
            fl.key.l4_proto = 17;
            fl.key.port_lo = 53;
            fl.key.port_hi = 40000;
            fl.label = labels[i];
            fl.end_reason = PL_END_EOF;
            cr_assert_eq(s->ops->flow(s, &fl, &err), 0, "%s", err.msg);
        }
    }
    pl_sink_free(s);
    fclose(f);
    return buf;
}

static char *
nth_line(char *text, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        text = strchr(text, '\n');
        cr_assert_not_null(text);
        text++;
    }
    return text;
}

static size_t
line_len(const char *l)
{
    return (size_t)(strchr(l, '\n') - l);
}

/* needle occurs in the line that starts at l. Searched within the line only: strstr over a
 * long buffer (ASan's interceptor measures the whole haystack) made many-line checks
 * quadratic. */
static bool
line_has(const char *l, const char *needle)
{
    size_t n = strlen(needle), ll = line_len(l);
    for (size_t i = 0; i + n <= ll; i++)
        if (memcmp(l + i, needle, n) == 0)
            return true;
    return false;
}

Test(output_fast, json_label_text_is_the_same_on_every_record_of_an_entry)
{
    static char mid[1001], big[10001];
    static const char *const aliases[] = {"dns", "name\"server"};

    memset(mid, 'm', sizeof mid - 1);
    for (size_t i = 0; i < sizeof big - 1; i++)
        big[i] = i % 7 == 3 ? '"' : 'b';
    struct pl_reg_entry e1 = {"domain", "Domain Name Server", NULL, aliases, 2, PL_STATUS_ASSIGNED};
    struct pl_reg_entry e2 = {"mid", mid, "reported", NULL, 0, PL_STATUS_ASSIGNED};
    struct pl_reg_entry e3 = {NULL, big, NULL, NULL, 0, PL_STATUS_RESERVED};
    const struct pl_label labels[] = {
        {&e1, 53, PL_PROTO_UDP, PL_BASIS_REGISTRY, PL_STATUS_ASSIGNED, PL_CLASS_SYSTEM},
        {&e1, 53, PL_PROTO_UDP, PL_BASIS_REGISTRY, PL_STATUS_ASSIGNED, PL_CLASS_USER},
        {&e2, 53, PL_PROTO_UDP, PL_BASIS_REGISTRY, PL_STATUS_ASSIGNED, PL_CLASS_SYSTEM},
        {&e3, 53, PL_PROTO_UDP, PL_BASIS_REGISTRY, PL_STATUS_RESERVED, PL_CLASS_SYSTEM},
        {NULL, 53, PL_PROTO_UDP, PL_BASIS_REGISTRY, PL_STATUS_UNASSIGNED, PL_CLASS_DYNAMIC},
    };
    size_t n = sizeof labels / sizeof labels[0], len;
    char *out = json_lines(labels, n, 3, &len);

    for (size_t i = 0; i < n; i++) {
        char *first = nth_line(out, i);
        for (int k = 1; k < 3; k++) {
            char *again = nth_line(out, i + (size_t)k * n);
            cr_assert_eq(line_len(again), line_len(first), "label %zu, round %d", i, k);
            cr_assert_eq(memcmp(again, first, line_len(first)), 0, "label %zu, round %d", i, k);
        }
    }
    cr_assert(line_has(nth_line(out, 0), "\"aliases\":[\"dns\",\"name\\\"server\"]"));
    cr_assert(line_has(nth_line(out, 0), "\"port_class\":\"system\""));
    cr_assert(line_has(nth_line(out, 1), "\"port_class\":\"user\""));
    cr_assert(line_has(nth_line(out, 2), "\"unauthorized\":\"reported\""));
    cr_assert(line_has(nth_line(out, 2), mid));
    cr_assert_gt(line_len(nth_line(out, 3)), 10000 + 10000 / 7); /* quotes escaped */
    cr_assert(line_has(nth_line(out, 4), "\"service\":null,\"aliases\":[],"
                                         "\"description\":null,\"status\":\"unassigned\""));
    free(out);
}

/* The proto, basis and end_reason names of a JSON flow record (quoted once per sink and
 * written as a fixed 16-byte copy) equal the name functions' text for every value, and
 * out-of-range values still print those functions' fallback ("?", "unknown") in quotes.
 * Batch mode with records of varying lengths puts the fixed copies at every offset of the
 * 4 KiB record buffer, its end included (where ASan builds would see an overrun). */
#define ENUM_ROUNDS 400
#define ENUM_DESCS 17
static char enum_desc[ENUM_DESCS][480];
static struct pl_reg_entry enum_entry[ENUM_DESCS];

/* Registry entries whose descriptions run from 0 to 464 bytes: label tails of many lengths,
 * so that the end_reason lands anywhere up to the buffer's last bytes. */
static void
enum_entries(void)
{
    for (unsigned i = 0; i < ENUM_DESCS; i++) {
        memset(enum_desc[i], 'd', i * 29u);
        enum_desc[i][i * 29u] = '\0';
        enum_entry[i] = (struct pl_reg_entry){"svc", enum_desc[i], NULL, NULL, 0,
                                              PL_STATUS_ASSIGNED};
    }
}

static void
flow_for(struct pl_flow *fl, uint8_t l4, unsigned v, unsigned round)
{
    memset(fl, 0, sizeof *fl);
    fl->label.entry = &enum_entry[(round * 7u + v) % ENUM_DESCS];
    fl->label.status = PL_STATUS_ASSIGNED;
    fl->key.ip_version = round % 3 == 0 ? 6 : 4; /* addresses of different lengths */
    fl->key.addr_lo[15] = (uint8_t)round;
    fl->key.port_lo = (uint16_t)(round * 997u);
    fl->key.l4_proto = l4;
    fl->pkts_fwd = (uint64_t)round * round * round * 7919u * (v + 1); /* 1 to 14 digits */
    fl->label.proto = (uint8_t)v;
    fl->label.basis = (uint8_t)v;
    fl->end_reason = (uint8_t)v;
}

Test(output_fast, json_enum_names_equal_the_name_functions)
{
    static const uint8_t l4[] = {6, 17, 132, 33, 1 /* not a transport: label.proto decides */};
    char want[256];

    enum_entries();
    for (int streaming = 0; streaming < 2; streaming++) {
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        struct pl_sink_opts opts;
        struct pl_err err = {""};
        struct pl_flow fl;

        cr_assert_not_null(f);
        memset(&opts, 0, sizeof opts);
        opts.format = PL_FMT_JSON;
        opts.streaming = streaming != 0;
        struct pl_sink *s = pl_sink_new(&opts, f, false, &err);
        cr_assert_not_null(s, "%s", err.msg);
        for (unsigned r = 0; r < ENUM_ROUNDS; r++)
            for (unsigned k = 0; k < sizeof l4; k++)
                for (unsigned v = 0; v < 12; v++) { /* basis has 3 values, end_reason 6 */
                    flow_for(&fl, l4[k], v, r);
                    cr_assert_eq(s->ops->flow(s, &fl, &err), 0, "%s", err.msg);
                }
        pl_sink_free(s);
        fclose(f);
        cr_assert_gt(len, 4 * 4096, "the records cross the buffer's end many times");

        const char *line = buf;
        for (unsigned r = 0; r < ENUM_ROUNDS; r++)
            for (unsigned k = 0; k < sizeof l4; k++)
                for (unsigned v = 0; v < 12; v++) {
                    flow_for(&fl, l4[k], v, r);
                    cr_assert_neq(*line, '\0', "round %u: a record is missing", r);
                    snprintf(want, sizeof want, "\"proto\":\"%s\",", pl_out_flow_proto(&fl));
                    cr_assert(line_has(line, want), "%s in %.*s", want, (int)line_len(line),
                              line);
                    snprintf(want, sizeof want, "\"basis\":\"%s\",",
                             pl_basis_name((enum pl_basis)v));
                    cr_assert(line_has(line, want), "%s in %.*s", want, (int)line_len(line),
                              line);
                    snprintf(want, sizeof want, "\"end_reason\":\"%s\"}\n",
                             pl_end_reason_name((enum pl_end_reason)v));
                    cr_assert(strncmp(line + line_len(line) + 1 - strlen(want), want,
                                      strlen(want)) == 0,
                              "%s ends %.*s", want, (int)line_len(line), line);
                    line += line_len(line) + 1;
                }
        cr_assert_eq(*line, '\0', "no record more");
        free(buf);
    }
}

/* pl_put_u64 and pl_out_u64 against printf at every width boundary (each fast path's first
 * and last value) and on random values of every bit length. */
static void
check_u64(uint64_t v)
{
    char want[32], got[PL_PUT_U64_MAX + 1];

    snprintf(want, sizeof want, "%llu", (unsigned long long)v);
    char *end = pl_put_u64(got, v);
    cr_assert_leq((size_t)(end - got), PL_PUT_U64_MAX);
    *end = '\0';
    cr_assert_str_eq(got, want, "value %s", want);

    char streamed[32] = "";
    FILE *f = fmemopen(streamed, sizeof streamed, "w");
    cr_assert_not_null(f);
    pl_out_u64(f, v);
    cr_assert_eq(fclose(f), 0);
    cr_assert_str_eq(streamed, want, "pl_out_u64 %s", want);
}

Test(output_fast, u64_text_equals_printf_at_every_width)
{
    uint64_t p = 1;

    check_u64(0);
    check_u64(UINT64_MAX);
    for (int d = 1; d <= 19; d++) {
        p *= 10u; /* 10^d */
        check_u64(p - 1u);
        check_u64(p);
        check_u64(p + 1u);
    }
    uint64_t s = 7;
    for (int bits = 1; bits <= 64; bits++) {
        for (int k = 0; k < 200; k++) {
            uint64_t v = next_rand(&s);
            check_u64(bits == 64 ? v : v & ((UINT64_C(1) << bits) - 1u));
        }
    }
}

/* The seconds cache holds eight seconds, each in slot sec % 8: every order of stamps over
 * a few seconds (hits, misses, seconds that share a slot) still prints what printf does. */
Test(output_fast, timestamp_text_in_any_order_of_seconds_equals_printf)
{
    static const uint64_t secs[] = {1700000000ull, 1700000001ull, 1700000008ull, 9ull,
                                    17ull}; /* slot 0: ...000, ...008; slot 1: ...001, 9, 17 */
    struct pl_rec r;
    uint64_t x = 0x9e3779b97f4a7c15ull;

    pl_rec_init(&r, stdout);
    for (int i = 0; i < 20000; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        /* mostly two seconds in turn, as a record's first and last stamps; now and then
         * another */
        uint64_t sec = (x & 7u) < 6u ? secs[i & 1] : secs[(x >> 3) % 5u];
        uint64_t t = sec * 1000000u + (x >> 20) % 1000000u;
        char want[48], got[PL_PUT_TS_MAX + 1];
        snprintf(want, sizeof want, "%llu.%06llu", (unsigned long long)(t / 1000000u),
                 (unsigned long long)(t % 1000000u));
        char *end = pl_put_ts(&r, got, t);
        cr_assert_leq((size_t)(end - got), PL_PUT_TS_MAX);
        *end = '\0';
        cr_assert_str_eq(got, want, "stamp %d", i);
    }
}

/* pl_put_ts and pl_out_ts against printf: six microsecond digits, leading zeros kept, and the
 * seconds cache refreshed when the second changes (also to a shorter one). */
Test(output_fast, timestamp_text_equals_printf)
{
    static const uint64_t stamps[] = {0,
                                      1,
                                      999999,
                                      1000000,
                                      1700000000000000ull,
                                      1700000000000001ull,
                                      1700000000010203ull,
                                      1700000000999999ull,
                                      1700000001000000ull,
                                      5000099ull,
                                      UINT64_MAX};
    struct pl_rec r;

    pl_rec_init(&r, stdout);
    for (size_t i = 0; i < sizeof stamps / sizeof stamps[0]; i++) {
        char want[48], got[PL_PUT_TS_MAX + 1];
        uint64_t t = stamps[i];
        snprintf(want, sizeof want, "%llu.%06llu", (unsigned long long)(t / 1000000u),
                 (unsigned long long)(t % 1000000u));
        char *end = pl_put_ts(&r, got, t);
        cr_assert_leq((size_t)(end - got), PL_PUT_TS_MAX);
        *end = '\0';
        cr_assert_str_eq(got, want);
        char plain[PL_TS_BUFSZ];
        pl_out_ts(plain, t);
        cr_assert_str_eq(plain, want, "pl_out_ts");
    }
}
