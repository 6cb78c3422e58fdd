/* Linux host checks (see host.h): each reads files under the configured root, explains its
 * verdict one finding per line and keeps what it consulted as one JSON evidence line. */
#include "collect/host.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <glob.h>
#include <jansson.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define FILE_MAX (16u << 20) /* /var/lib/dpkg/status of a large install is a few MB */
#define KEEP_MAX (64u << 10) /* evidence kept per file */
#define OUT_MAX (1u << 20)   /* command output */
#define DAY 86400

typedef struct host {
    check_ctx *ctx;
    arena *a;
    const char *root; /* "" for the real root, else a prefix without a trailing slash */
    json_t *read;     /* evidence: every path and command consulted */
    buf d;            /* details, one finding per line */
} host;

const char *const host_command_keys[] = {"nft-list-ruleset", "iptables-S-INPUT", NULL};

/* ---- evidence and details ---- */

/* A JSON string of n bytes; bytes that are not UTF-8 become '?' rather than losing the text. */
static json_t *jstr(const char *s, size_t n)
{
    json_t *j = json_stringn(s, n);
    if (j || !s)
        return j;
    char *c = malloc(n + 1);
    if (!c)
        return NULL;
    for (size_t i = 0; i < n; i++)
        c[i] = (unsigned char)s[i] < 0x80 ? s[i] : '?';
    j = json_stringn(c, n);
    free(c);
    return j;
}

static void ev(host *h, json_t *o)
{
    if (o)
        json_array_append_new(h->read, o);
}

static void say(host *h, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(host *h, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = arena_vsprintf(h->a, fmt, ap);
    va_end(ap);
    if (h->d.len)
        buf_putc(&h->d, '\n');
    buf_puts(&h->d, s); /* past the cap the details are cut short, which is fine */
}

static int verdict(host *h, check_result *out, check_status st, const char *summary)
{
    out->status = st;
    out->summary = summary;
    out->details = h->d.len ? arena_strndup(h->a, h->d.data, h->d.len) : NULL;
    return ISMS_OK;
}

/* ---- reading the root ---- */

static const char *full(host *h, const char *path) { return arena_sprintf(h->a, "%s%s", h->root, path); }

/* The contents of a regular file under the root (NUL-terminated, capped), or NULL. */
static char *slurp(host *h, const char *path, size_t *lenp)
{
    *lenp = 0;
    int fd = open(full(h, path), O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0)
        return NULL;
    struct stat st;
    if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
        close(fd);
        return NULL;
    }
    buf b;
    buf_init(&b, FILE_MAX);
    char chunk[8192];
    ssize_t n;
    while ((n = read(fd, chunk, sizeof chunk)) > 0 && b.len < FILE_MAX)
        if (buf_append(&b, chunk, (size_t)n)) /* over the cap: keep what fits */
            buf_append(&b, chunk, FILE_MAX - b.len);
    close(fd);
    char *s = arena_strndup(h->a, b.data ? b.data : "", b.len);
    *lenp = b.len;
    buf_free(&b);
    return s;
}

/* slurp() and note it as evidence: the content when keep, else only its size. */
static char *h_read(host *h, const char *path, int keep, size_t *lenp)
{
    size_t n;
    char *s = slurp(h, path, &n);
    if (lenp)
        *lenp = n;
    if (!s)
        ev(h, json_pack("{s:s,s:b}", "path", path, "missing", 1));
    else if (keep)
        ev(h, json_pack("{s:s,s:o,s:b}", "path", path, "content", jstr(s, n < KEEP_MAX ? n : KEEP_MAX), "truncated",
                        n > KEEP_MAX));
    else
        ev(h, json_pack("{s:s,s:I}", "path", path, "size", (json_int_t)n));
    return s;
}

static int h_exists(host *h, const char *path)
{
    struct stat st;
    int ok = lstat(full(h, path), &st) == 0;
    ev(h, json_pack("{s:s,s:b}", "path", path, "exists", ok));
    return ok;
}

static int cmpstr(const void *x, const void *y) { return strcmp(*(char *const *)x, *(char *const *)y); }

/* The sorted names in a directory under the root, dot files left out; NULL when unreadable. */
static char **h_list(host *h, const char *dir, size_t *np)
{
    *np = 0;
    DIR *d = opendir(full(h, dir));
    if (!d) {
        ev(h, json_pack("{s:s,s:b}", "path", dir, "missing", 1));
        return NULL;
    }
    size_t cap = 16, n = 0;
    char **v = arena_alloc(h->a, cap * sizeof *v);
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        if (n + 1 == cap) {
            char **w = arena_alloc(h->a, (cap *= 2) * sizeof *w);
            memcpy(w, v, n * sizeof *v);
            v = w;
        }
        v[n++] = arena_strdup(h->a, e->d_name);
    }
    closedir(d);
    qsort(v, n, sizeof *v, cmpstr);
    json_t *names = json_array();
    for (size_t i = 0; i < n && i < 512; i++)
        json_array_append_new(names, jstr(v[i], strlen(v[i])));
    ev(h, json_pack("{s:s,s:o}", "path", dir, "entries", names));
    *np = n;
    return v;
}

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1]))
        s[--n] = '\0';
    return s;
}

static char *unquote(char *s)
{
    size_t n = strlen(s);
    if (n >= 2 && (s[0] == '"' || s[0] == '\'') && s[n - 1] == s[0]) {
        s[n - 1] = '\0';
        return s + 1;
    }
    return s;
}

/* The next line of *p, copied into the arena; NULL at the end. */
static char *next_line(host *h, const char **p)
{
    if (!*p || !**p)
        return NULL;
    size_t n = strcspn(*p, "\n");
    char *l = arena_strndup(h->a, *p, n);
    *p += n + ((*p)[n] == '\n');
    return l;
}

/* Whether a process of that name runs on the host; /proc/<pid>/comm keeps only 15 characters. */
static int h_running(host *h, const char *comm)
{
    int found = 0;
    DIR *d = opendir(full(h, "/proc"));
    struct dirent *e;
    while (d && !found && (e = readdir(d))) {
        if (!isdigit((unsigned char)e->d_name[0]))
            continue;
        size_t n;
        char *c = slurp(h, arena_sprintf(h->a, "/proc/%s/comm", e->d_name), &n);
        c = c ? trim(c) : NULL;
        found = c && !strncmp(c, comm, 15) && strlen(c) == (strlen(comm) < 15 ? strlen(comm) : 15);
    }
    if (d)
        closedir(d);
    ev(h, json_pack("{s:s,s:b}", "process", comm, "running", found));
    return found;
}

/* Whether a systemd unit is enabled: linked from some /etc/systemd/system/<target>.wants. */
static int unit_enabled(host *h, const char *unit)
{
    size_t n;
    char **e = h_list(h, "/etc/systemd/system", &n);
    for (size_t i = 0; i < n; i++) {
        size_t k = strlen(e[i]);
        struct stat st;
        if (k > 6 && !strcmp(e[i] + k - 6, ".wants") &&
            !lstat(full(h, arena_sprintf(h->a, "/etc/systemd/system/%s/%s", e[i], unit)), &st)) {
            ev(h, json_pack("{s:s,s:s}", "unit", unit, "enabled_by", e[i]));
            return 1;
        }
    }
    ev(h, json_pack("{s:s,s:b}", "unit", unit, "enabled", 0));
    return 0;
}

/* The last value of key in [section] (NULL: before any section) of an ini, dconf keyfile or shell
 * assignment file; quotes and KDE's "[$i]" key markers stripped; *lineno gets its line. */
static char *ini_get(host *h, const char *text, const char *section, const char *key, int *lineno)
{
    char *val = NULL, *l;
    int in = section == NULL, no = 0;
    for (const char *p = text; p && (l = next_line(h, &p));) {
        no++;
        char *s = trim(l), *eq;
        if (*s == '[') {
            char *e = strchr(s, ']');
            if (e)
                *e = '\0';
            in = section && !strcmp(trim(s + 1), section);
        } else if (in && *s != '#' && *s != ';' && (eq = strchr(s, '='))) {
            *eq = '\0';
            s[strcspn(s, "[")] = '\0';
            if (!strcasecmp(trim(s), key)) {
                val = unquote(trim(eq + 1));
                if (lineno)
                    *lineno = no;
            }
        }
    }
    return val;
}

static int truthy(const char *v)
{
    return v && (!strcasecmp(v, "yes") || !strcasecmp(v, "true") || !strcmp(v, "1") || !strcasecmp(v, "on"));
}

/* ---- commands ---- */

/* The output of a fixed command, or NULL when unavailable (see host.h for the override files). */
static char *h_cmd(host *h, const char *key, char *const argv[])
{
    if (*h->root)
        return h_read(h, arena_sprintf(h->a, "/run/isms-host/%s.out", key), 1, NULL);
    static const char *const dirs[] = {"/usr/sbin/", "/sbin/", "/usr/bin/", "/bin/"};
    const char *exe = NULL;
    for (size_t i = 0; !exe && i < sizeof dirs / sizeof *dirs; i++) {
        const char *p = arena_sprintf(h->a, "%s%s", dirs[i], argv[0]);
        if (!access(p, X_OK))
            exe = p;
    }
    json_t *args = json_array();
    for (size_t i = 0; argv[i]; i++)
        json_array_append_new(args, json_string(argv[i]));
    json_t *o = json_pack("{s:s,s:o}", "command", key, "argv", args);
    ev(h, o);
    int fds[2];
    if (!exe || !o || pipe(fds)) {
        json_object_set_new(o, "available", json_false());
        return NULL;
    }
    fcntl(fds[0], F_SETFD, FD_CLOEXEC);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    if (fds[1] > 2)
        posix_spawn_file_actions_addclose(&fa, fds[1]);
    char *envp[] = {"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C", NULL};
    pid_t pid;
    int rc = posix_spawn(&pid, exe, &fa, NULL, argv, envp);
    posix_spawn_file_actions_destroy(&fa);
    close(fds[1]);
    if (rc) {
        close(fds[0]);
        json_object_set_new(o, "available", json_false());
        return NULL;
    }
    struct timespec t0, t;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    long limit = h->ctx->timeout_ms > 0 ? h->ctx->timeout_ms : 15000;
    buf b;
    buf_init(&b, OUT_MAX);
    int timed_out = 0;
    for (;;) {
        clock_gettime(CLOCK_MONOTONIC, &t);
        long left = limit - ((t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000);
        struct pollfd pf = {.fd = fds[0], .events = POLLIN};
        int pr = left > 0 ? poll(&pf, 1, (int)left) : 0;
        if (pr < 0 && errno == EINTR)
            continue;
        if (pr <= 0) {
            timed_out = 1;
            break;
        }
        char chunk[4096];
        ssize_t n = read(fds[0], chunk, sizeof chunk);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        if (buf_append(&b, chunk, (size_t)n)) {
            timed_out = 1; /* runaway output: stop it like a hang */
            break;
        }
    }
    close(fds[0]);
    if (timed_out)
        kill(pid, SIGKILL);
    int st = 0;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    int ok = !timed_out && WIFEXITED(st) && WEXITSTATUS(st) == 0;
    json_object_set_new(o, "exit", json_integer(WIFEXITED(st) ? WEXITSTATUS(st) : -1));
    json_object_set_new(o, "timed_out", json_boolean(timed_out));
    json_object_set_new(o, "output", jstr(b.data ? b.data : "", b.len < KEEP_MAX ? b.len : KEEP_MAX));
    char *out = ok ? arena_strndup(h->a, b.data ? b.data : "", b.len) : NULL;
    buf_free(&b);
    return out;
}

/* ---- host.disk_encryption ---- */

static int is_crypt(const char *uuid)
{
    /* dm-verity and dm-integrity also use the CRYPT- prefix but do not encrypt */
    return !strncmp(uuid, "CRYPT-", 6) && strncmp(uuid + 6, "VERITY", 6) && strncmp(uuid + 6, "INTEGRITY", 9);
}

static char *sysblk(host *h, const char *dev, const char *file, int keep)
{
    size_t n;
    const char *p = arena_sprintf(h->a, "/sys/class/block/%s/%s", dev, file);
    char *s = keep ? h_read(h, p, 1, &n) : slurp(h, p, &n);
    return s ? trim(s) : NULL;
}

/* The block device whose "dev" is majmin, or whose dm name is mapper; NULL when none. */
static char *find_dev(host *h, const char *majmin, const char *mapper)
{
    size_t n;
    char **e = h_list(h, "/sys/class/block", &n);
    for (size_t i = 0; i < n; i++) {
        char *v = sysblk(h, e[i], majmin ? "dev" : "dm/name", 0);
        if (v && !strcmp(v, majmin ? majmin : mapper))
            return e[i];
    }
    return NULL;
}

/* Whether every path from dev down to the disks passes through dm-crypt; prints the tree. */
static int crypt_walk(host *h, const char *dev, int depth, const char **crypt)
{
    char *uuid = sysblk(h, dev, "dm/uuid", 1), *name = uuid ? sysblk(h, dev, "dm/name", 1) : NULL;
    say(h, "%*s%s%s%s%s%s", depth * 2, "", dev, name ? " (" : "", name ? name : "", name ? ")" : "",
        uuid ? arena_sprintf(h->a, " dm uuid %s", uuid) : "");
    if (uuid && is_crypt(uuid)) {
        if (!*crypt)
            *crypt = name ? name : dev;
        return 1;
    }
    size_t n;
    char **s = depth < 8 ? h_list(h, arena_sprintf(h->a, "/sys/class/block/%s/slaves", dev), &n) : NULL;
    int all = s && n;
    for (size_t i = 0; s && i < n; i++)
        all &= crypt_walk(h, s[i], depth + 1, crypt);
    return all;
}

static int disk_run(host *h, check_result *out, isms_err *err)
{
    char *majmin = NULL, *fstype = NULL, *src = NULL, *l;
    size_t n;
    const char *table = "/proc/self/mountinfo";
    char *text = h_read(h, table, 1, &n);
    for (const char *p = text; p && (l = next_line(h, &p));) {
        size_t k = strlen(l) + 1;
        char *mm = arena_alloc(h->a, k), *mp = arena_alloc(h->a, k), *fs = arena_alloc(h->a, k),
             *sv = arena_alloc(h->a, k), *sep = strstr(l, " - ");
        /* id parent maj:min root mountpoint options... - fstype source superoptions */
        if (sep && sscanf(l, "%*s %*s %s %*s %s", mm, mp) == 2 && sscanf(sep + 3, "%s %s", fs, sv) == 2 &&
            !strcmp(mp, "/"))
            majmin = mm, fstype = fs, src = sv; /* the last mount on / is the one in effect */
    }
    if (!text) {
        table = "/proc/mounts";
        text = h_read(h, table, 1, &n);
        for (const char *p = text; p && (l = next_line(h, &p));) {
            size_t k = strlen(l) + 1;
            char *sv = arena_alloc(h->a, k), *mp = arena_alloc(h->a, k), *fs = arena_alloc(h->a, k);
            if (sscanf(l, "%s %s %s", sv, mp, fs) == 3 && !strcmp(mp, "/"))
                fstype = fs, src = sv;
        }
    }
    if (!text)
        return err_set(err, ISMS_ENOTFOUND, "cannot read the mount table (%s/proc/self/mountinfo or /proc/mounts)",
                       h->root);
    if (!src)
        return err_set(err, ISMS_ENOTFOUND, "%s%s lists no filesystem mounted on /", h->root, table);
    /* major 0 is an anonymous device (btrfs, overlay): fall back to the source's name */
    char *dev = majmin && strncmp(majmin, "0:", 2) ? find_dev(h, majmin, NULL) : NULL;
    if (!dev && !strncmp(src, "/dev/mapper/", 12))
        dev = find_dev(h, NULL, src + 12);
    else if (!dev && !strncmp(src, "/dev/", 5) && !strchr(src + 5, '/') &&
             h_exists(h, arena_sprintf(h->a, "/sys/class/block/%s", src + 5)))
        dev = src + 5;
    const char *shown = !strncmp(src, "/dev/", 5) ? src : dev ? arena_sprintf(h->a, "/dev/%s", dev) : src;
    say(h, "/ is %s on %s%s%s (from %s)", fstype, shown, majmin ? " " : "", majmin ? majmin : "", table);
    if (!dev)
        return verdict(h, out, CHECK_ERROR,
                       arena_sprintf(h->a, "cannot tell whether / is encrypted: it is %s from %s, not a block device",
                                     fstype, src));
    const char *crypt = NULL;
    if (crypt_walk(h, dev, 0, &crypt))
        return verdict(h, out, CHECK_PASS, arena_sprintf(h->a, "/ is on %s, encrypted by dm-crypt (%s)", shown, crypt));
    return verdict(h, out, CHECK_FAIL,
                   arena_sprintf(h->a, "/ is on %s, not encrypted%s", shown,
                                 crypt ? " on every underlying device" : ""));
}

/* ---- host.firewall ---- */

/* Whether a rule is an unconditional verdict: 1 drop/reject, -1 accept, 0 anything else. Leading
 * counters ("counter packets 0 bytes 0") do not make a rule conditional. */
static int plain_verdict(host *h, const char *rule)
{
    char *s = arena_strdup(h->a, rule), *save = NULL;
    for (char *w = strtok_r(s, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
        if (!strcmp(w, "counter") || !strcmp(w, "packets") || !strcmp(w, "bytes") || isdigit((unsigned char)*w))
            continue;
        return !strcmp(w, "drop") || !strcmp(w, "reject") ? 1 : !strcmp(w, "accept") ? -1 : 0;
    }
    return 0;
}

/* Whether an nft ruleset has an input base chain that denies by default: policy drop, or a last
 * rule that drops or rejects whatever is left. */
static int nft_denies(host *h, const char *rs)
{
    for (const char *p = rs; (p = strstr(p, "hook input")); p += 10) {
        const char *c = strstr(p, "chain "), *t = strstr(p, "table ");
        const char *e = c && (!t || c < t) ? c : t ? t : p + strlen(p);
        const char *pol = strstr(p, "policy drop");
        /* the chain's last rule: the last line before e that is not a brace */
        const char *q = e;
        while (q > p && (isspace((unsigned char)q[-1]) || q[-1] == '}'))
            q--;
        const char *b = q;
        while (b > p && b[-1] != '\n' && b[-1] != ';')
            b--;
        int last = plain_verdict(h, arena_strndup(h->a, b, (size_t)(q - b)));
        if (last == 1 || (pol && pol < e && last != -1))
            return 1;
    }
    return 0;
}

/* The same for iptables rules: `iptables -S INPUT` output or an iptables-save file. */
static int ipt_denies(host *h, const char *t)
{
    int filter = 1, deny = 0; /* `iptables -S` shows no table lines: it is the filter table */
    const char *last = NULL;
    char *l;
    for (const char *p = t; p && (l = next_line(h, &p));) {
        char *s = trim(l);
        if (*s == '*')
            filter = !strcmp(s, "*filter");
        else if (filter && (!strncmp(s, "-P INPUT ", 9) || !strncmp(s, ":INPUT ", 7)))
            deny = !strncmp(s + (*s == ':' ? 7 : 9), "DROP", 4);
        else if (filter && !strncmp(s, "-A INPUT ", 9))
            last = s;
    }
    if (last && (!strcmp(last, "-A INPUT -j DROP") || !strncmp(last, "-A INPUT -j REJECT", 18)))
        return 1;
    return deny && !(last && !strcmp(last, "-A INPUT -j ACCEPT"));
}

static int firewall_run(host *h, check_result *out, isms_err *err)
{
    const char *pass = NULL;
    char *conf = h_read(h, "/etc/ufw/ufw.conf", 1, NULL);
    if (conf) {
        char *en = ini_get(h, conf, NULL, "ENABLED", NULL), *def = h_read(h, "/etc/default/ufw", 1, NULL);
        char *pol = def ? ini_get(h, def, NULL, "DEFAULT_INPUT_POLICY", NULL) : NULL;
        pol = pol ? pol : "DROP";
        int deny = !strcasecmp(pol, "DROP") || !strcasecmp(pol, "REJECT");
        say(h, "ufw: ENABLED=%s in /etc/ufw/ufw.conf, DEFAULT_INPUT_POLICY=%s", en ? en : "(not set)", pol);
        if (truthy(en) && deny && !pass)
            pass = "ufw is enabled with a default-deny incoming policy";
    }
    if (h_exists(h, "/usr/sbin/firewalld") || h_exists(h, "/etc/firewalld")) {
        char *fc = h_read(h, "/etc/firewalld/firewalld.conf", 1, NULL);
        char *zone = fc ? ini_get(h, fc, NULL, "DefaultZone", NULL) : NULL;
        zone = zone ? zone : "public";
        int run = h_running(h, "firewalld"), trusted = !strcmp(zone, "trusted");
        say(h, "firewalld: %s, default zone %s%s", run ? "running" : "installed but not running", zone,
            trusted ? " (accepts everything)" : "");
        if (run && !trusted && !pass)
            pass = arena_sprintf(h->a, "firewalld is running (default zone %s)", zone);
    }
    static char *const nft[] = {"nft", "list", "ruleset", NULL}, *const ipt[] = {"iptables", "-S", "INPUT", NULL};
    static const struct {
        const char *name, *key, *conf[2], *unit;
        char *const *argv;
        int (*denies)(host *, const char *);
    } fw[] = {
        {"nftables", "nft-list-ruleset", {"/etc/nftables.conf", "/etc/sysconfig/nftables.conf"}, "nftables.service",
         nft, nft_denies},
        {"iptables", "iptables-S-INPUT", {"/etc/iptables/rules.v4", "/etc/sysconfig/iptables"}, NULL, ipt, ipt_denies},
    };
    for (size_t i = 0; i < sizeof fw / sizeof *fw; i++) {
        /* the live rules decide when they can be read; otherwise the saved rules loaded at boot */
        char *live = h_cmd(h, fw[i].key, fw[i].argv);
        if (live) {
            int d = fw[i].denies(h, live), empty = !*trim(live);
            say(h, "%s: the loaded rules %s", fw[i].name,
                empty ? "are empty" : d ? "drop incoming traffic by default" : "accept incoming traffic by default");
            if (d && !pass)
                pass = arena_sprintf(h->a, "the loaded %s rules drop incoming traffic by default", fw[i].name);
            continue;
        }
        for (size_t c = 0; c < 2; c++) {
            char *saved = h_read(h, fw[i].conf[c], 1, NULL);
            if (!saved)
                continue;
            const char *unit = fw[i].unit ? fw[i].unit : c ? "iptables.service" : "netfilter-persistent.service";
            int d = fw[i].denies(h, saved), on = unit_enabled(h, unit);
            say(h, "%s: %s %s incoming traffic by default; %s is %s", fw[i].name, fw[i].conf[c],
                d ? "drops" : "accepts", unit, on ? "enabled at boot" : "not enabled");
            if (d && on && !pass)
                pass = arena_sprintf(h->a, "%s loads %s, which drops incoming traffic by default", unit, fw[i].conf[c]);
        }
    }
    if (!h->d.len)
        say(h, "no ufw, firewalld, nftables or iptables configuration found");
    return verdict(h, out, pass ? CHECK_PASS : CHECK_FAIL,
                   pass ? pass : "no active firewall with a default-deny incoming policy");
}

/* ---- host.auto_updates ---- */

/* The last value of key (case-insensitive, "A::B::C") in apt.conf(5) syntax: "A::B "v";" and
 * scopes "A { B "v"; };", with //, # and C comments. */
static int apt_get(host *h, const char *p, const char *key, char **val)
{
    const char *scope[16], *pend = NULL;
    int depth = 0, found = 0;
    while (*p) {
        if (isspace((unsigned char)*p) || *p == ';') {
            pend = *p == ';' ? NULL : pend;
            p++;
        } else if (*p == '#' || (p[0] == '/' && p[1] == '/')) {
            p += strcspn(p, "\n");
        } else if (p[0] == '/' && p[1] == '*') {
            const char *e = strstr(p + 2, "*/");
            p = e ? e + 2 : p + strlen(p);
        } else if (*p == '{' || *p == '}') {
            if (*p == '{' && depth < 16)
                scope[depth] = pend ? pend : "";
            depth += *p == '{' ? 1 : depth > 0 ? -1 : 0;
            pend = NULL;
            p++;
        } else {
            /* a "quoted" string or a bare word */
            int q = *p == '"';
            const char *s = p + q;
            for (p = s; *p && (q ? *p != '"' : !isspace((unsigned char)*p) && !strchr("{};\"", *p)); p++)
                ;
            char *tok = arena_strndup(h->a, s, (size_t)(p - s));
            if (q && *p == '"')
                p++;
            if (!pend) {
                pend = tok;
                continue;
            }
            buf k;
            buf_init(&k, 4096);
            for (int i = 0; i < depth && i < 16; i++)
                if (*scope[i])
                    buf_printf(&k, "%s::", scope[i]);
            buf_puts(&k, pend);
            if (k.data && !strcasecmp(k.data, key))
                *val = tok, found = 1;
            buf_free(&k);
            pend = NULL;
        }
    }
    return found;
}

/* Whether dpkg has pkg installed; its Version goes to *ver. */
static int dpkg_installed(host *h, const char *pkg, char **ver)
{
    char *st = h_read(h, "/var/lib/dpkg/status", 0, NULL);
    char *needle = arena_sprintf(h->a, "Package: %s\n", pkg);
    for (char *p = st; p && (p = strstr(p, needle)); p++) {
        if (p != st && p[-1] != '\n')
            continue;
        char *end = strstr(p, "\n\n"), *stanza = arena_strndup(h->a, p, end ? (size_t)(end - p) : strlen(p));
        ev(h, json_pack("{s:s,s:o}", "path", "/var/lib/dpkg/status", "excerpt",
                        jstr(stanza, strlen(stanza) < 4096 ? strlen(stanza) : 4096)));
        char *s = strstr(stanza, "\nStatus: "), *v = strstr(stanza, "\nVersion: ");
        if (v)
            *ver = arena_strndup(h->a, v + 10, strcspn(v + 10, "\n"));
        size_t k = s ? strcspn(s + 9, "\n") : 0;
        return k >= 10 && !strncmp(s + 9 + k - 10, " installed", 10);
    }
    return 0;
}

/* apt reads apt.conf.d parts whose names are only [A-Za-z0-9_.-] and lack backup suffixes. */
static int apt_part(const char *n)
{
    static const char *const skip[] = {"~", ".disabled", ".bak", ".save", ".orig", ".distUpgrade", ".dpkg-old",
                                       ".dpkg-new", ".dpkg-dist", ".dpkg-tmp", ".ucf-old", ".ucf-new", ".ucf-dist"};
    size_t len = strlen(n);
    if (strspn(n, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-") != len)
        return 0;
    for (size_t i = 0; i < sizeof skip / sizeof *skip; i++)
        if (len >= strlen(skip[i]) && !strcmp(n + len - strlen(skip[i]), skip[i]))
            return 0;
    return 1;
}

static int updates_run(host *h, check_result *out, isms_err *err)
{
    const char *pass = NULL, *fail = NULL;
    size_t n;
    char **parts = h_list(h, "/etc/apt/apt.conf.d", &n);
    if (parts || h_exists(h, "/var/lib/dpkg/status")) {
        char *uu = NULL, *en = NULL, *ver = NULL;
        const char *at = NULL;
        /* parts in order, then apt.conf: the last setting wins */
        for (size_t i = 0; i <= n; i++) {
            if (i < n && !apt_part(parts[i]))
                continue;
            const char *path = i < n ? arena_sprintf(h->a, "/etc/apt/apt.conf.d/%s", parts[i]) : "/etc/apt/apt.conf";
            char *text = i < n || h_exists(h, path) ? h_read(h, path, 1, NULL) : NULL;
            if (text && apt_get(h, text, "APT::Periodic::Unattended-Upgrade", &uu))
                at = path;
            if (text)
                apt_get(h, text, "APT::Periodic::Enable", &en);
        }
        int on = uu && atoi(uu) > 0 && !(en && !strcmp(en, "0")), inst = dpkg_installed(h, "unattended-upgrades", &ver);
        if (uu)
            say(h, "APT::Periodic::Unattended-Upgrade \"%s\" (%s)", uu, at);
        else
            say(h, "APT::Periodic::Unattended-Upgrade is not set in /etc/apt/apt.conf.d");
        if (en && !strcmp(en, "0"))
            say(h, "APT::Periodic::Enable \"0\" turns off every periodic apt job");
        say(h, inst ? "unattended-upgrades %s is installed" : "the unattended-upgrades package is not installed%s",
            inst ? (ver ? ver : "") : " (/var/lib/dpkg/status)");
        if (on && inst)
            pass = "unattended-upgrades installs updates automatically";
        else
            fail = !inst ? "the unattended-upgrades package is not installed"
                         : "APT::Periodic::Unattended-Upgrade is not enabled";
    }
    static const struct {
        const char *conf, *timer, *install_timer;
    } rh[] = {
        {"/etc/dnf/automatic.conf", "dnf-automatic.timer", "dnf-automatic-install.timer"},
        {"/etc/dnf/dnf5-plugins/automatic.conf", "dnf5-automatic.timer", NULL},
        {"/etc/yum/yum-cron.conf", "yum-cron.service", NULL},
    };
    for (size_t i = 0; i < sizeof rh / sizeof *rh && !pass; i++) {
        if (!h_exists(h, rh[i].conf))
            continue;
        char *text = h_read(h, rh[i].conf, 1, NULL);
        int line = 0;
        char *apply = text ? ini_get(h, text, "commands", "apply_updates", &line) : NULL;
        char *type = text ? ini_get(h, text, "commands", "upgrade_type", NULL) : NULL;
        int timer = unit_enabled(h, rh[i].timer), inst = rh[i].install_timer && unit_enabled(h, rh[i].install_timer);
        say(h, "apply_updates = %s (%s%s), upgrade_type = %s", apply ? apply : "no (not set)", rh[i].conf,
            line ? arena_sprintf(h->a, ":%d", line) : "", type ? type : "default");
        say(h, "%s is %s%s", rh[i].timer, timer ? "enabled" : "not enabled",
            inst ? arena_sprintf(h->a, "; %s is enabled", rh[i].install_timer) : "");
        if ((truthy(apply) && timer) || inst)
            pass = arena_sprintf(h->a, "%s applies updates automatically", rh[i].timer);
        else
            fail = !truthy(apply) ? arena_sprintf(h->a, "apply_updates is not yes in %s", rh[i].conf)
                                  : arena_sprintf(h->a, "%s is not enabled", rh[i].timer);
    }
    if (pass)
        return verdict(h, out, CHECK_PASS, pass);
    if (!fail) {
        char *os = h_read(h, "/etc/os-release", 1, NULL), *name = os ? ini_get(h, os, NULL, "PRETTY_NAME", NULL) : NULL;
        say(h, "no unattended-upgrades (apt) or dnf-automatic configuration found%s%s", name ? " on " : "",
            name ? name : "");
        fail = "no automatic security updates configured";
    }
    return verdict(h, out, CHECK_FAIL, fail);
}

/* ---- host.ssh_hardening ---- */

enum { S_ROOT, S_PASS, S_EMPTY, S_KBD, S_PAM, S_CIPHERS, S_MACS, S_KEX, S_N };
static const char *const ssh_kw[S_N] = {"PermitRootLogin", "PasswordAuthentication", "PermitEmptyPasswords",
                                        "KbdInteractiveAuthentication", "UsePAM", "Ciphers", "MACs", "KexAlgorithms"};
static const char *const ssh_default[S_N] = {"prohibit-password", "yes", "no", "yes", "no", NULL, NULL, NULL};

typedef struct ssh_conf {
    const char *val[S_N], *at[S_N];
    struct {
        int kw;
        const char *val, *at, *match;
    } m[32]; /* settings inside Match blocks */
    int nm;
} ssh_conf;

static int ssh_index(const char *kw)
{
    if (!strcasecmp(kw, "ChallengeResponseAuthentication")) /* deprecated alias */
        return S_KBD;
    for (int i = 0; i < S_N; i++)
        if (!strcasecmp(kw, ssh_kw[i]))
            return i;
    return -1;
}

/* Parse one sshd_config file as sshd does: the first value of a keyword wins, Include expands
 * globs (relative to /etc/ssh) in place, and a Match block runs to the end of its file. */
static void ssh_parse(host *h, ssh_conf *c, const char *path, int depth, const char *match)
{
    char *text = h_read(h, path, 1, NULL), *l;
    int no = 0;
    for (const char *p = text; p && (l = next_line(h, &p));) {
        no++;
        char *s = trim(l), *arg = s + strcspn(s, " \t=");
        if (!*s || *s == '#')
            continue;
        if (*arg) {
            *arg++ = '\0';
            arg = trim(arg);
            arg = *arg == '=' ? trim(arg + 1) : arg;
        }
        const char *at = arena_sprintf(h->a, "%s:%d", path, no);
        if (!strcasecmp(s, "Match")) {
            match = arena_sprintf(h->a, "Match %s", arg);
            continue;
        }
        if (!strcasecmp(s, "Include")) {
            char *save = NULL;
            for (char *w = strtok_r(arg, " \t", &save); w && depth < 16; w = strtok_r(NULL, " \t", &save)) {
                const char *pat = *w == '/' ? w : arena_sprintf(h->a, "/etc/ssh/%s", w);
                glob_t g = {0};
                int rc = glob(full(h, pat), 0, NULL, &g);
                ev(h, json_pack("{s:s,s:s,s:i}", "include", pat, "from", at, "matched", rc ? 0 : (int)g.gl_pathc));
                for (size_t i = 0; !rc && i < g.gl_pathc; i++)
                    ssh_parse(h, c, arena_strdup(h->a, g.gl_pathv[i] + strlen(h->root)), depth + 1, match);
                globfree(&g);
            }
            if (depth >= 16)
                say(h, "%s: Include nested more than 16 deep, not followed", at);
            continue;
        }
        int i = ssh_index(s);
        char *v = unquote(arg);
        if (i < 0 || !*v)
            continue;
        if (i < S_CIPHERS)
            v[strcspn(v, " \t")] = '\0';
        if (match && c->nm < 32)
            c->m[c->nm].kw = i, c->m[c->nm].val = v, c->m[c->nm].at = at, c->m[c->nm++].match = match;
        else if (!match && !c->val[i])
            c->val[i] = v, c->at[i] = at;
    }
}

/* Whether a flag's value is safe; kbd-interactive only matters when PAM would ask passwords. */
static int ssh_safe(int i, const char *v, const char *pam)
{
    if (i == S_ROOT)
        return strcasecmp(v, "yes") != 0;
    if (i == S_KBD)
        return !strcasecmp(v, "no") || strcasecmp(pam, "yes");
    return i == S_PAM || !strcasecmp(v, "no");
}

/* The weak algorithms named in an sshd algorithm list ("-" lists only remove). */
static char *weak_algs(host *h, const char *list)
{
    static const char *const weak[] = {
        "3des-cbc", "aes128-cbc", "aes192-cbc", "aes256-cbc", "blowfish-cbc", "cast128-cbc", "arcfour", "arcfour128",
        "arcfour256", "rijndael-cbc@lysator.liu.se", "hmac-md5", "hmac-md5-96", "hmac-md5-etm@openssh.com",
        "hmac-md5-96-etm@openssh.com", "hmac-sha1", "hmac-sha1-96", "hmac-sha1-etm@openssh.com",
        "hmac-sha1-96-etm@openssh.com", "hmac-ripemd160", "hmac-ripemd160@openssh.com",
        "hmac-ripemd160-etm@openssh.com", "umac-64@openssh.com", "umac-64-etm@openssh.com",
        "diffie-hellman-group1-sha1", "diffie-hellman-group14-sha1", "diffie-hellman-group-exchange-sha1"};
    if (*list == '-')
        return NULL;
    char *s = arena_strdup(h->a, list + (*list == '+' || *list == '^')), *save = NULL, *found = NULL;
    for (char *w = strtok_r(s, ",", &save); w; w = strtok_r(NULL, ",", &save))
        for (size_t i = 0; i < sizeof weak / sizeof *weak; i++)
            if (!strcasecmp(w, weak[i]) || (strpbrk(w, "*?") && !fnmatch(w, weak[i], 0)))
                found = arena_sprintf(h->a, "%s%s%s", found ? found : "", found ? "," : "", weak[i]);
    return found;
}

static int ssh_run(host *h, check_result *out, isms_err *err)
{
    if (!h_exists(h, "/usr/sbin/sshd") && !h_exists(h, "/usr/bin/sshd") && !h_exists(h, "/etc/ssh/sshd_config")) {
        say(h, "neither /usr/sbin/sshd, /usr/bin/sshd nor /etc/ssh/sshd_config exists");
        return verdict(h, out, CHECK_PASS, "sshd not installed");
    }
    ssh_conf c = {0};
    ssh_parse(h, &c, "/etc/ssh/sshd_config", 0, NULL);
    const char *pam = c.val[S_PAM] ? c.val[S_PAM] : "no", *bad = NULL;
    for (int i = 0; i < S_N; i++) {
        const char *v = c.val[i] ? c.val[i] : ssh_default[i];
        const char *at = c.at[i] ? c.at[i] : "OpenSSH default";
        char *w = NULL;
        int ok = i < S_CIPHERS ? ssh_safe(i, v, pam) : !v || !(w = weak_algs(h, v));
        if (i >= S_CIPHERS && !v)
            continue;
        if (!ok)
            bad = arena_sprintf(h->a, "%s%s%s", bad ? bad : "", bad ? ", " : "", ssh_kw[i]);
        if (w)
            say(h, "%s includes weak %s (%s)", ssh_kw[i], w, at);
        else if (i == S_KBD && !ok)
            say(h, "KbdInteractiveAuthentication %s (%s) with UsePAM yes lets PAM ask for passwords", v, at);
        else
            say(h, "%s %s (%s)%s", ssh_kw[i], i >= S_CIPHERS ? "has no weak algorithms" : v, at,
                ok ? "" : i == S_PASS && !c.val[i] ? ": set PasswordAuthentication no" : ": not allowed");
    }
    for (int j = 0; j < c.nm; j++) {
        int i = c.m[j].kw;
        if (i < S_CIPHERS && !ssh_safe(i, c.m[j].val, pam)) {
            bad = arena_sprintf(h->a, "%s%s%s in %s", bad ? bad : "", bad ? ", " : "", ssh_kw[i], c.m[j].match);
            say(h, "%s %s for %s (%s): not allowed", ssh_kw[i], c.m[j].val, c.m[j].match, c.m[j].at);
        }
    }
    if (bad)
        return verdict(h, out, CHECK_FAIL, arena_sprintf(h->a, "sshd settings at fault: %s", bad));
    return verdict(h, out, CHECK_PASS, "sshd refuses root and password logins and weak algorithms");
}

/* ---- host.malware_protection ---- */

static int malware_run(host *h, check_result *out, isms_err *err)
{
    static const char *const confs[] = {"/etc/clamav/freshclam.conf", "/etc/freshclam.conf"};
    const char *dir = "/var/lib/clamav", *pass = NULL, *stale = NULL, *fc;
    char *ln;
    for (size_t i = 0; i < 2; i++) {
        char *text = h_exists(h, confs[i]) ? h_read(h, confs[i], 1, NULL) : NULL;
        for (const char *p = text; p && (ln = next_line(h, &p));) {
            char *s = trim(ln);
            if (!strncmp(s, "DatabaseDirectory", 17) && isspace((unsigned char)s[17]))
                dir = trim(s + 17);
        }
    }
    static const char *const sigs[] = {"daily.cld", "daily.cvd", "main.cld", "main.cvd"};
    time_t newest = 0, now = time(NULL);
    const char *which = NULL;
    for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++) {
        const char *p = arena_sprintf(h->a, "%s/%s", dir, sigs[i]);
        struct stat st;
        int ok = !stat(full(h, p), &st) && S_ISREG(st.st_mode);
        ev(h, ok ? json_pack("{s:s,s:I,s:I}", "path", p, "mtime", (json_int_t)st.st_mtime, "size",
                             (json_int_t)st.st_size)
                 : json_pack("{s:s,s:b}", "path", p, "missing", 1));
        if (ok && st.st_mtime > newest)
            newest = st.st_mtime, which = p;
    }
    if (which) {
        long age = now > newest ? (long)((now - newest) / DAY) : 0;
        char when[32];
        struct tm tm;
        strftime(when, sizeof when, "%Y-%m-%d", gmtime_r(&newest, &tm));
        int fresh = now - newest <= 7 * DAY;
        fc = h_running(h, "freshclam")                        ? "freshclam is running"
             : unit_enabled(h, "clamav-freshclam.service") ? "clamav-freshclam.service is enabled"
                                                           : "freshclam is not running";
        say(h, "ClamAV: newest signatures %s updated %s, %ld day%s ago%s; %s", which, when, age, age == 1 ? "" : "s",
            fresh ? "" : " (older than 7 days)", fc);
        if (fresh)
            pass = "ClamAV signatures are less than 7 days old";
        else
            stale = arena_sprintf(h->a, "ClamAV signatures are %ld days old", age);
    }
    static const struct {
        const char *name, *path, *proc;
    } edr[] = {
        {"CrowdStrike Falcon", "/opt/CrowdStrike", "falcon-sensor"},
        {"SentinelOne", "/opt/sentinelone", "s1-agent"},
        {"Microsoft Defender for Endpoint", "/opt/microsoft/mdatp", "wdavdaemon"},
        {"Sophos Protection for Linux", "/opt/sophos-spl", "sophos_watchdog"},
        {"Trend Micro Deep Security", "/opt/ds_agent", "ds_agent"},
        {"ESET", "/opt/eset", "esets_daemon"},
        {"Elastic Defend", "/opt/Elastic/Endpoint", "elastic-endpoint"},
        {"Palo Alto Cortex XDR", "/opt/traps", "pmd"},
        {"VMware Carbon Black", "/opt/carbonblack", "cbagentd"},
    };
    for (size_t i = 0; i < sizeof edr / sizeof *edr; i++) {
        if (!h_exists(h, edr[i].path))
            continue;
        say(h, "%s: %s present, %s %s", edr[i].name, edr[i].path, edr[i].proc,
            h_running(h, edr[i].proc) ? "running" : "not seen running");
        pass = pass ? pass : arena_sprintf(h->a, "%s is installed", edr[i].name);
    }
    if (!h->d.len)
        say(h, "no ClamAV signatures in %s and no known EDR agent under /opt", dir);
    return verdict(h, out, pass ? CHECK_PASS : CHECK_FAIL, pass ? pass : stale ? stale : "no anti-malware engine found");
}

/* ---- host.screen_lock ---- */

static const struct {
    const char *dconf, *gschema, *key, *def;
} gk[] = {
    {"org/gnome/desktop/screensaver", "org.gnome.desktop.screensaver", "lock-enabled", "true"},
    {"org/gnome/desktop/session", "org.gnome.desktop.session", "idle-delay", "300"},
    {"org/gnome/desktop/screensaver", "org.gnome.desktop.screensaver", "lock-delay", "0"},
};

static long gv_num(const char *v) { return strtol(!strncmp(v, "uint32 ", 7) ? v + 7 : v, NULL, 10); }

/* GNOME's effective defaults: the first system dconf database of the user profile that sets a key
 * (its keyfiles in order, last wins), else the gschema overrides, else GNOME's own default. */
static int gnome_ok(host *h)
{
    const char *dbs[8] = {0}, *val[3] = {0}, *at[3] = {0};
    size_t ndb = 0, n;
    char *prof = h_read(h, "/etc/dconf/profile/user", 1, NULL), *l;
    for (const char *p = prof; p && (l = next_line(h, &p));)
        if (!strncmp(trim(l), "system-db:", 10) && ndb < 8)
            dbs[ndb++] = trim(l) + 10;
    if (!ndb) /* no profile naming system databases: the usual "local" one */
        dbs[ndb++] = "local";
    int locked[3] = {0};
    for (size_t d = 0; d < ndb; d++) {
        const char *dir = arena_sprintf(h->a, "/etc/dconf/db/%s.d", dbs[d]);
        char **f = h_list(h, dir, &n);
        const char *v[3] = {0}, *w[3] = {0};
        for (size_t i = 0; f && i < n; i++) {
            const char *path = arena_sprintf(h->a, "%s/%s", dir, f[i]);
            char *text = strcmp(f[i], "locks") ? h_read(h, path, 1, NULL) : NULL;
            for (int k = 0; k < 3 && text; k++) {
                char *x = ini_get(h, text, gk[k].dconf, gk[k].key, NULL);
                if (x)
                    v[k] = x, w[k] = path;
            }
        }
        for (int k = 0; k < 3; k++)
            if (!val[k] && v[k])
                val[k] = v[k], at[k] = w[k];
        char **lk = h_list(h, arena_sprintf(h->a, "%s/locks", dir), &n);
        for (size_t i = 0; lk && i < n; i++) {
            char *text = h_read(h, arena_sprintf(h->a, "%s/locks/%s", dir, lk[i]), 1, NULL);
            for (int k = 0; k < 3 && text; k++)
                locked[k] |= strstr(text, arena_sprintf(h->a, "/%s/%s", gk[k].dconf, gk[k].key)) != NULL;
        }
    }
    char **ov = h_list(h, "/usr/share/glib-2.0/schemas", &n);
    for (size_t i = 0; ov && i < n; i++) {
        size_t k = strlen(ov[i]);
        if (k < 17 || strcmp(ov[i] + k - 17, ".gschema.override"))
            continue;
        const char *path = arena_sprintf(h->a, "/usr/share/glib-2.0/schemas/%s", ov[i]);
        char *text = h_read(h, path, 1, NULL);
        for (int j = 0; j < 3 && text; j++) {
            char *x = ini_get(h, text, gk[j].gschema, gk[j].key, NULL);
            if (x && (!at[j] || !strncmp(at[j], "/usr/", 5)))
                val[j] = x, at[j] = path;
        }
    }
    for (int k = 0; k < 3; k++)
        if (!val[k])
            val[k] = gk[k].def, at[k] = "GNOME default";
    long idle = gv_num(val[1]), total = idle + gv_num(val[2]);
    int lock = !strcmp(val[0], "true"), ok = lock && idle > 0 && total <= 900;
    say(h, "GNOME %s lock-enabled=%s (%s%s)%s", gk[0].dconf, val[0], at[0], locked[0] ? ", locked" : "",
        lock ? "" : ": the screen never locks");
    say(h, "GNOME %s idle-delay=%s (%s%s)%s", gk[1].dconf, val[1], at[1], locked[1] ? ", locked" : "",
        idle == 0 ? ": 0 never blanks the screen" : total > 900 ? ": the screen locks after more than 900 s" : "");
    say(h, "GNOME %s lock-delay=%s (%s%s)", gk[2].dconf, val[2], at[2], locked[2] ? ", locked" : "");
    if (!locked[0] || !locked[1])
        say(h, "GNOME: not locked in dconf, so users can change these settings");
    return ok;
}

/* KDE Plasma's screen locker: /etc/xdg/kscreenlockerrc [Daemon] Autolock, Timeout in minutes. */
static int kde_ok(host *h)
{
    char *text = h_read(h, "/etc/xdg/kscreenlockerrc", 1, NULL);
    char *al = text ? ini_get(h, text, "Daemon", "Autolock", NULL) : NULL;
    char *to = text ? ini_get(h, text, "Daemon", "Timeout", NULL) : NULL;
    long min = to ? strtol(to, NULL, 10) : 5;
    int ok = (!al || truthy(al)) && min > 0 && min * 60 <= 900;
    say(h, "KDE kscreenlockerrc Autolock=%s Timeout=%ld min (%s)%s", al ? al : "true", min,
        text ? "/etc/xdg/kscreenlockerrc" : "KDE default", ok ? "" : ": the screen does not lock within 900 s");
    return ok;
}

static int lock_run(host *h, check_result *out, isms_err *err)
{
    static const char *const dirs[] = {"/usr/share/xsessions", "/usr/share/wayland-sessions"};
    static const char *const dms[] = {"/usr/sbin/gdm3", "/usr/sbin/gdm", "/usr/sbin/lightdm", "/usr/bin/sddm",
                                      "/etc/X11/default-display-manager"};
    const char *sessions = NULL, *dm = NULL;
    int gnome = 0, kde = 0;
    size_t n;
    for (size_t d = 0; d < 2; d++) {
        char **e = h_list(h, dirs[d], &n);
        for (size_t i = 0; e && i < n; i++) {
            if (!strstr(e[i], ".desktop"))
                continue;
            sessions = arena_sprintf(h->a, "%s%s%s", sessions ? sessions : "", sessions ? ", " : "", e[i]);
            gnome |= strstr(e[i], "gnome") || strstr(e[i], "ubuntu");
            kde |= strstr(e[i], "plasma") != NULL;
        }
    }
    for (size_t i = 0; i < sizeof dms / sizeof *dms && !dm; i++)
        dm = h_exists(h, dms[i]) ? dms[i] : NULL;
    if (!sessions && !dm) {
        say(h, "no session files in /usr/share/xsessions or /usr/share/wayland-sessions and no display manager");
        return verdict(h, out, CHECK_PASS, "no desktop session installed");
    }
    say(h, "desktop sessions: %s%s%s", sessions ? sessions : "none", dm ? "; display manager " : "", dm ? dm : "");
    gnome |= h_exists(h, "/usr/bin/gnome-shell");
    kde |= h_exists(h, "/usr/bin/plasmashell");
    int ok = 1;
    if (gnome)
        ok &= gnome_ok(h);
    if (kde)
        ok &= kde_ok(h);
    if (!gnome && !kde) {
        say(h, "neither GNOME nor KDE Plasma: no screen-lock settings this check can read");
        return verdict(h, out, CHECK_FAIL, "a desktop is installed but its screen lock cannot be verified");
    }
    return verdict(h, out, ok ? CHECK_PASS : CHECK_FAIL,
                   ok ? "the screen locks after at most 15 minutes idle"
                      : "the screen does not lock within 15 minutes idle");
}

/* ---- running a check ---- */

typedef int (*host_fn)(host *h, check_result *out, isms_err *err);

static int host_run(check_ctx *ctx, const char *id, host_fn fn, check_result *out, isms_err *err)
{
    const char *r = ctx->getenv ? ctx->getenv("ISMS_HOST_ROOT") : NULL;
    r = r && *r ? r : "/";
    size_t n = strlen(r);
    while (n > 1 && r[n - 1] == '/')
        n--;
    host h = {.ctx = ctx, .a = ctx->a, .root = n == 1 && *r == '/' ? "" : arena_strndup(ctx->a, r, n)};
    struct stat st;
    if (stat(*h.root ? h.root : "/", &st))
        return err_set(err, ISMS_ENOTFOUND, "ISMS_HOST_ROOT %s: %s", r, strerror(errno));
    if (!S_ISDIR(st.st_mode))
        return err_set(err, ISMS_ENOTFOUND, "ISMS_HOST_ROOT %s is not a directory", r);
    h.read = json_array();
    if (!h.read)
        return err_set(err, ISMS_ENOMEM, "out of memory");
    buf_init(&h.d, 64u << 10);
    *out = (check_result){0};
    int rc = fn(&h, out, err);
    if (ctx->raw) {
        json_t *doc = json_pack("{s:s,s:s,s:O}", "check", id, "root", *h.root ? h.root : "/", "read", h.read);
        char *s = doc ? json_dumps(doc, JSON_COMPACT | JSON_ENSURE_ASCII) : NULL;
        if ((!s || buf_puts(ctx->raw, s) || buf_putc(ctx->raw, '\n')) && !rc)
            rc = err_set(err, ISMS_ENOMEM, "what %s read exceeds the evidence size limit", id);
        free(s);
        json_decref(doc);
    }
    json_decref(h.read);
    buf_free(&h.d);
    return rc;
}

#define HOST_CHECK(name, id, fn)                                                                                     \
    static int name(check_ctx *ctx, check_result *out, isms_err *err) { return host_run(ctx, id, fn, out, err); }
HOST_CHECK(run_disk, "host.disk_encryption", disk_run)
HOST_CHECK(run_firewall, "host.firewall", firewall_run)
HOST_CHECK(run_updates, "host.auto_updates", updates_run)
HOST_CHECK(run_ssh, "host.ssh_hardening", ssh_run)
HOST_CHECK(run_malware, "host.malware_protection", malware_run)
HOST_CHECK(run_lock, "host.screen_lock", lock_run)

const check_def checks_host[] = {
    {"host.disk_encryption", "host", "The root filesystem is on an encrypted (dm-crypt/LUKS) device", "A.8.1,A.8.24",
     3600, run_disk, NULL},
    {"host.firewall", "host", "A firewall is active and denies incoming traffic by default", "A.8.20,A.8.22", 3600,
     run_firewall, NULL},
    {"host.auto_updates", "host", "Security updates are installed automatically", "A.8.8", 3600, run_updates, NULL},
    {"host.ssh_hardening", "host", "sshd refuses root password logins, password authentication and weak algorithms",
     "A.8.5,A.8.9,A.8.20", 3600, run_ssh, NULL},
    {"host.malware_protection", "host", "An anti-malware engine is installed with fresh signatures", "A.8.7", 3600,
     run_malware, NULL},
    {"host.screen_lock", "host", "Desktop sessions lock the screen after at most 15 minutes idle", "A.8.1,A.7.7",
     3600, run_lock, NULL},
    {NULL, NULL, NULL, NULL, 0, NULL, NULL},
};
