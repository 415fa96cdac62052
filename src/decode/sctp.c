/* src/decode/sctp.c — placeholder until the module lands. */
extern int pl_placeholder_sctp;
int pl_placeholder_sctp;
