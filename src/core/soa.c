#include "core/soa.h"
#include "util/text.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

int soa_status_parse(const char *s)
{
    if (!s)
        return -1;
    char norm[32];
    size_t n = 0;
    for (; *s && n < sizeof norm - 1; s++)
        norm[n++] = (*s == ' ' || *s == '-') ? '_' : (char)tolower((unsigned char)*s);
    norm[n] = '\0';
    if (!strcmp(norm, "not_started") || !strcmp(norm, "none"))
        return SOA_NOT_STARTED;
    if (!strcmp(norm, "planned"))
        return SOA_PLANNED;
    if (!strcmp(norm, "partial") || !strcmp(norm, "partially") || !strcmp(norm, "partially_implemented"))
        return SOA_PARTIAL;
    if (!strcmp(norm, "implemented"))
        return SOA_IMPLEMENTED;
    return -1;
}

const char *soa_status_name(soa_status s)
{
    switch (s) {
    case SOA_NOT_STARTED: return "not_started";
    case SOA_PLANNED: return "planned";
    case SOA_PARTIAL: return "partial";
    case SOA_IMPLEMENTED: return "implemented";
    default: return "";
    }
}

int soa_reasons_parse(const char *s, int *out, isms_err *err)
{
    int bits = 0;
    const char *p = s ? s : "";
    while (*p) {
        while (*p == ',' || *p == ' ')
            p++;
        const char *start = p;
        while (*p && *p != ',')
            p++;
        size_t len = (size_t)(p - start);
        while (len && start[len - 1] == ' ')
            len--;
        if (!len)
            continue;
        if (len == 5 && !strncasecmp(start, "legal", 5))
            bits |= SOA_REASON_LEGAL;
        else if (len == 11 && !strncasecmp(start, "contractual", 11))
            bits |= SOA_REASON_CONTRACTUAL;
        else if (len == 8 && !strncasecmp(start, "business", 8))
            bits |= SOA_REASON_BUSINESS;
        else if (len == 4 && !strncasecmp(start, "risk", 4))
            ; /* risk reasons are derived from treatments, never typed in */
        else
            return err_set(err, ISMS_EINVAL,
                           "unknown reason '%.*s': reasons are legal, contractual, business (risk is derived)",
                           (int)(len > 40 ? 40 : len), start);
    }
    *out = bits;
    return ISMS_OK;
}

const char *soa_reasons_text(arena *a, const soa_entry *e)
{
    return arena_sprintf(a, "%s%s%s%s%s%s%s", e->nrisks ? "risk" : "",
                         e->nrisks && (e->reasons & SOA_REASON_LEGAL) ? "," : "",
                         e->reasons & SOA_REASON_LEGAL ? "legal" : "",
                         (e->nrisks || (e->reasons & SOA_REASON_LEGAL)) && (e->reasons & SOA_REASON_CONTRACTUAL) ? "," : "",
                         e->reasons & SOA_REASON_CONTRACTUAL ? "contractual" : "",
                         (e->nrisks || (e->reasons & (SOA_REASON_LEGAL | SOA_REASON_CONTRACTUAL))) &&
                                 (e->reasons & SOA_REASON_BUSINESS) ? "," : "",
                         e->reasons & SOA_REASON_BUSINESS ? "business" : "");
}

/* Phrases that, alone, explain nothing about the organization. */
static const char *const boilerplate[] = {
    "n a", "na", "n.a", "not applicable", "not relevant", "irrelevant", "none", "no", "nil", "tbd",
    "tba", "todo", "to do", "later", "not needed", "not required", "no need", "does not apply",
    "doesn t apply", "out of scope", "not in scope", "excluded", "not used", "we don t need it",
    "we do not need it", "no requirement", "not a requirement", "not our business",
    "not applicable to us", "not relevant to us", "not relevant for us", "not applicable for us",
    "same as above", "see above", "as above", "n a see above", "nothing", "unknown", "x",
    NULL,
};

static const char *const weak_explanation =
    "an auditor expects a reason specific to your organization: say why the risk or requirement "
    "this control addresses does not exist in your scope and what covers it instead, e.g. \"All "
    "staff work remotely and we operate no offices or server rooms; hosting is on AWS, whose "
    "physical controls are covered by its ISO 27001 certificate (see A.5.23).\"";

int soa_justification_weak(const char *text, const char **why)
{
    /* Normalize: lowercase, punctuation to spaces, single spaces; count real words. */
    char norm[512];
    size_t n = 0;
    int words = 0, in_word = 0, letters = 0;
    for (const char *p = text ? text : ""; *p && n < sizeof norm - 1; p++) {
        unsigned char ch = (unsigned char)*p;
        if (isalnum(ch) || ch >= 0x80) {
            if (!in_word) {
                if (n && norm[n - 1] != ' ')
                    norm[n++] = ' ';
                words++;
            }
            in_word = 1;
            letters++;
            norm[n++] = (char)tolower(ch);
        } else {
            in_word = 0;
        }
    }
    norm[n] = '\0';
    if (letters == 0) {
        *why = "the justification is empty";
        return 1;
    }
    for (const char *const *b = boilerplate; *b; b++)
        if (!strcmp(norm, *b)) {
            *why = "the justification is boilerplate";
            return 1;
        }
    /* Short phrases that start with boilerplate ("not applicable - no", "N/A for now"). */
    static const char *const weak_starts[] = {"n a ", "na ", "not applicable ", "not relevant ",
                                              "tbd ", "none ", NULL};
    if (words < 6)
        for (const char *const *b = weak_starts; *b; b++)
            if (!strncmp(norm, *b, strlen(*b))) {
                *why = "the justification is boilerplate";
                return 1;
            }
    if (words < 5 || letters < 25) {
        *why = "the justification is too short to explain anything";
        return 1;
    }
    *why = NULL;
    return 0;
}

int soa_effective_applicable(const soa_entry *e)
{
    if (e->applicable == SOA_UNDECIDED && e->nrisks > 0)
        return SOA_APPLICABLE;
    return e->applicable;
}

int soa_entry_check(const soa_entry *e, isms_err *err)
{
    if (e->applicable != SOA_EXCLUDED)
        return ISMS_OK;
    if (e->nrisks > 0)
        return err_set(err, ISMS_ECONFLICT,
                       "%s cannot be excluded: it treats risk%s %s; change those treatments first",
                       e->ctl->id, e->nrisks > 1 ? "s" : "", e->risks);
    const char *why;
    if (soa_justification_weak(e->justification, &why))
        return err_set(err, ISMS_EINVAL, "%s: exclusion refused, %s; %s", e->ctl->id, why, weak_explanation);
    return ISMS_OK;
}

static void add_issue(soa_issue *out, size_t *n, const char *ctl, const char *code, const char *msg)
{
    if (*n < SOA_ENTRY_MAX_ISSUES)
        out[(*n)++] = (soa_issue){ctl, code, msg};
}

size_t soa_entry_validate(const soa_entry *e, arena *a, soa_issue *out)
{
    size_t n = 0;
    const char *id = e->ctl->id;
    int app = soa_effective_applicable(e);
    const char *why;
    if (app == SOA_UNDECIDED) {
        add_issue(out, &n, id, "undecided", "no applicability decision recorded");
        return n;
    }
    if (app == SOA_EXCLUDED) {
        if (e->nrisks > 0)
            add_issue(out, &n, id, "excluded_but_treats_risk",
                      arena_sprintf(a, "excluded, yet it treats risk(s) %s", e->risks));
        if (soa_justification_weak(e->justification, &why))
            add_issue(out, &n, id, "weak_justification", arena_sprintf(a, "exclusion not justified: %s", why));
        return n;
    }
    if (e->applicable == SOA_UNDECIDED)
        add_issue(out, &n, id, "undecided",
                  arena_sprintf(a, "applicable through risk treatment (%s) but the decision is not recorded", e->risks));
    if (e->nrisks == 0 && e->reasons == 0 && text_blank(e->justification))
        add_issue(out, &n, id, "no_reason",
                  "applicable with no reason for inclusion: link a risk, or give a legal, contractual "
                  "or business reason");
    if (e->status == SOA_STATUS_NONE)
        add_issue(out, &n, id, "no_status", "applicable with no implementation status");
    if (text_blank(e->implementation))
        add_issue(out, &n, id, "no_implementation", "applicable with no description of how it is implemented");
    if (text_blank(e->owner))
        add_issue(out, &n, id, "no_owner", "applicable with no owner");
    return n;
}

size_t soa_validate(const soa_entry *entries, size_t count, arena *a, soa_issue **out)
{
    soa_issue *arr = NULL;
    size_t n = 0, cap = 0;
    for (size_t i = 0; i < count; i++) {
        soa_issue one[SOA_ENTRY_MAX_ISSUES];
        size_t k = soa_entry_validate(&entries[i], a, one);
        if (k && n + k > cap) {
            size_t ncap = cap ? cap * 2 : 32;
            while (ncap < n + k)
                ncap *= 2;
            soa_issue *na = arena_alloc(a, ncap * sizeof *na);
            if (n)
                memcpy(na, arr, n * sizeof *na);
            arr = na;
            cap = ncap;
        }
        if (k)
            memcpy(arr + n, one, k * sizeof *one);
        n += k;
    }
    *out = arr;
    return n;
}
