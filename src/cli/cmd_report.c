/* isms report: the audit report and the verifiable evidence package for the auditor. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "cli/cli.h"
#include "report/audit_report.h"
#include "report/cycle_json.h"
#include "report/package.h"
#include "util/json.h"

static int report_audit(cli_ctx *c)
{
    const char *fmt = NULL, *outp = NULL;
    cli_opt opts[] = {{"format", 1, &fmt}, {"o", 1, &outp}, {"output", 1, &outp}, {NULL, 0, NULL}};
    if (cli_parse(c, opts, NULL, 0, NULL))
        return EXIT_USAGE;
    if (!outp)
        return cli_usage_error(c, "-o FILE is required");
    report_format f;
    if (!fmt) {
        const char *dot = strrchr(outp, '.');
        fmt = dot ? dot + 1 : "html";
    }
    if (!strcasecmp(fmt, "html") || !strcasecmp(fmt, "htm"))
        f = REPORT_HTML;
    else if (!strcasecmp(fmt, "pdf"))
        f = REPORT_PDF;
    else
        return cli_usage_error(c, "--format is html or pdf, not '%s'", fmt);
    ws *w;
    int rc = cli_open(c, 0, &w);
    if (rc)
        return rc;
    isms_err err = {0};
    if (audit_report_write(w, f, outp, c->a, &err))
        return cli_abort(w, &err);
    ws_close(w);
    fprintf(stderr, "Wrote the audit report to %s\n", outp);
    return EXIT_OK;
}

static int report_package(cli_ctx *c)
{
    const char *outp = NULL;
    cli_opt opts[] = {{"o", 1, &outp}, {"output", 1, &outp}, {NULL, 0, NULL}};
    if (cli_parse(c, opts, NULL, 0, NULL))
        return EXIT_USAGE;
    if (!outp)
        return cli_usage_error(c, "-o FILE.zip is required");
    size_t len = strlen(outp);
    if (len < 4 || strcasecmp(outp + len - 4, ".zip"))
        return cli_usage_error(c, "the package is a zip file: give -o NAME.zip");
    ws *w;
    int rc = cli_open(c, 0, &w);
    if (rc)
        return rc;
    isms_err err = {0};
    size_t n;
    if (package_write(w, outp, c->a, &n, &err)) {
        /* Refused over the audit log or an evidence file: the commands that name what is wrong. */
        if (err.code == ISMS_ECONFLICT)
            cli_hint(&err, "see `isms log verify` and `isms evidence verify`");
        return cli_abort(w, &err);
    }
    ws_close(w);
    printf("Wrote %s: %zu file(s) listed in manifest.json with their SHA-256. Check it with `isms report verify %s`.\n",
           outp, n, outp);
    return EXIT_OK;
}

static int report_verify(cli_ctx *c)
{
    const char *pos[1] = {0}, *json = NULL, *pubkey = NULL;
    int np = 0;
    cli_opt opts[] = {{"json", 0, &json}, {"public-key", 1, &pubkey}, {NULL, 0, NULL}};
    if (cli_parse(c, opts, pos, 1, &np))
        return EXIT_USAGE;
    if (np != 1)
        return cli_usage_error(c, "expected `verify FILE.zip`");
    isms_err err = {0};
    unsigned char pk[ANCHOR_PUBLIC_KEY_BYTES];
    if (pubkey && anchor_public_key_arg(pubkey, pk, &err))
        return cli_fail(&err);
    package_problem *pp;
    size_t n, nfiles;
    package_anchor info;
    if (package_verify_key(pos[0], pubkey ? pk : NULL, c->a, &pp, &n, &nfiles, &info, &err))
        return cli_fail(&err);
    if (json) {
        jw j;
        jw_init_file(&j, stdout, 1);
        json_package_verification(&j, pp, n, nfiles);
        jw_end(&j);
        return n ? EXIT_PROBLEMS : EXIT_OK;
    }
    for (size_t i = 0; i < n; i++)
        printf("FAIL  %s%s%s\n", pp[i].path ? pp[i].path : "", pp[i].path ? ": " : "", pp[i].message);
    if (n)
        printf("%s has been changed: %zu problem(s).\n", pos[0], n);
    else {
        printf("%s is intact: the archive digest and all %zu file(s) match the manifest.\n", pos[0], nfiles);
        printf("Signatures: the manifest and the audit log's checkpoint (entry %lld, head %.16s..., signed %s) "
               "verify with %s:\n  %s\n",
               (long long)info.ck.count, info.ck.head, info.ck.at, info.key_source, info.public_key);
        if (!pubkey)
            printf("  (pin a key you trust with --public-key KEY)\n");
        printf("The package's audit log holds %lld entries, chained, and matches the checkpoint", (long long)info.entries);
        if (info.unsigned_entries)
            printf(" (its last %lld entries are newer than the checkpoint)", (long long)info.unsigned_entries);
        printf(".\n");
    }
    return n ? EXIT_PROBLEMS : EXIT_OK;
}

const cli_cmd cmds_report[] = {
    {"audit", report_audit, "[--format html|pdf] -o FILE",
     "The ISO 27001 audit report: scope, mandatory documents, the SoA with control status and evidence\n"
     "references (ids, dates, SHA-256), risks and treatments, internal audits, findings and actions,\n"
     "management reviews, and the audit log's head hash. The format follows -o's extension by default."},
    {"package", report_package, "-o FILE.zip",
     "The evidence package: the audit report, the SoA, the registers and every evidence file, with a\n"
     "manifest.json listing each file's SHA-256, size and controls, sealed with an archive digest and\n"
     "signed with the workspace's key; with the audit log, its signed checkpoint and the public key.\n"
     "Refused while an evidence file in the store is missing or tampered, or the audit log fails\n"
     "`isms log verify`."},
    {"verify", report_verify, "FILE.zip [--public-key KEY] [--json]",
     "Check a package offline: the archive digest (any changed byte fails), the manifest, every file's\n"
     "SHA-256 and size, that nothing was added, the manifest's and the audit log checkpoint's Ed25519\n"
     "signatures, and the package's audit log chained up to the checkpoint. --public-key KEY (64 hex\n"
     "digits, or a file holding them, as `isms log key` prints) checks the signatures with a key you\n"
     "pinned; without it the key inside the package is used, which proves consistency, not origin.\n"
     "Exit 0 intact, 1 changed, 2 not a package."},
    {NULL, NULL, NULL, NULL},
};
