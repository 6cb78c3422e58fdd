#include "report/json.h"

#include "core/docgap.h"

#include <stdio.h>
#include <string.h>

void json_id_list(jw *j, const char *list)
{
    jw_arr(j);
    for (const char *p = list; p && *p;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        char id[32];
        snprintf(id, sizeof id, "%.*s", (int)(len < 31 ? len : 31), p);
        jw_str(j, id);
        p = comma ? comma + 1 : NULL;
    }
    jw_arr_end(j);
}

void json_asset(jw *j, const asset *x)
{
    jw_obj(j);
    jw_kint(j, "id", x->id);
    jw_kstr(j, "name", x->name);
    jw_kstr(j, "type", x->type);
    jw_kstr(j, "owner", x->owner);
    jw_kstr(j, "classification", x->classification);
    jw_kint(j, "confidentiality", x->confidentiality);
    jw_kint(j, "integrity", x->integrity);
    jw_kint(j, "availability", x->availability);
    jw_kstr(j, "description", x->description);
    jw_kint(j, "risks", x->nrisks);
    jw_kstr(j, "created_at", x->created_at);
    jw_kstr(j, "updated_at", x->updated_at);
    jw_obj_end(j);
}

void json_risk(jw *j, const risk_method *m, const risk *r, const char *today)
{
    int s = risk_score(r->likelihood, r->impact), rs = risk_residual_score(r);
    jw_obj(j);
    jw_kint(j, "id", r->id);
    jw_kstr(j, "title", r->title);
    if (r->asset_id)
        jw_kint(j, "asset_id", r->asset_id);
    else
        jw_kstr(j, "asset_id", NULL);
    jw_kstr(j, "asset", r->asset);
    jw_kstr(j, "threat", r->threat);
    jw_kstr(j, "vulnerability", r->vulnerability);
    jw_kint(j, "likelihood", r->likelihood);
    jw_kint(j, "impact", r->impact);
    jw_kint(j, "score", s);
    jw_kstr(j, "level", risk_level(m, s));
    jw_kstr(j, "owner", r->owner);
    jw_kstr(j, "treatment", r->option ? risk_option_name(r->option) : NULL);
    jw_key(j, "controls");
    json_id_list(j, r->controls);
    if (r->residual_likelihood) {
        jw_kint(j, "residual_likelihood", r->residual_likelihood);
        jw_kint(j, "residual_impact", r->residual_impact);
    } else {
        jw_kstr(j, "residual_likelihood", NULL);
        jw_kstr(j, "residual_impact", NULL);
    }
    jw_kint(j, "residual_score", rs);
    jw_kstr(j, "residual_level", risk_level(m, rs));
    jw_kstr(j, "treatment_owner", r->treatment_owner);
    jw_kstr(j, "due_date", r->due_date);
    jw_kstr(j, "plan", r->treatment_plan);
    jw_kbool(j, "done", r->done);
    jw_kbool(j, "needs_acceptance", risk_needs_acceptance(m, r));
    jw_kstr(j, "accepted_by", r->accepted_by);
    jw_kstr(j, "accepted_at", r->accepted_at);
    jw_kstr(j, "plan_status", risk_plan_status(m, r, today));
    jw_kstr(j, "created_at", r->created_at);
    jw_kstr(j, "updated_at", r->updated_at);
    jw_obj_end(j);
}

void json_soa_entry(jw *j, arena *a, const soa_entry *e)
{
    int app = soa_effective_applicable(e);
    jw_obj(j);
    jw_kstr(j, "id", e->ctl->id);
    jw_kstr(j, "theme", e->ctl->theme);
    jw_kstr(j, "title", e->ctl->title);
    if (app == SOA_UNDECIDED)
        jw_kstr(j, "applicable", NULL);
    else
        jw_kbool(j, "applicable", app == SOA_APPLICABLE);
    jw_kbool(j, "decided", e->applicable != SOA_UNDECIDED);
    jw_key(j, "reasons");
    json_id_list(j, soa_reasons_text(a, e));
    jw_kstr(j, "risks", e->risks);
    jw_kstr(j, "justification", e->justification);
    jw_kstr(j, "status", e->status ? soa_status_name(e->status) : NULL);
    jw_kstr(j, "implementation", e->implementation);
    jw_kstr(j, "owner", e->owner);
    jw_kstr(j, "updated_at", e->updated_at);
    jw_obj_end(j);
}

void json_gap_blockers(jw *j, const gap_report *r)
{
    jw_key(j, "gaps");
    jw_arr(j);
    for (int pass = 0; pass < 2; pass++) {
        size_t n = pass ? r->ncontrols : r->nclauses;
        for (size_t i = 0; i < n; i++) {
            const char *ref = pass ? r->controls[i].entry->ctl->id : r->clauses[i].clause->id;
            int nm = pass ? r->controls[i].nmissing : r->clauses[i].nmissing;
            const char *const *codes = pass ? r->controls[i].codes : r->clauses[i].codes;
            const char *const *msgs = pass ? r->controls[i].missing : r->clauses[i].missing;
            for (int k = 0; k < nm; k++) {
                jw_obj(j);
                jw_kstr(j, "ref", ref);
                jw_kstr(j, "code", codes[k]);
                jw_kstr(j, "message", msgs[k]);
                jw_obj_end(j);
            }
        }
    }
    jw_arr_end(j);
}

void json_gap(jw *j, const char *org_name, const gap_report *r)
{
    jw_obj(j);
    jw_kstr(j, "organization", org_name);
    jw_key(j, "readiness");
    jw_double(j, r->readiness);
    jw_kint(j, "controls_ready", r->ready);
    jw_kint(j, "controls_total", r->total);
    jw_key(j, "clause_readiness");
    jw_double(j, r->clause_readiness);
    jw_key(j, "themes");
    jw_arr(j);
    for (int t = 0; t < 4; t++) {
        const gap_theme *th = &r->themes[t];
        jw_obj(j);
        jw_kstr(j, "theme", th->theme);
        jw_key(j, "readiness");
        jw_double(j, th->readiness);
        jw_kint(j, "total", th->total);
        jw_kint(j, "ready", th->ready);
        jw_kint(j, "applicable", th->applicable);
        jw_kint(j, "excluded", th->excluded);
        jw_kint(j, "undecided", th->undecided);
        jw_kint(j, "implemented", th->implemented);
        jw_kint(j, "evidenced", th->evidenced);
        jw_obj_end(j);
    }
    jw_arr_end(j);
    jw_key(j, "controls");
    jw_arr(j);
    for (size_t i = 0; i < r->ncontrols; i++) {
        const gap_control *g = &r->controls[i];
        jw_obj(j);
        jw_kstr(j, "id", g->entry->ctl->id);
        jw_kstr(j, "theme", g->entry->ctl->theme);
        jw_kstr(j, "title", g->entry->ctl->title);
        jw_kstr(j, "state", g->state);
        jw_kbool(j, "ready", g->ready);
        jw_kstr(j, "evidence", evidence_status_name(g->evidence));
        jw_key(j, "missing");
        jw_arr(j);
        for (int k = 0; k < g->nmissing; k++)
            jw_str(j, g->missing[k]);
        jw_arr_end(j);
        jw_obj_end(j);
    }
    jw_arr_end(j);
    jw_key(j, "clauses");
    jw_arr(j);
    for (size_t i = 0; i < r->nclauses; i++) {
        const gap_clause *g = &r->clauses[i];
        jw_obj(j);
        jw_kstr(j, "id", g->clause->id);
        jw_kstr(j, "title", g->clause->title);
        jw_kstr(j, "state", g->state);
        jw_key(j, "missing");
        jw_arr(j);
        for (int k = 0; k < g->nmissing; k++)
            jw_str(j, g->missing[k]);
        jw_arr_end(j);
        jw_obj_end(j);
    }
    jw_arr_end(j);
    json_gap_blockers(j, r);
    jw_obj_end(j);
}

void json_alert(jw *j, const alert *al)
{
    jw_obj(j);
    jw_kint(j, "id", al->id);
    jw_kstr(j, "kind", al->kind);
    jw_kstr(j, "key", al->key);
    jw_kstr(j, "payload", al->payload);
    jw_kstr(j, "created_at", al->created_at);
    jw_kint(j, "attempts", al->attempts);
    jw_kstr(j, "delivered_at", al->delivered_at);
    jw_kstr(j, "last_error", al->last_error);
    jw_obj_end(j);
}

void json_api_token(jw *j, const api_token *t)
{
    jw_obj(j);
    jw_kint(j, "id", t->id);
    jw_kstr(j, "user", t->user);
    jw_kstr(j, "prefix", t->prefix);
    jw_kstr(j, "label", t->label);
    jw_kstr(j, "created_at", t->created_at);
    jw_kstr(j, "last_used_at", t->last_used_at);
    jw_kstr(j, "revoked_at", t->revoked_at);
    jw_obj_end(j);
}

void json_policy_doc(jw *j, const policy_doc *d, int with_body)
{
    jw_obj(j);
    jw_kstr(j, "name", d->name);
    jw_kstr(j, "title", d->title);
    jw_kint(j, "version", d->version);
    jw_kstr(j, "status", d->status);
    jw_kint(j, "latest_version", d->latest_version);
    if (d->approved_version)
        jw_kint(j, "approved_version", d->approved_version);
    else
        jw_key(j, "approved_version"), jw_null(j);
    jw_kstr(j, "approved_by", d->approved_by);
    jw_kstr(j, "approved_at", d->approved_at);
    jw_kstr(j, "next_review", d->next_review);
    jw_kstr(j, "current_next_review", d->current_next_review);
    jw_kint(j, "acknowledgments", d->acks);
    jw_kstr(j, "controls", d->controls);
    jw_kstr(j, "clauses", d->clauses);
    jw_kstr(j, "created_at", d->created_at);
    jw_kstr(j, "created_by", d->created_by);
    if (d->evidence_id)
        jw_kint(j, "evidence_id", d->evidence_id);
    if (with_body)
        jw_kstr(j, "body", d->body);
    jw_obj_end(j);
}

void json_policy_template(jw *j, const policy_template *t)
{
    jw_obj(j);
    jw_kstr(j, "name", t->name);
    jw_kstr(j, "title", t->title);
    jw_kstr(j, "controls", t->controls);
    jw_kstr(j, "clauses", t->clauses);
    jw_obj_end(j);
}

void json_policy_status(jw *j, const char *today, size_t nstaff, const policy_ack_status *s, size_t n,
                        int problems)
{
    jw_obj(j);
    jw_kstr(j, "today", today);
    jw_kint(j, "staff", (int64_t)nstaff);
    jw_key(j, "policies");
    jw_arr(j);
    for (size_t i = 0; i < n; i++) {
        const policy_doc *d = &s[i].d;
        jw_obj(j);
        jw_kstr(j, "name", d->name);
        jw_kstr(j, "title", d->title);
        if (d->approved_version)
            jw_kint(j, "approved_version", d->approved_version);
        else
            jw_key(j, "approved_version"), jw_null(j);
        jw_kstr(j, "next_review", d->current_next_review);
        jw_kbool(j, "review_overdue", s[i].review_overdue);
        jw_kint(j, "acknowledged", (int64_t)s[i].acknowledged);
        jw_key(j, "missing");
        jw_arr(j);
        for (size_t k = 0; k < s[i].nmissing; k++)
            jw_str(j, s[i].missing[k]);
        jw_arr_end(j);
        jw_obj_end(j);
    }
    jw_arr_end(j);
    jw_kint(j, "problems", problems);
    jw_obj_end(j);
}

void json_policy_gap(jw *j, const struct docgap_report *r, arena *a)
{
    size_t nt;
    const docgap_topic *topics = docgap_topics(&nt);
    jw_obj(j);
    jw_key(j, "files");
    jw_arr(j);
    for (size_t i = 0; i < r->nfiles; i++) {
        const docgap_file *f = &r->files[i];
        jw_obj(j);
        jw_kstr(j, "file", f->path);
        jw_kstr(j, "format", f->d ? docread_format_name(f->d->format) : NULL);
        jw_kint(j, "pages", f->d ? f->d->pages : 0);
        jw_kint(j, "words", f->d ? (int64_t)f->d->words : 0);
        jw_kstr(j, "title", f->d ? f->d->title : NULL);
        jw_key(j, "topics");
        jw_arr(j);
        for (int t = 0; t < f->ntopics; t++)
            jw_str(j, topics[f->topics[t]].id);
        jw_arr_end(j);
        jw_key(j, "weaknesses");
        jw_arr(j);
        for (int k = 0; k < DOCGAP_NWEAK; k++)
            if (f->weaknesses & (1u << k))
                jw_str(j, docgap_weakness_code(k));
        jw_arr_end(j);
        jw_kstr(j, "error", f->error);
        jw_obj_end(j);
    }
    jw_arr_end(j);
    jw_key(j, "topics");
    jw_arr(j);
    for (size_t t = 0; t < nt; t++) {
        if (!r->in_scope[t])
            continue;
        int total, covered;
        docgap_topic_counts(r, (int)t, &total, &covered);
        jw_obj(j);
        jw_kstr(j, "id", topics[t].id);
        jw_kstr(j, "name", topics[t].name);
        jw_kint(j, "requirements", total);
        jw_kint(j, "covered", covered);
        jw_obj_end(j);
    }
    jw_arr_end(j);
    jw_key(j, "requirements");
    jw_arr(j);
    for (size_t i = 0; i < r->nitems; i++) {
        const docgap_item *it = &r->items[i];
        jw_obj(j);
        jw_kstr(j, "id", it->req->id);
        jw_kstr(j, "topic", it->req->topic);
        jw_kstr(j, "control", it->req->control);
        jw_kstr(j, "text", it->req->text);
        jw_kstr(j, "status", it->covered ? "covered" : "missing");
        jw_key(j, "evidence");
        if (it->covered) {
            jw_obj(j);
            jw_kstr(j, "sentence", it->ev.sentence);
            jw_kstr(j, "file", it->ev.file);
            jw_kstr(j, "location", it->ev.location);
            jw_kint(j, "page", it->ev.page);
            jw_obj_end(j);
        } else {
            jw_null(j);
        }
        jw_obj_end(j);
    }
    jw_arr_end(j);
    docgap_control *rows;
    size_t nrows = docgap_controls(r, a, &rows);
    jw_key(j, "controls");
    jw_arr(j);
    for (size_t k = 0; k < nrows; k++) {
        jw_obj(j);
        jw_kstr(j, "control", rows[k].control);
        jw_kint(j, "requirements", rows[k].total);
        jw_kint(j, "covered", rows[k].covered);
        jw_kstr(j, "status", docgap_status(rows[k].covered, rows[k].total));
        jw_obj_end(j);
    }
    jw_arr_end(j);
    jw_key(j, "summary");
    jw_obj(j);
    jw_kint(j, "files", (int64_t)r->nfiles);
    jw_kint(j, "read", (int64_t)r->nread);
    jw_kint(j, "failed", (int64_t)(r->nfiles - r->nread));
    jw_kint(j, "requirements", (int64_t)r->nitems);
    jw_kint(j, "covered", (int64_t)r->covered);
    jw_kint(j, "missing", (int64_t)(r->nitems - r->covered));
    jw_kint(j, "documents_with_weaknesses", (int64_t)r->weak_docs);
    jw_obj_end(j);
    jw_obj_end(j);
}

void json_evidence(jw *j, const evidence *e, const char *today)
{
    jw_obj(j);
    jw_kint(j, "id", e->id);
    jw_kstr(j, "filename", e->filename);
    jw_kint(j, "size", e->size);
    jw_kstr(j, "sha256", e->sha256);
    jw_kstr(j, "type", e->kind);
    jw_kstr(j, "description", e->description);
    jw_kstr(j, "source", e->source);
    jw_key(j, "controls");
    json_id_list(j, e->controls);
    jw_kstr(j, "collected_at", e->collected_at);
    jw_kstr(j, "collected_by", e->collected_by);
    jw_kstr(j, "valid_until", e->valid_until);
    jw_kstr(j, "freshness", evidence_is_fresh(e->valid_until, today) ? "fresh" : "stale");
    jw_obj_end(j);
}

void json_ask_members(jw *j, const char *question, const ask_result *r, json_link_fn link, void *ctx)
{
    jw_kstr(j, "question", question);
    jw_key(j, "ids_recognized");
    jw_arr(j);
    for (size_t i = 0; i < r->nids; i++)
        jw_str(j, r->ids[i].id);
    jw_arr_end(j);
    jw_key(j, "mapped_from_2013");
    jw_arr(j);
    for (size_t i = 0; i < r->nids; i++) {
        if (!r->ids[i].from2013[0])
            continue;
        jw_obj(j);
        jw_kstr(j, "id_2013", r->ids[i].from2013);
        jw_kstr(j, "id", r->ids[i].id);
        jw_obj_end(j);
    }
    jw_arr_end(j);
    jw_kstr(j, "intent", ask_kind_name(r->intent));
    jw_key(j, "passages");
    jw_arr(j);
    for (size_t i = 0; i < r->npassages; i++) {
        const ask_passage *p = &r->passages[i];
        jw_obj(j);
        jw_kstr(j, "id", p->id);
        jw_kstr(j, "kind", p->kind);
        jw_kstr(j, "title", p->title);
        jw_kstr(j, "text", p->text);
        jw_key(j, "score");
        if (p->by_id)
            jw_null(j); /* chosen by its id, not ranked */
        else
            jw_double(j, p->score);
        jw_kstr(j, "match", p->by_id ? "id" : "text");
        if (link)
            jw_kstr(j, "link", link(p, ctx));
        jw_obj_end(j);
    }
    jw_arr_end(j);
}

void json_soa_validation(jw *j, const soa_issue *is, size_t n)
{
    jw_obj(j);
    jw_kbool(j, "valid", n == 0);
    jw_kint(j, "count", (int64_t)n);
    jw_key(j, "issues");
    jw_arr(j);
    for (size_t i = 0; i < n; i++) {
        jw_obj(j);
        jw_kstr(j, "control", is[i].control);
        jw_kstr(j, "code", is[i].code);
        jw_kstr(j, "message", is[i].message);
        jw_obj_end(j);
    }
    jw_arr_end(j);
    jw_obj_end(j);
}

void json_org(jw *j, const org *o, const scope_item *items, size_t ni, const party *parties, size_t np)
{
    jw_obj(j);
    jw_kstr(j, "name", o->name);
    jw_kstr(j, "scope", o->scope);
    jw_kstr(j, "context", o->context);
    jw_kstr(j, "created_at", o->created_at);
    jw_key(j, "scope_items");
    jw_arr(j);
    for (size_t i = 0; i < ni; i++) {
        jw_obj(j);
        jw_kint(j, "id", items[i].id);
        jw_kstr(j, "kind", items[i].kind);
        jw_kstr(j, "name", items[i].name);
        jw_kbool(j, "in_scope", items[i].in_scope);
        jw_kstr(j, "note", items[i].note);
        jw_obj_end(j);
    }
    jw_arr_end(j);
    jw_key(j, "interested_parties");
    jw_arr(j);
    for (size_t i = 0; i < np; i++) {
        jw_obj(j);
        jw_kint(j, "id", parties[i].id);
        jw_kstr(j, "name", parties[i].name);
        jw_kstr(j, "requirements", parties[i].requirements);
        jw_obj_end(j);
    }
    jw_arr_end(j);
    jw_obj_end(j);
}
