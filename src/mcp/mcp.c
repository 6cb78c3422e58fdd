/* The MCP server over stdio: the lifecycle (initialize, ping), tools from the use-case table,
 * resources for the catalog, the guidance and the policies, and JSON-RPC errors for what is not
 * a valid message. It sees only the app layer. */
#include "mcp/mcp.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "util/buf.h"
#include "util/json.h"

#define MCP_MAX_MESSAGE (4u << 20) /* a request larger than this is refused, not read into memory */
#define MCP_MAX_ANSWER (16u << 20)

/* The protocol versions this server speaks, newest first; a client asking for another gets the newest. */
static const char *const protocol_versions[] = {"2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05", NULL};

enum { RPC_PARSE = -32700, RPC_INVALID = -32600, RPC_NO_METHOD = -32601, RPC_PARAMS = -32602,
       RPC_INTERNAL = -32603, RPC_NO_RESOURCE = -32002 };

typedef struct mcp {
    const mcp_opts *o;
    app *p;
    buf msg; /* the answer being written */
    jw j;
} mcp;

static const char instructions[] =
    "isms holds this organization's ISO/IEC 27001:2022 information security management system: scope, assets, "
    "risks and their treatment, the Statement of Applicability, policies, evidence, automated checks, internal "
    "audits and corrective actions. Start with `gap` or `readiness` to see what is missing, `ask` or "
    "`control_get` for guidance on a control or clause, and the list tools to read the registers. Changes are "
    "recorded in the ISMS's audit log under the actor \"mcp\"; make them only when the user asks for them.";

/* --- writing answers --- */

static void begin(mcp *m, json_t *id)
{
    buf_reset(&m->msg);
    jw_init_buf(&m->j, &m->msg);
    jw_obj(&m->j);
    jw_kstr(&m->j, "jsonrpc", "2.0");
    jw_key(&m->j, "id");
    if (json_is_string(id))
        jw_str(&m->j, json_string_value(id));
    else if (json_is_integer(id))
        jw_int(&m->j, json_integer_value(id));
    else if (json_is_real(id))
        jw_num(&m->j, json_real_value(id));
    else
        jw_null(&m->j);
}

/* End the message and send it as one line; a message over the cap becomes an internal error. */
static int finish(mcp *m, json_t *id);

static int send_error(mcp *m, json_t *id, int code, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static int send_error(mcp *m, json_t *id, int code, const char *fmt, ...)
{
    char text[1200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    begin(m, id);
    jw_key(&m->j, "error");
    jw_obj(&m->j);
    jw_kint(&m->j, "code", code);
    jw_kstr(&m->j, "message", text);
    jw_obj_end(&m->j);
    return finish(m, id);
}

static int finish(mcp *m, json_t *id)
{
    jw_obj_end(&m->j);
    if (m->j.err || m->msg.full)
        return send_error(m, id, RPC_INTERNAL, "the answer is larger than %u bytes", MCP_MAX_ANSWER);
    FILE *out = m->o->out;
    if (fwrite(m->msg.data, 1, m->msg.len, out) != m->msg.len || fputc('\n', out) == EOF || fflush(out))
        return -1;
    return 0;
}

/* --- tools --- */

static int tool_visible(const mcp *m, const app_usecase *u) { return m->o->editor || u->access == APP_READ; }

static void tool_json(jw *j, const app_usecase *u)
{
    jw_obj(j);
    jw_kstr(j, "name", u->name);
    jw_kstr(j, "title", u->title);
    jw_kstr(j, "description", u->description);
    jw_key(j, "inputSchema");
    app_schema(j, u);
    jw_key(j, "annotations");
    jw_obj(j);
    jw_kstr(j, "title", u->title);
    jw_kbool(j, "readOnlyHint", u->access == APP_READ);
    jw_kbool(j, "destructiveHint", 0);
    jw_kbool(j, "openWorldHint", 0);
    jw_obj_end(j);
    jw_obj_end(j);
}

static int tools_list(mcp *m, json_t *id)
{
    begin(m, id);
    jw_key(&m->j, "result");
    jw_obj(&m->j);
    jw_key(&m->j, "tools");
    jw_arr(&m->j);
    const app_usecase *u;
    for (size_t i = 0; (u = app_usecase_at(i)); i++)
        if (tool_visible(m, u))
            tool_json(&m->j, u);
    jw_arr_end(&m->j);
    jw_obj_end(&m->j);
    return finish(m, id);
}

/* A tool result's content: one text block. */
static void content_text(jw *j, const char *text)
{
    jw_key(j, "content");
    jw_arr(j);
    jw_obj(j);
    jw_kstr(j, "type", "text");
    jw_kstr(j, "text", text);
    jw_obj_end(j);
    jw_arr_end(j);
}

/* A tool's failure is a result the model reads (isError), naming the field it concerns. */
static int tool_failed(mcp *m, json_t *id, const isms_err *e)
{
    char text[1200];
    if (e->field[0])
        snprintf(text, sizeof text, "%s: %s", e->field, e->msg);
    else
        snprintf(text, sizeof text, "%s", e->msg[0] ? e->msg : err_name(e->code));
    begin(m, id);
    jw_key(&m->j, "result");
    jw_obj(&m->j);
    content_text(&m->j, text);
    jw_key(&m->j, "structuredContent");
    jw_obj(&m->j);
    jw_key(&m->j, "error");
    jw_obj(&m->j);
    jw_kstr(&m->j, "code", err_name(e->code));
    jw_kstr(&m->j, "message", e->msg);
    jw_kstr(&m->j, "field", e->field[0] ? e->field : NULL);
    jw_obj_end(&m->j);
    jw_obj_end(&m->j);
    jw_kbool(&m->j, "isError", 1);
    jw_obj_end(&m->j);
    return finish(m, id);
}

/* Run use case u on args into answer (its JSON object); fills e on failure. */
static int run_usecase(mcp *m, const app_usecase *u, json_t *args, buf *answer, isms_err *e)
{
    void *in = arena_alloc(app_arena(m->p), u->in_size ? u->in_size : 1);
    if (!in)
        return err_set(e, ISMS_ENOMEM, "out of memory");
    jw out;
    jw_init_buf(&out, answer);
    int rc = app_bind(m->p, u, args, in, e);
    if (!rc)
        rc = app_run(m->p, u, in, &out, e);
    const char *warning = rc ? NULL : app_warning(m->p);
    if (warning && m->o->log)
        fprintf(m->o->log, "isms mcp: warning: %s\n", warning);
    return rc;
}

static int tools_call(mcp *m, json_t *id, json_t *params)
{
    json_t *name = json_object_get(params, "name"), *args = json_object_get(params, "arguments");
    if (!json_is_string(name))
        return send_error(m, id, RPC_PARAMS, "tools/call needs the tool's name");
    const app_usecase *u = app_usecase_find(json_string_value(name));
    if (!u)
        return send_error(m, id, RPC_PARAMS, "unknown tool '%.80s'", json_string_value(name));
    isms_err e = {0};
    if (!tool_visible(m, u)) {
        err_set(&e, ISMS_ECONFLICT, "%s changes the ISMS, and this server was started to read only (its role is viewer)",
                u->name);
        return tool_failed(m, id, &e);
    }
    if (args && !json_is_null(args) && !json_is_object(args))
        return send_error(m, id, RPC_PARAMS, "the arguments of %s must be an object", u->name);
    buf answer;
    buf_init(&answer, MCP_MAX_ANSWER / 2);
    int rc = run_usecase(m, u, json_is_object(args) ? args : NULL, &answer, &e);
    if (rc) {
        buf_free(&answer);
        app_done(m->p);
        return tool_failed(m, id, &e);
    }
    begin(m, id);
    jw_key(&m->j, "result");
    jw_obj(&m->j);
    content_text(&m->j, answer.data ? answer.data : "{}");
    jw_key(&m->j, "structuredContent");
    jw_raw(&m->j, answer.data ? answer.data : "{}", answer.data ? answer.len : 2);
    jw_kbool(&m->j, "isError", 0);
    jw_obj_end(&m->j);
    buf_free(&answer);
    app_done(m->p);
    return finish(m, id);
}

/* --- resources --- */

#define URI_CATALOG "isms://catalog"
#define URI_GUIDANCE "isms://guidance/"
#define URI_POLICY "isms://policies/"

static void resource_json(jw *j, const char *uri, const char *name, const char *title, const char *desc, const char *mime)
{
    jw_obj(j);
    jw_kstr(j, "uri", uri);
    jw_kstr(j, "name", name);
    jw_kstr(j, "title", title);
    jw_kstr(j, "description", desc);
    jw_kstr(j, "mimeType", mime);
    jw_obj_end(j);
}

/* Run a read use case with arguments given as JSON text; its answer parsed back (NULL on failure). */
static json_t *read_usecase(mcp *m, const char *name, json_t *args, isms_err *e)
{
    const app_usecase *u = app_usecase_find(name);
    buf answer;
    buf_init(&answer, MCP_MAX_ANSWER / 2);
    json_t *doc = NULL;
    if (u && !run_usecase(m, u, args, &answer, e)) {
        doc = json_loadb(answer.data ? answer.data : "{}", answer.len, 0, NULL);
        if (!doc)
            err_set(e, ISMS_ENOMEM, "out of memory");
    }
    buf_free(&answer);
    app_done(m->p);
    return doc;
}

static int resources_list(mcp *m, json_t *id)
{
    isms_err e = {0};
    json_t *pol = read_usecase(m, "policy_list", NULL, &e);
    begin(m, id);
    jw_key(&m->j, "result");
    jw_obj(&m->j);
    jw_key(&m->j, "resources");
    jw_arr(&m->j);
    resource_json(&m->j, URI_CATALOG, "catalog", "ISO/IEC 27001:2022 Annex A controls and clauses 4-10",
                  "The 93 Annex A controls (id, theme, title) and the clauses of the standard", "application/json");
    size_t i;
    json_t *d;
    json_array_foreach(json_object_get(pol, "items"), i, d)
    {
        const char *name = json_string_value(json_object_get(d, "name"));
        const char *title = json_string_value(json_object_get(d, "title"));
        if (!name)
            continue;
        char uri[300];
        snprintf(uri, sizeof uri, URI_POLICY "%s", name);
        resource_json(&m->j, uri, name, title ? title : name, "The policy's newest version, in Markdown", "text/markdown");
    }
    jw_arr_end(&m->j);
    jw_obj_end(&m->j);
    json_decref(pol);
    return finish(m, id);
}

static int templates_list(mcp *m, json_t *id)
{
    begin(m, id);
    jw_key(&m->j, "result");
    jw_obj(&m->j);
    jw_key(&m->j, "resourceTemplates");
    jw_arr(&m->j);
    jw_obj(&m->j);
    jw_kstr(&m->j, "uriTemplate", URI_GUIDANCE "{id}");
    jw_kstr(&m->j, "name", "guidance");
    jw_kstr(&m->j, "title", "Guidance for a control or clause");
    jw_kstr(&m->j, "description",
            "Purpose, how to implement it, the evidence an auditor accepts and common findings, for an Annex A "
            "control (A.5.23) or a clause (9.3)");
    jw_kstr(&m->j, "mimeType", "application/json");
    jw_obj_end(&m->j);
    jw_arr_end(&m->j);
    jw_obj_end(&m->j);
    return finish(m, id);
}

static int resources_read(mcp *m, json_t *id, json_t *params)
{
    const char *uri = json_string_value(json_object_get(params, "uri"));
    if (!uri)
        return send_error(m, id, RPC_PARAMS, "resources/read needs the resource's uri");
    isms_err e = {0};
    json_t *doc = NULL;
    const char *mime = "application/json";
    char *text = NULL;
    if (!strcmp(uri, URI_CATALOG)) {
        doc = read_usecase(m, "control_list", NULL, &e);
    } else if (!strncmp(uri, URI_GUIDANCE, strlen(URI_GUIDANCE))) {
        json_t *args = json_pack("{ss}", "id", uri + strlen(URI_GUIDANCE));
        doc = read_usecase(m, "control_get", args, &e);
        json_decref(args);
    } else if (!strncmp(uri, URI_POLICY, strlen(URI_POLICY))) {
        json_t *args = json_pack("{ss}", "name", uri + strlen(URI_POLICY));
        json_t *pol = read_usecase(m, "policy_get", args, &e);
        json_decref(args);
        const char *body = json_string_value(json_object_get(pol, "body"));
        if (body) {
            text = strdup(body);
            mime = "text/markdown";
        }
        json_decref(pol);
        if (!text && !e.code)
            err_set(&e, ISMS_ENOTFOUND, "the policy has no text");
    } else {
        return send_error(m, id, RPC_NO_RESOURCE, "no resource at '%.200s'", uri);
    }
    if (doc)
        text = json_dumps(doc, JSON_COMPACT);
    json_decref(doc);
    if (!text) {
        if (e.code == ISMS_ENOTFOUND || e.code == ISMS_EINVAL)
            return send_error(m, id, RPC_NO_RESOURCE, "no resource at '%.200s': %s", uri, e.msg);
        return send_error(m, id, RPC_INTERNAL, "%s", e.msg[0] ? e.msg : "cannot read the resource");
    }
    begin(m, id);
    jw_key(&m->j, "result");
    jw_obj(&m->j);
    jw_key(&m->j, "contents");
    jw_arr(&m->j);
    jw_obj(&m->j);
    jw_kstr(&m->j, "uri", uri);
    jw_kstr(&m->j, "mimeType", mime);
    jw_kstr(&m->j, "text", text);
    jw_obj_end(&m->j);
    jw_arr_end(&m->j);
    jw_obj_end(&m->j);
    free(text);
    return finish(m, id);
}

/* --- the lifecycle --- */

static int initialize(mcp *m, json_t *id, json_t *params)
{
    const char *asked = json_string_value(json_object_get(params, "protocolVersion"));
    const char *version = protocol_versions[0];
    for (const char *const *v = protocol_versions; asked && *v; v++)
        if (!strcmp(*v, asked))
            version = *v;
    begin(m, id);
    jw_key(&m->j, "result");
    jw_obj(&m->j);
    jw_kstr(&m->j, "protocolVersion", version);
    jw_key(&m->j, "capabilities");
    jw_obj(&m->j);
    jw_key(&m->j, "tools");
    jw_obj(&m->j);
    jw_kbool(&m->j, "listChanged", 0);
    jw_obj_end(&m->j);
    jw_key(&m->j, "resources");
    jw_obj(&m->j);
    jw_kbool(&m->j, "listChanged", 0);
    jw_kbool(&m->j, "subscribe", 0);
    jw_obj_end(&m->j);
    jw_obj_end(&m->j);
    jw_key(&m->j, "serverInfo");
    jw_obj(&m->j);
    jw_kstr(&m->j, "name", "isms");
    jw_kstr(&m->j, "title", "isms: the ISO/IEC 27001 ISMS");
    jw_kstr(&m->j, "version", m->o->version);
    jw_obj_end(&m->j);
    jw_kstr(&m->j, "instructions", instructions);
    jw_obj_end(&m->j);
    return finish(m, id);
}

static int empty_result(mcp *m, json_t *id)
{
    begin(m, id);
    jw_key(&m->j, "result");
    jw_obj(&m->j);
    jw_obj_end(&m->j);
    return finish(m, id);
}

/* One message: a request is answered, a notification or a response to us is not. */
static int handle(mcp *m, const char *line, size_t len)
{
    json_error_t jerr;
    json_t *msg = json_loadb(line, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!msg)
        return send_error(m, NULL, RPC_PARSE, "not JSON: %s (at character %d)", jerr.text, jerr.position);
    int rc;
    json_t *id = json_object_get(msg, "id");
    json_t *method = json_object_get(msg, "method"), *params = json_object_get(msg, "params");
    int has_id = id && (json_is_string(id) || json_is_integer(id));
    if (!json_is_object(msg)) {
        rc = send_error(m, NULL, RPC_INVALID, json_is_array(msg) ? "batches are not supported: send one message a line"
                                                                : "a message must be a JSON object");
    } else if (!method && (json_object_get(msg, "result") || json_object_get(msg, "error"))) {
        rc = 0; /* a response: this server sends no requests, so there is nothing to match */
    } else if (!json_is_string(method) || !json_is_string(json_object_get(msg, "jsonrpc")) ||
               strcmp(json_string_value(json_object_get(msg, "jsonrpc")), "2.0") ||
               (id && !has_id) || (params && !json_is_object(params))) {
        rc = send_error(m, has_id ? id : NULL, RPC_INVALID,
                        "not a JSON-RPC 2.0 request: it needs \"jsonrpc\": \"2.0\", a method, an id that is a string "
                        "or a number, and params that are an object");
    } else if (!has_id) {
        rc = 0; /* notifications: initialized, cancelled, ... need no answer */
    } else {
        const char *mt = json_string_value(method);
        rc = !strcmp(mt, "initialize")                 ? initialize(m, id, params)
             : !strcmp(mt, "ping")                     ? empty_result(m, id)
             : !strcmp(mt, "tools/list")               ? tools_list(m, id)
             : !strcmp(mt, "tools/call")               ? tools_call(m, id, params)
             : !strcmp(mt, "resources/list")           ? resources_list(m, id)
             : !strcmp(mt, "resources/templates/list") ? templates_list(m, id)
             : !strcmp(mt, "resources/read")           ? resources_read(m, id, params)
                                                       : send_error(m, id, RPC_NO_METHOD, "no method '%.80s'", mt);
    }
    json_decref(msg);
    return rc;
}

/* Read one line into line (capped); *over is set when it was longer than the cap (the rest is
 * skipped). Returns 0 at the end of the input. */
static int read_line(FILE *in, buf *line, int *over)
{
    buf_reset(line);
    *over = 0;
    int c, any = 0;
    while ((c = getc(in)) != EOF) {
        any = 1;
        if (c == '\n')
            break;
        if (!*over && buf_putc(line, (char)c))
            *over = 1;
    }
    return any;
}

int mcp_serve(const mcp_opts *o, isms_err *err)
{
    mcp m = {.o = o};
    int rc = app_open(o->db_path, "mcp", o->editor ? APP_WRITE : APP_READ, &m.p, err);
    if (rc)
        return rc;
    if (o->log)
        fprintf(o->log, "isms mcp: serving %s on stdio (%s)\n", o->db_path, o->editor ? "editor: read and change" : "viewer: read only");
    buf_init(&m.msg, MCP_MAX_ANSWER);
    buf line;
    buf_init(&line, MCP_MAX_MESSAGE);
    int over, out_gone = 0;
    while (!out_gone && read_line(o->in, &line, &over)) {
        size_t n = line.len;
        while (n && (line.data[n - 1] == '\r' || line.data[n - 1] == ' ' || line.data[n - 1] == '\t'))
            n--;
        if (over)
            out_gone = send_error(&m, NULL, RPC_INVALID, "the message is larger than %u bytes", MCP_MAX_MESSAGE) != 0;
        else if (n)
            out_gone = handle(&m, line.data, n) != 0;
    }
    buf_free(&line);
    buf_free(&m.msg);
    app_close(m.p);
    if (out_gone)
        return err_set(err, ISMS_EIO, "the client stopped reading the answers");
    return ISMS_OK;
}
