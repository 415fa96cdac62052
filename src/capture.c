/* src/capture.c — libpcap input: saved pcap/pcapng files and live interfaces.
 * The only file that includes <pcap.h>; maps DLT_* values to enum pl_linktype.
 *
 * Saved regular files are opened here and handed to libpcap as a stdio stream with a
 * PL_FILE_BUF_LEN buffer: libpcap reads each record header and record out of it, and read(2)
 * refills it a PL_FILE_BUF_LEN at a time, where pcap_open_offline()'s stream refills 4 KiB at
 * a time (a system call per four 1,000-byte packets). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <pcap.h>

#include "portlabel/capture.h"

/* LINKTYPE_* values that some libpcap versions do not name (pcap-linktype(7)). */
#define PL_LINKTYPE_RAW 101
#define PL_LINKTYPE_IPV4 228
#define PL_LINKTYPE_IPV6 229
#define PL_LINKTYPE_LINUX_SLL2 276
#define PL_DLT_RAW_BSD 12     /* DLT_RAW on most BSDs */
#define PL_DLT_RAW_OPENBSD 14 /* DLT_RAW on OpenBSD */

struct pl_capture {
    pcap_t *pc;
    enum pl_linktype link;
    int dlt;
    bool is_live;
    int wait_ms;                /* live: longest wait for a packet before on_idle */
    char iface[IFNAMSIZ];       /* live: the interface, "" for "any" or a name too long */
    volatile sig_atomic_t stop; /* set by pl_capture_stop, possibly from a signal handler */
    char *file_buf;             /* saved file: its stream's buffer, freed after pcap_close */
};

enum pl_linktype
pl_capture_map_dlt(int dlt)
{
    switch (dlt) {
    case DLT_EN10MB:
        return PL_LINK_ETHERNET;
    case DLT_LINUX_SLL:
        return PL_LINK_SLL;
    case PL_LINKTYPE_LINUX_SLL2:
        return PL_LINK_SLL2;
    case PL_LINKTYPE_RAW:
    case PL_DLT_RAW_BSD:
    case PL_DLT_RAW_OPENBSD:
        return PL_LINK_RAW;
    case PL_LINKTYPE_IPV4:
        return PL_LINK_IPV4;
    case PL_LINKTYPE_IPV6:
        return PL_LINK_IPV6;
    case DLT_NULL:
        return PL_LINK_NULL;
    case DLT_LOOP:
        return PL_LINK_LOOP;
    case DLT_PPP:
    case DLT_PPP_SERIAL: /* PPP in HDLC-like framing (RFC 1662): address/control, protocol */
        return PL_LINK_PPP;
    default:
        return PL_LINK_UNSUPPORTED;
    }
}

/* --- saved files ---------------------------------------------------------------------- */

#define PL_FILE_BUF_LEN (128u << 10) /* stdio buffer of a saved file: well inside L2 */

/* A stream over path with a PL_FILE_BUF_LEN buffer, stored in *buf for the caller to free
 * once the stream is closed; NULL when path is not a regular file or cannot be opened (the
 * caller then opens it as libpcap does, and reports errors in libpcap's words). */
static FILE *
file_open(const char *path, char **buf)
{
    struct stat st;

    *buf = NULL;
    /* stat first: even a non-blocking open of a FIFO would count as its reader, and a writer
     * waiting for one would start writing into an end that is closed again at once */
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
        return NULL;
    /* Non-blocking in case the path was replaced by a FIFO since the stat; checked again,
     * then blocking as stdio expects. Close-on-exec: no child inherits a capture. */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    FILE *fp = NULL;
    int fl;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || (fl = fcntl(fd, F_GETFL)) < 0 ||
        fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) != 0 || (fp = fdopen(fd, "rb")) == NULL) {
        close(fd);
        return NULL;
    }
    if ((*buf = malloc(PL_FILE_BUF_LEN)) == NULL ||
        setvbuf(fp, *buf, _IOFBF, PL_FILE_BUF_LEN) != 0) {
        fclose(fp);
        free(*buf);
        *buf = NULL;
        return NULL;
    }
    return fp;
}

static struct pl_capture *
capture_wrap(pcap_t *pc, bool is_live, struct pl_err *err)
{
    struct pl_capture *cap = calloc(1, sizeof *cap);

    if (cap == NULL) {
        pl_err_set(err, "out of memory");
        pcap_close(pc);
        return NULL;
    }
    cap->pc = pc;
    cap->is_live = is_live;
    cap->dlt = pcap_datalink(pc);
    cap->link = pl_capture_map_dlt(cap->dlt);
    return cap;
}

/* libpcap's text (1.10) for a file or stream that ends before its first byte. */
#define PL_LIBPCAP_EMPTY_MSG "truncated dump file; tried to read 4 file header bytes, only got 0"

int
pl_capture_open_file(struct pl_capture **out, const char *path, struct pl_err *err)
{
    char ebuf[PCAP_ERRBUF_SIZE] = "";
    pcap_t *pc;

    *out = NULL;
    char *buf = NULL;
    FILE *fp = strcmp(path, "-") != 0 ? file_open(path, &buf) : NULL;
    if (fp != NULL) {
        /* Microsecond timestamps whatever the file holds (pcapng/nanosecond pcap). */
        pc = pcap_fopen_offline_with_tstamp_precision(fp, PCAP_TSTAMP_PRECISION_MICRO, ebuf);
        if (pc != NULL) {
            *out = capture_wrap(pc, false, err);
            if (*out == NULL) {
                free(buf);
                return -1;
            }
            (*out)->file_buf = buf;
            return 0;
        }
        fclose(fp); /* not a capture: the plain open below reports it in libpcap's words */
        free(buf);
        ebuf[0] = '\0';
    }
    pc = pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_MICRO, ebuf);
    if (pc == NULL) {
        const char *why = ebuf[0] != '\0' ? ebuf : "cannot open capture";
        /* No byte at all: libpcap says it tried to read the 4-byte magic number and got 0. */
        if (strncmp(ebuf, PL_LIBPCAP_EMPTY_MSG, sizeof PL_LIBPCAP_EMPTY_MSG - 1) == 0)
            why = "empty (no pcap or pcapng header)";
        size_t plen = strlen(path);
        /* libpcap's message for a failed fopen() already starts with "PATH: ": name it once */
        if (strncmp(why, path, plen) == 0 && why[plen] == ':' && why[plen + 1] == ' ')
            why += plen + 2;
        pl_err_set(err, "%s: %s", strcmp(path, "-") == 0 ? "standard input" : path, why);
        return -1;
    }
    *out = capture_wrap(pc, false, err);
    return *out != NULL ? 0 : -1;
}

int
pl_capture_open_fp(struct pl_capture **out, FILE *fp, const char *name, struct pl_err *err)
{
    char ebuf[PCAP_ERRBUF_SIZE] = "";
    pcap_t *pc;

    *out = NULL;
    pc = pcap_fopen_offline_with_tstamp_precision(fp, PCAP_TSTAMP_PRECISION_MICRO, ebuf);
    if (pc == NULL) {
        pl_err_set(err, "%s: %s", name, ebuf[0] != '\0' ? ebuf : "cannot open capture");
        return -1;
    }
    *out = capture_wrap(pc, false, err);
    return *out != NULL ? 0 : -1;
}

/* Record one failing libpcap call on a live handle. */
static int
live_fail(pcap_t *pc, const char *iface, const char *what, int rc, struct pl_err *err)
{
    const char *why = (rc == PCAP_ERROR || rc == PCAP_WARNING) ? pcap_geterr(pc)
                                                               : pcap_statustostr(rc);
    if (rc == PCAP_ERROR_NO_SUCH_DEVICE)
        pl_err_set(err, "%s: no such capture interface (%s)", iface, pcap_geterr(pc));
    else if (rc == PCAP_ERROR_PERM_DENIED)
        pl_err_set(err, "%s: permission denied (capturing needs root or CAP_NET_RAW)", iface);
    else
        pl_err_set(err, "%s: %s: %s", iface, what, why);
    pcap_close(pc);
    return -1;
}

int
pl_capture_open_live(struct pl_capture **out, const struct pl_live_opts *opts, struct pl_err *err)
{
    char ebuf[PCAP_ERRBUF_SIZE] = "";
    pcap_t *pc;
    int rc;

    *out = NULL;
    pc = pcap_create(opts->iface, ebuf);
    if (pc == NULL) {
        pl_err_set(err, "%s: %s", opts->iface, ebuf);
        return -1;
    }
    int snaplen = opts->snaplen > 0 ? opts->snaplen : (int)PL_CAPTURE_MAX_CAPLEN;
    if ((rc = pcap_set_snaplen(pc, snaplen)) != 0)
        return live_fail(pc, opts->iface, "snaplen", rc, err);
    if ((rc = pcap_set_promisc(pc, opts->promisc ? 1 : 0)) != 0)
        return live_fail(pc, opts->iface, "promiscuous mode", rc, err);
    if ((rc = pcap_set_timeout(pc, opts->timeout_ms > 0 ? opts->timeout_ms : 250)) != 0)
        return live_fail(pc, opts->iface, "timeout", rc, err);
    if (opts->buffer_kib > 0 && opts->buffer_kib <= INT_MAX / 1024 &&
        (rc = pcap_set_buffer_size(pc, opts->buffer_kib * 1024)) != 0)
        return live_fail(pc, opts->iface, "buffer size", rc, err);
    rc = pcap_activate(pc);
    if (rc < 0)
        return live_fail(pc, opts->iface, "activate", rc, err);
    /* With TPACKET_V3 (Linux) a blocking read waits for the kernel to hand over a block of
     * packets and never times out on a quiet link. Read without blocking and wait with
     * poll() instead (pl_capture_run), so on_idle runs on time with no traffic. */
    if (pcap_setnonblock(pc, 1, ebuf) != 0) {
        pl_err_set(err, "%s: non-blocking mode: %s", opts->iface, ebuf);
        pcap_close(pc);
        return -1;
    }
    *out = capture_wrap(pc, true, err);
    if (*out == NULL)
        return -1;
    (*out)->wait_ms = opts->timeout_ms > 0 ? opts->timeout_ms : 250;
    if (strcmp(opts->iface, "any") != 0 && strlen(opts->iface) < IFNAMSIZ)
        memcpy((*out)->iface, opts->iface, strlen(opts->iface) + 1);
    return 0;
}

int
pl_capture_set_filter(struct pl_capture *cap, const char *expr, struct pl_err *err)
{
    struct bpf_program prog;

    if (expr == NULL || expr[0] == '\0')
        return 0;
    if (pcap_compile(cap->pc, &prog, expr, 1, PCAP_NETMASK_UNKNOWN) != 0) {
        pl_err_set(err, "invalid filter '%s': %s", expr, pcap_geterr(cap->pc));
        return -1;
    }
    int rc = pcap_setfilter(cap->pc, &prog);
    pcap_freecode(&prog);
    if (rc != 0) {
        pl_err_set(err, "cannot install filter '%s': %s", expr, pcap_geterr(cap->pc));
        return -1;
    }
    return 0;
}

enum pl_linktype
pl_capture_linktype(const struct pl_capture *cap)
{
    return cap->link;
}

const char *
pl_capture_linktype_name(const struct pl_capture *cap)
{
    const char *name = pcap_datalink_val_to_name(cap->dlt);
    return name != NULL ? name : "unknown";
}

/* Live: wait up to cap->wait_ms for the capture to become readable.
 * True when it is readable (or reports an error for the next read to pick up); false
 * on a timeout or a signal. */
static bool
live_wait(struct pl_capture *cap)
{
    struct pollfd pfd = {.fd = pcap_get_selectable_fd(cap->pc), .events = POLLIN};

    if (pfd.fd < 0)
        return false;
    return poll(&pfd, 1, cap->wait_ms) > 0;
}

/* Live: true when the interface has been taken down (`ip link set down`). libpcap goes on
 * waiting for it to come back; portlabel reports it as an error, as pcap_activate() does
 * for an interface that is down at the start. A failed query (interface gone: libpcap
 * reports that itself) says "not down". */
static bool
live_iface_down(struct pl_capture *cap)
{
    struct ifreq ifr;

    if (cap->iface[0] == '\0')
        return false;
    memset(&ifr, 0, sizeof ifr);
    memcpy(ifr.ifr_name, cap->iface, sizeof ifr.ifr_name);
    if (ioctl(pcap_get_selectable_fd(cap->pc), SIOCGIFFLAGS, &ifr) != 0)
        return false;
    return (ifr.ifr_flags & IFF_UP) == 0;
}

/* What a run hands each record to. */
struct run_state {
    struct pl_capture *cap;
    pl_frame_fn on_frame;   /* every frame with a possible record header */
    pl_badrec_fn on_badrec; /* every record refused before decoding; may be NULL */
    void *ctx;              /* passed to both */
    bool is_stopped;        /* on_frame returned false: the run ends at that record */
};

/* One record from libpcap, valid until the next read: refused when its header is impossible,
 * else handed on as a frame. False when on_frame asks to stop. */
static bool
deliver(const struct run_state *rs, const struct pcap_pkthdr *h, const u_char *bytes)
{
    uint64_t ts_us =
        (uint64_t)(uint32_t)h->ts.tv_sec * 1000000u + (uint64_t)(uint32_t)h->ts.tv_usec;
    if (h->caplen == 0 || h->caplen > PL_CAPTURE_MAX_CAPLEN || h->caplen > h->len) {
        if (rs->on_badrec != NULL)
            rs->on_badrec(rs->ctx, ts_us); /* impossible record header: refused, as tcpdump does */
        return true;
    }
    struct pl_frame fr = {
        .data = bytes,
        .cap_len = h->caplen,
        .wire_len = h->len,
        .ts_us = ts_us,
        .link = rs->cap->link,
    };
    return rs->on_frame(rs->ctx, &fr);
}

/* pcap_dispatch() callback for saved files. */
static void
on_record(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
    struct run_state *rs = (struct run_state *)(void *)user;

    if (!deliver(rs, h, bytes)) {
        rs->is_stopped = true;
        pcap_breakloop(rs->cap->pc); /* libpcap returns before reading another record */
    }
}

#ifndef PL_DISPATCH_MAX
#define PL_DISPATCH_MAX INT_MAX /* records per pcap_dispatch() call (-1 means this too) */
#endif

/* Saved files: libpcap's own read loop calls on_record for every record that passes the
 * filter, which spares a pcap_next_ex() call and its one-record set-up per packet. A call
 * reads at most PL_DISPATCH_MAX records, so a count that reaches it means more may follow
 * (the unit tests build this file with a small one, to go through that path). */
static int
run_saved(struct run_state *rs, struct pl_err *err)
{
    struct pl_capture *cap = rs->cap;

    while (!cap->stop) {
        int n = pcap_dispatch(cap->pc, PL_DISPATCH_MAX, on_record, (u_char *)(void *)rs);
        if (n < 0 && n != PCAP_ERROR_BREAK) { /* as pcap_next_ex(): an error wins over a stop */
            pl_err_set(err, "%s", pcap_geterr(cap->pc));
            return -1;
        }
        if (rs->is_stopped || cap->stop)
            return 0;
        /* PCAP_ERROR_BREAK without a stop: a pcap_breakloop() left over from an earlier run
         * of this capture, which libpcap has now cleared; the loop reads on. */
        if (n >= 0 && n < PL_DISPATCH_MAX)
            return 1; /* the end of the file */
    }
    return 0;
}

/* Live: one packet at a time, so that the loop gets control when a read times out. */
static int
run_live(struct run_state *rs, void (*on_idle)(void *ctx), struct pl_err *err)
{
    struct pl_capture *cap = rs->cap;
    struct pcap_pkthdr *h;
    const u_char *bytes;

    while (!cap->stop) {
        int rc = pcap_next_ex(cap->pc, &h, &bytes);
        if (rc == 0) { /* no packet ready */
            if (live_wait(cap))
                continue;
            if (live_iface_down(cap)) {
                pl_err_set(err, "the interface went down");
                return -1;
            }
            if (on_idle != NULL)
                on_idle(rs->ctx);
            continue;
        }
        if (rc == PCAP_ERROR_BREAK) /* pcap_breakloop() */
            return cap->stop ? 0 : 1;
        if (rc < 0) {
            pl_err_set(err, "%s", pcap_geterr(cap->pc));
            return -1;
        }
        if (!deliver(rs, h, bytes))
            return 0;
    }
    return 0;
}

int
pl_capture_run(struct pl_capture *cap, pl_frame_fn on_frame, pl_badrec_fn on_badrec,
               void (*on_idle)(void *ctx), void *ctx, struct pl_err *err)
{
    struct run_state rs = {
        .cap = cap,
        .on_frame = on_frame,
        .on_badrec = on_badrec,
        .ctx = ctx,
        .is_stopped = false,
    };

    return cap->is_live ? run_live(&rs, on_idle, err) : run_saved(&rs, err);
}

void
pl_capture_stop(struct pl_capture *cap)
{
    cap->stop = 1;
    pcap_breakloop(cap->pc);
}

int
pl_capture_stats(struct pl_capture *cap, uint64_t *recv, uint64_t *drop, uint64_t *ifdrop)
{
    struct pcap_stat st;

    if (!cap->is_live || pcap_stats(cap->pc, &st) != 0)
        return -1;
    *recv = st.ps_recv;
    *drop = st.ps_drop;
    *ifdrop = st.ps_ifdrop;
    return 0;
}

int
pl_capture_fd(const struct pl_capture *cap)
{
    return cap->is_live ? pcap_get_selectable_fd(cap->pc) : -1;
}

void
pl_capture_close(struct pl_capture *cap)
{
    if (cap == NULL)
        return;
    pcap_close(cap->pc);
    free(cap->file_buf);
    free(cap);
}

int
pl_capture_list_ifaces(void *out_file, struct pl_err *err)
{
    char ebuf[PCAP_ERRBUF_SIZE] = "";
    pcap_if_t *all = NULL;
    FILE *out = out_file;
    int n = 0;

    if (pcap_findalldevs(&all, ebuf) != 0) {
        pl_err_set(err, "cannot list interfaces: %s", ebuf);
        return -1;
    }
    for (pcap_if_t *d = all; d != NULL; d = d->next) {
        fprintf(out, "%d.%s", ++n, d->name);
        if (d->description != NULL)
            fprintf(out, " (%s)", d->description);
        fputs(" [", out);
        fputs((d->flags & PCAP_IF_UP) ? "Up" : "Down", out);
        if (d->flags & PCAP_IF_RUNNING)
            fputs(", Running", out);
        if (d->flags & PCAP_IF_LOOPBACK)
            fputs(", Loopback", out);
        fputs("]\n", out);
    }
    pcap_freealldevs(all);
    return 0;
}
