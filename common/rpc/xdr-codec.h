/*
 * XDR (RFC 4506) encoding and decoding, the subset libvirt's RPC uses.
 *
 * Hand-written rather than generated: the protocol needs a dozen types,
 * and a reader of our own bounds every length against the message before
 * it allocates, so a hostile peer cannot make us allocate what it did not
 * send. Every value is big-endian and padded to 4 bytes.
 *
 * Reading is sticky: the first failure (short input, a length over its
 * maximum, a string with a NUL) marks the reader failed and every later
 * get returns zero or NULL, so a decoder reads a whole structure and
 * checks vd_xdr_reader_ok() once. Strings and opaques are returned newly
 * allocated (g_free). Writing appends to a GByteArray and cannot fail.
 */
#ifndef VD_RPC_XDR_CODEC_H
#define VD_RPC_XDR_CODEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <glib.h>

typedef struct {
    const uint8_t *data;
    size_t len;
    size_t pos;
    bool failed;
} VdXdrReader;

void vd_xdr_reader_init(VdXdrReader *r, const void *data, size_t len);
/* True while nothing has failed. */
bool vd_xdr_reader_ok(const VdXdrReader *r);
/* True when nothing failed and every byte was consumed. */
bool vd_xdr_reader_done(const VdXdrReader *r);
/* Bytes not read yet. */
size_t vd_xdr_reader_remaining(const VdXdrReader *r);

uint32_t vd_xdr_get_u32(VdXdrReader *r);
int32_t vd_xdr_get_i32(VdXdrReader *r);
uint64_t vd_xdr_get_u64(VdXdrReader *r);
int64_t vd_xdr_get_i64(VdXdrReader *r);
double vd_xdr_get_double(VdXdrReader *r);
/* XDR bool: 0 or 1; anything else fails the reader. */
bool vd_xdr_get_bool(VdXdrReader *r);
/* string<max>: NUL-terminated copy; fails on length > max or a NUL byte. */
char *vd_xdr_get_string(VdXdrReader *r, uint32_t max);
/* Optional string (string *): NULL when absent or on failure. */
char *vd_xdr_get_opt_string(VdXdrReader *r, uint32_t max);
/* opaque[n]: exactly n bytes (plus padding) into out. */
void vd_xdr_get_fixed_opaque(VdXdrReader *r, void *out, size_t n);
/* opaque<max>: a copy, never NULL unless the reader failed. */
GBytes *vd_xdr_get_opaque(VdXdrReader *r, uint32_t max);
/* Array length of T x<max>: fails when over max or when even the smallest
 * element (min_elem_size bytes) could not fit in what is left. */
uint32_t vd_xdr_get_array_len(VdXdrReader *r, uint32_t max, size_t min_elem_size);

void vd_xdr_put_u32(GByteArray *w, uint32_t v);
void vd_xdr_put_i32(GByteArray *w, int32_t v);
void vd_xdr_put_u64(GByteArray *w, uint64_t v);
void vd_xdr_put_i64(GByteArray *w, int64_t v);
void vd_xdr_put_double(GByteArray *w, double v);
void vd_xdr_put_bool(GByteArray *w, bool v);
void vd_xdr_put_string(GByteArray *w, const char *s);
void vd_xdr_put_opt_string(GByteArray *w, const char *s);
void vd_xdr_put_fixed_opaque(GByteArray *w, const void *data, size_t n);
void vd_xdr_put_opaque(GByteArray *w, const void *data, size_t n);

#endif /* VD_RPC_XDR_CODEC_H */
