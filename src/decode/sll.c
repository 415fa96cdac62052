/* src/decode/sll.c — placeholder until the module lands. */
extern int pl_placeholder_sll;
int pl_placeholder_sll;
