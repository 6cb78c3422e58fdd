/* CloudTrail logs as `isms logs scan` reads them, plain JSON in memory: data[0] picks the read
 * size (so tokens split across reads) and the record cap; the findings are read back. */
#include <stdint.h>
#include <string.h>

#include "collect/cloudtrail.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!size)
        return 0;
    cloudtrail_opts o = {.record_cap = (data[0] & 0x80) ? 4096 : 65536, .read_size = 1 + (data[0] & 0x7f) * 97};
    cloudtrail_scan *s = cloudtrail_scan_new(&o);
    if (!s)
        return 0;
    isms_err err = {0};
    cloudtrail_scan_mem(s, data + 1, size - 1, &err);
    const cloudtrail_finding *f;
    size_t n = cloudtrail_scan_findings(s, &f);
    for (size_t i = 0; i < n; i++)
        (void)(strlen(f[i].rule) + strlen(f[i].principal) + (f[i].event_name ? strlen(f[i].event_name) : 0));
    (void)cloudtrail_scan_events(s);
    cloudtrail_scan_free(s);
    return 0;
}
