/* Scanning a list of CloudTrail files and the JSON answer, shared by `isms logs scan` and the
 * web app's log upload. */
#include <string.h>

#include "collect/cloudtrail.h"
#include "util/arena.h"
#include "util/json.h"

size_t cloudtrail_scan_list(cloudtrail_scan *s, const cloudtrail_files *f, arena *a, cloudtrail_failed **failed,
                            void (*after_file)(void *ud, const char *path), void *ud)
{
    cloudtrail_failed *out = arena_alloc(a, (f->n ? f->n : 1) * sizeof *out);
    size_t nfailed = 0;
    for (size_t i = 0; i < f->n; i++) {
        uint64_t before = cloudtrail_scan_events(s);
        isms_err err = {0};
        if (cloudtrail_scan_file(s, f->paths[i], &err) != ISMS_OK) {
            out[nfailed].file = arena_strdup(a, f->paths[i]);
            out[nfailed].events = cloudtrail_scan_events(s) - before;
            out[nfailed++].error = arena_strdup(a, err.msg);
        }
        if (after_file)
            after_file(ud, f->paths[i]);
    }
    *failed = out;
    return nfailed;
}

void cloudtrail_json(jw *j, cloudtrail_scan *s, size_t files_scanned, const cloudtrail_failed *failed,
                     size_t nfailed)
{
    const cloudtrail_finding *f;
    size_t nf = cloudtrail_scan_findings(s, &f);
    jw_obj(j);
    jw_kint(j, "files_scanned", (int64_t)files_scanned);
    jw_key(j, "files_failed");
    jw_arr(j);
    for (size_t i = 0; i < nfailed; i++) {
        jw_obj(j);
        jw_kstr(j, "file", failed[i].file);
        jw_kstr(j, "error", failed[i].error);
        jw_obj_end(j);
    }
    jw_arr_end(j);
    jw_kint(j, "events", (int64_t)cloudtrail_scan_events(s));
    jw_key(j, "findings");
    jw_arr(j);
    for (size_t i = 0; i < nf; i++) {
        jw_obj(j);
        jw_kstr(j, "rule", f[i].rule);
        jw_kstr(j, "principal", f[i].principal);
        jw_kstr(j, "source_ip", f[i].source_ip);
        jw_kstr(j, "region", f[i].region);
        jw_kint(j, "count", (int64_t)f[i].count);
        jw_kstr(j, "first_seen", f[i].first_seen);
        jw_kstr(j, "last_seen", f[i].last_seen);
        jw_kstr(j, "event_name", f[i].event_name);
        jw_obj_end(j);
    }
    jw_arr_end(j);
    jw_obj_end(j);
}
