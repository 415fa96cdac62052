/* src/label/registry_services.c — placeholder */
#include "label/registry_int.h"

int
pl_reg_read_services(struct pl_registry *reg, char *buf, size_t len, struct pl_err *err)
{
    (void)buf;
    (void)len;
    pl_err_set(err, "%s: not a registry", pl_reg_name(reg));
    return -1;
}
