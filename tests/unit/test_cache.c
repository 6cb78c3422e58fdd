/* The response cache keeps an answer while nothing it depends on changed: a write to one kind
 * of record (here through a second connection, as the CLI writes beside a running server) leaves
 * the answers that do not show it cached and makes those that do miss. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/catalog.h"
#include "store/internal.h"
#include "web/web.h"

static char dir[] = "/tmp/isms-test-cache-XXXXXX";
static ws *srv, *cli; /* the server's connection and another process's */

static const char *const keys[] = {"/api/v1/assets", "/api/v1/risks&limit=5", "/api/v1/soa", "/api/v1/gap",
                                   "/api/v1/evidence", "/api/v1/controls", "/api/v1/audit-log"};
enum { ASSETS, RISKS, SOA, GAP, EVIDENCE, CONTROLS, LOG, NKEYS };

/* Keep an answer for every key, as the server would after answering each. */
static void fill(void)
{
    int64_t gen;
    assert_int_equal(web_cache_generation(srv, &gen), 0);
    for (int i = 0; i < NKEYS; i++)
        web_cache_put(keys[i], gen, keys[i], strlen(keys[i]), "text/plain");
}

/* Which keys are served from the cache now, as a bit mask. */
static unsigned cached(void)
{
    int64_t gen;
    assert_int_equal(web_cache_generation(srv, &gen), 0);
    unsigned m = 0;
    for (int i = 0; i < NKEYS; i++) {
        const char *data;
        size_t len;
        web_cache_blob *b = web_cache_take(keys[i], gen, &data, &len, NULL);
        if (b) {
            assert_memory_equal(data, keys[i], len); /* and the answer kept for that key */
            m |= 1u << i;
        }
        web_cache_release(b);
    }
    return m;
}

#define ALL ((1u << NKEYS) - 1)
#define BUT(k) (ALL & ~(1u << (k)))

static void cli_sql(const char *sql)
{
    isms_err err = {0};
    if (ws_begin(cli, &err) || st_exec(cli, sql, &err) || ws_commit(cli, &err))
        fail_msg("%s: %s", sql, err.msg);
}

static void test_a_write_misses_only_what_shows_it(void **state)
{
    (void)state;
    isms_err err = {0};
    risk_method m;
    risk_method_default(&m);
    fill();
    assert_int_equal(cached(), ALL);

    /* a risk on no asset: the asset list, the SoA, evidence and the catalog stay */
    risk r = {.title = "Laptop theft", .threat = "Theft", .vulnerability = "Unlocked", .owner = "IT",
              .likelihood = 2, .impact = 3};
    if (ws_begin(cli, &err) || store_risk_insert(cli, &m, &r, &r.id, &err) || ws_commit(cli, &err))
        fail_msg("%s", err.msg);
    assert_int_equal(cached(), ALL & ~(1u << RISKS | 1u << GAP | 1u << LOG));
    fill();

    /* a new asset: no risk shows it yet */
    asset x = {.name = "Laptop", .type = "hardware", .owner = "IT", .classification = "internal"};
    if (ws_begin(cli, &err) || store_asset_insert(cli, &x, &x.id, &err) || ws_commit(cli, &err))
        fail_msg("%s", err.msg);
    assert_int_equal(cached(), ALL & ~(1u << ASSETS | 1u << GAP | 1u << LOG));
    fill();

    /* the risk moves onto the asset: the asset's risk count changes */
    char sql[200];
    snprintf(sql, sizeof sql, "UPDATE risk SET asset_id = %lld WHERE id = %lld", (long long)x.id, (long long)r.id);
    cli_sql(sql);
    assert_int_equal(cached(), ALL & ~(1u << ASSETS | 1u << RISKS | 1u << GAP));
    fill();

    /* a new owner is not what a risk shows of its asset; a new name is */
    cli_sql("UPDATE asset SET owner = 'Facilities'");
    assert_int_equal(cached(), ALL & ~(1u << ASSETS | 1u << GAP));
    fill();
    cli_sql("UPDATE asset SET name = 'Work laptop'");
    assert_int_equal(cached(), ALL & ~(1u << ASSETS | 1u << RISKS | 1u << GAP));
    fill();

    /* an SoA decision; evidence */
    cli_sql("INSERT INTO soa(control_id, applicable, reasons) VALUES ('A.5.1', 1, 1)");
    assert_int_equal(cached(), ALL & ~(1u << SOA | 1u << GAP));
    fill();
    cli_sql("INSERT INTO evidence(sha256, filename, size, kind, description, source, collected_at, collected_by, "
            "valid_until, created_at) VALUES (printf('%064d', 1), 'a.pdf', 1, 'policy', 'd', 'upload', "
            "'2026-01-01', 'me', '2027-01-01', 'now')");
    assert_int_equal(cached(), ALL & ~(1u << EVIDENCE | 1u << GAP));
    fill();

    /* a change rolled back changes nothing */
    assert_int_equal(ws_begin(cli, &err), ISMS_OK);
    assert_int_equal(st_exec(cli, "DELETE FROM risk", &err), ISMS_OK);
    ws_rollback(cli);
    assert_int_equal(cached(), ALL);
}

static void test_the_date_and_the_token(void **state)
{
    (void)state;
    fill();
    setenv("ISMS_TODAY", "2031-02-03", 1);
    /* what shows due dates, overdue work or fresh evidence depends on the date */
    assert_int_equal(cached(), ALL & ~(1u << RISKS | 1u << GAP | 1u << EVIDENCE));
    fill();
    assert_int_equal(cached(), ALL);
    unsetenv("ISMS_TODAY");
    fill();

    /* the token stays while the counters do; an answer is taken or kept only with the token of
     * the counters this thread read last */
    int64_t old, gen;
    assert_int_equal(web_cache_generation(srv, &old), 0);
    assert_int_equal(web_cache_generation(srv, &gen), 0);
    assert_int_equal(gen, old);
    cli_sql("INSERT INTO party(name) VALUES ('Regulator')");
    assert_int_equal(web_cache_generation(srv, &gen), 0);
    assert_true(gen != old);
    const char *data;
    size_t len;
    assert_null(web_cache_take(keys[SOA], old, &data, &len, NULL));
    web_cache_blob *b = web_cache_take(keys[SOA], gen, &data, &len, NULL);
    assert_non_null(b);
    web_cache_release(b);
    web_cache_put("/api/v1/org", old, "x", 1, NULL);
    assert_null(web_cache_take("/api/v1/org", gen, &data, &len, NULL));

    /* a part is served with what it was kept with, for its caller to check */
    int64_t aux = 0, mark = 0;
    web_cache_put_part("part:test", DEP_NONE, gen, 40, 7, "[1]", 3);
    b = web_cache_take_part("part:test", gen, &aux, &mark, &data, &len);
    assert_non_null(b);
    assert_int_equal(aux, 40);
    assert_int_equal(mark, 7);
    web_cache_release(b);
    web_cache_put_part("part:test", DEP_NONE, gen, 60, 9, "[2]", 3); /* replaced, even unchanged counters */
    b = web_cache_take_part("part:test", gen, &aux, &mark, &data, &len);
    assert_non_null(b);
    assert_int_equal(mark, 9);
    assert_memory_equal(data, "[2]", 3);
    web_cache_release(b);
}

static void test_deps_come_from_the_route_table(void **state)
{
    (void)state;
    assert_int_equal(web_cache_deps("/api/v1/assets"), DEP_ASSET_VIEW);
    assert_int_equal(web_cache_deps("/api/v1/assets&limit=10&offset=20"), DEP_ASSET_VIEW);
    assert_int_equal(web_cache_deps("/api/v1/assets/42"), DEP_ASSET_VIEW);
    assert_int_equal(web_cache_deps("/api/v1/risks/R7"), DEP_RISK_VIEW);
    assert_int_equal(web_cache_deps("/api/v1/controls/A.5.1"), DEP_NONE);
    assert_int_equal(web_cache_deps("/api/v1/gap"), DEP_GAP);
    /* no route, or one naming nothing: everything */
    assert_int_equal(web_cache_deps("/api/v1/nothing-here"), DEP_ALL);
    assert_int_equal(web_cache_deps("/api/v1/audits/3/checklist"), DEP_ALL);
    /* an '&' in the path itself: every reading counts */
    assert_int_equal(web_cache_deps("/api/v1/assets/R&D&limit=5"), DEP_ASSET_VIEW);
    assert_int_equal(web_cache_deps("/api/v1/audits/a&b/checklist"), DEP_ALL | DEP_LIFECYCLE);
}

static int setup(void **state)
{
    (void)state;
    isms_err err = {0};
    char path[300];
    if (!mkdtemp(dir) || catalog_init(&err))
        return -1;
    snprintf(path, sizeof path, "%s/ws.db", dir);
    if (ws_open(path, WS_CREATE, &srv, &err) || ws_open(path, 0, &cli, &err))
        return -1;
    ws_set_actor(cli, "cli");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    web_cache_free();
    ws_close(cli);
    ws_close(srv);
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_a_write_misses_only_what_shows_it),
        cmocka_unit_test(test_the_date_and_the_token),
        cmocka_unit_test(test_deps_come_from_the_route_table),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
