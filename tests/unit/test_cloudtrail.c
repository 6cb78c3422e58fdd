/* CloudTrail scanner: every rule (positive and negative), aggregation, JSON edge cases, malformed
 * and truncated input, the record cap, tiny reads that split every token, gzip and file lists. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <cmocka.h>

#include "collect/cloudtrail.h"
#include "collect/cloudtrail_int.h" /* inflated_whole: which path a gzip log took */

/* Records are written with ' for " to keep them readable; the helper swaps them back. */
static char *doc(const char *first, ...)
{
    size_t cap = 64 + strlen(first);
    va_list ap;
    va_start(ap, first);
    for (const char *r = va_arg(ap, const char *); r; r = va_arg(ap, const char *))
        cap += strlen(r) + 1;
    va_end(ap);
    char *d = malloc(cap);
    strcpy(d, "{'Records':[");
    strcat(d, first);
    va_start(ap, first);
    for (const char *r = va_arg(ap, const char *); r; r = va_arg(ap, const char *)) {
        strcat(d, ",");
        strcat(d, r);
    }
    va_end(ap);
    strcat(d, "]}");
    for (char *p = d; *p; p++)
        if (*p == '\'')
            *p = '"';
    return d;
}

static cloudtrail_scan *scan_opts(const char *json, int want_rc, size_t read_size, size_t cap)
{
    cloudtrail_opts o = {.read_size = read_size, .record_cap = cap};
    cloudtrail_scan *s = cloudtrail_scan_new(&o);
    assert_non_null(s);
    isms_err e;
    int rc = cloudtrail_scan_mem(s, json, strlen(json), &e);
    if (rc != want_rc)
        fail_msg("scan rc %d (wanted %d): %s", rc, want_rc, e.msg);
    return s;
}

static cloudtrail_scan *scan(const char *json) { return scan_opts(json, ISMS_OK, 0, 0); }

/* Scan a doc made of the records, expect success; frees the doc. */
static cloudtrail_scan *scan_recs(char *d)
{
    cloudtrail_scan *s = scan(d);
    free(d);
    return s;
}

static const cloudtrail_finding *find(cloudtrail_scan *s, const char *rule, const char *principal)
{
    const cloudtrail_finding *f;
    size_t n = cloudtrail_scan_findings(s, &f);
    for (size_t i = 0; i < n; i++)
        if (!strcmp(f[i].rule, rule) && (!principal || !strcmp(f[i].principal, principal)))
            return &f[i];
    return NULL;
}

static size_t nfindings(cloudtrail_scan *s)
{
    const cloudtrail_finding *f;
    return cloudtrail_scan_findings(s, &f);
}

static char *scan_err(const char *json, size_t read_size, size_t cap)
{
    static char msg[1024];
    cloudtrail_opts o = {.read_size = read_size, .record_cap = cap};
    cloudtrail_scan *s = cloudtrail_scan_new(&o);
    isms_err e;
    int rc = cloudtrail_scan_mem(s, json, strlen(json), &e);
    cloudtrail_scan_free(s);
    if (rc == ISMS_OK)
        fail_msg("expected an error for: %.200s", json);
    snprintf(msg, sizeof msg, "%s", e.msg);
    return msg;
}

#define ROOT_ID "'userIdentity':{'type':'Root','arn':'arn:aws:iam::111:root','accountId':'111'}"
#define USER_ID(u) "'userIdentity':{'type':'IAMUser','arn':'arn:aws:iam::111:user/" u "','userName':'" u "'}"

static void test_root_usage(void **st)
{
    cloudtrail_scan *s = scan_recs(doc(
        "{" ROOT_ID ",'eventTime':'2024-01-02T03:04:05Z','eventName':'ListBuckets','eventSource':'s3.amazonaws.com','awsRegion':'us-east-1','sourceIPAddress':'198.51.100.7','eventType':'AwsApiCall'}",
        "{" ROOT_ID ",'eventTime':'2024-01-01T00:00:00Z','eventName':'GetBucketAcl','awsRegion':'us-east-1','sourceIPAddress':'198.51.100.7'}",
        /* AWS on root's behalf: invokedBy, a service event, a service as the caller */
        "{'userIdentity':{'type':'Root','arn':'arn:aws:iam::111:root','invokedBy':'support.amazonaws.com'},'eventName':'X','awsRegion':'us-east-1','sourceIPAddress':'support.amazonaws.com'}",
        "{" ROOT_ID ",'eventName':'Y','eventType':'AwsServiceEvent','awsRegion':'us-east-1'}",
        "{" ROOT_ID ",'eventName':'Z','awsRegion':'us-east-1','sourceIPAddress':'config.amazonaws.com'}",
        "{" USER_ID("alice") ",'eventName':'ListBuckets','awsRegion':'us-east-1'}", NULL));
    const cloudtrail_finding *f = find(s, "root_account_usage", "arn:aws:iam::111:root");
    assert_non_null(f);
    assert_int_equal(f->count, 2);
    assert_string_equal(f->first_seen, "2024-01-01T00:00:00Z");
    assert_string_equal(f->last_seen, "2024-01-02T03:04:05Z");
    assert_string_equal(f->source_ip, "198.51.100.7");
    assert_string_equal(f->region, "us-east-1");
    assert_string_equal(f->event_name, "ListBuckets,GetBucketAcl");
    assert_int_equal(nfindings(s), 1);
    assert_int_equal(cloudtrail_scan_events(s), 6);
    cloudtrail_scan_free(s);
}

#define LOGIN(id, result, mfa)                                                                     \
    "{" id ",'eventName':'ConsoleLogin','eventSource':'signin.amazonaws.com','awsRegion':'us-east-1',"    \
    "'sourceIPAddress':'203.0.113.9','eventTime':'2024-02-01T10:00:00Z','responseElements':{'ConsoleLogin':'" result \
    "'},'additionalEventData':{'LoginTo':'https://console.aws.amazon.com','MobileVersion':'No','MFAUsed':'" mfa "'}}"

static void test_console_login_mfa(void **st)
{
    cloudtrail_scan *s = scan_recs(doc(
        LOGIN(USER_ID("alice"), "Success", "No"),
        LOGIN(USER_ID("bob"), "Success", "Yes"),
        LOGIN(USER_ID("carol"), "Failure", "No"),
        LOGIN("'userIdentity':{'type':'SAMLUser','userName':'dave@example.com'}", "Success", "No"),
        LOGIN("'userIdentity':{'type':'WebIdentityUser','userName':'web'}", "Success", "No"),
        LOGIN("'userIdentity':{'type':'AssumedRole','arn':'arn:aws:sts::111:assumed-role/SSO/erin'}", "Success", "No"),
        LOGIN("'userIdentity':{'type':'FederatedUser','arn':'arn:aws:sts::111:federated-user/fu'}", "Success", "No"),
        /* an issuer in sessionContext is a federated session whatever the type says */
        LOGIN("'userIdentity':{'type':'IAMUser','arn':'arn:aws:iam::111:user/frank','sessionContext':{'sessionIssuer':{'type':'Role','arn':'r'}}}", "Success", "No"),
        /* an empty issuer (IAM user console sessions have one) is not */
        LOGIN("'userIdentity':{'type':'IAMUser','arn':'arn:aws:iam::111:user/grace','sessionContext':{'sessionIssuer':{},'webIdFederationData':{}}}", "Success", "No"),
        LOGIN(ROOT_ID, "Success", "No"),
        /* MFAUsed missing, additionalEventData null, ConsoleLogin of another type */
        "{" USER_ID("heidi") ",'eventName':'ConsoleLogin','responseElements':{'ConsoleLogin':'Success'},'additionalEventData':null}",
        "{" USER_ID("ivan") ",'eventName':'ConsoleLogin','responseElements':{'ConsoleLogin':'Success'},'additionalEventData':{'MFAUsed':false}}",
        NULL));
    assert_non_null(find(s, "console_login_without_mfa", "arn:aws:iam::111:user/alice"));
    assert_non_null(find(s, "console_login_without_mfa", "arn:aws:iam::111:user/grace"));
    assert_non_null(find(s, "console_login_without_mfa", "arn:aws:iam::111:root"));
    assert_non_null(find(s, "root_account_usage", "arn:aws:iam::111:root"));
    const cloudtrail_finding *f = find(s, "console_login_failures", NULL);
    assert_non_null(f);
    assert_string_equal(f->principal, "arn:aws:iam::111:user/carol");
    const cloudtrail_finding *all;
    size_t n = cloudtrail_scan_findings(s, &all);
    assert_int_equal(n, 5); /* alice, grace, root (no MFA), root usage, carol failed */
    for (size_t i = 0; i < n; i++)
        if (!strcmp(all[i].rule, "console_login_without_mfa")) {
            assert_string_not_equal(all[i].principal, "arn:aws:iam::111:user/carol");
            assert_string_equal(all[i].event_name, "ConsoleLogin");
        }
    cloudtrail_scan_free(s);
}

static void test_login_failures_grouped(void **st)
{
    const char *hidden = "'userIdentity':{'type':'IAMUser','accountId':'111','accessKeyId':'','userName':'HIDDEN_DUE_TO_SECURITY_REASONS'}";
    char *d = doc(LOGIN(USER_ID("bob"), "Failure", "No"), LOGIN(USER_ID("bob"), "Failure", "No"),
                  LOGIN(USER_ID("bob"), "Failure", "No"), NULL);
    /* same user from another address: a separate finding */
    char *l2 = doc(LOGIN(USER_ID("bob"), "Failure", "No"), NULL);
    char *p = strstr(l2, "203.0.113.9");
    memcpy(p, "203.0.113.8", 11);
    char *l3 = malloc(strlen(hidden) + 400);
    sprintf(l3, "{'Records':[" LOGIN("%s", "Failure", "No") "]}", hidden);
    for (char *q = l3; *q; q++)
        if (*q == '\'')
            *q = '"';
    cloudtrail_scan *s = scan(d);
    isms_err e;
    assert_int_equal(cloudtrail_scan_mem(s, l2, strlen(l2), &e), ISMS_OK);
    assert_int_equal(cloudtrail_scan_mem(s, l3, strlen(l3), &e), ISMS_OK);
    const cloudtrail_finding *f;
    size_t n = cloudtrail_scan_findings(s, &f);
    assert_int_equal(n, 3);
    assert_int_equal(f[0].count, 3); /* count descending within a rule */
    assert_string_equal(f[0].source_ip, "203.0.113.9");
    assert_int_equal(f[1].count, 1);
    assert_non_null(find(s, "console_login_failures", "HIDDEN_DUE_TO_SECURITY_REASONS"));
    cloudtrail_scan_free(s);
    free(d);
    free(l2);
    free(l3);
}

static void test_tampering(void **st)
{
    cloudtrail_scan *s = scan_recs(doc(
        "{" USER_ID("mallory") ",'eventSource':'cloudtrail.amazonaws.com','eventName':'StopLogging','awsRegion':'eu-west-1','sourceIPAddress':'192.0.2.1'}",
        "{" USER_ID("mallory") ",'eventSource':'cloudtrail.amazonaws.com','eventName':'DeleteTrail','awsRegion':'eu-west-1','sourceIPAddress':'192.0.2.1','errorCode':'TrailNotFoundException'}",
        "{" USER_ID("mallory") ",'eventSource':'cloudtrail.amazonaws.com','eventName':'UpdateTrail','awsRegion':'eu-west-1','sourceIPAddress':'192.0.2.1','errorCode':null}",
        "{" USER_ID("mallory") ",'eventSource':'cloudtrail.amazonaws.com','eventName':'StartLogging','awsRegion':'eu-west-1','sourceIPAddress':'192.0.2.1'}",
        "{" USER_ID("mallory") ",'eventSource':'s3.amazonaws.com','eventName':'DeleteTrail','awsRegion':'eu-west-1','sourceIPAddress':'192.0.2.1'}",
        NULL));
    const cloudtrail_finding *f = find(s, "cloudtrail_tampering", NULL);
    assert_non_null(f);
    assert_int_equal(f->count, 3);
    assert_string_equal(f->event_name, "StopLogging,DeleteTrail,UpdateTrail");
    assert_int_equal(nfindings(s), 1);
    cloudtrail_scan_free(s);
}

static void test_iam_policy_change(void **st)
{
    cloudtrail_scan *s = scan_recs(doc(
        "{" USER_ID("alice") ",'eventSource':'iam.amazonaws.com','eventName':'AttachRolePolicy','awsRegion':'us-east-1','requestParameters':{'roleName':'r','policyArn':'arn:aws:iam::aws:policy/AdministratorAccess'}}",
        "{" USER_ID("alice") ",'eventSource':'iam.amazonaws.com','eventName':'CreatePolicyVersion','awsRegion':'us-east-1'}",
        "{" USER_ID("alice") ",'eventSource':'iam.amazonaws.com','eventName':'PutUserPolicy','awsRegion':'us-east-1','errorCode':'AccessDenied'}",
        "{" USER_ID("alice") ",'eventSource':'iam.amazonaws.com','eventName':'GetPolicy','awsRegion':'us-east-1'}",
        "{" USER_ID("alice") ",'eventSource':'iam.amazonaws.com','eventName':'ListAttachedRolePolicies','awsRegion':'us-east-1'}",
        "{" USER_ID("alice") ",'eventSource':'sso.amazonaws.com','eventName':'AttachRolePolicy','awsRegion':'us-east-1'}",
        NULL));
    const cloudtrail_finding *f = find(s, "iam_policy_change", NULL);
    assert_non_null(f);
    assert_int_equal(f->count, 2);
    assert_string_equal(f->event_name, "AttachRolePolicy,CreatePolicyVersion");
    assert_null(f->source_ip);
    assert_null(f->first_seen);
    assert_int_equal(nfindings(s), 1);
    cloudtrail_scan_free(s);
}

static void test_root_access_key(void **st)
{
    cloudtrail_scan *s = scan_recs(doc(
        "{" ROOT_ID ",'eventSource':'iam.amazonaws.com','eventName':'CreateAccessKey','awsRegion':'us-east-1','sourceIPAddress':'198.51.100.7','requestParameters':null}",
        "{" ROOT_ID ",'eventSource':'iam.amazonaws.com','eventName':'CreateAccessKey','awsRegion':'us-east-1','sourceIPAddress':'198.51.100.7','requestParameters':{'userName':'bob'}}",
        "{" ROOT_ID ",'eventSource':'iam.amazonaws.com','eventName':'CreateAccessKey','awsRegion':'us-east-1','sourceIPAddress':'198.51.100.7','errorCode':'LimitExceeded'}",
        "{" USER_ID("alice") ",'eventSource':'iam.amazonaws.com','eventName':'CreateAccessKey','awsRegion':'us-east-1'}",
        NULL));
    const cloudtrail_finding *f = find(s, "root_access_key_created", NULL);
    assert_non_null(f);
    assert_int_equal(f->count, 1);
    f = find(s, "root_account_usage", NULL);
    assert_int_equal(f->count, 3);
    assert_int_equal(nfindings(s), 2);
    cloudtrail_scan_free(s);
}

#define SG(rp) "{" USER_ID("alice") ",'eventSource':'ec2.amazonaws.com','eventName':'AuthorizeSecurityGroupIngress','awsRegion':'eu-west-1','requestParameters':" rp "}"

static void test_security_group(void **st)
{
    cloudtrail_scan *s = scan_recs(doc(
        SG("{'groupId':'sg-1','ipPermissions':{'items':[{'ipProtocol':'tcp','fromPort':22,'toPort':22,'groups':{},'ipRanges':{'items':[{'cidrIp':'10.0.0.0/8'},{'cidrIp':'0.0.0.0/0','description':'ssh'}]},'ipv6Ranges':{},'prefixListIds':{}}]}}"),
        SG("{'groupId':'sg-2','ipPermissions':{'items':[{'ipProtocol':'-1','ipRanges':{},'ipv6Ranges':{'items':[{'cidrIpv6':'::/0'}]}}]}}"),
        SG("{'groupId':'sg-3','ipPermissions':{},'ipProtocol':'tcp','fromPort':22,'toPort':22,'cidrIp':'0.0.0.0/0'}"),
        SG("{'groupId':'sg-4','ipPermissions':{'items':[{'ipRanges':{'items':[{'cidrIp':'203.0.113.0/24'}]},'ipv6Ranges':{'items':[{'cidrIpv6':'2001:db8::/32'}]}}]}}"),
        SG("{'groupId':'sg-5','description':'0.0.0.0/0','cidr':'0.0.0.0/0'}"),
        "{" USER_ID("alice") ",'eventName':'AuthorizeSecurityGroupIngress','awsRegion':'eu-west-1','errorCode':'InvalidPermission.Duplicate','requestParameters':{'cidrIp':'0.0.0.0/0'}}",
        "{" USER_ID("alice") ",'eventName':'RevokeSecurityGroupIngress','awsRegion':'eu-west-1','requestParameters':{'cidrIp':'0.0.0.0/0'}}",
        /* requestParameters before eventName: order of keys does not matter */
        "{'requestParameters':{'ipPermissions':{'items':[{'ipRanges':{'items':[{'cidrIp':'0.0.0.0/0'}]}}]}}," USER_ID("bob") ",'eventName':'AuthorizeSecurityGroupIngress','awsRegion':'eu-west-1'}",
        NULL));
    const cloudtrail_finding *f = find(s, "security_group_open_to_world", "arn:aws:iam::111:user/alice");
    assert_non_null(f);
    assert_int_equal(f->count, 3);
    assert_non_null(find(s, "security_group_open_to_world", "arn:aws:iam::111:user/bob"));
    assert_int_equal(nfindings(s), 2);
    cloudtrail_scan_free(s);
}

static void test_dedupe_and_aggregation(void **st)
{
    const char *r1 = "{" ROOT_ID ",'eventID':'e-1','eventName':'A','eventTime':'2024-01-01T00:00:03Z','awsRegion':'us-east-1','sourceIPAddress':'1.2.3.4'}";
    const char *r2 = "{" ROOT_ID ",'eventID':'e-2','eventName':'B','eventTime':'2024-01-01T00:00:01Z','awsRegion':'us-east-1','sourceIPAddress':'1.2.3.4'}";
    const char *r3 = "{" ROOT_ID ",'eventID':'e-3','eventName':'A','eventTime':'2024-01-01T00:00:02Z','awsRegion':'eu-west-1','sourceIPAddress':'1.2.3.4'}";
    const char *r4 = "{" ROOT_ID ",'eventName':'C','awsRegion':'eu-west-1'}";
    char *d1 = doc(r1, r2, r3, r4, NULL), *d2 = doc(r2, r3, r4, NULL);
    cloudtrail_scan *s = scan(d1);
    isms_err e;
    assert_int_equal(cloudtrail_scan_mem(s, d2, strlen(d2), &e), ISMS_OK);
    const cloudtrail_finding *f;
    size_t n = cloudtrail_scan_findings(s, &f);
    assert_int_equal(n, 3);
    const cloudtrail_finding *us = NULL, *eu = NULL, *noip = NULL;
    for (size_t i = 0; i < n; i++) {
        if (!f[i].source_ip)
            noip = &f[i];
        else if (!strcmp(f[i].region, "us-east-1"))
            us = &f[i];
        else
            eu = &f[i];
    }
    assert_true(us && eu && noip);
    assert_int_equal(us->count, 2); /* e-1, e-2 once each although e-2 came twice */
    assert_string_equal(us->first_seen, "2024-01-01T00:00:01Z");
    assert_string_equal(us->last_seen, "2024-01-01T00:00:03Z");
    assert_string_equal(us->event_name, "A,B");
    assert_int_equal(eu->count, 1);
    /* without an eventID there is nothing to tell duplicates apart: both count */
    assert_int_equal(noip->count, 2);
    assert_int_equal(cloudtrail_scan_events(s), 7);
    cloudtrail_scan_free(s);
    free(d1);
    free(d2);
}

static void test_many_event_names(void **st)
{
    char recs[10][200];
    for (int i = 0; i < 10; i++)
        snprintf(recs[i], sizeof recs[i], "{" ROOT_ID ",'eventName':'Call%d'}", i);
    char *d = doc(recs[0], recs[1], recs[2], recs[3], recs[4], recs[5], recs[6], recs[7], recs[8],
                  recs[9], NULL);
    cloudtrail_scan *s = scan_recs(d);
    const cloudtrail_finding *f = find(s, "root_account_usage", NULL);
    assert_string_equal(f->event_name, "Call0,Call1,Call2,Call3,Call4,Call5,Call6,Call7,...");
    assert_int_equal(f->count, 10);
    cloudtrail_scan_free(s);
}

static void test_escapes(void **st)
{
    /* escaped key and value names, escaped quotes and backslashes in the principal, a surrogate
     * pair, and \u0000 which must not cut the string */
    const char *json =
        "{\"Rec\\u006frds\":[{\"userIdentity\":{\"type\":\"R\\u006fot\",\"arn\":\"arn:\\\"q\\\"\\\\b\\/\\ud83d\\ude00\\u00e9\\u0000x\"},"
        "\"event\\u004eame\":\"Console\\u004cogin\",\"responseElements\":{\"ConsoleLogin\":\"Success\"},"
        "\"additionalEventData\":{\"MFAUsed\":\"No\"},\"sourceIPAddress\":\"\\u0031.2.3.4\",\"x\":\"\\b\\f\\n\\r\\t\\ud800z\\udc00\"}]}";
    cloudtrail_scan *s = scan(json);
    const cloudtrail_finding *f = find(s, "console_login_without_mfa", NULL);
    assert_non_null(f);
    assert_string_equal(f->principal, "arn:\"q\"\\b/\xf0\x9f\x98\x80\xc3\xa9\xef\xbf\xbdx");
    assert_string_equal(f->source_ip, "1.2.3.4");
    assert_non_null(find(s, "root_account_usage", NULL));
    cloudtrail_scan_free(s);
}

static void test_nested_and_whitespace(void **st)
{
    const char *json =
        " \r\n\t{ \"Other\" : [ 1 , -2.5e+3 , 0 , 1E9 , true , false , null , { \"a\" : [ [ ] , { } ] } ] ,\n"
        "  \"Records\" : [\n    {\n      \"deep\" : { \"userIdentity\" : { \"type\" : \"Root\" } , \"l\" : [ [ [ { \"eventName\" : \"ConsoleLogin\" } ] ] ] } ,\n"
        "      \"responseElements\" : { \"ConsoleLogin\" : { \"nested\" : \"Success\" } } ,\n"
        "      \"eventName\" : \"ListBuckets\" , \"n\" : -0.0 , \"e\" : 0e0 , \"arr\" : [ \"]}\" , \"{[\" ] ,\n"
        "      \"userIdentity\" : { \"type\" : \"Root\" , \"sessionContext\" : { \"attributes\" : { \"mfaAuthenticated\" : \"true\" } } }\n"
        "    } , { \"eventName\" : \"Noop\" , \"userIdentity\" : null }\n  ] ,\n  \"After\" : { }\n}\n\n";
    cloudtrail_scan *s = scan(json);
    assert_int_equal(cloudtrail_scan_events(s), 2);
    const cloudtrail_finding *f;
    assert_int_equal(cloudtrail_scan_findings(s, &f), 1);
    assert_string_equal(f[0].rule, "root_account_usage");
    assert_string_equal(f[0].principal, "Root");
    assert_string_equal(f[0].event_name, "ListBuckets");
    cloudtrail_scan_free(s);
    /* empty Records and a file with more than one Records array */
    s = scan("{\"Records\":[]}");
    assert_int_equal(cloudtrail_scan_events(s), 0);
    cloudtrail_scan_free(s);
}

static const char *const bad_docs[][2] = {
    {"", "empty file"},
    {"   \n", "empty file"},
    {"[{\"eventName\":\"x\"}]", "not a CloudTrail log"},
    {"{\"foo\":1}", "no \"Records\""},
    {"{}", "no \"Records\""},
    {"{\"Records\":{}}", "\"Records\" is not an array"},
    {"{\"Records\":[1]}", "record 1 is not a JSON object"},
    {"{\"Records\":[{\"a\":1}]}", "no record has an eventName"},
    {"{\"Records\":[{\"eventName\":\"a\"}{\"eventName\":\"b\"}]}", "expected ',' or ']' after record 1"},
    {"{\"Records\":[{\"eventName\":\"a\",}]}", "expected a key"},
    {"{\"Records\":[{\"eventName\" \"a\"}]}", "expected ':'"},
    {"{\"Records\":[{\"eventName\":\"a\"]}", "expected ',' or '}'"},
    {"{\"Records\":[{\"x\":[1,2}]}", "expected ',' or ']'"},
    {"{\"Records\":[{\"x\":01}]}", "expected ',' or '}'"},
    {"{\"Records\":[{\"x\":1.}]}", "bad number"},
    {"{\"Records\":[{\"x\":-}]}", "bad number"},
    {"{\"Records\":[{\"x\":1e}]}", "bad number"},
    {"{\"Records\":[{\"x\":+1}]}", "unexpected character"},
    {"{\"Records\":[{\"x\":tru}]}", "invalid literal"},
    {"{\"Records\":[{\"x\":nul1}]}", "invalid literal"},
    {"{\"Records\":[{\"x\":'a'}]}", "unexpected character"},
    {"{\"Records\":[{\"x\":\"a\\qb\"}]}", "invalid escape"},
    {"{\"Records\":[{\"x\":\"\\u12G4\"}]}", "bad \\u escape"},
    {"{\"Records\":[{\"x\":\"a\tb\"}]}", "control character"},
    {"{\"Records\":[{\"x\":\"a\nb\"}]}", "control character"},
    {"{\"Records\":[]}x", "data after the end"},
    {"{\"Records\":[]}{}", "data after the end"},
    {"{\"Records\":[],}", "expected a key"},
    {"{\"Records\":[{\"eventName\":\"a\"}]", "truncated"},
    {"{\"Records\":[{\"eventName\":\"a\"", "truncated: the file ends inside record 1"},
    {"{\"Records\":[{\"eventName\":\"a\\u00", "truncated"},
    {"{\"Records\":[{\"eventName\":\"a\\ud800\\u", "truncated"},
    {"{\"Records\":[{\"eventName\":tr", "truncated"},
    {"{\"Records\":[{\"n\":12", "truncated"},
    {"\x1f\x8b\x08", "truncated gzip"},
    {"\x1f\x8b\x08garbage", "corrupt gzip data"},
    {"\x7f" "ELF\x02\x01\x01", "not a CloudTrail log"},
};

static void test_malformed(void **st)
{
    for (size_t i = 0; i < sizeof bad_docs / sizeof bad_docs[0]; i++) {
        for (size_t rs = 1; rs <= 1024; rs *= 4) {
            const char *msg = scan_err(bad_docs[i][0], rs, 0);
            if (!strstr(msg, bad_docs[i][1]))
                fail_msg("doc %zu read %zu: '%s' does not say '%s'", i, rs, msg, bad_docs[i][1]);
        }
    }
    /* the malformed file found upstream: the first record still counts */
    cloudtrail_opts o = {0};
    cloudtrail_scan *s = cloudtrail_scan_new(&o);
    const char *j = "{\"Records\":[{\"eventName\":\"StopLogging\",\"eventSource\":\"cloudtrail.amazonaws.com\"}\n"
                    "{\"eventName\":\"DeleteTrail\",\"eventSource\":\"cloudtrail.amazonaws.com\"}]}";
    isms_err e;
    assert_int_equal(cloudtrail_scan_mem(s, j, strlen(j), &e), ISMS_EINVAL);
    assert_string_equal(e.msg, "invalid JSON at byte 81: expected ',' or ']' after record 1");
    assert_int_equal(find(s, "cloudtrail_tampering", NULL)->count, 1);
    cloudtrail_scan_free(s);
}

static void test_deep_nesting(void **st)
{
    size_t n = 100000;
    char *d = malloc(n * 2 + 64);
    strcpy(d, "{\"Records\":[{\"x\":");
    size_t k = strlen(d);
    memset(d + k, '[', n);
    memset(d + k + n, ']', n);
    strcpy(d + k + 2 * n, "}]}");
    assert_non_null(strstr(scan_err(d, 0, 0), "nesting too deep"));
    free(d);
    /* 250 levels inside requestParameters of a rule's event are walked */
    char *deep = malloc(8192);
    strcpy(deep, "{\"Records\":[{\"eventName\":\"AuthorizeSecurityGroupIngress\",\"requestParameters\":{\"a\":");
    for (int i = 0; i < 250; i++)
        strcat(deep, "[{\"b\":");
    strcat(deep, "{\"cidrIp\":\"0.0.0.0/0\"}");
    for (int i = 0; i < 250; i++)
        strcat(deep, "}]");
    strcat(deep, "}}]}");
    cloudtrail_scan *s = scan(deep);
    assert_non_null(find(s, "security_group_open_to_world", NULL));
    cloudtrail_scan_free(s);
    free(deep);
}

/* Every prefix of a valid log is an error (never a crash or over-read), and so are mutations. */
static void test_truncation_and_fuzz(void **st)
{
    char *d = doc(LOGIN(USER_ID("al\\u0069ce"), "Success", "No"),
                  SG("{'cidrIp':'0.0.0.0/0','x':[1,2.5e-3,true,null,{'y':'\\\\'}]}"), NULL);
    size_t len = strlen(d);
    char *buf = malloc(len + 1);
    for (size_t cut = 0; cut < len; cut++) {
        memcpy(buf, d, cut);
        buf[cut] = '\0';
        cloudtrail_opts o = {.read_size = 1 + cut % 7};
        cloudtrail_scan *s = cloudtrail_scan_new(&o);
        isms_err e;
        /* exact-size heap copy so ASan sees any read past the end */
        char *exact = malloc(cut ? cut : 1);
        memcpy(exact, d, cut);
        if (cloudtrail_scan_mem(s, exact, cut, &e) == ISMS_OK)
            fail_msg("prefix of %zu bytes accepted", cut);
        free(exact);
        cloudtrail_scan_free(s);
    }
    uint64_t r = 42;
    for (int i = 0; i < 3000; i++) {
        memcpy(buf, d, len + 1);
        for (int k = 0; k < 1 + i % 4; k++) {
            r = r * 6364136223846793005ULL + 1442695040888963407ULL;
            buf[(r >> 33) % len] = (char)(r >> 20);
        }
        cloudtrail_opts o = {.read_size = 1 + (size_t)i % 13};
        cloudtrail_scan *s = cloudtrail_scan_new(&o);
        isms_err e;
        char *exact = malloc(len);
        memcpy(exact, buf, len);
        cloudtrail_scan_mem(s, exact, len, &e);
        const cloudtrail_finding *f;
        cloudtrail_scan_findings(s, &f);
        free(exact);
        cloudtrail_scan_free(s);
    }
    free(buf);
    free(d);
}

/* Reads of any size give the same findings: records split at every byte parse the same. */
static void test_tiny_reads(void **st)
{
    char *d = doc(LOGIN(USER_ID("alice"), "Success", "No"), LOGIN(USER_ID("bob"), "Failure", "No"),
                  "{" ROOT_ID ",'eventName':'CreateAccessKey','requestParameters':{'a':'\\u00e9\\ud83d\\ude00'}}",
                  SG("{'x':'\\\"','ipPermissions':{'items':[{'ipRanges':{'items':[{'cidrIp':'0.0.0.0/0'}]}}]}}"),
                  NULL);
    cloudtrail_scan *ref = scan(d);
    const cloudtrail_finding *want;
    size_t nwant = cloudtrail_scan_findings(ref, &want);
    assert_int_equal(nwant, 5);
    for (size_t rs = 1; rs < 40; rs++) {
        cloudtrail_scan *s = scan_opts(d, ISMS_OK, rs, 0);
        const cloudtrail_finding *f;
        assert_int_equal(cloudtrail_scan_findings(s, &f), nwant);
        for (size_t i = 0; i < nwant; i++) {
            assert_string_equal(f[i].rule, want[i].rule);
            assert_string_equal(f[i].principal, want[i].principal);
            assert_int_equal(f[i].count, want[i].count);
        }
        cloudtrail_scan_free(s);
    }
    cloudtrail_scan_free(ref);
    free(d);
}

static void test_record_cap(void **st)
{
    /* a record over the cap is refused, the records before it keep their findings */
    size_t big = 5000;
    char *pad = malloc(big + 1);
    memset(pad, 'a', big);
    pad[big] = '\0';
    char *rec = malloc(big + 100);
    sprintf(rec, "{'eventName':'X','pad':'%s'}", pad);
    char *d = doc("{" ROOT_ID ",'eventName':'A'}", rec, "{" ROOT_ID ",'eventName':'B'}", NULL);
    for (size_t rs = 7; rs <= 65536; rs *= 8) {
        cloudtrail_opts o = {.record_cap = 4096, .read_size = rs};
        cloudtrail_scan *s = cloudtrail_scan_new(&o);
        isms_err e;
        assert_int_equal(cloudtrail_scan_mem(s, d, strlen(d), &e), ISMS_EINVAL);
        assert_string_equal(e.msg, "record 2 is larger than the 4096 bytes limit");
        assert_int_equal(find(s, "root_account_usage", NULL)->count, 1);
        cloudtrail_scan_free(s);
    }
    cloudtrail_scan *s = scan_opts(d, ISMS_OK, 0, 8192);
    assert_int_equal(find(s, "root_account_usage", NULL)->count, 2);
    cloudtrail_scan_free(s);
    free(d);
    free(rec);
    free(pad);
    /* the default cap: 1 MiB */
    size_t n = CLOUDTRAIL_RECORD_CAP + 10;
    char *huge = malloc(n + 64);
    strcpy(huge, "{\"Records\":[{\"eventName\":\"x\",\"p\":\"");
    size_t k = strlen(huge);
    memset(huge + k, 'b', n);
    strcpy(huge + k + n, "\"}]}");
    assert_string_equal(scan_err(huge, 0, 0), "record 1 is larger than the 1 MiB limit");
    free(huge);
}

static char tmpdir[64];

static void write_file(const char *name, const void *data, size_t len)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    fclose(f);
}

static void write_gz(const char *name, const char *data, size_t len)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    gzFile g = gzopen(path, "wb");
    assert_non_null(g);
    assert_int_equal(gzwrite(g, data, (unsigned)len), (int)len);
    assert_int_equal(gzclose(g), Z_OK);
}

static int scan_path(cloudtrail_scan *s, const char *name, isms_err *e)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    return cloudtrail_scan_file(s, path, e);
}

static unsigned char *slurp(const char *name, size_t *len)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    unsigned char *b = malloc(1 << 20);
    *len = fread(b, 1, 1 << 20, f);
    fclose(f);
    return b;
}

static void test_gzip(void **st)
{
    char *d = doc(LOGIN(USER_ID("alice"), "Success", "No"), NULL);
    size_t dl = strlen(d);
    /* a bigger log so the gzip stream spans many reads */
    size_t nrec = 3000, bl = 0;
    char *bigdoc = malloc(nrec * 400 + 64);
    bl += (size_t)sprintf(bigdoc, "{\"Records\":[");
    for (size_t i = 0; i < nrec; i++)
        bl += (size_t)sprintf(bigdoc + bl, "%s{\"eventName\":\"GetObject\",\"eventID\":\"id-%zu\",\"userIdentity\":{\"type\":\"%s\"},\"pad\":\"%0200zu\"}",
                              i ? "," : "", i, i % 100 ? "IAMUser" : "Root", i);
    bl += (size_t)sprintf(bigdoc + bl, "]}");
    write_gz("a.json.gz", d, dl);
    write_gz("big.json.gz", bigdoc, bl);
    write_gz("named-plain.json", d, dl); /* gzip detected by magic, not name */
    write_file("plain.json.gz", d, dl);  /* and a plain file named .gz is read as JSON */
    cloudtrail_scan *s = cloudtrail_scan_new(NULL);
    isms_err e;
    assert_int_equal(scan_path(s, "a.json.gz", &e), ISMS_OK);
    assert_int_equal(scan_path(s, "named-plain.json", &e), ISMS_OK);
    assert_int_equal(scan_path(s, "plain.json.gz", &e), ISMS_OK);
    assert_int_equal(find(s, "console_login_without_mfa", NULL)->count, 3);
    assert_int_equal(scan_path(s, "big.json.gz", &e), ISMS_OK);
    assert_int_equal(find(s, "root_account_usage", NULL)->count, 30);
    assert_int_equal(cloudtrail_scan_events(s), 3 + nrec);
    cloudtrail_scan_free(s);

    /* truncated, corrupt, concatenated members, trailing garbage */
    size_t gl;
    unsigned char *gz = slurp("big.json.gz", &gl);
    write_file("cut.json.gz", gz, gl / 2);
    write_file("cut-trailer.json.gz", gz, gl - 4);
    unsigned char *bad = malloc(gl);
    memcpy(bad, gz, gl);
    for (size_t i = gl / 3; i < gl / 3 + 16; i++)
        bad[i] ^= 0x5a;
    write_file("corrupt.json.gz", bad, gl);
    free(bad);
    size_t al;
    unsigned char *agz = slurp("a.json.gz", &al);
    /* two members forming one document: the split lies inside a record */
    write_gz("m1", d, dl / 2);
    write_gz("m2", d + dl / 2, dl - dl / 2);
    size_t l1, l2;
    unsigned char *m1 = slurp("m1", &l1), *m2 = slurp("m2", &l2);
    unsigned char *cat = malloc(l1 + l2 + 8);
    memcpy(cat, m1, l1);
    memcpy(cat + l1, m2, l2);
    write_file("members.json.gz", cat, l1 + l2);
    memcpy(cat, agz, al);
    memcpy(cat + al, "garbage!", 8);
    write_file("trailing.json.gz", cat, al + 8);
    free(m1);
    free(m2);
    free(cat);
    free(agz);
    free(gz);

    s = cloudtrail_scan_new(NULL);
    assert_int_equal(scan_path(s, "cut.json.gz", &e), ISMS_EINVAL);
    assert_string_equal(e.msg, "truncated gzip data (unexpected end of file)");
    uint64_t got = cloudtrail_scan_events(s);
    assert_true(got > 0 && got < nrec); /* the records before the cut were read */
    assert_int_equal(scan_path(s, "cut-trailer.json.gz", &e), ISMS_EINVAL);
    assert_non_null(strstr(e.msg, "gzip"));
    assert_int_equal(scan_path(s, "corrupt.json.gz", &e), ISMS_EINVAL);
    assert_non_null(strstr(e.msg, "corrupt gzip data"));
    assert_int_equal(scan_path(s, "members.json.gz", &e), ISMS_OK);
    assert_int_equal(find(s, "console_login_without_mfa", NULL)->count, 1);
    assert_int_equal(scan_path(s, "trailing.json.gz", &e), ISMS_EINVAL);
    assert_string_equal(e.msg, "data after the end of the gzip stream");
    assert_int_equal(scan_path(s, "missing.json", &e), ISMS_ENOTFOUND);
    assert_int_equal(scan_path(s, ".", &e), ISMS_EINVAL);
    cloudtrail_scan_free(s);
    free(bigdoc);
    free(d);
}

/* Everything a scan gives, as text: to compare two ways of scanning the same log. */
static char *summary(cloudtrail_scan *s, int rc, const isms_err *e)
{
    size_t cap = 4096, len = 0;
    char *out = malloc(cap);
    const cloudtrail_finding *f;
    size_t n = cloudtrail_scan_findings(s, &f);
    len += (size_t)snprintf(out, cap, "rc=%d err=%s events=%llu findings=%zu\n", rc, rc ? e->msg : "",
                            (unsigned long long)cloudtrail_scan_events(s), n);
    for (size_t i = 0; i < n; i++) {
        char line[2048];
        int k = snprintf(line, sizeof line, "%s|%s|%s|%s|%s|%s|%s|%llu\n", f[i].rule, f[i].principal,
                         f[i].source_ip ? f[i].source_ip : "-", f[i].region ? f[i].region : "-",
                         f[i].first_seen ? f[i].first_seen : "-", f[i].last_seen ? f[i].last_seen : "-",
                         f[i].event_name, (unsigned long long)f[i].count);
        if (len + (size_t)k + 1 > cap)
            out = realloc(out, cap = 2 * (len + (size_t)k + 1));
        memcpy(out + len, line, (size_t)k + 1);
        len += (size_t)k;
    }
    return out;
}

static char *scan_file_summary(const char *name, cloudtrail_opts o, uint64_t *whole)
{
    cloudtrail_scan *s = cloudtrail_scan_new(&o);
    isms_err e;
    int rc = scan_path(s, name, &e);
    char *out = summary(s, rc, &e);
    if (whole)
        *whole = s->inflated_whole;
    cloudtrail_scan_free(s);
    return out;
}

/* libdeflate (a gzip log read whole) and streaming zlib give the same findings and the same
 * errors, for good logs and for every way a gzip file can be broken. */
static void test_gzip_whole_equals_stream(void **st)
{
    size_t nrec = 2000, bl = 0;
    char *big = malloc(nrec * 600 + 64);
    bl += (size_t)sprintf(big, "{\"Records\":[");
    for (size_t i = 0; i < nrec; i++)
        bl += (size_t)sprintf(big + bl,
                              "%s{\"eventName\":\"%s\",\"eventID\":\"id-%zu\",\"eventTime\":\"2024-01-01T00:%02zu:%02zuZ\","
                              "\"sourceIPAddress\":\"198.51.100.%zu\",\"awsRegion\":\"us-east-%zu\","
                              "\"userIdentity\":{\"type\":\"%s\",\"arn\":\"arn:aws:iam::1:%s\"},\"pad\":\"%0300zu\"}",
                              i ? "," : "", i % 7 ? "GetObject" : "ListBuckets", i % 1500, i / 60 % 60, i % 60,
                              i % 5, i % 3, i % 9 ? "IAMUser" : "Root", i % 9 ? "user/u" : "root", i);
    bl += (size_t)sprintf(big + bl, "]}");
    write_gz("w-good.json.gz", big, bl);
    size_t gl;
    unsigned char *gz = slurp("w-good.json.gz", &gl);
    assert_true(gl < (1 << 20));
    write_file("w-cut.json.gz", gz, gl / 2);
    write_file("w-cut-trailer.json.gz", gz, gl - 3);
    unsigned char *b = malloc(gl + 64);
    memcpy(b, gz, gl);
    for (size_t i = gl / 2; i < gl / 2 + 8; i++)
        b[i] ^= 0x33;
    write_file("w-corrupt.json.gz", b, gl);
    memcpy(b, gz, gl);
    b[gl - 4] ^= 1; /* ISIZE says one byte more or less than the content */
    write_file("w-isize.json.gz", b, gl);
    memcpy(b, gz, gl);
    b[gl - 8] ^= 1; /* CRC mismatch */
    write_file("w-crc.json.gz", b, gl);
    memcpy(b, gz, gl);
    memcpy(b + gl, gz, gl < 64 ? gl : 64); /* the start of another member after the first */
    write_file("w-second.json.gz", b, gl + (gl < 64 ? gl : 64));
    write_gz("w-m1", big, bl / 3);
    write_gz("w-m2", big + bl / 3, bl - bl / 3);
    size_t l1, l2;
    unsigned char *m1 = slurp("w-m1", &l1), *m2 = slurp("w-m2", &l2);
    unsigned char *cat = malloc(l1 + l2);
    memcpy(cat, m1, l1);
    memcpy(cat + l1, m2, l2);
    write_file("w-members.json.gz", cat, l1 + l2);
    /* a record over the cap, and bad JSON deep inside a record, in gzip */
    size_t cl = (size_t)sprintf(big, "{\"Records\":[{\"eventName\":\"A\",\"userIdentity\":{\"type\":\"Root\"}},"
                                     "{\"eventName\":\"B\",\"p\":\"%05000d\"}]}", 0);
    write_gz("w-cap.json.gz", big, cl);
    big[cl - 100] = '\x01';
    write_gz("w-badjson.json.gz", big, cl);
    free(m1);
    free(m2);
    free(cat);
    free(b);
    free(gz);
    free(big);

    static const char *const names[] = {"w-good.json.gz", "w-cut.json.gz", "w-cut-trailer.json.gz",
                                        "w-corrupt.json.gz", "w-isize.json.gz", "w-crc.json.gz",
                                        "w-second.json.gz", "w-members.json.gz", "w-cap.json.gz",
                                        "w-badjson.json.gz"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        for (size_t cap = 0; cap <= 8192; cap += 4096) {
            uint64_t whole = 0;
            cloudtrail_opts o = {.record_cap = cap};
            char *a = scan_file_summary(names[i], o, &whole);
            o.stream_gzip = 1;
            char *z = scan_file_summary(names[i], o, NULL);
            /* Tiny reads too, but not for corrupt data: zlib then reports the error with the
             * read that meets it, before or after the records inflated with it. */
            int corrupt = i >= 3 && i <= 6;
            o.read_size = 7;
            char *t = corrupt ? strdup(a) : scan_file_summary(names[i], o, NULL);
            if (strcmp(a, z) || strcmp(a, t))
                fail_msg("%s cap %zu: whole\n%s\nstream\n%s\ntiny reads\n%s", names[i], cap, a, z, t);
            /* the good logs took the fast path; the broken ones were left to zlib */
            int good = i == 0 || i == 8 || i == 9;
            assert_int_equal(whole, good);
            if (i == 0)
                assert_non_null(strstr(a, "rc=0 "));
            free(a);
            free(z);
            free(t);
        }
    }
    /* with the defaults, the broken ones fail as zlib says */
    char *c = scan_file_summary("w-cut.json.gz", (cloudtrail_opts){0}, NULL);
    assert_non_null(strstr(c, "truncated gzip data (unexpected end of file)"));
    assert_null(strstr(c, "events=0 "));
    free(c);
    c = scan_file_summary("w-members.json.gz", (cloudtrail_opts){0}, NULL);
    assert_non_null(strstr(c, "rc=0 "));
    free(c);
    c = scan_file_summary("w-cap.json.gz", (cloudtrail_opts){.record_cap = 4096}, NULL);
    assert_non_null(strstr(c, "record 2 is larger than the 4096 bytes limit"));
    assert_non_null(strstr(c, "root_account_usage"));
    free(c);
}

/* A unit is judged on its first cap + 1 bytes, however the log is read: a record of cap bytes
 * passes, one of cap + 1 does not, and bad JSON is reported only within those bytes. */
static void test_cap_boundary(void **st)
{
    enum { CAP = 256 };
    char rec[CAP + 64], d[CAP + 256];
    for (int extra = -2; extra <= 2; extra++) {
        /* {"eventName":"x","p":"aaa..."} of exactly CAP + extra bytes */
        int pad = CAP + extra - (int)strlen("{\"eventName\":\"x\",\"p\":\"\"}");
        snprintf(rec, sizeof rec, "{\"eventName\":\"x\",\"p\":\"%0*d\"}", pad, 0);
        assert_int_equal(strlen(rec), CAP + extra);
        for (int bad = -1; bad <= 1; bad++) {
            snprintf(d, sizeof d, "{\"Records\":[%s]}", rec);
            if (bad >= 0) /* a control character at offset CAP - 1 + bad of the record */
                d[12 + CAP - 1 + bad] = '\x01';
            char *want = NULL;
            for (size_t rs = 1; rs <= 40; rs++) {
                cloudtrail_opts o = {.record_cap = CAP, .read_size = rs};
                cloudtrail_scan *s = cloudtrail_scan_new(&o);
                isms_err e;
                int rc = cloudtrail_scan_mem(s, d, strlen(d), &e);
                char *got = summary(s, rc, &e);
                cloudtrail_scan_free(s);
                if (!want)
                    want = got;
                else {
                    if (strcmp(want, got))
                        fail_msg("extra %d bad %d reads of %zu:\n%s\nvs\n%s", extra, bad, rs, got, want);
                    free(got);
                }
            }
            write_gz("w-boundary.json.gz", d, strlen(d));
            uint64_t whole = 0;
            char *gzs = scan_file_summary("w-boundary.json.gz", (cloudtrail_opts){.record_cap = CAP}, &whole);
            assert_int_equal(whole, 1);
            if (strcmp(want, gzs))
                fail_msg("extra %d bad %d gzip whole:\n%s\nvs\n%s", extra, bad, gzs, want);
            int over = extra > 0 && !(bad >= 0 && CAP - 1 + bad < CAP + extra - 2 && CAP - 1 + bad <= CAP);
            if (bad < 0)
                assert_non_null(strstr(want, extra > 0 ? "larger than the 256 bytes limit" : "rc=0 "));
            else if (!over && CAP - 1 + bad < CAP + extra - 2)
                assert_non_null(strstr(want, "control character inside a string"));
            free(gzs);
            free(want);
        }
    }
}

static void test_list_files(void **st)
{
    char path[256];
    snprintf(path, sizeof path, "%s/tree", tmpdir);
    assert_int_equal(mkdir(path, 0700), 0);
    snprintf(path, sizeof path, "%s/tree/sub", tmpdir);
    assert_int_equal(mkdir(path, 0700), 0);
    write_file("tree/b.json", "{}", 2);
    write_file("tree/a.JSON", "{}", 2);
    write_file("tree/c.json.gz", "{}", 2);
    write_file("tree/notes.txt", "x", 1);
    write_file("tree/d.json.bak", "x", 1);
    write_file("tree/sub/z.json", "{}", 2);
    snprintf(path, sizeof path, "%s/tree/sub/link", tmpdir);
    char target[256];
    snprintf(target, sizeof target, "%s/tree", tmpdir);
    assert_int_equal(symlink(target, path), 0); /* a loop, not followed */
    cloudtrail_files f = {0};
    isms_err e;
    snprintf(path, sizeof path, "%s/tree", tmpdir);
    assert_int_equal(cloudtrail_list_files(path, &f, &e), ISMS_OK);
    assert_int_equal(f.n, 4);
    const char *want[] = {"tree/a.JSON", "tree/b.json", "tree/c.json.gz", "tree/sub/z.json"};
    for (size_t i = 0; i < 4; i++) {
        snprintf(target, sizeof target, "%s/%s", tmpdir, want[i]);
        assert_string_equal(f.paths[i], target);
    }
    assert_int_equal(f.bytes, 8);
    snprintf(path, sizeof path, "%s/tree/notes.txt", tmpdir); /* named files: any extension */
    assert_int_equal(cloudtrail_list_files(path, &f, &e), ISMS_OK);
    assert_int_equal(f.n, 5);
    assert_int_equal(cloudtrail_list_files("/nonexistent/x.json", &f, &e), ISMS_ENOTFOUND);
    assert_non_null(strstr(e.msg, "/nonexistent/x.json"));
    cloudtrail_files_free(&f);
    assert_int_equal(f.n, 0);
}

static int setup_tmp(void **st)
{
    strcpy(tmpdir, "/tmp/test_cloudtrail.XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown_tmp(void **st)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_root_usage),
        cmocka_unit_test(test_console_login_mfa),
        cmocka_unit_test(test_login_failures_grouped),
        cmocka_unit_test(test_tampering),
        cmocka_unit_test(test_iam_policy_change),
        cmocka_unit_test(test_root_access_key),
        cmocka_unit_test(test_security_group),
        cmocka_unit_test(test_dedupe_and_aggregation),
        cmocka_unit_test(test_many_event_names),
        cmocka_unit_test(test_escapes),
        cmocka_unit_test(test_nested_and_whitespace),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_deep_nesting),
        cmocka_unit_test(test_truncation_and_fuzz),
        cmocka_unit_test(test_tiny_reads),
        cmocka_unit_test(test_record_cap),
        cmocka_unit_test(test_gzip),
        cmocka_unit_test(test_gzip_whole_equals_stream),
        cmocka_unit_test(test_cap_boundary),
        cmocka_unit_test(test_list_files),
    };
    return cmocka_run_group_tests(tests, setup_tmp, teardown_tmp);
}
