/* src/decode/ipv6.c — placeholder until the module lands. */
extern int pl_placeholder_ipv6;
int pl_placeholder_ipv6;
