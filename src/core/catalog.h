/* The compiled-in catalog: Annex A controls, clauses 4-10, our guidance, the threat and
 * vulnerability library and the crosswalks. Read-only; loaded once per process. */
#ifndef ISMS_CATALOG_H
#define ISMS_CATALOG_H

#include <stddef.h>

#include "util/err.h"

#define CATALOG_NCONTROLS 93

typedef struct catalog_guidance {
    const char *purpose;
    const char *implement;  /* steps separated by " | " */
    const char *evidence;   /* separated by " | " */
    const char *findings;   /* separated by " | " */
} catalog_guidance;

typedef struct catalog_control {
    const char *id;     /* "A.5.1" */
    const char *num;    /* "5.1" */
    const char *theme;  /* Organizational | People | Physical | Technological */
    const char *title;
    catalog_guidance g;
} catalog_control;

typedef struct catalog_clause {
    const char *id;     /* "6.1.2" */
    const char *title;
    catalog_guidance g;
} catalog_clause;

typedef struct catalog_threat {
    const char *id, *category, *name, *description, *controls;
} catalog_threat;

typedef struct catalog_vuln {
    const char *id, *name, *description, *controls;
} catalog_vuln;

/* Parse the embedded data; idempotent. Call once before threads start. Fails only on a broken build. */
int catalog_init(isms_err *err);
const catalog_control *catalog_controls(size_t *n);
const catalog_clause *catalog_clauses(size_t *n);
const catalog_threat *catalog_threats(size_t *n);
const catalog_vuln *catalog_vulns(size_t *n);
/* Find a control by "A.5.1", "a.5.1", "5.1" or "A5.1"; NULL when there is none. */
const catalog_control *catalog_control_find(const char *id);
/* Index 0..92 of a control in catalog order, or -1. */
int catalog_control_index(const char *id);
const catalog_clause *catalog_clause_find(const char *id);
/* The four themes in catalog order, NULL-terminated (the array, for tables that need a constant). */
extern const char *const catalog_theme_names[];
const char *const *catalog_themes(void);
/* Find a library threat ("T01") or vulnerability ("V03"); NULL when unknown. */
const catalog_threat *catalog_threat_find(const char *id);
const catalog_vuln *catalog_vuln_find(const char *id);
/* The 2022 control ids a 2013 control maps to ("A.9.4.2" or "9.4.2"); returns count, fills out. */
size_t catalog_map_2013(const char *id2013, const char **out, size_t max);
/* What `isms control show ID` shows: a clause ("6.1.2"), a control ("A.5.15", "5.15"), or a 2013
 * control's 2022 ids (into mapped, at most max). Exactly one of *ctl, *cl is set, or neither with
 * *nmapped > 1 (a 2013 control that became several); ISMS_ENOTFOUND when id is none of these.
 * A 2013 id with a single 2022 control sets *ctl and *nmapped = 1. */
int catalog_resolve(const char *id, const catalog_control **ctl, const catalog_clause **cl, const char **mapped,
                    size_t max, size_t *nmapped, isms_err *err);
/* Normalize a comma-separated list of control ids into canonical "A.x.y" form, sorted and
 * deduplicated, written into out; fails naming the first unknown id. */
int catalog_controls_normalize(const char *list, char *out, size_t outsz, isms_err *err);

#endif
