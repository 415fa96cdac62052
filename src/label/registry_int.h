/* src/label/registry_int.h — private declarations shared by the registry readers
 * (IANA CSV per RFC 4180, IANA XML, services(5)) and the table builder (RFC 6335). */
#ifndef PL_REGISTRY_INT_H
#define PL_REGISTRY_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "portlabel/err.h"
#include "portlabel/registry.h"

/* One accepted registry row, as read from any format. Strings are owned by
 * the registry (its file buffer or its arena) and are never NULL. */
struct reg_row {
    const char *name;   /* service name, "" when the row has none */
    const char *desc;   /* description as is, "" when empty */
    const char *unauth; /* "Unauthorized Use Reported" text, "" when none */
    unsigned long line; /* 1-based line where the row starts */
    uint16_t lo, hi;    /* port range, lo == hi for one port; 0 when !has_port */
    uint8_t protos;     /* bit (1 << enum pl_proto) per protocol; 0: the row names none */
    bool has_port;      /* false: kept for name look-ups only */
};

#define PL_REG_PROTO_BIT(p) ((uint8_t)(1u << (p)))
#define PL_REG_PROTO_ALL ((uint8_t)((1u << PL_PROTO_COUNT) - 1u))

/* Reader context: what the readers need from the registry being loaded. */
struct pl_registry;

/* Append a row (copies the struct, not the strings). -1 with err set on OOM. */
int pl_reg_add_row(struct pl_registry *reg, const struct reg_row *row, struct pl_err *err);
/* Count an accepted data row (a services(5) line with aliases adds several
 * rows but is one data row). */
void pl_reg_count_row(struct pl_registry *reg);
/* Skip a bad row: count it and report it through the warn callback. */
void pl_reg_bad_row(struct pl_registry *reg, unsigned long line, const char *why);
/* Copy len bytes into the registry's arena, NUL-terminated. NULL on OOM. */
char *pl_reg_strndup(struct pl_registry *reg, const char *s, size_t len);
/* The name used in messages (the path given to load). */
const char *pl_reg_name(const struct pl_registry *reg);
/* Record that the source carries unauthorized-use data. */
void pl_reg_set_has_unauthorized(struct pl_registry *reg);

/* "N" or "A-B" (A <= B <= 65535), surrounding blanks allowed; "" is no port.
 * False when malformed. */
bool pl_reg_parse_port(const char *s, size_t len, struct reg_row *row);
/* "", "tcp", "udp", "sctp", "dccp" (any case, blanks allowed) into row->protos.
 * False for anything else. */
bool pl_reg_parse_proto(const char *s, size_t len, struct reg_row *row);

/* The readers. buf is NUL-terminated at buf[len] and owned by the registry;
 * the CSV reader unescapes it in place and keeps pointers into it. Each
 * returns 0, or -1 with err set ("NAME:LINE: why" or "NAME: why"). */
int pl_reg_read_csv(struct pl_registry *reg, char *buf, size_t len, struct pl_err *err);
int pl_reg_read_xml(struct pl_registry *reg, const char *buf, size_t len, struct pl_err *err);
int pl_reg_read_services(struct pl_registry *reg, char *buf, size_t len, struct pl_err *err);

/* Content sniffing for the format, used by load. */
enum pl_registry_format pl_reg_sniff(const char *buf, size_t len);

#endif
