/* src/output/audit.c — placeholder until the module lands. */
extern int pl_placeholder_audit;
int pl_placeholder_audit;
