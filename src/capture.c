/* src/capture.c — placeholder until the module lands. */
extern int pl_placeholder_capture;
int pl_placeholder_capture;
