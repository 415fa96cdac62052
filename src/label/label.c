/* src/label/label.c — placeholder until the module lands. */
extern int pl_placeholder_label;
int pl_placeholder_label;
