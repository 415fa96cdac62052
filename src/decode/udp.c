/* src/decode/udp.c — placeholder until the module lands. */
extern int pl_placeholder_udp;
int pl_placeholder_udp;
