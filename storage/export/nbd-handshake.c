/* The NBD handshake state machine; see nbd-handshake.h for the contract. */
#include "config.h"

#include <string.h>

#include "storage/export/nbd-handshake.h"
#include "storage/export/nbd-policy.h"

typedef enum {
    ST_CLIENT_FLAGS,
    ST_OPTION_HEADER,
    ST_OPTION_DATA,
    ST_SKIP_DATA,      /* dropping option data, then sending skip_reply */
    ST_DONE,
} State;

struct VdNbdHandshake {
    const VdNbdExportInfo *info;
    State state;
    bool no_zeroes;
    bool structured;

    VdNbdOptionHeader opt;
    /* ST_SKIP_DATA: the reply to send once the data is gone; 0 to close. */
    uint32_t skip_reply;
    const char *skip_message;

    uint8_t buf[VD_NBD_OPTION_DATA_MAX];
};

/* What we offer in the greeting; the client may only echo these. */
#define SERVER_FLAGS (VD_NBD_FLAG_FIXED_NEWSTYLE | VD_NBD_FLAG_NO_ZEROES)

VdNbdHandshake *
vd_nbd_handshake_new(const VdNbdExportInfo *info, GByteArray *out)
{
    VdNbdHandshake *h = g_new0(VdNbdHandshake, 1);
    uint8_t greeting[VD_NBD_GREETING_LEN];

    h->info = info;
    h->state = ST_CLIENT_FLAGS;
    g_byte_array_append(out, greeting, vd_nbd_encode_greeting(greeting, SERVER_FLAGS));
    return h;
}

void
vd_nbd_handshake_free(VdNbdHandshake *h)
{
    g_free(h);
}

bool
vd_nbd_handshake_structured(const VdNbdHandshake *h)
{
    return h->structured;
}

void
vd_nbd_handshake_want(const VdNbdHandshake *h, uint8_t **buf, size_t *len)
{
    switch (h->state) {
    case ST_CLIENT_FLAGS:
        *buf = (uint8_t *)h->buf;
        *len = VD_NBD_CLIENT_FLAGS_LEN;
        return;
    case ST_OPTION_HEADER:
        *buf = (uint8_t *)h->buf;
        *len = VD_NBD_OPTION_HEADER_LEN;
        return;
    case ST_OPTION_DATA:
        *buf = (uint8_t *)h->buf;
        *len = h->opt.length;
        return;
    case ST_SKIP_DATA:
        *buf = NULL;
        *len = h->opt.length;
        return;
    case ST_DONE:
        break;
    }
    g_assert_not_reached();
}

/* An option reply with an optional message (errors) as its data. */
static void
reply(VdNbdHandshake *h, GByteArray *out, uint32_t type, const char *message)
{
    uint8_t hdr[VD_NBD_OPTION_REPLY_HEADER_LEN];
    size_t mlen = message ? strlen(message) : 0;

    g_byte_array_append(out, hdr, vd_nbd_encode_option_reply(hdr, h->opt.option,
                                                             type, mlen));
    if (mlen)
        g_byte_array_append(out, (const guint8 *)message, mlen);
}

/* An option reply whose data is @a followed by @b. */
static void
reply2(VdNbdHandshake *h, GByteArray *out, uint32_t type, const void *a, size_t alen,
       const void *b, size_t blen)
{
    uint8_t hdr[VD_NBD_OPTION_REPLY_HEADER_LEN];

    g_byte_array_append(out, hdr, vd_nbd_encode_option_reply(hdr, h->opt.option, type,
                                                             alen + blen));
    g_byte_array_append(out, a, alen);
    if (blen)
        g_byte_array_append(out, b, blen);
}

static bool
name_matches(const VdNbdHandshake *h, const char *name, uint32_t len)
{
    /* The empty name is the spec's "default export": ours is the only one. */
    return len == 0 ||
           (len == strlen(h->info->name) && memcmp(name, h->info->name, len) == 0);
}

static VdNbdHandshakeResult
opt_export_name(VdNbdHandshake *h, GByteArray *out)
{
    uint8_t r[VD_NBD_EXPORT_NAME_REPLY_MAX];

    /* This option has no error reply: an unknown name can only be closed. */
    if (!name_matches(h, (const char *)h->buf, h->opt.length))
        return VD_NBD_HS_CLOSE;
    g_byte_array_append(out, r, vd_nbd_encode_export_name_reply(r, h->info->size,
                                                                h->info->tflags,
                                                                h->no_zeroes));
    return VD_NBD_HS_TRANSMISSION;
}

static void
opt_list(VdNbdHandshake *h, GByteArray *out)
{
    uint8_t len[4];
    const char *name = h->info->name;
    const char *desc = h->info->description ? h->info->description : "";
    g_autofree char *tail = g_strconcat(name, desc, NULL);

    if (h->opt.length != 0) {
        reply(h, out, VD_NBD_REP_ERR_INVALID, "LIST takes no data");
        return;
    }
    /* NBD_REP_SERVER: u32 name length, name, then the description. */
    reply2(h, out, VD_NBD_REP_SERVER, len,
           vd_nbd_encode_rep_server_name_len(len, strlen(name)), tail, strlen(tail));
    reply(h, out, VD_NBD_REP_ACK, NULL);
}

static bool
info_requested(const VdNbdInfoRequest *req, uint16_t type)
{
    for (uint16_t i = 0; i < req->n_requests; i++)
        if (vd_nbd_info_request_type(req, i) == type)
            return true;
    return false;
}

static void
info_string(VdNbdHandshake *h, GByteArray *out, uint16_t type, const char *s)
{
    uint8_t t[2];

    reply2(h, out, VD_NBD_REP_INFO, t, vd_nbd_encode_info_string_type(t, type),
           s, strlen(s));
}

/* INFO and GO: true when the reply ended in ACK. */
static bool
opt_info(VdNbdHandshake *h, GByteArray *out)
{
    VdNbdInfoRequest req;
    uint8_t item[VD_NBD_INFO_BLOCK_SIZE_LEN];
    const VdNbdExportInfo *info = h->info;

    if (vd_nbd_parse_info_request(h->buf, h->opt.length, &req) < 0) {
        reply(h, out, VD_NBD_REP_ERR_INVALID, "malformed INFO/GO request");
        return false;
    }
    if (!name_matches(h, req.name, req.name_len)) {
        reply(h, out, VD_NBD_REP_ERR_UNKNOWN, "no such export");
        return false;
    }
    reply2(h, out, VD_NBD_REP_INFO, item,
           vd_nbd_encode_info_export(item, info->size, info->tflags), NULL, 0);
    /*
     * Block sizes go to every client, asked or not (clients ignore what
     * they did not ask for): our maximum is below the spec's default of
     * "unlimited", and the spec wants non-default limits announced.
     */
    reply2(h, out, VD_NBD_REP_INFO, item,
           vd_nbd_encode_info_block_size(item, info->block_min, info->block_preferred,
                                         info->block_max), NULL, 0);
    if (info_requested(&req, VD_NBD_INFO_NAME))
        info_string(h, out, VD_NBD_INFO_NAME, info->name);
    if (info->description && info_requested(&req, VD_NBD_INFO_DESCRIPTION))
        info_string(h, out, VD_NBD_INFO_DESCRIPTION, info->description);
    reply(h, out, VD_NBD_REP_ACK, NULL);
    return true;
}

static void
opt_structured_reply(VdNbdHandshake *h, GByteArray *out)
{
    if (h->opt.length != 0) {
        reply(h, out, VD_NBD_REP_ERR_INVALID, "STRUCTURED_REPLY takes no data");
        return;
    }
    h->structured = true;
    reply(h, out, VD_NBD_REP_ACK, NULL);
}

/* The option's data is in h->buf. */
static VdNbdHandshakeResult
process_option(VdNbdHandshake *h, GByteArray *out)
{
    h->state = ST_OPTION_HEADER;
    switch (h->opt.option) {
    case VD_NBD_OPT_EXPORT_NAME:
        return opt_export_name(h, out);
    case VD_NBD_OPT_LIST:
        opt_list(h, out);
        return VD_NBD_HS_CONTINUE;
    case VD_NBD_OPT_INFO:
        opt_info(h, out);
        return VD_NBD_HS_CONTINUE;
    case VD_NBD_OPT_GO:
        return opt_info(h, out) ? VD_NBD_HS_TRANSMISSION : VD_NBD_HS_CONTINUE;
    case VD_NBD_OPT_STRUCTURED_REPLY:
        opt_structured_reply(h, out);
        return VD_NBD_HS_CONTINUE;
    }
    g_assert_not_reached();
}

/* Options whose data we read and act on; the rest is skipped. */
static bool
option_known(uint32_t option)
{
    switch (option) {
    case VD_NBD_OPT_EXPORT_NAME:
    case VD_NBD_OPT_LIST:
    case VD_NBD_OPT_INFO:
    case VD_NBD_OPT_GO:
    case VD_NBD_OPT_STRUCTURED_REPLY:
        return true;
    default:
        return false;
    }
}

static void
skip(VdNbdHandshake *h, uint32_t reply_type, const char *message)
{
    h->state = ST_SKIP_DATA;
    h->skip_reply = reply_type;
    h->skip_message = message;
}

static VdNbdHandshakeResult
option_header(VdNbdHandshake *h, GByteArray *out)
{
    if (vd_nbd_decode_option_header(h->buf, &h->opt) < 0)
        return VD_NBD_HS_CLOSE;
    /* Skipping costs no memory, but a client could make us read forever. */
    if (h->opt.length > VD_NBD_DISCARD_MAX)
        return VD_NBD_HS_CLOSE;

    if (h->opt.option == VD_NBD_OPT_ABORT) {
        /* Data is to be ignored; the client closes after our ACK. */
        skip(h, VD_NBD_REP_ACK, NULL);
    } else if (!option_known(h->opt.option)) {
        skip(h, VD_NBD_REP_ERR_UNSUP, "option not supported");
    } else if (h->opt.length > VD_NBD_OPTION_DATA_MAX) {
        /* EXPORT_NAME cannot be answered with an error: close after skipping. */
        skip(h, h->opt.option == VD_NBD_OPT_EXPORT_NAME ? 0 : VD_NBD_REP_ERR_TOO_BIG,
             "option data too large");
    } else {
        h->state = ST_OPTION_DATA;
    }
    /* Nothing to read: act now, since want() never asks for 0 bytes. */
    if (h->opt.length == 0)
        return vd_nbd_handshake_advance(h, out);
    return VD_NBD_HS_CONTINUE;
}

static VdNbdHandshakeResult
skipped(VdNbdHandshake *h, GByteArray *out)
{
    h->state = ST_OPTION_HEADER;
    if (h->skip_reply == 0)
        return VD_NBD_HS_CLOSE;
    reply(h, out, h->skip_reply, h->skip_message);
    return h->opt.option == VD_NBD_OPT_ABORT ? VD_NBD_HS_CLOSE : VD_NBD_HS_CONTINUE;
}

VdNbdHandshakeResult
vd_nbd_handshake_advance(VdNbdHandshake *h, GByteArray *out)
{
    VdNbdHandshakeResult r = VD_NBD_HS_CLOSE;

    switch (h->state) {
    case ST_CLIENT_FLAGS: {
        uint32_t flags = vd_nbd_decode_client_flags(h->buf);

        /* The spec: unknown flags, or flags we did not offer, drop the link. */
        if (flags & ~(uint32_t)SERVER_FLAGS)
            break;
        h->no_zeroes = flags & VD_NBD_FLAG_C_NO_ZEROES;
        h->state = ST_OPTION_HEADER;
        return VD_NBD_HS_CONTINUE;
    }
    case ST_OPTION_HEADER:
        r = option_header(h, out);
        break;
    case ST_OPTION_DATA:
        r = process_option(h, out);
        break;
    case ST_SKIP_DATA:
        r = skipped(h, out);
        break;
    case ST_DONE:
        g_assert_not_reached();
    }
    if (r != VD_NBD_HS_CONTINUE)
        h->state = ST_DONE;
    return r;
}
