/* src/output/lookup.c — placeholder until the module lands. */
extern int pl_placeholder_lookup;
int pl_placeholder_lookup;
