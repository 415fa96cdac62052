/* include/portlabel/pkt.h — one captured frame, and the fixed-size summary the decoder makes of it. */
#ifndef PORTLABEL_PKT_H
#define PORTLABEL_PKT_H

#include <stdbool.h>
#include <stdint.h>

/* Link types portlabel decodes. capture.c maps libpcap's DLT_* values here,
 * in one place; everything else is PL_LINK_UNSUPPORTED. */
enum pl_linktype {
    PL_LINK_UNSUPPORTED = 0,
    PL_LINK_ETHERNET, /* DLT_EN10MB */
    PL_LINK_SLL,      /* DLT_LINUX_SLL (cooked v1) */
    PL_LINK_SLL2,     /* DLT_LINUX_SLL2 */
    PL_LINK_RAW,      /* DLT_RAW / LINKTYPE_RAW (12, 14, 101): IPv4 or IPv6 by first nibble */
    PL_LINK_IPV4,     /* LINKTYPE_IPV4 (228) */
    PL_LINK_IPV6,     /* LINKTYPE_IPV6 (229) */
    PL_LINK_NULL,     /* DLT_NULL: 4-byte family in the capturing host's byte order */
    PL_LINK_LOOP,     /* DLT_LOOP: 4-byte family in network byte order */
    PL_LINK_PPP,      /* DLT_PPP (RFC 1661 framing, optional HDLC address/control) */
};

/* One frame as libpcap delivered it. Bytes are borrowed until the frame
 * callback returns: nothing may keep a pointer into them. */
struct pl_frame {
    const uint8_t *data;   /* cap_len captured bytes */
    uint32_t cap_len;      /* bytes captured */
    uint32_t wire_len;     /* bytes on the wire (>= cap_len for a sane record) */
    uint64_t ts_us;        /* capture timestamp, microseconds since the epoch */
    enum pl_linktype link; /* link type of the capture this frame came from */
};

#define PL_VLAN_MAX 8        /* deepest VLAN tag stack decoded */
#define PL_MPLS_MAX 8        /* deepest MPLS label stack decoded */
#define PL_IPV6_EXT_MAX 8    /* most IPv6 extension headers walked */

/* Transport protocol numbers (IANA protocol numbers; our own, since some libcs lack DCCP). */
#define PL_IPPROTO_HOPOPTS 0
#define PL_IPPROTO_TCP 6
#define PL_IPPROTO_UDP 17
#define PL_IPPROTO_ROUTING 43
#define PL_IPPROTO_FRAGMENT 44
#define PL_IPPROTO_ESP 50
#define PL_IPPROTO_AH 51
#define PL_IPPROTO_NONE 59
#define PL_IPPROTO_DSTOPTS 60
#define PL_IPPROTO_DCCP 33
#define PL_IPPROTO_SCTP 132

/* TCP flag bits as in the header's flags byte (RFC 9293 §3.1, RFC 3168). */
#define PL_TCP_FIN 0x01
#define PL_TCP_SYN 0x02
#define PL_TCP_RST 0x04
#define PL_TCP_PSH 0x08
#define PL_TCP_ACK 0x10
#define PL_TCP_URG 0x20
#define PL_TCP_ECE 0x40
#define PL_TCP_CWR 0x80

/* SCTP chunk types read (RFC 9260 §3.2). */
#define PL_SCTP_CHUNK_INIT 1
#define PL_SCTP_CHUNK_INIT_ACK 2

/* DCCP packet types read (RFC 4340 §5.1). */
#define PL_DCCP_REQUEST 0
#define PL_DCCP_RESPONSE 1

/* How far decoding got. */
enum pl_layer {
    PL_LAYER_NONE = 0, /* nothing decoded */
    PL_LAYER_L2,       /* link header(s) decoded */
    PL_LAYER_L3,       /* IP header (and IPv6 extension headers) decoded */
    PL_LAYER_L4,       /* transport ports decoded */
};

/* Fragment position of an IP packet. */
enum pl_frag {
    PL_FRAG_NONE = 0, /* not a fragment */
    PL_FRAG_FIRST,    /* offset 0 with more-fragments set: carries the ports */
    PL_FRAG_LATER,    /* offset > 0: carries no ports */
};

/* Soft and hard anomalies; every PL_DEC_MALFORMED sets the bit that explains it.
 * Names are in pl_anomaly_name(). */
enum pl_anomaly {
    PL_ANOM_VLAN_TOO_DEEP = 1u << 0,
    PL_ANOM_MPLS_TOO_DEEP = 1u << 1,
    PL_ANOM_IP_VERSION = 1u << 2,       /* version nibble does not match the link's claim */
    PL_ANOM_IPV4_IHL = 1u << 3,         /* IHL below 5 */
    PL_ANOM_IPV4_TOTLEN = 1u << 4,      /* total length below the header length */
    PL_ANOM_IPV4_TSO = 1u << 5,         /* total length 0: segmentation offload (soft) */
    PL_ANOM_IPV6_PLEN_ZERO = 1u << 6,   /* payload length 0 (jumbogram or bogus) */
    PL_ANOM_IPV6_EXT_TOO_DEEP = 1u << 7,
    PL_ANOM_IPV6_EXT_LEN = 1u << 8,     /* extension header runs past the declared length */
    PL_ANOM_L4_SHORT = 1u << 9,         /* declared transport length below the fixed header */
    PL_ANOM_DCCP_X_SHORT = 1u << 10,    /* DCCP X=1 but declared length below 16 */
    PL_ANOM_CAPLEN_GT_WIRE = 1u << 11,  /* record claims more captured than on the wire (soft) */
    PL_ANOM_IPV4_FRAG_OFF = 1u << 12,   /* fragment that would run past 65535 (soft) */
    PL_ANOM_LINK_BAD = 1u << 13,        /* link header field out of range */
    PL_ANOM_TRAILER = 1u << 14,         /* bytes beyond the declared IP length (soft) */
    PL_ANOM_TCP_DOFF = 1u << 15,        /* TCP data offset below 5 or past the segment (soft) */
    PL_ANOM_DCCP_DOFF = 1u << 16,       /* DCCP data offset below the generic header (soft) */
    PL_ANOM_UDP_LEN = 1u << 17,         /* UDP length differs from the IP length (soft) */
};

/* Fixed-size summary of one packet. Lives on the caller's stack. Tuple first. */
struct pl_pkt {
    uint8_t src[16];        /* source address; IPv4 as ::ffff:a.b.c.d */
    uint8_t dst[16];        /* destination address; IPv4 as ::ffff:a.b.c.d */
    uint16_t sport;         /* host order; 0 unless layer == L4 */
    uint16_t dport;         /* host order; 0 unless layer == L4 */
    uint8_t l4_proto;       /* IP protocol number of the transport (IPv6: after extension headers) */
    uint8_t ip_version;     /* 4 or 6; 0 when no IP header was decoded */
    uint8_t tcp_flags;      /* TCP flags byte (PL_TCP_*); 0 for other protocols */
    uint8_t sctp_chunk;     /* first SCTP chunk type, when has_sctp_chunk */
    bool has_sctp_chunk;    /* a 13th SCTP byte was captured within the declared length */
    uint8_t dccp_type;      /* DCCP packet type (PL_DCCP_*) */
    uint8_t layer;          /* enum pl_layer: deepest layer fully decoded */
    uint8_t frag;           /* enum pl_frag */
    uint8_t vlan_count;     /* tags seen (outermost first); 0 when untagged */
    uint8_t mpls_count;     /* MPLS labels seen */
    uint8_t frag_proto;     /* fragment key protocol: IPv4 protocol, or the IPv6 fragment
                             * header's next header; valid when frag != PL_FRAG_NONE */
    bool frag_more;         /* more-fragments flag (IPv4 MF, IPv6 M) */
    uint16_t vlan[PL_VLAN_MAX]; /* VLAN IDs (12 bits), outermost first */
    uint32_t frag_id;       /* IPv4 identification (16 bits) or IPv6 fragment identification */
    uint32_t ip_len;        /* IP-layer bytes per SPEC §3 (declared, or captured for IPv4 TSO) */
    uint32_t l4_len;        /* declared transport bytes: IP length minus IP headers */
    uint32_t payload_len;   /* captured transport payload bytes (after the transport header) */
    uint16_t l3_off;        /* offset of the IP header from the frame start, bytes */
    uint16_t l4_off;        /* offset of the transport header from the frame start, bytes */
    uint32_t anomalies;     /* enum pl_anomaly bits */
    uint64_t ts_us;         /* capture timestamp, microseconds since the epoch */
};

#endif
