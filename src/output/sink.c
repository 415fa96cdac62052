/* src/output/sink.c — placeholder until the module lands. */
extern int pl_placeholder_sink;
int pl_placeholder_sink;
