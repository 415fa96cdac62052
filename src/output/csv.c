/* src/output/csv.c — placeholder until the module lands. */
extern int pl_placeholder_csv;
int pl_placeholder_csv;
