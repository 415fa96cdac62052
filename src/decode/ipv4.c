/* src/decode/ipv4.c — placeholder until the module lands. */
extern int pl_placeholder_ipv4;
int pl_placeholder_ipv4;
