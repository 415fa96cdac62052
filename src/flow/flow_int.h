/* src/flow/flow_int.h — flow module internals shared with its tests (SPEC §4). */
#ifndef PL_FLOW_INT_H
#define PL_FLOW_INT_H

#include <stddef.h>

/* Bytes of one flow record in the pool, UT_hash_handle included (at most 256). */
size_t pl_flow_table_node_size(void);

struct pl_flow_table;
/* The table's big mappings (pool, buckets, fragments) start on this boundary and carry the
 * huge-page hint all through. 2 MiB: a transparent huge page on x86-64 (and on arm64 with
 * 4 KiB pages); where huge pages are larger the hint still applies, the alignment is
 * only partial. */
#define PL_HUGE_ALIGN ((size_t)2 << 20)

/* The node pool's mapping: its address, and its size in *bytes. */
const void *pl_flow_table_pool(const struct pl_flow_table *ft, size_t *bytes);
/* Buckets of the flow hash: sized for max_flows from the start (1.5 keys per bucket). */
unsigned pl_flow_table_buckets(const struct pl_flow_table *ft);
/* The lru list's slot width, 2^shift microseconds (shift < 64), on a table with no live flow.
 * Every shift gives the same output; tests try the extremes. */
void pl_flow_table_set_lru_shift(struct pl_flow_table *ft, unsigned shift);

#endif
