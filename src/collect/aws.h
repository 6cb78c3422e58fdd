/* AWS collector: the checks of the "aws" source (IAM, S3, CloudTrail, KMS) and the small client
 * they share, which speaks the three AWS wire protocols (IAM query/XML, S3 REST/XML, JSON 1.1),
 * signs every attempt with SigV4 and retries throttling. Configuration comes from the same
 * variables as the AWS CLI, read through ctx->getenv. Nothing here prints or exits. */
#ifndef ISMS_COLLECT_AWS_H
#define ISMS_COLLECT_AWS_H

#include <jansson.h>
#include <libxml/tree.h>
#include <stddef.h>

#include "collect/check.h"
#include "collect/http.h"
#include "collect/sigv4.h"

/* The checks, terminated by an all-NULL entry. */
extern const check_def checks_aws[];

/* Active access keys older than this (or unused this long) fail aws.access_keys_rotation. */
#define AWS_KEY_MAX_AGE_DAYS 90

/* One source run's connection: credentials, region, endpoints and the documents it parsed
 * (freed by aws_reply_free, or at the latest by aws_close). */
typedef struct aws_client {
    check_ctx *ctx;        /* the check being run: its evidence, its budget, its progress */
    arena *a;
    http_client http;
    sigv4_creds creds;
    const char *region;    /* AWS_REGION, AWS_DEFAULT_REGION or us-east-1 */
    const char *endpoint;  /* AWS_ENDPOINT_URL without a trailing '/', or NULL for the real AWS;
                            * AWS_ENDPOINT_URL_IAM (_S3, _CLOUDTRAIL, _KMS) overrides it per service */
    struct aws_owned *owned;
    int shared;            /* the session's client: aws_done leaves it open */
} aws_client;

/* An answer from AWS. status is the final HTTP status; code/message are set when AWS answered
 * with an error that the caller listed as expected. */
typedef struct aws_reply {
    long status;
    const char *body;
    size_t len;
    const char *code, *message;
    xmlNode *root;  /* XML services: the document element (freed with the reply or the client) */
    json_t *json;   /* JSON services: the parsed body (freed with the reply or the client) */
    struct aws_owned *own; /* what aws_reply_free releases */
} aws_reply;

/* Read the configuration through ctx->getenv and prepare a client. Missing credentials are an
 * ISMS_EINVAL naming the variables. ctx->timeout_ms 0 means 15 s; ctx->max_retries 0 means 4,
 * negative means none. */
int aws_open(aws_client *cl, check_ctx *ctx, isms_err *err);
void aws_close(aws_client *cl);
/* The AWS client of ctx's session, opened by its first AWS check and shared by the rest (one
 * connection, one signing configuration), now working for ctx; without a session a new client
 * of the check's own. Refused at once when AWS stopped answering earlier in the session.
 * Release with aws_done. */
int aws_acquire(check_ctx *ctx, aws_client **cl, isms_err *err);
/* Done with a client from aws_acquire: a check's own is closed, the session's stays open. */
void aws_done(aws_client *cl);
/* Release a reply's body and parsed document before the client goes (a paged listing holds one
 * page at a time). Its body, root and json are gone after; safe on a zeroed reply. */
void aws_reply_free(aws_client *cl, aws_reply *r);

/* IAM query call: POST Action=action&Version=2010-05-08 plus params (already form-encoded, may be
 * NULL). An AWS error whose code is in ok_codes (comma-separated, may be NULL) is returned as
 * ISMS_OK with r->code set; any other error fails naming the action, the code and AWS's message. */
int aws_iam(aws_client *cl, const char *action, const char *params, const char *ok_codes, aws_reply *r,
            isms_err *err);
/* S3 GET of bucket's sub-resource (e.g. "encryption"; bucket NULL for ListBuckets with query),
 * signed for region (NULL: the client's). label names the call in raw and errors. */
int aws_s3_get(aws_client *cl, const char *bucket, const char *query, const char *region, const char *label,
               const char *ok_codes, aws_reply *r, isms_err *err);
/* JSON 1.1 call to service ("cloudtrail", "kms") with X-Amz-Target target and a JSON body. */
int aws_json(aws_client *cl, const char *service, const char *target, const char *body, const char *ok_codes,
             aws_reply *r, isms_err *err);

/* Generate the IAM credential report (polling until COMPLETE) and fetch it: the decoded CSV. */
int aws_credential_report(aws_client *cl, const char **csv, size_t *len, isms_err *err);

/* Parse XML from AWS without network access, DTDs or entity expansion; NULL when malformed. The
 * caller frees the document with xmlFreeDoc. */
xmlDoc *aws_xml_parse(const char *body, size_t len);
/* The first child element of n with this local name (namespaces ignored), or NULL. */
xmlNode *aws_xml_child(xmlNode *n, const char *name);
/* Follow a "/"-separated path of child names from n; NULL when any step is missing. */
xmlNode *aws_xml_path(xmlNode *n, const char *path);
/* Text content of n (NULL gives NULL) copied into the arena. */
const char *aws_xml_text(arena *a, xmlNode *n);

/* Decode base64 (whitespace ignored) into a NUL-terminated arena copy; NULL when invalid. */
char *aws_base64_decode(arena *a, const char *in, size_t inlen, size_t *outlen);
/* Whether an AWS error code means "slow down": retried with backoff. */
int aws_is_throttle(const char *code);

#endif
