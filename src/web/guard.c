/* Deadlines for slow clients. libmicrohttpd's connection timeout counts idleness, so a client that
 * sends one header byte every few seconds keeps its connection for ever; here every connection
 * carries a deadline instead — its request headers must be complete within the header timeout of
 * the connection's start (or of the end of its previous request), its body within the body timeout
 * of the headers — and a reaper thread shuts down the socket of a connection past its deadline.
 * libmicrohttpd then closes it as if the client had gone. */
#include <pthread.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>

#include "web/web.h"

struct web_guard_conn {
    struct web_guard_conn *prev, *next;
    int fd;
    time_t deadline;        /* 0 while an answer is being made or sent */
};

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static web_guard_conn *head;
static pthread_t reaper;
static int running, stopping;
static int header_s = 10, body_s = 60;
static unsigned long reaped;

static time_t now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec;
}

static void *reap(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&mu);
    while (!stopping) {
        struct timespec wake;
        clock_gettime(CLOCK_REALTIME, &wake);
        wake.tv_sec += 1;
        pthread_cond_timedwait(&cv, &mu, &wake);
        time_t t = now_s();
        /* The socket stays open while the connection is listed: libmicrohttpd reports the
         * close (web_guard_closed, under mu) before it closes the descriptor. */
        for (web_guard_conn *g = head; g; g = g->next)
            if (g->deadline && t >= g->deadline && g->fd >= 0) {
                shutdown(g->fd, SHUT_RDWR);
                g->fd = -1;
                reaped++;
            }
    }
    pthread_mutex_unlock(&mu);
    return NULL;
}

int web_guard_start(int header_timeout_s, int body_timeout_s)
{
    if (header_timeout_s > 0)
        header_s = header_timeout_s;
    if (body_timeout_s > 0)
        body_s = body_timeout_s;
    stopping = 0;
    if (pthread_create(&reaper, NULL, reap, NULL))
        return -1;
    running = 1;
    return 0;
}

void web_guard_stop(void)
{
    if (!running)
        return;
    pthread_mutex_lock(&mu);
    stopping = 1;
    pthread_cond_signal(&cv);
    pthread_mutex_unlock(&mu);
    pthread_join(reaper, NULL);
    running = 0;
}

web_guard_conn *web_guard_opened(int fd)
{
    web_guard_conn *g = calloc(1, sizeof *g);
    if (!g)
        return NULL;
    g->fd = fd;
    g->deadline = now_s() + header_s;
    pthread_mutex_lock(&mu);
    g->next = head;
    if (head)
        head->prev = g;
    head = g;
    pthread_mutex_unlock(&mu);
    return g;
}

void web_guard_closed(web_guard_conn *g)
{
    if (!g)
        return;
    pthread_mutex_lock(&mu);
    if (g->prev)
        g->prev->next = g->next;
    else
        head = g->next;
    if (g->next)
        g->next->prev = g->prev;
    pthread_mutex_unlock(&mu);
    free(g);
}

void web_guard_phase(web_guard_conn *g, int phase)
{
    if (!g)
        return;
    time_t t = now_s();
    pthread_mutex_lock(&mu);
    g->deadline = phase == WEB_GUARD_HEADERS ? t + header_s
                : phase == WEB_GUARD_BODY    ? t + body_s
                : phase == WEB_GUARD_UPLOAD  ? t + 10 * (time_t)body_s
                                             : 0;
    pthread_mutex_unlock(&mu);
}

unsigned long web_guard_reaped(void)
{
    pthread_mutex_lock(&mu);
    unsigned long n = reaped;
    pthread_mutex_unlock(&mu);
    return n;
}
