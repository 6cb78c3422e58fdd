/* Writes a large workspace through the product's own store API: N assets and N risks with
 * treatments, plus SoA decisions, in one transaction.  usage: gen_workspace PATH [N] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/catalog.h"
#include "store/store.h"

static const char *const types[] = {"information", "software", "hardware", "service", "cloud", "network"};
static const char *const classes[] = {"public", "internal", "confidential", "restricted"};

static unsigned rnd(unsigned *s)
{
    *s = *s * 1103515245u + 12345u;
    return *s >> 8;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: gen_workspace PATH [N]\n");
        return 2;
    }
    long n = argc > 2 ? atol(argv[2]) : 100000;
    isms_err err = {0};
    ws *w;
    if (catalog_init(&err) || ws_open(argv[1], WS_CREATE, &w, &err)) {
        fprintf(stderr, "gen_workspace: %s\n", err.msg);
        return 1;
    }
    ws_set_actor(w, "bench");
    risk_method m;
    risk_method_default(&m);
    size_t nc;
    const catalog_control *ctl = catalog_controls(&nc);
    unsigned seed = 42;
#define RND() rnd(&seed)
    if (ws_begin(w, &err) || store_org_create(w, "Bench Corp", &err) || store_method_set(w, &m, &err))
        goto fail;
    char name[64], owner[32], title[96], controls[64], due[16];
    for (long i = 1; i <= n; i++) {
        snprintf(name, sizeof name, "asset-%06ld %s", i, types[i % 6]);
        snprintf(owner, sizeof owner, "owner-%ld", i % 250);
        asset x = {0};
        x.name = name;
        x.type = types[i % 6];
        x.owner = owner;
        x.classification = classes[i % 4];
        x.confidentiality = 1 + (int)(RND() % 3);
        x.integrity = 1 + (int)(RND() % 3);
        x.availability = 1 + (int)(RND() % 3);
        if (store_asset_insert(w, &x, NULL, &err))
            goto fail;
    }
    for (long i = 1; i <= n; i++) {
        snprintf(title, sizeof title, "Risk %ld: compromise of asset-%06ld", i, i);
        snprintf(owner, sizeof owner, "owner-%ld", i % 250);
        risk r = {0};
        r.title = title;
        r.asset_id = i;
        r.threat = "Ransomware";
        r.vulnerability = "Unpatched internet-facing systems";
        r.owner = owner;
        r.likelihood = 1 + (int)(RND() % 5);
        r.impact = 1 + (int)(RND() % 5);
        if (store_risk_insert(w, &m, &r, &r.id, &err))
            goto fail;
        if (i % 10 == 0)
            continue; /* some risks stay untreated */
        r.option = (risk_option)(1 + i % 4);
        size_t c1 = RND() % nc, c2 = RND() % nc;
        snprintf(controls, sizeof controls, "%s,%s", ctl[c1].id, ctl[c2].id);
        r.controls = r.option == RISK_MITIGATE ? controls : "";
        r.residual_likelihood = 1;
        r.residual_impact = r.impact;
        snprintf(due, sizeof due, "2026-%02ld-%02ld", 1 + i % 12, 1 + i % 28);
        r.due_date = due;
        if (store_risk_treat(w, &m, &r, &err))
            goto fail;
    }
    arena a;
    arena_init(&a);
    soa_entry *e = arena_alloc(&a, nc * sizeof *e);
    if (store_soa_load(w, &a, e, &err))
        goto fail;
    for (size_t i = 0; i < nc; i++) {
        soa_entry x = e[i];
        x.applicable = SOA_APPLICABLE;
        x.status = (soa_status)(1 + i % 4);
        x.implementation = "Implemented as described in the operations handbook";
        x.owner = "CISO";
        if (store_soa_save(w, &x, &err))
            goto fail;
    }
    arena_free(&a);
    if (ws_commit(w, &err))
        goto fail;
    ws_close(w);
    return 0;
fail:
    fprintf(stderr, "gen_workspace: %s\n", err.msg);
    ws_rollback(w);
    ws_close(w);
    return 1;
}
