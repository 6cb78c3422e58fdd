/* SigV4 signing against every case of AWS's official test suite (tests/fixtures/sigv4, copied from
 * awslabs/aws-c-auth; see its SOURCE.md), plus the URL helper and the error paths.
 * Run from the repository root; ISMS_FIXTURES=<dir> replaces tests/fixtures. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#include "collect/sigv4.h"

/* The suite's case folders at the copied commit: a folder that disappears must fail the test. */
static const char *const known_cases[] = {
    "get-header-key-duplicate", "get-header-value-multiline", "get-header-value-order",
    "get-header-value-trim", "get-relative-normalized", "get-relative-relative-normalized",
    "get-relative-relative-unnormalized", "get-relative-unnormalized", "get-slash-dot-slash-normalized",
    "get-slash-dot-slash-unnormalized", "get-slash-normalized", "get-slash-pointless-dot-normalized",
    "get-slash-pointless-dot-unnormalized", "get-slash-unnormalized", "get-slashes-normalized",
    "get-slashes-unnormalized", "get-space-normalized", "get-space-unnormalized", "get-unreserved",
    "get-utf8", "get-vanilla", "get-vanilla-empty-query-key", "get-vanilla-query",
    "get-vanilla-query-order-encoded", "get-vanilla-query-order-key-case", "get-vanilla-query-unreserved",
    "get-vanilla-utf8-query", "get-vanilla-with-session-token", "post-header-key-case",
    "post-header-key-sort", "post-header-value-case", "post-sts-header-after", "post-sts-header-before",
    "post-vanilla", "post-vanilla-empty-query-value", "post-vanilla-query", "post-x-www-form-urlencoded",
    "post-x-www-form-urlencoded-parameters",
};
#define NKNOWN (sizeof known_cases / sizeof known_cases[0])
#define MAX_CASES 256

static const char *fixture_dir(arena *a)
{
    const char *root = getenv("ISMS_FIXTURES");
    return arena_sprintf(a, "%s/sigv4", root && *root ? root : "tests/fixtures");
}

/* Whole file into the arena, NUL-terminated; NULL when it cannot be read. */
static char *slurp(arena *a, const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *d = NULL;
    if (fseek(f, 0, SEEK_END) == 0) {
        long n = ftell(f);
        if (n >= 0 && n < (1L << 20) && fseek(f, 0, SEEK_SET) == 0) {
            d = arena_alloc(a, (size_t)n + 1);
            if (fread(d, 1, (size_t)n, f) != (size_t)n)
                d = NULL;
            else if (len)
                *len = (size_t)n;
        }
    }
    fclose(f);
    return d;
}

typedef struct test_req {
    sigv4_request r;
    sigv4_header h[SIGV4_MAX_HEADERS];
    char *request_line; /* "GET / HTTP/1.1" */
} test_req;

/* request.txt: request line, header lines (a line starting with SP/HT continues the previous value,
 * kept with its line break so the signer's folding is what gets tested), blank line, body. */
static int parse_request(arena *a, char *text, size_t len, test_req *t)
{
    memset(t, 0, sizeof *t);
    char *end = text + len, *p = text;
    char *nl = memchr(p, '\n', (size_t)(end - p));
    if (!nl)
        return -1;
    t->request_line = arena_strndup(a, p, (size_t)(nl - p));
    char *line = t->request_line;
    char *sp1 = strchr(line, ' '), *sp2 = strrchr(line, ' ');
    if (!sp1 || sp1 == sp2)
        return -1;
    t->r.method = arena_strndup(a, line, (size_t)(sp1 - line));
    char *target = arena_strndup(a, sp1 + 1, (size_t)(sp2 - sp1 - 1));
    char *qm = strchr(target, '?');
    if (qm) {
        *qm = '\0';
        t->r.query = qm + 1;
    }
    t->r.path = target;
    p = nl + 1;
    while (p < end) {
        nl = memchr(p, '\n', (size_t)(end - p));
        char *le = nl ? nl : end;
        size_t n = (size_t)(le - p);
        if (n && p[n - 1] == '\r')
            n--;
        if (n == 0) {
            p = nl ? nl + 1 : end;
            break;
        }
        if (p[0] == ' ' || p[0] == '\t') {
            if (!t->r.nheaders)
                return -1;
            sigv4_header *h = &t->h[t->r.nheaders - 1];
            h->value = arena_sprintf(a, "%s\n%.*s", h->value, (int)n, p);
        } else {
            char *colon = memchr(p, ':', n);
            if (!colon || t->r.nheaders == SIGV4_MAX_HEADERS)
                return -1;
            sigv4_header *h = &t->h[t->r.nheaders++];
            h->name = arena_strndup(a, p, (size_t)(colon - p));
            h->value = arena_strndup(a, colon + 1, n - (size_t)(colon + 1 - p));
        }
        p = nl ? nl + 1 : end;
    }
    t->r.headers = t->h;
    t->r.body = p;
    t->r.body_len = (size_t)(end - p);
    return 0;
}

typedef struct test_ctx {
    sigv4_creds c;
    sigv4_params p;
} test_ctx;

static time_t parse_iso(const char *s)
{
    struct tm tm = {0};
    if (!s || sscanf(s, "%d-%d-%dT%d:%d:%dZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min,
                     &tm.tm_sec) != 6)
        return (time_t)-1;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    return timegm(&tm);
}

static int parse_context(arena *a, const char *text, test_ctx *t)
{
    memset(t, 0, sizeof *t);
    json_error_t je;
    json_t *root = json_loads(text, 0, &je);
    if (!root)
        return -1;
    json_t *cr = json_object_get(root, "credentials");
    t->c.access_key = arena_strdup(a, json_string_value(json_object_get(cr, "access_key_id")));
    t->c.secret_key = arena_strdup(a, json_string_value(json_object_get(cr, "secret_access_key")));
    t->c.session_token = arena_strdup(a, json_string_value(json_object_get(cr, "token")));
    t->p.region = arena_strdup(a, json_string_value(json_object_get(root, "region")));
    t->p.service = arena_strdup(a, json_string_value(json_object_get(root, "service")));
    t->p.when = parse_iso(json_string_value(json_object_get(root, "timestamp")));
    t->p.normalize_path = json_is_true(json_object_get(root, "normalize"));
    t->p.sign_body = json_is_true(json_object_get(root, "sign_body"));
    t->p.omit_session_token_from_signature = json_is_true(json_object_get(root, "omit_session_token"));
    t->p.expires = (long)json_integer_value(json_object_get(root, "expiration_in_seconds"));
    int ok = t->c.access_key && t->c.secret_key && t->p.region && t->p.service && t->p.when != (time_t)-1;
    json_decref(root);
    return ok ? 0 : -1;
}

/* Expected files end without a newline, but tolerate one added by an editor. */
static char *expected(arena *a, const char *dir, const char *name, const char *file)
{
    size_t n = 0;
    char *d = slurp(a, arena_sprintf(a, "%s/%s/%s", dir, name, file), &n);
    if (d && n && d[n - 1] == '\n')
        d[n - 1] = '\0';
    return d;
}

static int check_eq(const char *name, const char *variant, const char *what, const char *want, const char *got)
{
    if (want && got && !strcmp(want, got))
        return 0;
    fprintf(stderr, "sigv4 case %s (%s): %s differs\n--- expected:\n%s\n--- got:\n%s\n", name, variant, what,
            want ? want : "(missing file)", got ? got : "(null)");
    return 1;
}

/* The line "Name:value" of a signed-request file, names compared case-insensitively. */
static const char *find_header_line(arena *a, const char *text, const char *hname)
{
    size_t hn = strlen(hname);
    for (const char *p = text; p && *p;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        if (n > hn && p[hn] == ':' && !strncasecmp(p, hname, hn))
            return arena_strndup(a, p + hn + 1, n - hn - 1);
        p = nl ? nl + 1 : NULL;
    }
    return NULL;
}

/* One case, one variant; returns the number of mismatches (0 = pass). */
static int run_case(const char *dir, const char *name, int presign)
{
    arena a;
    arena_init(&a);
    const char *variant = presign ? "query" : "header";
    const char *pre = presign ? "query-" : "header-";
    int bad = 0;
    size_t rlen = 0;
    char *rtext = slurp(&a, arena_sprintf(&a, "%s/%s/request.txt", dir, name), &rlen);
    char *ctext = slurp(&a, arena_sprintf(&a, "%s/%s/context.json", dir, name), NULL);
    test_req tr;
    test_ctx tc;
    if (!rtext || !ctext || parse_request(&a, rtext, rlen, &tr) != 0 || parse_context(&a, ctext, &tc) != 0) {
        fprintf(stderr, "sigv4 case %s (%s): request.txt or context.json missing or unreadable\n", name, variant);
        arena_free(&a);
        return 1;
    }
    const char *want_cr = expected(&a, dir, name, arena_sprintf(&a, "%scanonical-request.txt", pre));
    const char *want_sts = expected(&a, dir, name, arena_sprintf(&a, "%sstring-to-sign.txt", pre));
    const char *want_sig = expected(&a, dir, name, arena_sprintf(&a, "%ssignature.txt", pre));
    const char *signed_req = expected(&a, dir, name, arena_sprintf(&a, "%ssigned-request.txt", pre));

    sigv4_result out;
    isms_err err;
    int rc = presign ? sigv4_presign(&tr.r, &tc.c, &tc.p, &out, &a, &err)
                     : sigv4_sign(&tr.r, &tc.c, &tc.p, &out, &a, &err);
    if (rc != ISMS_OK) {
        fprintf(stderr, "sigv4 case %s (%s): signing failed: %s\n", name, variant, err.msg);
        arena_free(&a);
        return 1;
    }
    bad += check_eq(name, variant, "canonical request", want_cr, out.canonical_request);
    bad += check_eq(name, variant, "string to sign", want_sts, out.string_to_sign);
    bad += check_eq(name, variant, "signature", want_sig, out.signature);
    if (!signed_req) {
        bad += check_eq(name, variant, "signed request", NULL, "");
    } else if (presign) {
        /* The presigned request line: same target, the X-Amz-* parameters appended in SDK order. */
        const char *nl = strchr(signed_req, '\n');
        const char *want_line = arena_strndup(&a, signed_req, nl ? (size_t)(nl - signed_req) : strlen(signed_req));
        const char *got_line = arena_sprintf(&a, "%s %s?%s HTTP/1.1", tr.r.method, tr.r.path, out.query);
        bad += check_eq(name, variant, "signed request line", want_line, got_line);
    } else {
        /* Every header the signer asks to add must be in the signed request with that value. */
        for (size_t i = 0; i < out.nheaders; i++)
            bad += check_eq(name, variant, arena_sprintf(&a, "added header %s", out.headers[i].name),
                            find_header_line(&a, signed_req, out.headers[i].name), out.headers[i].value);
    }
    arena_free(&a);
    return bad;
}

static int name_cmp(const void *l, const void *r)
{
    return strcmp(*(char *const *)l, *(char *const *)r);
}

/* Case folder names, sorted, into names; -1 when the folder cannot be read or holds too many. */
static long list_cases(arena *a, const char *dir, char **names)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    long n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        struct stat st;
        if (e->d_name[0] == '.' || stat(arena_sprintf(a, "%s/%s", dir, e->d_name), &st) != 0 ||
            !S_ISDIR(st.st_mode))
            continue;
        if (n == MAX_CASES) {
            n = -1;
            break;
        }
        names[n++] = arena_strdup(a, e->d_name);
    }
    closedir(d);
    if (n > 0)
        qsort(names, (size_t)n, sizeof *names, name_cmp);
    return n;
}

/* Every case folder in one variant; all cases run, then the test fails naming what went wrong. */
static void run_suite(int presign)
{
    const char *variant = presign ? "query" : "header";
    arena a;
    arena_init(&a);
    const char *dir = fixture_dir(&a);
    char *names[MAX_CASES];
    long n = list_cases(&a, dir, names);
    size_t failed = 0, missing = 0;
    for (size_t k = 0; n >= 0 && k < NKNOWN; k++) {
        if (!bsearch(&known_cases[k], names, (size_t)n, sizeof *names, name_cmp)) {
            fprintf(stderr, "FAILED sigv4 %s case: %s (folder missing from %s)\n", variant, known_cases[k], dir);
            missing++;
        }
    }
    for (long i = 0; i < n; i++) {
        if (run_case(dir, names[i], presign) != 0) {
            fprintf(stderr, "FAILED sigv4 %s case: %s\n", variant, names[i]);
            failed++;
        }
    }
    if (n >= 0)
        printf("sigv4 %s variant: %zu of %ld suite cases pass, %zu known cases missing\n", variant,
               (size_t)n - failed, n, missing);
    arena_free(&a);
    if (n < 0)
        fail_msg("cannot read the fixture folder (run from the repository root or set ISMS_FIXTURES)");
    assert_int_equal(missing, 0);
    assert_int_equal(failed, 0);
    assert_true((size_t)n >= NKNOWN);
}

static void test_suite_header(void **state)
{
    (void)state;
    run_suite(0);
}

static void test_suite_query(void **state)
{
    (void)state;
    run_suite(1);
}

/* ---- sigv4_sign_url ---- */

static const sigv4_creds suite_creds = {"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", NULL};
#define SUITE_TIME ((time_t)1440938160) /* 2015-08-30T12:36:00Z */

static const char *suite_value(arena *a, const char *name, const char *file)
{
    const char *v = expected(a, fixture_dir(a), name, file);
    assert_non_null(v);
    return v;
}

static const char *added(const sigv4_result *r, const char *name)
{
    for (size_t i = 0; i < r->nheaders; i++)
        if (!strcasecmp(r->headers[i].name, name))
            return r->headers[i].value;
    return NULL;
}

/* The second line of a canonical request. */
static const char *canonical_uri_of(arena *a, const char *cr)
{
    const char *s = strchr(cr, '\n');
    assert_non_null(s);
    s++;
    return arena_strndup(a, s, strcspn(s, "\n"));
}

static void test_sign_url_matches_suite(void **state)
{
    (void)state;
    arena a;
    arena_init(&a);
    sigv4_result r;
    isms_err err;

    assert_int_equal(sigv4_sign_url("GET", "https://example.amazonaws.com/", NULL, 0, NULL, 0, &suite_creds,
                                    "us-east-1", "service", SUITE_TIME, &r, &a, &err),
                     ISMS_OK);
    assert_string_equal(r.signature, suite_value(&a, "get-vanilla", "header-signature.txt"));
    assert_int_equal(r.nheaders, 3);
    assert_string_equal(r.headers[0].name, "Host");
    assert_string_equal(r.headers[0].value, "example.amazonaws.com");
    assert_string_equal(added(&r, "X-Amz-Date"), "20150830T123600Z");
    assert_non_null(strstr(added(&r, "Authorization"), "SignedHeaders=host;x-amz-date, Signature="));

    /* Default port dropped, query sorted, fragment ignored. */
    assert_int_equal(sigv4_sign_url("GET", "HTTPS://example.amazonaws.com:443?Param2=value2&Param1=value1#frag",
                                    NULL, 0, NULL, 0, &suite_creds, "us-east-1", "service", SUITE_TIME, &r, &a,
                                    &err),
                     ISMS_OK);
    assert_string_equal(r.signature, suite_value(&a, "get-vanilla-query-order-key-case", "header-signature.txt"));

    sigv4_creds tok = suite_creds;
    tok.session_token = "6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267";
    assert_int_equal(sigv4_sign_url("GET", "https://example.amazonaws.com/", NULL, 0, NULL, 0, &tok, "us-east-1",
                                    "service", SUITE_TIME, &r, &a, &err),
                     ISMS_OK);
    assert_string_equal(r.signature, suite_value(&a, "get-vanilla-with-session-token", "header-signature.txt"));
    assert_string_equal(added(&r, "X-Amz-Security-Token"), tok.session_token);

    /* Caller's own Host and headers, body hashed. */
    const sigv4_header hs[] = {{"Content-Type", "application/x-www-form-urlencoded"},
                               {"host", "example.amazonaws.com"},
                               {"Content-Length", "13"}};
    assert_int_equal(sigv4_sign_url("POST", "https://example.amazonaws.com/", hs, 3, "Param1=value1", 13,
                                    &suite_creds, "us-east-1", "service", SUITE_TIME, &r, &a, &err),
                     ISMS_OK);
    assert_null(added(&r, "Host"));
    assert_string_equal(r.payload_hash, "9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e");

    /* A non-default port stays in Host. */
    assert_int_equal(sigv4_sign_url("GET", "http://localhost:8080/", NULL, 0, NULL, 0, &suite_creds, "us-east-1",
                                    "service", SUITE_TIME, &r, &a, &err),
                     ISMS_OK);
    assert_string_equal(added(&r, "Host"), "localhost:8080");
    arena_free(&a);
}

static void test_sign_url_paths(void **state)
{
    (void)state;
    arena a;
    arena_init(&a);
    sigv4_result r;
    isms_err err;

    /* Other services sign the URL path encoded a second time, after normalization. */
    assert_int_equal(sigv4_sign_url("GET", "https://iam.amazonaws.com/a%20b/./c//d/../e~", NULL, 0, NULL, 0,
                                    &suite_creds, "us-east-1", "iam", SUITE_TIME, &r, &a, &err),
                     ISMS_OK);
    assert_string_equal(canonical_uri_of(&a, r.canonical_request), "/a%2520b/c/e~");
    assert_null(added(&r, "x-amz-content-sha256"));

    /* S3 decodes the path, encodes it once, keeps dots and slashes, and signs the body hash header. */
    assert_int_equal(sigv4_sign_url("PUT", "https://b.s3.amazonaws.com/a%20b/./c//%7Ed+e", NULL, 0, "x", 1,
                                    &suite_creds, "us-east-1", "s3", SUITE_TIME, &r, &a, &err),
                     ISMS_OK);
    assert_string_equal(canonical_uri_of(&a, r.canonical_request), "/a%20b/./c//~d%2Be");
    assert_string_equal(added(&r, "x-amz-content-sha256"),
                        "2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881");
    assert_string_equal(r.signed_headers, "host;x-amz-content-sha256;x-amz-date");
    assert_int_equal(r.nheaders, 4);
    arena_free(&a);
}

/* The worked examples of the S3 SigV4 documentation ("GET Object" and the presigned URL). */
static void test_s3_documentation_examples(void **state)
{
    (void)state;
    arena a;
    arena_init(&a);
    sigv4_result r;
    isms_err err;
    const sigv4_creds c = {"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", NULL};
    const time_t when = (time_t)1369353600; /* 2013-05-24T00:00:00Z */
    const sigv4_header range = {"Range", "bytes=0-9"};
    assert_int_equal(sigv4_sign_url("GET", "https://examplebucket.s3.amazonaws.com/test.txt", &range, 1, NULL, 0,
                                    &c, "us-east-1", "s3", when, &r, &a, &err),
                     ISMS_OK);
    assert_string_equal(r.signature, "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");

    const sigv4_header host = {"Host", "examplebucket.s3.amazonaws.com"};
    sigv4_request req = {.method = "GET", .path = "/test.txt", .headers = &host, .nheaders = 1};
    sigv4_params p = {.region = "us-east-1", .service = "s3", .when = when, .path_is_encoded = 1,
                      .payload_hash = "UNSIGNED-PAYLOAD", .expires = 86400};
    assert_int_equal(sigv4_presign(&req, &c, &p, &r, &a, &err), ISMS_OK);
    assert_string_equal(r.signature, "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404");
    assert_null(r.authorization);
    assert_int_equal(r.nheaders, 0);
    arena_free(&a);
}

/* ---- errors ---- */

typedef struct fixture {
    arena a;
    sigv4_header h[SIGV4_MAX_HEADERS + 1];
    sigv4_request req;
    sigv4_creds c;
    sigv4_params p;
    sigv4_result r;
    isms_err err;
} fixture;

static void fixture_init(fixture *f)
{
    memset(f, 0, sizeof *f);
    arena_init(&f->a);
    f->h[0] = (sigv4_header){"Host", "example.amazonaws.com"};
    f->req = (sigv4_request){.method = "GET", .path = "/", .headers = f->h, .nheaders = 1};
    f->c = suite_creds;
    f->p = (sigv4_params){.region = "us-east-1", .service = "service", .when = SUITE_TIME, .normalize_path = 1,
                          .expires = 3600};
}

/* Sign (or presign) and check the code, that the message mentions `about`, and that out is empty. */
static void expect_err(fixture *f, int presign, int code, const char *about)
{
    int rc = presign ? sigv4_presign(&f->req, &f->c, &f->p, &f->r, &f->a, &f->err)
                     : sigv4_sign(&f->req, &f->c, &f->p, &f->r, &f->a, &f->err);
    if (rc != code || f->err.code != code || !strstr(f->err.msg, about))
        fail_msg("expected %s mentioning \"%s\", got %s: %s", err_name(code), about, err_name(rc), f->err.msg);
    assert_null(f->r.signature);
    assert_null(f->r.canonical_request);
    assert_int_equal(f->r.nheaders, 0);
}

static void test_errors_scope_and_time(void **state)
{
    (void)state;
    fixture f;
    fixture_init(&f);
    assert_int_equal(sigv4_sign(&f.req, &f.c, &f.p, &f.r, &f.a, &f.err), ISMS_OK); /* the baseline signs */

    f.p.region = NULL;
    expect_err(&f, 0, ISMS_EINVAL, "region is empty");
    f.p.region = "";
    expect_err(&f, 1, ISMS_EINVAL, "region is empty");
    f.p.region = "us-east-1/x";
    expect_err(&f, 0, ISMS_EINVAL, "region");
    f.p.region = "us east";
    expect_err(&f, 0, ISMS_EINVAL, "region");
    f.p.region = "us-east-1";
    f.p.service = "";
    expect_err(&f, 0, ISMS_EINVAL, "service is empty");
    f.p.service = "service";

    f.p.when = -1;
    expect_err(&f, 0, ISMS_EINVAL, "signing time");
    f.p.when = (time_t)253402300800LL; /* 10000-01-01 */
    expect_err(&f, 0, ISMS_EINVAL, "signing time");
    f.p.when = (time_t)INT64_MAX;
    expect_err(&f, 1, ISMS_EINVAL, "signing time");
    f.p.when = (time_t)253402300799LL; /* 9999-12-31T23:59:59Z still signs */
    assert_int_equal(sigv4_sign(&f.req, &f.c, &f.p, &f.r, &f.a, &f.err), ISMS_OK);
    assert_string_equal(f.r.amz_date, "99991231T235959Z");
    f.p.when = SUITE_TIME;

    f.p.expires = 0;
    expect_err(&f, 1, ISMS_EINVAL, "lifetime");
    f.p.expires = SIGV4_MAX_EXPIRES + 1;
    expect_err(&f, 1, ISMS_EINVAL, "lifetime");
    f.p.expires = 3600;

    f.c.access_key = "";
    expect_err(&f, 0, ISMS_EINVAL, "access key");
    f.c.access_key = "AKID/X";
    expect_err(&f, 0, ISMS_EINVAL, "access key");
    f.c.access_key = "AKIDEXAMPLE";
    f.c.secret_key = NULL;
    expect_err(&f, 0, ISMS_EINVAL, "secret");
    f.c.secret_key = suite_creds.secret_key;
    f.c.session_token = "tok en";
    expect_err(&f, 0, ISMS_EINVAL, "session token");
    f.c.session_token = NULL;

    f.p.payload_hash = "";
    expect_err(&f, 0, ISMS_EINVAL, "payload hash");
    f.p.payload_hash = NULL;

    /* NULL everything: an error, never a crash. */
    assert_int_equal(sigv4_sign(NULL, &f.c, &f.p, &f.r, &f.a, &f.err), ISMS_EINVAL);
    assert_int_equal(sigv4_sign(&f.req, NULL, &f.p, &f.r, &f.a, &f.err), ISMS_EINVAL);
    assert_int_equal(sigv4_sign(&f.req, &f.c, NULL, &f.r, &f.a, &f.err), ISMS_EINVAL);
    assert_int_equal(sigv4_sign(&f.req, &f.c, &f.p, NULL, &f.a, &f.err), ISMS_EINVAL);
    assert_int_equal(sigv4_sign(&f.req, &f.c, &f.p, &f.r, NULL, &f.err), ISMS_EINVAL);
    assert_int_equal(sigv4_sign(&f.req, &f.c, &f.p, &f.r, &f.a, NULL), ISMS_OK);
    f.p.region = NULL;
    assert_int_equal(sigv4_sign(&f.req, &f.c, &f.p, &f.r, &f.a, NULL), ISMS_EINVAL);
    arena_free(&f.a);
}

static void test_errors_request(void **state)
{
    (void)state;
    fixture f;
    fixture_init(&f);

    f.req.method = NULL;
    expect_err(&f, 0, ISMS_EINVAL, "method");
    f.req.method = "GE T";
    expect_err(&f, 0, ISMS_EINVAL, "method");
    f.req.method = "GET";
    f.req.path = "relative";
    expect_err(&f, 0, ISMS_EINVAL, "path");
    f.req.path = "/a\nb";
    expect_err(&f, 0, ISMS_EINVAL, "path");
    f.req.path = "/%zz";
    f.p.path_is_encoded = 1;
    expect_err(&f, 0, ISMS_EINVAL, "%-escape");
    f.p.path_is_encoded = 0;
    f.req.path = "/";
    f.req.query = "a=%4";
    expect_err(&f, 0, ISMS_EINVAL, "%-escape");
    f.req.query = "x-amz-signature=abc";
    expect_err(&f, 1, ISMS_EINVAL, "X-Amz-Signature");
    f.req.query = NULL;

    f.req.nheaders = 0;
    expect_err(&f, 0, ISMS_EINVAL, "Host");
    f.req.nheaders = 2;
    f.h[1] = (sigv4_header){"Authorization", "x"};
    expect_err(&f, 0, ISMS_EINVAL, "Authorization");
    f.h[1] = (sigv4_header){"X-Amz-Date", "20150830T123600Z"};
    expect_err(&f, 1, ISMS_EINVAL, "X-Amz-Date");
    f.h[1] = (sigv4_header){"My Header", "x"};
    expect_err(&f, 0, ISMS_EINVAL, "name");
    f.h[1] = (sigv4_header){"My-Header", "a\r\nX-Injected: 1"};
    expect_err(&f, 0, ISMS_EINVAL, "line break");
    f.h[1] = (sigv4_header){"My-Header", "a\rb"};
    expect_err(&f, 0, ISMS_EINVAL, "line break");
    f.h[1] = (sigv4_header){"My-Header", "a\001b"};
    expect_err(&f, 0, ISMS_EINVAL, "control");
    f.h[1] = (sigv4_header){"My-Header", NULL};
    expect_err(&f, 0, ISMS_EINVAL, "no value");
    /* A folded continuation and CRLF folding are fine; unsigned headers stay out of the signature. */
    f.h[1] = (sigv4_header){"My-Header", "  a\r\n\t b  "};
    f.h[2] = (sigv4_header){"User-Agent", "isms"};
    f.req.nheaders = 3;
    assert_int_equal(sigv4_sign(&f.req, &f.c, &f.p, &f.r, &f.a, &f.err), ISMS_OK);
    assert_non_null(strstr(f.r.canonical_request, "\nmy-header:a b\n"));
    assert_string_equal(f.r.signed_headers, "host;my-header;x-amz-date");
    f.req.nheaders = 1;

    f.req.body_len = 3;
    expect_err(&f, 0, ISMS_EINVAL, "body");
    f.req.body_len = 0;
    arena_free(&f.a);
}

static void test_errors_oversized(void **state)
{
    (void)state;
    fixture f;
    fixture_init(&f);
    /* One scratch string longer than every cap, cut to length for each check. */
    size_t big = (SIGV4_MAX_URL > SIGV4_MAX_HEADER_BYTES ? SIGV4_MAX_URL : SIGV4_MAX_HEADER_BYTES) + 2;
    char *s = arena_alloc(&f.a, big + 1);
    memset(s, 'a', big);
    s[0] = '/';

    s[SIGV4_MAX_PATH + 1] = '\0';
    f.req.path = s;
    expect_err(&f, 0, ISMS_ENOMEM, "path");
    s[SIGV4_MAX_PATH] = '\0'; /* exactly at the cap signs */
    assert_int_equal(sigv4_sign(&f.req, &f.c, &f.p, &f.r, &f.a, &f.err), ISMS_OK);
    f.req.path = "/";

    memset(s, 'a', big);
    s[SIGV4_MAX_QUERY + 1] = '\0';
    f.req.query = s;
    expect_err(&f, 0, ISMS_ENOMEM, "query");
    f.req.query = NULL;

    for (size_t i = 1; i <= SIGV4_MAX_HEADERS; i++)
        f.h[i] = (sigv4_header){"X-Pad", "v"};
    f.req.nheaders = SIGV4_MAX_HEADERS + 1;
    expect_err(&f, 0, ISMS_ENOMEM, "headers");
    f.req.nheaders = 2;
    memset(s, 'a', big);
    s[SIGV4_MAX_HEADER_BYTES] = '\0';
    f.h[1] = (sigv4_header){"X-Big", s};
    expect_err(&f, 0, ISMS_ENOMEM, "headers exceed");
    f.req.nheaders = 1;

    memset(s, 'a', big);
    s[SIGV4_MAX_TOKEN + 1] = '\0';
    f.c.session_token = s;
    expect_err(&f, 1, ISMS_ENOMEM, "session token");
    f.c.session_token = NULL;
    s[SIGV4_MAX_KEY + 1] = '\0';
    f.c.secret_key = s;
    expect_err(&f, 0, ISMS_ENOMEM, "secret");
    f.c.secret_key = suite_creds.secret_key;
    s[SIGV4_MAX_NAME + 1] = '\0';
    f.p.service = s;
    expect_err(&f, 0, ISMS_ENOMEM, "service");
    f.p.service = "service";

    /* The URL helper: too long, not a URL, raw spaces, user info. */
    memset(s, 'a', big);
    memcpy(s, "https://h/", 10);
    s[big] = '\0';
    const char *bad_urls[] = {s, "", "ftp://h/", "https:///x", "https://h/a b", "https://u:p@h/", "h/x"};
    const int codes[] = {ISMS_ENOMEM, ISMS_EINVAL, ISMS_EINVAL, ISMS_EINVAL, ISMS_EINVAL, ISMS_EINVAL, ISMS_EINVAL};
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
        int rc = sigv4_sign_url("GET", bad_urls[i], NULL, 0, NULL, 0, &f.c, "us-east-1", "service", SUITE_TIME,
                                &f.r, &f.a, &f.err);
        if (rc != codes[i] || !f.err.msg[0] || f.r.signature)
            fail_msg("URL %zu: expected %s, got %s: %s", i, err_name(codes[i]), err_name(rc), f.err.msg);
    }
    assert_int_equal(sigv4_sign_url("GET", NULL, NULL, 0, NULL, 0, &f.c, "us-east-1", "service", SUITE_TIME, &f.r,
                                    &f.a, &f.err),
                     ISMS_EINVAL);
    assert_int_equal(sigv4_sign_url("GET", "https://h/", NULL, 0, NULL, 0, &f.c, NULL, "service", SUITE_TIME, &f.r,
                                    &f.a, &f.err),
                     ISMS_EINVAL);
    assert_int_equal(sigv4_sign_url("GET", "https://h/", NULL, 0, NULL, 0, &f.c, "us-east-1", NULL, SUITE_TIME, &f.r,
                                    &f.a, &f.err),
                     ISMS_EINVAL);
    arena_free(&f.a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_suite_header),
        cmocka_unit_test(test_suite_query),
        cmocka_unit_test(test_sign_url_matches_suite),
        cmocka_unit_test(test_sign_url_paths),
        cmocka_unit_test(test_s3_documentation_examples),
        cmocka_unit_test(test_errors_scope_and_time),
        cmocka_unit_test(test_errors_request),
        cmocka_unit_test(test_errors_oversized),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
