/* Use cases of evidence collection and of the audit cycle: add evidence; plan, read and complete
 * audits; record findings; add, implement and verify actions; record reviews and feedback. */
#include <string.h>

#include "app/internal.h"
#include "app/usecases.h"
#include "core/cycle.h"
#include "report/cycle_json.h"
#include "report/json.h"
#include "report/lifecycle.h"

/* Evidence larger than this is refused: an evidence store holds documents and exports, not backups. */
#define EVIDENCE_MAX_BYTES (1LL << 30)

static const app_field evidence_add_fields[] = {
    AFIELD(app_evidence_add_in, path, AF_STR, 1, "the file to keep as evidence: its path on this machine"),
    AFIELD(app_evidence_add_in, description, AF_STR, 1, "what this evidence shows, such as 'Q3 access review of AWS IAM'"),
    AFIELD(app_evidence_add_in, controls, AF_IDS, 1, "the Annex A controls it supports, such as A.5.18"),
    AFIELD(app_evidence_add_in, type, AF_STR, 0, "the kind of evidence (access_review, policy, config_export, ...; other by default)"),
    AFIELD(app_evidence_add_in, collected, AF_DATE, 0, "when it was collected (today when left out)"),
    AFIELD(app_evidence_add_in, valid_until, AF_DATE, 0, "until when it stays valid (from its kind when left out)"),
    AFIELD_END,
};

static int evidence_add(app *p, const void *vin, jw *j, isms_err *err)
{
    const app_evidence_add_in *in = vin;
    evidence ev = {0};
    ev.controls = in->controls;
    ev.description = in->description;
    ev.kind = in->type && *in->type ? in->type : "other";
    ev.collected_at = in->collected && *in->collected ? in->collected : app_today(p);
    ev.valid_until = in->valid_until && *in->valid_until ? in->valid_until : NULL;
    int rc = store_evidence_add(p->w, in->path, &ev, EVIDENCE_MAX_BYTES, &p->a, err);
    if (rc == ISMS_EIO && !err->field[0])
        snprintf(err->field, sizeof err->field, "path");
    if (!rc)
        rc = store_evidence_get(p->w, ev.id, &p->a, &ev, err);
    if (!rc)
        json_evidence(j, &ev, app_today(p));
    return rc;
}

/* --- audits and findings --- */


static int audit_list(app *p, const void *in, jw *j, isms_err *err)
{
    audit_rec *au;
    size_t n;
    int rc = store_audit_list(p->w, &p->a, &au, &n, err);
    if (rc)
        return rc;
    app_items_begin(j);
    for (size_t i = 0; i < n; i++)
        lifecycle_audit_json(j, &au[i]);
    app_items_end(j, (int64_t)n);
    return ISMS_OK;
}

typedef struct audit_get_in {
    app_int id;
} audit_get_in;
static const app_field audit_get_fields[] = {
    AFIELD_INT(audit_get_in, id, 1, 1, INT32_MAX, "the audit's number"),
    AFIELD_END,
};

static int audit_get(app *p, const void *vin, jw *j, isms_err *err)
{
    int64_t id = ((const audit_get_in *)vin)->id.v;
    audit_rec x;
    finding_rec *f;
    size_t nf;
    int rc = store_audit_get(p->w, id, &p->a, &x, err);
    if (!rc)
        rc = store_finding_list(p->w, id, &p->a, &f, &nf, err);
    if (rc)
        return rc;
    jw_obj(j);
    jw_key(j, "audit");
    lifecycle_audit_json(j, &x);
    jw_key(j, "findings");
    jw_arr(j);
    for (size_t i = 0; i < nf; i++)
        lifecycle_finding_json(j, &f[i], 0, 1);
    jw_arr_end(j);
    jw_obj_end(j);
    return ISMS_OK;
}

static const char *const finding_types[] = {"major", "minor", "observation", "improvement", NULL};
static const app_field finding_add_fields[] = {
    AFIELD_INT(app_finding_add_in, audit_id, 1, 1, INT32_MAX, "the planned audit the finding belongs to"),
    AFIELD_ENUM(app_finding_add_in, type, 1, finding_types,
                "major or minor nonconformity (needs a corrective action), observation or opportunity for improvement"),
    AFIELD(app_finding_add_in, ref, AF_STR, 1, "the clause (9.2) or Annex A control (A.8.5) concerned"),
    AFIELD(app_finding_add_in, description, AF_TEXT, 1, "what was found, as the auditor would write it"),
    AFIELD(app_finding_add_in, evidence, AF_TEXT, 0, "what the finding rests on: records seen, people interviewed"),
    AFIELD_END,
};

static int finding_add(app *p, const void *vin, jw *j, isms_err *err)
{
    const app_finding_add_in *in = vin;
    finding_rec f = {0};
    f.audit_id = in->audit_id.v;
    f.type = in->type;
    f.ref = in->ref;
    f.description = in->description;
    f.evidence = in->evidence;
    int rc = store_finding_add(p->w, &f, err);
    if (rc)
        return rc;
    finding_rec *all;
    size_t n;
    if ((rc = store_finding_list(p->w, f.audit_id, &p->a, &all, &n, err)))
        return rc;
    for (size_t i = 0; i < n; i++)
        if (all[i].id == f.id) {
            lifecycle_finding_json(j, &all[i], 1, 1);
            return ISMS_OK;
        }
    return err_set(err, ISMS_EDB, "finding %lld was recorded but cannot be read back", (long long)f.id);
}

/* --- actions --- */

static const app_field action_add_fields[] = {
    AFIELD_INT(app_action_add_in, finding, 0, 1, INT32_MAX, "the finding this corrective action answers (or review)"),
    AFIELD_INT(app_action_add_in, review, 0, 1, INT32_MAX, "the management review that decided this action (or finding)"),
    AFIELD(app_action_add_in, actions, AF_TEXT, 1, "what will be done"),
    AFIELD(app_action_add_in, root_cause, AF_TEXT, 0, "why the nonconformity happened (required for a nonconformity, 10.2 b)"),
    AFIELD(app_action_add_in, owner, AF_STR, 1, "who carries the action out"),
    AFIELD(app_action_add_in, due_date, AF_DATE, 1, "when it is due"),
    AFIELD_END,
};

static int action_answer(app *p, int64_t id, jw *j, isms_err *err)
{
    action_rec x;
    int rc = store_action_get(p->w, id, &p->a, &x, err);
    if (!rc)
        lifecycle_action_json(j, &x, app_today(p));
    return rc;
}

static int action_add(app *p, const void *vin, jw *j, isms_err *err)
{
    const app_action_add_in *in = vin;
    action_rec x = {0};
    x.finding_id = in->finding.given ? in->finding.v : 0;
    x.review_id = in->review.given ? in->review.v : 0;
    x.description = in->actions;
    x.root_cause = in->root_cause;
    x.owner = in->owner;
    x.due_date = in->due_date;
    int rc = store_action_add(p->w, &x, err);
    return rc ? rc : action_answer(p, x.id, j, err);
}

static const app_field action_get_fields[] = {
    AFIELD_INT(app_id_in, id, 1, 1, INT32_MAX, "the action's number"),
    AFIELD_END,
};

static int action_get(app *p, const void *vin, jw *j, isms_err *err)
{
    return action_answer(p, ((const app_id_in *)vin)->id.v, j, err);
}

typedef struct action_list_in {
    app_int open;
} action_list_in;
static const app_field action_list_fields[] = {
    {"open", AF_BOOL, 0, offsetof(action_list_in, open), "true: only the actions not yet closed", NULL, 0, 0},
    AFIELD_END,
};

static int action_list(app *p, const void *vin, jw *j, isms_err *err)
{
    const action_list_in *in = vin;
    action_rec *x;
    size_t n;
    int rc = store_action_list(p->w, in->open.given && in->open.v, &p->a, &x, &n, err);
    if (rc)
        return rc;
    app_items_begin(j);
    for (size_t i = 0; i < n; i++)
        lifecycle_action_json(j, &x[i], app_today(p));
    app_items_end(j, (int64_t)n);
    return ISMS_OK;
}

/* --- planning and closing audits, actions' steps, reviews and feedback --- */

static const app_field audit_plan_fields[] = {
    AFIELD(app_audit_plan_in, scope, AF_STR, 0,
           "what is audited: clauses and controls such as \"4-10\", \"annex-a\" or \"9.2,A.5.15\" (or year)"),
    AFIELD_INT(app_audit_plan_in, year, 0, 1, 3, "the year of the three-year audit programme whose scope to take (or scope)"),
    AFIELD(app_audit_plan_in, auditor, AF_STR, 1, "who audits: must not own a control in the scope"),
    AFIELD(app_audit_plan_in, start_date, AF_DATE, 1, "the audit's first day"),
    AFIELD(app_audit_plan_in, end_date, AF_DATE, 0, "its last day (the first day when left out)"),
    AFIELD(app_audit_plan_in, title, AF_STR, 0, "a title (from the scope when left out)"),
    AFIELD(app_audit_plan_in, criteria, AF_TEXT, 0, "the audit criteria (the standard, the SoA and the policies by default)"),
    AFIELD_END,
};

static int audit_answer(app *p, int64_t id, jw *j, isms_err *err)
{
    audit_rec x;
    int rc = store_audit_get(p->w, id, &p->a, &x, err);
    if (!rc)
        lifecycle_audit_json(j, &x);
    return rc;
}

static int audit_plan(app *p, const void *vin, jw *j, isms_err *err)
{
    const app_audit_plan_in *in = vin;
    audit_rec x = {0};
    x.title = in->title;
    x.scope = in->scope;
    x.criteria = in->criteria;
    x.auditor = in->auditor;
    x.start_date = in->start_date;
    x.end_date = in->end_date;
    int rc = lifecycle_plan(p->w, &x, in->year.given ? (int)in->year.v : 0, &p->a, err);
    return rc ? rc : audit_answer(p, x.id, j, err);
}

static const app_field audit_complete_fields[] = {
    AFIELD_INT(app_audit_complete_in, id, 1, 1, INT32_MAX, "the audit's number"),
    AFIELD(app_audit_complete_in, summary, AF_TEXT, 1, "the results of the audit, as reported to management (9.2.2 f)"),
    AFIELD(app_audit_complete_in, on, AF_DATE, 0, "when it was completed (today when left out)"),
    AFIELD_END,
};

static int audit_complete(app *p, const void *vin, jw *j, isms_err *err)
{
    const app_audit_complete_in *in = vin;
    int rc = store_audit_complete(p->w, in->id.v, in->summary, in->on && *in->on ? in->on : app_today(p), err);
    return rc ? rc : audit_answer(p, in->id.v, j, err);
}

static const app_field action_done_fields[] = {
    AFIELD_INT(app_action_step_in, id, 1, 1, INT32_MAX, "the action's number"),
    AFIELD(app_action_step_in, on, AF_DATE, 0, "when it was implemented (today when left out)"),
    AFIELD_END,
};

static int action_done(app *p, const void *vin, jw *j, isms_err *err)
{
    const app_action_step_in *in = vin;
    int rc = store_action_implemented(p->w, in->id.v, in->on && *in->on ? in->on : app_today(p), err);
    return rc ? rc : action_answer(p, in->id.v, j, err);
}

static const app_field action_verify_fields[] = {
    AFIELD_INT(app_action_step_in, id, 1, 1, INT32_MAX, "the action's number"),
    {"effective", AF_BOOL, 1, offsetof(app_action_step_in, effective),
     "true: the action removed the cause and closes; false: it goes back to its owner", NULL, 0, 0},
    AFIELD(app_action_step_in, note, AF_TEXT, 1, "how the effectiveness was checked (10.2 d)"),
    AFIELD(app_action_step_in, by, AF_STR, 1, "who checked it"),
    AFIELD(app_action_step_in, on, AF_DATE, 0, "when it was checked (today when left out)"),
    AFIELD_END,
};

static int action_verify(app *p, const void *vin, jw *j, isms_err *err)
{
    const app_action_step_in *in = vin;
    int rc = store_action_verify(p->w, in->id.v, (int)in->effective.v, in->note, in->by,
                                 in->on && *in->on ? in->on : app_today(p), err);
    return rc ? rc : action_answer(p, in->id.v, j, err);
}

static const app_field review_record_fields[] = {
    AFIELD(app_review_record_in, held_on, AF_DATE, 0, "when the review was held (today when left out)"),
    AFIELD(app_review_record_in, attendees, AF_STR, 1, "who took part: top management must (9.3.1)"),
    AFIELD(app_review_record_in, decisions, AF_TEXT, 1, "the decisions on improvement and changes (9.3.3)"),
    AFIELD(app_review_record_in, improvements, AF_TEXT, 0, "opportunities for improvement decided"),
    AFIELD(app_review_record_in, changes, AF_TEXT, 0, "changes to the ISMS decided"),
    AFIELD(app_review_record_in, resources, AF_TEXT, 0, "resources decided"),
    AFIELD_END,
};

/* A review is recorded with the input pack it considered, built from the ISMS as it stands now. */
static int review_record(app *p, const void *vin, jw *j, isms_err *err)
{
    const app_review_record_in *in = vin;
    review_rec r = {0};
    r.held_on = in->held_on && *in->held_on ? in->held_on : app_today(p);
    r.attendees = in->attendees;
    r.decisions = in->decisions;
    r.improvements = in->improvements;
    r.changes = in->changes;
    r.resources = in->resources;
    int rc = lifecycle_review_record(p->w, &r, &p->a, err);
    if (!rc)
        rc = store_review_get(p->w, r.id, &p->a, &r, err);
    if (!rc)
        lifecycle_review_json(j, &r, 0);
    return rc;
}

static const app_field feedback_add_fields[] = {
    AFIELD(app_feedback_add_in, party, AF_STR, 1, "who gave the feedback: a customer, a regulator, staff"),
    AFIELD(app_feedback_add_in, received_on, AF_DATE, 0, "when it came (today when left out)"),
    AFIELD(app_feedback_add_in, summary, AF_TEXT, 1, "what they said, for the next management review (9.3.2 d)"),
    AFIELD_END,
};

static int feedback_add(app *p, const void *vin, jw *j, isms_err *err)
{
    const app_feedback_add_in *in = vin;
    feedback_rec f = {0};
    f.party = in->party;
    f.summary = in->summary;
    f.received_on = in->received_on && *in->received_on ? in->received_on : app_today(p);
    int rc = store_feedback_add(p->w, &f, err);
    if (!rc)
        lifecycle_feedback_json(j, &f);
    return rc;
}

/* --- the certification cycle --- */

static int cert_answer(app *p, jw *j, isms_err *err)
{
    cert_rec cr;
    int found;
    milestone_rec *ms;
    size_t nm;
    int rc = store_cert_get(p->w, &p->a, &cr, &found, err);
    if (!rc)
        rc = store_milestone_list(p->w, &p->a, &ms, &nm, err);
    if (!rc)
        json_certification(j, &cr, ms, nm, app_today(p));
    return rc;
}

static int cert_get(app *p, const void *in, jw *j, isms_err *err) { return cert_answer(p, j, err); }

static const app_field cert_set_fields[] = {
    AFIELD(app_cert_set_in, body, AF_STR, 0, "the certification body"),
    AFIELD(app_cert_set_in, number, AF_STR, 0, "the certificate's number"),
    AFIELD(app_cert_set_in, stage1_date, AF_DATE, 0, "the Stage 1 audit's date"),
    AFIELD(app_cert_set_in, stage2_date, AF_DATE, 0, "the Stage 2 audit's date (not before Stage 1)"),
    AFIELD(app_cert_set_in, issued_on, AF_DATE, 0, "when the certificate was issued: it is valid three years"),
    AFIELD_END,
};

static int cert_set(app *p, const void *vin, jw *j, isms_err *err)
{
    const app_cert_set_in *in = vin;
    if (!in->body && !in->number && !in->stage1_date && !in->stage2_date && !in->issued_on)
        return err_set(err, ISMS_EINVAL, "give at least one of body, number, stage1_date, stage2_date, issued_on");
    cert_rec c = {in->body, in->number, in->stage1_date, in->stage2_date, in->issued_on, NULL};
    int rc = store_cert_set(p->w, &c, err);
    return rc ? rc : cert_answer(p, j, err);
}

static const app_field milestone_set_fields[] = {
    AFIELD(app_milestone_set_in, key, AF_STR, 1,
           "the milestone: scope, risk_assessment, soa, controls, internal_audit, management_review, stage1, stage2"),
    AFIELD(app_milestone_set_in, due_date, AF_DATE, 0, "when it is due"),
    AFIELD(app_milestone_set_in, note, AF_TEXT, 0, "a note on the plan"),
    AFIELD_END,
};

static int milestone_set(app *p, const void *vin, jw *j, isms_err *err)
{
    const app_milestone_set_in *in = vin;
    const milestone_def *def;
    int rc = cycle_milestone_lookup(in->key, &def, err);
    if (rc) {
        err->code = ISMS_ENOTFOUND; /* the message lists the roadmap's milestones */
        return err_at(err, "key");
    }
    rc = store_milestone_set(p->w, in->key, in->due_date, in->note, err);
    return rc ? rc : cert_answer(p, j, err);
}

const app_usecase app_uc_cycle[] = {
    {"evidence_add", "Add evidence",
     "Keep a file as evidence for Annex A controls: it is copied into the workspace's evidence store, hashed "
     "(SHA-256) and recorded with what it shows, who collected it and until when it stays valid.",
     APP_WRITE, evidence_add_fields, sizeof(app_evidence_add_in), evidence_add},
    {"audit_list", "List internal audits", "The internal audits (9.2) with their scope, auditor, dates, status and "
     "number of findings.", APP_READ, app_no_fields, sizeof(app_none_in), audit_list},
    {"audit_get", "Read an audit", "One internal audit with its findings and their corrective actions.", APP_READ,
     audit_get_fields, sizeof(audit_get_in), audit_get},
    {"cert_get", "Read the certification cycle",
     "The certification cycle: Stage 1 and 2 audits, the certificate, the surveillance audits due in years 2 and "
     "3, the recertification before expiry, and the implementation roadmap's milestones with their state.",
     APP_READ, app_no_fields, sizeof(app_none_in), cert_get},
    {"cert_set", "Record the certification",
     "Record the certification body, the Stage 1 and 2 audit dates and the certificate's number and issue date; "
     "fields left out keep their values.",
     APP_WRITE, cert_set_fields, sizeof(app_cert_set_in), cert_set},
    {"milestone_set", "Plan a roadmap milestone", "Set the due date or note of one milestone of the implementation "
     "roadmap.", APP_WRITE, milestone_set_fields, sizeof(app_milestone_set_in), milestone_set},
    {"audit_plan", "Plan an internal audit",
     "Plan an internal audit (9.2) of a scope of clauses and controls, or of one year of the three-year programme, "
     "with an auditor who owns no control in the scope.",
     APP_WRITE, audit_plan_fields, sizeof(app_audit_plan_in), audit_plan},
    {"audit_complete", "Complete an audit",
     "Mark a planned audit completed with a summary of its results; refused before its start date or twice.",
     APP_WRITE, audit_complete_fields, sizeof(app_audit_complete_in), audit_complete},
    {"finding_add", "Record an audit finding",
     "Record a finding of a planned internal audit against a clause or control. A nonconformity then needs a "
     "corrective action (action_add).",
     APP_WRITE, finding_add_fields, sizeof(app_finding_add_in), finding_add},
    {"action_add", "Add an action",
     "Add a corrective action for an audit finding (10.2), with its root cause for a nonconformity, or an action "
     "decided by a management review (9.3), with its owner and due date.",
     APP_WRITE, action_add_fields, sizeof(app_action_add_in), action_add},
    {"action_get", "Read an action", "One corrective or review action with its finding, owner, due date, status and "
     "effectiveness check.", APP_READ, action_get_fields, sizeof(app_id_in), action_get},
    {"action_done", "Report an action implemented",
     "The owner reports an action implemented: a review action closes, a corrective action then awaits its "
     "effectiveness check (action_verify).",
     APP_WRITE, action_done_fields, sizeof(app_action_step_in), action_done},
    {"action_verify", "Check an action's effectiveness",
     "Record the effectiveness check of an implemented corrective action (10.2 d): effective closes it, not "
     "effective sends it back to its owner.",
     APP_WRITE, action_verify_fields, sizeof(app_action_step_in), action_verify},
    {"review_record", "Record a management review",
     "Record a held management review (9.3) with its attendees and decisions; the input pack it considered is "
     "kept with it.",
     APP_WRITE, review_record_fields, sizeof(app_review_record_in), review_record},
    {"feedback_add", "Record feedback from an interested party",
     "Record feedback from an interested party (customer, regulator, staff) for the next management review.",
     APP_WRITE, feedback_add_fields, sizeof(app_feedback_add_in), feedback_add},
    {"action_list", "List actions", "Corrective and review actions by due date, with their status and whether they "
     "are overdue.", APP_READ, action_list_fields, sizeof(action_list_in), action_list},
    {NULL, NULL, NULL, 0, NULL, 0, NULL},
};
