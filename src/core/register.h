/* The registers ISO 27001 asks for beyond assets and risks: people (A.6.1-A.6.6, 7.2, 7.3),
 * suppliers (A.5.19-A.5.22), incidents (A.5.24-A.5.28, A.6.8) and objectives (6.2), each with
 * its child records (training, timeline events, measurements). Every register is described by
 * a field table, so validation, storage, JSON, CLI options and forms all follow the same data. */
#ifndef ISMS_REGISTER_H
#define ISMS_REGISTER_H

#include <stdint.h>

#include "util/arena.h"
#include "util/err.h"
#include "util/json.h"

enum { REG_PERSON, REG_TRAINING, REG_SUPPLIER, REG_INCIDENT, REG_EVENT, REG_OBJECTIVE, REG_MEASUREMENT, REG_NKINDS };

enum {
    RF_TEXT,   /* one line, capped at max */
    RF_NOTE,   /* free text, capped at max */
    RF_EMAIL,  /* name@domain */
    RF_DATE,   /* YYYY-MM-DD, a real calendar day */
    RF_TIME,   /* a date, or a date and time YYYY-MM-DDTHH:MM[:SS][Z] */
    RF_ENUM,   /* one of choices */
    RF_YESNO,  /* "yes" or "no" */
    RF_NUMBER, /* a finite decimal number */
    RF_CONTROLS, /* Annex A control ids "A.5.24,A.6.8" */
};

#define REG_MAXF 16

typedef struct reg_field {
    const char *name;   /* column, JSON member, CLI option (with '-' for '_') */
    int type;
    int required;
    int max;            /* length cap in bytes for text */
    const char *const *choices;
    const char *def;    /* value given on creation when absent */
    const char *label;  /* for forms and text output */
} reg_field;

typedef struct reg_kind {
    const char *entity;  /* audit entity and CLI family: "person" */
    const char *table;
    const char *path;    /* API and page path segment: "people" */
    const char *title;   /* "People" */
    const reg_field *fields;
    int nfields;
    int key;             /* field that may name a record instead of its id (unique), or -1 */
    int label;           /* field naming a record in lists and messages */
    int child;           /* kind of the child records, or -1 */
    int parent;          /* for a child kind: its parent kind, else -1 */
    const char *parent_col; /* child kinds: column holding the parent's id */
} reg_kind;

extern const reg_kind reg_kinds[REG_NKINDS];

/* One record of any register: values in field order, NULL when empty (all text). */
typedef struct reg_rec {
    int64_t id, parent_id;
    const char *v[REG_MAXF];
    const char *d[2];    /* derived: person: latest training completed, its expiry;
                            objective: latest measured value, its date; incident: event count */
    const char *created_at, *updated_at;
} reg_rec;

/* Kind whose path segment is p ("people"), or -1. */
int reg_kind_by_path(const char *p);
/* Index of field `name` in kind k, or -1. */
int reg_field_index(int k, const char *name);
/* Value of field `name` of r, NULL when empty or unknown. */
const char *reg_get(int k, const reg_rec *r, const char *name);
/* Set field `name` of r (NULL or "" clears it); returns -1 for an unknown field. */
int reg_set(int k, reg_rec *r, const char *name, const char *v);
/* Whether field i of kind k is a choice (or yes/no) field and v one of its values, for filters. */
int reg_filter_valid(int k, int i, const char *v);
/* Fill the defaults of absent fields, for a record about to be created. */
void reg_defaults(int k, reg_rec *r);
/* Trim every value (into a); a blank value becomes NULL, so a required one is then missing. The
 * store does this before it validates and writes. */
void reg_normalize(int k, reg_rec *r, arena *a);
/* Check every field and the cross-field rules; err names the field first ("email: ...").
 * A value of only white space counts as absent. */
int reg_validate(int k, const reg_rec *r, isms_err *err);

/* A real calendar day YYYY-MM-DD. */
int reg_date_valid(const char *s);
/* A day, or a day and a time YYYY-MM-DDTHH:MM[:SS][Z]. */
int reg_time_valid(const char *s);
/* The same day `months` earlier (the 29th-31st clamp to the month's last day) into out. */
void reg_date_minus_months(const char *day, int months, char out[11]);
/* Whole days from day a to day b (only the date part of each is read). */
long reg_days_between(const char *a, const char *b);

/* Security awareness training counts when completed in the 12 months up to today and not expired. */
int reg_person_trained(const reg_rec *r, const char *today);
enum { REG_NOT_MEASURED, REG_ON_TRACK, REG_OFF_TRACK };
/* An objective's latest measurement against its target and direction. */
int reg_objective_track(const reg_rec *r);
const char *reg_track_name(int track);
/* Days an open incident of this severity may stay unresolved. */
int reg_incident_target_days(const char *severity);
/* The problems an auditor would flag on `today`, as sentences in a; returns how many (at most max). */
int reg_problems(int k, const reg_rec *r, const char *today, arena *a, const char **out, int max);

/* The record as a JSON object: fields (numbers as numbers, yes/no as booleans); with today
 * non-NULL also its derived state (training, track, events) and its problems on that day. */
void reg_json(jw *j, int k, const reg_rec *r, const char *today, arena *a);

#endif
