#include "store/demo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/catalog.h"

static const struct { const char *kind, *name; int in; const char *note; } demo_scope[] = {
    {"unit", "Engineering and Platform", 1, NULL},
    {"unit", "Customer Success and Support", 1, NULL},
    {"unit", "People Operations", 1, NULL},
    {"unit", "Finance", 1, NULL},
    {"location", "London office (shared floor, 3rd)", 1, NULL},
    {"location", "Remote employees (UK and EU)", 1, NULL},
    {"system", "Brightline analytics platform (AWS eu-west-1)", 1, NULL},
    {"system", "Corporate SaaS estate (Google Workspace, Okta, Slack, Jira, GitHub)", 1, NULL},
    {"unit", "Brightline Labs research spin-out", 0, "separate legal entity with its own infrastructure"},
};

static const struct { const char *name, *req; } demo_parties[] = {
    {"Enterprise customers", "ISO 27001 certificate, 99.9% availability SLA, breach notice within 48 hours, DPA"},
    {"UK ICO / EU supervisory authorities", "UK GDPR and EU GDPR compliance, breach notification within 72 hours"},
    {"Employees", "Clear acceptable use rules, privacy of HR data, secure remote working"},
    {"Investors and board", "Quarterly security risk reporting, no material incidents undisclosed"},
    {"AWS (hosting provider)", "Shared responsibility model: we secure our accounts, workloads and data"},
    {"Payment processor (Stripe)", "PCI DSS SAQ A scope kept: no card data on our systems"},
};

static const struct { const char *name, *type, *owner, *cls; int c, i, a; const char *desc; } demo_assets[] = {
    {"Customer analytics data (production)", "information", "Priya Shah", "restricted", 3, 3, 3, "Event data and reports of 400 customers"},
    {"Customer PII (account contacts)", "information", "Priya Shah", "confidential", 3, 2, 2, NULL},
    {"Employee HR records", "information", "Tom Okafor", "restricted", 3, 3, 1, "BambooHR"},
    {"Source code (GitHub org brightline)", "software", "Marta Kowalska", "confidential", 2, 3, 2, NULL},
    {"Brightline web application", "software", "Marta Kowalska", "confidential", 2, 3, 3, NULL},
    {"Ingestion API", "software", "Marta Kowalska", "confidential", 2, 3, 3, NULL},
    {"AWS production account", "cloud", "Daniel Reyes", "restricted", 3, 3, 3, "eu-west-1, EKS, RDS PostgreSQL, S3"},
    {"AWS staging account", "cloud", "Daniel Reyes", "internal", 2, 2, 1, NULL},
    {"RDS PostgreSQL cluster", "cloud", "Daniel Reyes", "restricted", 3, 3, 3, NULL},
    {"S3 data lake", "cloud", "Daniel Reyes", "restricted", 3, 3, 2, NULL},
    {"Backups (AWS Backup vault, eu-central-1)", "cloud", "Daniel Reyes", "restricted", 3, 3, 2, NULL},
    {"Okta (identity provider)", "service", "Sam Whitfield", "confidential", 3, 3, 3, NULL},
    {"Google Workspace", "service", "Sam Whitfield", "confidential", 3, 2, 2, NULL},
    {"Slack", "service", "Sam Whitfield", "internal", 2, 2, 2, NULL},
    {"Jira and Confluence", "service", "Sam Whitfield", "internal", 2, 2, 2, NULL},
    {"Stripe billing", "service", "Hannah Byrne", "confidential", 2, 3, 2, NULL},
    {"Employee laptops (150 MacBooks)", "hardware", "Sam Whitfield", "confidential", 3, 2, 2, "Managed by Jamf"},
    {"London office network", "network", "Sam Whitfield", "internal", 1, 2, 2, NULL},
    {"CI/CD pipeline (GitHub Actions)", "software", "Marta Kowalska", "confidential", 2, 3, 2, NULL},
    {"Monitoring and logging (Datadog)", "service", "Daniel Reyes", "confidential", 2, 2, 2, NULL},
    {"Security team", "people", "Alex Morgan", "internal", 2, 2, 3, "2 engineers and the CISO"},
    {"London office", "facility", "Tom Okafor", "internal", 1, 1, 2, NULL},
};

typedef struct {
    const char *title, *asset, *threat, *vuln, *owner;
    int l, i;
    const char *option, *controls;
    int rl, ri;
    const char *due, *plan;
    int done, accept;
} demo_risk;

static const demo_risk demo_risks[] = {
    {"Ransomware encrypts production data", "RDS PostgreSQL cluster", "Ransomware", "No tested backups", "Daniel Reyes", 3, 5,
     "mitigate", "A.8.13,A.8.7,A.5.30,A.8.16", 2, 3, "2026-09-30", "Immutable cross-region backups, quarterly restore tests", 1, 0},
    {"Phished credentials give access to admin consoles", "Okta (identity provider)", "Phishing / credential theft",
     "No MFA on administrative accounts", "Sam Whitfield", 4, 5, "mitigate", "A.5.17,A.8.5,A.6.3,A.8.2", 2, 4,
     "2026-08-31", "Phishing-resistant MFA (WebAuthn) for all admins, awareness training", 1, 1},
    {"Misconfigured S3 bucket exposes customer data", "S3 data lake", "Cloud misconfiguration exposing data",
     "No configuration baseline", "Daniel Reyes", 3, 5, "mitigate", "A.8.9,A.5.23,A.8.12,A.8.16", 1, 5,
     "2026-12-15", "Account-level public access block, CSPM alerts, Terraform policy checks", 0, 0},
    {"Secrets leaked in source code", "Source code (GitHub org brightline)", "Software supply-chain compromise",
     "Secrets committed to source code", "Marta Kowalska", 3, 4, "mitigate", "A.8.4,A.8.28,A.8.25,A.8.24", 1, 4,
     "2026-10-31", "Secret scanning with push protection, vault-based secrets", 0, 0},
    {"Vulnerable dependency exploited in web app", "Brightline web application", "Exploitation of software vulnerability",
     "Unpatched internet-facing systems", "Marta Kowalska", 4, 4, "mitigate", "A.8.8,A.8.28,A.8.29,A.8.26", 2, 3,
     "2027-01-31", "Dependabot security updates, weekly triage SLA, annual penetration test", 0, 0},
    {"Lost or stolen laptop exposes customer data", "Employee laptops (150 MacBooks)", "Loss or theft of laptop",
     "Unencrypted laptops", "Sam Whitfield", 3, 3, "mitigate", "A.8.1,A.8.24,A.6.7,A.7.9", 1, 2, "2026-06-30",
     "FileVault enforced via Jamf, remote wipe", 1, 0},
    {"Former employee keeps access to SaaS tools", "Google Workspace", "Unauthorised access by former staff",
     "Excessive access rights not reviewed", "Tom Okafor", 3, 3, "mitigate", "A.5.18,A.6.5,A.5.15,A.8.2", 1, 3,
     "2026-11-30", "SCIM deprovisioning from Okta, quarterly access reviews", 0, 0},
    {"AWS region outage makes the platform unavailable", "AWS production account", "Power/datacenter outage",
     "Single point of failure in infrastructure", "Daniel Reyes", 2, 4, "mitigate", "A.5.30,A.8.14,A.5.29", 2, 3,
     "2027-03-31", "Warm standby in eu-central-1, annual failover exercise", 0, 1},
    {"Supplier breach exposes data we share", "Monitoring and logging (Datadog)", "Supplier/SaaS breach",
     "Weak supplier due diligence", "Hannah Byrne", 2, 4, "transfer", "A.5.19,A.5.20,A.5.21,A.5.22", 2, 3,
     "2026-12-31", "Supplier security reviews, contractual breach notice, cyber insurance", 0, 1},
    {"Insider exfiltrates customer data", "Customer analytics data (production)", "Insider data exfiltration",
     "No logging of privileged actions", "Alex Morgan", 2, 5, "mitigate", "A.8.15,A.8.16,A.8.2,A.8.12,A.5.3", 1, 4,
     "2026-10-15", "Just-in-time production access, session logging, DLP on exports", 0, 0},
    {"GDPR breach notification missed", "Customer PII (account contacts)", "Regulatory non-compliance (GDPR)",
     "No incident response plan tested", "Alex Morgan", 2, 4, "mitigate", "A.5.24,A.5.26,A.5.31,A.5.34", 1, 4,
     "2026-09-30", "Incident runbook with 72h notification step, tabletop exercise", 1, 0},
    {"DDoS against the ingestion API", "Ingestion API", "DDoS", "No rate limiting", "Daniel Reyes", 3, 3, "mitigate",
     "A.8.20,A.8.6,A.8.16", 2, 2, "2026-07-31", "AWS Shield Standard, WAF rate rules, autoscaling", 1, 0},
    {"Office break-in", "London office", "Physical intrusion", "Shared building access", "Tom Okafor", 1, 2, "accept", "",
     0, 0, NULL, "No production data or servers in the office; laptops encrypted", 0, 0},
    {"Developer pushes untested change to production", "CI/CD pipeline (GitHub Actions)", "Accidental change breaking production",
     "No change approval", "Marta Kowalska", 4, 3, "mitigate", "A.8.32,A.8.25,A.8.31,A.8.33", 2, 2, "2026-05-31",
     "Branch protection with required reviews, staged deploys", 1, 0},
    {"Security team key person unavailable", "Security team", "Key staff unavailable", "Single point of failure in people",
     "Alex Morgan", 3, 3, "accept", "", 0, 0, NULL, "Accepted for this year; second hire budgeted for 2027", 0, 1},
    {"Legacy reporting server without owner", "London office network", "Exploitation of software vulnerability",
     "Unmanaged legacy system", "Sam Whitfield", 2, 3, NULL, NULL, 0, 0, NULL, NULL, 0, 0},
};

/* Exclusions with the reasons an auditor would accept. */
static const struct { const char *id, *why; } demo_exclusions[] = {
    {"A.7.5", "Our only premises are a shared office floor with no server room; environmental protection of the "
              "building is the landlord's responsibility and no information processing facilities are hosted there."},
    {"A.7.11", "We run no on-premises servers or network equipment needing supporting utilities; all production "
               "systems run in AWS, whose data centre utilities are covered by its ISO 27001 certificate (see A.5.23)."},
    {"A.7.12", "There is no cabling we own or manage: the shared office's network cabling belongs to the landlord and "
               "carries only internet traffic, and production runs in AWS."},
    {"A.8.11", "Production data is never copied to non-production environments; staging uses synthetic data generated "
               "by a fixture tool, so no data masking process exists to control."},
};

static const struct { const char *id; const char *status; const char *how; const char *owner; int reasons; } demo_soa[] = {
    {"A.5.1", "implemented", "Information security policy v3 approved by the CEO in March, published in Confluence, reviewed annually", "Alex Morgan", 4},
    {"A.5.2", "implemented", "Roles defined in the ISMS manual; CISO, asset owners and risk owners named in the registers", "Alex Morgan", 4},
    {"A.5.9", "implemented", "Asset inventory kept in isms, reconciled monthly with AWS Config and Jamf", "Sam Whitfield", 0},
    {"A.5.10", "partial", "Acceptable use policy published; acknowledgement tracking starts next quarter", "Tom Okafor", 4},
    {"A.5.12", "implemented", "Four-level classification scheme (public, internal, confidential, restricted) in the data handling standard", "Priya Shah", 1},
    {"A.5.15", "implemented", "Role-based access through Okta groups; least privilege reviewed quarterly", "Sam Whitfield", 0},
    {"A.5.17", "implemented", "Okta password policy and WebAuthn MFA for all staff", "Sam Whitfield", 0},
    {"A.5.18", "partial", "Joiner/mover/leaver flow automated via SCIM for 80% of apps; quarterly reviews", "Tom Okafor", 0},
    {"A.5.23", "implemented", "Cloud provider assessment of AWS, shared responsibility matrix maintained", "Daniel Reyes", 2},
    {"A.5.24", "implemented", "Incident management procedure with severity matrix and on-call rota in PagerDuty", "Alex Morgan", 2},
    {"A.5.26", "implemented", "Incident runbooks, post-incident reviews within 5 working days", "Alex Morgan", 0},
    {"A.5.31", "implemented", "Register of legal, regulatory and contractual requirements reviewed by counsel twice a year", "Hannah Byrne", 1},
    {"A.5.34", "partial", "DPIA process defined; records of processing being completed", "Priya Shah", 1},
    {"A.6.1", "implemented", "Background checks by an external screening provider before start, proportional to role", "Tom Okafor", 1},
    {"A.6.2", "implemented", "Employment contracts include confidentiality and security responsibilities", "Tom Okafor", 1},
    {"A.6.3", "implemented", "Annual security awareness training plus monthly phishing simulations", "Alex Morgan", 0},
    {"A.6.7", "implemented", "Remote working standard; laptops managed by Jamf with disk encryption and screen lock", "Sam Whitfield", 0},
    {"A.7.9", "implemented", "Off-site laptops encrypted, remote wipe via Jamf", "Sam Whitfield", 0},
    {"A.8.1", "implemented", "Jamf enforces FileVault, OS updates, firewall and EDR on all MacBooks", "Sam Whitfield", 0},
    {"A.8.2", "partial", "Privileged AWS access via SSO permission sets; just-in-time elevation being rolled out", "Daniel Reyes", 0},
    {"A.8.5", "implemented", "SSO with phishing-resistant MFA for every application", "Sam Whitfield", 0},
    {"A.8.7", "implemented", "CrowdStrike Falcon on laptops and GuardDuty on AWS accounts", "Alex Morgan", 0},
    {"A.8.8", "partial", "Dependabot and Inspector findings triaged weekly; SLA of 14 days for high severity", "Marta Kowalska", 0},
    {"A.8.9", "planned", "Terraform baselines and AWS Config conformance packs planned for Q4", "Daniel Reyes", 0},
    {"A.8.13", "implemented", "AWS Backup daily with cross-region copies; restore tested quarterly", "Daniel Reyes", 2},
    {"A.8.15", "implemented", "CloudTrail organisation trail, application audit logs retained 13 months", "Daniel Reyes", 0},
    {"A.8.16", "partial", "Datadog monitors and GuardDuty alerts routed to on-call; SIEM rules being extended", "Alex Morgan", 0},
    {"A.8.24", "implemented", "TLS 1.2+ everywhere, KMS encryption at rest with key rotation", "Daniel Reyes", 2},
    {"A.8.25", "implemented", "Secure development lifecycle documented; threat modelling for new services", "Marta Kowalska", 0},
    {"A.8.28", "partial", "Secure coding guidelines and SAST in CI; training for new engineers", "Marta Kowalska", 0},
    {"A.8.32", "implemented", "Changes through pull requests with required review and CI checks; deploy log kept", "Marta Kowalska", 0},
};

static const struct { const char *file, *kind, *controls, *collected, *desc, *body; } demo_evidence[] = {
    {"information-security-policy-v3.md", "policy", "A.5.1,A.5.2", "2026-03-14",
     "Information security policy v3, approved by the CEO",
     "# Information Security Policy v3\nOwner: CISO. Approved by: CEO, 2026-03-14. Next review: 2027-03.\n"},
    {"access-review-2026-Q3.csv", "access_review", "A.5.15,A.5.18,A.8.2", "2026-10-02",
     "Quarterly access review of Okta groups and AWS permission sets",
     "user,system,role,decision,reviewer\nj.doe,AWS prod,Admin,removed,Daniel Reyes\n"},
    {"access-review-2026-Q1.csv", "access_review", "A.5.15,A.5.18", "2026-04-03",
     "Quarterly access review, Q1", "user,system,role,decision,reviewer\na.lee,Okta,Admin,kept,Sam Whitfield\n"},
    {"backup-restore-test-2026-08.md", "backup_test", "A.8.13", "2026-08-20",
     "Restore of the production database into an isolated account, RTO met",
     "Restore test 2026-08-20: snapshot restored in 38 minutes; checksums matched.\n"},
    {"okta-mfa-enrolment.csv", "config_snapshot", "A.5.17,A.8.5", "2026-11-10",
     "Okta MFA enrolment export: 150 of 150 users with WebAuthn",
     "user,factor\nall,webauthn\n"},
    {"jamf-compliance-report.pdf.txt", "config_snapshot", "A.8.1,A.6.7,A.7.9", "2026-11-12",
     "Jamf report: FileVault, firewall and screen lock enforced on 150 Macs", "FileVault: 150/150\n"},
    {"security-awareness-completions-2026.csv", "training_record", "A.6.3", "2026-06-30",
     "Annual awareness training completions", "employee,completed\n150 of 150,2026-06-30\n"},
    {"incident-procedure-and-tabletop-2026.md", "incident_record", "A.5.24,A.5.26", "2026-05-12",
     "Incident procedure and tabletop exercise report", "Tabletop 2026-05-12: ransomware scenario.\n"},
    {"cloudtrail-org-trail-config.json", "config_snapshot", "A.8.15", "2026-11-18",
     "Organisation CloudTrail configuration: multi-region, log file validation on",
     "{\"IsMultiRegionTrail\": true, \"LogFileValidationEnabled\": true}\n"},
    {"kms-key-rotation.json", "config_snapshot", "A.8.24", "2026-09-01",
     "KMS key rotation status (older export)", "{\"KeyRotationEnabled\": true}\n"},
};

/* Write each demo evidence file next to the workspace, add it, and remove the temporary copy. */
static int demo_add_evidence(ws *w, arena *a, isms_err *err)
{
    const char *dir = store_evidence_dir(w, a);
    const char *staging = arena_sprintf(a, "%s/.demo-staging", dir);
    mkdir(dir, 0750);
    mkdir(staging, 0750);
    int rc = ISMS_OK;
    for (size_t i = 0; i < sizeof demo_evidence / sizeof *demo_evidence && !rc; i++) {
        const char *tmp = arena_sprintf(a, "%s/%s", staging, demo_evidence[i].file);
        FILE *f = fopen(tmp, "w");
        if (!f) {
            rc = err_set(err, ISMS_EIO, "cannot write %s", tmp);
            break;
        }
        fputs(demo_evidence[i].body, f);
        fclose(f);
        evidence ev = {0};
        ev.kind = demo_evidence[i].kind;
        ev.controls = demo_evidence[i].controls;
        ev.collected_at = demo_evidence[i].collected;
        ev.description = demo_evidence[i].desc;
        rc = store_evidence_add(w, tmp, &ev, 1 << 20, a, err);
        unlink(tmp);
    }
    rmdir(staging);
    return rc;
}

int demo_populate(ws *w, isms_err *err)
{
    int rc;
    if ((rc = store_org_update(w, "Brightline Analytics Ltd",
                               "The information security management system covers the development, operation and "
                               "support of the Brightline analytics SaaS platform and the corporate systems that "
                               "support it, for all staff in London and working remotely in the UK and EU.",
                               "A 150-person B2B SaaS company; enterprise customers demand ISO 27001; production on AWS; "
                               "fully remote-friendly; fast product growth; GDPR applies to customer contact data.",
                               err)))
        return rc;
    int64_t id;
    for (size_t i = 0; i < sizeof demo_scope / sizeof *demo_scope; i++) {
        scope_item s = {0, demo_scope[i].kind, demo_scope[i].name, demo_scope[i].in, demo_scope[i].note};
        if ((rc = store_scope_add(w, &s, &id, err)))
            return rc;
    }
    for (size_t i = 0; i < sizeof demo_parties / sizeof *demo_parties; i++) {
        party p = {0, demo_parties[i].name, demo_parties[i].req};
        if ((rc = store_party_add(w, &p, &id, err)))
            return rc;
    }
    risk_method m;
    risk_method_default(&m);
    if ((rc = store_method_set(w, &m, err)))
        return rc;
    for (size_t i = 0; i < sizeof demo_assets / sizeof *demo_assets; i++) {
        asset x = {0};
        x.name = demo_assets[i].name;
        x.type = demo_assets[i].type;
        x.owner = demo_assets[i].owner;
        x.classification = demo_assets[i].cls;
        x.confidentiality = demo_assets[i].c;
        x.integrity = demo_assets[i].i;
        x.availability = demo_assets[i].a;
        x.description = demo_assets[i].desc;
        if ((rc = store_asset_insert(w, &x, NULL, err)))
            return rc;
    }
    arena a;
    arena_init(&a);
    for (size_t i = 0; i < sizeof demo_risks / sizeof *demo_risks && !rc; i++) {
        const demo_risk *d = &demo_risks[i];
        asset x;
        risk r = {0};
        if ((rc = store_asset_get(w, d->asset, &a, &x, err)))
            break;
        r.title = d->title;
        r.asset_id = x.id;
        r.threat = d->threat;
        r.vulnerability = d->vuln;
        r.owner = d->owner;
        r.likelihood = d->l;
        r.impact = d->i;
        if ((rc = store_risk_insert(w, &m, &r, &r.id, err)) || !d->option)
            continue;
        r.option = (risk_option)risk_option_parse(d->option);
        r.controls = d->controls;
        r.residual_likelihood = d->rl;
        r.residual_impact = d->ri;
        r.due_date = d->due;
        r.treatment_plan = d->plan;
        r.done = d->done;
        if ((rc = store_risk_treat(w, &m, &r, err)))
            break;
        if (d->accept)
            rc = store_risk_accept(w, &m, r.id, d->owner, err);
    }
    if (!rc) {
        soa_entry *e = arena_alloc(&a, CATALOG_NCONTROLS * sizeof *e);
        rc = store_soa_load(w, &a, e, err);
        for (size_t i = 0; i < sizeof demo_exclusions / sizeof *demo_exclusions && !rc; i++) {
            soa_entry x = e[catalog_control_index(demo_exclusions[i].id)];
            x.applicable = SOA_EXCLUDED;
            x.justification = demo_exclusions[i].why;
            x.owner = "Alex Morgan";
            rc = store_soa_save(w, &x, err);
        }
        for (size_t i = 0; i < sizeof demo_soa / sizeof *demo_soa && !rc; i++) {
            soa_entry x = e[catalog_control_index(demo_soa[i].id)];
            x.applicable = SOA_APPLICABLE;
            x.status = (soa_status)soa_status_parse(demo_soa[i].status);
            x.implementation = demo_soa[i].how;
            x.owner = demo_soa[i].owner;
            x.reasons = demo_soa[i].reasons;
            rc = store_soa_save(w, &x, err);
        }
    }
    if (!rc)
        rc = demo_add_evidence(w, &a, err);
    if (!rc)
        rc = demo_registers(w, err);
    arena_free(&a);
    return rc;
}
