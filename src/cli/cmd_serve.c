/* isms serve: the web app and the JSON API. */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "web/web.h"

static void on_ready(const char *url, void *ctx)
{
    cli_ctx *c = ctx;
    printf("isms serving %s at %s (Ctrl-C to stop)\n", c->db_path, url);
    fflush(stdout);
}

static int serve_run(cli_ctx *c)
{
    const char *listen = NULL, *cert = NULL, *key = NULL, *threads = NULL, *quiet = NULL, *maxbody = NULL;
    const char *hto = NULL, *bto = NULL, *peraddr = NULL, *maxanswer = NULL;
    cli_opt opts[] = {{"listen", 1, &listen},       {"tls-cert", 1, &cert},
                      {"tls-key", 1, &key},         {"threads", 1, &threads},
                      {"max-body", 1, &maxbody},    {"max-answer", 1, &maxanswer},
                      {"header-timeout", 1, &hto},  {"body-timeout", 1, &bto},
                      {"max-conns-per-address", 1, &peraddr}, {"quiet", 0, &quiet},
                      {NULL, 0, NULL}};
    if (cli_parse(c, opts, NULL, 0, NULL))
        return EXIT_USAGE;
    long nthreads = 0, mb = 1 << 20, hs = 10, bs = 60, per = 128, ma = 64L << 20;
    if ((threads && cli_int(c, "--threads", threads, 1, 256, &nthreads)) ||
        (maxbody && cli_int(c, "--max-body", maxbody, 1024, 64L << 20, &mb)) ||
        (maxanswer && cli_int(c, "--max-answer", maxanswer, 4096, 1L << 30, &ma)) ||
        (hto && cli_int(c, "--header-timeout", hto, 1, 3600, &hs)) ||
        (bto && cli_int(c, "--body-timeout", bto, 1, 3600, &bs)) ||
        (peraddr && cli_int(c, "--max-conns-per-address", peraddr, 1, 1000, &per)))
        return EXIT_USAGE;
    const char *idle = getenv("ISMS_SESSION_IDLE"), *maxs = getenv("ISMS_SESSION_MAX");
    const char *slots = getenv("ISMS_SESSION_SLOTS"); /* a small table, for tests */
    web_opts o = {
        .listen = listen ? listen : "127.0.0.1:8027",
        .db_path = c->db_path,
        .tls_cert = cert,
        .tls_key = key,
        .threads = (int)nthreads,
        .max_body = (size_t)mb,
        .max_answer = (size_t)ma,
        .header_timeout_s = (int)hs,
        .body_timeout_s = (int)bs,
        .max_conns_per_address = (int)per,
        .session_slots = slots ? atoi(slots) : 0,
        .session_idle_s = idle ? atoi(idle) : 0,
        .session_max_s = maxs ? atoi(maxs) : 0,
        .access_log = quiet ? NULL : stderr,
        .ready = on_ready,
        .ready_ctx = c,
    };
    isms_err err = {0};
    if (web_serve(&o, &err))
        return cli_fail(&err);
    fprintf(stderr, "isms: server stopped\n");
    return EXIT_OK;
}

const cli_cmd cmds_serve[] = {
    {NULL, serve_run,
     "[--listen 127.0.0.1:8027] [--tls-cert FILE --tls-key FILE] [--threads N] [--max-body BYTES] [--max-answer BYTES]\n"
     "      [--header-timeout S] [--body-timeout S] [--max-conns-per-address N] [--quiet]",
     "Serve the web app and the JSON API (/api/v1/, OpenAPI at /api/v1/openapi.json) on the workspace.\n"
     "Log in with a user from `isms user add`; API clients send `Authorization: Bearer` with a token from\n"
     "`isms token create`. An access log goes to stderr unless --quiet. SIGINT/SIGTERM stop it gracefully.\n"
     "Slow clients cannot crowd others out: a client address holds at most --max-conns-per-address\n"
     "connections (128; behind a reverse proxy, raise it), a request's headers must arrive within\n"
     "--header-timeout seconds (10) and its body within --body-timeout (60; uploads ten times that).\n"
     "An answer larger than --max-answer (64 MiB) is refused with an error, never sent cut off."},
    {NULL, NULL, NULL, NULL},
};
