/* src/decode/dccp.c — placeholder until the module lands. */
extern int pl_placeholder_dccp;
int pl_placeholder_dccp;
