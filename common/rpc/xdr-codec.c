/* XDR codec; see xdr-codec.h for the contract. */
#include "config.h"

#include <string.h>

#include "common/rpc/xdr-codec.h"

static size_t
padded(size_t n)
{
    return (n + 3) & ~(size_t)3;
}

void
vd_xdr_reader_init(VdXdrReader *r, const void *data, size_t len)
{
    r->data = data;
    r->len = len;
    r->pos = 0;
    r->failed = false;
}

bool
vd_xdr_reader_ok(const VdXdrReader *r)
{
    return !r->failed;
}

bool
vd_xdr_reader_done(const VdXdrReader *r)
{
    return !r->failed && r->pos == r->len;
}

size_t
vd_xdr_reader_remaining(const VdXdrReader *r)
{
    return r->failed ? 0 : r->len - r->pos;
}

/* The next n bytes, or NULL (and the reader failed) if there are fewer. */
static const uint8_t *
take(VdXdrReader *r, size_t n)
{
    const uint8_t *p;

    if (r->failed || n > r->len - r->pos) {
        r->failed = true;
        return NULL;
    }
    p = r->data + r->pos;
    r->pos += n;
    return p;
}

uint32_t
vd_xdr_get_u32(VdXdrReader *r)
{
    const uint8_t *p = take(r, 4);

    if (!p)
        return 0;
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
           (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

int32_t
vd_xdr_get_i32(VdXdrReader *r)
{
    return (int32_t)vd_xdr_get_u32(r);
}

uint64_t
vd_xdr_get_u64(VdXdrReader *r)
{
    uint64_t hi = vd_xdr_get_u32(r);
    uint64_t lo = vd_xdr_get_u32(r);

    return hi << 32 | lo;
}

int64_t
vd_xdr_get_i64(VdXdrReader *r)
{
    return (int64_t)vd_xdr_get_u64(r);
}

double
vd_xdr_get_double(VdXdrReader *r)
{
    uint64_t bits = vd_xdr_get_u64(r);
    double d;

    memcpy(&d, &bits, sizeof(d));
    return d;
}

bool
vd_xdr_get_bool(VdXdrReader *r)
{
    uint32_t v = vd_xdr_get_u32(r);

    if (v > 1)
        r->failed = true;
    return v == 1;
}

/* A length-prefixed byte run: its length and bytes, padding consumed. */
static const uint8_t *
take_counted(VdXdrReader *r, uint32_t max, uint32_t *len)
{
    const uint8_t *p;

    *len = vd_xdr_get_u32(r);
    if (r->failed || *len > max) {
        r->failed = true;
        return NULL;
    }
    p = take(r, padded(*len));
    return p;
}

char *
vd_xdr_get_string(VdXdrReader *r, uint32_t max)
{
    uint32_t len;
    const uint8_t *p = take_counted(r, max, &len);

    if (!p)
        return NULL;
    if (memchr(p, '\0', len)) {
        r->failed = true;
        return NULL;
    }
    return g_strndup((const char *)p, len);
}

char *
vd_xdr_get_opt_string(VdXdrReader *r, uint32_t max)
{
    if (!vd_xdr_get_bool(r))
        return NULL;
    return vd_xdr_get_string(r, max);
}

void
vd_xdr_get_fixed_opaque(VdXdrReader *r, void *out, size_t n)
{
    const uint8_t *p = take(r, padded(n));

    if (p)
        memcpy(out, p, n);
    else
        memset(out, 0, n);
}

GBytes *
vd_xdr_get_opaque(VdXdrReader *r, uint32_t max)
{
    uint32_t len;
    const uint8_t *p = take_counted(r, max, &len);

    if (!p)
        return NULL;
    return g_bytes_new(p, len);
}

uint32_t
vd_xdr_get_array_len(VdXdrReader *r, uint32_t max, size_t min_elem_size)
{
    uint32_t n = vd_xdr_get_u32(r);

    if (r->failed || n > max ||
        (min_elem_size && n > vd_xdr_reader_remaining(r) / min_elem_size)) {
        r->failed = true;
        return 0;
    }
    return n;
}

void
vd_xdr_put_u32(GByteArray *w, uint32_t v)
{
    uint8_t b[4] = { v >> 24, v >> 16, v >> 8, v };

    g_byte_array_append(w, b, 4);
}

void
vd_xdr_put_i32(GByteArray *w, int32_t v)
{
    vd_xdr_put_u32(w, (uint32_t)v);
}

void
vd_xdr_put_u64(GByteArray *w, uint64_t v)
{
    vd_xdr_put_u32(w, (uint32_t)(v >> 32));
    vd_xdr_put_u32(w, (uint32_t)v);
}

void
vd_xdr_put_i64(GByteArray *w, int64_t v)
{
    vd_xdr_put_u64(w, (uint64_t)v);
}

void
vd_xdr_put_double(GByteArray *w, double v)
{
    uint64_t bits;

    memcpy(&bits, &v, sizeof(bits));
    vd_xdr_put_u64(w, bits);
}

void
vd_xdr_put_bool(GByteArray *w, bool v)
{
    vd_xdr_put_u32(w, v ? 1 : 0);
}

void
vd_xdr_put_fixed_opaque(GByteArray *w, const void *data, size_t n)
{
    static const uint8_t zeros[4];

    g_byte_array_append(w, data, n);
    g_byte_array_append(w, zeros, padded(n) - n);
}

void
vd_xdr_put_opaque(GByteArray *w, const void *data, size_t n)
{
    vd_xdr_put_u32(w, (uint32_t)n);
    vd_xdr_put_fixed_opaque(w, data, n);
}

void
vd_xdr_put_string(GByteArray *w, const char *s)
{
    vd_xdr_put_opaque(w, s, strlen(s));
}

void
vd_xdr_put_opt_string(GByteArray *w, const char *s)
{
    vd_xdr_put_bool(w, s != NULL);
    if (s)
        vd_xdr_put_string(w, s);
}
