/* Fault injection under the file layer; see fault.h. */
#include "config.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "common/util/error.h"
#include "storage/layers/fault.h"

#define ANY_OP (-1)

typedef struct {
    int op;                 /* VdReqType, or ANY_OP */
    uint64_t offset, len;   /* len 0: any range */
    uint64_t nth, count;    /* count 0: from nth on, all */
    int error;              /* positive errno */
    atomic_uint_fast64_t seen;
} Rule;

struct VdFaultRules {
    Rule *rules;
    guint n;
    atomic_uint_fast64_t injected;
};

struct VdFault {
    VdEngine base;
    VdEngine *inner;
    VdFaultRules *rules;
    VdRequestQueue failed;  /* completed by the deferred call */
    VdIothreadDefer defer;
};

static const struct {
    const char *name;
    int op;
} ops[] = {
    { "any", ANY_OP }, { "read", VD_REQ_READ }, { "write", VD_REQ_WRITE },
    { "flush", VD_REQ_FLUSH }, { "discard", VD_REQ_DISCARD },
    { "zeroes", VD_REQ_WRITE_ZEROES },
};

static const struct {
    const char *name;
    int error;
} errnos[] = {
    { "EIO", EIO }, { "ENOSPC", ENOSPC }, { "EROFS", EROFS },
    { "EDQUOT", EDQUOT }, { "ENOMEM", ENOMEM },
};

static gboolean
bad_rule(GError **err, const char *spec, const char *what)
{
    g_set_error(err, VD_ERROR_STORAGE, VD_ERR_INVALID_ARG,
                "fault rule '%s': %s", spec, what);
    return FALSE;
}

static gboolean
parse_number(const char *s, uint64_t *out)
{
    char *end;

    if (!*s || *s == '-')
        return FALSE;
    errno = 0;
    *out = strtoull(s, &end, 0);
    return errno == 0 && *end == '\0';
}

static gboolean
parse_pair(Rule *r, const char *key, const char *val)
{
    if (strcmp(key, "op") == 0) {
        for (gsize i = 0; i < G_N_ELEMENTS(ops); i++)
            if (strcmp(val, ops[i].name) == 0) {
                r->op = ops[i].op;
                return TRUE;
            }
        return FALSE;
    }
    if (strcmp(key, "errno") == 0) {
        for (gsize i = 0; i < G_N_ELEMENTS(errnos); i++)
            if (strcmp(val, errnos[i].name) == 0) {
                r->error = errnos[i].error;
                return TRUE;
            }
        return FALSE;
    }
    if (strcmp(key, "offset") == 0)
        return parse_number(val, &r->offset);
    if (strcmp(key, "len") == 0)
        return parse_number(val, &r->len) && r->len > 0;
    if (strcmp(key, "nth") == 0)
        return parse_number(val, &r->nth) && r->nth > 0;
    if (strcmp(key, "count") == 0)
        return parse_number(val, &r->count);
    return FALSE;
}

static gboolean
parse_rule(Rule *r, const char *spec, GError **err)
{
    g_auto(GStrv) pairs = g_strsplit(spec, ",", -1);

    *r = (Rule){ .op = ANY_OP, .nth = 1, .count = 1, .error = EIO };
    for (guint i = 0; pairs[i]; i++) {
        char *eq = strchr(pairs[i], '=');

        if (!eq)
            return bad_rule(err, spec, "expected key=value pairs");
        *eq = '\0';
        if (!parse_pair(r, pairs[i], eq + 1))
            return bad_rule(err, spec, "unknown key or bad value");
    }
    if (r->offset > UINT64_MAX - r->len)
        return bad_rule(err, spec, "range wraps");
    return TRUE;
}

VdFaultRules *
vd_fault_rules_new(const char *const *specs, GError **err)
{
    VdFaultRules *rules = g_new0(VdFaultRules, 1);

    rules->n = specs ? g_strv_length((char **)specs) : 0;
    rules->rules = g_new0(Rule, rules->n);
    for (guint i = 0; i < rules->n; i++) {
        if (!parse_rule(&rules->rules[i], specs[i], err)) {
            vd_fault_rules_free(rules);
            return NULL;
        }
    }
    return rules;
}

void
vd_fault_rules_free(VdFaultRules *rules)
{
    if (!rules)
        return;
    g_free(rules->rules);
    g_free(rules);
}

guint64
vd_fault_rules_injected(const VdFaultRules *rules)
{
    return atomic_load(&((VdFaultRules *)rules)->injected);
}

static bool
matches(const Rule *r, const VdRequest *req)
{
    if (r->op != ANY_OP && r->op != (int)req->type)
        return false;
    if (r->len == 0 || req->type == VD_REQ_FLUSH)
        return r->len == 0;
    return req->offset < r->offset + r->len &&
           r->offset < req->offset + req->len;
}

/* The errno @req fails with under @rules, or 0. Counts it. */
static int
fault_for(VdFaultRules *rules, const VdRequest *req)
{
    for (guint i = 0; i < rules->n; i++) {
        Rule *r = &rules->rules[i];
        uint64_t seen;

        if (!matches(r, req))
            continue;
        seen = atomic_fetch_add(&r->seen, 1) + 1;
        if (seen >= r->nth && (r->count == 0 || seen < r->nth + r->count))
            return r->error;
    }
    return 0;
}

static void
complete_failed(void *data)
{
    VdFault *f = data;
    VdRequest *req;

    while ((req = vd_request_queue_pop(&f->failed)))
        vd_engine_done(&f->base, req, req->engine_ret);
}

static void
fault_submit(VdEngine *e, VdRequest *req)
{
    VdFault *f = (VdFault *)e;
    int error = fault_for(f->rules, req);

    if (error == 0) {
        vd_engine_submit(f->inner, req);
        return;
    }
    atomic_fetch_add(&f->rules->injected, 1);
    g_message("fault injected: %s of %" G_GUINT64_FORMAT " bytes at %"
              G_GUINT64_FORMAT " fails with %s", vd_request_type_name(req->type),
              req->len, req->offset, g_strerror(error));
    /* Engines never complete inside submit. */
    req->engine_ret = -error;
    vd_request_queue_push(&f->failed, req);
    vd_iothread_defer(e->thread, &f->defer);
}

static void
inner_done(VdEngine *inner, VdRequest *req, int ret, void *opaque)
{
    VdFault *f = opaque;

    vd_engine_done(&f->base, req, ret);
}

static void
fault_engine_free(VdEngine *e)
{
    VdFault *f = (VdFault *)e;

    vd_iothread_defer_cancel(e->thread, &f->defer);
    vd_engine_free(f->inner);
    f->inner = NULL;
}

static const VdEngineOps fault_ops = {
    .name = "fault",
    .submit = fault_submit,
    .free = fault_engine_free,
};

VdFault *
vd_fault_new(VdFaultRules *rules)
{
    VdFault *f = g_new0(VdFault, 1);

    f->rules = rules;
    return f;
}

VdEngine *
vd_fault_wrap(VdEngine *inner, void *fault)
{
    VdFault *f = fault;

    g_assert(f->inner == NULL);
    f->inner = inner;
    vd_engine_wrap_init(&f->base, &fault_ops, inner, inner_done, f);
    vd_iothread_defer_init(&f->defer, complete_failed, f);
    return &f->base;
}

void
vd_fault_free(VdFault *f)
{
    if (!f)
        return;
    g_assert(f->inner == NULL);
    g_free(f);
}
