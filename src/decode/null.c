/* src/decode/null.c — placeholder until the module lands. */
extern int pl_placeholder_null;
int pl_placeholder_null;
