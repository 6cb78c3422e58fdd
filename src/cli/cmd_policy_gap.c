/* isms policy gap: reads existing policy documents (core/docread.h) and reports, per topic and per
 * control or clause, which requirements they cover and with which sentence (core/docgap.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "collect/docfile.h"
#include "core/docgap.h"
#include "core/docread.h"
#include "report/json.h"

#define MAX_FILES 4096
#define EVIDENCE_WIDTH 220

const char POLICY_GAP_HELP[] =
    "Reads existing policy documents and shows which requirements of ISO/IEC 27001:2022 (clause 5.2 and\n"
    "the Annex A controls) they cover, per topic and per control or clause: each covered requirement with\n"
    "the sentence that covers it and where it stands (file, page, section, line or paragraph), each\n"
    "missing one named. Reads Markdown, plain text (UTF-8), HTML, DOCX and PDF (with poppler's pdftotext),\n"
    "told apart by their content; a file whose name promises another format is refused. Empty, corrupt,\n"
    "encrypted, over-50 MB or text-less (scanned) files are named with the problem and the rest of the\n"
    "batch is still read. The topics reported are those the documents are about (by title, file name and\n"
    "content), unless --topic names them. Per document it also flags what auditors ask for: an owner, a\n"
    "review date or frequency, an approval, a scope statement, a version (DOCX properties count).\n"
    "  --topic ID,...  report on these topics (or 'all'): infosec, aup, access, crypto, supplier,\n"
    "                  incident, continuity, backup, change, sdlc, asset, logging, hr, physical, malware,\n"
    "                  remote, vuln, network, privacy\n"
    "  --json          {files:[{file, format, pages, words, title, topics, weaknesses, error}],\n"
    "                  topics:[{id, name, requirements, covered}], requirements:[{id, topic, control, text,\n"
    "                  status, evidence:{sentence, file, location, page} or null}], controls:[{control,\n"
    "                  requirements, covered, status}], summary:{...}}\n"
    "Exit codes: 0 every requirement covered and no document weakness; 1 gaps found (a requirement\n"
    "missing, a document weakness, or a file that could not be read while others could); 2 usage error\n"
    "or no file could be read.";

static const char *base_name(const char *p)
{
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

static void print_text(cli_ctx *c, const docgap_report *r)
{
    size_t nt;
    const docgap_topic *topics = docgap_topics(&nt);
    printf("Documents: %zu read, %zu not read\n", r->nread, r->nfiles - r->nread);
    for (size_t i = 0; i < r->nfiles; i++) {
        const docgap_file *f = &r->files[i];
        if (!f->d) {
            printf("  %s\n      not read: %s\n", f->path, f->error);
            continue;
        }
        printf("  %s  (%s", f->path, docread_format_name(f->d->format));
        if (f->d->pages)
            printf(", %d page%s", f->d->pages, f->d->pages == 1 ? "" : "s");
        printf(", %zu words)\n      about: ", f->d->words);
        for (int t = 0; t < f->ntopics; t++)
            printf("%s%s", t ? ", " : "", topics[f->topics[t]].name);
        printf("%s\n", f->ntopics ? "" : "no policy topic recognized");
        if (f->weaknesses) {
            printf("      weaknesses: ");
            int first = 1;
            for (int k = 0; k < DOCGAP_NWEAK; k++)
                if (f->weaknesses & (1u << k)) {
                    printf("%s%s", first ? "" : "; ", docgap_weakness_text(k));
                    first = 0;
                }
            printf("\n");
        }
    }
    for (size_t t = 0; t < nt; t++) {
        if (!r->in_scope[t])
            continue;
        int total, covered;
        docgap_topic_counts(r, (int)t, &total, &covered);
        printf("\n%s: %d of %d requirements covered\n", topics[t].name, covered, total);
        for (size_t i = 0; i < r->nitems; i++) {
            const docgap_item *it = &r->items[i];
            if (it->req->topic_index != (int)t)
                continue;
            printf("  %-8s %-7s %-7s %s\n", it->covered ? "covered" : "MISSING", it->req->control, it->req->id,
                   it->req->text);
            if (it->covered)
                printf("           \"%s\"\n           %s, %s\n", cli_cut(c, it->ev.sentence, EVIDENCE_WIDTH),
                       base_name(it->ev.file), it->ev.location);
        }
    }
    docgap_control *rows;
    size_t nrows = docgap_controls(r, c->a, &rows);
    if (nrows) {
        printf("\nBy control and clause:\n");
        for (size_t k = 0; k < nrows; k++)
            printf("  %-7s %-8s %d of %d requirements\n", rows[k].control,
                   rows[k].covered == rows[k].total ? "covered" : rows[k].covered ? "partial" : "MISSING",
                   rows[k].covered, rows[k].total);
    }
    int ntopics = 0;
    for (size_t t = 0; t < nt; t++)
        ntopics += r->in_scope[t];
    printf("\nSummary: %zu requirements in %d topic%s: %zu covered, %zu missing; %zu document%s with weaknesses",
           r->nitems, ntopics, ntopics == 1 ? "" : "s", r->covered, r->nitems - r->covered, r->weak_docs,
           r->weak_docs == 1 ? "" : "s");
    if (r->nfiles > r->nread)
        printf("; %zu file%s not read", r->nfiles - r->nread, r->nfiles - r->nread == 1 ? "" : "s");
    printf(".\n");
    if (!ntopics)
        printf("No policy topic was recognized in these documents; name one with --topic.\n");
}

static void print_json(cli_ctx *c, const docgap_report *r)
{
    jw j;
    jw_init_file(&j, stdout, 1);
    json_policy_gap(&j, r, c->a);
    jw_end(&j);
}

int cli_policy_gap(cli_ctx *c)
{
    const char *json = NULL, *topic_s = NULL, **pos = arena_alloc(c->a, MAX_FILES * sizeof *pos);
    int np = 0;
    cli_opt opts[] = {{"json", 0, &json}, {"topic", 1, &topic_s}, {NULL, 0, NULL}};
    if (cli_parse(c, opts, pos, MAX_FILES, &np))
        return EXIT_USAGE;
    if (!np)
        return cli_usage_error(c, "give one or more policy documents (Markdown, text, HTML, DOCX or PDF)");
    isms_err err = {0};
    if (docgap_init(&err))
        return cli_fail(&err);
    int want[DOCGAP_MAX_TOPICS];
    size_t nwant = 0;
    if (topic_s && docgap_topics_parse(topic_s, want, &nwant, c->a, &err))
        return cli_usage_error(c, "%s", cli_err_text(c, &err));
    doc **docs = arena_alloc(c->a, (size_t)np * sizeof *docs);
    const char **errors = arena_alloc(c->a, (size_t)np * sizeof *errors);
    size_t nread = 0;
    for (int i = 0; i < np; i++) {
        docs[i] = arena_alloc(c->a, sizeof **docs);
        err_clear(&err);
        if (docfile_read(pos[i], c->a, docs[i], &err)) {
            errors[i] = arena_strdup(c->a, err.msg);
            fprintf(stderr, "isms: %s: %s\n", pos[i], err.msg);
        } else {
            nread++;
        }
        if (cli_progress_wanted() && np > 10)
            cli_progress("reading", (size_t)i + 1, (size_t)np);
    }
    if (!nread) {
        fprintf(stderr, "isms: none of the %d file%s could be read\n", np, np == 1 ? "" : "s");
        return EXIT_USAGE;
    }
    docgap_report r;
    if (docgap_analyse(pos, docs, errors, (size_t)np, want, nwant, c->a, &r, &err))
        return cli_fail(&err);
    if (json)
        print_json(c, &r);
    else
        print_text(c, &r);
    int no_topic = 1;
    for (int t = 0; t < DOCGAP_MAX_TOPICS; t++)
        no_topic &= !r.in_scope[t];
    return r.covered < r.nitems || r.weak_docs || r.nread < r.nfiles || no_topic ? EXIT_PROBLEMS : EXIT_OK;
}
