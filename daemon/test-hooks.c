/* Test-only hooks on the daemon's disks; see test-hooks.h. */
#include "config.h"

#include "daemon/test-hooks.h"
#include "storage/layers/fault.h"
#include "storage/layers/recorder.h"

struct VdDiskHooks {
    char *name;             /* DOMAIN-TARGET, for messages */
    VdRecorder *recorder;
    VdFault *fault;
};

/* file layer -> fault -> recorder -> the real engine. */
static VdEngine *
hooks_wrap(VdEngine *inner, void *data)
{
    VdDiskHooks *h = data;
    VdEngine *e = inner;

    if (h->recorder)
        e = vd_recorder_wrap(e, h->recorder);
    if (h->fault)
        e = vd_fault_wrap(e, h->fault);
    return e;
}

gboolean
vd_disk_hooks_new(const VdDaemon *daemon, const char *domain,
                  const char *target, VdDiskConfig *cfg, VdDiskHooks **out,
                  GError **error)
{
    VdDiskHooks *h;

    *out = NULL;
    if (!daemon->test_recorder_dir && !daemon->test_faults)
        return TRUE;
    h = g_new0(VdDiskHooks, 1);
    h->name = g_strdup_printf("%s-%s", domain, target);
    if (daemon->test_recorder_dir) {
        g_autofree char *file = g_strconcat(h->name, ".log", NULL);
        g_autofree char *path = g_build_filename(daemon->test_recorder_dir,
                                                 file, NULL);

        h->recorder = vd_recorder_new(path, error);
        if (!h->recorder) {
            vd_disk_hooks_free(h);
            return FALSE;
        }
        g_message("disk %s: recording its writes in %s", h->name, path);
    }
    if (daemon->test_faults)
        h->fault = vd_fault_new(daemon->test_faults);
    cfg->engine_wrap = hooks_wrap;
    cfg->engine_wrap_data = h;
    *out = h;
    return TRUE;
}

void
vd_disk_hooks_free(VdDiskHooks *h)
{
    if (!h)
        return;
    if (h->recorder) {
        int ret = vd_recorder_free(h->recorder);

        if (ret < 0)
            g_warning("disk %s: the write log is incomplete: %s", h->name,
                      g_strerror(-ret));
    }
    vd_fault_free(h->fault);
    g_free(h->name);
    g_free(h);
}
