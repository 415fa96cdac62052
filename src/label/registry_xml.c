/* src/label/registry_xml.c — placeholder */
#include "label/registry_int.h"

int
pl_reg_read_xml(struct pl_registry *reg, const char *buf, size_t len, struct pl_err *err)
{
    (void)buf;
    (void)len;
    pl_err_set(err, "%s: XML not yet supported", pl_reg_name(reg));
    return -1;
}
