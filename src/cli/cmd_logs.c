/* isms logs scan: security findings in CloudTrail logs, evidence for logging and monitoring
 * (A.8.15, A.8.16) and for access control (A.5.15, A.8.2, A.8.5). */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "collect/cloudtrail.h"

typedef struct scan_progress {
    uint64_t done, total; /* bytes of the files finished, of all files */
    int pct, show;
} scan_progress;

static void on_progress(void *ud, uint64_t file_bytes);

/* Advance by the file's size, not the bytes read, so gzip files count in full. Several files
 * at a time report only here (in order, one at a time), so the bar is drawn here too. */
static void file_done(void *ud, const char *path)
{
    scan_progress *p = ud;
    struct stat st;
    if (!p->show)
        return;
    p->done += stat(path, &st) == 0 ? (uint64_t)st.st_size : 0;
    on_progress(p, 0);
}

static void on_progress(void *ud, uint64_t file_bytes)
{
    scan_progress *p = ud;
    uint64_t now = p->done + file_bytes;
    if (now >= p->total)
        now = p->total - 1; /* 100% is drawn once, at the end */
    int pct = (int)(now * 100 / p->total);
    if (pct != p->pct) {
        p->pct = pct;
        cli_progress("scanning", (size_t)pct, 100);
    }
}

/* Length of the valid UTF-8 sequence at s, 0 if invalid: log fields come from attackers too
 * (failed logins carry any user name), so output is never trusted to be clean. */
static size_t utf8_len(const unsigned char *s)
{
    unsigned c = s[0], cp, n;
    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf)
        n = 2, cp = c & 0x1f;
    else if (c >= 0xe0 && c <= 0xef)
        n = 3, cp = c & 0x0f;
    else if (c >= 0xf0 && c <= 0xf4)
        n = 4, cp = c & 0x07;
    else
        return 0;
    for (unsigned i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3f);
    }
    if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
        (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return n;
}

/* s made safe for a terminal (no escape sequences), cut to width characters with "...". */
static char *text_cell(arena *a, const char *s, int width)
{
    if (!s)
        return "-";
    size_t len = strlen(s);
    char *o = arena_alloc(a, len + 4);
    const unsigned char *p = (const unsigned char *)s;
    int cols = 0;
    size_t k = 0;
    while (*p) {
        size_t n = utf8_len(p);
        if (cols == width - 3 && strlen((const char *)p) > 3) {
            int rest = 0;
            for (const unsigned char *q = p; *q; q++)
                rest += (*q & 0xc0) != 0x80;
            if (cols + rest > width) {
                memcpy(o + k, "...", 3);
                k += 3;
                break;
            }
        }
        if (!n || *p < 0x20 || *p == 0x7f) {
            o[k++] = '?';
            p++;
        } else {
            memcpy(o + k, p, n);
            k += n;
            p += n;
        }
        cols++;
    }
    o[k] = '\0';
    return o;
}

static int display_width(const char *s)
{
    int w = 0;
    for (; *s; s++)
        w += (*s & 0xc0) != 0x80;
    return w;
}

static void print_text(arena *a, size_t nfiles, size_t nfailed, uint64_t events, const cloudtrail_finding *f,
                       size_t nf)
{
    printf("CloudTrail scan: %zu file%s", nfiles, nfiles == 1 ? "" : "s");
    if (nfailed)
        printf(" (%zu could not be read, see above)", nfailed);
    printf(", %llu events, %zu finding%s\n", (unsigned long long)events, nf, nf == 1 ? "" : "s");
    if (!nf)
        return;
    enum { C_RULE, C_COUNT, C_WHO, C_IP, C_REGION, C_FIRST, C_LAST, C_EVENTS, NCOL };
    static const char *const head[NCOL] = {"RULE", "COUNT", "PRINCIPAL", "SOURCE", "REGION",
                                           "FIRST SEEN", "LAST SEEN", "EVENTS"};
    static const int maxw[NCOL] = {28, 10, 60, 40, 16, 24, 24, 48};
    int w[NCOL];
    char ***cell = arena_alloc(a, nf * sizeof *cell);
    for (int c = 0; c < NCOL; c++)
        w[c] = (int)strlen(head[c]);
    for (size_t i = 0; i < nf; i++) {
        cell[i] = arena_alloc(a, NCOL * sizeof **cell);
        const char *v[NCOL] = {f[i].rule, arena_sprintf(a, "%llu", (unsigned long long)f[i].count),
                               f[i].principal, f[i].source_ip, f[i].region, f[i].first_seen,
                               f[i].last_seen, f[i].event_name};
        for (int c = 0; c < NCOL; c++) {
            cell[i][c] = text_cell(a, v[c], maxw[c]);
            int dw = display_width(cell[i][c]);
            if (dw > w[c])
                w[c] = dw;
        }
    }
    putchar('\n');
    for (size_t i = 0; i <= nf; i++) {
        for (int c = 0; c < NCOL; c++) {
            const char *s = i == 0 ? head[c] : cell[i - 1][c];
            int pad = w[c] - display_width(s);
            if (c == C_COUNT)
                printf("%*s%s", pad, "", s);
            else if (c == NCOL - 1)
                fputs(s, stdout);
            else
                printf("%s%*s", s, pad, "");
            if (c < NCOL - 1)
                fputs("  ", stdout);
        }
        putchar('\n');
    }
}

/* One argument: a local file or directory (its files listed up front), or an s3:// URL. */
typedef struct scan_arg {
    const char *s3;
    cloudtrail_files files;
} scan_arg;

static void free_args(scan_arg *args, int n)
{
    for (int i = 0; i < n; i++)
        cloudtrail_files_free(&args[i].files);
}

/* Append n failures to the list so far (in the arena). */
static cloudtrail_failed *add_failed(arena *a, cloudtrail_failed *all, size_t nall, const cloudtrail_failed *more,
                                     size_t nmore)
{
    cloudtrail_failed *out = arena_alloc(a, (nall + nmore + 1) * sizeof *out);
    if (nall)
        memcpy(out, all, nall * sizeof *out);
    if (nmore)
        memcpy(out + nall, more, nmore * sizeof *out);
    return out;
}

static int logs_scan(cli_ctx *c)
{
    const char *json = NULL, *jobs_s = NULL;
    const cli_opt opts[] = {{"json", 0, &json}, {"jobs", 1, &jobs_s}, {NULL, 0, NULL}};
    const char **pos = arena_alloc(c->a, (size_t)c->argc * sizeof *pos);
    int npos = 0;
    int rc = cli_parse(c, opts, pos, c->argc, &npos);
    if (rc)
        return rc;
    if (!npos)
        return cli_usage_error(c, "give at least one FILE_OR_DIR or s3://BUCKET/PREFIX");
    long cores = sysconf(_SC_NPROCESSORS_ONLN), jobs = cores < 1 ? 1 : cores;
    if (jobs_s && (rc = cli_int(c, "--jobs", jobs_s, 1, 64, &jobs)) != 0)
        return rc;
    /* fetching from S3 waits on the network more than on the cores */
    long s3_jobs = jobs_s ? jobs : jobs > CLOUDTRAIL_S3_JOBS ? jobs : CLOUDTRAIL_S3_JOBS;

    /* Every local path is listed (and every URL checked) before anything is scanned, so a
     * mistyped one stops the command before it has done any work. */
    isms_err err = {0};
    scan_arg *args = arena_alloc(c->a, (size_t)npos * sizeof *args);
    uint64_t bytes = 0;
    size_t nlocal = 0;
    for (int i = 0; i < npos; i++) {
        if (!strncmp(pos[i], "s3://", 5)) {
            const char *bucket, *prefix;
            if (cloudtrail_s3_parse(pos[i], &bucket, &prefix, c->a, &err) != ISMS_OK) {
                free_args(args, i);
                return cli_usage_error(c, "%s", err.msg);
            }
            args[i].s3 = pos[i];
            continue;
        }
        if ((rc = cloudtrail_list_files(pos[i], &args[i].files, &err)) != ISMS_OK) {
            free_args(args, i + 1);
            return cli_fail(&err);
        }
        if (!args[i].files.n) {
            fprintf(stderr, "isms: no CloudTrail files (*.json, *.json.gz) in %s\n", pos[i]);
            free_args(args, i + 1);
            return EXIT_USAGE;
        }
        bytes += args[i].files.bytes;
        nlocal += args[i].files.n;
    }

    scan_progress prog = {0, bytes, -1, 0};
    int show = cli_progress_wanted() && bytes > 0 && (nlocal > 1 || bytes > ((uint64_t)64 << 20));
    cloudtrail_opts o = {.jobs = (int)jobs};
    if (show) {
        o.progress = on_progress;
        o.progress_ud = &prog;
    }
    cloudtrail_scan *s = cloudtrail_scan_new(&o);
    if (!s) {
        free_args(args, npos);
        fprintf(stderr, "isms: out of memory\n");
        return EXIT_USAGE;
    }
    prog.show = show;
    cloudtrail_failed *failed = NULL;
    size_t nfailed = 0, nfiles = 0;
    for (int i = 0; i < npos; i++) {
        cloudtrail_failed *more;
        size_t nmore;
        if (args[i].s3) {
            cloudtrail_s3_opts so = {.jobs = (int)s3_jobs};
            size_t nlogs;
            if ((rc = cloudtrail_scan_s3(s, args[i].s3, &so, c->a, &more, &nmore, &nlogs, &err)) != ISMS_OK) {
                if (show)
                    fputc('\n', stderr);
                cloudtrail_scan_free(s);
                free_args(args, npos);
                fprintf(stderr, "isms: %s\n", text_cell(c->a, err.msg, 4096));
                return EXIT_USAGE;
            }
            nfiles += nlogs;
        } else {
            nmore = cloudtrail_scan_list(s, &args[i].files, c->a, &more, file_done, &prog);
            nfiles += args[i].files.n;
        }
        failed = add_failed(c->a, failed, nfailed, more, nmore);
        nfailed += nmore;
    }
    if (show)
        cli_progress("scanning", 100, 100);

    const cloudtrail_finding *f;
    size_t nf = cloudtrail_scan_findings(s, &f);
    uint64_t events = cloudtrail_scan_events(s);
    if (json) {
        jw j;
        jw_init_file(&j, stdout, 0);
        cloudtrail_json(&j, s, nfiles, failed, nfailed);
        jw_end(&j);
    } else {
        for (size_t i = 0; i < nfailed; i++) {
            fprintf(stderr, "isms: %s: %s", text_cell(c->a, failed[i].file, 4096),
                    text_cell(c->a, failed[i].error, 4096));
            if (failed[i].events)
                fprintf(stderr, " (skipped the rest; the %llu records before were scanned)\n",
                        (unsigned long long)failed[i].events);
            else
                fputs(" (skipped)\n", stderr);
        }
        print_text(c->a, nfiles, nfailed, events, f, nf);
    }
    /* Findings from the records read before a file's error still count: they are real events. */
    int exit_code = nf ? EXIT_PROBLEMS : nfailed >= nfiles ? EXIT_USAGE : EXIT_OK;
    cloudtrail_scan_free(s);
    free_args(args, npos);
    return exit_code;
}

const cli_cmd cmds_logs[] = {
    {"scan", logs_scan, "FILE_OR_DIR|s3://BUCKET/PREFIX... [--json] [--jobs N]",
     "Scan CloudTrail log files (.json or .json.gz, each {\"Records\":[...]}; directories are\n"
     "walked for them, an s3:// prefix listed) record by record, with memory flat however large\n"
     "the logs, and report:\n"
     "  root_account_usage            the root user acted (not AWS on its behalf)\n"
     "  console_login_without_mfa     successful console sign-in without MFA (not federated)\n"
     "  console_login_failures        failed console sign-ins\n"
     "  cloudtrail_tampering          StopLogging, DeleteTrail, UpdateTrail (failed tries too)\n"
     "  iam_policy_change             IAM policies created, changed, attached or detached\n"
     "  root_access_key_created       an access key created for the root user\n"
     "  security_group_open_to_world  ingress opened to 0.0.0.0/0 or ::/0\n"
     "Matching events are grouped by rule, principal, source address and region, with their\n"
     "count and first and last time; an event delivered twice (same eventID) counts once.\n"
     "A file that cannot be read (truncated, corrupt gzip, bad JSON, not CloudTrail, a record\n"
     "over 1 MiB) is reported and the rest of it skipped; the records read before the error\n"
     "and the other files still count.\n\n"
     "Files are scanned on every core, with the same findings as one at a time.\n\n"
     "s3://BUCKET/PREFIX reads the logs under PREFIX straight from S3 (ListObjectsV2 and\n"
     "GetObject, signed with SigV4) with the credentials the AWS checks use: AWS_ACCESS_KEY_ID,\n"
     "AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_REGION; AWS_ENDPOINT_URL_S3 or\n"
     "AWS_ENDPOINT_URL for another endpoint. CloudTrail-Digest files are left out; an object\n"
     "that cannot be fetched or read is reported like a file; a bucket or prefix that cannot be\n"
     "listed stops the command.\n\n"
     "  --json     {\"files_scanned\",\"files_failed\":[{file,error}],\"events\",\n"
     "              \"findings\":[{rule,principal,source_ip,region,count,first_seen,last_seen,\n"
     "              event_name}]}\n"
     "  --jobs N   scan N files at a time (default: the number of cores; from S3, at least 8)\n\n"
     "Exit codes: 0 no findings, 1 findings, 2 usage error, missing path, or no file readable\n"
     "(and no findings in the records read before the errors)."},
    {NULL, NULL, NULL, NULL},
};
