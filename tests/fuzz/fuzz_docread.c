/* Policy documents as `isms policy gap` and POST /api/v1/policy-gap read them (core/docread.c):
 * any bytes under a name whose extension data[0] picks (none, .md, .txt, .html, .docx, .pdf), so
 * detection by content, Markdown, text, HTML and raw zip archives are all reached; what was read
 * then goes through the gap analysis. The bytes are exactly the input: no NUL after them. */
#include <stdint.h>
#include <string.h>

#include "core/docgap.h"
#include "core/docread.h"
#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    isms_err err = {0};
    return docgap_init(&err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const names[] = {"upload", "policy.md", "notes.txt", "page.html", "policy.docx", "scan.pdf",
                                        "policy.markdown", "page.htm"};
    if (!size)
        return 0;
    const char *name = names[data[0] % (sizeof names / sizeof *names)];
    arena a;
    arena_init(&a);
    doc d;
    isms_err err = {0};
    if (!docread_memory(name, (const char *)data + 1, size - 1, &a, &d, &err)) {
        for (size_t i = 0; i < d.npara; i++)
            (void)strlen(docread_location(&d, &d.paras[i], &a));
        const char *paths[1] = {name}, *errors[1] = {NULL};
        doc *docs[1] = {&d};
        docgap_report rep;
        if (!docgap_analyse(paths, docs, errors, 1, NULL, 0, &a, &rep, &err)) {
            docgap_control *ctl;
            (void)docgap_controls(&rep, &a, &ctl);
        }
    }
    arena_free(&a);
    return 0;
}
