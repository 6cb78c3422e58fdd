/* AWS answers as the AWS checks read them: IAM and S3 XML, CloudTrail and KMS JSON 1.1, the
 * credential report (base64 CSV inside XML), error bodies and their codes, throttling and
 * Retry-After, S3 paging; each check run against the loopback peer answering with the input's
 * responses in order, or (high bit of data[0]) a saved CLI document given to its evaluate. */
#include <stdint.h>
#include <string.h>

#include "collect/aws.h"
#include "fuzz.h"

static const char *env(const char *name)
{
    if (!strcmp(name, "AWS_ACCESS_KEY_ID"))
        return "AKIDEXAMPLE";
    if (!strcmp(name, "AWS_SECRET_ACCESS_KEY"))
        return "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    if (!strcmp(name, "AWS_REGION"))
        return "us-east-1";
    if (!strcmp(name, "AWS_ENDPOINT_URL"))
        return fuzz_peer_url();
    return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_run_check(checks_aws, data, size, env);
    return 0;
}
