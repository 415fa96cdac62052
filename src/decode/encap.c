/* src/decode/encap.c — placeholder until the module lands. */
extern int pl_placeholder_encap;
int pl_placeholder_encap;
