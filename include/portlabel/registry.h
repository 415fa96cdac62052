/* include/portlabel/registry.h — IANA Service Name and Transport Protocol Port Number Registry
 * (RFC 6335), read from IANA CSV, IANA XML or services(5) text, normalised per SPEC §2. */
#ifndef PORTLABEL_REGISTRY_H
#define PORTLABEL_REGISTRY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "portlabel/err.h"

/* Transport protocols the registry covers. */
enum pl_proto {
    PL_PROTO_TCP = 0,
    PL_PROTO_UDP,
    PL_PROTO_SCTP,
    PL_PROTO_DCCP,
    PL_PROTO_COUNT,
};

/* Status of one (protocol, port), SPEC §2. */
enum pl_status {
    PL_STATUS_ASSIGNED = 0, /* the primary row has a service name */
    PL_STATUS_RESERVED,     /* no name, description starts with "Reserved" */
    PL_STATUS_UNASSIGNED,   /* no name and "Unassigned"/"(unassigned)", or no row covers */
    PL_STATUS_UNNAMED,      /* no name, any other description */
    PL_STATUS_COUNT,
};

enum pl_registry_format {
    PL_REG_FMT_CSV = 0, /* IANA CSV export */
    PL_REG_FMT_XML,     /* IANA XML */
    PL_REG_FMT_SERVICES /* services(5), Wireshark services, nmap-services: names and ports only */
};

/* The resolved label of one (protocol, port). Owned by the registry, valid
 * until pl_registry_free(); several ports may share one entry. */
struct pl_reg_entry {
    const char *service;         /* primary row's name; NULL when it has none */
    const char *description;     /* primary row's description as is (newlines kept), "" when empty */
    const char *unauthorized;    /* first non-empty "Unauthorized Use Reported" in precedence
                                  * order among covering rows; NULL when none */
    const char *const *aliases;  /* other names of covering rows, precedence order, without the
                                  * primary's name or duplicates */
    uint32_t alias_count;        /* entries in aliases */
    uint8_t status;              /* enum pl_status */
};

/* Called for each bad row that is skipped (the library never prints).
 * `line` is the 1-based line where the row starts. */
typedef void (*pl_registry_warn_fn)(void *ctx, const char *path, unsigned long line,
                                    const char *why);

struct pl_registry;

/* An empty registry (every port unassigned). NULL on allocation failure. */
struct pl_registry *pl_registry_new(void);
/* Frees everything the registry owns. NULL is a no-op. */
void pl_registry_free(struct pl_registry *reg);

/* Load a registry file, format detected from its content. A file that cannot
 * be read or parsed, or that holds no registry at all (also: a CSV header with
 * no data row), is an error naming the file (and line, when one is at fault):
 * returns -1 with err set, and the registry must then only be freed. Bad rows
 * are skipped, reported through warn (may be NULL) and counted. A registry is
 * loaded once; calling this twice on one registry is an error. */
int pl_registry_load(struct pl_registry *reg, const char *path, pl_registry_warn_fn warn,
                     void *warn_ctx, struct pl_err *err);
/* Same from memory (tests, fuzzing). `name` is used in messages and as the path. */
int pl_registry_load_mem(struct pl_registry *reg, const char *data, size_t len, const char *name,
                         pl_registry_warn_fn warn, void *warn_ctx, struct pl_err *err);

/* The entry for (proto, port), or NULL when no row covers it (status
 * unassigned, description null). O(1); never allocates. */
const struct pl_reg_entry *pl_registry_get(const struct pl_registry *reg, enum pl_proto proto,
                                           uint16_t port);
/* Status of (proto, port): the entry's, or PL_STATUS_UNASSIGNED when none. */
enum pl_status pl_registry_status(const struct pl_registry *reg, enum pl_proto proto,
                                  uint16_t port);

/* One (protocol, port) that a name maps to, for look-ups by name. `port` is
 * -1 for a row that carries no port number; `entry` is then that row's own
 * label, valid only during the call. Otherwise `entry` is pl_registry_get()'s
 * (the port's primary row may carry another name). `name` is spelled as in
 * the file. */
typedef void (*pl_registry_name_fn)(void *ctx, const char *name, enum pl_proto proto, int32_t port,
                                    const struct pl_reg_entry *entry);
/* Call fn for every (protocol, port) whose rows carry `name` (case-insensitive;
 * services(5) aliases count as names), once each: rows without a port first,
 * then in port then protocol order. Returns the number of calls. */
size_t pl_registry_find_name(const struct pl_registry *reg, const char *name,
                             pl_registry_name_fn fn, void *ctx);

const char *pl_registry_path(const struct pl_registry *reg);      /* as given to load */
uint64_t pl_registry_rows(const struct pl_registry *reg);         /* accepted data rows */
uint64_t pl_registry_bad_rows(const struct pl_registry *reg);     /* skipped rows */
enum pl_registry_format pl_registry_format(const struct pl_registry *reg);
bool pl_registry_has_unauthorized(const struct pl_registry *reg); /* source carries that column */

/* Registry discovery, SPEC §2: cli_path (-R), else $PORTLABEL_REGISTRY, else
 * the IANA registry installed with portlabel (or fetched into the source
 * tree's registry/), else /usr/share/wireshark/services, else /etc/services.
 * Writes the chosen path to out. Returns -1 with err set when none exists. */
int pl_registry_discover(const char *cli_path, char *out, size_t out_len, struct pl_err *err);

/* Names for output. */
const char *pl_proto_name(enum pl_proto proto);   /* "tcp", "udp", "sctp", "dccp" */
const char *pl_status_name(enum pl_status status); /* "assigned", "reserved", ... */
/* Parse "tcp"/"udp"/"sctp"/"dccp" (case-insensitive). Returns false for anything else. */
bool pl_proto_parse(const char *s, enum pl_proto *out);
/* Map an IP protocol number to a registry protocol. False for anything else. */
bool pl_proto_from_ip(uint8_t ip_proto, enum pl_proto *out);

#endif
