/* src/decode/tcp.c — placeholder until the module lands. */
extern int pl_placeholder_tcp;
int pl_placeholder_tcp;
