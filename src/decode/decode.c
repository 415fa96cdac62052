/* src/decode/decode.c — placeholder until the module lands. */
extern int pl_placeholder_decode;
int pl_placeholder_decode;
