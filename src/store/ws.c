#include <errno.h>
#include <stdarg.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/catalog.h"
#include "store/internal.h"
#include "util/text.h"

/* 'ISMS' in the SQLite header: tells our files apart from any other SQLite database. */
#define ISMS_APPLICATION_ID 0x49534D53


/* Schema 10: change counters and tallies, kept by triggers in the transaction of every change,
 * whoever makes it (isms, an import, the sqlite3 shell; cascades included).
 * generation: one counter per kind of record (store_gen_names), bumped by every row written, so a
 * cached answer stays valid while the kinds it was computed from are unchanged.
 * tally: the counts the gap analysis and the dashboard are judged on, so that they cost a few
 * rows rather than a pass over 100,000 risks: scalar counts under k = '', histograms under their
 * key (a due date, the day of the last change, a residual score, a cell of the heat map). Rows
 * may fall to 0 and stay. control_risks: what the SoA shows of the risks each control treats. */
#define GEN_BUMP(kinds) "UPDATE generation SET n = n + 1 WHERE name IN (" kinds ");"
#define GEN_TRIGGERS(t, kinds)                                                                    \
    "CREATE TRIGGER " t "_gen_i AFTER INSERT ON " t " BEGIN " GEN_BUMP(kinds) " END;"             \
    "CREATE TRIGGER " t "_gen_u AFTER UPDATE ON " t " BEGIN " GEN_BUMP(kinds) " END;"             \
    "CREATE TRIGGER " t "_gen_d AFTER DELETE ON " t " BEGIN " GEN_BUMP(kinds) " END;"
#define SQL_FLAG(cond) "(CASE WHEN " cond " THEN 1 ELSE 0 END)"
/* What one asset row X (NEW or OLD) adds (S "+") to the tallies or takes away (S "-"). */
#define ASSET_TALLY(X, S)                                                                         \
    "UPDATE tally SET n = n " S " CASE name WHEN 'assets' THEN 1 ELSE "                           \
    SQL_FLAG(TEXT_SQL_BLANK(X ".owner")) " END "                                                  \
    "WHERE name IN ('assets', 'assets_without_owner') AND k = '';"
/* The same for a risk row. The conditions are those the counts were made with before. */
#define RISK_OPEN_TREATMENT(X) X ".option IN ('mitigate','transfer','avoid') AND " X ".done = 0"
#define RISK_TALLY(X, S)                                                                          \
    "UPDATE tally SET n = n " S " CASE name WHEN 'risks' THEN 1 "                                 \
    "WHEN 'risks_without_owner' THEN " SQL_FLAG(TEXT_SQL_BLANK(X ".owner")) " "                   \
    "WHEN 'risks_untreated' THEN " SQL_FLAG(X ".option IS NULL") " "                              \
    "ELSE " SQL_FLAG(RISK_OPEN_TREATMENT(X) " AND " X ".due_date IS NULL") " END "                \
    "WHERE name IN ('risks', 'risks_without_owner', 'risks_untreated', 'risks_without_due_date') AND k = '';" \
    "INSERT INTO tally SELECT 'risk_due', " X ".due_date, " S "1 WHERE " RISK_OPEN_TREATMENT(X)   \
    " AND " X ".due_date IS NOT NULL ON CONFLICT (name, k) DO UPDATE SET n = n + excluded.n;"     \
    "INSERT INTO tally SELECT 'risk_changed', substr(" X ".updated_at, 1, 10), " S "1 WHERE true " \
    "ON CONFLICT (name, k) DO UPDATE SET n = n + excluded.n;"                                     \
    "INSERT INTO tally SELECT 'risk_unaccepted_score', " RISK_RESIDUAL_SCORE(X) ", " S "1 "       \
    "WHERE " X ".option IS NOT NULL AND " X ".option <> 'avoid' AND " X ".accepted_by IS NULL "   \
    "ON CONFLICT (name, k) DO UPDATE SET n = n + excluded.n;"                                     \
    "INSERT INTO tally SELECT 'risk_cell', " RISK_CELL(X) ", " S "1 WHERE " RISK_IN_MATRIX(X)     \
    " ON CONFLICT (name, k) DO UPDATE SET n = n + excluded.n;"
#define RISK_RESIDUAL_SCORE(X)                                                                    \
    "coalesce(" X ".residual_likelihood, " X ".likelihood) * coalesce(" X ".residual_impact, " X ".impact)"
/* The heat map's cell: likelihood * 10 + impact, both 1 to 5, as the integers a reader gets. */
#define RISK_CELL(X) "CAST(" X ".likelihood AS INTEGER) * 10 + CAST(" X ".impact AS INTEGER)"
#define RISK_IN_MATRIX(X)                                                                         \
    "CAST(" X ".likelihood AS INTEGER) BETWEEN 1 AND 5 AND CAST(" X ".impact AS INTEGER) BETWEEN 1 AND 5"
/* Grow the counter of the range of ids that id (NULL: none) falls in. */
#define RANGE_BUMP(kind, id)                                                                      \
    "INSERT INTO generation_range SELECT " kind ", " id " >> " PAGE_RANGE_BITS_SQL ", 1 WHERE " id \
    " IS NOT NULL ON CONFLICT (kind, bucket) DO UPDATE SET n = n + 1;"
/* The risks each control treats, as the SoA lists them: their number and the first 20 ids in
 * order ("R3,R7"), kept for the control a link row X is for. */
#define CONTROL_RISKS(X, S)                                                                       \
    "INSERT INTO control_risks(control_id, n, first) VALUES (" X ".control_id, " S "1, '') "      \
    "ON CONFLICT (control_id) DO UPDATE SET n = n + excluded.n;"                                  \
    "UPDATE control_risks SET first = coalesce((SELECT g FROM (SELECT group_concat('R' || risk_id, ',') " \
    "OVER w AS g, row_number() OVER w AS rn FROM (SELECT risk_id FROM risk_control WHERE control_id = " \
    X ".control_id ORDER BY risk_id LIMIT 20) WINDOW w AS (ORDER BY risk_id)) ORDER BY rn DESC LIMIT 1), '') " \
    "WHERE control_id = " X ".control_id;"

static const char *const migrations[] = {
    /* 1: the ISMS core registers */
    "CREATE TABLE org("
    "  id INTEGER PRIMARY KEY CHECK (id = 1), name TEXT NOT NULL, scope TEXT, context TEXT,"
    "  created_at TEXT NOT NULL, updated_at TEXT NOT NULL);"
    "CREATE TABLE scope_item("
    "  id INTEGER PRIMARY KEY, kind TEXT NOT NULL CHECK (kind IN ('unit','location','system')),"
    "  name TEXT NOT NULL, in_scope INTEGER NOT NULL CHECK (in_scope IN (0,1)), note TEXT,"
    "  UNIQUE (kind, name));"
    "CREATE TABLE party(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, requirements TEXT);"
    "CREATE TABLE method("
    "  id INTEGER PRIMARY KEY CHECK (id = 1), likelihood_levels INTEGER NOT NULL,"
    "  impact_levels INTEGER NOT NULL, low_max INTEGER NOT NULL, medium_max INTEGER NOT NULL,"
    "  high_max INTEGER NOT NULL, appetite INTEGER NOT NULL, likelihood_labels TEXT NOT NULL,"
    "  impact_labels TEXT NOT NULL, updated_at TEXT NOT NULL);"
    "CREATE TABLE asset("
    "  id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, type TEXT NOT NULL, owner TEXT NOT NULL,"
    "  classification TEXT NOT NULL, confidentiality INTEGER, integrity INTEGER, availability INTEGER,"
    "  description TEXT, created_at TEXT NOT NULL, updated_at TEXT NOT NULL);"
    "CREATE TABLE risk("
    "  id INTEGER PRIMARY KEY, title TEXT NOT NULL,"
    "  asset_id INTEGER REFERENCES asset(id) ON DELETE RESTRICT,"
    "  threat TEXT NOT NULL, vulnerability TEXT NOT NULL,"
    "  likelihood INTEGER NOT NULL, impact INTEGER NOT NULL, owner TEXT NOT NULL,"
    "  option TEXT CHECK (option IN ('mitigate','accept','transfer','avoid')),"
    "  residual_likelihood INTEGER, residual_impact INTEGER, treatment_owner TEXT, due_date TEXT,"
    "  plan TEXT, done INTEGER NOT NULL DEFAULT 0, accepted_by TEXT, accepted_at TEXT,"
    "  created_at TEXT NOT NULL, updated_at TEXT NOT NULL);"
    "CREATE INDEX risk_asset ON risk(asset_id);"
    "CREATE TABLE risk_control("
    "  risk_id INTEGER NOT NULL REFERENCES risk(id) ON DELETE CASCADE, control_id TEXT NOT NULL,"
    "  PRIMARY KEY (risk_id, control_id)) WITHOUT ROWID;"
    "CREATE INDEX risk_control_control ON risk_control(control_id, risk_id);"
    "CREATE TABLE soa("
    "  control_id TEXT PRIMARY KEY, applicable INTEGER CHECK (applicable IN (0,1)),"
    "  reasons INTEGER NOT NULL DEFAULT 0, justification TEXT, status TEXT, implementation TEXT,"
    "  owner TEXT, updated_at TEXT);"
    "CREATE TABLE soa_version("
    "  version INTEGER PRIMARY KEY, approved_by TEXT NOT NULL, approved_at TEXT NOT NULL,"
    "  note TEXT, digest TEXT NOT NULL);"
    "CREATE TABLE soa_version_entry("
    "  version INTEGER NOT NULL REFERENCES soa_version(version), control_id TEXT NOT NULL,"
    "  applicable INTEGER, reasons INTEGER NOT NULL, risks TEXT NOT NULL, justification TEXT,"
    "  status TEXT, implementation TEXT, owner TEXT, PRIMARY KEY (version, control_id));",

    /* 2: the audit log, append-only: rows can be added, never changed or removed */
    "CREATE TABLE audit_log("
    "  seq INTEGER PRIMARY KEY, at TEXT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,"
    "  entity TEXT NOT NULL, entity_id TEXT, before TEXT, after TEXT,"
    "  prev_hash TEXT NOT NULL, hash TEXT NOT NULL);"
    "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log"
    "  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;"
    "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log"
    "  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;",

    /* 3: evidence, content-addressed files beside the workspace */
    "CREATE TABLE evidence("
    "  id INTEGER PRIMARY KEY, sha256 TEXT NOT NULL CHECK (length(sha256) = 64), filename TEXT NOT NULL,"
    "  size INTEGER NOT NULL, kind TEXT NOT NULL, description TEXT NOT NULL, source TEXT NOT NULL,"
    "  collected_at TEXT NOT NULL, collected_by TEXT NOT NULL, valid_until TEXT NOT NULL,"
    "  created_at TEXT NOT NULL);"
    "CREATE INDEX evidence_sha ON evidence(sha256);"
    "CREATE TABLE evidence_control("
    "  evidence_id INTEGER NOT NULL REFERENCES evidence(id) ON DELETE CASCADE, control_id TEXT NOT NULL,"
    "  PRIMARY KEY (evidence_id, control_id)) WITHOUT ROWID;"
    "CREATE INDEX evidence_control_control ON evidence_control(control_id);",

    /* 4: automated check runs; their raw responses are evidence */
    "CREATE TABLE check_run("
    "  id INTEGER PRIMARY KEY, check_id TEXT NOT NULL, status TEXT NOT NULL CHECK (status IN ('pass','fail','error')),"
    "  summary TEXT NOT NULL, details TEXT, controls TEXT NOT NULL, ran_at TEXT NOT NULL,"
    "  evidence_id INTEGER REFERENCES evidence(id));"
    "CREATE INDEX check_run_check ON check_run(check_id, id);",

    /* 5: users of the web app and the API, and their API tokens (only hashes are stored) */
    "CREATE TABLE user("
    "  id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, role TEXT NOT NULL CHECK (role IN ('admin','editor','viewer','auditor')),"
    "  pw_hash TEXT NOT NULL, totp_secret TEXT, mfa_enabled INTEGER NOT NULL DEFAULT 0, totp_last_step INTEGER,"
    "  disabled INTEGER NOT NULL DEFAULT 0, created_at TEXT NOT NULL, updated_at TEXT NOT NULL);"
    "CREATE TABLE api_token("
    "  id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES user(id) ON DELETE CASCADE,"
    "  prefix TEXT NOT NULL, hash TEXT NOT NULL UNIQUE, label TEXT, created_at TEXT NOT NULL,"
    "  last_used_at TEXT, revoked_at TEXT);",

    /* 6: the alert outbox of continuous monitoring; the key makes each alert happen once */
    "CREATE TABLE alert("
    "  id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, kind TEXT NOT NULL, payload TEXT NOT NULL,"
    "  created_at TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at TEXT NOT NULL,"
    "  delivered_at TEXT, last_error TEXT);"
    "CREATE INDEX alert_pending ON alert(delivered_at, next_attempt_at);",

    /* 7: the audit lifecycle: certification cycle, roadmap, internal audits, findings, actions,
     * management reviews and interested parties' feedback */
    "CREATE TABLE cert("
    "  id INTEGER PRIMARY KEY CHECK (id = 1), body TEXT, number TEXT, stage1_date TEXT, stage2_date TEXT,"
    "  issued_on TEXT, updated_at TEXT NOT NULL);"
    "CREATE TABLE milestone("
    "  key TEXT PRIMARY KEY, due_date TEXT NOT NULL, note TEXT, updated_at TEXT NOT NULL);"
    "CREATE TABLE audit("
    "  id INTEGER PRIMARY KEY, title TEXT NOT NULL, scope TEXT NOT NULL, criteria TEXT NOT NULL,"
    "  auditor TEXT NOT NULL, start_date TEXT NOT NULL, end_date TEXT NOT NULL,"
    "  status TEXT NOT NULL CHECK (status IN ('planned','completed')), completed_on TEXT, summary TEXT,"
    "  created_at TEXT NOT NULL, updated_at TEXT NOT NULL);"
    "CREATE TABLE finding("
    "  id INTEGER PRIMARY KEY, audit_id INTEGER NOT NULL REFERENCES audit(id) ON DELETE RESTRICT,"
    "  type TEXT NOT NULL CHECK (type IN ('major','minor','observation','improvement')),"
    "  ref TEXT NOT NULL, description TEXT NOT NULL, evidence TEXT, created_at TEXT NOT NULL);"
    "CREATE INDEX finding_audit ON finding(audit_id);"
    "CREATE TABLE review("
    "  id INTEGER PRIMARY KEY, held_on TEXT NOT NULL, attendees TEXT NOT NULL, decisions TEXT NOT NULL,"
    "  improvements TEXT, changes TEXT, resources TEXT, pack TEXT NOT NULL, created_at TEXT NOT NULL);"
    "CREATE TABLE action("
    "  id INTEGER PRIMARY KEY, finding_id INTEGER REFERENCES finding(id) ON DELETE RESTRICT,"
    "  review_id INTEGER REFERENCES review(id) ON DELETE RESTRICT, description TEXT NOT NULL,"
    "  root_cause TEXT, owner TEXT NOT NULL, due_date TEXT NOT NULL,"
    "  status TEXT NOT NULL CHECK (status IN ('open','implemented','closed')), implemented_on TEXT,"
    "  effectiveness TEXT, verified_by TEXT, closed_on TEXT, created_at TEXT NOT NULL, updated_at TEXT NOT NULL,"
    "  CHECK ((finding_id IS NULL) <> (review_id IS NULL)));"
    "CREATE INDEX action_finding ON action(finding_id);"
    "CREATE TABLE feedback("
    "  id INTEGER PRIMARY KEY, party TEXT NOT NULL, received_on TEXT NOT NULL, summary TEXT NOT NULL,"
    "  created_at TEXT NOT NULL);",
    /* 8: people, suppliers, incidents and objectives with their training, timeline and measurements */
    "CREATE TABLE person("
    "  id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT NOT NULL UNIQUE COLLATE NOCASE, title TEXT,"
    "  department TEXT, start_date TEXT, end_date TEXT, screening_completed TEXT, terms_signed TEXT,"
    "  access_removed TEXT, created_at TEXT NOT NULL, updated_at TEXT NOT NULL);"
    "CREATE TABLE person_training("
    "  id INTEGER PRIMARY KEY, person_id INTEGER NOT NULL REFERENCES person(id) ON DELETE CASCADE,"
    "  course TEXT NOT NULL, completed TEXT NOT NULL, expires TEXT,"
    "  created_at TEXT NOT NULL, updated_at TEXT NOT NULL);"
    "CREATE INDEX person_training_person ON person_training(person_id, completed);"
    "CREATE TABLE supplier("
    "  id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, service TEXT, data_access TEXT NOT NULL,"
    "  criticality TEXT, risk_rating TEXT NOT NULL, security_clauses TEXT NOT NULL, certifications TEXT,"
    "  owner TEXT NOT NULL, last_review TEXT, next_review TEXT, created_at TEXT NOT NULL, updated_at TEXT NOT NULL);"
    "CREATE TABLE incident("
    "  id INTEGER PRIMARY KEY, title TEXT NOT NULL, severity TEXT NOT NULL, status TEXT NOT NULL,"
    "  reported_by TEXT, detected_at TEXT NOT NULL, reported_at TEXT, contained_at TEXT, resolved_at TEXT,"
    "  description TEXT, affected_assets TEXT, controls TEXT, personal_data_breach TEXT NOT NULL,"
    "  notified_at TEXT, root_cause TEXT, lessons_learned TEXT, created_at TEXT NOT NULL, updated_at TEXT NOT NULL);"
    "CREATE TABLE incident_event("
    "  id INTEGER PRIMARY KEY, incident_id INTEGER NOT NULL REFERENCES incident(id) ON DELETE CASCADE,"
    "  at TEXT NOT NULL, note TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL);"
    "CREATE INDEX incident_event_incident ON incident_event(incident_id, at);"
    "CREATE TABLE objective("
    "  id INTEGER PRIMARY KEY, objective TEXT NOT NULL, measure TEXT NOT NULL, target TEXT NOT NULL, unit TEXT,"
    "  direction TEXT NOT NULL, owner TEXT NOT NULL, due_date TEXT, status TEXT NOT NULL,"
    "  created_at TEXT NOT NULL, updated_at TEXT NOT NULL);"
    "CREATE TABLE objective_measurement("
    "  id INTEGER PRIMARY KEY, objective_id INTEGER NOT NULL REFERENCES objective(id) ON DELETE CASCADE,"
    "  date TEXT NOT NULL, value TEXT NOT NULL, note TEXT, created_at TEXT NOT NULL, updated_at TEXT NOT NULL);"
    "CREATE INDEX objective_measurement_objective ON objective_measurement(objective_id, date);",
    /* 9: policy documents: versions with their approval, acknowledgments, and the profile that fills templates */
    "CREATE TABLE policy("
    "  id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, title TEXT NOT NULL, controls TEXT NOT NULL,"
    "  clauses TEXT NOT NULL, created_at TEXT NOT NULL);"
    "CREATE TABLE policy_version("
    "  policy_id INTEGER NOT NULL REFERENCES policy(id), version INTEGER NOT NULL,"
    "  status TEXT NOT NULL CHECK (status IN ('draft','approved','superseded')), body TEXT NOT NULL,"
    "  created_at TEXT NOT NULL, created_by TEXT NOT NULL, approved_by TEXT, approved_at TEXT,"
    "  next_review TEXT, evidence_id INTEGER REFERENCES evidence(id), PRIMARY KEY (policy_id, version));"
    "CREATE TABLE policy_ack("
    "  policy_id INTEGER NOT NULL REFERENCES policy(id), version INTEGER NOT NULL, person TEXT NOT NULL,"
    "  acked_at TEXT NOT NULL, PRIMARY KEY (policy_id, version, person)) WITHOUT ROWID;"
    "CREATE TABLE policy_profile(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;",
    /* 10: change counters per kind of record and the tallies of the gap analysis (see above) */
    "CREATE TABLE generation(name TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID;"
    "INSERT INTO generation(name, n) VALUES ('org', 0), ('method', 0), ('asset', 0), ('asset_name', 0),"
    "  ('risk', 0), ('risk_asset', 0), ('risk_control', 0), ('soa', 0), ('evidence', 0), ('check', 0),"
    "  ('lifecycle', 0), ('register', 0), ('policy', 0), ('user', 0), ('alert', 0), ('audit_log', 0);"
    GEN_TRIGGERS("org", "'org'") GEN_TRIGGERS("scope_item", "'org'") GEN_TRIGGERS("party", "'org'")
    GEN_TRIGGERS("method", "'method'")
    /* asset_name: what shows an asset's name beside other records (a risk's asset) */
    "CREATE TRIGGER asset_gen_i AFTER INSERT ON asset BEGIN " GEN_BUMP("'asset'") " END;"
    "CREATE TRIGGER asset_gen_u AFTER UPDATE ON asset BEGIN "
    "  UPDATE generation SET n = n + 1 WHERE name = 'asset' OR (name = 'asset_name' AND OLD.name IS NOT NEW.name); END;"
    "CREATE TRIGGER asset_gen_d AFTER DELETE ON asset BEGIN " GEN_BUMP("'asset', 'asset_name'") " END;"
    /* risk_asset: which asset a risk is on, what the assets' risk counts show */
    "CREATE TRIGGER risk_gen_i AFTER INSERT ON risk BEGIN "
    "  UPDATE generation SET n = n + 1 WHERE name = 'risk' OR (name = 'risk_asset' AND NEW.asset_id IS NOT NULL); END;"
    "CREATE TRIGGER risk_gen_u AFTER UPDATE ON risk BEGIN "
    "  UPDATE generation SET n = n + 1 WHERE name = 'risk' OR (name = 'risk_asset' AND OLD.asset_id IS NOT NEW.asset_id); END;"
    "CREATE TRIGGER risk_gen_d AFTER DELETE ON risk BEGIN "
    "  UPDATE generation SET n = n + 1 WHERE name = 'risk' OR (name = 'risk_asset' AND OLD.asset_id IS NOT NULL); END;"
    GEN_TRIGGERS("risk_control", "'risk_control'")
    GEN_TRIGGERS("soa", "'soa'") GEN_TRIGGERS("soa_version", "'soa'") GEN_TRIGGERS("soa_version_entry", "'soa'")
    "CREATE TRIGGER audit_log_gen_i AFTER INSERT ON audit_log BEGIN " GEN_BUMP("'audit_log'") " END;"
    GEN_TRIGGERS("evidence", "'evidence'") GEN_TRIGGERS("evidence_control", "'evidence'")
    GEN_TRIGGERS("check_run", "'check'")
    GEN_TRIGGERS("user", "'user'") GEN_TRIGGERS("api_token", "'user'")
    GEN_TRIGGERS("alert", "'alert'")
    GEN_TRIGGERS("cert", "'lifecycle'") GEN_TRIGGERS("milestone", "'lifecycle'") GEN_TRIGGERS("audit", "'lifecycle'")
    GEN_TRIGGERS("finding", "'lifecycle'") GEN_TRIGGERS("review", "'lifecycle'") GEN_TRIGGERS("action", "'lifecycle'")
    GEN_TRIGGERS("feedback", "'lifecycle'")
    GEN_TRIGGERS("person", "'register'") GEN_TRIGGERS("person_training", "'register'")
    GEN_TRIGGERS("supplier", "'register'") GEN_TRIGGERS("incident", "'register'")
    GEN_TRIGGERS("incident_event", "'register'") GEN_TRIGGERS("objective", "'register'")
    GEN_TRIGGERS("objective_measurement", "'register'")
    GEN_TRIGGERS("policy", "'policy'") GEN_TRIGGERS("policy_version", "'policy'")
    GEN_TRIGGERS("policy_ack", "'policy'") GEN_TRIGGERS("policy_profile", "'policy'")
    /* The key has no type: counts of integers (scores, cells) and of text (dates, controls). */
    "CREATE TABLE tally(name TEXT NOT NULL, k NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (name, k)) WITHOUT ROWID;"
    "INSERT INTO tally SELECT 'assets', '', count(*) FROM asset;"
    "INSERT INTO tally SELECT 'assets_without_owner', '', count(*) FROM asset WHERE " TEXT_SQL_BLANK("owner") ";"
    "INSERT INTO tally SELECT 'risks', '', count(*) FROM risk;"
    "INSERT INTO tally SELECT 'risks_without_owner', '', count(*) FROM risk WHERE " TEXT_SQL_BLANK("owner") ";"
    "INSERT INTO tally SELECT 'risks_untreated', '', count(*) FROM risk WHERE option IS NULL;"
    "INSERT INTO tally SELECT 'risks_without_due_date', '', count(*) FROM risk r WHERE " RISK_OPEN_TREATMENT("r")
    "  AND due_date IS NULL;"
    "INSERT INTO tally SELECT 'risk_due', due_date, count(*) FROM risk r WHERE " RISK_OPEN_TREATMENT("r")
    "  AND due_date IS NOT NULL GROUP BY due_date;"
    "INSERT INTO tally SELECT 'risk_changed', substr(updated_at, 1, 10), count(*) FROM risk GROUP BY 2;"
    "INSERT INTO tally SELECT 'risk_unaccepted_score', " RISK_RESIDUAL_SCORE("r") ", count(*) FROM risk r"
    "  WHERE option IS NOT NULL AND option <> 'avoid' AND accepted_by IS NULL GROUP BY 2;"
    "INSERT INTO tally SELECT 'risk_cell', " RISK_CELL("r") ", count(*) FROM risk r WHERE " RISK_IN_MATRIX("r")
    "  GROUP BY 2;"
    "CREATE TABLE control_risks(control_id TEXT PRIMARY KEY, n INTEGER NOT NULL, first TEXT NOT NULL) WITHOUT ROWID;"
    "INSERT INTO control_risks SELECT control_id, count(*), '' FROM risk_control GROUP BY control_id;"
    "UPDATE control_risks SET first = coalesce((SELECT g FROM (SELECT group_concat('R' || risk_id, ',') OVER w AS g,"
    "  row_number() OVER w AS rn FROM (SELECT risk_id FROM risk_control r WHERE r.control_id = control_risks.control_id"
    "  ORDER BY risk_id LIMIT 20) WINDOW w AS (ORDER BY risk_id)) ORDER BY rn DESC LIMIT 1), '');"
    "CREATE TRIGGER asset_tally_i AFTER INSERT ON asset BEGIN " ASSET_TALLY("NEW", "+") " END;"
    "CREATE TRIGGER asset_tally_u AFTER UPDATE OF owner ON asset BEGIN " ASSET_TALLY("OLD", "-")
    "  " ASSET_TALLY("NEW", "+") " END;"
    "CREATE TRIGGER asset_tally_d AFTER DELETE ON asset BEGIN " ASSET_TALLY("OLD", "-") " END;"
    "CREATE TRIGGER risk_tally_i AFTER INSERT ON risk BEGIN " RISK_TALLY("NEW", "+") " END;"
    "CREATE TRIGGER risk_tally_u AFTER UPDATE ON risk BEGIN " RISK_TALLY("OLD", "-") " " RISK_TALLY("NEW", "+") " END;"
    "CREATE TRIGGER risk_tally_d AFTER DELETE ON risk BEGIN " RISK_TALLY("OLD", "-") " END;"
    "CREATE TRIGGER risk_control_tally_i AFTER INSERT ON risk_control BEGIN " CONTROL_RISKS("NEW", "+") " END;"
    "CREATE TRIGGER risk_control_tally_u AFTER UPDATE ON risk_control BEGIN " CONTROL_RISKS("OLD", "-") " "
    "  " CONTROL_RISKS("NEW", "+") " END;"
    "CREATE TRIGGER risk_control_tally_d AFTER DELETE ON risk_control BEGIN " CONTROL_RISKS("OLD", "-") " END;"
    /* The dashboard's due treatments, soonest first, without a pass over every risk. */
    "CREATE INDEX risk_open_due ON risk(due_date) WHERE done = 0 AND option IS NOT NULL AND option <> 'accept'"
    "  AND due_date IS NOT NULL;"
    /* Change counters of assets and risks by range of ids (1 << PAGE_RANGE_BITS): what a page of a list
     * ordered by id shows is the rows up to its last id, so it is unchanged while their ranges'
     * counters are (store_page_mark). An asset's range also counts its risks coming and going. */
    "CREATE TABLE generation_range(kind TEXT NOT NULL, bucket INTEGER NOT NULL, n INTEGER NOT NULL,"
    "  PRIMARY KEY (kind, bucket)) WITHOUT ROWID;"
    "CREATE TRIGGER asset_range_i AFTER INSERT ON asset BEGIN " RANGE_BUMP("'asset'", "NEW.id") " END;"
    "CREATE TRIGGER asset_range_u AFTER UPDATE ON asset BEGIN " RANGE_BUMP("'asset'", "OLD.id")
    "  " RANGE_BUMP("'asset'", "NEW.id") " END;"
    "CREATE TRIGGER asset_range_d AFTER DELETE ON asset BEGIN " RANGE_BUMP("'asset'", "OLD.id") " END;"
    "CREATE TRIGGER risk_range_i AFTER INSERT ON risk BEGIN " RANGE_BUMP("'risk'", "NEW.id")
    "  " RANGE_BUMP("'asset'", "NEW.asset_id") " END;"
    "CREATE TRIGGER risk_range_u AFTER UPDATE ON risk BEGIN " RANGE_BUMP("'risk'", "OLD.id")
    "  " RANGE_BUMP("'risk'", "NEW.id") " END;"
    "CREATE TRIGGER risk_range_ua AFTER UPDATE OF asset_id ON risk WHEN OLD.asset_id IS NOT NEW.asset_id BEGIN "
    "  " RANGE_BUMP("'asset'", "OLD.asset_id") " " RANGE_BUMP("'asset'", "NEW.asset_id") " END;"
    "CREATE TRIGGER risk_range_d AFTER DELETE ON risk BEGIN " RANGE_BUMP("'risk'", "OLD.id")
    "  " RANGE_BUMP("'asset'", "OLD.asset_id") " END;"
    "CREATE TRIGGER risk_control_range_i AFTER INSERT ON risk_control BEGIN " RANGE_BUMP("'risk'", "NEW.risk_id") " END;"
    "CREATE TRIGGER risk_control_range_u AFTER UPDATE ON risk_control BEGIN " RANGE_BUMP("'risk'", "OLD.risk_id")
    "  " RANGE_BUMP("'risk'", "NEW.risk_id") " END;"
    "CREATE TRIGGER risk_control_range_d AFTER DELETE ON risk_control BEGIN " RANGE_BUMP("'risk'", "OLD.risk_id")
    " END;",
};

_Static_assert(sizeof migrations / sizeof *migrations == STORE_SCHEMA_VERSION,
               "one migration per schema version");

int st_error(ws *w, int rc, const char *what, isms_err *err)
{
    int prim = rc & 0xff;
    const char *path = w && w->path ? w->path : "workspace";
    if (prim == SQLITE_BUSY || prim == SQLITE_LOCKED)
        return err_set(err, ISMS_EDB, "%s: the workspace %s is locked by another isms process; try again",
                       what, path);
    if (prim == SQLITE_READONLY)
        return err_set(err, ISMS_EDB, "%s: the workspace %s is read-only", what, path);
    if (prim == SQLITE_FULL)
        return err_set(err, ISMS_EIO, "%s: the disk is full", what);
    if (prim == SQLITE_NOTADB || prim == SQLITE_CORRUPT)
        return err_set(err, ISMS_EINVAL, "%s: %s is not an isms workspace (not a valid SQLite database)",
                       what, path);
    if (prim == SQLITE_CONSTRAINT)
        return err_set(err, ISMS_ECONFLICT, "%s: %s", what, w && w->db ? sqlite3_errmsg(w->db) : "constraint");
    return err_set(err, ISMS_EDB, "%s: %s", what, w && w->db ? sqlite3_errmsg(w->db) : sqlite3_errstr(rc));
}

/* FNV-1a of a statement's text: what the cache is searched by. */
static uint32_t sql_hash(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

int st_prepare(ws *w, const char *sql, sqlite3_stmt **st, isms_err *err)
{
    uint32_t h = sql_hash(sql);
    int slot = -1, busy = 0;
    for (int i = 0; i < WS_STMT_CACHE; i++) {
        struct ws_stmt *c = &w->stmts[i];
        if (!c->st) {
            if (slot < 0 || w->stmts[slot].st)
                slot = i;
            continue;
        }
        if (c->hash == h && !strcmp(sqlite3_sql(c->st), sql)) {
            if (c->in_use) {
                busy = 1; /* the same query inside its own loop: a statement of its own */
                break;
            }
            c->in_use = 1;
            c->used = ++w->stmt_clock;
            *st = c->st;
            return ISMS_OK;
        }
        if (!c->in_use && (slot < 0 || (w->stmts[slot].st && c->used < w->stmts[slot].used)))
            slot = i;
    }
    int keep = !busy && slot >= 0;
    int rc = sqlite3_prepare_v3(w->db, sql, -1, keep ? SQLITE_PREPARE_PERSISTENT : 0, st, NULL);
    if (rc != SQLITE_OK)
        return st_error(w, rc, "database query", err);
    if (keep && *st) {
        struct ws_stmt *c = &w->stmts[slot];
        if (c->st)
            sqlite3_finalize(c->st); /* the least recently used, not in use */
        c->st = *st;
        c->hash = h;
        c->in_use = 1;
        c->used = ++w->stmt_clock;
    }
    return ISMS_OK;
}

void st_release(ws *w, sqlite3_stmt *st)
{
    if (!st)
        return;
    for (int i = 0; i < WS_STMT_CACHE; i++)
        if (w->stmts[i].st == st) {
            /* Reset ends the statement's read; cleared bindings keep no value (or pointer) of
             * the caller's for the next one, which may bind fewer. */
            sqlite3_reset(st);
            sqlite3_clear_bindings(st);
            w->stmts[i].in_use = 0;
            return;
        }
    sqlite3_finalize(st);
}

void st_text(sqlite3_stmt *st, int i, const char *s)
{
    if (s)
        sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(st, i);
}

const char *st_col(sqlite3_stmt *st, int i, arena *a)
{
    const unsigned char *s = sqlite3_column_text(st, i);
    return s ? arena_strndup(a, (const char *)s, (size_t)sqlite3_column_bytes(st, i)) : NULL;
}

long st_count(ws *w, const char *sql, const char *arg, isms_err *err, int *rc)
{
    sqlite3_stmt *st;
    if (*rc || (*rc = st_prepare(w, sql, &st, err)))
        return 0;
    if (sqlite3_bind_parameter_count(st) > 0)
        st_text(st, 1, arg);
    long v = 0;
    int s = sqlite3_step(st);
    if (s == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    else
        *rc = st_error(w, s, "counting", err);
    st_release(w, st);
    return v;
}

int st_exec(ws *w, const char *sql, isms_err *err)
{
    char *msg = NULL;
    int rc = sqlite3_exec(w->db, sql, NULL, NULL, &msg);
    if (rc != SQLITE_OK) {
        int r = st_error(w, rc, "database", err);
        int prim = rc & 0xff;
        if (msg && prim != SQLITE_BUSY && prim != SQLITE_LOCKED && prim != SQLITE_READONLY && prim != SQLITE_NOTADB &&
            prim != SQLITE_CORRUPT && prim != SQLITE_FULL)
            err_set(err, r, "database: %s", msg);
        sqlite3_free(msg);
        return r;
    }
    return ISMS_OK;
}

static int pragma_int(ws *w, const char *sql, int *out, isms_err *err)
{
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(w->db, sql, -1, &st, NULL);
    if (rc != SQLITE_OK)
        return st_error(w, rc, "opening the workspace", err);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *out = sqlite3_column_int(st, 0);
    st_release(w, st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return st_error(w, rc, "opening the workspace", err);
    return ISMS_OK;
}

/* Read-only checks that the file is ours and not from a newer isms, before anything writes to it. */
static int check_file(ws *w, int *version, isms_err *err)
{
    int appid = 0, tables = 0, rc;
    if ((rc = pragma_int(w, "PRAGMA application_id", &appid, err)) ||
        (rc = pragma_int(w, "PRAGMA user_version", version, err)) ||
        (rc = pragma_int(w, "SELECT count(*) FROM sqlite_master", &tables, err)))
        return rc;
    if (appid != ISMS_APPLICATION_ID && (appid != 0 || *version != 0 || tables != 0))
        return err_set(err, ISMS_EINVAL,
                       "%s is a SQLite database of another program, not an isms workspace", w->path);
    if (*version > STORE_SCHEMA_VERSION)
        return err_set(err, ISMS_EVERSION,
                       "%s was written by a newer isms (workspace schema %d; this isms knows up to %d): "
                       "upgrade isms to open it",
                       w->path, *version, STORE_SCHEMA_VERSION);
    return ISMS_OK;
}

static int migrate(ws *w, int version, isms_err *err)
{
    int rc;
    if (version == STORE_SCHEMA_VERSION)
        return ISMS_OK;
    if ((rc = ws_begin(w, err)))
        return rc;
    /* Re-read under the write lock: another process may have migrated meanwhile. */
    if ((rc = pragma_int(w, "PRAGMA user_version", &version, err)))
        goto fail;
    for (int v = version; v < STORE_SCHEMA_VERSION; v++) {
        if ((rc = st_exec(w, migrations[v], err)))
            goto fail;
    }
    char sql[96];
    snprintf(sql, sizeof sql, "PRAGMA application_id = %d; PRAGMA user_version = %d", ISMS_APPLICATION_ID,
             STORE_SCHEMA_VERSION);
    if ((rc = st_exec(w, sql, err)) || (rc = ws_commit(w, err)))
        goto fail;
    return ISMS_OK;
fail:
    ws_rollback(w);
    return rc;
}

static pthread_once_t sqlite_once = PTHREAD_ONCE_INIT;
static void sqlite_setup(void) { sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); }

int ws_open(const char *path, int flags, ws **out, isms_err *err)
{
    *out = NULL;
    if (!path || !*path)
        return err_set(err, ISMS_EINVAL, "no workspace path given");
    /* SQLite would keep these in memory only: every change would vanish with the command, and
     * the audit log's checkpoint would have no workspace to sit beside. */
    if (!strcmp(path, ":memory:") || !strncmp(path, "file:", 5))
        return err_set(err, ISMS_EINVAL,
                       "%s is not a file: a workspace is kept in a file, so give its path (e.g. ./isms.db)", path);
    struct stat sb;
    int exists = stat(path, &sb) == 0;
    if (!exists && !(flags & WS_CREATE))
        return err_field(err, ISMS_ENOTFOUND, "db", "no workspace at %s", path);
    if (exists && S_ISDIR(sb.st_mode))
        return err_set(err, ISMS_EINVAL, "%s is a directory, not an isms workspace", path);
    ws *w = calloc(1, sizeof *w);
    if (!w)
        return err_set(err, ISMS_ENOMEM, "out of memory");
    w->path = strdup(path);
    snprintf(w->actor, sizeof w->actor, "cli");
    /* A connection belongs to one thread (the web server opens one per worker), so SQLite's
     * per-connection mutex is not needed; nor is its global allocation counter, whose lock the
     * workers would otherwise fight over on every malloc. */
    pthread_once(&sqlite_once, sqlite_setup);
    int oflags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | ((flags & WS_CREATE) ? SQLITE_OPEN_CREATE : 0);
    int rc = sqlite3_open_v2(path, &w->db, oflags, NULL);
    if (rc != SQLITE_OK) {
        rc = err_set(err, ISMS_EDB, "cannot open workspace %s: %s", path,
                     w->db ? sqlite3_errmsg(w->db) : sqlite3_errstr(rc));
        ws_close(w);
        return rc;
    }
    sqlite3_busy_timeout(w->db, 3000);
    sqlite3_extended_result_codes(w->db, 1);
    int version = 0;
    if ((rc = check_file(w, &version, err)) || (rc = st_exec(w, "PRAGMA foreign_keys = ON", err)) ||
        /* FULL: in WAL mode every commit is flushed to the disk before it is acknowledged, so a
         * power loss cannot take back a change isms reported as saved (NORMAL could). */
        (rc = st_exec(w, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL", err)) ||
        (rc = migrate(w, version, err))) {
        ws_close(w);
        return rc;
    }
    *out = w;
    return ISMS_OK;
}

static void gate_leave(ws *w);

void ws_close(ws *w)
{
    if (!w)
        return;
    gate_leave(w);
    for (int i = 0; i < WS_STMT_CACHE; i++)
        sqlite3_finalize(w->stmts[i].st);
    soa_memo_free(w);
    sqlite3_close_v2(w->db);
    free(w->path);
    sodium_memzero(&w->key, sizeof w->key);
    free(w);
}

void ws_set_actor(ws *w, const char *actor)
{
    snprintf(w->actor, sizeof w->actor, "%s", actor && *actor ? actor : "cli");
}

/* --- the audit log's anchor (see store/anchor.h) --- */

typedef struct anchor_paths {
    char key[4200], checkpoint[4200];
} anchor_paths;

static int anchor_paths_of(const char *db, anchor_paths *p, isms_err *err)
{
    if (anchor_key_path(db, p->key, sizeof p->key) || anchor_checkpoint_path(db, p->checkpoint, sizeof p->checkpoint))
        return err_set(err, ISMS_EINVAL, "the workspace path %s is too long", db);
    return ISMS_OK;
}

static int file_exists(const char *path)
{
    struct stat sb;
    return lstat(path, &sb) == 0;
}

/* Prefix err's message with why the change was refused. */
static int not_saved(isms_err *err, int rc)
{
    char msg[sizeof err->msg];
    snprintf(msg, sizeof msg, "%s", err->msg);
    return err_set(err, rc, "the change was not saved: %s", msg);
}

/* The checkpoint agrees with the committed log of base entries: it covers no more than base and
 * its entry has the hash it signed. Checked before every anchored commit, so that a change on top
 * of a truncated or rewritten log is refused rather than signed over it, which would hide it. */
static int anchor_matches(ws *w, const char *path, int64_t base, isms_err *err)
{
    anchor_checkpoint ck;
    int state = anchor_file_read(path, w->key.public_key, &ck, &w->seen, err);
    if (state < 0)
        return not_saved(err, ISMS_EIO);
    if (state == ANCHOR_FILE_DAMAGED || state == ANCHOR_FILE_BADSIG)
        return err_field(err, ISMS_ECONFLICT, "audit_log",
                       "the change was not saved: the checkpoint %s %s; verify the audit log", path,
                       state == ANCHOR_FILE_DAMAGED ? "is damaged" : "does not verify with the workspace's key");
    if (ck.count > base)
        return err_field(err, ISMS_ECONFLICT, "audit_log",
                       "the change was not saved: the audit log has %lld entries but its checkpoint covers %lld, so "
                       "entries were deleted; verify the audit log",
                       (long long)base, (long long)ck.count);
    if (ck.count == 0)
        return ISMS_OK;
    sqlite3_stmt *st;
    int rc;
    if ((rc = st_prepare(w, "SELECT hash FROM audit_log WHERE seq = ?", &st, err)))
        return rc;
    sqlite3_bind_int64(st, 1, ck.count);
    int same = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0) &&
               !strcmp((const char *)sqlite3_column_text(st, 0), ck.head);
    st_release(w, st);
    if (!same)
        return err_field(err, ISMS_ECONFLICT, "audit_log",
                       "the change was not saved: entry %lld of the audit log does not have the hash its checkpoint "
                       "signed, so the log was rewritten; verify the audit log",
                       (long long)ck.count);
    return ISMS_OK;
}

/* Load the signing key, creating it (with a checkpoint of the log as it was before this
 * transaction) at a workspace's first change, and check the checkpoint file is there. */
static int anchor_ready(ws *w, isms_err *err)
{
    anchor_paths p;
    int rc;
    if ((rc = anchor_init(err)) || (rc = anchor_paths_of(w->path, &p, err)))
        return rc;
    int64_t base = w->txn_first_seq - 1;
    int created = 0;
    /* Read at every anchored commit, not once per connection: a long-running server then
     * follows a key replaced by `isms log anchor` and refuses as soon as the file is exposed. */
    rc = anchor_key_load(p.key, &w->key, err);
    if (rc == ISMS_ENOTFOUND) {
        if (file_exists(p.checkpoint))
            return err_field(err, ISMS_ECONFLICT, "audit_log",
                           "the change was not saved: the signing key %s is missing but the checkpoint %s "
                           "exists; restore the key from a backup, or anchor the log anew to sign it with a new "
                           "key",
                           p.key, p.checkpoint);
        rc = anchor_key_create(p.key, &w->key, err);
        if (rc == ISMS_ECONFLICT)
            rc = anchor_key_load(p.key, &w->key, err);
        else
            created = rc == ISMS_OK;
    }
    if (rc)
        return not_saved(err, rc);
    if (!file_exists(p.checkpoint)) {
        /* Only a log that had no entries, or whose key is being made now, may start a checkpoint
         * file unasked: a missing one beside a signed log is what deleting it would look like. */
        if (base > 0 && !created)
            return err_field(err, ISMS_ECONFLICT, "audit_log",
                           "the change was not saved: the checkpoint %s of the audit log is missing, so nothing "
                           "shows whether entries were deleted; verify the audit log, then anchor it anew to sign "
                           "the log as it is",
                           p.checkpoint);
        anchor_checkpoint c;
        anchor_sign(&w->key, base, w->txn_base_hash, &c);
        if ((rc = anchor_file_create(p.checkpoint, &c, err)))
            return not_saved(err, rc);
        return ISMS_OK;
    }
    return anchor_matches(w, p.checkpoint, base, err);
}

/* Sign the committed head. The change is saved whatever happens here: a failure is a warning,
 * and the checkpoint lags until the next change signs past it. */
static void anchor_advance(ws *w)
{
    anchor_paths p;
    isms_err e = {0};
    int written;
    if (anchor_paths_of(w->path, &p, &e) ||
        anchor_file_advance(p.checkpoint, &w->key, w->txn_last_seq, w->txn_last_hash, &w->seen, &written, &e))
        snprintf(w->warning, sizeof w->warning,
                 "the change was saved, but its checkpoint was not signed (%s); verifying the audit log names "
                 "the entries it does not cover until the next change",
                 e.msg);
}

static void txn_reset(ws *w)
{
    w->txn_first_seq = w->txn_last_seq = 0;
}

/* Writers of one workspace file in this process (the server's workers) take turns here before
 * BEGIN IMMEDIATE. SQLite's busy handler would otherwise make each waiting writer sleep for
 * growing intervals (up to 100 ms) and poll, leaving the write lock idle between commits; a
 * writer waiting here starts the moment the previous one commits. Other processes still meet
 * at SQLite's lock. One gate per file, kept for the process's life. */
struct ws_gate {
    struct ws_gate *next;
    dev_t dev;
    ino_t ino;
    pthread_mutex_t mu;
};
static struct ws_gate *gates;
static pthread_mutex_t gates_mu = PTHREAD_MUTEX_INITIALIZER;

static struct ws_gate *gate_of(const char *path)
{
    struct stat sb;
    if (stat(path, &sb) != 0)
        return NULL; /* ":memory:" or a file that is gone: SQLite's own lock only */
    pthread_mutex_lock(&gates_mu);
    struct ws_gate *g = gates;
    while (g && !(g->dev == sb.st_dev && g->ino == sb.st_ino))
        g = g->next;
    if (!g && (g = calloc(1, sizeof *g))) {
        g->dev = sb.st_dev;
        g->ino = sb.st_ino;
        pthread_mutex_init(&g->mu, NULL);
        g->next = gates;
        gates = g;
    }
    pthread_mutex_unlock(&gates_mu);
    return g;
}

static void gate_leave(ws *w)
{
    if (w->gate_held) {
        w->gate_held = 0;
        pthread_mutex_unlock(&w->gate->mu);
    }
}

int ws_begin(ws *w, isms_err *err)
{
    txn_reset(w);
    if (!w->gate)
        w->gate = gate_of(w->path);
    int took = 0;
    if (w->gate && !w->gate_held) {
        /* Bounded like the busy timeout: a thread that somehow holds two connections' turns
         * falls back to SQLite's lock rather than waiting on itself. */
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += 3;
        took = w->gate_held = pthread_mutex_timedlock(&w->gate->mu, &until) == 0;
    }
    int rc = st_exec(w, "BEGIN IMMEDIATE", err);
    if (rc && took)
        gate_leave(w);
    return rc;
}

int ws_commit(ws *w, isms_err *err)
{
    int rc;
    w->warning[0] = '\0';
    int appended = w->txn_last_seq > 0 && !w->anchor_disabled;
    /* Before COMMIT, still holding the write lock: a change that cannot be anchored (key refused,
     * checkpoint gone) is not saved, so it cannot slip in unsigned. */
    if (appended && (rc = anchor_ready(w, err)))
        return rc;
    if ((rc = st_exec(w, "COMMIT", err))) {
        if (sqlite3_get_autocommit(w->db))
            gate_leave(w); /* the transaction ended anyway */
        return rc;
    }
    /* The next writer may start while this one signs: the checkpoint file has its own lock, and
     * a checkpoint behind a newer one is never written over it. */
    gate_leave(w);
    /* After COMMIT: the database is on the disk first, so the checkpoint can lag it after a crash
     * but never run ahead of it. */
    if (appended)
        anchor_advance(w);
    txn_reset(w);
    return ISMS_OK;
}

void ws_rollback(ws *w)
{
    txn_reset(w);
    if (!sqlite3_get_autocommit(w->db))
        sqlite3_exec(w->db, "ROLLBACK", NULL, NULL, NULL);
    gate_leave(w);
}

const char *ws_warning(const ws *w) { return w->warning[0] ? w->warning : NULL; }

void store_now(char out[32])
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void store_today(char out[11])
{
    const char *fixed = getenv("ISMS_TODAY");
    if (fixed && risk_date_valid(fixed)) {
        memcpy(out, fixed, 11);
        return;
    }
    char now[32];
    store_now(now);
    memcpy(out, now, 10);
    out[10] = '\0';
}

/* --- audit log --- */

static void audit_hash(const char *prev, int64_t seq, const char *at, const char *actor, const char *action,
                       const char *entity, const char *entity_id, const char *before, const char *after,
                       char out[65])
{
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
    char seqs[32];
    snprintf(seqs, sizeof seqs, "%lld", (long long)seq);
    const char *parts[] = {prev, seqs, at, actor, action, entity, entity_id, before, after};
    for (size_t i = 0; i < sizeof parts / sizeof *parts; i++) {
        /* Length-prefix each field so that moving bytes between fields changes the hash. */
        const char *p = parts[i] ? parts[i] : "";
        char len[24];
        int n = snprintf(len, sizeof len, "%zu%c:", strlen(p), parts[i] ? 's' : 'n');
        EVP_DigestUpdate(ctx, len, (size_t)n);
        EVP_DigestUpdate(ctx, p, strlen(p));
    }
    unsigned char md[32];
    unsigned int mdlen = 0;
    EVP_DigestFinal_ex(ctx, md, &mdlen);
    EVP_MD_CTX_free(ctx);
    for (int i = 0; i < 32; i++)
        snprintf(out + 2 * i, 3, "%02x", md[i]);
}

void store_audit_hash(const char *prev, const audit_entry *e, char out[65])
{
    audit_hash(prev, e->seq, e->at, e->actor, e->action, e->entity, e->entity_id, e->before, e->after, out);
}

const char store_audit_genesis[65] = "0000000000000000000000000000000000000000000000000000000000000000";
#define genesis store_audit_genesis

int store_audit(ws *w, const char *action, const char *entity, const char *entity_id, const char *before,
                const char *after, isms_err *err)
{
    /* An entry written outside a transaction gets one of its own, so that it is signed too. */
    if (sqlite3_get_autocommit(w->db)) {
        int rc = ws_begin(w, err);
        if (!rc)
            rc = store_audit(w, action, entity, entity_id, before, after, err);
        if (!rc)
            rc = ws_commit(w, err);
        if (rc)
            ws_rollback(w);
        return rc;
    }
    sqlite3_stmt *st;
    int rc;
    char prev[65] = {0};
    int64_t seq = 1;
    if ((rc = st_prepare(w, "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1", &st, err)))
        return rc;
    if (sqlite3_step(st) == SQLITE_ROW) {
        seq = sqlite3_column_int64(st, 0) + 1;
        snprintf(prev, sizeof prev, "%s", (const char *)sqlite3_column_text(st, 1));
    } else {
        memcpy(prev, genesis, 65);
    }
    st_release(w, st);
    char at[32], hash[65];
    store_now(at);
    audit_hash(prev, seq, at, w->actor, action, entity, entity_id, before, after, hash);
    if ((rc = st_prepare(w,
                         "INSERT INTO audit_log(seq, at, actor, action, entity, entity_id, before, after, "
                         "prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?,?)",
                         &st, err)))
        return rc;
    sqlite3_bind_int64(st, 1, seq);
    st_text(st, 2, at);
    st_text(st, 3, w->actor);
    st_text(st, 4, action);
    st_text(st, 5, entity);
    st_text(st, 6, entity_id);
    st_text(st, 7, before);
    st_text(st, 8, after);
    st_text(st, 9, prev);
    st_text(st, 10, hash);
    rc = sqlite3_step(st);
    st_release(w, st);
    if (rc != SQLITE_DONE)
        return st_error(w, rc, "writing the audit log", err);
    if (!w->txn_first_seq) {
        w->txn_first_seq = seq;
        memcpy(w->txn_base_hash, prev, 65);
    }
    w->txn_last_seq = seq;
    memcpy(w->txn_last_hash, hash, 65);
    return ISMS_OK;
}

int store_audit_each(ws *w, int (*cb)(const audit_entry *, void *), void *ctx, isms_err *err)
{
    sqlite3_stmt *st;
    int rc;
    if ((rc = st_prepare(w,
                         "SELECT seq, at, actor, action, entity, entity_id, before, after, prev_hash, hash "
                         "FROM audit_log ORDER BY seq",
                         &st, err)))
        return rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        audit_entry e = {
            sqlite3_column_int64(st, 0),
            (const char *)sqlite3_column_text(st, 1), (const char *)sqlite3_column_text(st, 2),
            (const char *)sqlite3_column_text(st, 3), (const char *)sqlite3_column_text(st, 4),
            (const char *)sqlite3_column_text(st, 5), (const char *)sqlite3_column_text(st, 6),
            (const char *)sqlite3_column_text(st, 7), (const char *)sqlite3_column_text(st, 8),
            (const char *)sqlite3_column_text(st, 9),
        };
        if (cb(&e, ctx))
            break;
    }
    st_release(w, st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? ISMS_OK : st_error(w, rc, "reading the audit log", err);
}

void audit_chain_start(audit_chain *v, int64_t anchor_seq)
{
    memset(v, 0, sizeof *v);
    memcpy(v->prev, genesis, 65);
    v->expect = 1;
    v->anchor_seq = anchor_seq;
}

int audit_chain_step(audit_chain *v, const audit_entry *e)
{
    v->count++;
    v->last_seq = e->seq;
    if (v->anchor_seq && e->seq == v->anchor_seq) {
        v->anchor_found = 1;
        snprintf(v->anchor_hash, sizeof v->anchor_hash, "%s", e->hash ? e->hash : "");
    }
    if (v->bad)
        return 0; /* past the first problem: only counting, and looking for the anchored entry */
    if (e->seq != v->expect) {
        v->bad = v->expect;
        snprintf(v->problem, sizeof v->problem, "entries %lld to %lld are missing (deleted)", (long long)v->expect,
                 (long long)e->seq - 1);
        return 0;
    }
    if (!e->prev_hash || strcmp(e->prev_hash, v->prev)) {
        v->bad = e->seq;
        snprintf(v->problem, sizeof v->problem, "entry %lld does not follow the entry before it (chain broken)",
                 (long long)e->seq);
        return 0;
    }
    char h[65];
    store_audit_hash(v->prev, e, h);
    if (!e->hash || strcmp(h, e->hash)) {
        v->bad = e->seq;
        snprintf(v->problem, sizeof v->problem, "entry %lld was edited after it was written (hash mismatch)",
                 (long long)e->seq);
        return 0;
    }
    memcpy(v->prev, e->hash, 65);
    v->expect++;
    return 0;
}

static int chain_cb(const audit_entry *e, void *p) { return audit_chain_step(p, e); }

static void problem(audit_check *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void problem(audit_check *c, const char *fmt, ...)
{
    if (c->nproblems >= AUDIT_MAX_PROBLEMS)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->problems[c->nproblems++], sizeof c->problems[0], fmt, ap);
    va_end(ap);
}

void audit_check_anchor(audit_check *out, const audit_chain *v, const anchor_checkpoint *ck, int trusted)
{
    if (v->last_seq < ck->count) {
        problem(out,
                "the log ends at entry %lld, but the checkpoint signed at %s covers %lld entries: entries %lld to "
                "%lld were deleted",
                (long long)v->last_seq, ck->at, (long long)ck->count, (long long)v->last_seq + 1,
                (long long)ck->count);
        if (!out->bad_seq)
            out->bad_seq = v->last_seq + 1;
    } else if (ck->count > 0 && !v->anchor_found) {
        problem(out, "entry %lld, the last one the checkpoint signed at %s covers, is missing", (long long)ck->count,
                ck->at);
    } else if (ck->count > 0 && strcmp(v->anchor_hash, ck->head)) {
        problem(out,
                "entry %lld does not have the hash the checkpoint signed at %s (%.16s... instead of %.16s...): the "
                "log up to it was rewritten and its hashes recomputed",
                (long long)ck->count, ck->at, v->anchor_hash, ck->head);
    } else {
        out->anchored = trusted;
        out->unsigned_entries = v->last_seq - ck->count;
    }
}

int store_audit_check(ws *w, const anchor_checkpoint *pinned, const unsigned char *pk_given, audit_check *out,
                      isms_err *err)
{
    memset(out, 0, sizeof *out);
    anchor_paths p;
    int rc;
    if ((rc = anchor_init(err)) || (rc = anchor_paths_of(w->path, &p, err)))
        return rc;
    anchor_key key;
    isms_err kerr = {0};
    int key_rc = anchor_key_load(p.key, &key, &kerr);
    unsigned char pk[ANCHOR_PUBLIC_KEY_BYTES];
    int trusted = 1;
    if (pk_given) {
        memcpy(pk, pk_given, sizeof pk);
        out->key_source = "the public key given";
    } else if (key_rc == ISMS_OK) {
        memcpy(pk, key.public_key, sizeof pk);
        out->key_source = "the workspace's key file";
    } else {
        trusted = 0;
    }
    int state;
    if (pinned) {
        out->ck = *pinned;
        state = ANCHOR_FILE_OK;
    } else if ((state = anchor_file_read(p.checkpoint, trusted ? pk : NULL, &out->ck, NULL, err)) < 0) {
        sodium_memzero(&key, sizeof key);
        return ISMS_EIO;
    }
    int have_ck = state == ANCHOR_FILE_OK || state == ANCHOR_FILE_BADSIG;
    if (have_ck && !trusted) {
        /* No key to trust: check the rest with the checkpoint's own key, so the report says how the
         * log relates to it, while the missing key is itself a problem. */
        if (anchor_public_key_parse(out->ck.public_key, pk, NULL) == ISMS_OK)
            out->key_source = "the checkpoint's own public key (not a trusted one)";
        else
            have_ck = 0;
    }
    if (have_ck && (state == ANCHOR_FILE_BADSIG || pinned || !trusted))
        state = anchor_verify(&out->ck, pk) ? ANCHOR_FILE_OK : ANCHOR_FILE_BADSIG;
    if (out->key_source)
        anchor_hex(pk, sizeof pk, out->public_key);

    audit_chain v;
    audit_chain_start(&v, state == ANCHOR_FILE_OK ? out->ck.count : 0);
    if ((rc = store_audit_each(w, chain_cb, &v, err))) {
        sodium_memzero(&key, sizeof key);
        return rc;
    }
    out->entries = v.count;
    out->last_seq = v.last_seq;
    out->chain_bad = v.bad;
    out->key_state = key_rc;
    out->checkpoint_state = state;
    if (v.bad) {
        problem(out, "%s", v.problem);
        out->bad_seq = v.bad;
    }
    if (key_rc != ISMS_OK && key_rc != ISMS_ENOTFOUND)
        problem(out, "%s", kerr.msg);
    else if (key_rc == ISMS_ENOTFOUND && !pk_given && (have_ck || v.count > 0))
        problem(out,
                "the signing key %s is missing, so the checkpoint cannot be trusted; check it against the "
                "public key printed in an earlier report or package",
                p.key);
    if (state == ANCHOR_FILE_MISSING && v.count > 0)
        problem(out,
                "there is no checkpoint %s: nothing shows that the newest entries were not deleted or the log "
                "rewritten; if you trust the log as it is, anchoring it anew signs it",
                p.checkpoint);
    else if (state == ANCHOR_FILE_DAMAGED)
        problem(out, "the checkpoint %s is damaged: neither of its slots holds a readable checkpoint", p.checkpoint);
    else if (state == ANCHOR_FILE_BADSIG)
        problem(out,
                "the checkpoint's signature does not verify with %s (%.16s...): the checkpoint was altered or "
                "signed with another key",
                out->key_source, out->public_key);
    else if (state == ANCHOR_FILE_OK) {
        if (key_rc == ISMS_OK && strcmp(out->ck.workspace, key.workspace))
            problem(out, "the checkpoint is for workspace %s, but this workspace's key is for %s", out->ck.workspace,
                    key.workspace);
        audit_check_anchor(out, &v, &out->ck, trusted);
    }
    if (out->nproblems && !out->bad_seq)
        out->bad_seq = 1; /* nothing in the log can be vouched for */
    sodium_memzero(&key, sizeof key);
    return ISMS_OK;
}

int store_audit_verify(ws *w, int64_t *bad_seq, int64_t *count, isms_err *err)
{
    audit_check c;
    err_clear(err);
    int rc = store_audit_check(w, NULL, NULL, &c, err);
    *bad_seq = c.bad_seq;
    *count = c.entries;
    if (!rc && c.nproblems) {
        char msg[sizeof err->msg] = "";
        size_t used = 0;
        for (int i = 0; i < c.nproblems && used < sizeof msg; i++)
            used += (size_t)snprintf(msg + used, sizeof msg - used, "%s%s", i ? "; " : "", c.problems[i]);
        err_set(err, ISMS_OK, "%s", msg);
    }
    return rc;
}

int store_audit_sign(ws *w, const void *data, size_t len, char sig[129], char public_key[65], isms_err *err)
{
    anchor_paths p;
    anchor_key k;
    int rc;
    if ((rc = anchor_init(err)) || (rc = anchor_paths_of(w->path, &p, err)) || (rc = anchor_key_load(p.key, &k, err)))
        return rc;
    anchor_sign_bytes(&k, data, len, sig);
    anchor_hex(k.public_key, sizeof k.public_key, public_key);
    sodium_memzero(&k, sizeof k);
    return ISMS_OK;
}

int store_audit_anchor(ws *w, anchor_checkpoint *out, int *key_created, char *kept, size_t kept_size, isms_err *err)
{
    anchor_paths p;
    int rc;
    *key_created = 0;
    kept[0] = '\0';
    if ((rc = anchor_init(err)) || (rc = anchor_paths_of(w->path, &p, err)) || (rc = ws_begin(w, err)))
        return rc;
    sqlite3_stmt *st;
    int64_t count = 0;
    char head[65];
    memcpy(head, genesis, 65);
    if ((rc = st_prepare(w, "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1", &st, err)))
        goto done;
    if (sqlite3_step(st) == SQLITE_ROW) {
        count = sqlite3_column_int64(st, 0);
        snprintf(head, sizeof head, "%s", (const char *)sqlite3_column_text(st, 1));
    }
    st_release(w, st);
    rc = anchor_key_load(p.key, &w->key, err);
    if (rc == ISMS_ENOTFOUND && !(rc = anchor_key_create(p.key, &w->key, err)))
        *key_created = 1;
    if (rc)
        goto done;
    /* The checkpoint replaced is evidence of what the log was: kept beside it, not overwritten. */
    if (file_exists(p.checkpoint)) {
        char now[32];
        store_now(now);
        snprintf(kept, kept_size, "%s.replaced-%s", p.checkpoint, now);
        if (link(p.checkpoint, kept)) {
            rc = err_set(err, ISMS_EIO, "cannot keep the old checkpoint as %s: %s", kept, strerror(errno));
            goto done;
        }
    }
    /* Under the write lock, so no change commits between reading the head and signing it. */
    anchor_sign(&w->key, count, head, out);
    rc = anchor_file_create(p.checkpoint, out, err);
done:
    ws_rollback(w);
    return rc;
}
