/* Time-based one-time passwords (RFC 6238 over RFC 4226 HOTP), as every authenticator app
 * computes them: HMAC-SHA1, 30-second steps, 6 digits. */
#ifndef ISMS_TOTP_H
#define ISMS_TOTP_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define TOTP_SECRET_BYTES 20

/* The HOTP value of key at counter, with `digits` digits (6..8). */
uint32_t totp_hotp(const unsigned char *key, size_t keylen, uint64_t counter, int digits);
/* The TOTP code at time t (30 s steps). */
uint32_t totp_code(const unsigned char *key, size_t keylen, time_t t, int digits);
/* Check a 6-digit code typed by the user at time t, accepting one step of clock drift either way.
 * Returns the matched step (so a caller can refuse reuse), or -1. */
int64_t totp_verify(const unsigned char *key, size_t keylen, const char *code, time_t t);
/* RFC 4648 base32 without padding, as authenticator apps take secrets; out needs 8*n/5+2 bytes. */
void totp_base32_encode(const unsigned char *in, size_t n, char *out);
/* Decode base32 (case-insensitive, spaces and '=' ignored); returns bytes written or -1. */
int totp_base32_decode(const char *in, unsigned char *out, size_t outsz);

#endif
