/* src/decode/decode_int.h — wire constants shared by the link decoders and the dispatcher
 * (IEEE 802.3 / 802.1Q EtherTypes, RFC 3032 MPLS, RFC 2516 PPPoE, RFC 1661 PPP). */
#ifndef PL_DECODE_INT_H
#define PL_DECODE_INT_H

/* EtherType values (IEEE registry). Values below PL_ETHERTYPE_MIN are 802.3 lengths. */
#define PL_ETHERTYPE_MIN 0x0600u
#define PL_ETHERTYPE_IPV4 0x0800u
#define PL_ETHERTYPE_IPV6 0x86ddu
#define PL_ETHERTYPE_8021Q 0x8100u
#define PL_ETHERTYPE_8021AD 0x88a8u
#define PL_ETHERTYPE_QINQ_9100 0x9100u
#define PL_ETHERTYPE_MPLS_UC 0x8847u
#define PL_ETHERTYPE_MPLS_MC 0x8848u
#define PL_ETHERTYPE_PPPOE_DISC 0x8863u
#define PL_ETHERTYPE_PPPOE_SESS 0x8864u

/* PPP protocol numbers (RFC 1661 §2, IANA PPP DLL protocol numbers). */
#define PL_PPP_PROTO_IPV4 0x0021u
#define PL_PPP_PROTO_IPV6 0x0057u
#define PL_PPP_PROTO_MPLS_UC 0x0281u /* RFC 3032 §4.3: MPLS over PPP */
#define PL_PPP_PROTO_MPLS_MC 0x0283u

/* IP version nibbles. */
#define PL_IP_VERSION_4 4u
#define PL_IP_VERSION_6 6u

#endif
