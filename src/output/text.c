/* src/output/text.c — placeholder until the module lands. */
extern int pl_placeholder_text;
int pl_placeholder_text;
