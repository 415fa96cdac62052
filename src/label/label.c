/* src/label/label.c — labelling policy: which port names a flow (SPEC §5; port classes per
 * RFC 6335 §6: system 0-1023, user 1024-49151, dynamic 49152-65535). */
#include <stddef.h>

#include "portlabel/label.h"

#define PL_PORT_USER_MIN 1024u     /* RFC 6335 §6: first User Port */
#define PL_PORT_DYNAMIC_MIN 49152u /* RFC 6335 §6: first Dynamic Port */

static bool
is_assigned(const struct pl_registry *reg, enum pl_proto proto, uint16_t port)
{
    return reg != NULL && pl_registry_status(reg, proto, port) == PL_STATUS_ASSIGNED;
}

void
pl_label_choose(const struct pl_registry *reg, enum pl_proto proto, bool opening_seen,
                uint16_t init_port, uint16_t resp_port, struct pl_label *out)
{
    uint16_t port;
    enum pl_basis basis;

    if (opening_seen) {
        port = resp_port; /* the side that answered the opening offers the service */
        basis = PL_BASIS_HANDSHAKE;
    } else {
        bool init_assigned = is_assigned(reg, proto, init_port);
        bool resp_assigned = is_assigned(reg, proto, resp_port);
        if (init_assigned != resp_assigned) {
            port = init_assigned ? init_port : resp_port;
            basis = PL_BASIS_REGISTRY;
        } else {
            port = init_port < resp_port ? init_port : resp_port; /* responder's when equal */
            basis = PL_BASIS_PORT_ORDER;
        }
    }
    pl_label_for_port(reg, proto, port, basis, out);
}

void
pl_label_for_port(const struct pl_registry *reg, enum pl_proto proto, uint16_t port,
                  enum pl_basis basis, struct pl_label *out)
{
    const struct pl_reg_entry *e = reg != NULL ? pl_registry_get(reg, proto, port) : NULL;

    out->entry = e;
    out->service_port = port;
    out->proto = (uint8_t)proto;
    out->basis = (uint8_t)basis;
    out->status = (uint8_t)(e != NULL ? e->status : PL_STATUS_UNASSIGNED);
    out->port_class = (uint8_t)pl_port_class_of(port);
}

enum pl_port_class
pl_port_class_of(uint16_t port)
{
    if (port < PL_PORT_USER_MIN)
        return PL_CLASS_SYSTEM;
    if (port < PL_PORT_DYNAMIC_MIN)
        return PL_CLASS_USER;
    return PL_CLASS_DYNAMIC;
}

const char *
pl_port_class_name(enum pl_port_class cls)
{
    switch (cls) {
    case PL_CLASS_SYSTEM:
        return "system";
    case PL_CLASS_USER:
        return "user";
    case PL_CLASS_DYNAMIC:
        return "dynamic";
    }
    return "unknown";
}

const char *
pl_basis_name(enum pl_basis basis)
{
    switch (basis) {
    case PL_BASIS_HANDSHAKE:
        return "handshake";
    case PL_BASIS_REGISTRY:
        return "registry";
    case PL_BASIS_PORT_ORDER:
        return "port-order";
    }
    return "unknown";
}
