/* include/portlabel/output.h — flow and audit records in text, JSON Lines and CSV (SPEC §6). */
#ifndef PORTLABEL_OUTPUT_H
#define PORTLABEL_OUTPUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "portlabel/err.h"
#include "portlabel/flow.h"
#include "portlabel/label.h"
#include "portlabel/registry.h"

enum pl_format {
    PL_FMT_TEXT = 0, /* default: aligned table + audit summary */
    PL_FMT_JSON,     /* JSON Lines */
    PL_FMT_CSV,      /* RFC 4180, one header row */
};
/* Parse "text" / "json" / "csv". False for anything else. */
bool pl_format_parse(const char *s, enum pl_format *out);

/* Run totals for the summary record. Filled by main from the decoder
 * outcomes, the flow table's stats and the capture's stats. */
struct pl_summary {
    uint64_t packets_total;         /* every frame read (after the BPF filter) */
    uint64_t packets_in_flows;      /* frames counted to a flow */
    uint64_t non_ip;
    uint64_t other_ip[256];         /* by IP protocol number */
    uint64_t malformed;
    uint64_t truncated;
    uint64_t fragment_unattributed;
    uint64_t unsupported_link;
    uint64_t bad_records;           /* record headers refused (cap_len 0 or > 262144, > wire) */
    uint64_t flows_total;           /* records ended (all, also those --only-flagged hides) */
    uint64_t flows_unauthorized;    /* of which flagged unauthorized */
    uint64_t flows_by_status[PL_STATUS_COUNT];
    uint64_t flows_evicted;
    uint64_t frags_dropped;
    bool has_capture_stats;         /* live capture: ps_* below are valid */
    uint64_t ps_recv, ps_drop, ps_ifdrop;
    const char *registry_path;      /* borrowed */
    uint64_t registry_rows;
    uint64_t registry_bad_rows;     /* rows skipped with a warning */
    const char *registry_format;    /* "csv", "xml", "services" */
    bool registry_has_unauthorized;
};

/* One audit record: everything seen for one (protocol, service port). */
struct pl_audit_row {
    struct pl_label label;      /* label of that (protocol, port); basis of the first flow */
    uint64_t flows;
    uint64_t pkts;              /* both directions */
    uint64_t bytes;             /* both directions */
    uint64_t initiators;        /* distinct initiator addresses */
    uint64_t responders;        /* distinct responder addresses */
    uint64_t flows_unauthorized;
};

struct pl_sink;

/* A sink's operations, one file per format (the libpcap ops-table pattern).
 * Every call returns 0, or -1 with err set (a write error). */
struct pl_sink_ops {
    int (*begin)(struct pl_sink *s, struct pl_err *err);
    int (*flow)(struct pl_sink *s, const struct pl_flow *flow, struct pl_err *err);
    int (*audit)(struct pl_sink *s, const struct pl_audit_row *row, struct pl_err *err);
    int (*end)(struct pl_sink *s, const struct pl_summary *sum, struct pl_err *err);
    void (*destroy)(struct pl_sink *s);
};

struct pl_sink_opts {
    enum pl_format format;
    bool audit;     /* audit records instead of flow records */
    bool streaming; /* live capture: write each record at once (text: fixed widths),
                     * and flush after each one */
    FILE *summary_out; /* CSV only: an RFC 4180 file holds one table, so the run summary
                        * is written here in text form instead (main: stderr); NULL: the
                        * summary is not written. Borrowed. Ignored by text and JSON. */
};

struct pl_sink {
    const struct pl_sink_ops *ops;
    FILE *out;         /* the stream the format writes to (see pl_sink_new) */
    bool owns_out;     /* close the caller's stream in pl_sink_free */
    struct pl_sink_opts opts;
    void *priv;        /* format-private state */
    FILE *user_out;    /* the caller's stream when out is a private buffered duplicate */
    char *vbuf;        /* out's 128 KiB stdio buffer (batch mode), owned */
};

/* A sink writing to out. owns_out: the sink closes out when freed.
 * Batch mode (!opts->streaming): out is flushed, and records go through a
 * private stream on a dup(2) of its descriptor with a 128 KiB buffer, so the
 * caller's stream keeps its own buffering; streams without a descriptor are
 * written directly. Streaming mode: out is flushed after every record.
 * The caller must not write to out between pl_sink_new and pl_sink_free.
 * Call order: begin, then flow (or, with opts->audit, pl_audit_emit), then
 * end once with the summary (end flushes and reports write errors), then
 * pl_sink_free. NULL with err set on failure. */
struct pl_sink *pl_sink_new(const struct pl_sink_opts *opts, FILE *out, bool owns_out,
                            struct pl_err *err);
/* Calls ops->destroy and frees the sink. NULL is a no-op. */
void pl_sink_free(struct pl_sink *s);

/* The run summary as the text format prints it after its table: totals with
 * thousands separators, flows by status, other_ip, the registry source and
 * rows, and a warning line when the registry has no unauthorized-use data.
 * The CSV sink writes it to opts.summary_out. Write errors are left on out's
 * error indicator. */
void pl_summary_write_text(FILE *out, const struct pl_summary *sum);

/* Audit aggregation: per (protocol, service port) totals. */
struct pl_audit;
struct pl_audit *pl_audit_new(struct pl_err *err);
void pl_audit_free(struct pl_audit *a);
void pl_audit_add(struct pl_audit *a, const struct pl_flow *flow); /* dies on OOM */
/* Emit every row to sink->ops->audit, sorted by bytes (descending), then
 * protocol and port. Call between ops->begin and ops->end. 0, or -1 with err
 * set (a write error). */
int pl_audit_emit(struct pl_audit *a, struct pl_sink *s, struct pl_err *err);

/* Format-escaping writers for registry strings and other untrusted text. */
/* JSON string with quotes; NULL writes null. Invalid UTF-8 bytes become U+FFFD. */
void pl_out_json_str(FILE *out, const char *s);
/* CSV field per RFC 4180 (quoted when it holds a comma, quote, CR or LF). NULL writes nothing. */
void pl_out_csv_field(FILE *out, const char *s);
/* Text for a terminal: control characters and invalid UTF-8 written as \xHH, newlines as \n. */
void pl_out_text_str(FILE *out, const char *s);
/* Address text: inet_ntop of the 16-byte key form (v4-mapped -> dotted quad when ip_version 4). */
void pl_out_addr(char *buf, size_t len, const uint8_t addr[16], uint8_t ip_version);

/* `portlabel lookup`: print every registry match of one query ("443/tcp",
 * "443" for every protocol, or a service name) in fmt (text or json).
 * Returns the number of matches; -1 with err set when the query is neither a
 * port, port/protocol nor a name (a usage error). */
int pl_lookup_print(const struct pl_registry *reg, const char *query, enum pl_format fmt,
                    FILE *out, struct pl_err *err);

#endif
