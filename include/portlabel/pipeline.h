/* include/portlabel/pipeline.h — the per-frame path wired end to end:
 * frame -> decode -> flow table -> label -> sink (or audit), plus run totals. */
#ifndef PORTLABEL_PIPELINE_H
#define PORTLABEL_PIPELINE_H

#include <stdbool.h>
#include <stdint.h>

#include "portlabel/err.h"
#include "portlabel/flow.h"
#include "portlabel/output.h"
#include "portlabel/pkt.h"
#include "portlabel/registry.h"

struct pl_pipeline_opts {
    struct pl_flow_cfg flow; /* timeouts and table sizes */
    bool only_flagged;       /* keep only flagged flows: unauthorized text (SPEC §5) */
    bool audit;              /* aggregate per (protocol, service port) instead of flow records */
    uint64_t max_packets;    /* -c: stop after this many frames; 0 = no limit */
};

struct pl_pipeline;

/* reg and sink are borrowed and must outlive the pipeline. NULL with err set on failure. */
struct pl_pipeline *pl_pipeline_new(const struct pl_pipeline_opts *opts,
                                    const struct pl_registry *reg, struct pl_sink *sink,
                                    struct pl_err *err);
void pl_pipeline_free(struct pl_pipeline *p); /* NULL is a no-op */

/* Start the output (sink begin). */
int pl_pipeline_begin(struct pl_pipeline *p, struct pl_err *err);
/* One frame. Returns false when the run should stop: the -c count is reached,
 * or writing output failed (pl_pipeline_finish reports the error). */
bool pl_pipeline_frame(struct pl_pipeline *p, const struct pl_frame *fr);
/* A record refused before decoding (impossible record header). */
void pl_pipeline_bad_record(struct pl_pipeline *p, uint64_t ts_us);
/* Live capture with no packets: advance flow time to the clock. */
void pl_pipeline_tick(struct pl_pipeline *p, uint64_t now_us);
/* End every live flow (`eof` or `shutdown`), write audit rows and the summary.
 * cap_stats: libpcap's ps_recv/ps_drop/ps_ifdrop for live capture, else NULL.
 * Returns -1 with err set when output could not be written (also for an
 * earlier write failure). */
int pl_pipeline_finish(struct pl_pipeline *p, enum pl_end_reason why,
                       const uint64_t cap_stats[3], struct pl_err *err);
/* Current totals (for a status line or SIGUSR1). */
void pl_pipeline_totals(const struct pl_pipeline *p, struct pl_summary *out);

#endif
