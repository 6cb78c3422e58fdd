/* The reading half of the host checks (host.h): the state of one check run, paths read under the
 * configured root and kept as evidence, the finding lines, the fixed commands and the parsers of
 * the configuration files the checks read (ini/dconf/shell assignments, nftables and iptables
 * rules, apt.conf and the dpkg status, sshd_config). Strings live in the run's arena. */
#ifndef ISMS_COLLECT_HOST_PARSE_H
#define ISMS_COLLECT_HOST_PARSE_H

#include <jansson.h>
#include <stddef.h>

#include "collect/check.h"

typedef struct host {
    check_ctx *ctx;
    arena *a;
    const char *root; /* "" for the real root, else a prefix without a trailing slash */
    json_t *read;     /* evidence: every path and command consulted */
    buf d;            /* details, one finding per line */
} host;

/* --- evidence and details --- */

/* A JSON string of n bytes; bytes that are not UTF-8 become '?' rather than losing the text. */
json_t *host_jstr(const char *s, size_t n);
/* Append o (owned) to the run's evidence; NULL is ignored. */
void host_ev(host *h, json_t *o);
/* Add one finding line to the details. */
void host_say(host *h, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Fill out with the status, the summary and the details said so far; returns ISMS_OK. */
int host_verdict(host *h, check_result *out, check_status st, const char *summary);

/* --- reading the root --- */

/* path under the root. */
const char *host_full(host *h, const char *path);
/* The contents of a regular file under the root (NUL-terminated, capped), or NULL; not evidence. */
char *host_slurp(host *h, const char *path, size_t *lenp);
/* host_slurp() and note it as evidence: the content when keep, else only its size. */
char *host_read(host *h, const char *path, int keep, size_t *lenp);
/* Whether path exists under the root (noted as evidence). */
int host_exists(host *h, const char *path);
/* The sorted names in a directory under the root, dot files left out; NULL when unreadable. */
char **host_list(host *h, const char *dir, size_t *np);
/* s without leading and trailing white space (in place). */
char *host_trim(char *s);
/* s without one pair of surrounding single or double quotes (in place). */
char *host_unquote(char *s);
/* The next line of *p, copied into the arena; NULL at the end. */
char *host_next_line(host *h, const char **p);
/* Whether a process of that name runs on the host; /proc/<pid>/comm keeps only 15 characters. */
int host_running(host *h, const char *comm);
/* Whether a systemd unit is enabled: linked from some /etc/systemd/system/<target>.wants. */
int host_unit_enabled(host *h, const char *unit);

/* --- configuration files --- */

/* The last value of key in [section] (NULL: before any section) of an ini, dconf keyfile or shell
 * assignment file; quotes and KDE's "[$i]" key markers stripped; *lineno gets its line. */
char *host_ini_get(host *h, const char *text, const char *section, const char *key, int *lineno);
/* yes, true, 1 or on. */
int host_truthy(const char *v);
/* Whether an nft ruleset has an input base chain that denies by default. */
int host_nft_denies(host *h, const char *rs);
/* The same for iptables rules: `iptables -S INPUT` output or an iptables-save file. */
int host_ipt_denies(host *h, const char *t);
/* The last value of key ("A::B::C", case-insensitive) in apt.conf(5) text p into *val; 1 when set. */
int host_apt_get(host *h, const char *p, const char *key, char **val);
/* Whether dpkg has pkg installed; its Version goes to *ver. */
int host_dpkg_installed(host *h, const char *pkg, char **ver);
/* Whether apt reads an apt.conf.d part of that name ([A-Za-z0-9_.-], no backup suffix). */
int host_apt_part(const char *n);

/* --- commands --- */

/* The output of a fixed command, or NULL when unavailable (see host.h for the override files). */
char *host_cmd(host *h, const char *key, char *const argv[]);

/* --- sshd_config --- */

enum { HOST_SSH_ROOT, HOST_SSH_PASS, HOST_SSH_EMPTY, HOST_SSH_KBD, HOST_SSH_PAM, HOST_SSH_CIPHERS, HOST_SSH_MACS,
       HOST_SSH_KEX, HOST_SSH_N };
/* The keywords checked, and OpenSSH's defaults for them (NULL: the built-in algorithm lists). */
extern const char *const host_ssh_kw[HOST_SSH_N];
extern const char *const host_ssh_default[HOST_SSH_N];

/* Include bounds: sshd itself refuses a configuration nested deeper than 16 (SERVCONF_MAX_DEPTH);
 * the file and byte totals stop "Include x x" chains that double at every level. */
#define HOST_SSH_MAX_DEPTH 16
#define HOST_SSH_MAX_FILES 256
#define HOST_SSH_MAX_BYTES (16u << 20)

typedef struct host_ssh_conf {
    const char *val[HOST_SSH_N], *at[HOST_SSH_N]; /* the value in effect and "file:line" */
    struct {
        int kw;
        const char *val, *at, *match;
    } m[32]; /* settings inside Match blocks */
    int nm;
    int files;          /* configuration files read, the main one included */
    size_t bytes;       /* their total size */
    const char *limit;  /* the first Include cycle or bound hit ("file:line: ..."), else NULL */
} host_ssh_conf;

/* Parse sshd_config at path as sshd does: the first value of a keyword wins, Include expands
 * globs (relative to /etc/ssh) in place, and a Match block runs to the end of its file. An
 * Include of a file already being read (a cycle), nesting past HOST_SSH_MAX_DEPTH and more than
 * HOST_SSH_MAX_FILES files or HOST_SSH_MAX_BYTES bytes in all are not followed: c->limit says
 * which, and the finding is in the details. */
void host_ssh_parse(host *h, host_ssh_conf *c, const char *path);
/* Whether a flag's value is safe; kbd-interactive only matters when PAM would ask passwords. */
int host_ssh_safe(int i, const char *v, const char *pam);
/* The weak algorithms named in an sshd algorithm list ("-" lists only remove), or NULL. */
char *host_ssh_weak_algs(host *h, const char *list);

#endif
