/* src/main.c — command line (SPEC §7): parse options, wire the modules together, print errors,
 * choose the exit code (0 success, 1 failure, 2 usage error). */
#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>
#ifdef __linux__
#include <linux/capability.h>
#include <sys/syscall.h>
#endif

#include "portlabel/capture.h"
#include "portlabel/output.h"
#include "portlabel/pipeline.h"
#include "portlabel/registry.h"

#define PL_EXIT_OK 0
#define PL_EXIT_FAIL 1
#define PL_EXIT_USAGE 2
#define PL_MAX_FILES 4096       /* -r given more often than this is a usage error */
#define PL_WARN_PRINT_MAX 20    /* registry warnings printed before a summary line */
#define PL_TICK_US 1000000u     /* live: status line / duration check period */
#define PL_READ_TIMEOUT_MS 250  /* live: longest wait for packets before the idle path */
/* live: how far the clock that expires flows on a quiet link stays behind the wall clock.
 * The kernel holds packets up to the read timeout before handing them over (TPACKET_V3
 * blocks); expiring by the bare clock ended flows whose next packet was still buffered. */
#define PL_CLOCK_LAG_US (2u * PL_READ_TIMEOUT_MS * 1000u)

#ifndef PL_VERSION
#define PL_VERSION "0.1.0"
#endif

enum long_only_opt {
    OPT_DURATION = 256,
    OPT_AUDIT,
    OPT_ONLY_FLAGGED,
    OPT_IDLE,
    OPT_ACTIVE,
    OPT_MAX_FLOWS,
    OPT_VERSION,
};

struct options {
    const char *files[PL_MAX_FILES];
    size_t nfiles;
    const char *iface;
    uint64_t count;
    int snaplen;
    bool promisc;
    int buffer_kib;
    const char *user;
    double duration_s;
    const char *registry;
    enum pl_format format;
    const char *output;
    bool audit;
    bool only_flagged;
    uint64_t idle_us, active_us;
    uint32_t max_flows;
    bool list_ifaces;
    char *filter; /* joined trailing arguments, owned */
    int first_arg; /* index in argv of the first non-option argument */
};

/* Signal state: the one place with mutable file-scope data, because a signal
 * handler can reach nothing else. */
static volatile sig_atomic_t g_stop;
static volatile sig_atomic_t g_usr1;
static volatile sig_atomic_t g_tick;
static struct pl_capture *volatile g_cap;

static void
on_stop_signal(int sig)
{
    if (g_stop && sig == SIGHUP)
        return; /* a hang-up while stopping (systemd sends SIGTERM, then SIGHUP) changes nothing */
    if (g_stop) { /* second SIGINT or SIGTERM: leave at once */
        static const char msg[] = "\nportlabel: interrupted again, exiting\n";
        ssize_t rc = write(STDERR_FILENO, msg, sizeof msg - 1);
        (void)rc;
        _exit(PL_EXIT_FAIL);
    }
    (void)sig;
    g_stop = 1;
    if (g_cap != NULL)
        pl_capture_stop(g_cap);
}

static void
on_usr1(int sig)
{
    (void)sig;
    g_usr1 = 1;
}

static void
on_alarm(int sig)
{
    (void)sig;
    g_tick = 1;
}

static void
usage(FILE *out)
{
    fprintf(out,
"Usage: portlabel [options] -r FILE [-r FILE ...] [filter expression]\n"
"       portlabel [options] -i IFACE [filter expression]\n"
"       portlabel lookup [-R FILE] [-F text|json] [-o FILE] PORT/PROTO | PORT | NAME ...\n"
"       portlabel -D\n"
"\n"
"Label network flows with the service IANA registered for their port.\n"
"\n"
"Input:\n"
"  -r FILE              read a pcap or pcapng file ('-' = standard input); repeat for\n"
"                       several files, read in order as one stream\n"
"  -i IFACE             capture live on IFACE ('any' = every interface)\n"
"  -D, --list-interfaces  list capture interfaces and exit\n"
"  -c COUNT             stop after COUNT packets (default: no limit)\n"
"  -s SNAPLEN           live: bytes captured per packet (default 262144)\n"
"  -p                   live: do not put the interface in promiscuous mode\n"
"  -B KIB               live: kernel capture buffer size in KiB (default: libpcap's)\n"
"  -Z USER              as root, become USER once the capture (first file) is open\n"
"  --duration SEC       live: stop after SEC seconds (default: run until a signal)\n"
"  filter expression    a BPF filter, as tcpdump takes it (pcap-filter(7))\n"
"\n"
"Registry:\n"
"  -R, --registry FILE  IANA CSV or XML, or a services(5) file (default: $PORTLABEL_REGISTRY,\n"
"                       else the installed IANA registry, else the source tree's\n"
"                       registry/, else\n"
"                       /usr/share/wireshark/services, else /etc/services)\n"
"\n"
"Flows:\n"
"  --idle-timeout SEC   end a flow after SEC seconds without a packet (default 300)\n"
"  --active-timeout SEC end a flow that has lasted SEC seconds (default 1800)\n"
"  --max-flows N        live flows kept; the least recently seen is evicted (default 1000000)\n"
"\n"
"Output:\n"
"  -F, --format FMT     text (default), json (JSON Lines) or csv\n"
"  -o, --output FILE    write there instead of standard output (never over an input)\n"
"  --audit              one record per (protocol, service port) instead of per flow\n"
"  --only-flagged       only flagged flows (the registry reports unauthorized use)\n"
"\n"
"SEC: decimal seconds (2.5), 0.000001 to 1000000000, at most 6 decimals.\n"
"\n"
"  -h, --help           this help\n"
"  --version            print the version\n"
"\n"
"Exit status: 0 success, 1 error, 2 usage error.\n");
}

/* Parse a non-negative decimal integer no larger than max. */
static bool
parse_u64(const char *s, uint64_t max, uint64_t *out)
{
    char *end;
    unsigned long long v;

    if (s == NULL || *s == '\0' || *s == '-' || *s == '+')
        return false;
    errno = 0;
    v = strtoull(s, &end, 10);
    if (errno != 0 || *end != '\0' || v > max)
        return false;
    *out = v;
    return true;
}

/* Parse seconds, a plain decimal number with at most six decimals (no sign, exponent, hex,
 * inf or nan; zeros past the sixth are allowed), exactly into microseconds: 1 us to 1e9 s.
 * 0 is refused: --duration 0 would mean "no limit", a timeout of 0 end every flow at its next
 * packet. */
static bool
parse_seconds(const char *s, uint64_t *out_us)
{
    uint64_t sec = 0, frac = 0;
    size_t int_digits = 0, frac_digits = 0;
    const char *c = s;

    if (s == NULL)
        return false;
    for (; *c >= '0' && *c <= '9'; c++, int_digits++) {
        if (sec > 1000000000u)
            return false; /* the range check below refuses it; stop before overflow */
        sec = sec * 10u + (uint64_t)(*c - '0');
    }
    if (*c == '.') {
        for (c++; *c >= '0' && *c <= '9'; c++, frac_digits++) {
            if (frac_digits < 6)
                frac = frac * 10u + (uint64_t)(*c - '0');
            else if (*c != '0')
                return false; /* below a microsecond */
        }
    }
    if (*c != '\0' || int_digits + frac_digits == 0)
        return false;
    for (size_t i = frac_digits; i < 6; i++)
        frac *= 10u;
    if (sec > 1000000000u || (sec == 1000000000u && frac != 0) || (sec == 0 && frac == 0))
        return false;
    *out_us = sec * 1000000u + frac;
    return true;
}
#define PL_SECONDS_RANGE "seconds, 0.000001 to 1000000000, at most 6 decimals"

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int
usage_error(const char *fmt, ...)
{
    va_list ap;

    fputs("portlabel: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputs(" (see portlabel --help)\n", stderr); /* SPEC §7: one line */
    return PL_EXIT_USAGE;
}

/* Parse argv into *o. Returns -1 to continue, or an exit code. */
static int
parse_options(int argc, char **argv, struct options *o)
{
    static const struct option longopts[] = {
        {"registry", required_argument, NULL, 'R'},
        {"format", required_argument, NULL, 'F'},
        {"output", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'},
        {"list-interfaces", no_argument, NULL, 'D'},
        {"duration", required_argument, NULL, OPT_DURATION},
        {"audit", no_argument, NULL, OPT_AUDIT},
        {"only-flagged", no_argument, NULL, OPT_ONLY_FLAGGED},
        {"idle-timeout", required_argument, NULL, OPT_IDLE},
        {"active-timeout", required_argument, NULL, OPT_ACTIVE},
        {"max-flows", required_argument, NULL, OPT_MAX_FLOWS},
        {"version", no_argument, NULL, OPT_VERSION},
        {NULL, 0, NULL, 0},
    };
    uint64_t v;
    int ch;

    memset(o, 0, sizeof *o);
    o->promisc = true;
    o->idle_us = PL_FLOW_IDLE_DEFAULT_US;
    o->active_us = PL_FLOW_ACTIVE_DEFAULT_US;
    o->max_flows = PL_FLOW_MAX_DEFAULT;
    o->format = PL_FMT_TEXT;
    opterr = 0;
    while ((ch = getopt_long(argc, argv, ":r:i:c:s:pB:Z:R:F:o:hD", longopts, NULL)) != -1) {
        switch (ch) {
        case 'r':
            if (o->nfiles == PL_MAX_FILES)
                return usage_error("too many -r files (at most %s)", "4096");
            o->files[o->nfiles++] = optarg;
            break;
        case 'i':
            o->iface = optarg;
            break;
        case 'c':
            if (!parse_u64(optarg, UINT64_MAX, &v) || v == 0)
                return usage_error("invalid packet count '%s'", optarg);
            o->count = v;
            break;
        case 's':
            if (!parse_u64(optarg, PL_CAPTURE_MAX_CAPLEN, &v))
                return usage_error("invalid snaplen '%s' (0 to 262144)", optarg);
            o->snaplen = (int)v;
            break;
        case 'p':
            o->promisc = false;
            break;
        case 'B':
            if (!parse_u64(optarg, INT_MAX / 1024, &v) || v == 0)
                return usage_error("invalid buffer size '%s' (KiB)", optarg);
            o->buffer_kib = (int)v;
            break;
        case 'Z':
            o->user = optarg;
            break;
        case 'R':
            if (optarg[0] == '\0') /* an empty -R must not fall back to discovery silently */
                return usage_error("%s", "-R needs a registry file name");
            o->registry = optarg;
            break;
        case 'F':
            if (!pl_format_parse(optarg, &o->format))
                return usage_error("unknown format '%s' (text, json or csv)", optarg);
            break;
        case 'o':
            o->output = optarg;
            break;
        case 'h':
            usage(stdout);
            return PL_EXIT_OK;
        case 'D':
            o->list_ifaces = true;
            break;
        case OPT_DURATION:
            if (!parse_seconds(optarg, &v))
                return usage_error("invalid duration '%s' (" PL_SECONDS_RANGE ")", optarg);
            o->duration_s = (double)v / 1e6;
            break;
        case OPT_AUDIT:
            o->audit = true;
            break;
        case OPT_ONLY_FLAGGED:
            o->only_flagged = true;
            break;
        case OPT_IDLE:
            if (!parse_seconds(optarg, &o->idle_us))
                return usage_error("invalid idle timeout '%s' (" PL_SECONDS_RANGE ")", optarg);
            break;
        case OPT_ACTIVE:
            if (!parse_seconds(optarg, &o->active_us))
                return usage_error("invalid active timeout '%s' (" PL_SECONDS_RANGE ")", optarg);
            break;
        case OPT_MAX_FLOWS:
            if (!parse_u64(optarg, PL_FLOW_MAX_LIMIT, &v) || v == 0)
                return usage_error("invalid --max-flows '%s' (1 to %u)", optarg,
                                   (unsigned)PL_FLOW_MAX_LIMIT);
            o->max_flows = (uint32_t)v;
            break;
        case OPT_VERSION:
            printf("portlabel %s\n", PL_VERSION);
            return PL_EXIT_OK;
        case ':':
            return usage_error("option '%s' needs an argument", argv[optind - 1]);
        default:
            return usage_error("unknown option '%s'", argv[optind - 1]);
        }
    }
    o->first_arg = optind;
    return -1;
}

/* Join argv[from..argc) with spaces (the BPF filter, as tcpdump takes it). */
static char *
join_args(int argc, char **argv, int from)
{
    size_t len = 1;
    char *s;

    for (int i = from; i < argc; i++)
        len += strlen(argv[i]) + 1;
    s = malloc(len);
    if (s == NULL)
        return NULL;
    s[0] = '\0';
    for (int i = from; i < argc; i++) {
        if (i > from)
            strcat(s, " ");
        strcat(s, argv[i]);
    }
    return s;
}

struct warn_state {
    unsigned long printed;
    unsigned long total;
};

static void
on_registry_warning(void *ctx, const char *path, unsigned long line, const char *why)
{
    struct warn_state *w = ctx;

    if (w->printed++ < PL_WARN_PRINT_MAX)
        fprintf(stderr, "portlabel: warning: %s:%lu: %s (row skipped)\n", path, line, why);
    w->total++;
}

/* Find and load the registry. NULL after printing an error. */
static struct pl_registry *
load_registry(const char *cli_path, bool quiet_no_unauth)
{
    struct pl_err err = {.msg = ""};
    struct warn_state ws = {0, 0};
    char path[PATH_MAX];
    struct pl_registry *reg;

    if (pl_registry_discover(cli_path, path, sizeof path, &err) != 0) {
        fprintf(stderr, "portlabel: %s\n", err.msg);
        return NULL;
    }
    reg = pl_registry_new();
    if (reg == NULL) {
        fprintf(stderr, "portlabel: out of memory loading the registry\n");
        return NULL;
    }
    if (pl_registry_load(reg, path, on_registry_warning, &ws, &err) != 0) {
        fprintf(stderr, "portlabel: registry: %s\n", err.msg);
        pl_registry_free(reg);
        return NULL;
    }
    if (ws.printed > PL_WARN_PRINT_MAX)
        fprintf(stderr, "portlabel: warning: %s: %lu bad rows skipped in all\n", path, ws.total);
    /* SPEC §2: said on standard error whatever the format; the text summary (on standard
     * output, or for CSV on standard error) repeats it in the same words. */
    if (!quiet_no_unauth && !pl_registry_has_unauthorized(reg))
        fprintf(stderr,
                "portlabel: warning: registry %s carries no unauthorized-use data: "
                "no flow can be flagged\n",
                path);
    return reg;
}

/* True when path names the file st describes (same device and inode: hard links, symbolic
 * links and relative paths included); "-" is standard input. */
static bool
same_file(const struct stat *st, const char *path)
{
    struct stat o;
    int rc = strcmp(path, "-") == 0 ? fstat(STDIN_FILENO, &o) : stat(path, &o);
    return rc == 0 && o.st_dev == st->st_dev && o.st_ino == st->st_ino;
}

/* -o opens its file for writing, truncated, before the -r files after the first are opened
 * (and after the registry is read, which is no protection: a small file is already in
 * libpcap's buffer, a larger one is cut while it is read). An output that is one of the
 * inputs is refused, with a usage error naming it: returns 2, or -1 when output is none of
 * them. Only an existing regular file can be one: -o -, /dev/null and FIFOs are never
 * refused. */
static int
refuse_output_over_input(const char *output, const char *const *files, size_t nfiles,
                         const char *registry)
{
    struct stat st;

    if (output == NULL || strcmp(output, "-") == 0 || stat(output, &st) != 0 ||
        !S_ISREG(st.st_mode))
        return -1;
    for (size_t i = 0; i < nfiles; i++) {
        if (!same_file(&st, files[i]))
            continue;
        if (strcmp(files[i], "-") == 0)
            return usage_error("-o %s is also standard input: writing would destroy it", output);
        return usage_error("-o %s is also the input %s: writing would destroy it", output,
                           files[i]);
    }
    if (registry != NULL && same_file(&st, registry))
        return usage_error("-o %s is also the registry %s: writing would destroy it", output,
                           registry);
    return -1;
}

/* `portlabel lookup QUERY...` */
static FILE *open_output(const char *path, bool *owns);

static int
run_lookup(const struct options *o, int argc, char **argv, int from)
{
    struct pl_err err = {.msg = ""};
    struct pl_registry *reg;
    int rc = PL_EXIT_OK;
    int nq = 0;
    int ch;
    enum pl_format fmt = o->format;
    const char *registry = o->registry;
    const char *output = o->output;
    static const struct option longopts[] = {
        {"registry", required_argument, NULL, 'R'},
        {"format", required_argument, NULL, 'F'},
        {"output", required_argument, NULL, 'o'},
        {NULL, 0, NULL, 0},
    };

    if (o->nfiles > 0 || o->iface != NULL || o->audit || o->only_flagged || o->count != 0 ||
        o->user != NULL || o->list_ifaces)
        return usage_error("lookup: %s", "takes only -R, -F and -o (and the queries)");

    /* Options may also follow the word `lookup`. Parse argv[from..] afresh: the first pass
     * permuted `lookup` behind the options, and glibc's getopt keeps that permutation state
     * (it would hand `lookup` back as a query) unless optind = 0 re-initialises it. */
    argc -= from;
    argv += from;
    optind = 0;
    while ((ch = getopt_long(argc, argv, ":R:F:o:", longopts, NULL)) != -1) {
        if (ch == 'R') {
            if (optarg[0] == '\0')
                return usage_error("%s", "lookup: -R needs a registry file name");
            registry = optarg;
        } else if (ch == 'o') {
            output = optarg;
        } else if (ch == 'F') {
            if (!pl_format_parse(optarg, &fmt) || fmt == PL_FMT_CSV)
                return usage_error("lookup: unknown format '%s' (text or json)", optarg);
        } else if (ch == ':') {
            return usage_error("lookup: option '%s' needs an argument", argv[optind - 1]);
        } else {
            return usage_error("lookup: unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind >= argc)
        return usage_error("lookup: %s", "give a port (443), port/protocol (443/tcp) or name");
    if (fmt == PL_FMT_CSV)
        return usage_error("lookup: format '%s' is not supported (text or json)", "csv");
    reg = load_registry(registry, true);
    if (reg == NULL)
        return PL_EXIT_FAIL;
    if ((rc = refuse_output_over_input(output, NULL, 0, pl_registry_path(reg))) >= 0) {
        pl_registry_free(reg);
        return rc;
    }
    rc = PL_EXIT_OK;
    bool owns_out;
    FILE *out = open_output(output, &owns_out);
    if (out == NULL) {
        pl_registry_free(reg);
        return PL_EXIT_FAIL;
    }
    for (int i = optind; i < argc; i++) {
        int n = pl_lookup_print(reg, argv[i], fmt, out, &err);
        if (n < 0) {
            rc = usage_error("lookup: %s", err.msg);
            break;
        }
        if (n == 0) {
            fprintf(stderr, "portlabel: lookup: no registry entry for '%s'\n", argv[i]);
            rc = PL_EXIT_FAIL;
        }
        nq++;
    }
    bool write_failed = fflush(out) != 0 || ferror(out);
    if (owns_out && fclose(out) != 0)
        write_failed = true;
    if (write_failed) {
        fprintf(stderr, "portlabel: %s: write error: %s\n",
                owns_out ? output : "standard output", strerror(errno));
        rc = PL_EXIT_FAIL;
    }
    pl_registry_free(reg);
    return rc;
}

/* Everything one run needs, passed to the capture callbacks. */
struct run_ctx {
    struct pl_pipeline *pipe;
    struct pl_capture *cap;
    bool live;
    bool status_line;       /* live text capture on a terminal: refresh a status line */
    uint64_t deadline_us;   /* --duration end on the clock; 0 = none */
    bool stop_by_limit;     /* -c or --duration reached */
};

static uint64_t
clock_us(void)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return (uint64_t)tv.tv_sec * 1000000u + (uint64_t)tv.tv_usec;
}

/* in_place: the status line, redrawn on one terminal row. It leaves the cursor at the
 * start of that row, so a flow row written to the same terminal (standard output) overwrites
 * it from column 0 (flow rows are wider) instead of being glued after its text. */
static void
print_counters(const struct run_ctx *r, bool in_place)
{
    struct pl_summary s;
    uint64_t recv = 0, drop = 0, ifdrop = 0;

    pl_pipeline_totals(r->pipe, &s);
    if (r->live)
        (void)pl_capture_stats(r->cap, &recv, &drop, &ifdrop);
    fprintf(stderr, "%sportlabel: %llu packets, %llu in flows, %llu flows ended, %llu dropped%s",
            in_place ? "\r" : "", (unsigned long long)s.packets_total,
            (unsigned long long)s.packets_in_flows, (unsigned long long)s.flows_total,
            (unsigned long long)(drop + ifdrop), in_place ? "\033[K\r" : "\n");
    fflush(stderr);
}

/* Once a second (live): duration limit, status line. */
static void
on_tick(struct run_ctx *r)
{
    uint64_t now = clock_us();

    g_tick = 0;
    if (r->deadline_us != 0 && now >= r->deadline_us) {
        r->stop_by_limit = true;
        pl_capture_stop(r->cap);
    }
    if (r->status_line)
        print_counters(r, true);
}

static bool
on_frame(void *ctx, const struct pl_frame *fr)
{
    struct run_ctx *r = ctx;
    bool go_on = pl_pipeline_frame(r->pipe, fr);

    if (!go_on)
        r->stop_by_limit = true;
    if (g_tick && r->live)
        on_tick(r);
    if (g_usr1) {
        g_usr1 = 0;
        print_counters(r, false);
    }
    return go_on && !g_stop;
}

static void
on_badrec(void *ctx, uint64_t ts_us)
{
    struct run_ctx *r = ctx;
    pl_pipeline_bad_record(r->pipe, ts_us);
}

static void
on_idle(void *ctx)
{
    struct run_ctx *r = ctx;

    /* A quiet link still expires its flows: move flow time on by the clock. */
    pl_pipeline_tick(r->pipe, clock_us() - PL_CLOCK_LAG_US);
    if (g_tick)
        on_tick(r);
    if (g_usr1) {
        g_usr1 = 0;
        print_counters(r, false);
    }
}

/* Look the -Z user up before capturing: a missing user is an error up front. */
static int
lookup_user(const char *user, struct passwd *pw_out, char *buf, size_t buflen)
{
    struct passwd *res = NULL;
    int rc = getpwnam_r(user, pw_out, buf, buflen, &res);

    if (rc != 0 || res == NULL) {
        fprintf(stderr, "portlabel: -Z %s: %s\n", user,
                rc != 0 ? strerror(rc) : "no such user");
        return -1;
    }
    return 0;
}

/* Drop to pw: supplementary groups, gid, uid, in that order, each checked. */
static int
drop_privileges(const struct passwd *pw)
{
    if (initgroups(pw->pw_name, pw->pw_gid) != 0) {
        fprintf(stderr, "portlabel: -Z %s: initgroups: %s\n", pw->pw_name, strerror(errno));
        return -1;
    }
    if (setgid(pw->pw_gid) != 0) {
        fprintf(stderr, "portlabel: -Z %s: setgid: %s\n", pw->pw_name, strerror(errno));
        return -1;
    }
    if (setuid(pw->pw_uid) != 0) {
        fprintf(stderr, "portlabel: -Z %s: setuid: %s\n", pw->pw_name, strerror(errno));
        return -1;
    }
    if (pw->pw_uid != 0 && (setuid(0) == 0 || geteuid() != pw->pw_uid || getegid() != pw->pw_gid)) {
        fprintf(stderr, "portlabel: -Z %s: privileges were not dropped\n", pw->pw_name);
        return -1;
    }
    return 0;
}

/* A process that is not root may still hold capabilities: CAP_NET_RAW given to the binary
 * (setcap) for live capture. Once the capture is open it needs none, so all go (effective,
 * permitted, inheritable; ambient ones with them), as tcpdump sheds them. Lowering them needs
 * no privilege; a kernel without capabilities (ENOSYS) has none to shed, and a process that
 * capget() shows holding none makes no capset() call. Any other failure is an error: the run
 * does not go on with capabilities it meant to drop. */
static int
drop_capabilities(void)
{
#ifdef __linux__
    struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
    struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];

    memset(data, 0, sizeof data);
    if (syscall(SYS_capget, &hdr, data) == 0) {
        bool any = false;
        for (size_t i = 0; i < _LINUX_CAPABILITY_U32S_3; i++)
            any = any || data[i].effective != 0 || data[i].permitted != 0 ||
                  data[i].inheritable != 0;
        if (!any)
            return 0; /* nothing to shed: no capset call a sandbox might refuse */
        memset(data, 0, sizeof data);
    }
    if (syscall(SYS_capset, &hdr, data) != 0 && errno != ENOSYS) {
        fprintf(stderr, "portlabel: dropping capabilities: %s\n", strerror(errno));
        return -1;
    }
#endif
    return 0;
}

/* Once the input is open: as root, to -Z USER when given; not root, no capabilities left. */
static int
shed_privileges(const struct passwd *drop_to)
{
    if (drop_to != NULL && drop_privileges(drop_to) != 0)
        return -1;
    return geteuid() != 0 ? drop_capabilities() : 0;
}

/* live: a SIGALRM tick every PL_TICK_US, the first after first_tick_us (so that a tick
 * falls on the --duration deadline) */
static void
install_signals(bool live, uint64_t first_tick_us)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = on_stop_signal;
    /* Live: restart a write blocked on a slow reader (it would fail with EINTR, a write
     * error that loses records); the capture's wait, poll(), is interrupted regardless. */
    sa.sa_flags = live ? SA_RESTART : 0;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    /* A hang-up (the terminal or ssh session gone) stops like SIGTERM, flows and summary
     * written, unless it is ignored (nohup), as tcpdump does. */
    struct sigaction old;
    if (sigaction(SIGHUP, NULL, &old) == 0 && old.sa_handler != SIG_IGN)
        sigaction(SIGHUP, &sa, NULL);
    sa.sa_handler = on_usr1;
    sa.sa_flags = SA_RESTART;
    sigaction(SIGUSR1, &sa, NULL);
    if (live) {
        struct itimerval it = {
            .it_interval = {.tv_sec = PL_TICK_US / 1000000u, .tv_usec = PL_TICK_US % 1000000u},
            .it_value = {.tv_sec = (time_t)(first_tick_us / 1000000u),
                         .tv_usec = (suseconds_t)(first_tick_us % 1000000u)},
        };
        sa.sa_handler = on_alarm;
        sigaction(SIGALRM, &sa, NULL);
        setitimer(ITIMER_REAL, &it, NULL);
    }
}

/* Open the output file (or standard output). */
static FILE *
open_output(const char *path, bool *owns)
{
    FILE *out;

    *owns = false;
    if (path == NULL || strcmp(path, "-") == 0)
        return stdout;
    out = fopen(path, "w");
    if (out == NULL) {
        fprintf(stderr, "portlabel: %s: %s\n", path, strerror(errno));
        return NULL;
    }
    *owns = true;
    return out;
}

/* Read every -r file, or the live interface, through the pipeline. *firstp is the capture
 * main opened; a file read to its end is closed here and *firstp set to NULL, so that main
 * closes what is left (also after a read error) exactly once. */
static int
run_capture(struct options *o, struct pl_registry *reg, struct pl_capture **firstp,
            const struct passwd *drop_to)
{
    struct pl_err err = {.msg = ""};
    struct pl_pipeline_opts popts;
    struct run_ctx r;
    struct pl_sink *sink;
    bool owns_out;
    int rc = PL_EXIT_OK;
    FILE *out;

    memset(&r, 0, sizeof r);
    r.live = o->iface != NULL;
    r.cap = *firstp;

    if ((rc = refuse_output_over_input(o->output, o->files, o->nfiles, pl_registry_path(reg))) >= 0)
        return rc;
    rc = PL_EXIT_OK;
    out = open_output(o->output, &owns_out);
    if (out == NULL)
        return PL_EXIT_FAIL;
    /* A later -r file may name the output only now that it exists (-r a -r new -o new). */
    struct stat out_st;
    bool out_is_file = owns_out && fstat(fileno(out), &out_st) == 0 && S_ISREG(out_st.st_mode);
    /* CSV holds one table (RFC 4180): its summary goes to standard error as text. */
    struct pl_sink_opts sopts = {.format = o->format,
                                 .audit = o->audit,
                                 .streaming = r.live,
                                 .summary_out = o->format == PL_FMT_CSV ? stderr : NULL};
    sink = pl_sink_new(&sopts, out, owns_out, &err);
    if (sink == NULL) {
        fprintf(stderr, "portlabel: %s\n", err.msg);
        if (owns_out)
            fclose(out);
        return PL_EXIT_FAIL;
    }
    memset(&popts, 0, sizeof popts);
    popts.flow.idle_us = o->idle_us;
    popts.flow.active_us = o->active_us;
    popts.flow.max_flows = o->max_flows;
    popts.flow.max_frags = PL_FRAG_MAX_DEFAULT;
    popts.only_flagged = o->only_flagged;
    popts.audit = o->audit;
    popts.max_packets = o->count;
    r.pipe = pl_pipeline_new(&popts, reg, sink, &err);
    if (r.pipe == NULL) {
        fprintf(stderr, "portlabel: %s\n", err.msg);
        pl_sink_free(sink);
        return PL_EXIT_FAIL;
    }
    if (pl_pipeline_begin(r.pipe, &err) != 0) {
        fprintf(stderr, "portlabel: %s\n", err.msg);
        rc = PL_EXIT_FAIL;
        goto done;
    }

    if (r.live) {
        if (shed_privileges(drop_to) != 0) {
            rc = PL_EXIT_FAIL;
            goto done;
        }
        if (drop_to == NULL && geteuid() == 0)
            fprintf(stderr, "portlabel: warning: running as root; use -Z USER to drop "
                            "privileges once the capture is open\n");
        r.status_line = o->format == PL_FMT_TEXT && isatty(STDERR_FILENO);
        uint64_t duration_us = (uint64_t)(o->duration_s * 1e6 + 0.5);
        if (duration_us > 0)
            r.deadline_us = clock_us() + duration_us;
        g_cap = r.cap;
        /* --duration 2.5 stops at 2.5 s, not at the next whole-second tick */
        install_signals(true, duration_us % PL_TICK_US != 0 ? duration_us % PL_TICK_US
                                                            : PL_TICK_US);
        int st = pl_capture_run(r.cap, on_frame, on_badrec, on_idle, &r, &err);
        g_cap = NULL;
        if (r.status_line)
            fputs("\r\033[K", stderr);
        if (st < 0) {
            fprintf(stderr, "portlabel: %s: %s\n", o->iface, err.msg);
            rc = PL_EXIT_FAIL;
        }
    } else {
        /* As tcpdump takes -Z with -r: the first file is open; later ones open as USER. */
        if (shed_privileges(drop_to) != 0) {
            rc = PL_EXIT_FAIL;
            goto done;
        }
        install_signals(false, 0);
        for (size_t i = 0; i < o->nfiles && !g_stop && !r.stop_by_limit; i++) {
            const char *name = strcmp(o->files[i], "-") == 0 ? "standard input" : o->files[i];
            if (r.cap == NULL && out_is_file && same_file(&out_st, o->files[i])) {
                rc = usage_error("-o %s is also the input %s: it is not read", o->output,
                                 o->files[i]);
                break;
            }
            if (r.cap == NULL && pl_capture_open_file(&r.cap, o->files[i], &err) != 0) {
                fprintf(stderr, "portlabel: %s\n", err.msg);
                rc = PL_EXIT_FAIL;
                break;
            }
            if (pl_capture_set_filter(r.cap, o->filter, &err) != 0) {
                fprintf(stderr, "portlabel: %s: %s\n", name, err.msg);
                rc = PL_EXIT_FAIL;
                break;
            }
            g_cap = r.cap;
            int st = pl_capture_run(r.cap, on_frame, on_badrec, NULL, &r, &err);
            g_cap = NULL;
            if (st < 0) {
                fprintf(stderr, "portlabel: %s: read error: %s\n", name, err.msg);
                rc = PL_EXIT_FAIL;
                break;
            }
            if (r.cap == *firstp)
                *firstp = NULL;
            pl_capture_close(r.cap);
            r.cap = NULL;
        }
    }

    {
        uint64_t st3[3];
        bool have = r.live && pl_capture_stats(r.cap, &st3[0], &st3[1], &st3[2]) == 0;
        enum pl_end_reason why = (r.live && (g_stop || r.stop_by_limit)) ? PL_END_SHUTDOWN
                                                                         : PL_END_EOF;
        if (pl_pipeline_finish(r.pipe, why, have ? st3 : NULL, &err) != 0) {
            /* the only failure left here is writing the output: name where it went */
            fprintf(stderr, "portlabel: %s: %s\n",
                    o->output != NULL && strcmp(o->output, "-") != 0 ? o->output
                                                                     : "standard output",
                    err.msg);
            rc = PL_EXIT_FAIL;
        }
    }
done:
    pl_pipeline_free(r.pipe);
    pl_sink_free(sink); /* closes -o FILE; a failed close was reported by the sink's end */
    if (r.cap != NULL && r.cap != *firstp)
        pl_capture_close(r.cap);
    return rc;
}

int
main(int argc, char **argv)
{
    struct pl_err err = {.msg = ""};
    struct options o;
    struct pl_registry *reg;
    struct pl_capture *cap = NULL;
    struct passwd pw;
    char pwbuf[4096];
    int rc;

    if ((rc = parse_options(argc, argv, &o)) >= 0)
        return rc;
    if (o.first_arg < argc && strcmp(argv[o.first_arg], "lookup") == 0)
        return run_lookup(&o, argc, argv, o.first_arg);
    if (o.list_ifaces) {
        if (pl_capture_list_ifaces(stdout, &err) != 0) {
            fprintf(stderr, "portlabel: %s\n", err.msg);
            return PL_EXIT_FAIL;
        }
        return PL_EXIT_OK;
    }
    if (o.nfiles == 0 && o.iface == NULL) {
        struct stat st; /* `portlabel x.pcap`: the file was taken for a filter expression */
        if (o.first_arg < argc && stat(argv[o.first_arg], &st) == 0 && S_ISREG(st.st_mode))
            return usage_error("nothing to read: to read the file %s, give -r %s",
                               argv[o.first_arg], argv[o.first_arg]);
        return usage_error("%s", "nothing to read: give -r FILE or -i IFACE");
    }
    if (o.nfiles > 0 && o.iface != NULL)
        return usage_error("%s", "-r and -i cannot be used together");
    if (o.iface == NULL && o.duration_s > 0)
        return usage_error("%s", "--duration applies to live capture (-i) only");
    o.filter = join_args(argc, argv, o.first_arg);
    if (o.filter == NULL) {
        fprintf(stderr, "portlabel: out of memory\n");
        return PL_EXIT_FAIL;
    }
    const struct passwd *drop_to = NULL;
    if (o.user != NULL && geteuid() != 0) {
        /* As tcpdump: only root changes user (tcpdump does not even look USER up). Not root,
         * portlabel keeps its user, and sheds any capabilities once the input is open, -Z or
         * not. Quiet when USER is the user it runs as. */
        struct passwd *res = NULL;
        if (getpwnam_r(o.user, &pw, pwbuf, sizeof pwbuf, &res) != 0 || res == NULL ||
            pw.pw_uid != geteuid())
            fprintf(stderr, "portlabel: warning: -Z %s ignored: changing user needs root\n",
                    o.user);
    } else if (o.user != NULL) {
        if (lookup_user(o.user, &pw, pwbuf, sizeof pwbuf) != 0) {
            free(o.filter);
            return PL_EXIT_FAIL;
        }
        drop_to = &pw;
    }

    /* Open the input first: a missing file or interface is reported before anything else. */
    if (o.iface != NULL) {
        struct pl_live_opts lo = {.iface = o.iface, .snaplen = o.snaplen, .promisc = o.promisc,
                                  .buffer_kib = o.buffer_kib, .timeout_ms = PL_READ_TIMEOUT_MS};
        if (pl_capture_open_live(&cap, &lo, &err) != 0 ||
            pl_capture_set_filter(cap, o.filter, &err) != 0) {
            fprintf(stderr, "portlabel: %s\n", err.msg);
            pl_capture_close(cap);
            free(o.filter);
            return strncmp(err.msg, "invalid filter", 14) == 0 ? PL_EXIT_USAGE : PL_EXIT_FAIL;
        }
    } else {
        if (pl_capture_open_file(&cap, o.files[0], &err) != 0) {
            fprintf(stderr, "portlabel: %s\n", err.msg);
            free(o.filter);
            return PL_EXIT_FAIL;
        }
        if (pl_capture_set_filter(cap, o.filter, &err) != 0) {
            fprintf(stderr, "portlabel: %s\n", err.msg);
            pl_capture_close(cap);
            free(o.filter);
            return PL_EXIT_USAGE;
        }
    }

    reg = load_registry(o.registry, false);
    if (reg == NULL) {
        pl_capture_close(cap);
        free(o.filter);
        return PL_EXIT_FAIL;
    }
    rc = run_capture(&o, reg, &cap, drop_to);
    pl_capture_close(cap); /* NULL when run_capture closed it */
    pl_registry_free(reg);
    free(o.filter);
    return rc;
}
