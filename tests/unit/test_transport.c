/* tests/unit/test_transport.c — TCP, UDP, SCTP and DCCP headers (RFC 9293, 768, 9260, 4340;
 * SPEC §8: what must be captured, what the declared length must hold). */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <string.h>

#include "frames.h"

/* Run one transport decoder over bytes, with a declared transport length. */
static enum pl_decode_status
run(enum pl_decode_status (*dec)(struct pl_cursor *, struct pl_pkt *), const uint8_t *b, size_t cap,
    uint32_t l4_len, struct pl_pkt *pkt)
{
    memset(pkt, 0, sizeof *pkt);
    pkt->l4_len = l4_len;
    struct pl_cursor c = pl_cur_make(b, cap < l4_len ? cap : l4_len);
    return dec(&c, pkt);
}

/* --- TCP --------------------------------------------------------------------------------- */

static const uint8_t tcp_syn[] = {
    0x9c, 0x40, 0x01, 0xbb,                         /* 40000 -> 443 */
    0x00, 0x00, 0x03, 0xe8, 0x00, 0x00, 0x00, 0x00, /* seq, ack */
    0x60, 0x02,                                     /* doff 6, SYN */
    0xff, 0xff, 0x00, 0x00, 0x00, 0x00,             /* window, checksum, urgent */
    0x02, 0x04, 0x05, 0xb4,                         /* MSS option */
};

Test(tcp, decodes_ports_and_flags)
{
    struct pl_pkt pkt;
    cr_assert_eq(run(pl_decode_tcp, tcp_syn, sizeof tcp_syn, sizeof tcp_syn, &pkt), PL_DEC_OK);
    cr_assert_eq(pkt.sport, 40000);
    cr_assert_eq(pkt.dport, 443);
    cr_assert_eq(pkt.tcp_flags, PL_TCP_SYN);
    cr_assert_eq(pkt.payload_len, 0);
    cr_assert_eq(pkt.anomalies, 0);
}

Test(tcp, fewer_than_14_captured_is_truncated)
{
    struct pl_pkt pkt;
    for (size_t n = 0; n < 14; n++)
        cr_assert_eq(run(pl_decode_tcp, tcp_syn, n, sizeof tcp_syn, &pkt), PL_DEC_TRUNCATED, "%zu",
                     n);
    for (size_t n = 14; n <= sizeof tcp_syn; n++)
        cr_assert_eq(run(pl_decode_tcp, tcp_syn, n, sizeof tcp_syn, &pkt), PL_DEC_OK, "%zu", n);
}

Test(tcp, declared_length_below_20_is_malformed_whatever_was_captured)
{
    struct pl_pkt pkt;
    for (uint32_t decl = 0; decl < 20; decl++) {
        cr_assert_eq(run(pl_decode_tcp, tcp_syn, sizeof tcp_syn, decl, &pkt), PL_DEC_MALFORMED,
                     "%u", decl);
        cr_assert_eq(pkt.anomalies, PL_ANOM_L4_SHORT);
    }
}

struct doff_case {
    uint8_t doff_byte;
    uint32_t anom;
};

ParameterizedTestParameters(tcp, data_offset_is_not_checked)
{
    static struct doff_case cases[] = {
        {0x00, PL_ANOM_TCP_DOFF}, {0x40, PL_ANOM_TCP_DOFF}, {0x50, 0}, {0x60, 0},
        {0x70, PL_ANOM_TCP_DOFF}, {0xf0, PL_ANOM_TCP_DOFF},
    };
    return cr_make_param_array(struct doff_case, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(struct doff_case *tc, tcp, data_offset_is_not_checked)
{
    uint8_t b[sizeof tcp_syn];
    struct pl_pkt pkt;
    memcpy(b, tcp_syn, sizeof b);
    b[12] = tc->doff_byte;
    cr_assert_eq(run(pl_decode_tcp, b, sizeof b, sizeof b, &pkt), PL_DEC_OK);
    cr_assert_eq(pkt.anomalies, tc->anom, "doff byte 0x%02x", tc->doff_byte);
    cr_assert_eq(pkt.dport, 443);
}

Test(tcp, all_flag_bits_are_kept)
{
    uint8_t b[sizeof tcp_syn];
    struct pl_pkt pkt;
    memcpy(b, tcp_syn, sizeof b);
    b[13] = 0xff;
    cr_assert_eq(run(pl_decode_tcp, b, sizeof b, sizeof b, &pkt), PL_DEC_OK);
    cr_assert_eq(pkt.tcp_flags, 0xff);
}

/* --- UDP --------------------------------------------------------------------------------- */

static const uint8_t udp_dns[] = {
    0x00, 0x35, 0x9c, 0x40, 0x00, 0x0c, 0x00, 0x00, /* 53 -> 40000, length 12 */
    0xde, 0xad, 0xbe, 0xef,
};

Test(udp, decodes_ports_and_payload)
{
    struct pl_pkt pkt;
    cr_assert_eq(run(pl_decode_udp, udp_dns, sizeof udp_dns, sizeof udp_dns, &pkt), PL_DEC_OK);
    cr_assert_eq(pkt.sport, 53);
    cr_assert_eq(pkt.dport, 40000);
    cr_assert_eq(pkt.payload_len, 4);
    cr_assert_eq(pkt.anomalies, 0);
}

Test(udp, four_captured_bytes_are_enough)
{
    struct pl_pkt pkt;
    for (size_t n = 0; n < 4; n++)
        cr_assert_eq(run(pl_decode_udp, udp_dns, n, sizeof udp_dns, &pkt), PL_DEC_TRUNCATED);
    for (size_t n = 4; n <= sizeof udp_dns; n++) {
        cr_assert_eq(run(pl_decode_udp, udp_dns, n, sizeof udp_dns, &pkt), PL_DEC_OK, "%zu", n);
        cr_assert_eq(pkt.dport, 40000);
    }
}

struct ulen_case {
    uint16_t ulen;
    uint32_t decl;
    enum pl_decode_status want;
    uint32_t anom;
};

ParameterizedTestParameters(udp, length_field_is_not_checked)
{
    static struct ulen_case cases[] = {
        {0, 12, PL_DEC_OK, PL_ANOM_UDP_LEN},
        {7, 12, PL_DEC_OK, PL_ANOM_UDP_LEN},
        {12, 12, PL_DEC_OK, 0},
        {9000, 12, PL_DEC_OK, PL_ANOM_UDP_LEN},
        {12, 7, PL_DEC_MALFORMED, PL_ANOM_L4_SHORT},
        {12, 0, PL_DEC_MALFORMED, PL_ANOM_L4_SHORT},
        {8, 8, PL_DEC_OK, 0},
    };
    return cr_make_param_array(struct ulen_case, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(struct ulen_case *tc, udp, length_field_is_not_checked)
{
    uint8_t b[sizeof udp_dns];
    struct pl_pkt pkt;
    memcpy(b, udp_dns, sizeof b);
    b[4] = (uint8_t)(tc->ulen >> 8);
    b[5] = (uint8_t)tc->ulen;
    cr_assert_eq(run(pl_decode_udp, b, sizeof b, tc->decl, &pkt), tc->want, "ulen %u decl %u",
                 tc->ulen, tc->decl);
    cr_assert_eq(pkt.anomalies, tc->anom, "ulen %u decl %u", tc->ulen, tc->decl);
}

/* --- SCTP -------------------------------------------------------------------------------- */

static const uint8_t sctp_init[] = {
    0x0b, 0x59, 0x0b, 0x59, /* 2905 -> 2905 (M3UA) */
    0x00, 0x00, 0x00, 0x00, /* verification tag 0: INIT */
    0x12, 0x34, 0x56, 0x78, /* checksum */
    0x01, 0x00, 0x00, 0x14, /* chunk: INIT, flags, length 20 */
    0,    0,    0,    1,    0, 0, 0xff, 0xff, 0, 1, 0, 1, 0, 0, 0, 9,
};

Test(sctp, init_chunk_captured)
{
    struct pl_pkt pkt;
    cr_assert_eq(run(pl_decode_sctp, sctp_init, sizeof sctp_init, sizeof sctp_init, &pkt),
                 PL_DEC_OK);
    cr_assert_eq(pkt.sport, 2905);
    cr_assert(pkt.has_sctp_chunk);
    cr_assert_eq(pkt.sctp_chunk, PL_SCTP_CHUNK_INIT);
}

Test(sctp, init_ack_chunk_captured)
{
    uint8_t b[sizeof sctp_init];
    struct pl_pkt pkt;
    memcpy(b, sctp_init, sizeof b);
    b[12] = PL_SCTP_CHUNK_INIT_ACK;
    cr_assert_eq(run(pl_decode_sctp, b, sizeof b, sizeof b, &pkt), PL_DEC_OK);
    cr_assert(pkt.has_sctp_chunk);
    cr_assert_eq(pkt.sctp_chunk, PL_SCTP_CHUNK_INIT_ACK);
}

Test(sctp, chunk_not_captured)
{
    struct pl_pkt pkt;
    cr_assert_eq(run(pl_decode_sctp, sctp_init, 12, sizeof sctp_init, &pkt), PL_DEC_OK);
    cr_assert_eq(pkt.dport, 2905);
    cr_assert(!pkt.has_sctp_chunk);
    cr_assert_eq(pkt.sctp_chunk, 0);
}

Test(sctp, chunk_beyond_declared_length)
{
    struct pl_pkt pkt;
    /* 13 bytes and more captured, but the IP length leaves only the common header. */
    cr_assert_eq(run(pl_decode_sctp, sctp_init, sizeof sctp_init, 12, &pkt), PL_DEC_OK);
    cr_assert(!pkt.has_sctp_chunk);
}

Test(sctp, common_header_must_be_captured_and_declared)
{
    struct pl_pkt pkt;
    for (size_t n = 0; n < 12; n++)
        cr_assert_eq(run(pl_decode_sctp, sctp_init, n, sizeof sctp_init, &pkt), PL_DEC_TRUNCATED,
                     "%zu", n);
    for (uint32_t decl = 0; decl < 12; decl++) {
        cr_assert_eq(run(pl_decode_sctp, sctp_init, sizeof sctp_init, decl, &pkt), PL_DEC_MALFORMED,
                     "%u", decl);
        cr_assert_eq(pkt.anomalies, PL_ANOM_L4_SHORT);
    }
}

/* --- DCCP -------------------------------------------------------------------------------- */

/* Request, X=1: 16-byte generic header + 4-byte service code. */
static const uint8_t dccp_req_x[] = {
    0xc3, 0x50, 0x13, 0x88, /* 50000 -> 5000 */
    0x05, 0x00, 0x00, 0x00, /* data offset 5 words, CCVal/CsCov, checksum */
    0x01, 0x00, 0x00, 0x00, /* Res 0, Type 0 (Request), X 1; reserved; seq high */
    0x00, 0x00, 0x00, 0x01, /* seq low */
    0x00, 0x00, 0x00, 0x2a, /* service code */
};

/* Response, X=0: 12-byte generic header + ack subheader (8) + service code (4). */
static const uint8_t dccp_resp_short[] = {
    0x13, 0x88, 0xc3, 0x50, /* 5000 -> 50000 */
    0x06, 0x00, 0x00, 0x00, /* data offset 6 words */
    0x02, 0x00, 0x00, 0x07, /* Type 1 (Response), X 0; 24-bit seq */
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x2a,
};

Test(dccp, request_with_long_sequence_numbers)
{
    struct pl_pkt pkt;
    cr_assert_eq(run(pl_decode_dccp, dccp_req_x, sizeof dccp_req_x, sizeof dccp_req_x, &pkt),
                 PL_DEC_OK);
    cr_assert_eq(pkt.sport, 50000);
    cr_assert_eq(pkt.dport, 5000);
    cr_assert_eq(pkt.dccp_type, PL_DCCP_REQUEST);
    cr_assert_eq(pkt.anomalies, 0);
}

Test(dccp, response_with_short_sequence_numbers)
{
    struct pl_pkt pkt;
    cr_assert_eq(
        run(pl_decode_dccp, dccp_resp_short, sizeof dccp_resp_short, sizeof dccp_resp_short, &pkt),
        PL_DEC_OK);
    cr_assert_eq(pkt.sport, 5000);
    cr_assert_eq(pkt.dccp_type, PL_DCCP_RESPONSE);
    cr_assert_eq(pkt.anomalies, 0);
}

Test(dccp, nine_captured_bytes_are_enough)
{
    struct pl_pkt pkt;
    for (size_t n = 0; n < 9; n++)
        cr_assert_eq(run(pl_decode_dccp, dccp_req_x, n, sizeof dccp_req_x, &pkt), PL_DEC_TRUNCATED,
                     "%zu", n);
    cr_assert_eq(run(pl_decode_dccp, dccp_req_x, 9, sizeof dccp_req_x, &pkt), PL_DEC_OK);
    cr_assert_eq(pkt.dccp_type, PL_DCCP_REQUEST);
}

struct dccp_case {
    uint8_t type_x; /* byte 8 */
    uint8_t doff;   /* byte 4 */
    uint32_t decl;
    enum pl_decode_status want;
    uint32_t anom;
};

ParameterizedTestParameters(dccp, declared_length_and_x)
{
    static struct dccp_case cases[] = {
        {0x00, 3, 11, PL_DEC_MALFORMED, PL_ANOM_L4_SHORT}, /* X=0 needs 12 */
        {0x00, 3, 12, PL_DEC_OK, 0},
        {0x01, 4, 12, PL_DEC_MALFORMED, PL_ANOM_DCCP_X_SHORT}, /* X=1 needs 16 */
        {0x01, 4, 15, PL_DEC_MALFORMED, PL_ANOM_DCCP_X_SHORT},
        {0x01, 4, 16, PL_DEC_OK, 0},
        {0x01, 0, 20, PL_DEC_OK, PL_ANOM_DCCP_DOFF}, /* data offset not checked */
        {0x01, 255, 20, PL_DEC_OK, PL_ANOM_DCCP_DOFF},
        {0x00, 2, 20, PL_DEC_OK, PL_ANOM_DCCP_DOFF},
        {0x1f, 5, 20, PL_DEC_OK, 0}, /* type 15 (reserved), X=1 */
    };
    return cr_make_param_array(struct dccp_case, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(struct dccp_case *tc, dccp, declared_length_and_x)
{
    uint8_t b[sizeof dccp_req_x];
    struct pl_pkt pkt;
    memcpy(b, dccp_req_x, sizeof b);
    b[4] = tc->doff;
    b[8] = tc->type_x;
    cr_assert_eq(run(pl_decode_dccp, b, sizeof b, tc->decl, &pkt), tc->want,
                 "type_x 0x%02x decl %u", tc->type_x, tc->decl);
    cr_assert_eq(pkt.anomalies, tc->anom, "type_x 0x%02x decl %u", tc->type_x, tc->decl);
}

/* --- Through whole frames ---------------------------------------------------------------- */

struct l4_case {
    uint8_t proto;
    int ip_version;
    size_t need;  /* transport bytes that must be captured */
    size_t fixed; /* transport bytes the declared length must hold */
};

ParameterizedTestParameters(transport, truncation_sweep_and_short_declared_length)
{
    static struct l4_case cases[] = {
        {PL_IPPROTO_TCP, 4, 14, 20},  {PL_IPPROTO_UDP, 4, 4, 8},   {PL_IPPROTO_SCTP, 4, 12, 12},
        {PL_IPPROTO_DCCP, 4, 9, 16},  {PL_IPPROTO_TCP, 6, 14, 20}, {PL_IPPROTO_UDP, 6, 4, 8},
        {PL_IPPROTO_SCTP, 6, 12, 12}, {PL_IPPROTO_DCCP, 6, 9, 16},
    };
    return cr_make_param_array(struct l4_case, cases, sizeof cases / sizeof cases[0]);
}

static void
build_l4(struct fb *f, const struct l4_case *tc, size_t payload)
{
    fb_init(f);
    fb_eth(f, tc->ip_version == 4 ? FB_ET_IPV4 : FB_ET_IPV6);
    if (tc->ip_version == 4)
        fb_ipv4(f, tc->proto, 0);
    else
        fb_ipv6(f, tc->proto);
    switch (tc->proto) {
    case PL_IPPROTO_TCP:
        fb_tcp(f, 1000, 2000, PL_TCP_SYN);
        break;
    case PL_IPPROTO_UDP:
        fb_udp(f, 1000, 2000);
        break;
    case PL_IPPROTO_SCTP:
        fb_sctp(f, 1000, 2000, PL_SCTP_CHUNK_INIT);
        break;
    default:
        fb_dccp(f, 1000, 2000, PL_DCCP_REQUEST, true);
        break;
    }
    fb_payload(f, payload);
    fb_finish(f);
}

ParameterizedTest(struct l4_case *tc, transport, truncation_sweep_and_short_declared_length)
{
    struct fb f;
    struct pl_pkt pkt;
    build_l4(&f, tc, 10);
    cr_assert_eq(fb_decode(&f, PL_LINK_ETHERNET, f.len, &pkt), PL_DEC_OK);
    cr_assert_eq(pkt.layer, PL_LAYER_L4);
    cr_assert_eq(pkt.l4_proto, tc->proto);
    cr_assert_eq(pkt.sport, 1000);
    cr_assert_eq(pkt.dport, 2000);

    enum pl_decode_status got;
    size_t bad = fb_sweep(&f, PL_LINK_ETHERNET, f.l4_off + tc->need, &got);
    cr_assert_eq(bad, SIZE_MAX, "proto %u v%d prefix %zu: %s", tc->proto, tc->ip_version, bad,
                 pl_decode_status_name(got));

    /* Declared length one short of the fixed header, everything captured: malformed. */
    size_t l4_decl = tc->fixed - 1;
    if (tc->ip_version == 4)
        fb_put_be16(&f, f.ip_off + 2, (uint16_t)(20 + l4_decl));
    else
        fb_put_be16(&f, f.ip_off + 4, (uint16_t)l4_decl);
    cr_assert_eq(fb_decode(&f, PL_LINK_ETHERNET, f.len, &pkt), PL_DEC_MALFORMED, "proto %u",
                 tc->proto);
    cr_assert_eq(pkt.anomalies & ~(uint32_t)PL_ANOM_TRAILER,
                 tc->proto == PL_IPPROTO_DCCP ? PL_ANOM_DCCP_X_SHORT : PL_ANOM_L4_SHORT);
}

Test(transport, sctp_init_ack_and_dccp_response_in_frames)
{
    struct fb f;
    struct pl_pkt pkt;
    fb_init(&f);
    fb_eth(&f, FB_ET_IPV4);
    fb_ipv4(&f, PL_IPPROTO_SCTP, 0);
    fb_sctp(&f, 36412, 50000, PL_SCTP_CHUNK_INIT_ACK);
    fb_finish(&f);
    cr_assert_eq(fb_decode(&f, PL_LINK_ETHERNET, f.len, &pkt), PL_DEC_OK);
    cr_assert(pkt.has_sctp_chunk);
    cr_assert_eq(pkt.sctp_chunk, PL_SCTP_CHUNK_INIT_ACK);
    cr_assert_eq(fb_decode(&f, PL_LINK_ETHERNET, f.l4_off + 12, &pkt), PL_DEC_OK);
    cr_assert(!pkt.has_sctp_chunk);

    fb_init(&f);
    fb_eth(&f, FB_ET_IPV6);
    fb_ipv6(&f, PL_IPPROTO_DCCP);
    fb_dccp(&f, 5001, 40000, PL_DCCP_RESPONSE, false);
    fb_finish(&f);
    cr_assert_eq(fb_decode(&f, PL_LINK_ETHERNET, f.len, &pkt), PL_DEC_OK);
    cr_assert_eq(pkt.dccp_type, PL_DCCP_RESPONSE);
    cr_assert_eq(pkt.anomalies, 0);
}
