/* src/decode/null.c — BSD loopback encapsulations: LINKTYPE_NULL (0), a 4-byte
 * address family in the capturing host's byte order, and LINKTYPE_LOOP (108),
 * the same in network byte order (tcpdump.org link-layer header types).
 *
 * AF_INET is 2 everywhere; AF_INET6 differs between systems: 10 (Linux),
 * 24 (NetBSD, OpenBSD, BSD/OS), 28 (FreeBSD, DragonFly), 30 (Darwin). */
#include "portlabel/decode.h"

#include "decode/decode_int.h"

#define PL_AF_INET 2u
#define PL_AF_INET6_LINUX 10u
#define PL_AF_INET6_BSD 24u
#define PL_AF_INET6_FREEBSD 28u
#define PL_AF_INET6_DARWIN 30u
#define PL_NULL_UPPER_MASK 0xffff0000u /* set only when the family is in the other byte order */

static uint32_t
bswap32(uint32_t v)
{
    return (v >> 24) | ((v >> 8) & 0x0000ff00u) | ((v << 8) & 0x00ff0000u) | (v << 24);
}

enum pl_decode_status
pl_decode_null(struct pl_cursor *c, struct pl_pkt *pkt, bool is_loop, uint16_t *ethertype)
{
    (void)pkt;
    uint32_t family = is_loop ? pl_cur_be32(c) : pl_cur_le32(c);
    if (pl_cur_failed(c))
        return PL_DEC_TRUNCATED;
    /* NULL: host order of the capturing machine, which may not be little-endian.
     * Families are small, so non-zero upper bits mean the other byte order. */
    if (!is_loop && (family & PL_NULL_UPPER_MASK))
        family = bswap32(family);

    switch (family) {
    case PL_AF_INET:
        *ethertype = PL_ETHERTYPE_IPV4;
        return PL_DEC_OK;
    case PL_AF_INET6_LINUX:
    case PL_AF_INET6_BSD:
    case PL_AF_INET6_FREEBSD:
    case PL_AF_INET6_DARWIN:
        *ethertype = PL_ETHERTYPE_IPV6;
        return PL_DEC_OK;
    default:
        return PL_DEC_NON_IP;
    }
}
