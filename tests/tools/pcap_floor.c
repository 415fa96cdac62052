/* tests/tools/pcap_floor.c — the libpcap read loop alone: the floor portlabel is timed
 * against. Reads every record of each file with pcap_next_ex() and sums the captured
 * lengths (so the loop cannot be optimised away); prints packets and bytes.
 *
 * --mapped: hand libpcap the file as a stream over a read-only mapping, as portlabel does
 * for files of 1 MiB or more (src/capture.c), instead of pcap_open_offline()'s stdio over
 * read(2). The benchmark reports portlabel against both floors, so that the part of its
 * speed that comes from reading the file differently is visible. */
#define _GNU_SOURCE /* fopencookie */
#include <fcntl.h>
#include <pcap.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

struct map {
    const unsigned char *base;
    size_t len, pos, dropped;
};

static ssize_t
map_read(void *cookie, char *buf, size_t n)
{
    struct map *m = cookie;
    size_t k = m->len - m->pos < n ? m->len - m->pos : n;
    memcpy(buf, m->base + m->pos, k);
    m->pos += k;
    if (m->pos - m->dropped >= (1u << 20)) { /* as portlabel: keep the resident set small */
        size_t upto = m->pos & ~(size_t)((1u << 20) - 1u);
        (void)madvise((void *)(uintptr_t)(m->base + m->dropped), upto - m->dropped, MADV_DONTNEED);
        m->dropped = upto;
    }
    return (ssize_t)k;
}

static int
map_close(void *cookie)
{
    struct map *m = cookie;
    munmap((void *)(uintptr_t)m->base, m->len);
    free(m);
    return 0;
}

static pcap_t *
open_mapped(const char *path, char *errbuf)
{
    struct stat st;
    int fd = open(path, O_RDONLY);
    if (fd < 0 || fstat(fd, &st) != 0 || st.st_size == 0) {
        snprintf(errbuf, PCAP_ERRBUF_SIZE, "%s: cannot open or empty", path);
        return NULL;
    }
    struct map *m = calloc(1, sizeof *m);
    m->len = (size_t)st.st_size;
    m->base = mmap(NULL, m->len, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (m->base == MAP_FAILED) {
        snprintf(errbuf, PCAP_ERRBUF_SIZE, "%s: cannot map", path);
        return NULL;
    }
    (void)madvise((void *)(uintptr_t)m->base, m->len, MADV_SEQUENTIAL);
    cookie_io_functions_t io = {.read = map_read, .close = map_close};
    FILE *fp = fopencookie(m, "rb", io);
    return fp != NULL ? pcap_fopen_offline(fp, errbuf) : NULL;
}

int
main(int argc, char **argv)
{
    char errbuf[PCAP_ERRBUF_SIZE];
    uint64_t packets = 0, bytes = 0;
    int first = 1, mapped = 0;

    if (argc > 1 && strcmp(argv[1], "--mapped") == 0)
        mapped = 1, first = 2;
    if (argc <= first) {
        fprintf(stderr, "usage: %s [--mapped] FILE.pcap [FILE...]\n", argv[0]);
        return 2;
    }
    for (int i = first; i < argc; i++) {
        pcap_t *pc = mapped ? open_mapped(argv[i], errbuf) : pcap_open_offline(argv[i], errbuf);
        if (pc == NULL) {
            fprintf(stderr, "pcap_floor: %s\n", errbuf);
            return 1;
        }
        struct pcap_pkthdr *h;
        const u_char *data;
        int rc;
        while ((rc = pcap_next_ex(pc, &h, &data)) == 1) {
            packets++;
            bytes += h->caplen;
        }
        if (rc != PCAP_ERROR_BREAK) {
            fprintf(stderr, "pcap_floor: %s: %s\n", argv[i], pcap_geterr(pc));
            pcap_close(pc);
            return 1;
        }
        pcap_close(pc);
    }
    printf("packets %llu caplen_sum %llu\n", (unsigned long long)packets,
           (unsigned long long)bytes);
    return 0;
}
