/* src/decode/anomaly.c — stable names of decode anomalies and outcomes ("layer.name"). */
#include "portlabel/decode.h"

struct anomaly_name {
    uint32_t bit;
    const char *name;
};

static const struct anomaly_name anomaly_names[] = {
    {PL_ANOM_VLAN_TOO_DEEP, "vlan.too_deep"},
    {PL_ANOM_MPLS_TOO_DEEP, "mpls.too_deep"},
    {PL_ANOM_IP_VERSION, "ip.version"},
    {PL_ANOM_IPV4_IHL, "ipv4.ihl"},
    {PL_ANOM_IPV4_TOTLEN, "ipv4.total_len"},
    {PL_ANOM_IPV4_TSO, "ipv4.tso"},
    {PL_ANOM_IPV6_PLEN_ZERO, "ipv6.plen_zero"},
    {PL_ANOM_IPV6_EXT_TOO_DEEP, "ipv6.ext_too_deep"},
    {PL_ANOM_IPV6_EXT_LEN, "ipv6.ext_len"},
    {PL_ANOM_L4_SHORT, "l4.short"},
    {PL_ANOM_DCCP_X_SHORT, "dccp.x_short"},
    {PL_ANOM_CAPLEN_GT_WIRE, "frame.caplen_gt_wire"},
    {PL_ANOM_IPV4_FRAG_OFF, "ipv4.frag_off"},
    {PL_ANOM_LINK_BAD, "link.bad"},
    {PL_ANOM_TRAILER, "ip.trailer"},
    {PL_ANOM_TCP_DOFF, "tcp.doff"},
    {PL_ANOM_DCCP_DOFF, "dccp.doff"},
    {PL_ANOM_UDP_LEN, "udp.len_mismatch"},
};

const char *
pl_anomaly_name(uint32_t bit)
{
    for (size_t i = 0; i < sizeof anomaly_names / sizeof anomaly_names[0]; i++) {
        if (anomaly_names[i].bit == bit)
            return anomaly_names[i].name;
    }
    return NULL;
}

const char *
pl_decode_status_name(enum pl_decode_status st)
{
    switch (st) {
    case PL_DEC_OK:
        return "ok";
    case PL_DEC_TRUNCATED:
        return "truncated";
    case PL_DEC_MALFORMED:
        return "malformed";
    case PL_DEC_NON_IP:
        return "non_ip";
    case PL_DEC_OTHER_IP:
        return "other_ip";
    case PL_DEC_UNSUPPORTED_LINK:
        return "unsupported_link";
    }
    return "unknown";
}
