/* isms log: the hash-chained audit log of every change. */
#include <string.h>

#include "cli/cli.h"
#include "util/json.h"

typedef struct log_ctx {
    jw j;
    int json;
} log_ctx;

static int log_one(const audit_entry *e, void *p)
{
    log_ctx *l = p;
    if (l->json) {
        jw *j = &l->j;
        jw_obj(j);
        jw_kint(j, "seq", e->seq);
        jw_kstr(j, "at", e->at);
        jw_kstr(j, "actor", e->actor);
        jw_kstr(j, "action", e->action);
        jw_kstr(j, "entity", e->entity);
        jw_kstr(j, "entity_id", e->entity_id);
        jw_kstr(j, "before", e->before);
        jw_kstr(j, "after", e->after);
        jw_kstr(j, "hash", e->hash);
        jw_obj_end(j);
    } else {
        printf("%6lld  %s  %-12s %-8s %s %s\n", (long long)e->seq, e->at, e->actor, e->action, e->entity,
               e->entity_id ? e->entity_id : "");
    }
    return 0;
}

/* A checkpoint as JSON members (inside an open object). */
static void json_checkpoint(jw *j, const anchor_checkpoint *ck)
{
    jw_obj(j);
    jw_kstr(j, "workspace", ck->workspace);
    jw_kint(j, "count", ck->count);
    jw_kstr(j, "head", ck->head);
    jw_kstr(j, "at", ck->at);
    jw_kstr(j, "public_key", ck->public_key);
    jw_kstr(j, "signature", ck->signature);
    jw_obj_end(j);
}

/* Read a checkpoint for --checkpoint: a checkpoint.json (as a package carries it) or a checkpoint
 * file (two slots: the one with the greater count is taken, and its signature checked later). */
static int read_checkpoint_file(const char *path, anchor_checkpoint *ck, isms_err *err)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return err_set(err, ISMS_EINVAL, "cannot read the checkpoint %s", path);
    static char text[2 * ANCHOR_SLOT + 1];
    size_t got = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[got] = '\0';
    int found = 0;
    isms_err perr = {0};
    for (char *line = text; line && *line;) {
        char *nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        anchor_checkpoint c;
        size_t len = strspn(line, " ") == strlen(line) ? 0 : strlen(line);
        if (len && anchor_checkpoint_parse(line, len, &c, found ? NULL : &perr) == ISMS_OK &&
            (!found || c.count > ck->count)) {
            *ck = c;
            found = 1;
        }
        line = nl ? nl + 1 : NULL;
    }
    if (!found)
        return err_set(err, ISMS_EINVAL, "%s is not a checkpoint: %s", path, perr.msg[0] ? perr.msg : "it is empty");
    return ISMS_OK;
}

static int log_verify(cli_ctx *c, ws *w, const char *json, const char *pubkey, const char *ckfile)
{
    isms_err err = {0};
    unsigned char pk[ANCHOR_PUBLIC_KEY_BYTES];
    anchor_checkpoint pinned;
    if ((pubkey && anchor_public_key_arg(pubkey, pk, &err)) || (ckfile && read_checkpoint_file(ckfile, &pinned, &err)))
        return cli_abort(w, &err);
    audit_check ac;
    if (store_audit_check(w, ckfile ? &pinned : NULL, pubkey ? pk : NULL, &ac, &err))
        return cli_abort(w, &err);
    ws_close(w);
    int has_ck = ac.ck.signature[0] != '\0';
    if (json) {
        jw j;
        jw_init_file(&j, stdout, 1);
        jw_obj(&j);
        jw_kbool(&j, "intact", ac.nproblems == 0);
        jw_kint(&j, "entries", ac.entries);
        if (ac.nproblems) {
            jw_kint(&j, "first_bad_entry", ac.bad_seq);
            jw_kstr(&j, "problem", ac.problems[0]);
        }
        jw_key(&j, "problems");
        jw_arr(&j);
        for (int i = 0; i < ac.nproblems; i++)
            jw_str(&j, ac.problems[i]);
        jw_arr_end(&j);
        jw_key(&j, "checkpoint");
        if (has_ck)
            json_checkpoint(&j, &ac.ck);
        else
            jw_null(&j);
        jw_kstr(&j, "checked_with", ac.key_source);
        jw_kstr(&j, "public_key", ac.key_source ? ac.public_key : NULL);
        jw_kbool(&j, "anchored", ac.anchored);
        jw_kint(&j, "unsigned_entries", ac.unsigned_entries);
        jw_obj_end(&j);
        jw_end(&j);
        return ac.nproblems ? EXIT_PROBLEMS : EXIT_OK;
    }
    if (ac.nproblems) {
        printf("audit log NOT verified: %d problem(s)\n", ac.nproblems);
        for (int i = 0; i < ac.nproblems; i++)
            printf("  - %s\n", ac.problems[i]);
        printf("(--public-key KEY checks against a key you pinned; `isms log anchor` signs the log as it is)\n");
        return EXIT_PROBLEMS;
    }
    printf("audit log intact: %lld entries, each hash chained to the one before\n", (long long)ac.entries);
    if (has_ck)
        printf("checkpoint: entry %lld (head %.16s...) signed %s; its signature verified with %s\n"
               "public key: %s\n",
               (long long)ac.ck.count, ac.ck.head, ac.ck.at, ac.key_source, ac.public_key);
    if (ac.unsigned_entries)
        printf("note: entries %lld to %lld are newer than the checkpoint%s; they chain correctly\n",
               (long long)ac.ck.count + 1, (long long)ac.last_seq,
               ckfile ? " given" : " (their write was cut off before signing; the next change signs them)");
    (void)c;
    return EXIT_OK;
}

static int log_key(cli_ctx *c, const char *json)
{
    char path[4200];
    isms_err err = {0};
    anchor_key k;
    if (anchor_key_path(c->db_path, path, sizeof path))
        return cli_usage_error(c, "the workspace path is too long");
    if (anchor_init(&err))
        return cli_fail(&err);
    int rc = anchor_key_load(path, &k, &err);
    if (rc == ISMS_ENOTFOUND)
        err_set(&err, ISMS_ENOTFOUND,
                "no signing key at %s yet: it is made at the workspace's first change, or by `isms log anchor`", path);
    if (rc)
        return cli_fail(&err);
    char pub[65];
    anchor_hex(k.public_key, sizeof k.public_key, pub);
    if (json) {
        jw j;
        jw_init_file(&j, stdout, 1);
        jw_obj(&j);
        jw_kstr(&j, "public_key", pub);
        jw_kstr(&j, "workspace", k.workspace);
        jw_kstr(&j, "key_file", path);
        jw_obj_end(&j);
        jw_end(&j);
    } else {
        printf("%s\n", pub);
    }
    memset(&k, 0, sizeof k);
    return EXIT_OK;
}

static int log_anchor(cli_ctx *c, ws *w, const char *force)
{
    isms_err err = {0};
    audit_check ac;
    if (store_audit_check(w, NULL, NULL, &ac, &err))
        return cli_abort(w, &err);
    /* With the key and a checkpoint both present, any problem is a sign of tampering or loss that
     * signing the log as it is would hide: that takes --force. */
    int evidence_of_change = ac.chain_bad || (ac.key_state == ISMS_OK && ac.checkpoint_state != ANCHOR_FILE_MISSING &&
                                              ac.nproblems > 0);
    if (evidence_of_change && !force) {
        fprintf(stderr, "isms: refusing to sign the audit log as it is:\n");
        for (int i = 0; i < ac.nproblems; i++)
            fprintf(stderr, "  - %s\n", ac.problems[i]);
        fprintf(stderr, "Restore the workspace from a backup, or pass --force to accept the log as it is now "
                        "(earlier reports and packages still show what it was).\n");
        ws_close(w);
        return EXIT_USAGE;
    }
    if (ac.key_state != ISMS_OK && ac.key_state != ISMS_ENOTFOUND) {
        err_set(&err, ac.key_state, "%s", ac.problems[ac.nproblems - 1]);
        return cli_abort(w, &err);
    }
    anchor_checkpoint ck;
    int created;
    char kept[4300];
    if (store_audit_anchor(w, &ck, &created, kept, sizeof kept, &err))
        return cli_abort(w, &err);
    ws_close(w);
    if (created)
        printf("Made a new signing key (public key %s).\n", ck.public_key);
    if (kept[0])
        printf("Kept the checkpoint it replaces as %s.\n", kept);
    printf("Signed the audit log at entry %lld (head %.16s...): public key %s\n", (long long)ck.count, ck.head,
           ck.public_key);
    return EXIT_OK;
}

static int log_run(cli_ctx *c)
{
    const char *json = NULL, *pubkey = NULL, *ckfile = NULL, *force = NULL, *pos[1];
    int np = 0;
    cli_opt opts[] = {{"json", 0, &json},         {"public-key", 1, &pubkey}, {"checkpoint", 1, &ckfile},
                      {"force", 0, &force},       {NULL, 0, NULL}};
    if (cli_parse(c, opts, pos, 1, &np))
        return EXIT_USAGE;
    const char *sub = np ? pos[0] : "";
    if (np == 1 && strcmp(sub, "verify") && strcmp(sub, "key") && strcmp(sub, "anchor"))
        return cli_usage_error(c, "unknown argument '%s' (expected `isms log`, `isms log verify`, `isms log key` or "
                                  "`isms log anchor`)",
                               pos[0]);
    if ((pubkey || ckfile) && strcmp(sub, "verify"))
        return cli_usage_error(c, "--public-key and --checkpoint go with `isms log verify`");
    if (force && strcmp(sub, "anchor"))
        return cli_usage_error(c, "--force goes with `isms log anchor`");
    if (!strcmp(sub, "key"))
        return log_key(c, json);
    ws *w;
    int rc = cli_open(c, 0, &w);
    if (rc)
        return rc;
    if (!strcmp(sub, "verify"))
        return log_verify(c, w, json, pubkey, ckfile);
    if (!strcmp(sub, "anchor"))
        return log_anchor(c, w, force);
    isms_err err = {0};
    log_ctx l = {.json = json != NULL};
    if (json) {
        jw_init_file(&l.j, stdout, 0);
        jw_arr(&l.j);
    }
    rc = store_audit_each(w, log_one, &l, &err);
    ws_close(w);
    if (rc)
        return cli_fail(&err);
    if (json) {
        jw_arr_end(&l.j);
        jw_end(&l.j);
    }
    return EXIT_OK;
}

const cli_cmd cmds_log[] = {
    {NULL, log_run, "[verify [--public-key KEY] [--checkpoint FILE] | key | anchor [--force]] [--json]",
     "List every change (who, when, what, before and after values).\n"
     "`isms log verify` recomputes the hash chain and checks it against the newest signed checkpoint\n"
     "(<workspace>.checkpoint, signed with <workspace>.key): an edited entry, deleted entries (even the\n"
     "newest one), a recomputed chain, a bad signature, a missing checkpoint or key, or a key file others\n"
     "can read exit 1. --public-key KEY checks the signature with a pinned key (64 hex digits, or a file\n"
     "holding them) instead of the key file; --checkpoint FILE checks against an earlier checkpoint (a\n"
     "package's checkpoint.json, or a checkpoint file kept) instead of the newest.\n"
     "`isms log key` prints the public key that auditors pin. `isms log anchor` signs the log as it is now\n"
     "(after a lost checkpoint or key), keeping the checkpoint it replaces as <checkpoint>.replaced-TIME;\n"
     "it refuses when the log shows changes unless --force."},
    {NULL, NULL, NULL, NULL},
};
