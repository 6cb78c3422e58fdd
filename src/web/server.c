/* The HTTP server: libmicrohttpd with a thread pool, request bodies capped, one arena per request,
 * one workspace connection per worker thread, security headers on every response. */
#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "core/catalog.h"
#include "web/web.h"

static const web_opts *opts;
static pthread_mutex_t ws_mu = PTHREAD_MUTEX_INITIALIZER;
static ws *ws_list[256];
static size_t ws_count;
static _Thread_local ws *thread_ws;
static pthread_mutex_t log_mu = PTHREAD_MUTEX_INITIALIZER;

/* Per-connection state between libmicrohttpd's calls for one request. */
typedef struct conn_state {
    buf body;
    int too_large;
    int upload;                  /* a multipart body for an upload route, capped by WEB_UPLOAD_MAX */
    int started;
    web_guard_conn *guard;
    struct timespec t0;
    int status;
    char method[12];
    char path[200];
    char userbuf[80];
} conn_state;

static ws *worker_ws(isms_err *err)
{
    if (thread_ws)
        return thread_ws;
    ws *w;
    if (ws_open(opts->db_path, 0, &w, err))
        return NULL;
    pthread_mutex_lock(&ws_mu);
    if (ws_count < sizeof ws_list / sizeof *ws_list) {
        ws_list[ws_count++] = w;
        thread_ws = w;
    }
    pthread_mutex_unlock(&ws_mu);
    if (!thread_ws) {
        ws_close(w);
        err_set(err, ISMS_ENOMEM, "too many worker threads");
        return NULL;
    }
    return w;
}

const char *web_query(web_req *rq, const char *name)
{
    return MHD_lookup_connection_value(rq->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *web_header(web_req *rq, const char *name)
{
    return MHD_lookup_connection_value(rq->conn, MHD_HEADER_KIND, name);
}

const char *web_form(web_req *rq, const char *name)
{
    for (size_t i = 0; i < rq->nform; i++)
        if (!strcmp(rq->form[i].name, name))
            return rq->form[i].value;
    return NULL;
}

static int hexv(int c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* Decode one urlencoded component into the arena; NULL on a malformed escape. */
static char *url_decode(arena *a, const char *s, size_t n)
{
    char *o = arena_alloc(a, n + 1), *p = o;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '+')
            *p++ = ' ';
        else if (s[i] == '%') {
            if (i + 2 >= n)
                return NULL;
            int a1 = hexv((unsigned char)s[i + 1]), a2 = hexv((unsigned char)s[i + 2]);
            if (a1 < 0 || a2 < 0)
                return NULL;
            char ch = (char)(a1 * 16 + a2);
            if (ch == '\0')
                return NULL;
            *p++ = ch;
            i += 2;
        } else
            *p++ = s[i];
    }
    *p = '\0';
    return o;
}

static int valid_utf8(const char *s, size_t n);

static int parse_form(web_req *rq)
{
    const char *s = rq->body->data ? rq->body->data : "";
    size_t n = rq->body->len, cap = 0;
    for (size_t i = 0; i < n; i++)
        cap += s[i] == '&';
    rq->form = arena_alloc(rq->a, (cap + 1) * sizeof *rq->form);
    rq->nform = 0;
    const char *p = s, *end = s + n;
    while (p < end) {
        const char *amp = memchr(p, '&', (size_t)(end - p));
        const char *stop = amp ? amp : end;
        const char *eq = memchr(p, '=', (size_t)(stop - p));
        if (stop > p) {
            char *k = url_decode(rq->a, p, (size_t)((eq ? eq : stop) - p));
            char *v = eq ? url_decode(rq->a, eq + 1, (size_t)(stop - eq - 1)) : arena_strdup(rq->a, "");
            if (!k || !v || !valid_utf8(k, strlen(k)) || !valid_utf8(v, strlen(v)))
                return -1;
            rq->form[rq->nform++] = (web_param){k, v};
        }
        p = stop + 1;
    }
    return 0;
}

void web_html_escape(buf *b, const char *s)
{
    while (s && *s) {
        /* Copy each run of safe bytes at once: pages are mostly plain text. */
        size_t n = strcspn(s, "&<>\"'");
        buf_append(b, s, n);
        s += n;
        switch (*s) {
        case '&': buf_puts(b, "&amp;"); break;
        case '<': buf_puts(b, "&lt;"); break;
        case '>': buf_puts(b, "&gt;"); break;
        case '"': buf_puts(b, "&quot;"); break;
        case '\'': buf_puts(b, "&#39;"); break;
        default: return;
        }
        s++;
    }
}

void web_raw(web_resp *rs, const char *s) { buf_puts(&rs->body, s); }

void web_html(web_resp *rs, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    for (const char *p = fmt; *p; p++) {
        if (*p != '%') {
            size_t n = strcspn(p, "%");
            buf_append(&rs->body, p, n);
            p += n - 1;
            continue;
        }
        p++;
        if (*p == '%') {
            buf_putc(&rs->body, '%');
        } else if (*p == 's') {
            web_html_escape(&rs->body, va_arg(ap, const char *));
        } else if (*p == 'd') {
            buf_printf(&rs->body, "%d", va_arg(ap, int));
        } else if (!strncmp(p, "lld", 3)) {
            buf_printf(&rs->body, "%lld", va_arg(ap, long long));
            p += 2;
        } else if (!strncmp(p, "ld", 2)) {
            buf_printf(&rs->body, "%ld", va_arg(ap, long));
            p += 1;
        } else if (!strncmp(p, "zu", 2)) {
            buf_printf(&rs->body, "%zu", va_arg(ap, size_t));
            p += 1;
        } else if (!strncmp(p, ".1f", 3)) {
            buf_printf(&rs->body, "%.1f", va_arg(ap, double));
            p += 2;
        } else {
            buf_putc(&rs->body, '%');
            buf_putc(&rs->body, *p);
        }
    }
    va_end(ap);
}

jw *web_json_begin(web_req *rq, web_resp *rs, int status)
{
    rs->status = status;
    rs->ctype = "application/json";
    buf_reset(&rs->body);
    jw *j = arena_alloc(rq->a, sizeof *j);
    jw_init_buf(j, &rs->body);
    return j;
}

static void json_error(web_resp *rs, int status, const char *code, const char *field, const char *fmt, va_list ap)
{
    char msg[1024];
    vsnprintf(msg, sizeof msg, fmt, ap);
    buf_reset(&rs->body);
    rs->status = status;
    rs->ctype = "application/json";
    jw j;
    jw_init_buf(&j, &rs->body);
    jw_obj(&j);
    jw_key(&j, "error");
    jw_obj(&j);
    jw_kstr(&j, "code", code);
    jw_kstr(&j, "message", msg);
    if (field && *field)
        jw_kstr(&j, "field", field);
    jw_obj_end(&j);
    jw_obj_end(&j);
}

void web_json_error(web_resp *rs, int status, const char *code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    json_error(rs, status, code, NULL, fmt, ap);
    va_end(ap);
}

void web_json_field_error(web_resp *rs, int status, const char *code, const char *field, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    json_error(rs, status, code, field, fmt, ap);
    va_end(ap);
}

int web_err_status(const isms_err *err)
{
    return err->code == ISMS_ENOTFOUND ? 404 : err->code == ISMS_ECONFLICT ? 409 : err->code == ISMS_EINVAL ? 422
         : err->code == ISMS_ENOMEM ? 413 : err->code == ISMS_EDB ? 503 : 500;
}

void web_json_fail(web_resp *rs, const isms_err *err)
{
    web_json_field_error(rs, web_err_status(err), err_name(err->code), err->field, "%s", err->msg);
}

void web_redirect(web_resp *rs, const char *location)
{
    rs->status = 303;
    rs->location = location;
}

/* Match "/api/v1/assets/:id" against a path; fills params. */
static int route_match(const char *pattern, const char *path, arena *a, const char **params)
{
    int np = 0;
    while (*pattern && *path) {
        if (*pattern == ':') {
            const char *pe = strchr(pattern, '/');
            const char *se = strchr(path, '/');
            size_t len = se ? (size_t)(se - path) : strlen(path);
            if (!len || np >= 4)
                return 0;
            params[np++] = arena_strndup(a, path, len);
            pattern = pe ? pe : pattern + strlen(pattern);
            path += len;
            continue;
        }
        if (*pattern != *path)
            return 0;
        pattern++;
        path++;
    }
    return !*pattern && !*path;
}

static void add_security_headers(struct MHD_Response *r, int tls)
{
    MHD_add_response_header(r, "Content-Security-Policy",
                            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
                            "frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'");
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "X-Frame-Options", "DENY");
    MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(r, "Cache-Control", "no-store");
    if (tls)
        MHD_add_response_header(r, "Strict-Transport-Security", "max-age=31536000");
}

static enum MHD_Result send_response(struct MHD_Connection *c, conn_state *cs, web_resp *rs, int tls)
{
    /* The body is handed over, not copied: a cached answer by reference, a built one by ownership. */
    struct MHD_Response *r;
    if (rs->file_fd > 0)
        r = MHD_create_response_from_fd64((uint64_t)rs->file_size, rs->file_fd);
    else if (rs->shared)
        r = MHD_create_response_from_buffer_with_free_callback(rs->shared_len, (void *)rs->shared,
                                                               web_cache_release_data);
    else if (rs->body.data) {
        r = MHD_create_response_from_buffer(rs->body.len, rs->body.data, MHD_RESPMEM_MUST_FREE);
        if (r)
            rs->body.data = NULL;
    } else
        r = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
    if (!r) {
        if (rs->file_fd > 0)
            close(rs->file_fd);
        web_cache_release_data((void *)rs->shared);
        return MHD_NO;
    }
    add_security_headers(r, tls);
    if (rs->ctype)
        MHD_add_response_header(r, "Content-Type", rs->ctype);
    if (rs->location)
        MHD_add_response_header(r, "Location", rs->location);
    if (rs->cookie)
        MHD_add_response_header(r, "Set-Cookie", rs->cookie);
    if (rs->cookie2)
        MHD_add_response_header(r, "Set-Cookie", rs->cookie2);
    if (rs->retry_after > 0) {
        char ra[16];
        snprintf(ra, sizeof ra, "%d", rs->retry_after);
        MHD_add_response_header(r, "Retry-After", ra);
    }
    if (rs->filename) {
        char cd[300];
        snprintf(cd, sizeof cd, "attachment; filename=\"%s\"", rs->filename);
        MHD_add_response_header(r, "Content-Disposition", cd);
    }
    cs->status = rs->status;
    enum MHD_Result ret = MHD_queue_response(c, (unsigned)rs->status, r);
    MHD_destroy_response(r);
    return ret;
}

static int is_api(const char *path) { return !strncmp(path, "/api/", 5); }

static void deny(web_req *rq, web_resp *rs, int status, const char *code, const char *msg)
{
    if (is_api(rq->path)) {
        web_json_error(rs, status, code, "%s", msg);
    } else if (status == 401) {
        web_redirect(rs, "/login");
    } else {
        /* A person is told what happened in words, not by a status number. */
        const char *title = status == 403   ? "Not allowed"
                            : status == 404 ? "Not found"
                            : status == 413 ? "Too large to accept"
                            : status == 429 ? "Too many requests"
                            : !strcmp(code, "answer_too_large") ? "This page is too large to show"
                            : status >= 500 ? "Something went wrong"
                                            : "This request cannot be served";
        rs->status = status;
        rs->ctype = "text/html; charset=utf-8";
        web_html(rs, "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>%s — isms</title>"
                     "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                     "<link rel=\"stylesheet\" href=\"/static/app.css\"></head><body><main><h1>%s</h1><p>%s</p>"
                     "<p><a href=\"/\">Back to the dashboard</a></p></main></body></html>",
                 title, title, msg);
    }
}

static int valid_utf8(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s, *e = p + n;
    while (p < e) {
        if (*p < 0x80) {
            p++;
            continue;
        }
        int len = *p >= 0xF0 && *p <= 0xF4 ? 4 : *p >= 0xE0 ? 3 : *p >= 0xC2 ? 2 : 0;
        if (!len || p + len > e)
            return 0;
        for (int i = 1; i < len; i++)
            if ((p[i] & 0xC0) != 0x80)
                return 0;
        p += len;
    }
    return 1;
}

static enum MHD_Result collect_arg(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
    (void)kind;
    buf *b = cls;
    buf_printf(b, "&%s=%s", key, value ? value : "");
    return MHD_YES;
}

/* Run a route's handler. An answer cut off at the cap is never sent as if it were whole: this is
 * the one place every handler's answer passes, so it is checked here. */
static void run_route(web_req *rq, web_resp *rs, const web_route *r)
{
    r->fn(rq, rs);
    if (rs->body.full && !rs->shared && rs->file_fd <= 0) {
        buf_reset(&rs->body);
        rs->cookie = rs->cookie2 = rs->location = rs->filename = NULL;
        char msg[200], cap[40];
        if (rs->body.max >= (size_t)1 << 20 && !(rs->body.max & ((1 << 20) - 1)))
            snprintf(cap, sizeof cap, "%zu MiB", rs->body.max >> 20);
        else
            snprintf(cap, sizeof cap, "%zu bytes", rs->body.max);
        if (is_api(rq->path))
            snprintf(msg, sizeof msg,
                     "the answer is larger than the %s this server sends at once; ask for less (a filter, or limit and offset)",
                     cap);
        else
            snprintf(msg, sizeof msg,
                     "This page is larger than the %s this server sends at once. Narrow it with the filters, or show fewer rows per page.",
                     cap);
        deny(rq, rs, 500, "answer_too_large", msg);
    }
}

/* Serve a cacheable GET from the cache, or run it and keep a successful answer. */
static void run_cached(web_req *rq, web_resp *rs, const web_route *r)
{
    int64_t gen;
    buf key;
    buf_init(&key, 8192);
    buf_puts(&key, rq->path);
    MHD_get_connection_values(rq->conn, MHD_GET_ARGUMENT_KIND, collect_arg, &key);
    const char *ctype = NULL;
    isms_err err = {0};
    if (!rq->w)
        rq->w = worker_ws(&err);
    if (rq->w && key.len < 8000 && web_req_generation(rq, &gen) == 0) {
        if (web_cache_take(key.data, gen, &rs->shared, &rs->shared_len, &ctype)) {
            rs->status = 200;
            rs->ctype = ctype;
        } else {
            run_route(rq, rs, r);
            if (rs->status == 200)
                web_cache_put(key.data, gen, rs->body.data ? rs->body.data : "", rs->body.len, rs->ctype);
        }
    } else {
        run_route(rq, rs, r);
    }
    buf_free(&key);
}

static int is_multipart(const char *ctype) { return ctype && !strncasecmp(ctype, "multipart/form-data", 19); }

/* Is this request a multipart POST to an upload route by a user who may upload? Decided before
 * the body is read, so that only those bodies get the larger cap: anyone else is cut off at the
 * ordinary body cap and never makes the server hold 25 MiB. */
static int upload_request(struct MHD_Connection *c, const char *method, const char *url)
{
    if (strcmp(method, "POST") || !is_multipart(MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type")))
        return 0;
    arena a;
    arena_init(&a);
    int found = 0;
    for (const web_route *r = web_routes; r->pattern && !found; r++) {
        const char *params[4] = {0};
        found = (r->flags & ROUTE_UPLOAD) && !strcmp(r->method, method) && route_match(r->pattern, url, &a, params) &&
                r->perm;
        if (found) {
            isms_err err = {0};
            web_req rq = {.conn = c, .method = method, .path = url, .a = &a};
            if ((rq.w = worker_ws(&err)))
                web_authenticate(&rq);
            found = rq.authed && web_role_allows(rq.u.role, r->perm);
        }
    }
    arena_free(&a);
    return found;
}

static void dispatch(web_req *rq, web_resp *rs, int upload)
{
    /* an upload's own limit is reported by the route, after authentication */
    if (rq->body_too_large && !upload) {
        deny(rq, rs, 413, "too_large", "the request body is larger than the server accepts");
        return;
    }
    if (strstr(rq->path, "..") || !valid_utf8(rq->path, strlen(rq->path))) {
        deny(rq, rs, 400, "bad_path", "malformed request path");
        return;
    }
    const web_route *match = NULL;
    int path_known = 0;
    for (const web_route *r = web_routes; r->pattern; r++) {
        const char *params[4] = {0};
        if (route_match(r->pattern, rq->path, rq->a, params)) {
            path_known = 1;
            if (!strcmp(r->method, rq->method)) {
                match = r;
                memcpy(rq->params, params, sizeof params);
                break;
            }
        }
    }
    if (!match) {
        deny(rq, rs, path_known ? 405 : 404, path_known ? "method_not_allowed" : "not_found",
             path_known ? "this method is not allowed here" : "no such page or resource");
        return;
    }
    isms_err err = {0};
    if (match->perm != PERM_PUBLIC || !strcmp(match->pattern, "/login")) {
        if (!(rq->w = worker_ws(&err))) {
            deny(rq, rs, 503, "unavailable", err.msg);
            return;
        }
    }
    if (match->perm != PERM_PUBLIC) {
        web_authenticate(rq);
        if (!rq->authed) {
            deny(rq, rs, 401, "unauthorized", "log in, or send an API token: Authorization: Bearer isms_...");
            return;
        }
        if (!web_role_allows(rq->u.role, match->perm)) {
            deny(rq, rs, 403, "forbidden", "your role does not allow this");
            return;
        }
        ws_set_actor(rq->w, rq->u.name);
    }
    int writes = strcmp(rq->method, "GET") && strcmp(rq->method, "HEAD");
    const char *ctype = web_header(rq, "Content-Type");
    if (match->flags & ROUTE_UPLOAD) {
        /* Files are bytes, not text: the multipart parser checks the text fields itself. */
        if (!is_multipart(ctype)) {
            deny(rq, rs, 415, "unsupported_media_type", "send the file as multipart/form-data");
            return;
        }
        isms_err *perr = arena_alloc(rq->a, sizeof *perr);
        *perr = (isms_err){0};
        if (rq->body_too_large)
            err_set(perr, ISMS_ENOMEM, "the upload is larger than the %zu MiB limit for one file", WEB_UPLOAD_MAX >> 20);
        else
            web_multipart_parse(ctype, rq->body->data, rq->body->len, WEB_UPLOAD_MAX, rq->a, &rq->form, &rq->nform,
                                &rq->files, &rq->nfiles, perr);
        if (perr->code && (match->flags & ROUTE_PAGE)) {
            /* The form shows why; nothing is written, so no CSRF token (which may be lost with the body) is needed. */
            rq->upload_error = perr;
            run_route(rq, rs, match);
            return;
        }
        if (perr->code) {
            deny(rq, rs, perr->code == ISMS_ENOMEM ? 413 : 400, perr->code == ISMS_ENOMEM ? "too_large" : "bad_multipart",
                 perr->msg);
            return;
        }
    } else if (writes && rq->body->len && !valid_utf8(rq->body->data, rq->body->len)) {
        deny(rq, rs, 400, "bad_encoding", "the request body is not valid UTF-8");
        return;
    }
    if (writes && ctype && !strncasecmp(ctype, "application/x-www-form-urlencoded", 33) && parse_form(rq)) {
        deny(rq, rs, 400, "bad_form", "malformed form data");
        return;
    }
    if (writes && rq->sess && !web_csrf_ok(rq)) {
        deny(rq, rs, 403, "csrf", "missing or wrong CSRF token; reload the page and try again");
        return;
    }
    if ((match->flags & ROUTE_CACHE) && !writes)
        run_cached(rq, rs, match);
    else
        run_route(rq, rs, match);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                                  const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
    (void)cls;
    (void)version;
    conn_state *cs = *con_cls;
    if (!cs) {
        cs = calloc(1, sizeof *cs);
        if (!cs)
            return MHD_NO;
        cs->upload = upload_request(c, method, url);
        const union MHD_ConnectionInfo *si = MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
        cs->guard = si ? si->socket_context : NULL;
        web_guard_phase(cs->guard, cs->upload ? WEB_GUARD_UPLOAD : WEB_GUARD_BODY);
        buf_init(&cs->body, cs->upload ? WEB_UPLOAD_MAX + WEB_UPLOAD_SLACK : opts->max_body);
        clock_gettime(CLOCK_MONOTONIC, &cs->t0);
        snprintf(cs->method, sizeof cs->method, "%s", method);
        /* The path only: query strings may hold what should not be logged. */
        snprintf(cs->path, sizeof cs->path, "%s", url);
        *con_cls = cs;
        /* Answer on the second call: queuing on the first would close keep-alive connections. */
        return MHD_YES;
    }
    if (*upload_size) {
        if (!cs->too_large && buf_append(&cs->body, upload, *upload_size))
            cs->too_large = 1;
        *upload_size = 0;
        return MHD_YES;
    }
    web_guard_phase(cs->guard, WEB_GUARD_ANSWER);
    arena a;
    arena_init(&a);
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    char ip[INET6_ADDRSTRLEN] = "-";
    if (ci && ci->client_addr) {
        if (ci->client_addr->sa_family == AF_INET)
            inet_ntop(AF_INET, &((const struct sockaddr_in *)ci->client_addr)->sin_addr, ip, sizeof ip);
        else if (ci->client_addr->sa_family == AF_INET6)
            inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)ci->client_addr)->sin6_addr, ip, sizeof ip);
    }
    web_req rq = {.conn = c, .method = method, .path = url, .ip = arena_strdup(&a, ip), .a = &a, .body = &cs->body,
                  .body_too_large = cs->too_large, .tls = opts->tls_cert != NULL};
    web_resp rs = {.status = 200, .ctype = "text/html; charset=utf-8"};
    buf_init(&rs.body, opts->max_answer ? opts->max_answer : (size_t)64 << 20);
    dispatch(&rq, &rs, cs->upload);
    if (rq.authed)
        snprintf(cs->userbuf, sizeof cs->userbuf, "%s", rq.u.name);
    enum MHD_Result ret = send_response(c, cs, &rs, rq.tls);
    buf_free(&rs.body);
    arena_free(&a);
    return ret;
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode toe)
{
    (void)cls;
    conn_state *cs = *con_cls;
    if (!cs)
        return;
    if (opts->access_log) {
        struct timespec t1;
        clock_gettime(CLOCK_MONOTONIC, &t1);
        double ms = (double)(t1.tv_sec - cs->t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - cs->t0.tv_nsec) / 1e6;
        const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
        char ip[INET6_ADDRSTRLEN] = "-";
        if (ci && ci->client_addr && ci->client_addr->sa_family == AF_INET)
            inet_ntop(AF_INET, &((const struct sockaddr_in *)ci->client_addr)->sin_addr, ip, sizeof ip);
        char now[32];
        store_now(now);
        pthread_mutex_lock(&log_mu);
        fprintf(opts->access_log, "%s %s %s %s %d %.1fms user=%s%s\n", now, ip, cs->method, cs->path, cs->status, ms,
                cs->userbuf[0] ? cs->userbuf : "-", toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " aborted");
        fflush(opts->access_log);
        pthread_mutex_unlock(&log_mu);
    }
    /* The next request on a kept-alive connection has its own deadline for its headers. */
    web_guard_phase(cs->guard, WEB_GUARD_HEADERS);
    buf_free(&cs->body);
    free(cs);
    *con_cls = NULL;
}

static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
                          enum MHD_ConnectionNotificationCode code)
{
    (void)cls;
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
        *socket_context = ci ? web_guard_opened(ci->connect_fd) : NULL;
    } else if (code == MHD_CONNECTION_NOTIFY_CLOSED) {
        web_guard_closed(*socket_context);
        *socket_context = NULL;
    }
}

static char *read_file(const char *path, isms_err *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        err_set(err, ISMS_EIO, "cannot read %s: %s", path, strerror(errno));
        return NULL;
    }
    buf b;
    buf_init(&b, 1 << 20);
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        if (buf_append(&b, chunk, n)) {
            buf_free(&b);
            fclose(f);
            err_set(err, ISMS_EINVAL, "%s is too large", path);
            return NULL;
        }
    fclose(f);
    return b.data;
}

/* Each connection's memory for the request line and headers. libmicrohttpd zeroes all of it
 * between keep-alive requests, so a large pool costs every request; 16 KiB holds 8 KiB of headers. */
#define WEB_CONN_POOL (16 * 1024)

int web_serve(const web_opts *o, isms_err *err)
{
    opts = o;
    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof ss);
    char host[128];
    int port = 8027;
    const char *listen = o->listen ? o->listen : "127.0.0.1:8027";
    const char *colon = strrchr(listen, ':');
    if (!colon || sscanf(colon + 1, "%d", &port) != 1 || port < 0 || port > 65535 || (size_t)(colon - listen) >= sizeof host)
        return err_set(err, ISMS_EINVAL, "--listen '%s' is not HOST:PORT", listen);
    snprintf(host, sizeof host, "%.*s", (int)(colon - listen), listen);
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG | MHD_USE_ITC;
    socklen_t slen;
    if (host[0] == '[') {
        struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
        size_t hl = strlen(host);
        if (hl < 3 || host[hl - 1] != ']')
            return err_set(err, ISMS_EINVAL, "--listen '%s': bad IPv6 address", listen);
        host[hl - 1] = '\0';
        s6->sin6_family = AF_INET6;
        s6->sin6_port = htons((uint16_t)port);
        if (inet_pton(AF_INET6, host + 1, &s6->sin6_addr) != 1)
            return err_set(err, ISMS_EINVAL, "--listen '%s': bad IPv6 address", listen);
        flags |= MHD_USE_IPv6;
        slen = sizeof *s6;
    } else {
        struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
        s4->sin_family = AF_INET;
        s4->sin_port = htons((uint16_t)port);
        if (inet_pton(AF_INET, host, &s4->sin_addr) != 1)
            return err_set(err, ISMS_EINVAL, "--listen '%s': give an IP address such as 127.0.0.1", listen);
        slen = sizeof *s4;
    }
    (void)slen;
    char *cert = NULL, *key = NULL;
    if ((o->tls_cert != NULL) != (o->tls_key != NULL))
        return err_set(err, ISMS_EINVAL, "TLS needs both --tls-cert and --tls-key");
    if (o->tls_cert) {
        if (!(cert = read_file(o->tls_cert, err)) || !(key = read_file(o->tls_key, err))) {
            free(cert);
            return err->code;
        }
        flags |= MHD_USE_TLS;
    }
    isms_err ce = {0};
    if (catalog_init(&ce) || web_auth_init(o)) {
        free(cert);
        free(key);
        return err_set(err, ISMS_ENOMEM, "cannot initialise the server");
    }
    /* Check the workspace once up front, so a bad path fails at start rather than per request. */
    ws *probe;
    if (ws_open(o->db_path, 0, &probe, err)) {
        free(cert);
        free(key);
        web_auth_free();
        return err->code;
    }
    ws_close(probe);
    /* The workers inherit a mask without SIGINT/SIGTERM, so the main thread alone takes them. */
    sigset_t stopset;
    sigemptyset(&stopset);
    sigaddset(&stopset, SIGINT);
    sigaddset(&stopset, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stopset, NULL);
    signal(SIGPIPE, SIG_IGN);
    /* Four workers per core: reads are short and CPU-bound, but a write waits for the disk to
     * flush its commit, and with one worker per core two writes would stall every read behind
     * them. Many more workers make the writer that holds the write lock wait for a core. */
    int threads = o->threads > 0 ? o->threads : 4 * (int)sysconf(_SC_NPROCESSORS_ONLN);
    if (threads < 4)
        threads = 4;
    struct MHD_OptionItem tls_opts[] = {
        {cert ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, 0, cert},
        {key ? MHD_OPTION_HTTPS_MEM_KEY : MHD_OPTION_END, 0, key},
        {MHD_OPTION_END, 0, NULL},
    };
    if (web_guard_start(o->header_timeout_s, o->body_timeout_s)) {
        free(cert);
        free(key);
        web_auth_free();
        return err_set(err, ISMS_ENOMEM, "cannot start the server's connection guard");
    }
    struct MHD_Daemon *d = MHD_start_daemon(
        flags, (uint16_t)port, NULL, NULL, on_request, NULL, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned)threads, MHD_OPTION_CONNECTION_TIMEOUT,
        (unsigned)(o->conn_timeout_s > 0 ? o->conn_timeout_s : 30), MHD_OPTION_CONNECTION_MEMORY_LIMIT,
        (size_t)WEB_CONN_POOL, MHD_OPTION_CONNECTION_LIMIT, (unsigned)1000, MHD_OPTION_PER_IP_CONNECTION_LIMIT,
        (unsigned)(o->max_conns_per_address > 0 ? o->max_conns_per_address : 128), MHD_OPTION_NOTIFY_COMPLETED,
        on_completed, NULL, MHD_OPTION_NOTIFY_CONNECTION, on_connection, NULL, MHD_OPTION_ARRAY, tls_opts,
        MHD_OPTION_END);
    if (!d) {
        web_guard_stop();
        free(cert);
        free(key);
        web_auth_free();
        return err_set(err, ISMS_EIO, "cannot listen on %s (in use, or not an address of this machine)", listen);
    }
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    char url[200];
    snprintf(url, sizeof url, "%s://%s:%u/", o->tls_cert ? "https" : "http", host, di ? di->port : (unsigned)port);
    if (o->ready)
        o->ready(url, o->ready_ctx);
    int sig;
    sigwait(&stopset, &sig);
    /* Stop accepting, let in-flight requests finish, then close the workers' connections. */
    MHD_quiesce_daemon(d);
    MHD_stop_daemon(d);
    web_guard_stop();
    pthread_mutex_lock(&ws_mu);
    for (size_t i = 0; i < ws_count; i++)
        ws_close(ws_list[i]);
    ws_count = 0;
    pthread_mutex_unlock(&ws_mu);
    web_auth_free();
    web_cache_free();
    free(cert);
    free(key);
    return ISMS_OK;
}
