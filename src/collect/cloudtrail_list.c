/* Lists of CloudTrail files: walking directories for them, scanning a list and the JSON answer,
 * shared by `isms logs scan` and the web app's log upload. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "collect/cloudtrail_pool.h"
#include "util/arena.h"
#include "util/json.h"

static int files_push(cloudtrail_files *f, const char *path, uint64_t size, isms_err *e)
{
    if (f->n == f->cap) {
        size_t ncap = f->cap ? f->cap * 2 : 64;
        char **p = realloc(f->paths, ncap * sizeof *p);
        if (!p)
            return err_set(e, ISMS_ENOMEM, "out of memory listing files");
        f->paths = p;
        f->cap = ncap;
    }
    if (!(f->paths[f->n] = strdup(path)))
        return err_set(e, ISMS_ENOMEM, "out of memory listing files");
    f->n++;
    f->bytes += size;
    return ISMS_OK;
}

static int has_log_ext(const char *name)
{
    size_t n = strlen(name);
    return (n > 5 && !strcasecmp(name + n - 5, ".json")) ||
           (n > 8 && !strcasecmp(name + n - 8, ".json.gz"));
}

static int not_dots(const struct dirent *d)
{
    return strcmp(d->d_name, ".") != 0 && strcmp(d->d_name, "..") != 0;
}

/* Sorted, so a scan reads files in the same order everywhere. A directory that cannot be opened
 * is listed itself, so the scan reports it as a failed file. */
static int walk(const char *dir, cloudtrail_files *f, isms_err *e, int depth)
{
    struct dirent **names;
    int n = depth < 64 ? scandir(dir, &names, not_dots, alphasort) : -1;
    if (n < 0)
        return files_push(f, dir, 0, e);
    int rc = ISMS_OK;
    for (int i = 0; i < n; i++) {
        const char *name = names[i]->d_name;
        size_t plen = strlen(dir) + strlen(name) + 2;
        char *path = rc == ISMS_OK ? malloc(plen) : NULL;
        struct stat st;
        if (rc == ISMS_OK && !path)
            rc = err_set(e, ISMS_ENOMEM, "out of memory listing files");
        if (path) {
            snprintf(path, plen, "%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/", name);
            /* lstat: a symlinked directory could make a loop; symlinked files are followed */
            int ok = lstat(path, &st) == 0;
            if (ok && S_ISDIR(st.st_mode))
                rc = walk(path, f, e, depth + 1);
            else if (ok && has_log_ext(name) && (S_ISREG(st.st_mode) || (S_ISLNK(st.st_mode) &&
                                                 stat(path, &st) == 0 && S_ISREG(st.st_mode))))
                rc = files_push(f, path, (uint64_t)st.st_size, e);
        }
        free(path);
        free(names[i]);
    }
    free(names);
    return rc;
}

int cloudtrail_list_files(const char *path, cloudtrail_files *f, isms_err *e)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return err_set(e, errno == ENOENT || errno == ENOTDIR ? ISMS_ENOTFOUND : ISMS_EIO,
                       "%s: %s", path, strerror(errno));
    if (S_ISDIR(st.st_mode))
        return walk(path, f, e, 0);
    return files_push(f, path, (uint64_t)st.st_size, e);
}

void cloudtrail_files_free(cloudtrail_files *f)
{
    for (size_t i = 0; i < f->n; i++)
        free(f->paths[i]);
    free(f->paths);
    memset(f, 0, sizeof *f);
}

static int scan_one_file(void *ud, int worker, cloudtrail_scan *s, const char *path, uint64_t size, isms_err *e)
{
    return cloudtrail_scan_file(s, path, e);
}

size_t cloudtrail_scan_list(cloudtrail_scan *s, const cloudtrail_files *f, arena *a, cloudtrail_failed **failed,
                            void (*after_file)(void *ud, const char *path), void *ud)
{
    int jobs = s->o.jobs;
    if ((size_t)jobs > f->n)
        jobs = (int)f->n;
    ct_pool *p = jobs > 1 ? ct_pool_start(s, jobs, scan_one_file, NULL, after_file, ud) : NULL;
    if (p) {
        size_t i = 0;
        while (i < f->n && ct_pool_add(p, f->paths[i], UINT64_MAX) == 0)
            i++;
        size_t nfailed = ct_pool_finish(p, a, failed, NULL);
        if (i == f->n)
            return nfailed;
        /* out of memory queueing the list: the rest in this thread, after the pool's */
        cloudtrail_files rest = {f->paths + i, f->n - i, f->n - i, 0};
        int saved = s->o.jobs;
        s->o.jobs = 1;
        cloudtrail_failed *more;
        size_t nmore = cloudtrail_scan_list(s, &rest, a, &more, after_file, ud);
        s->o.jobs = saved;
        cloudtrail_failed *all = arena_alloc(a, (nfailed + nmore + 1) * sizeof *all);
        memcpy(all, *failed, nfailed * sizeof *all);
        memcpy(all + nfailed, more, nmore * sizeof *all);
        *failed = all;
        return nfailed + nmore;
    }
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
