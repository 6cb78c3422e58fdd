/* The asset inventory imported from an uploaded CSV file, in the browser and the API: the same
 * reader and rules as `isms asset import`, every problem named by line and column, and either
 * every row is imported or none. */
#include <stdio.h>
#include <string.h>

#include "web/api.h"
#include "web/reference.h"

typedef struct import_ctx {
    const web_file *f;
    asset_import_report rep;
} import_ctx;

/* Import inside one transaction; refused imports (bad rows) roll back and report ISMS_EINVAL. */
static int import_run(web_req *rq, import_ctx *c, isms_err *err)
{
    int rc = web_upload_file(rq, &c->f, err);
    if (rc)
        return rc;
    if (!c->f->len)
        return err_set(err, ISMS_EINVAL, "%s is empty: expected a header line with name,type,owner,classification",
                       c->f->filename);
    FILE *in = fmemopen((void *)c->f->data, c->f->len, "rb");
    if (!in)
        return err_set(err, ISMS_ENOMEM, "cannot read the upload");
    if ((rc = ws_begin(rq->w, err)) == ISMS_OK)
        rc = store_asset_import(rq->w, in, rq->a, &c->rep, NULL, NULL, err);
    fclose(in);
    if (rc == ISMS_OK && c->rep.errors)
        rc = err_set(err, ISMS_EINVAL, "import of %s refused: %ld error(s); nothing was imported", c->f->filename,
                     c->rep.errors);
    if (rc == ISMS_OK)
        rc = ws_commit(rq->w, err);
    if (rc)
        ws_rollback(rq->w);
    return rc;
}

int api_asset_import(web_req *rq, web_resp *rs)
{
    import_ctx c = {0};
    isms_err err = {0};
    if (import_run(rq, &c, &err)) {
        if (!c.rep.nproblems) {
            web_json_fail(rs, &err);
            return 0;
        }
        jw *j = web_json_begin(rq, rs, 422);
        jw_obj(j);
        jw_key(j, "error");
        jw_obj(j);
        jw_kstr(j, "code", "invalid");
        jw_kstr(j, "message", err.msg);
        jw_key(j, "problems");
        jw_arr(j);
        for (size_t i = 0; i < c.rep.nproblems; i++)
            jw_str(j, c.rep.problems[i]);
        jw_arr_end(j);
        jw_obj_end(j);
        jw_obj_end(j);
        return 0;
    }
    jw *j = web_json_begin(rq, rs, 201);
    jw_obj(j);
    jw_kint(j, "imported", c.rep.rows);
    jw_obj_end(j);
    return 0;
}

static void import_page(web_req *rq, web_resp *rs, const char *error, const asset_import_report *rep)
{
    page_head(rq, rs, "Import assets", "/assets");
    web_raw(rs, "<p><a href=\"/assets\">← Asset inventory</a></p><h1>Import assets from CSV</h1>");
    if (error) {
        web_html(rs, "<p class=\"error\" role=\"alert\" id=\"form-error\">%s</p>", error);
        if (rep && rep->nproblems) {
            web_raw(rs, "<ul id=\"problems\">");
            for (size_t i = 0; i < rep->nproblems; i++)
                web_html(rs, "<li>%s</li>", rep->problems[i]);
            if (rep->errors > (long)rep->nproblems)
                web_html(rs, "<li>… and %ld more</li>", rep->errors - (long)rep->nproblems);
            web_raw(rs, "</ul>");
        }
    }
    web_raw(rs, "<p>The first line names the columns: <code>name</code>, <code>type</code>, <code>owner</code> and "
                "<code>classification</code> are required; <code>confidentiality</code>, <code>integrity</code>, "
                "<code>availability</code> (1-3 or low/medium/high) and <code>description</code> are optional. "
                "Types: information, software, hardware, service, cloud, network, people, facility. "
                "Classifications: public, internal, confidential, restricted. A file with any bad row is refused "
                "whole, with every problem listed by line and column.</p>"
                "<form method=\"post\" action=\"/assets/import\" enctype=\"multipart/form-data\" class=\"edit\" "
                "id=\"import-form\">");
    web_html(rs, "<input type=\"hidden\" name=\"csrf\" value=\"%s\">", rq->csrf ? rq->csrf : "");
    web_raw(rs, "<label>CSV file <input type=\"file\" name=\"file\" accept=\".csv,text/csv\" required></label>"
                "<button type=\"submit\">Import</button></form>");
    page_foot(rs);
}

int page_asset_import(web_req *rq, web_resp *rs)
{
    import_page(rq, rs, NULL, NULL);
    return 0;
}

int form_asset_import(web_req *rq, web_resp *rs)
{
    if (rq->upload_error) {
        rs->status = rq->upload_error->code == ISMS_ENOMEM ? 413 : 400;
        import_page(rq, rs, rq->upload_error->msg, NULL);
        return 0;
    }
    import_ctx c = {0};
    isms_err err = {0};
    if (import_run(rq, &c, &err)) {
        rs->status = err.code == ISMS_EINVAL ? 422 : 500;
        import_page(rq, rs, err.msg, &c.rep);
        return 0;
    }
    web_redirect(rs, arena_sprintf(rq->a, "/assets?imported=%ld", c.rep.rows));
    return 0;
}
