/* The changes the audit pages and the API both make, each through the use case the CLI and the
 * MCP server run, so the rules, the audit log entries and the messages are the same everywhere. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/usecases.h"
#include "report/lifecycle.h"
#include "report/review_pack.h"
#include "web/api.h"
#include "web/audits.h"

int audits_action_get(web_req *rq, int64_t id, action_rec *out, isms_err *err)
{
    return store_action_get(rq->w, id, rq->a, out, err);
}

/* --- the changes, each one use case (src/app), whose answer gives back the new record's id --- */

/* Run use case name on in; with id, the answer's id into *id. */
static int change(web_req *rq, const char *name, const void *in, int64_t *id, isms_err *err)
{
    json_t *r;
    int rc = api_call(rq, name, in, &r, err);
    if (!rc && id)
        *id = (int64_t)json_integer_value(json_object_get(r, "id"));
    json_decref(r);
    return rc;
}

int audits_plan(web_req *rq, audit_rec *x, int year, isms_err *err)
{
    app_audit_plan_in in = {x->title, x->scope, x->criteria, x->auditor, x->start_date, x->end_date, {year != 0, year}};
    return change(rq, "audit_plan", &in, &x->id, err);
}

int audits_finding_add(web_req *rq, finding_rec *f, isms_err *err)
{
    app_finding_add_in in = {{1, (long)f->audit_id}, f->type, f->ref, f->description, f->evidence};
    return change(rq, "finding_add", &in, &f->id, err);
}

int audits_complete(web_req *rq, int64_t id, const char *summary, const char *on, isms_err *err)
{
    app_audit_complete_in in = {{1, (long)id}, summary, on};
    return change(rq, "audit_complete", &in, NULL, err);
}

int audits_action_add(web_req *rq, action_rec *x, isms_err *err)
{
    app_action_add_in in = {{x->finding_id != 0, (long)x->finding_id}, {x->review_id != 0, (long)x->review_id},
                            x->description, x->root_cause, x->owner, x->due_date};
    return change(rq, "action_add", &in, &x->id, err);
}

int audits_action_done(web_req *rq, int64_t id, const char *on, isms_err *err)
{
    app_action_step_in in = {.id = {1, (long)id}, .on = on};
    return change(rq, "action_done", &in, NULL, err);
}

int audits_action_verify(web_req *rq, int64_t id, const char *effective, const char *note, const char *by,
                         const char *on, isms_err *err)
{
    if (!effective || (strcmp(effective, "yes") && strcmp(effective, "no")))
        return err_field(err, ISMS_EINVAL, "effective", "effective is yes or no, not '%.40s'", effective ? effective : "");
    app_action_step_in in = {{1, (long)id}, {1, !strcmp(effective, "yes")}, note, by, on};
    return change(rq, "action_verify", &in, NULL, err);
}

int audits_review_record(web_req *rq, review_rec *r, isms_err *err)
{
    app_review_record_in in = {r->held_on, r->attendees, r->decisions, r->improvements, r->changes, r->resources};
    return change(rq, "review_record", &in, &r->id, err);
}

int audits_feedback_add(web_req *rq, feedback_rec *f, isms_err *err)
{
    app_feedback_add_in in = {f->party, f->received_on, f->summary};
    json_t *r;
    int rc = api_call(rq, "feedback_add", &in, &r, err);
    if (!rc) {
        f->id = (int64_t)json_integer_value(json_object_get(r, "id"));
        const char *on = json_string_value(json_object_get(r, "received_on"));
        f->received_on = on ? arena_strdup(rq->a, on) : f->received_on;
    }
    json_decref(r);
    return rc;
}

int audits_pack_markdown(web_req *rq, buf *out, isms_err *err)
{
    review_pack p;
    int rc = review_pack_build(rq->w, rq->a, &p, err);
    if (rc)
        return rc;
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f)
        return err_set(err, ISMS_ENOMEM, "no memory for the input pack");
    review_pack_markdown(&p, f);
    int bad = fclose(f);
    if (!bad && text)
        buf_append(out, text, len);
    free(text);
    return bad ? err_set(err, ISMS_ENOMEM, "no memory for the input pack") : ISMS_OK;
}
