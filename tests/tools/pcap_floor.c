/* tests/tools/pcap_floor.c — the libpcap read loop alone: the floor portlabel is timed
 * against. Reads every record of each file with pcap_next_ex() (--buffered: pcap_dispatch())
 * and sums the captured lengths (so the loop cannot be optimised away); prints packets and
 * bytes.
 *
 * --buffered: read the file as portlabel reads saved files (src/capture.c): a stream with a
 * 128 KiB stdio buffer handed to libpcap, instead of pcap_open_offline()'s stream with its
 * 4 KiB buffer, and one pcap_dispatch() to the end of the file instead of a pcap_next_ex()
 * call per record. The benchmark reports portlabel against both floors, so that the part of
 * its speed that comes from reading the file differently is visible.
 *
 * --touch MIB: after reading, map MIB MiB of anonymous memory on a 2 MiB boundary with the
 * huge-page hint all through, as portlabel maps its flow pool (map_big() in
 * src/flow/flow_table.c), and write one byte in every 4 KiB. Nothing else: what the kernel
 * (and, on a virtual machine, the host) charges to hand a process that much fresh memory,
 * which portlabel pays for its flow table and the read loop does not. */
#include <pcap.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define BUF_LEN (128u << 10) /* as PL_FILE_BUF_LEN in src/capture.c */

struct sums {
    uint64_t packets, bytes;
};

static void
on_record(u_char *user, const struct pcap_pkthdr *h, const u_char *data)
{
    struct sums *s = (struct sums *)(void *)user;
    (void)data;
    s->packets++;
    s->bytes += h->caplen;
}

static pcap_t *
open_buffered(const char *path, char *errbuf, char *buf)
{
    FILE *fp = fopen(path, "rb");
    if (fp == NULL || setvbuf(fp, buf, _IOFBF, BUF_LEN) != 0) {
        snprintf(errbuf, PCAP_ERRBUF_SIZE, "%s: cannot open", path);
        if (fp != NULL)
            fclose(fp);
        return NULL;
    }
    pcap_t *pc = pcap_fopen_offline(fp, errbuf);
    if (pc == NULL)
        fclose(fp);
    return pc;
}

#define HUGE_ALIGN ((size_t)2 << 20) /* PL_HUGE_ALIGN in src/flow/flow_int.h */

/* Write one byte per 4 KiB page of a fresh MIB MiB mapping; -1 when it cannot be mapped
 * or unmapped. */
static int
touch(unsigned long mib)
{
    size_t bytes = (size_t)mib << 20;
    size_t held = (bytes + HUGE_ALIGN - 1) & ~(HUGE_ALIGN - 1); /* as portlabel holds it */
    char *p = mmap(NULL, held + HUGE_ALIGN, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                   -1, 0);
    if (p == MAP_FAILED)
        return -1;
    char *a = p + ((HUGE_ALIGN - ((uintptr_t)p & (HUGE_ALIGN - 1))) & (HUGE_ALIGN - 1));
#ifdef MADV_HUGEPAGE
    (void)madvise(a, held, MADV_HUGEPAGE);
#endif
    volatile char *v = a;
    for (size_t off = 0; off < bytes; off += 4096)
        v[off] = 1;
    return munmap(p, held + HUGE_ALIGN);
}

int
main(int argc, char **argv)
{
    char errbuf[PCAP_ERRBUF_SIZE];
    struct sums sum = {0, 0};
    int first = 1, buffered = 0;
    unsigned long touch_mib = 0;
    static char buf[BUF_LEN];

    for (;;) {
        if (argc > first && strcmp(argv[first], "--buffered") == 0) {
            buffered = 1, first++;
        } else if (argc > first + 1 && strcmp(argv[first], "--touch") == 0) {
            char *end;
            touch_mib = strtoul(argv[first + 1], &end, 10);
            if (*end != '\0' || touch_mib == 0 || touch_mib > (1ul << 20) ||
                touch_mib > SIZE_MAX >> 20) {
                fprintf(stderr, "pcap_floor: --touch: not a size in MiB: %s\n", argv[first + 1]);
                return 2;
            }
            first += 2;
        } else {
            break;
        }
    }
    if (argc <= first) {
        fprintf(stderr, "usage: %s [--buffered] [--touch MIB] FILE.pcap [FILE...]\n", argv[0]);
        return 2;
    }
    for (int i = first; i < argc; i++) {
        pcap_t *pc =
            buffered ? open_buffered(argv[i], errbuf, buf) : pcap_open_offline(argv[i], errbuf);
        if (pc == NULL) {
            fprintf(stderr, "pcap_floor: %s\n", errbuf);
            return 1;
        }
        struct pcap_pkthdr *h;
        const u_char *data;
        int rc;
        if (buffered) {
            /* a count of -1 reads up to INT_MAX records per call: at the end, 0 */
            while ((rc = pcap_dispatch(pc, -1, on_record, (u_char *)(void *)&sum)) > 0)
                ;
            rc = rc == 0 ? PCAP_ERROR_BREAK : rc;
        } else {
            while ((rc = pcap_next_ex(pc, &h, &data)) == 1) {
                sum.packets++;
                sum.bytes += h->caplen;
            }
        }
        if (rc != PCAP_ERROR_BREAK) {
            fprintf(stderr, "pcap_floor: %s: %s\n", argv[i], pcap_geterr(pc));
            pcap_close(pc);
            return 1;
        }
        pcap_close(pc);
    }
    if (touch_mib != 0 && touch(touch_mib) != 0) {
        fprintf(stderr, "pcap_floor: --touch: cannot map or unmap %lu MiB\n", touch_mib);
        return 1;
    }
    printf("packets %llu caplen_sum %llu\n", (unsigned long long)sum.packets,
           (unsigned long long)sum.bytes);
    return 0;
}
