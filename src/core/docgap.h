/* Document gap analysis: which policy requirements a set of existing documents covers, with the
 * sentence that shows it and where it stands, and the document-control weaknesses auditors flag. */
#ifndef ISMS_DOCGAP_H
#define ISMS_DOCGAP_H

#include <stddef.h>

#include "core/docread.h"
#include "util/arena.h"
#include "util/err.h"

#define DOCGAP_MAX_TOPICS 32

typedef struct docgap_topic {
    const char *id, *name;
    const char *title_cues;  /* alternatives separated by "|", matched against titles and file names */
} docgap_topic;

typedef struct docgap_req {
    const char *id, *topic, *control, *text, *cues;
    int topic_index;
} docgap_req;

/* The weaknesses of one document, as bits. */
enum {
    DOCGAP_NO_OWNER = 1 << 0,
    DOCGAP_NO_REVIEW = 1 << 1,
    DOCGAP_NO_APPROVAL = 1 << 2,
    DOCGAP_NO_SCOPE = 1 << 3,
    DOCGAP_NO_VERSION = 1 << 4,
};
#define DOCGAP_NWEAK 5

typedef struct docgap_evidence {
    const char *sentence;   /* the matching sentence, whole */
    const char *file;
    const char *location;   /* docread_location of its paragraph */
    int page;               /* PDF page or 0 */
    double score;
} docgap_evidence;

typedef struct docgap_file {
    const doc *d;           /* NULL when the file could not be read */
    const char *path;
    const char *error;      /* why it could not be read, or NULL */
    int topics[DOCGAP_MAX_TOPICS]; /* topic indices this document is about */
    int ntopics;
    unsigned weaknesses;    /* DOCGAP_NO_* bits */
    size_t sentences;
} docgap_file;

typedef struct docgap_item {
    const docgap_req *req;
    int covered;
    docgap_evidence ev;     /* when covered */
} docgap_item;

typedef struct docgap_report {
    docgap_file *files;
    size_t nfiles, nread;
    docgap_item *items;     /* requirements of the topics in scope, in data order */
    size_t nitems, covered;
    int in_scope[DOCGAP_MAX_TOPICS];
    size_t weak_docs;       /* documents with at least one weakness */
} docgap_report;

/* Load the embedded requirements; idempotent. Fails only on a broken build. */
int docgap_init(isms_err *err);
const docgap_topic *docgap_topics(size_t *n);
const docgap_req *docgap_reqs(size_t *n);
/* Topic index by id ("access"), or -1. */
int docgap_topic_find(const char *id);
/* Stable code ("no_owner") and phrase ("no owner named") of weakness bit k (0..DOCGAP_NWEAK-1). */
const char *docgap_weakness_code(int k);
const char *docgap_weakness_text(int k);
/* Split a paragraph into sentences (abbreviations, list markers and decimals kept whole);
 * returns how many, each a fresh string in a. */
size_t docgap_sentences(const char *text, arena *a, const char ***out);
/* Does sentence s cover requirement r? Returns its score (0 when not covered). */
double docgap_match(const docgap_req *r, const char *s);
/* Analyse the files: docs[i] read, or errors[i] saying why not. topics, when non-NULL, is a list of
 * topic indices to report on (ntopics of them); otherwise the topics the documents are about. */
int docgap_analyse(const char *const *paths, doc *const *docs, const char *const *errors, size_t n,
                   const int *topics, size_t ntopics, arena *a, docgap_report *out, isms_err *err);

/* Coverage of one control or clause across the report's requirements. */
typedef struct docgap_control {
    const char *control;
    int total, covered;
} docgap_control;
/* Requirements and covered ones of topic t in the report. */
void docgap_topic_counts(const docgap_report *r, int t, int *total, int *covered);
/* The report per control and clause, clauses (5.2) first, numbers compared as numbers; returns how many. */
size_t docgap_controls(const docgap_report *r, arena *a, docgap_control **out);
/* "covered", "partial" or "missing" for covered of total requirements. */
const char *docgap_status(int covered, int total);
/* Parse "a,b" or "all" into topic indices (at most DOCGAP_MAX_TOPICS); ISMS_EINVAL names an
 * unknown topic or an empty list. */
int docgap_topics_parse(const char *list, int *out, size_t *n, arena *a, isms_err *err);

#endif
