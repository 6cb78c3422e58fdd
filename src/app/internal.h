/* Inside the app layer: the session and the use-case tables each file contributes. */
#ifndef ISMS_APP_INTERNAL_H
#define ISMS_APP_INTERNAL_H

#include <stddef.h>

#include "app/app.h"
#include "store/store.h"

struct app {
    ws *w;
    arena a;
    char actor[128];
    int access;
    int borrowed; /* app_attach: the connection is the caller's */
    char today[11];
};

/* A field of input struct T: member m, JSON name n. */
#define AFIELD(T, m, type, req, help) {#m, type, req, offsetof(T, m), help, NULL, 0, 0}
#define AFIELD_INT(T, m, req, lo, hi, help) {#m, AF_INT, req, offsetof(T, m), help, NULL, lo, hi}
#define AFIELD_ENUM(T, m, req, choices, help) {#m, AF_ENUM, req, offsetof(T, m), help, choices, 0, 0}
#define AFIELD_END {NULL, 0, 0, 0, NULL, NULL, 0, 0}

/* The input of a use case that takes none. */
typedef struct app_none_in {
    int unused;
} app_none_in;
extern const app_field app_no_fields[];

/* An answer listing records: {"items": [ ... written between these ... ], "total": total}. */
void app_items_begin(jw *j);
void app_items_end(jw *j, int64_t total);

/* A listing's page: its words, owner, size (50 when not given) and start, and its end with the
 * total matching and the page's bounds. */
void app_page_query(page_query *pq, const char *q, const char *owner, app_int limit, app_int offset);
void app_page_end(jw *j, const page_query *pq, long total);
/* The input fields every paged listing takes, for input struct T of a record named what. */
#define APP_PAGE_FIELDS(T, what)                                                                           \
    AFIELD(T, q, AF_STR, 0, "words to look for in the " what "'s name, title or description"),           \
        AFIELD(T, owner, AF_STR, 0, "only the " what "s of this owner"),                                   \
        AFIELD_INT(T, limit, 0, 1, 500, "at most this many (50 when left out)"),                            \
        AFIELD_INT(T, offset, 0, 0, 100000000, "skip this many first, to read the next page")

/* The entries of each group, NULL-name terminated; usecase.c joins them. */
extern const app_usecase app_uc_read[];
extern const app_usecase app_uc_org[];
extern const app_usecase app_uc_asset[];
extern const app_usecase app_uc_risk[];
extern const app_usecase app_uc_soa[];
extern const app_usecase app_uc_cycle[];
extern const app_usecase app_uc_policy[];

#endif
