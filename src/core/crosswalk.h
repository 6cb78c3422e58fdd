/* Crosswalks between ISO/IEC 27001:2013 Annex A, ISO/IEC 27001:2022 and the SOC 2 Trust Services
 * Criteria, the rules for migrating a 2013 Statement of Applicability to the 2022 controls, and SOC 2
 * readiness from ISO evidence. Pure logic on the compiled-in data and plain structs; no I/O. */
#ifndef ISMS_CROSSWALK_H
#define ISMS_CROSSWALK_H

#include <stddef.h>

#include "core/catalog.h"
#include "core/gap.h"
#include "core/soa.h"
#include "util/arena.h"
#include "util/err.h"

#define CROSSWALK_MAX_SOURCES 8   /* most 2013 controls that feed one 2022 control (4 in the data) */
#define CROSSWALK_MAX_TARGETS 4   /* most 2022 controls one 2013 control maps to (2 in the data) */

/* Where the SOC 2 crosswalk comes from, and what it leaves out; shown with every SOC 2 answer. */
extern const char crosswalk_soc2_source[];

/* Parse the embedded crosswalks and check every id in them against the catalog; idempotent and
 * thread-safe. Fails only on a broken build. The lookups below call it themselves. */
int crosswalk_init(isms_err *err);

/* --- ISO/IEC 27001:2013 <-> 2022 --- */
/* Number of 2013 Annex A controls (114). */
size_t crosswalk_2013_count(void);
/* Index of a 2013 control written "A.9.4.2", "a.9.4.2", "9.4.2", "A9.4.2" or "Annex A 9.4.2",
 * optionally followed by whitespace and its title; -1 when it is not a 2013 control. */
int crosswalk_2013_index(const char *text);
/* Canonical id "A.9.4.2" of a 2013 control by index. */
const char *crosswalk_2013_id(int i);
/* The 2022 controls a 2013 control maps to, in data order; returns the count (at most max). */
size_t crosswalk_2013_to_2022(int i2013, const catalog_control **out, size_t max);
/* Indexes of the 2013 controls that map to a 2022 control; 0 for a control new in 2022. */
size_t crosswalk_2022_to_2013(const catalog_control *ctl, int *out, size_t max);
/* The 2022 controls no 2013 control maps to (the 11 new ones), in catalog order. */
size_t crosswalk_new_2022(const catalog_control **out, size_t max);

/* --- SOC 2 (2017 TSC, revised 2022) -> ISO/IEC 27001:2022 --- */
typedef struct crosswalk_target {
    const char *id;                /* "A.5.15" for a control, "9.3.1" for a clause */
    const catalog_control *ctl;    /* exactly one of ctl and clause is set */
    const catalog_clause *clause;
} crosswalk_target;

typedef struct crosswalk_soc2 {
    const char *id;                /* "CC6.1" */
    const char *series;            /* "Logical and Physical Access Controls", "Availability", ... */
    const crosswalk_target *targets;
    size_t ntargets;
} crosswalk_soc2;

/* Every criterion in the crosswalk, in data order (CC1.1 .. CC9.2, A1.x, C1.x). */
const crosswalk_soc2 *crosswalk_soc2_all(size_t *n);
/* A criterion by id, case-insensitive ("cc6.1"); NULL when the crosswalk has none. */
const crosswalk_soc2 *crosswalk_soc2_find(const char *id);
/* Is id a SOC 2 criterion at all (including those the crosswalk leaves out, like CC5.1 or PI1.1)? */
int crosswalk_soc2_known(const char *id);
/* Resolve an ISO 27001:2022 target the way SOC 2 answers name them: "A.5.15"/"a.5.15" is a control,
 * "clause 9.3.1" or a bare "9.3.1" a clause, and a bare number that is no clause ("5.15") a control.
 * Returns 0 and fills t, or -1. */
int crosswalk_iso_target(const char *text, crosswalk_target *t);
/* Criteria that map to a target (reverse lookup), in data order; returns the count. */
size_t crosswalk_soc2_for(const crosswalk_target *t, const crosswalk_soc2 **out, size_t max);

/* --- migrating a 2013 SoA --- */
/* Columns a 2013 SoA spreadsheet may have, matched by header name. */
enum {
    CROSSWALK_COL_CONTROL, CROSSWALK_COL_APPLICABLE, CROSSWALK_COL_JUSTIFICATION, CROSSWALK_COL_STATUS,
    CROSSWALK_COL_IMPLEMENTATION, CROSSWALK_COL_OWNER, CROSSWALK_COL_REASONS, CROSSWALK_NCOLS
};
/* The column a header names, case-insensitively and ignoring a trailing "?" or ":" ("Applicable?",
 * "Annex A control", "Justification for exclusion", "How implemented" ...); -1 for other columns
 * (titles, objectives, references), which an import ignores. */
int crosswalk_column(const char *header);
/* Short name of a column ("applicable") for messages. */
const char *crosswalk_column_name(int col);
/* yes/no/y/n/true/false/1/0, included/excluded: SOA_APPLICABLE or SOA_EXCLUDED; -2 otherwise. */
int crosswalk_parse_applicable(const char *s);
/* A 2013-style implementation status: implemented, partially implemented, planned, not implemented,
 * not started (and our own names); blank, "-" or "n/a" give SOA_STATUS_NONE; -1 when unknown. */
int crosswalk_parse_status(const char *s);

/* One row of a 2013 SoA, after its values were parsed. */
typedef struct crosswalk_row {
    int src;                       /* crosswalk_2013_index of its control */
    long line;                     /* where it starts in the file, for messages */
    int applicable;                /* SOA_APPLICABLE or SOA_EXCLUDED */
    int reasons;                   /* SOA_REASON_* bits */
    soa_status status;             /* SOA_STATUS_NONE when not given */
    const char *justification, *implementation, *owner;   /* NULL or "" when not given */
} crosswalk_row;

/* What the 2013 rows say about one 2022 control. */
typedef struct crosswalk_merged {
    const catalog_control *ctl;
    int decided;                   /* 1: write this entry; 0: leave the 2022 control as it is */
    int applicable, reasons;
    soa_status status;
    const char *justification, *implementation, *owner;
    const crosswalk_row *from[CROSSWALK_MAX_SOURCES];   /* the rows feeding it, in file order */
    int nfrom;
    int missing[CROSSWALK_MAX_SOURCES];                 /* mapped 2013 controls the file lacks */
    int nmissing;
} crosswalk_merged;

/* Merge 2013 rows (one per 2013 control) into out[CATALOG_NCONTROLS], catalog order. The rules are
 * conservative, because an auditor reads the result: applicable when any mapped 2013 control is
 * applicable; an exclusion is carried only when every mapped 2013 control is in the file and
 * excluded (else the control stays undecided); the least implemented status of the applicable rows
 * wins (a missing status counts as none); justifications and implementation texts are joined with
 * their 2013 ids ("A.11.1.3: ..."); owners are joined; reasons are or-ed. */
void crosswalk_merge_2013(const crosswalk_row *rows, size_t n, arena *a, crosswalk_merged *out);

/* --- SOC 2 readiness from ISO evidence --- */
typedef enum crosswalk_state { CROSSWALK_NOT_COVERED = 0, CROSSWALK_PARTIAL, CROSSWALK_COVERED } crosswalk_state;

typedef struct crosswalk_cover {
    const crosswalk_target *target;
    int covered;
    const char *why;               /* why not covered, or "" when covered */
} crosswalk_cover;

typedef struct crosswalk_readiness {
    const crosswalk_soc2 *crit;
    crosswalk_cover *targets;      /* one per crit->targets, same order */
    size_t ncovered;
    crosswalk_state state;         /* covered: all targets covered; partial: some; not covered: none */
} crosswalk_readiness;

/* A control covers its part of a criterion when it is applicable, implemented, has fresh evidence and
 * no failing check; a clause when the gap analysis finds it met. entries and the per-control arrays
 * are in catalog order (CATALOG_NCONTROLS); gap is the gap analysis of the same workspace. Fills an
 * arena array of one row per criterion in *out and returns its length. */
size_t crosswalk_soc2_readiness(const soa_entry *entries, const int *fresh, const int *stale, const int *failing,
                                const gap_report *gap, arena *a, crosswalk_readiness **out);
const char *crosswalk_state_name(crosswalk_state s);   /* "covered" | "partial" | "not_covered" */

/* --- one crosswalk question, as `isms map` and GET /api/v1/crosswalk ask it --- */
enum { CROSSWALK_FW_NONE, CROSSWALK_FW_2013, CROSSWALK_FW_2022, CROSSWALK_FW_SOC2 };
/* A framework as people write it (iso27001:2013, ISO27001-2013, 2013, soc2, "SOC 2" ...);
 * CROSSWALK_FW_NONE for NULL, -1 when unknown. */
int crosswalk_framework(const char *name);
/* "iso27001:2013" | "iso27001:2022" | "soc2" (the JSON name), and the title ("ISO/IEC 27001:2013"). */
const char *crosswalk_framework_name(int fw);
const char *crosswalk_framework_title(int fw);

#define CROSSWALK_MAX_CRITERIA 64
typedef struct crosswalk_answer {
    int from, to;                                   /* CROSSWALK_FW_* after defaults */
    int i2013;                                      /* 2013 -> 2022: the 2013 control */
    const catalog_control *to2022[CROSSWALK_MAX_TARGETS];
    size_t n2022;
    const catalog_control *ctl;                     /* 2022 -> 2013: the 2022 control */
    int from2013[CROSSWALK_MAX_SOURCES];
    size_t n2013;                                   /* 0: new in 2022 */
    const crosswalk_soc2 *soc2;                     /* soc2 -> 2022: the criterion */
    crosswalk_target target;                        /* 2022 -> soc2: the control or clause */
    const crosswalk_soc2 *criteria[CROSSWALK_MAX_CRITERIA];
    size_t ncriteria;
} crosswalk_answer;
/* Map id from one framework to another (names as crosswalk_framework reads them; from defaults to
 * iso27001:2022, to to iso27001:2022 unless from is it). Unknown frameworks, pairs without a
 * crosswalk and a missing id are ISMS_EINVAL, an unknown id ISMS_ENOTFOUND, each with the
 * message `isms map` gives. */
int crosswalk_lookup(const char *from, const char *to, const char *id, crosswalk_answer *out, isms_err *err);

#endif
