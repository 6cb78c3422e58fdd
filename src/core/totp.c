#include "core/totp.h"

#include <ctype.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <string.h>

uint32_t totp_hotp(const unsigned char *key, size_t keylen, uint64_t counter, int digits)
{
    unsigned char msg[8], md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    for (int i = 7; i >= 0; i--) {
        msg[i] = (unsigned char)(counter & 0xff);
        counter >>= 8;
    }
    HMAC(EVP_sha1(), key, (int)keylen, msg, sizeof msg, md, &mdlen);
    int off = md[mdlen - 1] & 0x0f;
    uint32_t bin = ((uint32_t)(md[off] & 0x7f) << 24) | ((uint32_t)md[off + 1] << 16) |
                   ((uint32_t)md[off + 2] << 8) | md[off + 3];
    uint32_t mod = 1;
    for (int i = 0; i < digits; i++)
        mod *= 10;
    return bin % mod;
}

uint32_t totp_code(const unsigned char *key, size_t keylen, time_t t, int digits)
{
    return totp_hotp(key, keylen, (uint64_t)(t / 30), digits);
}

int64_t totp_verify(const unsigned char *key, size_t keylen, const char *code, time_t t)
{
    if (!code || strlen(code) != 6)
        return -1;
    uint32_t want = 0;
    for (int i = 0; i < 6; i++) {
        if (!isdigit((unsigned char)code[i]))
            return -1;
        want = want * 10 + (uint32_t)(code[i] - '0');
    }
    int64_t step = (int64_t)(t / 30), match = -1;
    for (int d = -1; d <= 1; d++) {
        /* Compute every candidate so the time taken does not say which step matched. */
        uint32_t got = totp_hotp(key, keylen, (uint64_t)(step + d), 6);
        if (got == want && match < 0)
            match = step + d;
    }
    return match;
}

static const char b32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

void totp_base32_encode(const unsigned char *in, size_t n, char *out)
{
    size_t o = 0;
    uint32_t acc = 0;
    int bits = 0;
    for (size_t i = 0; i < n; i++) {
        acc = (acc << 8) | in[i];
        bits += 8;
        while (bits >= 5) {
            out[o++] = b32[(acc >> (bits - 5)) & 31];
            bits -= 5;
        }
    }
    if (bits > 0)
        out[o++] = b32[(acc << (5 - bits)) & 31];
    out[o] = '\0';
}

int totp_base32_decode(const char *in, unsigned char *out, size_t outsz)
{
    uint32_t acc = 0;
    int bits = 0;
    size_t o = 0;
    for (; *in; in++) {
        char ch = (char)toupper((unsigned char)*in);
        if (ch == ' ' || ch == '=' || ch == '-')
            continue;
        const char *p = strchr(b32, ch);
        if (!p || !ch)
            return -1;
        acc = (acc << 5) | (uint32_t)(p - b32);
        bits += 5;
        if (bits >= 8) {
            if (o >= outsz)
                return -1;
            out[o++] = (unsigned char)((acc >> (bits - 8)) & 0xff);
            bits -= 8;
        }
    }
    return (int)o;
}
