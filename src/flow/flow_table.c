/* src/flow/flow_table.c — placeholder until the module lands. */
extern int pl_placeholder_flow_table;
int pl_placeholder_flow_table;
