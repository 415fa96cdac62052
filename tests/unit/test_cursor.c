/* tests/unit/test_cursor.c — the bounds-checked cursor: sticky failure, no partial reads. */
#include <criterion/criterion.h>

#include "portlabel/cursor.h"

static const uint8_t bytes[] = {0x12, 0x34, 0x56, 0x78, 0x9a};

Test(cursor, reads_big_and_little_endian)
{
    struct pl_cursor c = pl_cur_make(bytes, sizeof bytes);
    cr_assert_eq(pl_cur_be16(&c), 0x1234);
    cr_assert_eq(pl_cur_le16(&c), 0x7856);
    cr_assert_eq(pl_cur_u8(&c), 0x9a);
    cr_assert_eq(c.left, 0);
    cr_assert(!pl_cur_failed(&c));

    c = pl_cur_make(bytes, sizeof bytes);
    cr_assert_eq(pl_cur_be32(&c), 0x12345678u);
    c = pl_cur_make(bytes, sizeof bytes);
    cr_assert_eq(pl_cur_le32(&c), 0x78563412u);
}

Test(cursor, failed_read_consumes_nothing_and_sticks)
{
    struct pl_cursor c = pl_cur_make(bytes, 3);
    cr_assert_eq(pl_cur_be32(&c), 0);
    cr_assert(pl_cur_failed(&c));
    cr_assert_eq(c.left, 3);
    /* Sticky: a read that would fit now fails too. */
    cr_assert_eq(pl_cur_u8(&c), 0);
    cr_assert_eq(c.left, 3);
}

Test(cursor, skip_and_peek_check_counts)
{
    struct pl_cursor c = pl_cur_make(bytes, sizeof bytes);
    cr_assert(pl_cur_skip(&c, 4));
    cr_assert_eq(pl_cur_peek_u8(&c, 0), 0x9a);
    cr_assert_eq(c.left, 1);
    cr_assert_eq(pl_cur_peek_u8(&c, 1), 0);
    cr_assert(pl_cur_failed(&c));

    c = pl_cur_make(bytes, sizeof bytes);
    cr_assert(!pl_cur_skip(&c, SIZE_MAX));
    cr_assert_eq(c.left, sizeof bytes);
    c = pl_cur_make(bytes, sizeof bytes);
    cr_assert_eq(pl_cur_peek_u8(&c, SIZE_MAX), 0);
    cr_assert(pl_cur_failed(&c));
}

Test(cursor, clamp_only_shrinks)
{
    struct pl_cursor c = pl_cur_make(bytes, sizeof bytes);
    pl_cur_clamp(&c, 100);
    cr_assert_eq(c.left, sizeof bytes);
    pl_cur_clamp(&c, 2);
    cr_assert_eq(c.left, 2);
    cr_assert_eq(pl_cur_be16(&c), 0x1234);
    cr_assert_eq(pl_cur_u8(&c), 0);
    cr_assert(pl_cur_failed(&c));
}

Test(cursor, copy_zero_fills_on_failure)
{
    uint8_t dst[4] = {1, 1, 1, 1};
    struct pl_cursor c = pl_cur_make(bytes, 2);
    cr_assert(!pl_cur_copy(&c, dst, sizeof dst));
    for (size_t i = 0; i < sizeof dst; i++)
        cr_assert_eq(dst[i], 0);
}

Test(cursor, split_carves_a_sub_cursor)
{
    struct pl_cursor c = pl_cur_make(bytes, sizeof bytes);
    struct pl_cursor sub;
    cr_assert(pl_cur_split(&c, 2, &sub));
    cr_assert_eq(sub.left, 2);
    cr_assert_eq(c.left, 3);
    cr_assert_eq(pl_cur_be16(&sub), 0x1234);
    cr_assert(!pl_cur_split(&c, 4, &sub));
    cr_assert(pl_cur_failed(&sub));
    cr_assert_eq(sub.left, 0);
}

Test(cursor, null_buffer_has_nothing_to_read)
{
    struct pl_cursor c = pl_cur_make(NULL, 10);
    cr_assert_eq(c.left, 0);
    cr_assert_eq(pl_cur_u8(&c), 0);
    cr_assert(pl_cur_failed(&c));
}
