/* TOTP against the RFC 6238 (SHA-1) and RFC 4226 test vectors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "core/totp.h"

static const unsigned char key[] = "12345678901234567890";

static void test_rfc4226_hotp(void **state)
{
    (void)state;
    static const uint32_t want[] = {755224, 287082, 359152, 969429, 338314, 254676, 287922, 162583, 399871, 520489};
    for (uint64_t c = 0; c < 10; c++)
        assert_int_equal(totp_hotp(key, 20, c, 6), want[c]);
}

static void test_rfc6238_sha1(void **state)
{
    (void)state;
    static const struct { time_t t; uint32_t code; } v[] = {
        {59, 94287082}, {1111111109, 7081804}, {1111111111, 14050471},
        {1234567890, 89005924}, {2000000000, 69279037}, {20000000000, 65353130},
    };
    for (size_t i = 0; i < sizeof v / sizeof *v; i++)
        assert_int_equal(totp_code(key, 20, v[i].t, 8), v[i].code);
}

static void test_verify_with_drift(void **state)
{
    (void)state;
    /* 6-digit code at t=59 is 287082 (step 1). */
    assert_int_equal(totp_verify(key, 20, "287082", 59), 1);
    assert_int_equal(totp_verify(key, 20, "287082", 89), 1);  /* next step, one step of drift */
    assert_int_equal(totp_verify(key, 20, "287082", 29), 1);  /* previous step */
    assert_int_equal(totp_verify(key, 20, "287082", 120), -1); /* two steps later */
    assert_int_equal(totp_verify(key, 20, "28708", 59), -1);
    assert_int_equal(totp_verify(key, 20, "28708x", 59), -1);
    assert_int_equal(totp_verify(key, 20, NULL, 59), -1);
}

static void test_base32(void **state)
{
    (void)state;
    char enc[64];
    totp_base32_encode(key, 20, enc);
    assert_string_equal(enc, "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
    unsigned char dec[32];
    assert_int_equal(totp_base32_decode("gezd gnbv gy3t qojq gezd gnbv gy3t qojq", dec, sizeof dec), 20);
    assert_memory_equal(dec, key, 20);
    assert_int_equal(totp_base32_decode("GEZ1", dec, sizeof dec), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rfc4226_hotp),
        cmocka_unit_test(test_rfc6238_sha1),
        cmocka_unit_test(test_verify_with_drift),
        cmocka_unit_test(test_base32),
    };
    return cmocka_run_group_tests_name("totp", tests, NULL, NULL);
}
