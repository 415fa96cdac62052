/* src/decode/eth.c — placeholder until the module lands. */
extern int pl_placeholder_eth;
int pl_placeholder_eth;
