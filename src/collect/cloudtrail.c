/* CloudTrail rules: the fields of a record they read (handlers for the JSON layer's object walk),
 * the detections, and their aggregation into findings. */
#include "collect/cloudtrail_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/arena.h"

enum { CT_MAX_NAMES = 8, CT_TIME = 40, CT_SEEN_MAX = 1 << 19 };

const char *const cloudtrail_rules[] = {
    "root_account_usage",   "console_login_without_mfa", "console_login_failures",
    "cloudtrail_tampering", "iam_policy_change",         "root_access_key_created",
    "security_group_open_to_world", NULL,
};
enum { R_ROOT, R_NOMFA, R_LOGINFAIL, R_TAMPER, R_IAM, R_ROOTKEY, R_SGOPEN, R_N };

struct ct_agg {
    int rule;
    char *principal, *ip, *region;
    char first[CT_TIME], last[CT_TIME];
    char *names[CT_MAX_NAMES];
    int nnames, more_names;
    uint64_t count;
};

/* ---------- the fields the rules read ---------- */

static int count_field(ctj_parse *x, const char **pp, ct_str k, void *ctx)
{
    ++*(int *)ctx;
    return ctj_skip_value(x, pp);
}

/* sessionContext: a non-empty sessionIssuer or webIdFederationData means the caller holds
 * temporary credentials from a role or an identity provider, i.e. a federated session. */
static int session_field(ctj_parse *x, const char **pp, ct_str k, void *ctx)
{
    ct_rec *r = ctx;
    if ((CTJ_KEQ(k, "sessionIssuer") || CTJ_KEQ(k, "webIdFederationData")) && **pp == '{') {
        int n = 0;
        int rc = ctj_object(x, pp, count_field, &n);
        if (n > 0)
            r->federated = 1;
        return rc;
    }
    return ctj_skip_value(x, pp);
}

static int identity_field(ctj_parse *x, const char **pp, ct_str k, void *ctx)
{
    ct_rec *r = ctx;
    if (CTJ_KEQ(k, "type"))
        return ctj_str_field(x, pp, &r->ui_type);
    if (CTJ_KEQ(k, "arn"))
        return ctj_str_field(x, pp, &r->ui_arn);
    if (CTJ_KEQ(k, "userName"))
        return ctj_str_field(x, pp, &r->ui_user);
    if (CTJ_KEQ(k, "invokedBy"))
        return ctj_str_field(x, pp, &r->ui_invoked);
    if (CTJ_KEQ(k, "sessionContext") && **pp == '{')
        return ctj_object(x, pp, session_field, r);
    return ctj_skip_value(x, pp);
}

static int response_field(ctj_parse *x, const char **pp, ct_str k, void *ctx)
{
    return CTJ_KEQ(k, "ConsoleLogin") ? ctj_str_field(x, pp, &((ct_rec *)ctx)->login) : ctj_skip_value(x, pp);
}

static int extra_field(ctj_parse *x, const char **pp, ct_str k, void *ctx)
{
    return CTJ_KEQ(k, "MFAUsed") ? ctj_str_field(x, pp, &((ct_rec *)ctx)->mfa) : ctj_skip_value(x, pp);
}

static int record_field(ctj_parse *x, const char **pp, ct_str k, void *ctx)
{
    ct_rec *r = ctx;
    ct_str *dst = NULL;
    switch (k.n) {
    case 7:
        if (CTJ_KEQ(k, "eventID"))
            dst = &r->id;
        break;
    case 9:
        if (CTJ_KEQ(k, "eventTime"))
            dst = &r->time;
        else if (CTJ_KEQ(k, "eventName")) {
            r->has_name = 1;
            dst = &r->name;
        } else if (CTJ_KEQ(k, "eventType"))
            dst = &r->etype;
        else if (CTJ_KEQ(k, "awsRegion"))
            dst = &r->region;
        else if (CTJ_KEQ(k, "errorCode"))
            dst = &r->error;
        break;
    case 11:
        if (CTJ_KEQ(k, "eventSource"))
            dst = &r->source;
        break;
    case 12:
        if (CTJ_KEQ(k, "userIdentity") && **pp == '{')
            return ctj_object(x, pp, identity_field, r);
        break;
    case 15:
        if (CTJ_KEQ(k, "sourceIPAddress"))
            dst = &r->ip;
        break;
    case 16:
        if (CTJ_KEQ(k, "responseElements") && **pp == '{')
            return ctj_object(x, pp, response_field, r);
        break;
    case 17:
        if (CTJ_KEQ(k, "requestParameters") && **pp == '{') {
            const char *start = *pp;
            int rc = ctj_skip_value(x, pp);
            r->rp.p = start;
            r->rp.n = (size_t)(*pp - start);
            return rc;
        }
        break;
    case 19:
        if (CTJ_KEQ(k, "additionalEventData") && **pp == '{')
            return ctj_object(x, pp, extra_field, r);
        break;
    }
    return dst ? ctj_str_field(x, pp, dst) : ctj_skip_value(x, pp);
}

/* Any depth of requestParameters: real logs put cidrIp under ipPermissions.items[].ipRanges
 * and, for the older single-rule form, at the top. */
static int cidr_value(ctj_parse *x, const char **pp, int depth);

static int cidr_field(ctj_parse *x, const char **pp, ct_str k, void *ctx)
{
    if ((CTJ_KEQ(k, "cidrIp") || CTJ_KEQ(k, "cidrIpv6")) && **pp == '"') {
        ct_str v = {0};
        ++*pp;
        int rc = ctj_str(x, pp, &v);
        if (ctj_streq(v, "0.0.0.0/0") || ctj_streq(v, "::/0"))
            x->world = 1;
        return rc;
    }
    return cidr_value(x, pp, *(int *)ctx + 1);
}

static int cidr_value(ctj_parse *x, const char **pp, int depth)
{
    if (depth > CTJ_MAX_DEPTH)
        return ctj_err(x, *pp, "nesting too deep");
    if (**pp == '{')
        return ctj_object(x, pp, cidr_field, &depth);
    if (**pp != '[')
        return ctj_skip_value(x, pp);
    const char *p = *pp + 1;
    int rc;
    if ((rc = ctj_skip_ws(x, &p)) != CTJ_OK)
        return rc;
    if (*p != ']') {
        for (;;) {
            if ((rc = cidr_value(x, &p, depth + 1)) != CTJ_OK || (rc = ctj_skip_ws(x, &p)) != CTJ_OK)
                return rc;
            if (*p == ']')
                break;
            if (*p != ',')
                return ctj_err(x, p, "expected ',' or ']'");
            p++;
            if ((rc = ctj_skip_ws(x, &p)) != CTJ_OK)
                return rc;
        }
    }
    *pp = p + 1;
    return CTJ_OK;
}

static int username_field(ctj_parse *x, const char **pp, ct_str k, void *ctx)
{
    return CTJ_KEQ(k, "userName") ? ctj_str_field(x, pp, ctx) : ctj_skip_value(x, pp);
}

/* Re-walk the requestParameters span (already validated) with another set of handlers. */
static int rp_walk(ctj_parse *x, const ct_rec *r, ctj_field_fn fn, void *ctx)
{
    if (!r->rp.p)
        return CTJ_ERR;
    const char *p = r->rp.p, *end = x->end;
    x->end = r->rp.p + r->rp.n;
    int rc = ctj_object(x, &p, fn, ctx);
    x->end = end;
    return rc;
}

/* ---------- rules and aggregation ---------- */

static uint64_t hash_bytes(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * 0x100000001b3ULL;
    return h;
}

static uint64_t hash_mix(uint64_t h)
{
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    return h ? h : 1;
}

static int nonempty(ct_str s) { return s.p && s.n > 0; }

static int ends_with(ct_str s, const char *lit)
{
    size_t n = strlen(lit);
    return s.p && s.n >= n && memcmp(s.p + s.n - n, lit, n) == 0;
}

static int cstr_eq(const char *c, ct_str s)
{
    if (!s.p)
        return c == NULL;
    return c && strncmp(c, s.p, s.n) == 0 && c[s.n] == '\0';
}

static int is_policy_change(ct_str name)
{
    static const char *const names[] = {
        "PutUserPolicy", "PutGroupPolicy", "PutRolePolicy", "DeleteUserPolicy",
        "DeleteGroupPolicy", "DeleteRolePolicy", "AttachUserPolicy", "AttachGroupPolicy",
        "AttachRolePolicy", "DetachUserPolicy", "DetachGroupPolicy", "DetachRolePolicy",
        "CreatePolicy", "DeletePolicy", "CreatePolicyVersion", "DeletePolicyVersion",
        "SetDefaultPolicyVersion", "UpdateAssumeRolePolicy", "PutUserPermissionsBoundary",
        "PutRolePermissionsBoundary", "DeleteUserPermissionsBoundary",
        "DeleteRolePermissionsBoundary", NULL,
    };
    for (const char *const *n = names; *n; n++)
        if (ctj_streq(name, *n))
            return 1;
    return 0;
}

/* Open addressing over non-zero 64-bit hashes; vals, when used, run parallel to keys. */
static int table_reserve(ct_table *t, int with_vals)
{
    if ((t->n + 1) * 2 <= t->sz)
        return 0;
    size_t nsz = t->sz ? t->sz * 2 : 256;
    uint64_t *k = calloc(nsz, sizeof *k);
    uint32_t *v = with_vals ? calloc(nsz, sizeof *v) : NULL;
    if (!k || (with_vals && !v)) {
        free(k);
        free(v);
        return -1;
    }
    for (size_t j = 0; j < t->sz; j++) {
        size_t i = t->keys[j] & (nsz - 1);
        if (!t->keys[j])
            continue;
        while (k[i])
            i = (i + 1) & (nsz - 1);
        k[i] = t->keys[j];
        if (v)
            v[i] = t->vals[j];
    }
    free(t->keys);
    free(t->vals);
    t->keys = k;
    t->vals = v;
    t->sz = nsz;
    return 0;
}

/* The slot holding h (and accepted by same, when given), else the empty slot to put it in. */
static size_t table_slot(const ct_table *t, uint64_t h, int (*same)(const void *, uint32_t),
                         const void *ctx)
{
    size_t i = h & (t->sz - 1);
    while (t->keys[i] && (t->keys[i] != h || (same && !same(ctx, t->vals[i]))))
        i = (i + 1) & (t->sz - 1);
    return i;
}

/* True the first time an eventID (its hash h) is seen: CloudTrail may deliver an event twice
 * and exports overlap, so a matched event is counted once. Only matched events are remembered,
 * and at most CT_SEEN_MAX of them (a 64-bit hash each), so memory stays bounded. */
static int seen_first(cloudtrail_scan *s, uint64_t h)
{
    int can_add = s->seen.n < CT_SEEN_MAX && table_reserve(&s->seen, 0) == 0;
    if (!s->seen.sz)
        return 1;
    size_t i = table_slot(&s->seen, h, NULL, NULL);
    if (s->seen.keys[i])
        return 0;
    if (can_add) {
        s->seen.keys[i] = h;
        s->seen.n++;
    }
    return 1;
}

typedef struct agg_key {
    const cloudtrail_scan *s;
    int rule;
    ct_str who, ip, region;
} agg_key;

static int agg_same(const void *ctx, uint32_t idx)
{
    const agg_key *k = ctx;
    const ct_agg *c = &k->s->aggs[idx];
    return c->rule == k->rule && cstr_eq(c->principal, k->who) && cstr_eq(c->ip, k->ip) &&
           cstr_eq(c->region, k->region);
}

static void agg_add(cloudtrail_scan *s, int rule, const ct_match *r)
{
    agg_key k = {s, rule, r->who, r->ip, r->region};
    uint64_t h = hash_bytes(0xcbf29ce484222325ULL, &rule, sizeof rule);
    const ct_str parts[3] = {k.who, r->ip, r->region};
    for (int i = 0; i < 3; i++) { /* then a separator that also tells absent from empty */
        h = hash_bytes(h, parts[i].p ? parts[i].p : "", parts[i].n);
        h = hash_bytes(h, parts[i].p ? "\1" : "\2", 1);
    }
    h = hash_mix(h);
    if (table_reserve(&s->tab, 1) != 0)
        return;
    size_t slot = table_slot(&s->tab, h, agg_same, &k);
    if (!s->tab.keys[slot]) {
        if (s->naggs == s->aggcap) {
            size_t ncap = s->aggcap ? s->aggcap * 2 : 64;
            ct_agg *a = realloc(s->aggs, ncap * sizeof *a);
            if (!a)
                return;
            s->aggs = a;
            s->aggcap = ncap;
        }
        ct_agg *g = &s->aggs[s->naggs];
        memset(g, 0, sizeof *g);
        g->rule = rule;
        g->principal = arena_strndup(&s->a, k.who.p, k.who.n);
        g->ip = r->ip.p ? arena_strndup(&s->a, r->ip.p, r->ip.n) : NULL;
        g->region = r->region.p ? arena_strndup(&s->a, r->region.p, r->region.n) : NULL;
        s->tab.keys[slot] = h;
        s->tab.vals[slot] = (uint32_t)s->naggs++;
        s->tab.n++;
    }
    ct_agg *g = &s->aggs[s->tab.vals[slot]];
    g->count++;
    if (nonempty(r->time)) {
        char t[CT_TIME];
        size_t n = r->time.n < CT_TIME - 1 ? r->time.n : CT_TIME - 1;
        memcpy(t, r->time.p, n);
        t[n] = '\0';
        if (!g->first[0] || strcmp(t, g->first) < 0)
            memcpy(g->first, t, sizeof t);
        if (!g->last[0] || strcmp(t, g->last) > 0)
            memcpy(g->last, t, sizeof t);
    }
    if (nonempty(r->name)) {
        for (int i = 0; i < g->nnames; i++)
            if (cstr_eq(g->names[i], r->name))
                return;
        if (g->nnames < CT_MAX_NAMES)
            g->names[g->nnames++] = arena_strndup(&s->a, r->name.p, r->name.n);
        else
            g->more_names = 1;
    }
}

/* The rules on one record; a match is counted in s->target, or queued (pool workers). */
static void evaluate(cloudtrail_scan *s, ctj_parse *x, const ct_rec *r)
{
    unsigned hits = 0;
    int root = ctj_streq(r->ui_type, "Root");
    int failed = nonempty(r->error);
    /* AWS acting on root's behalf (invokedBy, service events, a service as the caller) is not
     * someone using the root credentials. */
    if (root && !nonempty(r->ui_invoked) && !ctj_streq(r->etype, "AwsServiceEvent") &&
        !ends_with(r->ip, ".amazonaws.com"))
        hits |= 1u << R_ROOT;
    if (ctj_streq(r->name, "ConsoleLogin")) {
        /* Federated users authenticate (and do MFA) at their identity provider, so MFAUsed "No"
         * says nothing about them. */
        int fed = r->federated || ctj_streq(r->ui_type, "SAMLUser") ||
                  ctj_streq(r->ui_type, "WebIdentityUser") || ctj_streq(r->ui_type, "AssumedRole") ||
                  ctj_streq(r->ui_type, "FederatedUser");
        if (ctj_streq(r->login, "Success") && ctj_streq(r->mfa, "No") && !fed)
            hits |= 1u << R_NOMFA;
        if (ctj_streq(r->login, "Failure"))
            hits |= 1u << R_LOGINFAIL;
    }
    /* Failed attempts to stop the trail are reported too: they show intent. */
    if (ctj_streq(r->source, "cloudtrail.amazonaws.com") &&
        (ctj_streq(r->name, "StopLogging") || ctj_streq(r->name, "DeleteTrail") ||
         ctj_streq(r->name, "UpdateTrail")))
        hits |= 1u << R_TAMPER;
    if (!failed && ctj_streq(r->source, "iam.amazonaws.com") && is_policy_change(r->name))
        hits |= 1u << R_IAM;
    if (root && !failed && ctj_streq(r->name, "CreateAccessKey")) {
        /* With requestParameters.userName root creates a key for an IAM user, not for itself. */
        ct_str user = {0};
        if (!r->rp.p || (rp_walk(x, r, username_field, &user) == CTJ_OK && !nonempty(user)))
            hits |= 1u << R_ROOTKEY;
    }
    if (!failed && ctj_streq(r->name, "AuthorizeSecurityGroupIngress") && r->rp.p) {
        x->world = 0;
        int depth = 0;
        if (rp_walk(x, r, cidr_field, &depth) == CTJ_OK && x->world)
            hits |= 1u << R_SGOPEN;
    }
    if (!hits)
        return;
    ct_match m = {0, hits, r->ui_arn, r->ip, r->region, r->time, r->name};
    if (nonempty(r->id))
        m.id = hash_mix(hash_bytes(0xcbf29ce484222325ULL, r->id.p, r->id.n));
    if (!nonempty(m.who))
        m.who = nonempty(r->ui_user) ? r->ui_user : r->ui_type;
    if (!nonempty(m.who))
        m.who = (ct_str){"unknown", 7};
    if (s->queue && ct_queue_push(s->queue, &m, s->queue_max) == 0)
        return;
    if (s->queue)
        s->queue_full(s); /* now counting straight into s->target */
    ct_count(s->target, &m);
}

void ct_count(cloudtrail_scan *t, const ct_match *m)
{
    if (m->id && !seen_first(t, m->id))
        return;
    for (int rule = 0; rule < R_N; rule++)
        if (m->hits & (1u << rule))
            agg_add(t, rule, m);
}

/* ---------- matches queued by a pool worker ---------- */

/* A queued match: this header, then its strings' bytes, padded to 8. */
typedef struct queued {
    uint64_t id;
    uint32_t hits;
    uint32_t len[5]; /* who, ip, region, time, name; UINT32_MAX: absent */
} queued;

int ct_queue_push(ct_queue *q, const ct_match *m, size_t max)
{
    const ct_str *str[5] = {&m->who, &m->ip, &m->region, &m->time, &m->name};
    size_t need = sizeof(queued);
    for (int i = 0; i < 5; i++)
        need += str[i]->p ? str[i]->n : 0;
    need = (need + 7) & ~(size_t)7;
    if (q->len + need > max)
        return -1;
    if (q->len + need > q->cap) {
        size_t ncap = q->cap ? q->cap * 2 : 4096;
        while (ncap < q->len + need)
            ncap *= 2;
        char *d = realloc(q->data, ncap);
        if (!d)
            return -1;
        q->data = d;
        q->cap = ncap;
    }
    queued h = {m->id, m->hits, {0}};
    char *o = q->data + q->len + sizeof h;
    for (int i = 0; i < 5; i++) {
        h.len[i] = str[i]->p ? (uint32_t)str[i]->n : UINT32_MAX;
        if (str[i]->p) {
            memcpy(o, str[i]->p, str[i]->n);
            o += str[i]->n;
        }
    }
    memcpy(q->data + q->len, &h, sizeof h);
    q->len += need;
    return 0;
}

void ct_queue_count(ct_queue *q, cloudtrail_scan *t)
{
    for (size_t at = 0; at < q->len;) {
        queued h;
        memcpy(&h, q->data + at, sizeof h);
        const char *p = q->data + at + sizeof h;
        ct_str str[5];
        size_t used = sizeof h;
        for (int i = 0; i < 5; i++) {
            str[i] = h.len[i] == UINT32_MAX ? (ct_str){NULL, 0} : (ct_str){p, h.len[i]};
            p += str[i].n;
            used += str[i].n;
        }
        ct_match m = {h.id, h.hits, str[0], str[1], str[2], str[3], str[4]};
        ct_count(t, &m);
        at += (used + 7) & ~(size_t)7;
    }
    q->len = 0;
}

void ct_queue_free(ct_queue *q)
{
    free(q->data);
    memset(q, 0, sizeof *q);
}

static int sink_parse(void *ud, ctj_parse *x, const char **pp)
{
    cloudtrail_scan *s = ud;
    memset(&s->rec, 0, sizeof s->rec);
    return ctj_object(x, pp, record_field, &s->rec);
}

static int sink_record(void *ud, ctj_parse *x)
{
    cloudtrail_scan *s = ud;
    s->events++;
    evaluate(s, x, &s->rec);
    return s->rec.has_name;
}

void ct_rules_sink(cloudtrail_scan *s, ctj_sink *out)
{
    *out = (ctj_sink){sink_parse, sink_record, s};
}

/* ---------- results ---------- */

static int finding_cmp(const void *pa, const void *pb)
{
    const ct_agg *a = *(const ct_agg *const *)pa, *b = *(const ct_agg *const *)pb;
    int c;
    if (a->rule != b->rule)
        return a->rule < b->rule ? -1 : 1;
    if (a->count != b->count)
        return a->count > b->count ? -1 : 1;
    if ((c = strcmp(a->principal, b->principal)) != 0)
        return c;
    if ((c = strcmp(a->ip ? a->ip : "", b->ip ? b->ip : "")) != 0)
        return c;
    if ((c = strcmp(a->region ? a->region : "", b->region ? b->region : "")) != 0)
        return c;
    return strcmp(a->first, b->first);
}

size_t cloudtrail_scan_findings(cloudtrail_scan *s, const cloudtrail_finding **out)
{
    free(s->out);
    s->out = NULL;
    *out = NULL;
    if (!s->naggs)
        return 0;
    ct_agg **order = malloc(s->naggs * sizeof *order);
    s->out = calloc(s->naggs, sizeof *s->out);
    if (!order || !s->out) {
        free(order);
        return 0;
    }
    for (size_t i = 0; i < s->naggs; i++)
        order[i] = &s->aggs[i];
    qsort(order, s->naggs, sizeof *order, finding_cmp);
    for (size_t i = 0; i < s->naggs; i++) {
        const ct_agg *g = order[i];
        cloudtrail_finding *f = &s->out[i];
        f->rule = cloudtrail_rules[g->rule];
        f->principal = g->principal;
        f->source_ip = g->ip;
        f->region = g->region;
        f->first_seen = g->first[0] ? g->first : NULL;
        f->last_seen = g->last[0] ? g->last : NULL;
        f->count = g->count;
        size_t n = 8;
        for (int j = 0; j < g->nnames; j++)
            n += strlen(g->names[j]) + 1;
        char *names = arena_alloc(&s->a, n);
        for (int j = 0; j < g->nnames; j++) {
            if (j)
                strcat(names, ",");
            strcat(names, g->names[j]);
        }
        if (g->more_names)
            strcat(names, ",...");
        f->event_name = names;
    }
    free(order);
    *out = s->out;
    return s->naggs;
}
