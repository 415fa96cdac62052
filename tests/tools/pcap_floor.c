/* tests/tools/pcap_floor.c — the libpcap read loop alone: the floor portlabel is timed
 * against. Reads every record of each file with pcap_next_ex() and sums the captured
 * lengths (so the loop cannot be optimised away); prints packets and bytes. */
#include <pcap.h>
#include <stdint.h>
#include <stdio.h>

int
main(int argc, char **argv)
{
    char errbuf[PCAP_ERRBUF_SIZE];
    uint64_t packets = 0, bytes = 0;

    if (argc < 2) {
        fprintf(stderr, "usage: %s FILE.pcap [FILE...]\n", argv[0]);
        return 2;
    }
    for (int i = 1; i < argc; i++) {
        pcap_t *pc = pcap_open_offline(argv[i], errbuf);
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
