/* src/decode/ppp.c — placeholder until the module lands. */
extern int pl_placeholder_ppp;
int pl_placeholder_ppp;
