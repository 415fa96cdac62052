/* src/output/json.c — placeholder until the module lands. */
extern int pl_placeholder_json;
int pl_placeholder_json;
