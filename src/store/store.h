/* The only module that speaks SQL: the workspace file, schema migrations, transactions, queries.
 * Every write function expects to run inside ws_begin/ws_commit and records an audit entry. */
#ifndef ISMS_STORE_H
#define ISMS_STORE_H

#include <stdint.h>
#include <stdio.h>

#include "core/cycle.h"
#include "core/gap.h"
#include "core/register.h"
#include "core/policy.h"
#include "core/risk.h"
#include "core/soa.h"
#include "store/anchor.h"
#include "util/arena.h"
#include "util/err.h"

typedef struct ws ws;

enum { WS_CREATE = 1 };       /* ws_open flags: create the file when missing */
#define STORE_SCHEMA_VERSION 10

/* Open (and migrate) the workspace at path. Without WS_CREATE a missing file is an error that
 * tells the user to run `isms init`. A file that is not an isms workspace, or one written by a
 * newer isms, is refused and left untouched. */
int ws_open(const char *path, int flags, ws **out, isms_err *err);
void ws_close(ws *w);
/* The actor recorded in the audit log for changes made through this handle. */
void ws_set_actor(ws *w, const char *actor);
/* BEGIN IMMEDIATE / COMMIT / ROLLBACK; a write command is one transaction. A commit that
 * appended audit entries is refused (nothing saved) when the log cannot be anchored: the signing
 * key is refused or missing beside a checkpoint, or the checkpoint is missing beside a signed log.
 * Otherwise, once committed, the new head is signed into the checkpoint file. */
int ws_begin(ws *w, isms_err *err);
int ws_commit(ws *w, isms_err *err);
void ws_rollback(ws *w);
/* What the last ws_commit saved but could not finish (the checkpoint not signed); NULL if nothing. */
const char *ws_warning(const ws *w);
/* Current UTC time "YYYY-MM-DDTHH:MM:SSZ" and date "YYYY-MM-DD" ($ISMS_TODAY overrides the date, for tests). */
void store_now(char out[32]);
void store_today(char out[11]);

/* Change counters, one per kind of record: each grows in the transaction of every change to a
 * record of its kind, whoever makes it (triggers keep them), so that an answer computed from some
 * kinds stays valid exactly while their counters do. */
typedef enum store_gen {
    GEN_ORG,          /* organization, scope, interested parties */
    GEN_METHOD,       /* the risk method */
    GEN_ASSET,        /* any change to an asset */
    GEN_ASSET_NAME,   /* an asset renamed or deleted: what risks show of their asset */
    GEN_RISK,         /* any change to a risk */
    GEN_RISK_ASSET,   /* a risk added to, moved off or removed from an asset: the assets' risk counts */
    GEN_RISK_CONTROL, /* risks linked to controls or unlinked */
    GEN_SOA,          /* SoA entries and approved versions */
    GEN_EVIDENCE,
    GEN_CHECK,        /* automated check runs */
    GEN_LIFECYCLE,    /* certification, milestones, audits, findings, reviews, actions, feedback */
    GEN_REGISTER,     /* people, suppliers, incidents, objectives and what they hold */
    GEN_POLICY,       /* policies, versions, acknowledgments, the profile */
    GEN_USER,         /* users and API tokens */
    GEN_ALERT,        /* the alert outbox */
    GEN_AUDIT_LOG,    /* entries appended to the audit log: every change */
    STORE_NGEN
} store_gen;
extern const char *const store_gen_names[STORE_NGEN];
int store_generations(ws *w, int64_t out[STORE_NGEN], isms_err *err);

/* --- audit log (append-only, hash-chained) --- */
typedef struct audit_entry {
    int64_t seq;
    const char *at, *actor, *action, *entity, *entity_id, *before, *after, *prev_hash, *hash;
} audit_entry;
/* Append an entry; before/after are JSON text or NULL. */
int store_audit(ws *w, const char *action, const char *entity, const char *entity_id,
                const char *before, const char *after, isms_err *err);
/* Call cb for each entry in order; stops when cb returns non-zero. */
int store_audit_each(ws *w, int (*cb)(const audit_entry *, void *), void *ctx, isms_err *err);
/* The hash of entry e chained to prev (the hash of the entry before, or store_audit_genesis). */
void store_audit_hash(const char *prev, const audit_entry *e, char out[65]);
extern const char store_audit_genesis[65];

/* Walking a chain entry by entry (the workspace's, or one carried in a package). */
typedef struct audit_chain {
    char prev[65];
    int64_t expect, count, last_seq;
    int64_t bad;             /* first entry in trouble, 0 while intact */
    char problem[256];
    int64_t anchor_seq;      /* the entry whose hash a checkpoint names (0: none) ... */
    int anchor_found;        /* ... whether it was seen, and its stored hash */
    char anchor_hash[65];
} audit_chain;
void audit_chain_start(audit_chain *v, int64_t anchor_seq);
/* Check one entry (in seq order); always 0, problems are kept in v. */
int audit_chain_step(audit_chain *v, const audit_entry *e);

/* What checking the audit log found: the chain, and the chain against its signed checkpoint. */
#define AUDIT_MAX_PROBLEMS 6
typedef struct audit_check {
    int64_t entries, last_seq;
    int64_t bad_seq;          /* first entry that cannot be trusted, 0 when intact (1: none can) */
    int nproblems;
    char problems[AUDIT_MAX_PROBLEMS][400];
    anchor_checkpoint ck;     /* the checkpoint checked against (zeros when none) */
    const char *key_source;   /* which public key checked its signature (NULL: none) */
    char public_key[65];      /* that key, hex */
    int anchored;             /* the chain matches ck, signed with a trusted key */
    int64_t unsigned_entries; /* entries newer than ck: their write was cut off before signing */
    int64_t chain_bad;        /* first entry the chain itself rejects, 0 when it holds */
    int key_state;            /* the key file: ISMS_OK, ISMS_ENOTFOUND, or why it was refused */
    int checkpoint_state;     /* ANCHOR_FILE_* */
} audit_check;
/* Check the chain, and the chain against a checkpoint: pinned, or when NULL the newest in the
 * workspace's checkpoint file; its signature checked with pk, or when NULL the workspace's key
 * file. A checkpoint behind the chain is accepted (the entries after it must chain correctly); a
 * log shorter than it, a different hash at its count, a bad signature, a missing checkpoint or key
 * beside a log with entries, and a key file others can read are problems. ISMS_OK when it could
 * check; problems are in out. */
int store_audit_check(ws *w, const anchor_checkpoint *pinned, const unsigned char *pk, audit_check *out,
                      isms_err *err);
/* The checkpoint part of store_audit_check for a walked chain v (shared with package checks). */
void audit_check_anchor(audit_check *out, const audit_chain *v, const anchor_checkpoint *ck, int trusted);
/* store_audit_check against the workspace's own files; returns ISMS_OK with *bad_seq 0 when
 * intact, else the first untrusted seq and every problem in err's message. */
int store_audit_verify(ws *w, int64_t *bad_seq, int64_t *count, isms_err *err);
/* Sign data with the workspace's key (refused as store_audit_check refuses it): the signature and
 * public key as hex, for the evidence package's manifest. */
int store_audit_sign(ws *w, const void *data, size_t len, char sig[129], char public_key[65], isms_err *err);
/* Sign the log as it is now (`isms log anchor`): create the key when missing (*key_created) and
 * replace the checkpoint file with one for the current head, into *out; the old checkpoint file
 * is kept under the name put in kept ("" when there was none). */
int store_audit_anchor(ws *w, anchor_checkpoint *out, int *key_created, char *kept, size_t kept_size,
                       isms_err *err);

/* --- organization and scope (clause 4) --- */
typedef struct org {
    const char *name, *scope, *context, *created_at;
} org;
typedef struct scope_item {
    int64_t id;
    const char *kind;   /* unit | location | system */
    const char *name;
    int in_scope;
    const char *note;
} scope_item;
typedef struct party {
    int64_t id;
    const char *name, *requirements;
} party;

int store_org_get(ws *w, arena *a, org *o, isms_err *err);
int store_org_create(ws *w, const char *name, isms_err *err);
/* Update the non-NULL fields. */
int store_org_update(ws *w, const char *name, const char *scope, const char *context, isms_err *err);
int store_scope_add(ws *w, const scope_item *s, int64_t *id, isms_err *err);
int store_scope_remove(ws *w, int64_t id, isms_err *err);
int store_scope_list(ws *w, arena *a, scope_item **out, size_t *n, isms_err *err);
int store_party_add(ws *w, const party *p, int64_t *id, isms_err *err);
int store_party_remove(ws *w, int64_t id, isms_err *err);
int store_party_list(ws *w, arena *a, party **out, size_t *n, isms_err *err);

/* --- risk methodology --- */
int store_method_get(ws *w, risk_method *m, int *confirmed, isms_err *err);
/* Save a validated methodology; refused when existing risks fall outside the new scales. */
int store_method_set(ws *w, const risk_method *m, isms_err *err);

/* --- assets --- */
typedef struct asset {
    int64_t id;
    const char *name, *type, *owner, *classification, *description;
    int confidentiality, integrity, availability;  /* 1..3, 0 when not rated */
    const char *created_at, *updated_at;
    long nrisks;
} asset;

/* Trim the text fields (into a); a blank description becomes NULL. Insert and update do this. */
void asset_normalize(asset *x, arena *a);
/* Validate type, classification and CIA values; a blank name or owner is missing. Fills err
 * naming the bad field. */
int asset_validate(const asset *x, isms_err *err);
extern const char *const asset_types[];
extern const char *const asset_classifications[];
int store_asset_insert(ws *w, const asset *x, int64_t *id, isms_err *err);
int store_asset_update(ws *w, const asset *x, isms_err *err);
/* Refused while risks reference the asset. */
int store_asset_delete(ws *w, int64_t id, isms_err *err);
/* Find by numeric id or exact name. */
int store_asset_get(ws *w, const char *id_or_name, arena *a, asset *x, isms_err *err);
/* Stream every asset ordered by id; cb returns non-zero to stop. */
int store_asset_each(ws *w, int (*cb)(const asset *, void *), void *ctx, isms_err *err);

/* Filters and paging for the API: NULL fields do not filter. */
typedef struct page_query {
    const char *type, *owner, *classification, *treatment, *q;
    int64_t asset_id;
    long limit, offset;
} page_query;
/* asset_import.c: the outcome of a CSV import; problems name the line and column. */
#define ASSET_IMPORT_MAX_PROBLEMS 50
typedef struct asset_import_report {
    long rows;             /* data rows read */
    long errors;           /* problems found, counting those past the kept messages */
    const char **problems; /* the first ASSET_IMPORT_MAX_PROBLEMS messages */
    size_t nproblems;
} asset_import_report;
/* Insert the assets of a CSV stream (header: name,type,owner,classification and optionally
 * confidentiality,integrity,availability,description) inside the caller's transaction. ISMS_OK
 * with rep->errors > 0 means refused: the caller rolls back. Progress is called every 1000 rows. */
int store_asset_import(ws *w, FILE *f, arena *a, asset_import_report *rep, void (*progress)(long rows, void *),
                       void *pctx, isms_err *err);
/* What shows whether a page of assets or risks (by id) changed since it was read: it changes with
 * every change to the rows up to upto, and to the risk counts of those assets. */
typedef struct page_mark {
    int64_t upto; /* the page's last id when the page was full; INT64_MAX when not (rows may join) */
    int64_t mark;
} page_mark;
enum { PAGE_ASSETS, PAGE_RISKS };
/* The mark now of the rows up to upto (PAGE_ASSETS or PAGE_RISKS). */
int store_page_mark(ws *w, int kind, int64_t upto, int64_t *mark, isms_err *err);
/* The number of assets matching pq's filters. */
int store_asset_count(ws *w, const page_query *pq, long *total, isms_err *err);
/* One page of assets ordered by id, with the total matching count (total NULL: not counted) and,
 * read with the page, its mark (pm NULL: none). */
int store_asset_page(ws *w, const page_query *pq, int (*cb)(const asset *, void *), void *ctx, long *total,
                     page_mark *pm, isms_err *err);

/* --- risks --- */
int store_risk_insert(ws *w, const risk_method *m, const risk *r, int64_t *id, isms_err *err);
/* Replace the assessment fields (title, asset, threat, vulnerability, likelihood, impact, owner). */
int store_risk_update(ws *w, const risk_method *m, const risk *r, isms_err *err);
/* Record a treatment: option, controls (links them and marks them applicable in the SoA),
 * residual values, owner, due date, plan. Refused when a control is excluded in the SoA. */
int store_risk_treat(ws *w, const risk_method *m, const risk *r, isms_err *err);
/* The risk owner accepts the residual risk; `by` must be the risk's owner. */
int store_risk_accept(ws *w, const risk_method *m, int64_t id, const char *by, isms_err *err);
int store_risk_delete(ws *w, int64_t id, isms_err *err);
int store_risk_get(ws *w, int64_t id, arena *a, risk *r, isms_err *err);
int store_risk_each(ws *w, int (*cb)(const risk *, void *), void *ctx, isms_err *err);
/* Count of risks per inherent likelihood x impact cell; m[l][i] for 1..5. */
int store_risk_matrix(ws *w, long m[6][6], isms_err *err);
/* Open treatments due on or before `until` (YYYY-MM-DD), soonest first, at most limit. */
int store_risk_due(ws *w, const char *until, int limit, int (*cb)(const risk *, void *), void *ctx, isms_err *err);
/* One page of risks ordered by id (filters: owner, treatment incl. "untreated", asset_id, q), as
 * store_asset_page; store_risk_count counts the matching risks. */
int store_risk_count(ws *w, const page_query *pq, long *total, isms_err *err);
int store_risk_page(ws *w, const page_query *pq, int (*cb)(const risk *, void *), void *ctx, long *total,
                    page_mark *pm, isms_err *err);

/* --- Statement of Applicability --- */
/* The 93 entries in catalog order with derived risk links; out must hold CATALOG_NCONTROLS. */
int store_soa_load(ws *w, arena *a, soa_entry *out, isms_err *err);
/* Store one entry after soa_entry_check. */
int store_soa_save(ws *w, const soa_entry *e, isms_err *err);
typedef struct soa_version {
    int version;
    const char *approved_by, *approved_at, *note, *digest;
} soa_version;
/* Freeze the current SoA as the next numbered version. */
int store_soa_approve(ws *w, const char *by, const char *note, int *version, isms_err *err);
int store_soa_versions(ws *w, arena *a, soa_version **out, size_t *n, isms_err *err);
/* The entries of an approved version, in catalog order. */
int store_soa_load_version(ws *w, int version, arena *a, soa_entry *out, isms_err *err);
/* Digest of the current SoA, and whether it differs from the latest approved version. */
int store_soa_changed(ws *w, arena *a, int *versions, int *changed, isms_err *err);

/* --- evidence --- */
typedef struct evidence {
    int64_t id;
    const char *sha256, *filename, *kind, *description, *source, *collected_at, *collected_by, *valid_until,
        *created_at, *controls;    /* controls: "A.5.15,A.8.5" */
    int64_t size;
    const char *name;   /* store_evidence_add: the file name to record instead of the path's (optional) */
} evidence;
/* Directory holding the workspace's evidence files: "<db path>.evidence". */
const char *store_evidence_dir(ws *w, arena *a);
/* Copy the file at path into the content-addressed store and record it with its controls. The
 * copy is hashed while written; a file over max_bytes is refused. Fills ev->id and ev->sha256. */
int store_evidence_add(ws *w, const char *path, evidence *ev, int64_t max_bytes, arena *a, isms_err *err);
/* The same from an open regular file read from its current offset, recorded under ev->name
 * (required): the path of web uploads, whose bytes never have a name on disk. */
int store_evidence_add_fd(ws *w, int fd, evidence *ev, int64_t max_bytes, arena *a, isms_err *err);
int store_evidence_get(ws *w, int64_t id, arena *a, evidence *ev, isms_err *err);
/* Stream evidence ordered by id; control filters to one control when non-NULL. */
int store_evidence_each(ws *w, const char *control, int (*cb)(const evidence *, void *), void *ctx, isms_err *err);
/* Per control (catalog order) the number of fresh and stale evidence items on `today`. */
int store_evidence_counts(ws *w, const char *today, int *fresh, int *stale, isms_err *err);
/* Path of an evidence file's content in the store (arena string). */
const char *store_evidence_path(ws *w, const char *sha256, arena *a);

enum { EVIDENCE_OK = 0, EVIDENCE_MISSING, EVIDENCE_TAMPERED };
/* Recompute the stored file's SHA-256: *state EVIDENCE_OK, _MISSING or _TAMPERED (err says how). */
int store_evidence_verify_file(ws *w, const evidence *ev, int *state, isms_err *err);

/* --- automated check runs --- */
typedef struct check_run {
    int64_t id;
    const char *check_id, *status, *summary, *details, *controls, *ran_at;
    int64_t evidence_id;  /* 0 when nothing was kept */
} check_run;
/* Record a run: the raw responses become an evidence file linked to the check's controls, then
 * the run row. Fills run->id and run->evidence_id. */
int store_check_record(ws *w, check_run *run, const char *raw, size_t raw_len, arena *a, isms_err *err);
/* The latest run of each check, ordered by check id. */
int store_check_latest(ws *w, arena *a, check_run **out, size_t *n, isms_err *err);
/* Runs of one check, newest first, at most limit. */
int store_check_history(ws *w, const char *check_id, int limit, arena *a, check_run **out, size_t *n, isms_err *err);
/* Per control (catalog order): 1 when the latest run of some check supporting it failed or erred. */
int store_check_failing(ws *w, int *failing, isms_err *err);

/* --- alerts (the monitoring outbox) --- */
typedef struct alert {
    int64_t id;
    const char *key, *kind, *payload, *created_at, *next_attempt_at, *delivered_at, *last_error;
    int attempts;
} alert;
/* Queue an alert unless one with the same key exists; *queued says whether it was new. */
int store_alert_queue(ws *w, const char *key, const char *kind, const char *payload, int *queued, isms_err *err);
/* Undelivered alerts due at `now` (ISO time), oldest first, at most limit. */
int store_alert_due(ws *w, const char *now, int limit, arena *a, alert **out, size_t *n, isms_err *err);
/* Mark delivered, or record a failed attempt and when to try again. */
int store_alert_delivered(ws *w, int64_t id, const char *at, isms_err *err);
int store_alert_failed(ws *w, int64_t id, const char *error, const char *next_attempt_at, isms_err *err);
int store_alert_list(ws *w, int limit, arena *a, alert **out, size_t *n, isms_err *err);
/* Evidence whose validity ended before `today` (id, file, controls), for stale-evidence alerts. */
int store_evidence_expired(ws *w, const char *today, int (*cb)(const evidence *, void *), void *ctx, isms_err *err);

/* --- users and API tokens --- */
typedef struct user {
    int64_t id;
    const char *name, *role, *created_at;
    int mfa_enabled, disabled;
} user;
typedef struct api_token {
    int64_t id;
    const char *user, *prefix, *label, *created_at, *last_used_at, *revoked_at;
} api_token;
/* Roles: admin manages users and settings, editor writes registers, viewer reads, auditor reads
 * everything including the audit log. */
int user_role_valid(const char *role);
/* A new random password of USER_PASSWORD_GENERATED characters, to be shown once. */
#define USER_PASSWORD_GENERATED 20
int user_password_generate(char out[USER_PASSWORD_GENERATED + 1], isms_err *err);
/* Add a user with an argon2id hash of password (at least 12 characters). */
int store_user_add(ws *w, const char *name, const char *role, const char *password, int64_t *id, isms_err *err);
int store_user_list(ws *w, arena *a, user **out, size_t *n, isms_err *err);
int store_user_get(ws *w, const char *name, arena *a, user *u, isms_err *err);
int store_user_set_password(ws *w, const char *name, const char *password, isms_err *err);
int store_user_set_role(ws *w, const char *name, const char *role, isms_err *err);
int store_user_disable(ws *w, const char *name, int disabled, isms_err *err);
/* Check a password; *ok is 1 only for an enabled user whose hash matches (time is spent either way). */
int store_user_check_password(ws *w, const char *name, const char *password, int *ok, isms_err *err);
/* Start MFA: store a new random TOTP secret (enabled once a code is confirmed); base32 into secret_b32. */
int store_user_mfa_begin(ws *w, const char *name, char *secret_b32, size_t sz, isms_err *err);
/* Confirm a code at time t: enables MFA on first success; refuses a code's step used before. */
int store_user_mfa_check(ws *w, const char *name, const char *code, long long t, int *ok, isms_err *err);
int store_user_mfa_disable(ws *w, const char *name, isms_err *err);
/* Create an API token for a user; the token text is returned once in token_out and only its
 * SHA-256 is stored. */
int store_token_create(ws *w, const char *user, const char *label, char *token_out, size_t sz, int64_t *id,
                       isms_err *err);
int store_token_list(ws *w, arena *a, api_token **out, size_t *n, isms_err *err);
int store_token_revoke(ws *w, int64_t id, isms_err *err);
/* Resolve a presented token to its (enabled) user; not found or revoked gives ISMS_ENOTFOUND. */
int store_token_user(ws *w, const char *token, arena *a, user *u, isms_err *err);

/* --- audit lifecycle: certification cycle, internal audits (9.2), actions (10.2), reviews (9.3) --- */
/* *found is 0 when nothing was recorded yet (all fields NULL). */
int store_cert_get(ws *w, arena *a, cert_rec *c, int *found, isms_err *err);
/* Update the non-NULL fields; dates are validated, stage 2 cannot precede stage 1. */
int store_cert_set(ws *w, const cert_rec *c, isms_err *err);
int store_milestone_set(ws *w, const char *key, const char *due_date, const char *note, isms_err *err);
/* Every roadmap milestone in order, with its due date (NULL when unplanned) and derived completion. */
int store_milestone_list(ws *w, arena *a, milestone_rec **out, size_t *n, isms_err *err);

/* Plan an internal audit; scope is normalized ("4-10", "annex-a", ids in any form). The auditor
 * must not own any control in the scope (auditors do not audit their own work). Fills a->id. */
int store_audit_plan(ws *w, audit_rec *a, arena *ar, isms_err *err);
int store_audit_get(ws *w, int64_t id, arena *a, audit_rec *out, isms_err *err);
int store_audit_list(ws *w, arena *a, audit_rec **out, size_t *n, isms_err *err);
/* Mark completed on `on` with a summary of the results; refused twice or before its start date. */
int store_audit_complete(ws *w, int64_t id, const char *summary, const char *on, isms_err *err);

/* Record a finding against a planned (not yet completed) audit; ref is a clause or control. */
int store_finding_add(ws *w, finding_rec *f, isms_err *err);
/* Findings of one audit (audit_id > 0) or all, ordered by id. */
int store_finding_list(ws *w, int64_t audit_id, arena *a, finding_rec **out, size_t *n, isms_err *err);

/* Add an action: corrective actions for nonconformities need a root cause. Fills a->id. */
int store_action_add(ws *w, action_rec *a, isms_err *err);
/* The owner reports the action implemented; review actions close here, corrective ones await verification. */
int store_action_implemented(ws *w, int64_t id, const char *on, isms_err *err);
/* The effectiveness check (10.2 d): effective closes the action, not effective reopens it. */
int store_action_verify(ws *w, int64_t id, int effective, const char *note, const char *by, const char *on,
                        isms_err *err);
/* One action by id, with its finding's type and reference. */
int store_action_get(ws *w, int64_t id, arena *a, action_rec *out, isms_err *err);
/* Actions ordered by due date; open_only leaves out closed ones. */
int store_action_list(ws *w, int open_only, arena *a, action_rec **out, size_t *n, isms_err *err);

/* Record a held management review with its 9.3.3 results and the input pack (JSON) it considered. */
int store_review_record(ws *w, review_rec *r, isms_err *err);
int store_review_get(ws *w, int64_t id, arena *a, review_rec *out, isms_err *err);
int store_review_list(ws *w, arena *a, review_rec **out, size_t *n, isms_err *err);

int store_feedback_add(ws *w, feedback_rec *f, isms_err *err);
/* Feedback received on or after `since` (NULL: all), newest first. */
int store_feedback_list(ws *w, const char *since, arena *a, feedback_rec **out, size_t *n, isms_err *err);
/* Per control (catalog order): applicable (not excluded in the SoA) and treating a risk whose
 * inherent score is above the appetite, for the audit programme's weighting. */
int store_audit_programme_inputs(ws *w, int *applicable, int *high_risk, isms_err *err);
/* Fill the audit-lifecycle fields of gap_facts (audits, reviews, nonconformities, overdue actions). */
int store_lifecycle_facts(ws *w, const char *today, gap_facts *f, isms_err *err);
/* The Stage 1 facts of gap_facts (policy, documents, objectives, competence, risk reviews,
 * monitoring) on today; store_gap_facts calls it. */
int store_stage1_facts(ws *w, const char *today, gap_facts *f, isms_err *err);
/* Everything Stage 1 readiness looks at, as of today: g is filled and f->g points at it, and f->r
 * at the gap analysis over it, so readiness has exactly the gap analysis' blockers. */
int store_readiness_facts(ws *w, arena *a, readiness_facts *f, gap_facts *g, isms_err *err);

/* Every dated event of the ISMS, for the calendar. */
typedef struct cal_event {
    const char *uid, *date, *end_date, *summary, *description, *category;
} cal_event;
int store_calendar_events(ws *w, arena *a, cal_event **out, size_t *n, isms_err *err);
/* --- people, suppliers, incidents, objectives and their child records (core/register.h) --- */
typedef struct reg_filter {
    const char *field, *value;   /* equality on one field */
} reg_filter;
/* Validate and add r (kind k; a child kind needs r->parent_id of an existing parent); fills r->id. */
int store_reg_insert(ws *w, int k, reg_rec *r, isms_err *err);
/* Validate and replace every field of record r->id. */
int store_reg_update(ws *w, int k, const reg_rec *r, isms_err *err);
/* Delete a record with its child records; the audit entry keeps the children too. */
int store_reg_delete(ws *w, int k, int64_t id, isms_err *err);
/* Find by numeric id, or by the kind's unique field (a person's email, a supplier's name). */
int store_reg_get(ws *w, int k, const char *ref, arena *a, reg_rec *r, isms_err *err);
/* Stream records ordered by id: filters on fields, q a substring of the label field, parent_id
 * (child kinds, 0 for all); cb returns non-zero to stop. */
int store_reg_each(ws *w, int k, const reg_filter *filters, int nfilters, const char *q, int64_t parent_id,
                   int (*cb)(const reg_rec *, void *), void *ctx, isms_err *err);

typedef struct register_summary {
    int people /* current staff */, people_trained /* training within 12 months */, people_missing_screening_or_terms,
        leavers_access_open;
    int suppliers, suppliers_review_overdue, suppliers_high_risk_no_clauses;
    int incidents, incidents_open, incidents_closed_no_lessons;
    int objectives, objectives_measured, objectives_off_track;
    int leavers;  /* people whose end date has passed; not counted in people */
    int people_with_problems, suppliers_with_problems, incidents_with_problems, objectives_with_problems;
} register_summary;
/* Counts over the four registers on today (YYYY-MM-DD) for readiness checks (6.2, 7.2). Current
 * staff only for people and training; leavers_access_open counts leavers without timely removal. */
int store_register_summary(ws *w, const char *today, register_summary *out, isms_err *err);

/* --- gap analysis facts --- */
/* The facts of the gap analysis; soa is the SoA as store_soa_load read it (for whether it changed
 * since its approval), or NULL to read it here. */
int store_gap_facts(ws *w, arena *a, const soa_entry *soa, gap_facts *f, isms_err *err);

/* --- policy documents (src/store/policy.c) --- */
typedef struct policy_doc {
    int64_t id;
    const char *name, *title, *controls, *clauses;
    int version;                  /* the version read (latest unless asked) */
    const char *status;           /* draft | approved | superseded */
    const char *body, *created_at, *created_by, *approved_by, *approved_at, *next_review;
    int64_t evidence_id;          /* evidence recorded at approval, 0 for drafts */
    int latest_version;           /* newest version of the policy */
    int approved_version;         /* the current approved version, 0 when none */
    const char *current_next_review;  /* next review of the current approved version */
    long acks;                    /* acknowledgments of the current approved version */
} policy_doc;
/* The profile that fills templates; unset fields are NULL (review_months 0). */
int store_policy_profile_get(ws *w, arena *a, policy_profile *p, isms_err *err);
/* Save the non-NULL fields (review_months when > 0) after validating them. */
int store_policy_profile_set(ws *w, const policy_profile *changes, isms_err *err);
/* Save body as a draft: creates the policy when new; replaces the latest version when it is a
 * draft, else adds a new draft version. *version receives the draft's version. */
int store_policy_save_draft(ws *w, const policy_template *meta, const char *body, int *version, isms_err *err);
/* Read a policy by name at version (0: the latest). */
int store_policy_get(ws *w, const char *name, int version, arena *a, policy_doc *d, isms_err *err);
/* Every policy at its latest version, by name. */
int store_policy_list(ws *w, arena *a, policy_doc **out, size_t *n, isms_err *err);
/* Approve the latest draft: approved by/at (today), next review = today + cadence, the previous
 * approved version superseded, and the document recorded as "policy" evidence for its controls,
 * valid until the next review. Fills d with the approved version. */
int store_policy_approve(ws *w, const char *name, const char *by, arena *a, policy_doc *d, isms_err *err);
/* Record that person acknowledged the current approved version; *already is 1 (and nothing is
 * written) when they had. */
int store_policy_ack(ws *w, const char *name, const char *person, int *already, isms_err *err);
/* Names that acknowledged a version, sorted. */
int store_policy_ackers(ws *w, int64_t policy_id, int version, arena *a, const char ***out, size_t *n,
                        isms_err *err);
/* What generating one template did: a new draft version, or skipped because the policy exists. */
typedef struct policy_gen_result {
    const char *name, *title;
    int made;                     /* 1: a draft was saved; 0: skipped */
    int version;                  /* the draft's version, or the existing latest version when skipped */
    const char *status;           /* the existing latest version's status when skipped */
} policy_gen_result;
/* Render the n templates with the organization and profile and save each as a draft; an existing
 * policy is skipped unless force. Run inside the caller's transaction; out has n entries. */
int store_policy_generate(ws *w, const policy_template *todo, size_t n, int force, arena *a, policy_gen_result *out,
                          isms_err *err);
/* Replace the latest draft of policy name with body (validated), or start a new draft version when
 * the latest is approved; d receives the policy as it was, *version the draft's version. */
int store_policy_edit(ws *w, const char *name, const char *body, arena *a, policy_doc *d, int *version,
                      isms_err *err);
/* The names of the workspace's enabled users: the staff expected to acknowledge by default. */
int store_policy_staff_users(ws *w, arena *a, const char ***out, size_t *n, isms_err *err);
/* The people register's current staff (no end date, or one after today): an alternative staff list. */
int store_policy_staff_people(ws *w, const char *today, arena *a, const char ***out, size_t *n, isms_err *err);
/* One policy's acknowledgment state against the expected staff on a day. */
typedef struct policy_ack_status {
    policy_doc d;
    int review_overdue;
    size_t acknowledged;          /* acknowledgments of the current approved version */
    const char **missing;         /* expected staff who have not acknowledged it */
    size_t nmissing;
} policy_ack_status;
/* The state of policy name (or of every policy when name is NULL) against staff on today;
 * *problems counts policies with someone missing or an overdue review. */
int store_policy_status(ws *w, const char *name, const char *const *staff, size_t nstaff, const char *today,
                        arena *a, policy_ack_status **out, size_t *n, int *problems, isms_err *err);

#endif
