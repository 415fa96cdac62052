/* include/portlabel/err.h — error reporting for operations (libpcap errbuf pattern). */
#ifndef PORTLABEL_ERR_H
#define PORTLABEL_ERR_H

/* A caller-owned message buffer. Operations that can fail return int (0 ok,
 * -1 failure) and, on failure, leave one line (no trailing newline) here. */
struct pl_err {
    char msg[256];
};

/* Format a message into err (truncated to fit). err may be NULL. */
void pl_err_set(struct pl_err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The one out-of-memory policy after start-up: print "portlabel: out of memory: WHAT"
 * to standard error and exit(1). The only library function that prints or exits. */
_Noreturn void pl_die_oom(const char *what);

#endif
