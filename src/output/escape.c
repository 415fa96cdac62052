/* src/output/escape.c — escaping untrusted text for JSON (RFC 8259 §7), CSV (RFC 4180) and terminals. */
#include <arpa/inet.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "portlabel/output.h"

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

void
pl_out_json_str(FILE *out, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;

    if (s == NULL) {
        fputs("null", out);
        return;
    }
    putc('"', out);
    while (*p != '\0') {
        size_t n = utf8_len(p);
        if (n == 0) {
            fputs("\\ufffd", out); /* invalid byte: replacement character */
            p++;
            continue;
        }
        if (n > 1) {
            fwrite(p, 1, n, out);
            p += n;
            continue;
        }
        switch (*p) {
        case '"': fputs("\\\"", out); break;
        case '\\': fputs("\\\\", out); break;
        case '\n': fputs("\\n", out); break;
        case '\r': fputs("\\r", out); break;
        case '\t': fputs("\\t", out); break;
        default:
            if (*p < 0x20 || *p == 0x7f)
                fprintf(out, "\\u%04x", *p);
            else
                putc(*p, out);
        }
        p++;
    }
    putc('"', out);
}

void
pl_out_csv_field(FILE *out, const char *s)
{
    if (s == NULL)
        return;
    if (strpbrk(s, ",\"\r\n") == NULL) {
        fputs(s, out);
        return;
    }
    putc('"', out);
    for (const char *p = s; *p != '\0'; p++) {
        if (*p == '"')
            putc('"', out); /* RFC 4180 §2.7: a quote inside quotes is doubled */
        putc(*p, out);
    }
    putc('"', out);
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

void
pl_out_addr(char *buf, size_t len, const uint8_t addr[16], uint8_t ip_version)
{
    if (ip_version == 4) {
        if (inet_ntop(AF_INET, addr + 12, buf, (socklen_t)len) == NULL && len > 0)
            buf[0] = '\0';
    } else if (inet_ntop(AF_INET6, addr, buf, (socklen_t)len) == NULL && len > 0) {
        buf[0] = '\0';
    }
}
