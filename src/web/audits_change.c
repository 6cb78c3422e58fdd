/* The changes the audit pages and the API both make, each in one transaction through the library
 * the CLI uses, so the rules, the audit log entries and the messages are the same everywhere. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/lifecycle.h"
#include "report/review_pack.h"
#include "web/audits.h"

int audits_err_status(const isms_err *err)
{
    return err->code == ISMS_ENOTFOUND ? 404 : err->code == ISMS_ECONFLICT ? 409 : err->code == ISMS_EINVAL ? 422
         : err->code == ISMS_ENOMEM ? 413 : err->code == ISMS_EDB ? 503 : 500;
}

int audits_action_get(web_req *rq, int64_t id, action_rec *out, isms_err *err)
{
    return store_action_get(rq->w, id, rq->a, out, err);
}

/* --- the changes, each one transaction --- */

static int in_tx(web_req *rq, int (*fn)(web_req *, void *, isms_err *), void *ctx, isms_err *err)
{
    if (ws_begin(rq->w, err) || fn(rq, ctx, err) || ws_commit(rq->w, err)) {
        ws_rollback(rq->w);
        return err->code ? err->code : ISMS_EDB;
    }
    return ISMS_OK;
}

static const char *today(web_req *rq)
{
    char *t = arena_alloc(rq->a, 11);
    store_today(t);
    return t;
}

typedef struct plan_ctx {
    audit_rec *x;
    int year;
} plan_ctx;

static int do_plan(web_req *rq, void *p, isms_err *err)
{
    plan_ctx *c = p;
    return lifecycle_plan(rq->w, c->x, c->year, rq->a, err);
}

int audits_plan(web_req *rq, audit_rec *x, int year, isms_err *err)
{
    plan_ctx c = {x, year};
    return in_tx(rq, do_plan, &c, err);
}

static int do_finding(web_req *rq, void *p, isms_err *err) { return store_finding_add(rq->w, p, err); }

int audits_finding_add(web_req *rq, finding_rec *f, isms_err *err) { return in_tx(rq, do_finding, f, err); }

typedef struct change_ctx {
    int64_t id;
    const char *text, *on, *note, *by;
    int effective;
} change_ctx;

static int do_complete(web_req *rq, void *p, isms_err *err)
{
    change_ctx *c = p;
    return store_audit_complete(rq->w, c->id, c->text, c->on, err);
}

int audits_complete(web_req *rq, int64_t id, const char *summary, const char *on, isms_err *err)
{
    change_ctx c = {.id = id, .text = summary, .on = on ? on : today(rq)};
    return in_tx(rq, do_complete, &c, err);
}

static int do_action(web_req *rq, void *p, isms_err *err) { return store_action_add(rq->w, p, err); }

int audits_action_add(web_req *rq, action_rec *x, isms_err *err) { return in_tx(rq, do_action, x, err); }

static int do_done(web_req *rq, void *p, isms_err *err)
{
    change_ctx *c = p;
    return store_action_implemented(rq->w, c->id, c->on, err);
}

int audits_action_done(web_req *rq, int64_t id, const char *on, isms_err *err)
{
    change_ctx c = {.id = id, .on = on ? on : today(rq)};
    return in_tx(rq, do_done, &c, err);
}

static int do_verify(web_req *rq, void *p, isms_err *err)
{
    change_ctx *c = p;
    return store_action_verify(rq->w, c->id, c->effective, c->note, c->by, c->on, err);
}

int audits_action_verify(web_req *rq, int64_t id, const char *effective, const char *note, const char *by,
                         const char *on, isms_err *err)
{
    if (!effective || (strcmp(effective, "yes") && strcmp(effective, "no")))
        return err_set(err, ISMS_EINVAL, "--effective is yes or no, not '%.40s'", effective ? effective : "");
    change_ctx c = {.id = id, .effective = !strcmp(effective, "yes"), .note = note, .by = by, .on = on ? on : today(rq)};
    return in_tx(rq, do_verify, &c, err);
}

static int do_review(web_req *rq, void *p, isms_err *err) { return lifecycle_review_record(rq->w, p, rq->a, err); }

int audits_review_record(web_req *rq, review_rec *r, isms_err *err)
{
    if (!r->held_on)
        r->held_on = today(rq);
    return in_tx(rq, do_review, r, err);
}

static int do_feedback(web_req *rq, void *p, isms_err *err) { return store_feedback_add(rq->w, p, err); }

int audits_feedback_add(web_req *rq, feedback_rec *f, isms_err *err)
{
    if (!f->received_on)
        f->received_on = today(rq);
    return in_tx(rq, do_feedback, f, err);
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
