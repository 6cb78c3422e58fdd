/* The demo company's people, suppliers, incidents and objectives: mostly in order, with the gaps
 * an auditor would find at a real company part-way to certification. Dates are relative to today
 * so the demo never goes stale. */
#include <stdio.h>
#include <string.h>

#include "store/demo.h"

/* today moved by months (positive: earlier), as an arena-free static slot */
static const char *ago(const char *today, int months, char slot[][11], int *used)
{
    char *out = slot[(*used)++];
    reg_date_minus_months(today, months, out);
    return out;
}

static int add(ws *w, int k, int64_t parent, const char *const *kv, int64_t *id, isms_err *err)
{
    reg_rec r = {0};
    r.parent_id = parent;
    for (; kv[0]; kv += 2)
        reg_set(k, &r, kv[0], kv[1]);
    reg_defaults(k, &r);
    int rc = store_reg_insert(w, k, &r, err);
    if (!rc && id)
        *id = r.id;
    return rc;
}

int demo_registers(ws *w, isms_err *err)
{
    char today[11], d[64][11];
    int u = 0, rc = 0;
    store_today(today);
    int64_t id;
    static const struct {
        const char *name, *email, *title, *dept;
        int started, screened, signed_terms, trained, left; /* months ago; -1 none */
    } people[] = {
        {"Alex Morgan", "alex.morgan@brightline.example", "CISO", "Security", 40, 40, 40, 3, -1},
        {"Daniel Reyes", "daniel.reyes@brightline.example", "CTO", "Engineering", 60, 60, 60, 5, -1},
        {"Marta Kowalska", "marta.kowalska@brightline.example", "Head of Platform", "Engineering", 30, 30, 30, 14, -1},
        {"Sam Whitfield", "sam.whitfield@brightline.example", "IT Manager", "IT", 24, 24, 24, 2, -1},
        {"Priya Shah", "priya.shah@brightline.example", "Head of People", "People Operations", 20, 20, 20, 6, -1},
        {"Tom Okafor", "tom.okafor@brightline.example", "Data Engineer", "Engineering", 2, -1, 2, -1, -1},
        {"Hannah Byrne", "hannah.byrne@brightline.example", "Account Executive", "Sales", 18, 18, 18, 11, 1},
    };
    for (size_t i = 0; i < sizeof people / sizeof *people && !rc; i++) {
        u = 0;
        const char *left = people[i].left >= 0 ? ago(today, people[i].left, d, &u) : NULL;
        const char *kv[] = {"name", people[i].name, "email", people[i].email, "title", people[i].title,
                            "department", people[i].dept, "start_date", ago(today, people[i].started, d, &u),
                            "screening_completed", people[i].screened >= 0 ? ago(today, people[i].screened, d, &u) : NULL,
                            "terms_signed", people[i].signed_terms >= 0 ? ago(today, people[i].signed_terms, d, &u) : NULL,
                            "end_date", left, NULL};
        if ((rc = add(w, REG_PERSON, 0, kv, &id, err)) || people[i].trained < 0)
            continue;
        const char *tk[] = {"course", "Security awareness and phishing", "completed",
                            ago(today, people[i].trained, d, &u), "expires", ago(today, people[i].trained - 12, d, &u),
                            NULL};
        rc = add(w, REG_TRAINING, id, tk, NULL, err);
    }
    u = 0;
    const char *suppliers[][22] = {
        {"name", "Amazon Web Services", "service", "Production hosting (eu-west-2)", "data_access", "restricted",
         "criticality", "critical", "risk_rating", "high", "security_clauses", "yes", "certifications",
         "ISO 27001, SOC 2, PCI DSS", "owner", "Daniel Reyes", "last_review", ago(today, 4, d, &u), "next_review",
         ago(today, -8, d, &u)},
        {"name", "Google Workspace", "service", "Email, documents, identity", "data_access", "confidential",
         "criticality", "high", "risk_rating", "medium", "security_clauses", "yes", "certifications",
         "ISO 27001, SOC 2", "owner", "Sam Whitfield", "last_review", ago(today, 14, d, &u), "next_review",
         ago(today, 2, d, &u)},
        {"name", "Quickstats Ltd", "service", "Product analytics SDK", "data_access", "confidential", "criticality",
         "medium", "risk_rating", "high", "security_clauses", "no", "owner", "Marta Kowalska", NULL, NULL, NULL, NULL,
         NULL, NULL},
    };
    for (size_t i = 0; i < sizeof suppliers / sizeof *suppliers && !rc; i++)
        rc = add(w, REG_SUPPLIER, 0, suppliers[i], NULL, err);
    u = 0;
    const char *inc1[] = {"title", "Phishing email led to a compromised mailbox", "severity", "high", "status",
                          "closed", "reported_by", "Tom Okafor", "detected_at", ago(today, 5, d, &u), "resolved_at",
                          ago(today, 5, d, &u), "controls", "A.5.24,A.5.26,A.6.8", "affected_assets",
                          "Google Workspace", "root_cause", "No phishing-resistant MFA on mail",
                          "lessons_learned", "Security keys for every admin and finance user; phishing drill each quarter",
                          NULL};
    if (!rc && !(rc = add(w, REG_INCIDENT, 0, inc1, &id, err))) {
        const char *ev[] = {"at", ago(today, 5, d, &u), "note", "Suspicious forwarding rule reported; sessions revoked",
                            NULL};
        rc = add(w, REG_EVENT, id, ev, NULL, err);
    }
    const char *inc2[] = {"title", "Customer export sent to the wrong recipient", "severity", "medium",
                          "reported_by", "Hannah Byrne", "detected_at", ago(today, 2, d, &u), "controls",
                          "A.5.24,A.5.34", "personal_data_breach", "yes", "description",
                          "A CSV of 40 customer contacts was emailed to a partner by mistake.", NULL};
    if (!rc)
        rc = add(w, REG_INCIDENT, 0, inc2, NULL, err);
    const char *obj1[] = {"objective", "Every employee completes security awareness training each year", "measure",
                          "LMS completion report", "target", "95", "unit", "%", "owner", "Priya Shah", "due_date",
                          ago(today, -6, d, &u), NULL};
    if (!rc && !(rc = add(w, REG_OBJECTIVE, 0, obj1, &id, err))) {
        const char *m[] = {"date", ago(today, 1, d, &u), "value", "82", "note", "New joiners pending", NULL};
        rc = add(w, REG_MEASUREMENT, id, m, NULL, err);
    }
    const char *obj2[] = {"objective", "Critical vulnerabilities patched quickly", "measure",
                          "Median days from disclosure to patch in production", "target", "7", "unit", "days",
                          "direction", "at_most", "owner", "Daniel Reyes", NULL};
    if (!rc && !(rc = add(w, REG_OBJECTIVE, 0, obj2, &id, err))) {
        const char *m[] = {"date", ago(today, 1, d, &u), "value", "4", NULL};
        rc = add(w, REG_MEASUREMENT, id, m, NULL, err);
    }
    return rc;
}
