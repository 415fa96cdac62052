/* src/decode/anomaly.c — placeholder until the module lands. */
extern int pl_placeholder_anomaly;
int pl_placeholder_anomaly;
