/* tests/unit/test_label.c — labelling policy (SPEC §5): handshake, then registry, then
 * port-order; label fields from the registry; port classes (RFC 6335 §6). */
#include <criterion/criterion.h>
#include <string.h>

#include "portlabel/label.h"

static const char csv[] =
    "Service Name,Port Number,Transport Protocol,Description,Assignee,Contact,"
    "Registration Date,Modification Date,Reference,Service Code,Unauthorized Use Reported,"
    "Assignment Notes\r\n"
    "http,80,tcp,World Wide Web HTTP,,,,,,,,\r\n"
    "www,80,tcp,World Wide Web HTTP,,,,,,,,\r\n"
    "domain,53,udp,Domain Name Server,,,,,,,,\r\n"
    ",100,tcp,Unassigned,,,,,,,Known Unauthorized Use on port 100,\r\n"
    ",1023,tcp,Reserved,,,,,,,,\r\n"
    "http-alt,8080,tcp,HTTP Alternate,,,,,,,,\r\n"
    "diameter,3868,sctp,DIAMETER,,,,,,,,\r\n";

static struct pl_registry *
load(void)
{
    struct pl_registry *reg = pl_registry_new();
    struct pl_err err = {.msg = ""};
    cr_assert_not_null(reg);
    cr_assert_eq(pl_registry_load_mem(reg, csv, sizeof csv - 1, "test.csv", NULL, NULL, &err), 0,
                 "%s", err.msg);
    return reg;
}

Test(label, handshake_takes_the_responders_port_whatever_its_status)
{
    struct pl_registry *reg = load();
    struct pl_label l;
    pl_label_choose(reg, PL_PROTO_TCP, true, 80, 40000, &l);
    cr_assert_eq(l.basis, PL_BASIS_HANDSHAKE);
    cr_assert_eq(l.service_port, 40000);
    cr_assert_eq(l.status, PL_STATUS_UNASSIGNED);
    cr_assert_null(l.entry);
    cr_assert_eq(l.port_class, PL_CLASS_USER);
    pl_registry_free(reg);
}

Test(label, registry_picks_the_only_assigned_port)
{
    struct pl_registry *reg = load();
    struct pl_label l;
    pl_label_choose(reg, PL_PROTO_TCP, false, 80, 50000, &l);
    cr_assert_eq(l.basis, PL_BASIS_REGISTRY);
    cr_assert_eq(l.service_port, 80);
    cr_assert_eq(l.status, PL_STATUS_ASSIGNED);
    cr_assert_not_null(l.entry);
    cr_assert_str_eq(l.entry->service, "http");
    cr_assert_eq(l.proto, PL_PROTO_TCP);
    cr_assert_eq(l.port_class, PL_CLASS_SYSTEM);

    pl_label_choose(reg, PL_PROTO_TCP, false, 40000, 8080, &l);
    cr_assert_eq(l.basis, PL_BASIS_REGISTRY);
    cr_assert_eq(l.service_port, 8080, "the higher port, because it is the assigned one");
    pl_registry_free(reg);
}

Test(label, registry_status_is_per_protocol)
{
    struct pl_registry *reg = load();
    struct pl_label l;
    pl_label_choose(reg, PL_PROTO_UDP, false, 8080, 60000, &l); /* 8080 assigned for tcp only */
    cr_assert_eq(l.basis, PL_BASIS_PORT_ORDER);
    cr_assert_eq(l.service_port, 8080);
    pl_label_choose(reg, PL_PROTO_SCTP, false, 50000, 3868, &l);
    cr_assert_eq(l.basis, PL_BASIS_REGISTRY);
    cr_assert_str_eq(l.entry->service, "diameter");
    pl_registry_free(reg);
}

Test(label, both_assigned_falls_back_to_the_lower_port)
{
    struct pl_registry *reg = load();
    struct pl_label l;
    pl_label_choose(reg, PL_PROTO_TCP, false, 8080, 80, &l);
    cr_assert_eq(l.basis, PL_BASIS_PORT_ORDER);
    cr_assert_eq(l.service_port, 80);
    pl_registry_free(reg);
}

Test(label, reserved_and_unauthorized_are_not_assigned)
{
    struct pl_registry *reg = load();
    struct pl_label l;
    pl_label_choose(reg, PL_PROTO_TCP, false, 1023, 2000, &l);
    cr_assert_eq(l.basis, PL_BASIS_PORT_ORDER);
    cr_assert_eq(l.service_port, 1023);
    cr_assert_eq(l.status, PL_STATUS_RESERVED);
    cr_assert_not(pl_label_is_unauthorized(&l));

    pl_label_choose(reg, PL_PROTO_TCP, false, 40000, 100, &l);
    cr_assert_eq(l.basis, PL_BASIS_PORT_ORDER);
    cr_assert_eq(l.service_port, 100);
    cr_assert_eq(l.status, PL_STATUS_UNASSIGNED);
    cr_assert(pl_label_is_unauthorized(&l));
    cr_assert_str_eq(l.entry->unauthorized, "Known Unauthorized Use on port 100");
    pl_registry_free(reg);
}

Test(label, equal_ports_use_that_port)
{
    struct pl_label l;
    pl_label_choose(NULL, PL_PROTO_UDP, false, 5000, 5000, &l);
    cr_assert_eq(l.basis, PL_BASIS_PORT_ORDER);
    cr_assert_eq(l.service_port, 5000);
}

Test(label, no_registry_means_no_row_covers_any_port)
{
    struct pl_label l;
    pl_label_choose(NULL, PL_PROTO_TCP, false, 443, 50000, &l);
    cr_assert_eq(l.basis, PL_BASIS_PORT_ORDER);
    cr_assert_eq(l.service_port, 443);
    cr_assert_null(l.entry);
    cr_assert_eq(l.status, PL_STATUS_UNASSIGNED);
    cr_assert_not(pl_label_is_unauthorized(&l));
    pl_label_choose(NULL, PL_PROTO_TCP, true, 443, 50000, &l);
    cr_assert_eq(l.basis, PL_BASIS_HANDSHAKE);
    cr_assert_eq(l.service_port, 50000);
}

Test(label, for_port_fills_the_entry_and_keeps_the_basis)
{
    struct pl_registry *reg = load();
    struct pl_label l;
    pl_label_for_port(reg, PL_PROTO_TCP, 80, PL_BASIS_HANDSHAKE, &l);
    cr_assert_eq(l.basis, PL_BASIS_HANDSHAKE);
    cr_assert_str_eq(l.entry->service, "http");
    cr_assert_eq(l.entry->alias_count, 1);
    cr_assert_str_eq(l.entry->aliases[0], "www");
    pl_registry_free(reg);
}

Test(label, port_classes_follow_rfc6335)
{
    cr_assert_eq(pl_port_class_of(0), PL_CLASS_SYSTEM);
    cr_assert_eq(pl_port_class_of(1023), PL_CLASS_SYSTEM);
    cr_assert_eq(pl_port_class_of(1024), PL_CLASS_USER);
    cr_assert_eq(pl_port_class_of(49151), PL_CLASS_USER);
    cr_assert_eq(pl_port_class_of(49152), PL_CLASS_DYNAMIC);
    cr_assert_eq(pl_port_class_of(65535), PL_CLASS_DYNAMIC);
    cr_assert_str_eq(pl_port_class_name(PL_CLASS_SYSTEM), "system");
    cr_assert_str_eq(pl_port_class_name(PL_CLASS_USER), "user");
    cr_assert_str_eq(pl_port_class_name(PL_CLASS_DYNAMIC), "dynamic");
}

Test(label, basis_names)
{
    cr_assert_str_eq(pl_basis_name(PL_BASIS_HANDSHAKE), "handshake");
    cr_assert_str_eq(pl_basis_name(PL_BASIS_REGISTRY), "registry");
    cr_assert_str_eq(pl_basis_name(PL_BASIS_PORT_ORDER), "port-order");
}
