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
    cli_opt opts[] = {{"listen", 1, &listen}, {"tls-cert", 1, &cert}, {"tls-key", 1, &key},
                      {"threads", 1, &threads}, {"max-body", 1, &maxbody}, {"quiet", 0, &quiet}, {NULL, 0, NULL}};
    if (cli_parse(c, opts, NULL, 0, NULL))
        return EXIT_USAGE;
    long nthreads = 0, mb = 1 << 20;
    if ((threads && cli_int(c, "--threads", threads, 1, 256, &nthreads)) ||
        (maxbody && cli_int(c, "--max-body", maxbody, 1024, 64L << 20, &mb)))
        return EXIT_USAGE;
    const char *idle = getenv("ISMS_SESSION_IDLE"), *maxs = getenv("ISMS_SESSION_MAX");
    web_opts o = {
        .listen = listen ? listen : "127.0.0.1:8027",
        .db_path = c->db_path,
        .tls_cert = cert,
        .tls_key = key,
        .threads = (int)nthreads,
        .max_body = (size_t)mb,
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
    {NULL, serve_run, "[--listen 127.0.0.1:8027] [--tls-cert FILE --tls-key FILE] [--threads N] [--max-body BYTES] [--quiet]",
     "Serve the web app and the JSON API (/api/v1/, OpenAPI at /api/v1/openapi.json) on the workspace.\n"
     "Log in with a user from `isms user add`; API clients send `Authorization: Bearer` with a token from\n"
     "`isms token create`. An access log goes to stderr unless --quiet. SIGINT/SIGTERM stop it gracefully."},
    {NULL, NULL, NULL, NULL},
};
