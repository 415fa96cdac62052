/* src/flow/flow_key.c — placeholder until the module lands. */
extern int pl_placeholder_flow_key;
int pl_placeholder_flow_key;
