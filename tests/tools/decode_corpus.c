/* tests/tools/decode_corpus.c — decode every packet of saved captures (pcap or pcapng) and
 * print how many ended in each status; a robustness check run under ASan + UBSan.
 *
 *   decode_corpus [-v] [--dump-seeds DIR] [--seeds-per-file N] PATH...
 *
 * PATH is a capture or a directory (walked recursively, in name order; *.out files are
 * skipped). Each packet is copied into a buffer of exactly its captured length, so a
 * read past the end is an ASan report, not a silent read into libpcap's buffer. Every
 * result is checked against fb_check_invariants(). With --dump-seeds, the first N
 * frames of each capture are also written to DIR as fuzz_decode inputs (one byte link
 * type, one byte wire-length excess in 16-byte units, then the frame).
 *
 * Exit status: 0 when every capture was read (unreadable files and read errors are
 * counted, not fatal), 1 when an invariant broke, 2 on a usage error, 77 when no PATH
 * exists (the shared corpus is absent). */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <pcap.h>

#include "frames.h"
#include "portlabel/capture.h"
#include "portlabel/decode.h"

#define N_STATUS (PL_DEC_UNSUPPORTED_LINK + 1)
#define MAX_DEPTH 8

struct paths {
    char **v;
    size_t n, cap;
};

struct totals {
    unsigned long long status[N_STATUS];
    unsigned long long packets, bad_records, files, unreadable, read_errors, broken;
    unsigned long long link_files[PL_LINK_PPP + 1];
    unsigned long long anomaly[32];
};

struct opts {
    bool verbose;
    const char *seed_dir;
    unsigned seeds_per_file;
};

static void
paths_add(struct paths *p, const char *s)
{
    if (p->n == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 256;
        p->v = realloc(p->v, p->cap * sizeof *p->v);
        if (p->v == NULL) {
            perror("decode_corpus");
            exit(1);
        }
    }
    p->v[p->n] = strdup(s);
    if (p->v[p->n] == NULL) {
        perror("decode_corpus");
        exit(1);
    }
    p->n++;
}

static bool
ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

static void
collect(struct paths *p, const char *path, int depth)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return;
    if (!S_ISDIR(st.st_mode)) {
        if (!ends_with(path, ".out"))
            paths_add(p, path);
        return;
    }
    if (depth >= MAX_DEPTH)
        return;
    DIR *d = opendir(path);
    if (d == NULL)
        return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char sub[4096];
        if ((size_t)snprintf(sub, sizeof sub, "%s/%s", path, e->d_name) >= sizeof sub)
            continue;
        collect(p, sub, depth + 1);
    }
    closedir(d);
}

static int
cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
dump_seed(const struct opts *o, const char *path, unsigned idx, enum pl_linktype link,
          const uint8_t *data, uint32_t cap_len, uint32_t wire_len)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    char out[4096];
    if ((size_t)snprintf(out, sizeof out, "%s/%s-%u", o->seed_dir, base, idx) >= sizeof out)
        return;
    FILE *fp = fopen(out, "wb");
    if (fp == NULL)
        return;
    uint32_t excess = (wire_len - cap_len) / 16;
    fputc((int)link, fp);
    fputc(excess > 255 ? 255 : (int)excess, fp);
    fwrite(data, 1, cap_len, fp);
    fclose(fp);
}

static void
run_file(const struct opts *o, const char *path, struct totals *t)
{
    char ebuf[PCAP_ERRBUF_SIZE] = "";
    pcap_t *pc = pcap_open_offline(path, ebuf);
    if (pc == NULL) {
        t->unreadable++;
        if (o->verbose)
            printf("%s: unreadable: %s\n", path, ebuf);
        return;
    }
    t->files++;
    int dlt = pcap_datalink(pc);
    enum pl_linktype link = pl_capture_map_dlt(dlt);
    t->link_files[link]++;

    unsigned long long per[N_STATUS] = {0};
    struct pcap_pkthdr *h;
    const u_char *bytes;
    unsigned idx = 0;
    int rc;
    while ((rc = pcap_next_ex(pc, &h, &bytes)) == 1) {
        /* Impossible record headers are refused before decoding, as capture.c does. */
        if (h->caplen == 0 || h->caplen > PL_CAPTURE_MAX_CAPLEN || h->caplen > h->len) {
            t->bad_records++;
            continue;
        }
        uint8_t *copy = malloc(h->caplen);
        if (copy == NULL) {
            perror("decode_corpus");
            exit(1);
        }
        memcpy(copy, bytes, h->caplen);
        struct pl_frame fr = {
            .data = copy,
            .cap_len = h->caplen,
            .wire_len = h->len,
            .ts_us = (uint64_t)h->ts.tv_sec * 1000000u + (uint64_t)h->ts.tv_usec,
            .link = link,
        };
        struct pl_pkt pkt;
        enum pl_decode_status st = pl_decode_frame(&fr, &pkt);
        const char *why = fb_check_invariants(&fr, st, &pkt);
        if (why != NULL) {
            t->broken++;
            fprintf(stderr, "%s: packet %llu: %s: %s\n", path, t->packets + 1,
                    pl_decode_status_name(st), why);
        }
        if (o->seed_dir != NULL && idx < o->seeds_per_file && link != PL_LINK_UNSUPPORTED)
            dump_seed(o, path, idx, link, copy, h->caplen, h->len);
        idx++;
        free(copy);
        t->status[st]++;
        per[st]++;
        for (unsigned b = 0; b < 32; b++)
            if (pkt.anomalies & (1u << b))
                t->anomaly[b]++;
        t->packets++;
    }
    if (rc == PCAP_ERROR)
        t->read_errors++;
    if (o->verbose) {
        printf("%s: dlt %d:", path, dlt);
        for (int s = 0; s < N_STATUS; s++)
            if (per[s] > 0)
                printf(" %s=%llu", pl_decode_status_name((enum pl_decode_status)s), per[s]);
        printf("%s\n", rc == PCAP_ERROR ? " (read error)" : "");
    }
    pcap_close(pc);
}

static void
usage(void)
{
    fprintf(stderr, "usage: decode_corpus [-v] [--dump-seeds DIR] [--seeds-per-file N] PATH...\n");
    exit(2);
}

int
main(int argc, char **argv)
{
    struct opts o = {.seeds_per_file = 3};
    struct paths p = {0};
    int given = 0, existing = 0;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-v") == 0) {
            o.verbose = true;
        } else if (strcmp(argv[i], "--dump-seeds") == 0 && i + 1 < argc) {
            o.seed_dir = argv[++i];
        } else if (strcmp(argv[i], "--seeds-per-file") == 0 && i + 1 < argc) {
            o.seeds_per_file = (unsigned)strtoul(argv[++i], NULL, 10);
        } else if (argv[i][0] == '-') {
            usage();
        } else {
            struct stat st;
            given++;
            if (stat(argv[i], &st) == 0)
                existing++;
            collect(&p, argv[i], 0);
        }
    }
    if (given == 0)
        usage();
    if (existing == 0) {
        fprintf(stderr, "decode_corpus: skipped: no such capture or directory (%s)\n",
                argv[argc - 1]);
        return 77;
    }
    if (o.seed_dir != NULL && mkdir(o.seed_dir, 0755) != 0 && errno != EEXIST) {
        perror(o.seed_dir);
        return 1;
    }
    qsort(p.v, p.n, sizeof *p.v, cmp_str);

    struct totals t = {0};
    for (size_t i = 0; i < p.n; i++) {
        run_file(&o, p.v[i], &t);
        free(p.v[i]);
    }
    free(p.v);

    printf("files %llu (unreadable %llu, read errors %llu), packets %llu, refused records %llu\n",
           t.files, t.unreadable, t.read_errors, t.packets, t.bad_records);
    for (int s = 0; s < N_STATUS; s++)
        printf("  %-17s %llu\n", pl_decode_status_name((enum pl_decode_status)s), t.status[s]);
    printf("files by link: unsupported %llu, ethernet %llu, sll %llu, sll2 %llu, raw %llu, "
           "ipv4 %llu, ipv6 %llu, null %llu, loop %llu, ppp %llu\n",
           t.link_files[PL_LINK_UNSUPPORTED], t.link_files[PL_LINK_ETHERNET],
           t.link_files[PL_LINK_SLL], t.link_files[PL_LINK_SLL2], t.link_files[PL_LINK_RAW],
           t.link_files[PL_LINK_IPV4], t.link_files[PL_LINK_IPV6], t.link_files[PL_LINK_NULL],
           t.link_files[PL_LINK_LOOP], t.link_files[PL_LINK_PPP]);
    printf("anomalies:");
    for (unsigned b = 0; b < 32; b++)
        if (t.anomaly[b] > 0)
            printf(" %s=%llu", pl_anomaly_name(1u << b), t.anomaly[b]);
    printf("\n");
    if (t.broken > 0) {
        fprintf(stderr, "decode_corpus: %llu results broke an invariant\n", t.broken);
        return 1;
    }
    return 0;
}
