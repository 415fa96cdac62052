/* src/output/text.c — placeholder: the text table lands next. */
#include "output/output_int.h"

static int
text_begin(struct pl_sink *s, struct pl_err *err)
{
    (void)s;
    (void)err;
    return 0;
}

static int
text_flow(struct pl_sink *s, const struct pl_flow *f, struct pl_err *err)
{
    (void)f;
    return pl_sink_record_done(s, err);
}

static int
text_audit(struct pl_sink *s, const struct pl_audit_row *r, struct pl_err *err)
{
    (void)r;
    return pl_sink_record_done(s, err);
}

static int
text_end(struct pl_sink *s, const struct pl_summary *sum, struct pl_err *err)
{
    (void)sum;
    return pl_sink_finish(s, err);
}

static void
text_destroy(struct pl_sink *s)
{
    (void)s;
}

static const struct pl_sink_ops text_ops = {
    .begin = text_begin,
    .flow = text_flow,
    .audit = text_audit,
    .end = text_end,
    .destroy = text_destroy,
};

int
pl_sink_text_init(struct pl_sink *s, struct pl_err *err)
{
    (void)err;
    s->ops = &text_ops;
    return 0;
}

void
pl_summary_write_text(FILE *out, const struct pl_summary *sum)
{
    (void)out;
    (void)sum;
}
