/* src/main.c — command line (placeholder). */
int
main(void)
{
    return 0;
}
