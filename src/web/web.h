/* The web front end: an HTTP server on libmicrohttpd serving HTML pages and the JSON API over
 * the same core and store as the CLI. Only src/web builds HTTP responses. */
#ifndef ISMS_WEB_H
#define ISMS_WEB_H

#include <stdio.h>

#include "store/store.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/json.h"

typedef struct web_opts {
    const char *listen;          /* "127.0.0.1:8027" or "[::1]:8027" */
    const char *db_path;
    const char *tls_cert, *tls_key; /* PEM files; both or neither */
    int threads;                 /* worker threads; default four per core */
    size_t max_body;             /* request body cap; default 1 MiB */
    int conn_timeout_s;          /* idle connection timeout; default 30 */
    int header_timeout_s;        /* a request's headers must be complete within this; default 10 */
    int body_timeout_s;          /* and its body within this after them (uploads ten times it); default 60 */
    int max_conns_per_address;   /* open connections from one client address; default 128 */
    size_t max_answer;           /* largest answer the server builds; default 64 MiB */
    int session_slots;           /* signed-in sessions held at once; default 4096 */
    int session_idle_s;          /* default 30 min */
    int session_max_s;           /* absolute session lifetime; default 12 h */
    FILE *access_log;            /* one line per request, or NULL */
    void (*ready)(const char *url, void *ctx); /* called once listening */
    void *ready_ctx;
} web_opts;

/* Serve until SIGINT or SIGTERM, then finish in-flight requests and return. */
int web_serve(const web_opts *o, isms_err *err);

/* --- the request/response model used by the handlers --- */

enum { PERM_PUBLIC = 0, PERM_READ, PERM_WRITE, PERM_AUDIT, PERM_ADMIN };
enum { ROUTE_API = 1, ROUTE_PAGE = 2, ROUTE_CACHE = 4 /* a read whose answer depends only on the data */,
       ROUTE_UPLOAD = 8 /* takes a multipart/form-data body of up to WEB_UPLOAD_MAX */,
       /* The success status, for the OpenAPI document, where the rule (a POST to a collection
        * answers 201, a DELETE 204, anything else 200) does not give it; both: either. */
       ROUTE_CREATES = 16 /* answers 201 Created */, ROUTE_ANSWERS = 32 /* answers 200 */ };

/* Largest file accepted by an upload route; the body may exceed it by WEB_UPLOAD_SLACK for the
 * other fields and the multipart framing. */
#define WEB_UPLOAD_MAX ((size_t)25 << 20)
#define WEB_UPLOAD_SLACK ((size_t)256 << 10)
#define WEB_TMPDIR_MAX 512

typedef struct web_param {
    const char *name, *value;
} web_param;

typedef struct web_session web_session;

/* A file part of a multipart body; data points into the request body. */
typedef struct web_file {
    const char *field, *filename, *ctype;
    const char *data;
    size_t len;
} web_file;

typedef struct web_req {
    void *conn;                  /* struct MHD_Connection * */
    const char *method, *path, *ip;
    arena *a;
    ws *w;                       /* this worker thread's workspace connection */
    buf *body;
    int body_too_large;
    int tls;
    user u;                      /* the authenticated user, when authed */
    int authed, via_token;
    web_session *sess;
    const char *csrf;            /* the session's CSRF token */
    const char *params[4];       /* :placeholders of the matched route */
    web_param *form;             /* parsed urlencoded body, or the text fields of a multipart one */
    size_t nform;
    web_file *files;             /* the file parts of a multipart body (upload routes only) */
    size_t nfiles;
    const isms_err *upload_error; /* a page upload route's body was refused: the handler shows why */
    int64_t gen;                 /* web_cache_generation's token, once read for this request */
    int gen_read;
} web_req;

typedef struct web_resp {
    int status;
    const char *ctype;
    buf body;
    const char *location;
    const char *cookie;          /* a Set-Cookie value */
    const char *cookie2;         /* a second one */
    int retry_after;             /* seconds, for a 429 */
    const char *filename;        /* Content-Disposition: attachment */
    int file_fd;                 /* when > 0, the body is this open file of file_size bytes (closed after) */
    const char *shared;          /* when set, the body is these shared_len bytes of a cached answer */
    size_t shared_len;
    long long file_size;
} web_resp;

typedef int (*web_handler)(web_req *rq, web_resp *rs);

typedef struct web_route {
    const char *method;
    const char *pattern;         /* "/api/v1/assets/:id" */
    int perm;
    int flags;
    web_handler fn;
    const char *summary;         /* for the OpenAPI document */
} web_route;

extern const web_route web_routes[];

/* Query string value (NULL when absent). */
const char *web_query(web_req *rq, const char *name);
/* Header value (NULL when absent). */
const char *web_header(web_req *rq, const char *name);
/* Form field of a urlencoded POST body (NULL when absent). */
const char *web_form(web_req *rq, const char *name);

/* Responses */
/* {"error":{"code":code,"message":...}}, with status. */
void web_json_error(web_resp *rs, int status, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* The same with "field": the input member the error concerns (none when field is NULL or ""). */
void web_json_field_error(web_resp *rs, int status, const char *code, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* Map an isms_err to its HTTP status and a JSON error body (with its field, when it names one). */
void web_json_fail(web_resp *rs, const isms_err *err);
/* The HTTP status of an error: 404 not found, 409 conflict, 422 invalid, 413 too large, 503 busy. */
int web_err_status(const isms_err *err);
/* Start a JSON body; returns a writer on rs->body. */
jw *web_json_begin(web_req *rq, web_resp *rs, int status);
void web_redirect(web_resp *rs, const char *location);
/* HTML-escape s into b. */
void web_html_escape(buf *b, const char *s);
/* printf into the body where every %s argument is HTML-escaped (use %s only for text). */
void web_html(web_resp *rs, const char *fmt, ...);
/* Raw HTML into the body (trusted markup only). */
void web_raw(web_resp *rs, const char *s);

/* multipart.c: the boundary of a multipart/form-data Content-Type into out. */
int web_multipart_boundary(const char *ctype, char out[72], isms_err *err);
/* Split a multipart/form-data body into text fields and file parts (pointing into body), refusing
 * malformed or truncated bodies, NULs in headers, non-UTF-8 text fields and files over max_file
 * (ISMS_ENOMEM); the message names the part and the problem. */
int web_multipart_parse(const char *ctype, const char *body, size_t len, size_t max_file, arena *a,
                        web_param **fields, size_t *nfields, web_file **files, size_t *nfiles, isms_err *err);

/* upload.c: the single file part named "file" of an upload request, refusing other file
 * fields, several files and file names with paths or control characters. */
int web_upload_file(web_req *rq, const web_file **out, isms_err *err);
/* A private (0700) directory under $TMPDIR or /tmp for the files one request writes or reads
 * through a path; web_tmpdir_remove empties and removes it, whatever happened. */
int web_tmpdir_make(char dir[WEB_TMPDIR_MAX], isms_err *err);
void web_tmpdir_remove(const char *dir);

/* Response cache (cache.c): answers keyed by request and workspace generation. */
int web_cache_generation(ws *w, int64_t *gen);
/* The change counter of kind k (GEN_*) as this thread's last web_cache_generation read it; -1
 * when it has read none. */
int64_t web_cache_counter(int k);
/* web_cache_generation once per request: the token read for rq before, or read now. */
int web_req_generation(web_req *rq, int64_t *gen);
int web_cache_get(const char *key, int64_t gen, buf *out, const char **ctype);
typedef struct web_cache_blob web_cache_blob;
/* A cached answer without copying it: its bytes stay valid until web_cache_release (or
 * web_cache_release_data on *data), even if the cache drops it meanwhile. NULL on a miss. */
web_cache_blob *web_cache_take(const char *key, int64_t gen, const char **data, size_t *len, const char **ctype);
void web_cache_release(web_cache_blob *b);
void web_cache_release_data(void *data);
void web_cache_put(const char *key, int64_t gen, const char *data, size_t len, const char *ctype);
void web_cache_free(void);

/* Connection deadlines (guard.c): a reaper shuts down connections that are too slow to send
 * their request, so slow clients cannot hold connections others need. */
typedef struct web_guard_conn web_guard_conn;
enum { WEB_GUARD_HEADERS, WEB_GUARD_BODY, WEB_GUARD_UPLOAD, WEB_GUARD_ANSWER };
/* Start the reaper with the header and body timeouts in seconds (0: 10 and 60). */
int web_guard_start(int header_timeout_s, int body_timeout_s);
void web_guard_stop(void);
/* Track a new connection on socket fd; its headers are due within the header timeout. */
web_guard_conn *web_guard_opened(int fd);
/* Stop tracking a connection; called before its socket is closed. */
void web_guard_closed(web_guard_conn *g);
/* Start a phase: headers due (next request), body due, upload body due, or no deadline (answering). */
void web_guard_phase(web_guard_conn *g, int phase);
/* How many connections were shut down for missing a deadline. */
unsigned long web_guard_reaped(void);

/* Authentication (auth.c) */
int web_auth_init(const web_opts *o);
void web_auth_free(void);
/* Resolve the cookie or bearer token of the request; sets rq->authed and rq->u. */
void web_authenticate(web_req *rq);
/* Check the CSRF token of a state-changing request made with a session cookie. */
int web_csrf_ok(web_req *rq);
int web_login(web_req *rq, web_resp *rs);
int web_logout(web_req *rq, web_resp *rs);
/* Login limits (throttle.c). Make the key that signs device cookies. */
void web_throttle_init(void);
/* Seconds before a password or code for name may be tried from this request (0: now), by the
 * failures of its address and of the account; at_login, a known device skips the account's limit
 * (the account page, already signed in, checks its guesses against both). */
int web_auth_wait(web_req *rq, const char *name, int at_login);
/* Count a wrong password or code for name and the request's address. */
void web_auth_failed(web_req *rq, const char *name, int at_login);
/* A right password for name: its account's count starts again, unless from a known device. */
void web_auth_passed(web_req *rq, const char *name);
/* Does the request carry the device cookie of an earlier login as name? */
int web_throttle_known_device(web_req *rq, const char *name);
/* The Set-Cookie value that marks this browser as one name has logged in from. */
const char *web_throttle_device_cookie(web_req *rq, const char *name);
/* End every other session of the request's user (after a password change). */
void web_sessions_end_others(web_req *rq);
/* End every session of the named user (their password was reset or they were disabled). */
void web_sessions_end_user(const char *name);
/* May the user's role do `perm`? */
int web_role_allows(const char *role, int perm);

/* --- What a cached answer depends on (cache.c) ---
 * A ROUTE_CACHE route names in its flags the kinds of records its answer is computed from (DEP_
 * bits, one per change counter of store_generations) and DEP_TODAY when it depends on the date:
 * the cached answer is served while those are unchanged, so a change to anything else leaves it
 * cached. A cached route naming none depends on everything; DEP_NONE: on nothing but the program
 * (the catalog, the OpenAPI document). web_cache_generation reads the counters for the calling
 * thread and returns a token for their values (the same while they are unchanged), which that
 * thread's web_cache_take, web_cache_get and web_cache_put must be given: with another, they miss
 * and keep nothing. */
#define WEB_DEP_SHIFT 8
#define WEB_DEP(k) (1 << (WEB_DEP_SHIFT + (k)))
enum {
    DEP_ORG = WEB_DEP(GEN_ORG), DEP_METHOD = WEB_DEP(GEN_METHOD), DEP_ASSET = WEB_DEP(GEN_ASSET),
    DEP_ASSET_NAME = WEB_DEP(GEN_ASSET_NAME), DEP_RISK = WEB_DEP(GEN_RISK), DEP_RISK_ASSET = WEB_DEP(GEN_RISK_ASSET),
    DEP_RISK_CONTROL = WEB_DEP(GEN_RISK_CONTROL), DEP_SOA = WEB_DEP(GEN_SOA), DEP_EVIDENCE = WEB_DEP(GEN_EVIDENCE),
    DEP_CHECK = WEB_DEP(GEN_CHECK), DEP_LIFECYCLE = WEB_DEP(GEN_LIFECYCLE), DEP_REGISTER = WEB_DEP(GEN_REGISTER),
    DEP_POLICY = WEB_DEP(GEN_POLICY), DEP_USER = WEB_DEP(GEN_USER), DEP_ALERT = WEB_DEP(GEN_ALERT),
    DEP_AUDIT_LOG = WEB_DEP(GEN_AUDIT_LOG),
    DEP_TODAY = WEB_DEP(STORE_NGEN),
    DEP_NONE = WEB_DEP(STORE_NGEN + 1),
    DEP_ALL = WEB_DEP(STORE_NGEN + 1) - WEB_DEP(0), /* every counter and the date */
    /* What the gap analysis and Stage 1 readiness are judged on: all the registers and the date. */
    DEP_GAP = DEP_ALL & ~(DEP_USER | DEP_ALERT | DEP_AUDIT_LOG),
    /* A risk as shown: its asset's name, controls and level under the method, its plan's status today. */
    DEP_RISK_VIEW = DEP_RISK | DEP_RISK_CONTROL | DEP_ASSET_NAME | DEP_METHOD | DEP_TODAY,
    /* An asset as shown, with the number of risks on it. */
    DEP_ASSET_VIEW = DEP_ASSET | DEP_RISK_ASSET,
    /* SoA entries with the risks each control treats. */
    DEP_SOA_VIEW = DEP_SOA | DEP_RISK_CONTROL,
};
_Static_assert(ROUTE_ANSWERS < WEB_DEP(0) && STORE_NGEN + 2 + WEB_DEP_SHIFT < 31, "route flags and DEP_ bits apart");
/* The DEP_ bits of the cached GET route a cache key (a path and its "&name=value" arguments) is
 * for; DEP_ALL when none matches. */
int web_cache_deps(const char *key);
/* web_cache_put for an answer that is no route's (a part of a page), depending on deps. */
void web_cache_put_deps(const char *key, int deps, int64_t gen, const char *data, size_t len, const char *ctype);
/* A part of an answer that its caller also checks itself, with a value kept beside it: a page of a
 * list by id, kept with its page_mark (aux: up to which id, mark: the mark then) and served while
 * the mark read now is the same. Its key must be no route's ("part:..."). */
void web_cache_put_part(const char *key, int deps, int64_t gen, int64_t aux, int64_t mark, const char *data, size_t len);
web_cache_blob *web_cache_take_part(const char *key, int64_t gen, int64_t *aux, int64_t *mark, const char **data,
                                    size_t *len);

#endif
