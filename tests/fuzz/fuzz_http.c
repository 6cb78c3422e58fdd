/* HTTP requests as the server sees them: the real server (web_serve: libmicrohttpd, our routing,
 * authentication by token and by session cookie, CSRF, query strings, form and JSON bodies,
 * uploads) runs in this process on 127.0.0.1 over a demo workspace, and each input is sent to it
 * as the raw bytes of one connection (request line, headers, body; keep-alive requests too).
 *
 * Driving the daemon through a socket rather than calling our handlers directly is deliberate:
 * the handlers read the method, URL, headers, cookies and arguments through libmicrohttpd's
 * connection, so this is the only way to give them exactly what a client can send, and a request
 * that libmicrohttpd would refuse never reaches them here either. Each input is answered before the
 * next is sent, and a crash in a server thread aborts the fuzzer with that input.
 *
 * Credentials: "@VIEWER@" and "@EDITOR@" in the input become API tokens of a viewer and an editor,
 * "@COOKIE@" a viewer's session cookie (name=value) and "@CSRF@" its CSRF token, so that inputs
 * reach the routes behind authentication. The admin role is left out so that an input cannot revoke
 * the credentials the next ones use. */
#define _GNU_SOURCE /* strcasestr */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "core/catalog.h"
#include "fuzz.h"
#include "store/demo.h"
#include "store/store.h"
#include "web/web.h"

static char db_path[4200], url[200], tok_viewer[128], tok_editor[128], cookie[256], csrf[80];
static int port;
static pthread_mutex_t ready_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t ready_cv = PTHREAD_COND_INITIALIZER;

static void on_ready(const char *u, void *ctx)
{
    (void)ctx;
    pthread_mutex_lock(&ready_mu);
    snprintf(url, sizeof url, "%s", u);
    pthread_cond_broadcast(&ready_cv);
    pthread_mutex_unlock(&ready_mu);
}

static web_opts opts;

static void *serve(void *arg)
{
    (void)arg;
    isms_err err = {0};
    if (web_serve(&opts, &err))
        fprintf(stderr, "fuzz_http: the server stopped: %s\n", err.msg);
    exit(1);
}

static void die(const char *what, const isms_err *err)
{
    fprintf(stderr, "fuzz_http: %s%s%s\n", what, err ? ": " : "", err ? err->msg : "");
    exit(1);
}

/* Send one connection's bytes and read the answer to its end (or 5 s); the answer, NUL-terminated,
 * goes to out when given. */
static void exchange(const char *req, size_t n, char *out, size_t outsz)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port),
                             .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof sa)) {
        perror("fuzz_http: connect");
        exit(1);
    }
    struct timeval tv = {5, 0};
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    for (size_t off = 0; off < n;) {
        ssize_t w = send(fd, req + off, n - off, MSG_NOSIGNAL);
        if (w <= 0)
            break;
        off += (size_t)w;
    }
    shutdown(fd, SHUT_WR);
    char chunk[16384];
    size_t got = 0;
    ssize_t r;
    /* up to 5 s for the answer to start; then it is over at the close, or when the server has been
     * quiet for 250 ms */
    struct pollfd pf = {fd, POLLIN, 0};
    int wait_ms = 5000;
    while (poll(&pf, 1, wait_ms) > 0 && (r = recv(fd, chunk, sizeof chunk, 0)) > 0) {
        wait_ms = 250;
        if (out && got + 1 < outsz) {
            size_t c = (size_t)r < outsz - 1 - got ? (size_t)r : outsz - 1 - got;
            memcpy(out + got, chunk, c);
            got += c;
        }
    }
    if (out)
        out[got] = '\0';
    close(fd);
}

/* A header's value in an answer, into out. */
static int header_value(const char *resp, const char *name, char *out, size_t sz)
{
    const char *h = strcasestr(resp, name);
    if (!h)
        return 0;
    h += strlen(name);
    size_t n = strcspn(h, ";\r\n");
    snprintf(out, sz, "%.*s", (int)n, h);
    return 1;
}

/* Log the viewer in: its session cookie and CSRF token into cookie and csrf. Fails (keeping the
 * old ones) when the server refuses, e.g. after inputs that failed to log in too often. */
static int login(void)
{
    static char resp[65536];
    const char *body = "name=viewer&password=viewer+password+1234";
    char req[1024];
    int n = snprintf(req, sizeof req,
                     "POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                     "Content-Length: %zu\r\nConnection: close\r\n\r\n%s",
                     strlen(body), body);
    exchange(req, (size_t)n, resp, sizeof resp);
    char got[256];
    if (!header_value(resp, "Set-Cookie: ", got, sizeof got)) {
        fprintf(stderr, "fuzz_http: no session cookie from POST /login:\n%.300s\n", resp);
        return -1;
    }
    n = snprintf(req, sizeof req, "GET /api/v1/me HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: %s\r\nConnection: close\r\n\r\n",
                 got);
    exchange(req, (size_t)n, resp, sizeof resp);
    const char *c = strstr(resp, "\"csrf\"");
    if (!c || !(c = strchr(c + 6, '"'))) {
        fprintf(stderr, "fuzz_http: no CSRF token from /api/v1/me:\n%.300s\n", resp);
        return -1;
    }
    snprintf(cookie, sizeof cookie, "%s", got);
    snprintf(csrf, sizeof csrf, "%.64s", c + 1);
    return 0;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    isms_err err = {0};
    if (catalog_init(&err))
        die("catalog", &err);
    snprintf(db_path, sizeof db_path, "%s/ws.db", fuzz_tree());
    ws *w;
    int64_t id;
    if (ws_open(db_path, WS_CREATE, &w, &err) || ws_begin(w, &err) || store_org_create(w, "Fuzz Ltd", &err) ||
        demo_populate(w, &err) || store_user_add(w, "viewer", "viewer", "viewer password 1234", &id, &err) ||
        store_user_add(w, "editor", "editor", "editor password 1234", &id, &err) ||
        store_token_create(w, "viewer", "fuzz", tok_viewer, sizeof tok_viewer, &id, &err) ||
        store_token_create(w, "editor", "fuzz", tok_editor, sizeof tok_editor, &id, &err) || ws_commit(w, &err))
        die("the demo workspace", &err);
    ws_close(w);
    opts = (web_opts){.listen = "127.0.0.1:0", .db_path = db_path, .threads = 2, .max_body = 1u << 20, .conn_timeout_s = 5,
                      .ready = on_ready};
    pthread_t t;
    pthread_mutex_lock(&ready_mu);
    if (pthread_create(&t, NULL, serve, NULL))
        die("thread", NULL);
    pthread_detach(t);
    while (!*url)
        pthread_cond_wait(&ready_cv, &ready_mu);
    pthread_mutex_unlock(&ready_mu);
    const char *colon = strrchr(url, ':');
    port = atoi(colon + 1);
    if (login())
        die("the first login", NULL);
    return 0;
}

/* libmicrohttpd keeps a keep-alive connection open after the client's half-close (until its idle
 * timeout), so each input is followed by a request that closes the connection: once it is answered
 * the exchange is over. An input that ends inside a request takes this one into it, and then the
 * exchange ends when the server falls quiet. */
static const char closing[] = "GET /fuzz-end HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";

/* The input with its placeholders replaced by the credentials, and the closing request (malloc'd). */
static char *with_credentials(const uint8_t *data, size_t size, size_t *len)
{
    static const char *const marks[] = {"@VIEWER@", "@EDITOR@", "@COOKIE@", "@CSRF@"};
    const char *vals[] = {tok_viewer, tok_editor, cookie, csrf};
    size_t cap = size * 4 + sizeof closing + 64, room = cap - sizeof closing, o = 0;
    char *out = malloc(cap);
    for (size_t i = 0; i < size;) {
        int hit = -1;
        for (int k = 0; k < 4 && hit < 0; k++)
            if (data[i] == '@' && size - i >= strlen(marks[k]) && !memcmp(data + i, marks[k], strlen(marks[k])))
                hit = k;
        if (hit >= 0 && o + strlen(vals[hit]) < room) {
            memcpy(out + o, vals[hit], strlen(vals[hit]));
            o += strlen(vals[hit]);
            i += strlen(marks[hit]);
        } else if (o < room) {
            out[o++] = (char)data[i++];
        } else {
            break;
        }
    }
    memcpy(out + o, closing, sizeof closing - 1);
    *len = o + sizeof closing - 1;
    return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static unsigned count;
    if (++count % 2000 == 0)
        login(); /* an input may have logged the session out; on failure the old one is kept */
    size_t n;
    char *req = with_credentials(data, size, &n);
    if (getenv("FUZZ_DEBUG")) { /* for writing seeds: the status line of each answer */
        static char resp[1 << 20];
        exchange(req, n, resp, sizeof resp);
        for (char *p = resp; (p = strstr(p, "HTTP/1.1 ")); p += 9)
            fprintf(stderr, "%.*s | %.60s\n", (int)strcspn(p, "\r\n"), p, req);
    } else {
        exchange(req, n, NULL, 0);
    }
    free(req);
    return 0;
}
