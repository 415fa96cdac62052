/* src/output/escape.c — escaping untrusted text for JSON (RFC 8259 §7), CSV (RFC 4180) and terminals. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "output/output_int.h"

/* Length of the valid UTF-8 sequence at s (RFC 3629 §4), or 0 when invalid. */
static size_t
utf8_len(const unsigned char *s)
{
    if (s[0] < 0x80)
        return 1;
    if (s[0] >= 0xc2 && s[0] <= 0xdf)
        return (s[1] & 0xc0) == 0x80 ? 2 : 0;
    if (s[0] >= 0xe0 && s[0] <= 0xef) {
        unsigned char lo = s[0] == 0xe0 ? 0xa0 : 0x80;
        unsigned char hi = s[0] == 0xed ? 0x9f : 0xbf; /* no UTF-16 surrogates */
        if (s[1] < lo || s[1] > hi || (s[2] & 0xc0) != 0x80)
            return 0;
        return 3;
    }
    if (s[0] >= 0xf0 && s[0] <= 0xf4) {
        unsigned char lo = s[0] == 0xf0 ? 0x90 : 0x80;
        unsigned char hi = s[0] == 0xf4 ? 0x8f : 0xbf;
        if (s[1] < lo || s[1] > hi || (s[2] & 0xc0) != 0x80 || (s[3] & 0xc0) != 0x80)
            return 0;
        return 4;
    }
    return 0;
}

/* True for bytes a JSON string carries as they are: printable ASCII other than '"' and '\\'.
 * Bytes from 0x80 are checked as UTF-8 sequences; the rest are escaped. */
static inline bool
json_plain(unsigned char c)
{
    return c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
}

/* The escape of byte c, which json_plain rejected and which does not start a valid UTF-8
 * sequence; returns its length (at most 6). */
static size_t
json_escape(char out[6], unsigned char c)
{
    static const char hex[] = "0123456789abcdef";

    switch (c) {
    case '"': memcpy(out, "\\\"", 2); return 2;
    case '\\': memcpy(out, "\\\\", 2); return 2;
    case '\n': memcpy(out, "\\n", 2); return 2;
    case '\r': memcpy(out, "\\r", 2); return 2;
    case '\t': memcpy(out, "\\t", 2); return 2;
    default:
        if (c < 0x20 || c == 0x7f) {
            memcpy(out, "\\u00", 4);
            out[4] = hex[c >> 4];
            out[5] = hex[c & 15u];
        } else {
            memcpy(out, "\\ufffd", 6); /* invalid byte: replacement character */
        }
        return 6;
    }
}

/* Runs of bytes that need no escaping are copied in one piece. */
void
pl_rec_json_str(struct pl_rec *r, const char *s)
{
    const unsigned char *p = (const unsigned char *)s, *run;

    if (s == NULL) {
        pl_rec_lit(r, "null");
        return;
    }
    pl_rec_ch(r, '"');
    for (run = p;;) {
        if (json_plain(*p)) {
            p++;
            continue;
        }
        if (*p >= 0x80) {
            size_t n = utf8_len(p);
            if (n > 0) {
                p += n;
                continue;
            }
        }
        pl_rec_mem(r, run, (size_t)(p - run));
        if (*p == '\0')
            break;
        char e[6];
        pl_rec_mem(r, e, json_escape(e, *p));
        run = ++p;
    }
    pl_rec_ch(r, '"');
}

void
pl_out_json_str(FILE *out, const char *s)
{
    struct pl_rec r;

    pl_rec_init(&r, out);
    pl_rec_json_str(&r, s);
    pl_rec_flush(&r);
}

/* RFC 4180 §2.6-2.7: quoted when it holds a comma, quote or line break; quotes doubled. */
void
pl_rec_csv_field(struct pl_rec *r, const char *s)
{
    if (s == NULL)
        return;
    size_t n = strcspn(s, ",\"\r\n");
    if (s[n] == '\0') {
        pl_rec_mem(r, s, n);
        return;
    }
    pl_rec_ch(r, '"');
    for (;;) {
        n = strcspn(s, "\"");
        pl_rec_mem(r, s, n);
        if (s[n] == '\0')
            break;
        pl_rec_lit(r, "\"\"");
        s += n + 1;
    }
    pl_rec_ch(r, '"');
}

void
pl_out_csv_field(FILE *out, const char *s)
{
    struct pl_rec r;

    pl_rec_init(&r, out);
    pl_rec_csv_field(&r, s);
    pl_rec_flush(&r);
}

/* True for a valid multi-byte character a terminal must not receive raw: the
 * C1 controls U+0080..U+009F (U+009B is CSI, an escape sequence introducer on
 * terminals that honour 8-bit controls) and the bidirectional formatting
 * characters U+202A..U+202E, U+2066..U+2069 (they reorder what is displayed). */
static bool
text_unsafe(const unsigned char *s, size_t n)
{
    if (n == 2)
        return s[0] == 0xc2 && s[1] <= 0x9f;
    if (n == 3 && s[0] == 0xe2 && s[1] == 0x80)
        return s[2] >= 0xaa && s[2] <= 0xae;
    if (n == 3 && s[0] == 0xe2 && s[1] == 0x81)
        return s[2] >= 0xa6 && s[2] <= 0xa9;
    return false;
}

void
pl_out_text_str(FILE *out, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;

    if (s == NULL) {
        fputs("-", out);
        return;
    }
    while (*p != '\0') {
        size_t n = utf8_len(p);
        if (n > 1 && text_unsafe(p, n)) {
            for (size_t i = 0; i < n; i++)
                fprintf(out, "\\x%02x", p[i]);
            p += n;
            continue;
        }
        if (n > 1) {
            fwrite(p, 1, n, out);
            p += n;
            continue;
        }
        if (n == 0 || *p < 0x20 || *p == 0x7f) {
            if (*p == '\n')
                fputs("\\n", out);
            else
                fprintf(out, "\\x%02x", *p); /* never send control bytes to a terminal */
        } else {
            putc(*p, out);
        }
        p++;
    }
}

/* Lower-case hex digits of w (a 16-bit word) without leading zeros; returns their count. */
static size_t
hex16(char *out, unsigned w)
{
    static const char hex[] = "0123456789abcdef";
    size_t n = 1u + (w > 0xfu) + (w > 0xffu) + (w > 0xfffu);

    for (size_t i = 0; i < n; i++) /* the digit of weight 16^(n-1-i) */
        out[i] = hex[(w >> (4u * (n - 1u - i))) & 15u];
    return n;
}

/* Decimal a.b.c.d; returns the length (at most 15). Each part is copied from a table of the
 * 256 octet texts (three digit bytes, then the length); writes up to out[15]. */
static size_t
ipv4_text(char *out, const uint8_t a[4])
{
    static const char octets[256][4] = {
        {'0', 0, 0, 1}, {'1', 0, 0, 1}, {'2', 0, 0, 1}, {'3', 0, 0, 1}, {'4', 0, 0, 1},
        {'5', 0, 0, 1}, {'6', 0, 0, 1}, {'7', 0, 0, 1}, {'8', 0, 0, 1}, {'9', 0, 0, 1},
        {'1', '0', 0, 2}, {'1', '1', 0, 2}, {'1', '2', 0, 2}, {'1', '3', 0, 2}, {'1', '4', 0, 2},
        {'1', '5', 0, 2}, {'1', '6', 0, 2}, {'1', '7', 0, 2}, {'1', '8', 0, 2}, {'1', '9', 0, 2},
        {'2', '0', 0, 2}, {'2', '1', 0, 2}, {'2', '2', 0, 2}, {'2', '3', 0, 2}, {'2', '4', 0, 2},
        {'2', '5', 0, 2}, {'2', '6', 0, 2}, {'2', '7', 0, 2}, {'2', '8', 0, 2}, {'2', '9', 0, 2},
        {'3', '0', 0, 2}, {'3', '1', 0, 2}, {'3', '2', 0, 2}, {'3', '3', 0, 2}, {'3', '4', 0, 2},
        {'3', '5', 0, 2}, {'3', '6', 0, 2}, {'3', '7', 0, 2}, {'3', '8', 0, 2}, {'3', '9', 0, 2},
        {'4', '0', 0, 2}, {'4', '1', 0, 2}, {'4', '2', 0, 2}, {'4', '3', 0, 2}, {'4', '4', 0, 2},
        {'4', '5', 0, 2}, {'4', '6', 0, 2}, {'4', '7', 0, 2}, {'4', '8', 0, 2}, {'4', '9', 0, 2},
        {'5', '0', 0, 2}, {'5', '1', 0, 2}, {'5', '2', 0, 2}, {'5', '3', 0, 2}, {'5', '4', 0, 2},
        {'5', '5', 0, 2}, {'5', '6', 0, 2}, {'5', '7', 0, 2}, {'5', '8', 0, 2}, {'5', '9', 0, 2},
        {'6', '0', 0, 2}, {'6', '1', 0, 2}, {'6', '2', 0, 2}, {'6', '3', 0, 2}, {'6', '4', 0, 2},
        {'6', '5', 0, 2}, {'6', '6', 0, 2}, {'6', '7', 0, 2}, {'6', '8', 0, 2}, {'6', '9', 0, 2},
        {'7', '0', 0, 2}, {'7', '1', 0, 2}, {'7', '2', 0, 2}, {'7', '3', 0, 2}, {'7', '4', 0, 2},
        {'7', '5', 0, 2}, {'7', '6', 0, 2}, {'7', '7', 0, 2}, {'7', '8', 0, 2}, {'7', '9', 0, 2},
        {'8', '0', 0, 2}, {'8', '1', 0, 2}, {'8', '2', 0, 2}, {'8', '3', 0, 2}, {'8', '4', 0, 2},
        {'8', '5', 0, 2}, {'8', '6', 0, 2}, {'8', '7', 0, 2}, {'8', '8', 0, 2}, {'8', '9', 0, 2},
        {'9', '0', 0, 2}, {'9', '1', 0, 2}, {'9', '2', 0, 2}, {'9', '3', 0, 2}, {'9', '4', 0, 2},
        {'9', '5', 0, 2}, {'9', '6', 0, 2}, {'9', '7', 0, 2}, {'9', '8', 0, 2}, {'9', '9', 0, 2},
        {'1', '0', '0', 3}, {'1', '0', '1', 3}, {'1', '0', '2', 3}, {'1', '0', '3', 3},
        {'1', '0', '4', 3}, {'1', '0', '5', 3}, {'1', '0', '6', 3}, {'1', '0', '7', 3},
        {'1', '0', '8', 3}, {'1', '0', '9', 3}, {'1', '1', '0', 3}, {'1', '1', '1', 3},
        {'1', '1', '2', 3}, {'1', '1', '3', 3}, {'1', '1', '4', 3}, {'1', '1', '5', 3},
        {'1', '1', '6', 3}, {'1', '1', '7', 3}, {'1', '1', '8', 3}, {'1', '1', '9', 3},
        {'1', '2', '0', 3}, {'1', '2', '1', 3}, {'1', '2', '2', 3}, {'1', '2', '3', 3},
        {'1', '2', '4', 3}, {'1', '2', '5', 3}, {'1', '2', '6', 3}, {'1', '2', '7', 3},
        {'1', '2', '8', 3}, {'1', '2', '9', 3}, {'1', '3', '0', 3}, {'1', '3', '1', 3},
        {'1', '3', '2', 3}, {'1', '3', '3', 3}, {'1', '3', '4', 3}, {'1', '3', '5', 3},
        {'1', '3', '6', 3}, {'1', '3', '7', 3}, {'1', '3', '8', 3}, {'1', '3', '9', 3},
        {'1', '4', '0', 3}, {'1', '4', '1', 3}, {'1', '4', '2', 3}, {'1', '4', '3', 3},
        {'1', '4', '4', 3}, {'1', '4', '5', 3}, {'1', '4', '6', 3}, {'1', '4', '7', 3},
        {'1', '4', '8', 3}, {'1', '4', '9', 3}, {'1', '5', '0', 3}, {'1', '5', '1', 3},
        {'1', '5', '2', 3}, {'1', '5', '3', 3}, {'1', '5', '4', 3}, {'1', '5', '5', 3},
        {'1', '5', '6', 3}, {'1', '5', '7', 3}, {'1', '5', '8', 3}, {'1', '5', '9', 3},
        {'1', '6', '0', 3}, {'1', '6', '1', 3}, {'1', '6', '2', 3}, {'1', '6', '3', 3},
        {'1', '6', '4', 3}, {'1', '6', '5', 3}, {'1', '6', '6', 3}, {'1', '6', '7', 3},
        {'1', '6', '8', 3}, {'1', '6', '9', 3}, {'1', '7', '0', 3}, {'1', '7', '1', 3},
        {'1', '7', '2', 3}, {'1', '7', '3', 3}, {'1', '7', '4', 3}, {'1', '7', '5', 3},
        {'1', '7', '6', 3}, {'1', '7', '7', 3}, {'1', '7', '8', 3}, {'1', '7', '9', 3},
        {'1', '8', '0', 3}, {'1', '8', '1', 3}, {'1', '8', '2', 3}, {'1', '8', '3', 3},
        {'1', '8', '4', 3}, {'1', '8', '5', 3}, {'1', '8', '6', 3}, {'1', '8', '7', 3},
        {'1', '8', '8', 3}, {'1', '8', '9', 3}, {'1', '9', '0', 3}, {'1', '9', '1', 3},
        {'1', '9', '2', 3}, {'1', '9', '3', 3}, {'1', '9', '4', 3}, {'1', '9', '5', 3},
        {'1', '9', '6', 3}, {'1', '9', '7', 3}, {'1', '9', '8', 3}, {'1', '9', '9', 3},
        {'2', '0', '0', 3}, {'2', '0', '1', 3}, {'2', '0', '2', 3}, {'2', '0', '3', 3},
        {'2', '0', '4', 3}, {'2', '0', '5', 3}, {'2', '0', '6', 3}, {'2', '0', '7', 3},
        {'2', '0', '8', 3}, {'2', '0', '9', 3}, {'2', '1', '0', 3}, {'2', '1', '1', 3},
        {'2', '1', '2', 3}, {'2', '1', '3', 3}, {'2', '1', '4', 3}, {'2', '1', '5', 3},
        {'2', '1', '6', 3}, {'2', '1', '7', 3}, {'2', '1', '8', 3}, {'2', '1', '9', 3},
        {'2', '2', '0', 3}, {'2', '2', '1', 3}, {'2', '2', '2', 3}, {'2', '2', '3', 3},
        {'2', '2', '4', 3}, {'2', '2', '5', 3}, {'2', '2', '6', 3}, {'2', '2', '7', 3},
        {'2', '2', '8', 3}, {'2', '2', '9', 3}, {'2', '3', '0', 3}, {'2', '3', '1', 3},
        {'2', '3', '2', 3}, {'2', '3', '3', 3}, {'2', '3', '4', 3}, {'2', '3', '5', 3},
        {'2', '3', '6', 3}, {'2', '3', '7', 3}, {'2', '3', '8', 3}, {'2', '3', '9', 3},
        {'2', '4', '0', 3}, {'2', '4', '1', 3}, {'2', '4', '2', 3}, {'2', '4', '3', 3},
        {'2', '4', '4', 3}, {'2', '4', '5', 3}, {'2', '4', '6', 3}, {'2', '4', '7', 3},
        {'2', '4', '8', 3}, {'2', '4', '9', 3}, {'2', '5', '0', 3}, {'2', '5', '1', 3},
        {'2', '5', '2', 3}, {'2', '5', '3', 3}, {'2', '5', '4', 3}, {'2', '5', '5', 3},
    };
    size_t n = 0;

    for (int i = 0; i < 4; i++) {
        const char *o = octets[a[i]];
        memcpy(out + n, o, 3); /* out has room for 3 bytes past any part */
        n += (size_t)o[3];
        out[n++] = '.';
    }
    return n - 1;
}
/* The text inet_ntop(3) gives (RFC 5952 §4 as the C library does it: the first longest run
 * of two or more zero words becomes "::", and ::a.b.c.d / ::ffff:a.b.c.d keep the embedded
 * IPv4 address in dotted form); without the library call, which costs thousands of
 * instructions per address. Returns the length (at most 45). */
static size_t
ipv6_text(char *out, const uint8_t a[16])
{
    unsigned w[8];
    int best = -1, best_len = 0, cur = -1, cur_len = 0;
    size_t n = 0;

    for (int i = 0; i < 8; i++) {
        w[i] = (unsigned)a[2 * i] << 8 | a[2 * i + 1];
        if (w[i] == 0) {
            if (cur < 0)
                cur = i, cur_len = 0;
            if (++cur_len > best_len)
                best = cur, best_len = cur_len;
        } else {
            cur = -1;
        }
    }
    if (best_len < 2)
        best = -1;
    for (int i = 0; i < 8; i++) {
        if (best >= 0 && i >= best && i < best + best_len) {
            if (i == best)
                out[n++] = ':';
            continue;
        }
        if (i != 0)
            out[n++] = ':';
        if (i == 6 && best == 0 && (best_len == 6 || (best_len == 5 && w[5] == 0xffff)))
            return n + ipv4_text(out + n, a + 12);
        n += hex16(out + n, w[i]);
    }
    if (best >= 0 && best + best_len == 8)
        out[n++] = ':';
    return n;
}

static size_t
addr_text(char out[PL_ADDR_BUFSZ], const uint8_t addr[16], uint8_t ip_version)
{
    return ip_version == 4 ? ipv4_text(out, addr + 12) : ipv6_text(out, addr);
}

char *
pl_put_addr(char *p, const uint8_t addr[16], uint8_t ip_version)
{
    return p + addr_text(p, addr, ip_version);
}

void
pl_rec_addr(struct pl_rec *r, const uint8_t addr[16], uint8_t ip_version)
{
    pl_rec_end_at(r, pl_put_addr(pl_rec_room(r, PL_PUT_ADDR_MAX), addr, ip_version));
}

void
pl_out_addr(char *buf, size_t len, const uint8_t addr[16], uint8_t ip_version)
{
    char t[PL_ADDR_BUFSZ];
    size_t n = addr_text(t, addr, ip_version);

    if (n < len) {
        memcpy(buf, t, n);
        buf[n] = '\0';
    } else if (len > 0) {
        buf[0] = '\0'; /* too small, as inet_ntop fails */
    }
}
