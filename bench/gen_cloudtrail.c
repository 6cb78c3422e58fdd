/* gen_cloudtrail OUTDIR MB [FILE_MB] [SEED]: write MB megabytes of realistic CloudTrail logs as
 * OUTDIR/ct_NNNN.json files of about FILE_MB (default 64) each, native single-line format.
 * Deterministic for a seed. The mix follows a busy account: mostly read-only API calls by roles
 * and services, S3 data events, some console sign-ins (with and without MFA, failures), a few
 * root actions (some by AWS on root's behalf), policy changes, security groups opened to the
 * world and trails stopped. Prints the counts of what the rules should find on stdout. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rng_state;

static uint64_t rnd(void)
{
    uint64_t x = rng_state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    rng_state = x;
    return x * 0x2545f4914f6cdd1dULL;
}

static unsigned pick(unsigned n) { return (unsigned)(rnd() % n); }

static const char *const regions[] = {"us-east-1", "us-east-2", "us-west-2", "eu-west-1",
                                      "eu-central-1", "ap-southeast-2", "sa-east-1"};
static const char *const users[] = {"alice", "bob", "carol", "dave", "erin", "frank", "grace",
                                    "heidi", "ivan", "judy", "mallory", "deploy-bot"};
static const char *const roles[] = {"AdminRole", "ReadOnly", "lambda-exec", "ecs-task",
                                    "OrganizationAccountAccessRole", "ci-deployer"};
static const char *const reads[][2] = {
    {"ec2", "DescribeInstances"}, {"ec2", "DescribeSecurityGroups"}, {"s3", "ListBuckets"},
    {"iam", "ListRoles"}, {"iam", "GetRole"}, {"sts", "GetCallerIdentity"},
    {"kms", "Decrypt"}, {"logs", "DescribeLogGroups"}, {"lambda", "ListFunctions20150331"},
    {"cloudtrail", "DescribeTrails"}, {"rds", "DescribeDBInstances"}, {"ssm", "GetParameter"},
};
static const char *const agents[] = {
    "aws-cli/2.13.4 Python/3.11.4 Linux/5.15.0-1040-aws exe/x86_64.ubuntu.22 prompt/off",
    "Boto3/1.28.3 md/Botocore#1.31.3 ua/2.0 os/linux#5.10.184 md/arch#x86_64 lang/python#3.9.16",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/114.0.0.0 Safari/537.36",
    "aws-sdk-go/1.44.298 (go1.20.5; linux; amd64) exec-env/AWS_ECS_FARGATE",
    "[S3Console/0.4, aws-internal/3 aws-sdk-java/1.12.488 Linux/5.10.184 OpenJDK_64-Bit_Server_VM"
    "/25.372-b08 java/1.8.0_372 vendor/Oracle_Corporation cfg/retry-mode/standard]",
    "console.amazonaws.com",
};

#define ACCOUNT "123456789012"

typedef struct counts {
    unsigned long long records, root, root_by_aws, nomfa, mfa, fed_nomfa, fail, sg, tamper, iam;
} counts;

static char *ip(char *b)
{
    if (pick(5) == 0)
        sprintf(b, "10.%u.%u.%u", pick(256), pick(256), 1 + pick(254));
    else
        sprintf(b, "%u.%u.%u.%u", 3 + pick(200), pick(256), pick(256), 1 + pick(254));
    return b;
}

static void uuid(char *b)
{
    uint64_t a = rnd(), c = rnd();
    sprintf(b, "%08x-%04x-4%03x-%04x-%012llx", (unsigned)(a >> 32), (unsigned)(a >> 16) & 0xffff,
            (unsigned)a & 0xfff, 0x8000u | ((unsigned)(c >> 48) & 0x3fff),
            (unsigned long long)(c & 0xffffffffffffULL));
}

static void event_time(char *b, unsigned long long n)
{
    unsigned long long s = 1688947200ULL + n / 3; /* 2023-07-10, three events a second */
    unsigned day = (unsigned)((s - 1688947200ULL) / 86400) % 28;
    unsigned rest = (unsigned)(s % 86400);
    sprintf(b, "2023-%02u-%02uT%02u:%02u:%02uZ", 7 + day / 28, 10 + day % 18, rest / 3600,
            rest / 60 % 60, rest % 60);
}

static void identity_user(FILE *f, const char *u, int console)
{
    fprintf(f, "\"userIdentity\":{\"type\":\"IAMUser\",\"principalId\":\"AIDA%016llX\","
               "\"arn\":\"arn:aws:iam::" ACCOUNT ":user/%s\",\"accountId\":\"" ACCOUNT "\","
               "\"accessKeyId\":\"%s%016llX\",\"userName\":\"%s\"",
            (unsigned long long)(rnd() >> 8), u, console ? "ASIA" : "AKIA",
            (unsigned long long)(rnd() >> 8), u);
    if (console)
        fprintf(f, ",\"sessionContext\":{\"sessionIssuer\":{},\"webIdFederationData\":{},"
                   "\"attributes\":{\"creationDate\":\"2023-07-10T08:00:00Z\","
                   "\"mfaAuthenticated\":\"%s\"}}",
                pick(2) ? "true" : "false");
    fputc('}', f);
}

static void identity_role(FILE *f, const char *r, const char *session)
{
    fprintf(f, "\"userIdentity\":{\"type\":\"AssumedRole\",\"principalId\":\"AROA%016llX:%s\","
               "\"arn\":\"arn:aws:sts::" ACCOUNT ":assumed-role/%s/%s\",\"accountId\":\"" ACCOUNT "\","
               "\"accessKeyId\":\"ASIA%016llX\",\"sessionContext\":{\"sessionIssuer\":{\"type\":"
               "\"Role\",\"principalId\":\"AROA%016llX\",\"arn\":\"arn:aws:iam::" ACCOUNT ":role/%s\","
               "\"accountId\":\"" ACCOUNT "\",\"userName\":\"%s\"},\"webIdFederationData\":{},"
               "\"attributes\":{\"creationDate\":\"2023-07-10T07:12:44Z\",\"mfaAuthenticated\":"
               "\"false\"}}}",
            (unsigned long long)(rnd() >> 8), session, r, session, (unsigned long long)(rnd() >> 8),
            (unsigned long long)(rnd() >> 8), r, r);
}

static void identity_root(FILE *f, const char *invoked_by)
{
    fprintf(f, "\"userIdentity\":{\"type\":\"Root\",\"principalId\":\"" ACCOUNT "\","
               "\"arn\":\"arn:aws:iam::" ACCOUNT ":root\",\"accountId\":\"" ACCOUNT "\"");
    if (invoked_by)
        fprintf(f, ",\"invokedBy\":\"%s\"", invoked_by);
    else
        fprintf(f, ",\"accessKeyId\":\"ASIA%016llX\"", (unsigned long long)(rnd() >> 8));
    fputc('}', f);
}

/* The fields every record has, after userIdentity. */
static void common(FILE *f, const char *time, const char *src, const char *name, const char *region,
                   const char *addr, const char *agent)
{
    fprintf(f, ",\"eventTime\":\"%s\",\"eventSource\":\"%s.amazonaws.com\",\"eventName\":\"%s\","
               "\"awsRegion\":\"%s\",\"sourceIPAddress\":\"%s\",\"userAgent\":\"%s\"",
            time, src, name, region, addr, agent);
}

static void tail(FILE *f, const char *type, int read_only)
{
    char id1[40], id2[40];
    uuid(id1);
    uuid(id2);
    fprintf(f, ",\"requestID\":\"%s\",\"eventID\":\"%s\",\"readOnly\":%s,\"eventType\":\"%s\","
               "\"managementEvent\":true,\"recipientAccountId\":\"" ACCOUNT "\","
               "\"eventCategory\":\"Management\",\"tlsDetails\":{\"tlsVersion\":\"TLSv1.3\","
               "\"cipherSuite\":\"TLS_AES_128_GCM_SHA256\",\"clientProvidedHostHeader\":"
               "\"service.us-east-1.amazonaws.com\"}}",
            id1, id2, read_only ? "true" : "false", type);
}

static void record(FILE *f, unsigned long long n, counts *c)
{
    char t[32], a[24];
    event_time(t, n);
    const char *region = regions[pick(7)];
    const char *u = users[pick(12)];
    unsigned k = pick(1000);
    fputs("{\"eventVersion\":\"1.08\",", f);
    c->records++;
    if (k < 8) { /* root acting, by hand */
        identity_root(f, NULL);
        common(f, t, "s3", pick(2) ? "ListBuckets" : "GetAccountSummary", region, ip(a), agents[2]);
        fputs(",\"requestParameters\":null,\"responseElements\":null", f);
        tail(f, "AwsApiCall", 1);
        c->root++;
    } else if (k < 12) { /* AWS on root's behalf: not root usage */
        identity_root(f, "support.amazonaws.com");
        common(f, t, "iam", "GetAccountPasswordPolicy", "us-east-1", "support.amazonaws.com",
               "support.amazonaws.com");
        fputs(",\"requestParameters\":null,\"responseElements\":null", f);
        tail(f, "AwsApiCall", 1);
        c->root_by_aws++;
    } else if (k < 30) { /* console sign-ins */
        unsigned kind = pick(10);
        int root = kind == 0, fail = kind >= 7, mfa = !fail && kind >= 3 && kind < 6;
        if (root) {
            identity_root(f, NULL);
            c->root++;
        } else if (kind == 6) {
            fputs("\"userIdentity\":{\"type\":\"AssumedRole\",\"principalId\":\"AROAXYZ:alice@example.com\","
                  "\"arn\":\"arn:aws:sts::" ACCOUNT ":assumed-role/AWSReservedSSO_Admin/alice@example.com\","
                  "\"accountId\":\"" ACCOUNT "\",\"sessionContext\":{\"sessionIssuer\":{\"type\":\"Role\","
                  "\"userName\":\"AWSReservedSSO_Admin\"}}}", f);
            c->fed_nomfa++;
        } else {
            identity_user(f, u, 0);
        }
        common(f, t, "signin", "ConsoleLogin", "us-east-1", ip(a), agents[2]);
        fprintf(f, ",\"requestParameters\":null,\"responseElements\":{\"ConsoleLogin\":\"%s\"}",
                fail ? "Failure" : "Success");
        if (fail)
            fputs(",\"errorMessage\":\"Failed authentication\"", f);
        fprintf(f, ",\"additionalEventData\":{\"LoginTo\":\"https://console.aws.amazon.com/console/"
                   "home?hashArgs=%%23&isauthcode=true&state=hashArgsFromTB_us-east-1_"
                   "a1b2c3\",\"MobileVersion\":\"No\",\"MFAUsed\":\"%s\"}",
                mfa ? "Yes" : "No");
        tail(f, "AwsConsoleSignIn", 0);
        if (fail)
            c->fail++;
        else if (mfa)
            c->mfa++;
        else if (kind != 6)
            c->nomfa++;
    } else if (k < 34) { /* security group ingress, half open to the world */
        int open = pick(2);
        identity_user(f, u, 1);
        common(f, t, "ec2", "AuthorizeSecurityGroupIngress", region, ip(a), agents[2]);
        fprintf(f, ",\"requestParameters\":{\"groupId\":\"sg-0%015llx\",\"ipPermissions\":{\"items\":"
                   "[{\"ipProtocol\":\"tcp\",\"fromPort\":22,\"toPort\":22,\"groups\":{},\"ipRanges\":"
                   "{\"items\":[{\"cidrIp\":\"%s\",\"description\":\"ssh \\\"temp\\\"\"}]},"
                   "\"ipv6Ranges\":{},\"prefixListIds\":{}}]}},\"responseElements\":{\"requestId\":"
                   "\"%08llx\",\"_return\":true}",
                (unsigned long long)(rnd() >> 4), open ? "0.0.0.0/0" : "203.0.113.0/24",
                (unsigned long long)(rnd() >> 32));
        tail(f, "AwsApiCall", 0);
        c->sg += (unsigned long long)open;
    } else if (k < 44) { /* inline policy with an escaped JSON document */
        identity_role(f, "ci-deployer", "gitlab-runner");
        common(f, t, "iam", "PutRolePolicy", "us-east-1", ip(a), agents[0]);
        fprintf(f, ",\"requestParameters\":{\"roleName\":\"%s\",\"policyName\":\"inline-%u\","
                   "\"policyDocument\":\"{\\n  \\\"Version\\\": \\\"2012-10-17\\\",\\n  \\\"Statement\\\": "
                   "[{\\\"Effect\\\": \\\"Allow\\\", \\\"Action\\\": [\\\"s3:GetObject\\\", "
                   "\\\"s3:PutObject\\\"], \\\"Resource\\\": \\\"arn:aws:s3:::bucket-%u/*\\\"}]\\n}\"},"
                   "\"responseElements\":null",
                roles[pick(6)], pick(100), pick(1000));
        tail(f, "AwsApiCall", 0);
        c->iam++;
    } else if (k < 45) { /* trail stopped */
        identity_role(f, "AdminRole", u);
        common(f, t, "cloudtrail", "StopLogging", region, ip(a), agents[0]);
        fprintf(f, ",\"requestParameters\":{\"name\":\"arn:aws:cloudtrail:%s:" ACCOUNT
                   ":trail/management\"},\"responseElements\":null",
                region);
        tail(f, "AwsApiCall", 0);
        c->tamper++;
    } else if (k < 300) { /* S3 data events */
        identity_role(f, roles[pick(6)], "i-0abc123def456");
        common(f, t, "s3", pick(3) ? "GetObject" : "PutObject", region, ip(a), agents[4]);
        fprintf(f, ",\"requestParameters\":{\"bucketName\":\"data-%u\",\"Host\":\"data-%u.s3.%s."
                   "amazonaws.com\",\"key\":\"exports/2023/07/part-%05u.parquet\",\"x-id\":\"GetObject\"},"
                   "\"responseElements\":null,\"additionalEventData\":{\"SignatureVersion\":\"SigV4\","
                   "\"CipherSuite\":\"TLS_AES_128_GCM_SHA256\",\"bytesTransferredIn\":0,"
                   "\"AuthenticationMethod\":\"AuthHeader\",\"x-amz-id-2\":\"%016llx%016llx\","
                   "\"bytesTransferredOut\":%u},\"resources\":[{\"type\":\"AWS::S3::Object\",\"ARN\":"
                   "\"arn:aws:s3:::data-%u/exports/\"},{\"accountId\":\"" ACCOUNT "\",\"type\":"
                   "\"AWS::S3::Bucket\",\"ARN\":\"arn:aws:s3:::data-%u\"}]",
                pick(20), pick(20), region, pick(100000), (unsigned long long)rnd(),
                (unsigned long long)rnd(), pick(1 << 24), pick(20), pick(20));
        tail(f, "AwsApiEvent", 1);
    } else if (k < 400) { /* services */
        fprintf(f, "\"userIdentity\":{\"type\":\"AWSService\",\"invokedBy\":\"%s.amazonaws.com\"}",
                pick(2) ? "lambda" : "ecs-tasks");
        common(f, t, "sts", "AssumeRole", region, "lambda.amazonaws.com", "lambda.amazonaws.com");
        fprintf(f, ",\"requestParameters\":{\"roleArn\":\"arn:aws:iam::" ACCOUNT ":role/%s\","
                   "\"roleSessionName\":\"fn-%u\",\"durationSeconds\":3600},\"responseElements\":"
                   "{\"credentials\":{\"accessKeyId\":\"ASIA%016llX\",\"sessionToken\":\"IQoJb3JpZ2luX2VjE"
                   "%016llx%016llx%016llx\",\"expiration\":\"Jul 10, 2023, 1:00:00 PM\"}},"
                   "\"resources\":[{\"accountId\":\"" ACCOUNT "\",\"type\":\"AWS::IAM::Role\"}]",
                roles[pick(6)], pick(1000), (unsigned long long)(rnd() >> 8), (unsigned long long)rnd(),
                (unsigned long long)rnd(), (unsigned long long)rnd());
        tail(f, "AwsApiCall", 0);
    } else { /* read-only API calls */
        const char *const *r = reads[pick(12)];
        if (pick(4))
            identity_role(f, roles[pick(6)], u);
        else
            identity_user(f, u, 0);
        common(f, t, r[0], r[1], region, ip(a), agents[pick(4)]);
        fprintf(f, ",\"requestParameters\":{\"filterSet\":{\"items\":[{\"name\":\"tag:env\",\"valueSet\":"
                   "{\"items\":[{\"value\":\"prod\"},{\"value\":\"caf\\u00e9-%u\"}]}}]},\"maxResults\":%u,"
                   "\"includeAll\":%s,\"ratio\":%u.%02ue-3},\"responseElements\":null",
                pick(100), 5 + pick(995), pick(2) ? "true" : "false", pick(10), pick(100));
        if (pick(20) == 0)
            fputs(",\"errorCode\":\"Client.UnauthorizedOperation\",\"errorMessage\":\"You are not "
                  "authorized to perform this operation.\"",
                  f);
        tail(f, "AwsApiCall", 1);
    }
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: gen_cloudtrail OUTDIR MB [FILE_MB] [SEED]\n");
        return 2;
    }
    unsigned long long total = strtoull(argv[2], NULL, 10) << 20;
    unsigned long long per_file = (argc > 3 ? strtoull(argv[3], NULL, 10) : 64) << 20;
    rng_state = argc > 4 ? strtoull(argv[4], NULL, 10) * 0x9e3779b97f4a7c15ULL + 1 : 0x1234567;
    if (!per_file)
        per_file = 64 << 20;
    counts c = {0};
    unsigned long long written = 0, n = 0;
    for (unsigned fileno = 0; written < total; fileno++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/ct_%04u.json", argv[1], fileno);
        FILE *f = fopen(path, "w");
        if (!f) {
            perror(path);
            return 1;
        }
        static char iobuf[1 << 20];
        setvbuf(f, iobuf, _IOFBF, sizeof iobuf);
        fputs("{\"Records\":[", f);
        long start = ftell(f);
        while (ftell(f) - start < (long)per_file && written + (unsigned long long)(ftell(f) - start) < total) {
            if (ftell(f) > start)
                fputc(',', f);
            record(f, n++, &c);
        }
        fputs("]}\n", f);
        written += (unsigned long long)ftell(f);
        if (fclose(f) != 0) {
            perror(path);
            return 1;
        }
    }
    printf("records=%llu root=%llu root_by_aws=%llu console_nomfa=%llu console_mfa=%llu "
           "federated_nomfa=%llu console_fail=%llu sg_open=%llu tamper=%llu iam=%llu\n",
           c.records, c.root, c.root_by_aws, c.nomfa, c.mfa, c.fed_nomfa, c.fail, c.sg, c.tamper,
           c.iam);
    return 0;
}
