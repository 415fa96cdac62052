/* src/decode/eth.c — Ethernet II / IEEE 802.3 MAC header (IEEE 802.3 §3.2.6).
 *
 *   0                   6                  12        14
 *   +-------------------+-------------------+---------+
 *   | destination MAC   | source MAC        | type    |
 *   +-------------------+-------------------+---------+
 *
 * The type field is an EtherType when >= 0x0600, else an 802.3 length (LLC
 * follows). VLAN tags, MPLS and PPPoE are left to encap.c via the dispatcher. */
#include "portlabel/decode.h"

#include "decode/decode_int.h"

#define PL_ETH_ADDRS_LEN 12u /* destination + source MAC */

enum pl_decode_status
pl_decode_eth(struct pl_cursor *c, struct pl_pkt *pkt, uint16_t *ethertype)
{
    (void)pkt;
    (void)pl_cur_skip(c, PL_ETH_ADDRS_LEN);
    uint16_t type = pl_cur_be16(c);
    if (pl_cur_failed(c))
        return PL_DEC_TRUNCATED;
    *ethertype = type; /* 802.3 lengths (< 0x0600) are non-IP: the dispatcher decides */
    return PL_DEC_OK;
}
