/* src/label/registry.c — placeholder until the module lands. */
extern int pl_placeholder_registry;
int pl_placeholder_registry;
