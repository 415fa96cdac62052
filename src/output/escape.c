/* src/output/escape.c — placeholder until the module lands. */
extern int pl_placeholder_escape;
int pl_placeholder_escape;
