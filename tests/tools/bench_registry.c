/* tests/tools/bench_registry.c — load a registry file N times; report the median load
 * time and the memory one loaded registry holds (heap from mallinfo2, and RSS growth).
 * Usage: bench_registry FILE [N]   (not a test: the figures go in the README) */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "portlabel/registry.h"

static double
now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static long
rss_kb(void)
{
    FILE *fp = fopen("/proc/self/status", "r");
    char line[256];
    long kb = -1;
    while (fp != NULL && fgets(line, sizeof line, fp) != NULL) {
        if (strncmp(line, "VmRSS:", 6) == 0)
            kb = strtol(line + 6, NULL, 10);
    }
    if (fp != NULL)
        fclose(fp);
    return kb;
}

/* pl_registry_get over every (protocol, port), a few times: ns per call. */
static void
lookups(const struct pl_registry *reg)
{
    const int rounds = 10;
    size_t hits = 0;
    double t0 = now_ms();
    for (int r = 0; r < rounds; r++) {
        for (int p = 0; p < PL_PROTO_COUNT; p++) {
            for (uint32_t port = 0; port <= UINT16_MAX; port++)
                hits += pl_registry_get(reg, (enum pl_proto)p, (uint16_t)port) != NULL;
        }
    }
    double ms = now_ms() - t0;
    double calls = (double)rounds * PL_PROTO_COUNT * 65536.0;
    printf("pl_registry_get: %.1f ns per call (%zu of %.0f covered)\n", ms * 1e6 / calls,
           hits / (size_t)rounds, calls / rounds);
}

static int
cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int
main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench_registry FILE [N]\n");
        return 2;
    }
    int n = argc > 2 ? atoi(argv[2]) : 21;
    if (n < 1)
        n = 1;
    double *ms = calloc((size_t)n, sizeof *ms);
    size_t heap_peak = 0;
    long rss_growth = 0;
    if (ms == NULL)
        return 1;
    for (int i = 0; i < n; i++) {
        struct pl_err err = {.msg = ""};
        struct mallinfo2 before = mallinfo2();
        long rss_before = rss_kb();
        double t0 = now_ms();
        struct pl_registry *reg = pl_registry_new();
        if (reg == NULL || pl_registry_load(reg, argv[1], NULL, NULL, &err) < 0) {
            fprintf(stderr, "bench_registry: %s\n", err.msg);
            return 1;
        }
        ms[i] = now_ms() - t0;
        struct mallinfo2 after = mallinfo2();
        size_t heap = (after.uordblks + after.hblkhd) - (before.uordblks + before.hblkhd);
        if (heap > heap_peak)
            heap_peak = heap;
        if (i == 0)
            rss_growth = rss_kb() - rss_before;
        if (i == n - 1) {
            printf("rows %llu, bad rows %llu\n", (unsigned long long)pl_registry_rows(reg),
                   (unsigned long long)pl_registry_bad_rows(reg));
            lookups(reg);
        }
        pl_registry_free(reg);
    }
    qsort(ms, (size_t)n, sizeof *ms, cmp_double);
    printf("%s: %d loads, median %.2f ms (min %.2f, max %.2f); held %.2f MB heap; "
           "first load grew RSS by %.2f MB\n",
           argv[1], n, ms[n / 2], ms[0], ms[n - 1], (double)heap_peak / (1024.0 * 1024.0),
           (double)rss_growth / 1024.0);
    free(ms);
    return 0;
}
