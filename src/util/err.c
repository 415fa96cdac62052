/* src/util/err.c — error messages for operations, and the one out-of-memory policy. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "portlabel/err.h"

void
pl_err_set(struct pl_err *err, const char *fmt, ...)
{
    va_list ap;

    if (err == NULL)
        return;
    va_start(ap, fmt);
    (void)vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
}

_Noreturn void
pl_die_oom(const char *what)
{
    fprintf(stderr, "portlabel: out of memory: %s\n", what);
    exit(1);
}
