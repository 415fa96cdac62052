/* tests/fuzz/fuzz_registry.c — libFuzzer target: every registry reader (CSV per RFC 4180,
 * IANA XML, services(5)) on arbitrary bytes, then a few look-ups on what loaded. */
#include <stddef.h>
#include <stdint.h>

#include "portlabel/registry.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
on_name(void *ctx, const char *name, enum pl_proto proto, int32_t port,
        const struct pl_reg_entry *e)
{
    size_t *n = ctx;
    (void)name;
    (void)proto;
    (void)port;
    *n += e != NULL && e->description != NULL;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct pl_registry *reg = pl_registry_new();
    struct pl_err err;
    size_t n = 0;

    if (reg == NULL)
        return 0;
    if (pl_registry_load_mem(reg, (const char *)data, size, "fuzz", NULL, NULL, &err) == 0) {
        for (int p = 0; p < PL_PROTO_COUNT; p++) {
            for (uint32_t port = 0; port < 70; port++) {
                const struct pl_reg_entry *e =
                    pl_registry_get(reg, (enum pl_proto)p, (uint16_t)port);
                for (uint32_t i = 0; e != NULL && i < e->alias_count; i++)
                    n += e->aliases[i][0] != '\0';
            }
        }
        (void)pl_registry_find_name(reg, "http", on_name, &n);
        (void)pl_registry_find_name(reg, "a", on_name, &n);
    }
    pl_registry_free(reg);
    return n == SIZE_MAX; /* keep n observable */
}
