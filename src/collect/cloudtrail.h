/* CloudTrail log analysis: a streaming, validating JSON scanner that walks the Records array of
 * CloudTrail log files (.json or gzip) record by record, evaluates detection rules on a handful of
 * fields and aggregates findings. Memory stays flat however large the input: each record must fit
 * in a bounded buffer (1 MiB by default), and a gzip log is inflated whole (with libdeflate) only
 * up to 32 MiB, streamed through zlib beyond. Nothing here prints; errors go to isms_err. */
#ifndef ISMS_COLLECT_CLOUDTRAIL_H
#define ISMS_COLLECT_CLOUDTRAIL_H

#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

/* Only the list and JSON helpers use these; the scanner's own buffers are named buf. */
struct arena;
struct jw;

#define CLOUDTRAIL_RECORD_CAP ((size_t)1 << 20) /* largest record accepted, in bytes */
#define CLOUDTRAIL_READ_SIZE ((size_t)1 << 20)  /* bytes asked of the file per read */

typedef struct cloudtrail_opts {
    size_t record_cap; /* 0: CLOUDTRAIL_RECORD_CAP */
    size_t read_size;  /* 0: CLOUDTRAIL_READ_SIZE; tests use tiny reads to split every token */
    /* Called after each read with the bytes of the current file consumed so far (compressed
     * bytes for gzip), so a caller can draw progress over many files. */
    void (*progress)(void *ud, uint64_t file_bytes);
    void *progress_ud;
    /* Bytes a file may expand to once decompressed (0: no limit), so that a small upload
     * cannot keep the scanner busy with gigabytes of records. */
    uint64_t max_bytes;
    /* Inflate gzip with streaming zlib even when a log fits in memory for libdeflate (tests
     * check that both ways give the same). */
    int stream_gzip;
    /* Threads cloudtrail_scan_list scans files with (0 or 1: the caller's only). The findings
     * are the same whatever the number; progress is then reported per file (after_file) only. */
    int jobs;
} cloudtrail_opts;

/* One aggregated finding: every matching event with the same rule, principal, source address
 * and region. Strings stay valid until cloudtrail_scan_free. */
typedef struct cloudtrail_finding {
    const char *rule;       /* "root_account_usage", ... (see cloudtrail_rules) */
    const char *principal;  /* userIdentity arn, else userName, else type, else "unknown" */
    const char *source_ip;  /* sourceIPAddress, NULL when the events carry none */
    const char *region;     /* awsRegion, NULL when absent */
    const char *first_seen; /* earliest and latest eventTime, NULL when absent */
    const char *last_seen;
    const char *event_name; /* distinct eventNames, comma separated, in order of appearance */
    uint64_t count;         /* matching events, duplicates (same eventID) counted once */
} cloudtrail_finding;

typedef struct cloudtrail_scan cloudtrail_scan;

/* List of files to scan, built by cloudtrail_list_files. */
typedef struct cloudtrail_files {
    char **paths;
    size_t n, cap;
    uint64_t bytes; /* sum of the files' sizes, for progress */
} cloudtrail_files;

/* The rule ids, NULL-terminated, in the order findings are reported. */
extern const char *const cloudtrail_rules[];

/* New scanner with empty results; opts may be NULL. Returns NULL when out of memory. */
cloudtrail_scan *cloudtrail_scan_new(const cloudtrail_opts *opts);
/* Scan one file, plain or gzip (detected by its magic bytes). On error (unreadable, truncated,
 * bad JSON, not CloudTrail, record over the cap) fills e with what is wrong and returns its code;
 * findings from the records read before the error are kept. */
int cloudtrail_scan_file(cloudtrail_scan *s, const char *path, isms_err *e);
/* Scan an in-memory log (plain or gzip), exactly as cloudtrail_scan_file would. */
int cloudtrail_scan_mem(cloudtrail_scan *s, const void *data, size_t len, isms_err *e);
/* Records read so far, over all files (duplicates included). */
uint64_t cloudtrail_scan_events(const cloudtrail_scan *s);
/* Findings so far, sorted by rule order then count (descending); *out valid until the next call
 * or cloudtrail_scan_free. Returns how many. */
size_t cloudtrail_scan_findings(cloudtrail_scan *s, const cloudtrail_finding **out);
/* Free the scanner and every finding string. NULL is fine. */
void cloudtrail_scan_free(cloudtrail_scan *s);

/* Append path to f: a file as is, a directory walked recursively (sorted, symlinked
 * directories not followed) for *.json and *.json.gz. ISMS_ENOTFOUND when path does not exist. */
int cloudtrail_list_files(const char *path, cloudtrail_files *f, isms_err *e);
/* Free the list (f can be reused empty after). */
void cloudtrail_files_free(cloudtrail_files *f);

/* A file that could not be read to its end: its findings before the error still count. */
typedef struct cloudtrail_failed {
    const char *file, *error;
    uint64_t events; /* records read before the error */
} cloudtrail_failed;

/* Scan every file of f into s (on s's opts.jobs threads); each file that cannot be read is listed
 * in *failed (strings in a) and the rest still scanned. after_file (may be NULL) is called after
 * each file, in order. Returns how many failed. */
size_t cloudtrail_scan_list(cloudtrail_scan *s, const cloudtrail_files *f, struct arena *a, cloudtrail_failed **failed,
                            void (*after_file)(void *ud, const char *path), void *ud);
/* The result as `isms logs scan --json` answers it: files_scanned, files_failed [{file, error}],
 * events and findings [{rule, principal, source_ip, region, count, first_seen, last_seen,
 * event_name}]. */
void cloudtrail_json(struct jw *j, cloudtrail_scan *s, size_t files_scanned, const cloudtrail_failed *failed,
                     size_t nfailed);

/* ---- logs in S3 ---- */

#define CLOUDTRAIL_S3_JOBS 8 /* objects fetched and scanned at a time by default */

typedef struct cloudtrail_s3_opts {
    /* The environment the AWS credentials, region and endpoint are read from, as for the AWS
     * checks (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_REGION,
     * AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_S3); NULL: getenv. */
    const char *(*getenv)(const char *name);
    int jobs; /* objects at a time; 0: CLOUDTRAIL_S3_JOBS */
    /* Called for each object once its findings are counted, in listing order (may be NULL). */
    void (*after_object)(void *ud, const char *url);
    void *ud;
} cloudtrail_s3_opts;

/* Split s3://BUCKET/PREFIX (strings in a); ISMS_EINVAL naming what is wrong. */
int cloudtrail_s3_parse(const char *url, const char **bucket, const char **prefix, struct arena *a, isms_err *e);
/* Scan every log (*.json, *.json.gz, CloudTrail-Digest files left out) under url into s: listed
 * with ListObjectsV2 and fetched with GetObject in parallel, in listing order for the findings.
 * An object that cannot be fetched or read is listed in *failed (s3://BUCKET/KEY, strings in a)
 * and the rest still scanned; a listing that fails after its first page is listed there too.
 * *nlogs is how many objects were scanned. Returns an error (naming the URL and the operation)
 * when nothing could be listed: credentials, bucket, access, endpoint, or no log under it. */
int cloudtrail_scan_s3(cloudtrail_scan *s, const char *url, const cloudtrail_s3_opts *o, struct arena *a,
                       cloudtrail_failed **failed, size_t *nfailed, size_t *nlogs, isms_err *e);

#endif
