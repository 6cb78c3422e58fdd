/* Google answers as the Google Workspace checks read them: the OAuth token exchange, users.list
 * pages with nextPageToken, error bodies; each check run against the loopback peer answering with
 * the input's responses in order, or (high bit of data[0]) a saved export given to its evaluate.
 * data[0] == 0x7f reads the rest as a service-account key file instead (gws_key_load). The key
 * used for the runs is tests/fixtures/gworkspace/service-account.json with its token_uri on the peer. */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "collect/gworkspace.h"
#include "fuzz.h"

static char key_path[4200];

static const char *env(const char *name)
{
    if (!strcmp(name, "GOOGLE_APPLICATION_CREDENTIALS"))
        return key_path;
    if (!strcmp(name, "ISMS_GWORKSPACE_ADMIN"))
        return "admin@example.com";
    if (!strcmp(name, "ISMS_GOOGLE_API_URL"))
        return fuzz_peer_url();
    return NULL;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    const char *fx = getenv("ISMS_FIXTURES") ? getenv("ISMS_FIXTURES") : "tests/fixtures";
    char src[4096];
    snprintf(src, sizeof src, "%s/gworkspace/service-account.json", fx);
    json_error_t je;
    json_t *k = json_load_file(src, 0, &je);
    if (!k) {
        fprintf(stderr, "fuzz_gworkspace: cannot read %s (run from the repository root)\n", src);
        exit(1);
    }
    char uri[128];
    snprintf(uri, sizeof uri, "%s/token", fuzz_peer_url());
    json_object_set_new(k, "token_uri", json_string(uri));
    snprintf(key_path, sizeof key_path, "%s/key.json", fuzz_tree());
    json_dump_file(k, key_path, 0);
    json_decref(k);
    chmod(key_path, 0600);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size && data[0] == 0x7f) {
        char path[4300];
        snprintf(path, sizeof path, "%s/fuzzed-key.json", fuzz_tree());
        fuzz_tree_put("/fuzzed-key.json", data + 1, size - 1);
        chmod(path, 0600);
        arena a;
        arena_init(&a);
        gws_key k = {0};
        isms_err err = {0};
        if (!gws_key_load(&a, path, &k, &err)) {
            char *jwt = NULL;
            gws_jwt(&a, &k, "admin@example.com", 1700000000, &jwt, &err);
        }
        gws_key_free(&k);
        arena_free(&a);
        return 0;
    }
    fuzz_run_check(checks_gworkspace, data, size, env);
    return 0;
}
