/* src/decode/sll.c — Linux "cooked" capture headers, LINKTYPE_LINUX_SLL (113) and
 * LINKTYPE_LINUX_SLL2 (276) (tcpdump.org link-layer header types).
 *
 * SLL (16 bytes):
 *   0        2         4            6                       14         16
 *   +--------+---------+------------+-----------------------+----------+
 *   | pkttype| ARPHRD  | addr length | link-layer address (8)| protocol |
 *   +--------+---------+------------+-----------------------+----------+
 *
 * SLL2 (20 bytes):
 *   0         2          4           8        10       11       12                 20
 *   +---------+----------+-----------+--------+--------+--------+------------------+
 *   | protocol| reserved | if index  | ARPHRD | pkttype| addrlen| link address (8) |
 *   +---------+----------+-----------+--------+--------+--------+------------------+
 *
 * The protocol field is an EtherType (VLAN, MPLS and PPPoE follow as on
 * Ethernet); small values are Linux ETH_P_* pseudo-protocols (802.2 LLC,
 * 802.3 raw, CAN, ...) and are non-IP. Netlink captures carry a netlink
 * family there, never an EtherType. */
#include "portlabel/decode.h"

#include "decode/decode_int.h"

#define PL_SLL_PRE_PROTO_LEN 14u /* pkttype, ARPHRD, addr length, address */
#define PL_SLL_ARPHRD_OFF 2u
#define PL_SLL2_POST_PROTO_LEN 18u /* reserved .. link address */
#define PL_SLL2_ARPHRD_OFF 8u      /* from the start of the SLL2 header */
#define PL_ARPHRD_NETLINK 824u     /* Linux if_arp.h */

enum pl_decode_status
pl_decode_sll(struct pl_cursor *c, struct pl_pkt *pkt, uint16_t *ethertype)
{
    (void)pkt;
    (void)pl_cur_skip(c, PL_SLL_ARPHRD_OFF);
    uint16_t arphrd = pl_cur_be16(c);
    (void)pl_cur_skip(c, PL_SLL_PRE_PROTO_LEN - PL_SLL_ARPHRD_OFF - 2u);
    uint16_t proto = pl_cur_be16(c);
    if (pl_cur_failed(c))
        return PL_DEC_TRUNCATED;
    if (arphrd == PL_ARPHRD_NETLINK)
        return PL_DEC_NON_IP;
    *ethertype = proto;
    return PL_DEC_OK;
}

enum pl_decode_status
pl_decode_sll2(struct pl_cursor *c, struct pl_pkt *pkt, uint16_t *ethertype)
{
    (void)pkt;
    uint16_t proto = pl_cur_be16(c);
    (void)pl_cur_skip(c, PL_SLL2_ARPHRD_OFF - 2u);
    uint16_t arphrd = pl_cur_be16(c);
    (void)pl_cur_skip(c, PL_SLL2_POST_PROTO_LEN - (PL_SLL2_ARPHRD_OFF - 2u) - 2u);
    if (pl_cur_failed(c))
        return PL_DEC_TRUNCATED;
    if (arphrd == PL_ARPHRD_NETLINK)
        return PL_DEC_NON_IP;
    *ethertype = proto;
    return PL_DEC_OK;
}
