/* The helpers of fuzz.h. */
#define _GNU_SOURCE
#include "fuzz.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ftw.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

size_t fuzz_split(const uint8_t *data, size_t size, fuzz_part *parts, size_t max)
{
    const char *p = (const char *)data, *end = p + size;
    size_t n = 0, sl = strlen(FUZZ_SEP);
    while (n + 1 < max) {
        const char *hit = memmem(p, (size_t)(end - p), FUZZ_SEP, sl);
        if (!hit)
            break;
        parts[n++] = (fuzz_part){p, (size_t)(hit - p)};
        p = hit + sl;
    }
    parts[n++] = (fuzz_part){p, (size_t)(end - p)};
    return n;
}

char *fuzz_strdup(fuzz_part part)
{
    char *s = malloc(part.n + 1);
    if (!s)
        abort();
    memcpy(s, part.p, part.n);
    s[part.n] = '\0';
    return s;
}

/* ---- files ---- */

static int memfd = -1;
static char memfd_path[64];

const char *fuzz_file(const void *data, size_t n, const char *name)
{
    fuzz_file_close();
    memfd = memfd_create(name, MFD_CLOEXEC);
    if (memfd < 0)
        abort();
    for (size_t off = 0; off < n;) {
        ssize_t w = write(memfd, (const char *)data + off, n - off);
        if (w <= 0)
            abort();
        off += (size_t)w;
    }
    lseek(memfd, 0, SEEK_SET);
    snprintf(memfd_path, sizeof memfd_path, "/proc/self/fd/%d", memfd);
    return memfd_path;
}

void fuzz_file_close(void)
{
    if (memfd >= 0)
        close(memfd);
    memfd = -1;
}

static char tree[64];

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *f)
{
    (void)st, (void)flag;
    return f->level ? remove(p) : 0;
}

void fuzz_tree_clear(void)
{
    if (*tree)
        nftw(tree, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void tree_remove(void)
{
    fuzz_tree_clear();
    if (*tree)
        rmdir(tree);
}

const char *fuzz_tree(void)
{
    if (!*tree) {
        /* a memory file system when there is one: the host target rewrites its tree every run */
        snprintf(tree, sizeof tree, "%s/isms-fuzz-XXXXXX", access("/dev/shm", W_OK) ? "/tmp" : "/dev/shm");
        if (!mkdtemp(tree))
            abort();
        atexit(tree_remove);
    }
    return tree;
}

void fuzz_tree_put(const char *rel, const void *data, size_t n)
{
    char path[4096];
    snprintf(path, sizeof path, "%s%s", fuzz_tree(), rel);
    for (char *s = path + strlen(tree) + 1; *s; s++)
        if (*s == '/') {
            *s = '\0';
            mkdir(path, 0755);
            *s = '/';
        }
    FILE *f = fopen(path, "wb");
    if (!f)
        return; /* a directory of that name already: the tree keeps what it has */
    fwrite(data, 1, n, f);
    fclose(f);
}

/* ---- sleeping ---- */

static __thread int no_sleep;

void fuzz_no_sleep(int on) { no_sleep = on; }

int nanosleep(const struct timespec *req, struct timespec *rem)
{
    if (no_sleep)
        return 0;
    return (int)syscall(SYS_nanosleep, req, rem);
}

/* ---- the loopback HTTP peer ---- */

static pthread_mutex_t peer_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t peer_idle = PTHREAD_COND_INITIALIZER;
static fuzz_part *peer_list;  /* the peer's own copies: the input is freed once the target returns */
static char *peer_bytes;
static size_t peer_n, peer_next, peer_answered;
static int peer_busy;
static char peer_url[64];

static void send_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
        if (w <= 0)
            return;
        p += w;
        n -= (size_t)w;
    }
}

/* Read one request (headers, and a body of Content-Length bytes) and throw it away. */
static int read_request(int fd)
{
    char buf[65536];
    size_t len = 0;
    char *end = NULL;
    while (!end) {
        if (len == sizeof buf - 1)
            return -1;
        ssize_t r = recv(fd, buf + len, sizeof buf - 1 - len, 0);
        if (r <= 0)
            return -1;
        len += (size_t)r;
        buf[len] = '\0';
        end = strstr(buf, "\r\n\r\n");
    }
    long body = 0;
    int cont = 0;
    for (char *l = strstr(buf, "\r\n"); l && l < end; l = strstr(l + 2, "\r\n")) {
        if (!strncasecmp(l + 2, "Content-Length:", 15))
            body = atol(l + 17);
        if (!strncasecmp(l + 2, "Expect: 100-continue", 20))
            cont = 1;
    }
    if (cont)
        send_all(fd, "HTTP/1.1 100 Continue\r\n\r\n", 25);
    long have = (long)(len - (size_t)(end + 4 - buf));
    while (have < body) {
        ssize_t r = recv(fd, buf, sizeof buf, 0);
        if (r <= 0)
            return -1;
        have += r;
    }
    return 0;
}

static void answer(int fd, fuzz_part part)
{
    const char *p = part.p, *end = p + part.n;
    int status = 200;
    const char *hdr = p, *hdr_end = p;
    size_t digits = 0;
    while (p + digits < end && digits < 4 && p[digits] >= '0' && p[digits] <= '9')
        digits++;
    if (digits >= 1 && digits <= 3 && p + digits < end && p[digits] == '\n') {
        status = atoi(p);
        hdr = hdr_end = p + digits + 1;
        while (hdr_end < end && *hdr_end != '\n') { /* header lines up to an empty one */
            const char *nl = memchr(hdr_end, '\n', (size_t)(end - hdr_end));
            hdr_end = nl ? nl + 1 : end;
        }
        p = hdr_end < end ? hdr_end + 1 : end;
    }
    char head[256];
    int hl = snprintf(head, sizeof head, "HTTP/1.1 %d Fuzz\r\n", status < 200 ? 200 : status);
    send_all(fd, head, (size_t)hl);
    for (const char *l = hdr; l < hdr_end;) {
        const char *nl = memchr(l, '\n', (size_t)(hdr_end - l));
        size_t ll = nl ? (size_t)(nl - l) : (size_t)(hdr_end - l);
        send_all(fd, l, ll);
        send_all(fd, "\r\n", 2);
        l += ll + 1;
    }
    hl = snprintf(head, sizeof head, "Content-Length: %zu\r\nConnection: close\r\n\r\n", (size_t)(end - p));
    send_all(fd, head, (size_t)hl);
    send_all(fd, p, (size_t)(end - p));
}

static void *peer_main(void *arg)
{
    int ls = (int)(intptr_t)arg;
    for (;;) {
        int fd = accept(ls, NULL, NULL);
        if (fd < 0)
            continue;
        pthread_mutex_lock(&peer_mu);
        peer_busy = 1;
        pthread_mutex_unlock(&peer_mu);
        if (read_request(fd) == 0) {
            pthread_mutex_lock(&peer_mu);
            fuzz_part part = {"404\n\n", 5};
            if (peer_next < peer_n)
                part = peer_list[peer_next++];
            peer_answered++;
            pthread_mutex_unlock(&peer_mu);
            answer(fd, part);
        }
        shutdown(fd, SHUT_WR);
        char drain[512];
        struct timeval tv = {0, 100000};
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        while (recv(fd, drain, sizeof drain, 0) > 0)
            ;
        close(fd);
        pthread_mutex_lock(&peer_mu);
        peer_busy = 0;
        pthread_cond_broadcast(&peer_idle);
        pthread_mutex_unlock(&peer_mu);
    }
    return NULL;
}

const char *fuzz_peer_url(void)
{
    if (*peer_url)
        return peer_url;
    int ls = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t sl = sizeof sa;
    if (ls < 0 || bind(ls, (struct sockaddr *)&sa, sizeof sa) || listen(ls, 16) ||
        getsockname(ls, (struct sockaddr *)&sa, &sl))
        abort();
    pthread_t t;
    if (pthread_create(&t, NULL, peer_main, (void *)(intptr_t)ls))
        abort();
    pthread_detach(t);
    snprintf(peer_url, sizeof peer_url, "http://127.0.0.1:%u", ntohs(sa.sin_port));
    return peer_url;
}

void fuzz_peer_serve(const fuzz_part *responses, size_t n)
{
    pthread_mutex_lock(&peer_mu);
    while (peer_busy)
        pthread_cond_wait(&peer_idle, &peer_mu);
    free(peer_list);
    free(peer_bytes);
    size_t total = 0;
    for (size_t i = 0; i < n; i++)
        total += responses[i].n;
    peer_list = malloc((n ? n : 1) * sizeof *peer_list);
    peer_bytes = malloc(total ? total : 1);
    if (!peer_list || !peer_bytes)
        abort();
    for (size_t i = 0, off = 0; i < n; off += responses[i++].n) {
        memcpy(peer_bytes + off, responses[i].p, responses[i].n);
        peer_list[i] = (fuzz_part){peer_bytes + off, responses[i].n};
    }
    peer_n = n;
    peer_next = peer_answered = 0;
    pthread_mutex_unlock(&peer_mu);
}

size_t fuzz_peer_requests(void)
{
    pthread_mutex_lock(&peer_mu);
    size_t n = peer_answered;
    pthread_mutex_unlock(&peer_mu);
    return n;
}

/* ---- collectors ---- */

#include "util/arena.h"
#include "util/buf.h"

void fuzz_run_check(const check_def *defs, const uint8_t *data, size_t size, const char *(*get)(const char *))
{
    size_t n = 0;
    while (defs[n].id)
        n++;
    if (!size || !n)
        return;
    const check_def *d = &defs[(data[0] & 0x7f) % n];
    int offline = (data[0] & 0x80) && d->evaluate;
    data++, size--;
    arena a;
    arena_init(&a);
    buf raw;
    buf_init(&raw, 16u << 20);
    check_ctx ctx = {.a = &a, .raw = &raw, .getenv = get, .timeout_ms = 3000, .max_retries = 1};
    check_result res = {0};
    isms_err err = {0};
    fuzz_no_sleep(1);
    size_t requests = 0;
    if (offline) {
        d->evaluate(&ctx, (const char *)data, size, &res, &err);
    } else {
        fuzz_part parts[64];
        size_t np = fuzz_split(data, size, parts, 64);
        fuzz_peer_serve(parts, np);
        d->run(&ctx, &res, &err);
        requests = fuzz_peer_requests();
        fuzz_peer_serve(NULL, 0);
    }
    fuzz_no_sleep(0);
    if (getenv("FUZZ_DEBUG")) /* for writing seeds: what the check made of them */
        fprintf(stderr, "%s (%s, %zu requests): %s %s%s\n", d->id, offline ? "evaluate" : "run", requests,
                res.summary ? res.summary : "(no result)", err.code ? "error: " : "", err.code ? err.msg : "");
    /* what a front end does with the result: every string is read */
    if (res.summary)
        (void)strlen(res.summary);
    if (res.details)
        (void)strlen(res.details);
    buf_free(&raw);
    arena_free(&a);
}
