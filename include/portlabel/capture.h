/* include/portlabel/capture.h — libpcap input: saved files and live interfaces. */
#ifndef PORTLABEL_CAPTURE_H
#define PORTLABEL_CAPTURE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "portlabel/err.h"
#include "portlabel/pkt.h"

#define PL_CAPTURE_MAX_CAPLEN 262144u /* larger record lengths are refused per record */

/* Called once per frame. The frame's bytes are borrowed until it returns.
 * Return false to stop the loop (as pcap_breakloop). */
typedef bool (*pl_frame_fn)(void *ctx, const struct pl_frame *fr);
/* Called for a record refused before decoding (cap_len 0 or too large). */
typedef void (*pl_badrec_fn)(void *ctx, uint64_t ts_us);

struct pl_capture; /* opaque: wraps a pcap_t */

struct pl_live_opts {
    const char *iface;  /* "any" for every interface (Linux cooked capture) */
    int snaplen;        /* bytes per packet; 0: 262144 */
    bool promisc;       /* false with -p */
    int buffer_kib;     /* kernel buffer size in KiB; 0: libpcap's default */
    int timeout_ms;     /* how long a read waits before the loop gets control */
};

/* Open a saved pcap/pcapng file ("-" for standard input). -1 with err set. */
int pl_capture_open_file(struct pl_capture **out, const char *path, struct pl_err *err);
/* Same from an open stream (e.g. fmemopen); the capture closes fp. */
int pl_capture_open_fp(struct pl_capture **out, FILE *fp, const char *name, struct pl_err *err);
/* Open a live interface. -1 with err set (no such device, no permission, ...). */
int pl_capture_open_live(struct pl_capture **out, const struct pl_live_opts *opts,
                         struct pl_err *err);
/* Compile and install a BPF filter (may be NULL or empty: no filter). */
int pl_capture_set_filter(struct pl_capture *cap, const char *expr, struct pl_err *err);
enum pl_linktype pl_capture_linktype(const struct pl_capture *cap);
/* libpcap's name for the link type (e.g. "EN10MB"). */
const char *pl_capture_linktype_name(const struct pl_capture *cap);
/* Map a DLT_* / LINKTYPE_* value to a decoded link type. */
enum pl_linktype pl_capture_map_dlt(int dlt);

/* Read frames until end of file, an error, a stop request or on_frame
 * returning false. Returns 1 at end of input, 0 when stopped, -1 on a read
 * error with err set. For live captures, on_idle (may be NULL) is called
 * whenever a read times out with no packet. */
int pl_capture_run(struct pl_capture *cap, pl_frame_fn on_frame, pl_badrec_fn on_badrec,
                   void (*on_idle)(void *ctx), void *ctx, struct pl_err *err);
/* Ask a running loop to stop (async-signal-safe). */
void pl_capture_stop(struct pl_capture *cap);
/* Live statistics. -1 when unavailable (files). */
int pl_capture_stats(struct pl_capture *cap, uint64_t *recv, uint64_t *drop, uint64_t *ifdrop);
/* A file descriptor to poll on, or -1. */
int pl_capture_fd(const struct pl_capture *cap);
void pl_capture_close(struct pl_capture *cap); /* NULL is a no-op */

/* Print the capture interfaces, as tcpdump -D does, to out. */
int pl_capture_list_ifaces(void *out_file, struct pl_err *err);

#endif
