/* include/portlabel/cursor.h — bounds-checked reads over untrusted bytes, with sticky failure. */
#ifndef PORTLABEL_CURSOR_H
#define PORTLABEL_CURSOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* A read window over borrowed bytes. Every read of packet bytes goes through
 * these accessors: a read that asks for more than `left` returns 0 (or false),
 * consumes nothing and sets `failed`, which stays set. Check pl_cur_failed()
 * once after a group of reads, before any value read is used. */
struct pl_cursor {
    const uint8_t *p; /* next unread byte (borrowed; never dereferenced when left == 0) */
    size_t left;      /* bytes that may still be read */
    bool failed;      /* sticky: set by the first read that asked for too much */
};

static inline struct pl_cursor
pl_cur_make(const uint8_t *p, size_t len)
{
    struct pl_cursor c = {p, p != NULL ? len : 0, false};
    return c;
}

static inline bool
pl_cur_failed(const struct pl_cursor *c)
{
    return c->failed;
}

static inline bool
pl_cur_need(struct pl_cursor *c, size_t n)
{
    if (c->failed || n > c->left) { /* compare counts, never pointers */
        c->failed = true;
        return false;
    }
    return true;
}

static inline uint8_t
pl_cur_u8(struct pl_cursor *c)
{
    if (!pl_cur_need(c, 1))
        return 0;
    uint8_t v = c->p[0];
    c->p += 1;
    c->left -= 1;
    return v;
}

static inline uint16_t
pl_cur_be16(struct pl_cursor *c)
{
    if (!pl_cur_need(c, 2))
        return 0;
    uint16_t v = (uint16_t)(c->p[0] << 8 | c->p[1]);
    c->p += 2;
    c->left -= 2;
    return v;
}

/* Little-endian 16 bits (host-order fields written by little-endian hosts). */
static inline uint16_t
pl_cur_le16(struct pl_cursor *c)
{
    if (!pl_cur_need(c, 2))
        return 0;
    uint16_t v = (uint16_t)(c->p[1] << 8 | c->p[0]);
    c->p += 2;
    c->left -= 2;
    return v;
}

static inline uint32_t
pl_cur_be32(struct pl_cursor *c)
{
    if (!pl_cur_need(c, 4))
        return 0;
    uint32_t v = (uint32_t)c->p[0] << 24 | (uint32_t)c->p[1] << 16 | (uint32_t)c->p[2] << 8 |
                 (uint32_t)c->p[3];
    c->p += 4;
    c->left -= 4;
    return v;
}

static inline uint32_t
pl_cur_le32(struct pl_cursor *c)
{
    if (!pl_cur_need(c, 4))
        return 0;
    uint32_t v = (uint32_t)c->p[3] << 24 | (uint32_t)c->p[2] << 16 | (uint32_t)c->p[1] << 8 |
                 (uint32_t)c->p[0];
    c->p += 4;
    c->left -= 4;
    return v;
}

/* Skip n bytes. Returns false (and sets failed) when fewer than n remain. */
static inline bool
pl_cur_skip(struct pl_cursor *c, size_t n)
{
    if (!pl_cur_need(c, n))
        return false;
    c->p += n;
    c->left -= n;
    return true;
}

/* Copy n bytes into dst. On failure dst is zero-filled and nothing is consumed. */
static inline bool
pl_cur_copy(struct pl_cursor *c, void *dst, size_t n)
{
    if (!pl_cur_need(c, n)) {
        memset(dst, 0, n);
        return false;
    }
    memcpy(dst, c->p, n);
    c->p += n;
    c->left -= n;
    return true;
}

/* Look at the byte `off` bytes ahead without consuming. Fails like a read. */
static inline uint8_t
pl_cur_peek_u8(struct pl_cursor *c, size_t off)
{
    if (off == SIZE_MAX) { /* off + 1 would wrap */
        c->failed = true;
        return 0;
    }
    if (!pl_cur_need(c, off + 1))
        return 0;
    return c->p[off];
}

/* Limit the cursor to at most n bytes (drops Ethernet padding, trailers). */
static inline void
pl_cur_clamp(struct pl_cursor *c, size_t n)
{
    if (c->left > n)
        c->left = n;
}

/* Split off the next n bytes as *sub and consume them from c. Fails like a read. */
static inline bool
pl_cur_split(struct pl_cursor *c, size_t n, struct pl_cursor *sub)
{
    if (!pl_cur_need(c, n)) {
        *sub = pl_cur_make(NULL, 0);
        sub->failed = true;
        return false;
    }
    *sub = pl_cur_make(c->p, n);
    c->p += n;
    c->left -= n;
    return true;
}

#endif
