/* include/portlabel/label.h — labelling policy: which port names a flow (SPEC §5). */
#ifndef PORTLABEL_LABEL_H
#define PORTLABEL_LABEL_H

#include <stdbool.h>
#include <stdint.h>

#include "portlabel/registry.h"

enum pl_basis {
    PL_BASIS_HANDSHAKE = 0, /* the opening was seen: the responder's port */
    PL_BASIS_REGISTRY,      /* exactly one port is assigned */
    PL_BASIS_PORT_ORDER,    /* the lower port (the responder's when equal) */
};

enum pl_port_class {
    PL_CLASS_SYSTEM = 0, /* 0-1023 */
    PL_CLASS_USER,       /* 1024-49151 */
    PL_CLASS_DYNAMIC,    /* 49152-65535 */
};

/* The label of a flow, fixed when the flow is created. */
struct pl_label {
    const struct pl_reg_entry *entry; /* borrowed from the registry; NULL when no row covers */
    uint16_t service_port;            /* host order */
    uint8_t proto;                    /* enum pl_proto */
    uint8_t basis;                    /* enum pl_basis */
    uint8_t status;                   /* enum pl_status */
    uint8_t port_class;               /* enum pl_port_class */
};

/* Choose the service port of a flow and fill *out (SPEC §5). opening_seen:
 * the record's first packet was a SYN, SYN+ACK, INIT, INIT-ACK, DCCP Request
 * or Response. init_port/resp_port: the initiator's and responder's ports. */
void pl_label_choose(const struct pl_registry *reg, enum pl_proto proto, bool opening_seen,
                     uint16_t init_port, uint16_t resp_port, struct pl_label *out);

/* Fill *out for a known service port (continuations, `lookup`). */
void pl_label_for_port(const struct pl_registry *reg, enum pl_proto proto, uint16_t port,
                       enum pl_basis basis, struct pl_label *out);

/* True when the label carries unauthorized-use text (the flow is flagged). */
static inline bool
pl_label_is_unauthorized(const struct pl_label *l)
{
    return l->entry != NULL && l->entry->unauthorized != NULL && l->entry->unauthorized[0] != '\0';
}

enum pl_port_class pl_port_class_of(uint16_t port);
const char *pl_port_class_name(enum pl_port_class cls); /* "system", "user", "dynamic" */
const char *pl_basis_name(enum pl_basis basis);         /* "handshake", "registry", "port-order" */

#endif
