/* tests/tools/pcap_floor.c — the libpcap read loop alone: the floor portlabel is timed
 * against. Reads every record of each file with pcap_next_ex() and sums the captured
 * lengths (so the loop cannot be optimised away); prints packets and bytes.
 *
 * --buffered: open the file with a 128 KiB stdio buffer and hand the stream to libpcap, as
 * portlabel opens saved files (src/capture.c), instead of pcap_open_offline()'s stream with
 * its 4 KiB buffer. The benchmark reports portlabel against both floors, so that the part
 * of its speed that comes from reading the file differently is visible. */
#include <pcap.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BUF_LEN (128u << 10) /* as PL_FILE_BUF_LEN in src/capture.c */

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

int
main(int argc, char **argv)
{
    char errbuf[PCAP_ERRBUF_SIZE];
    uint64_t packets = 0, bytes = 0;
    int first = 1, buffered = 0;
    static char buf[BUF_LEN];

    if (argc > 1 && strcmp(argv[1], "--buffered") == 0)
        buffered = 1, first = 2;
    if (argc <= first) {
        fprintf(stderr, "usage: %s [--buffered] FILE.pcap [FILE...]\n", argv[0]);
        return 2;
    }
    for (int i = first; i < argc; i++) {
        pcap_t *pc = buffered ? open_buffered(argv[i], errbuf, buf)
                              : pcap_open_offline(argv[i], errbuf);
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
