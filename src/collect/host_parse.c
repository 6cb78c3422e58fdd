/* Reading a host's files under the configured root and parsing its configuration (host_parse.h). */
#include "collect/host_parse.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <glob.h>
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

/* ---- evidence and details ---- */

/* A JSON string of n bytes; bytes that are not UTF-8 become '?' rather than losing the text. */
json_t *host_jstr(const char *s, size_t n)
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

void host_ev(host *h, json_t *o)
{
    if (o)
        json_array_append_new(h->read, o);
}

void host_say(host *h, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = arena_vsprintf(h->a, fmt, ap);
    va_end(ap);
    if (h->d.len)
        buf_putc(&h->d, '\n');
    buf_puts(&h->d, s); /* past the cap the details are cut short, which is fine */
}

int host_verdict(host *h, check_result *out, check_status st, const char *summary)
{
    out->status = st;
    out->summary = summary;
    out->details = h->d.len ? arena_strndup(h->a, h->d.data, h->d.len) : NULL;
    return ISMS_OK;
}

/* ---- reading the root ---- */

const char *host_full(host *h, const char *path) { return arena_sprintf(h->a, "%s%s", h->root, path); }

/* The contents of a regular file under the root (NUL-terminated, capped), or NULL. */
char *host_slurp(host *h, const char *path, size_t *lenp)
{
    *lenp = 0;
    int fd = open(host_full(h, path), O_RDONLY | O_CLOEXEC | O_NOCTTY);
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

/* host_slurp() and note it as evidence: the content when keep, else only its size. */
char *host_read(host *h, const char *path, int keep, size_t *lenp)
{
    size_t n;
    char *s = host_slurp(h, path, &n);
    if (lenp)
        *lenp = n;
    if (!s)
        host_ev(h, json_pack("{s:s,s:b}", "path", path, "missing", 1));
    else if (keep)
        host_ev(h, json_pack("{s:s,s:o,s:b}", "path", path, "content", host_jstr(s, n < KEEP_MAX ? n : KEEP_MAX), "truncated",
                        n > KEEP_MAX));
    else
        host_ev(h, json_pack("{s:s,s:I}", "path", path, "size", (json_int_t)n));
    return s;
}

int host_exists(host *h, const char *path)
{
    struct stat st;
    int ok = lstat(host_full(h, path), &st) == 0;
    host_ev(h, json_pack("{s:s,s:b}", "path", path, "exists", ok));
    return ok;
}

static int cmpstr(const void *x, const void *y) { return strcmp(*(char *const *)x, *(char *const *)y); }

/* The sorted names in a directory under the root, dot files left out; NULL when unreadable. */
char **host_list(host *h, const char *dir, size_t *np)
{
    *np = 0;
    DIR *d = opendir(host_full(h, dir));
    if (!d) {
        host_ev(h, json_pack("{s:s,s:b}", "path", dir, "missing", 1));
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
        json_array_append_new(names, host_jstr(v[i], strlen(v[i])));
    host_ev(h, json_pack("{s:s,s:o}", "path", dir, "entries", names));
    *np = n;
    return v;
}

char *host_trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1]))
        s[--n] = '\0';
    return s;
}

char *host_unquote(char *s)
{
    size_t n = strlen(s);
    if (n >= 2 && (s[0] == '"' || s[0] == '\'') && s[n - 1] == s[0]) {
        s[n - 1] = '\0';
        return s + 1;
    }
    return s;
}

/* The next line of *p, copied into the arena; NULL at the end. */
char *host_next_line(host *h, const char **p)
{
    if (!*p || !**p)
        return NULL;
    size_t n = strcspn(*p, "\n");
    char *l = arena_strndup(h->a, *p, n);
    *p += n + ((*p)[n] == '\n');
    return l;
}

/* Whether a process of that name runs on the host; /proc/<pid>/comm keeps only 15 characters. */
int host_running(host *h, const char *comm)
{
    int found = 0;
    DIR *d = opendir(host_full(h, "/proc"));
    struct dirent *e;
    while (d && !found && (e = readdir(d))) {
        if (!isdigit((unsigned char)e->d_name[0]))
            continue;
        size_t n;
        char *c = host_slurp(h, arena_sprintf(h->a, "/proc/%s/comm", e->d_name), &n);
        c = c ? host_trim(c) : NULL;
        found = c && !strncmp(c, comm, 15) && strlen(c) == (strlen(comm) < 15 ? strlen(comm) : 15);
    }
    if (d)
        closedir(d);
    host_ev(h, json_pack("{s:s,s:b}", "process", comm, "running", found));
    return found;
}

/* Whether a systemd unit is enabled: linked from some /etc/systemd/system/<target>.wants. */
int host_unit_enabled(host *h, const char *unit)
{
    size_t n;
    char **e = host_list(h, "/etc/systemd/system", &n);
    for (size_t i = 0; i < n; i++) {
        size_t k = strlen(e[i]);
        struct stat st;
        if (k > 6 && !strcmp(e[i] + k - 6, ".wants") &&
            !lstat(host_full(h, arena_sprintf(h->a, "/etc/systemd/system/%s/%s", e[i], unit)), &st)) {
            host_ev(h, json_pack("{s:s,s:s}", "unit", unit, "enabled_by", e[i]));
            return 1;
        }
    }
    host_ev(h, json_pack("{s:s,s:b}", "unit", unit, "enabled", 0));
    return 0;
}

/* The last value of key in [section] (NULL: before any section) of an ini, dconf keyfile or shell
 * assignment file; quotes and KDE's "[$i]" key markers stripped; *lineno gets its line. */
char *host_ini_get(host *h, const char *text, const char *section, const char *key, int *lineno)
{
    char *val = NULL, *l;
    int in = section == NULL, no = 0;
    for (const char *p = text; p && (l = host_next_line(h, &p));) {
        no++;
        char *s = host_trim(l), *eq;
        if (*s == '[') {
            char *e = strchr(s, ']');
            if (e)
                *e = '\0';
            in = section && !strcmp(host_trim(s + 1), section);
        } else if (in && *s != '#' && *s != ';' && (eq = strchr(s, '='))) {
            *eq = '\0';
            s[strcspn(s, "[")] = '\0';
            if (!strcasecmp(host_trim(s), key)) {
                val = host_unquote(host_trim(eq + 1));
                if (lineno)
                    *lineno = no;
            }
        }
    }
    return val;
}

int host_truthy(const char *v)
{
    return v && (!strcasecmp(v, "yes") || !strcasecmp(v, "true") || !strcmp(v, "1") || !strcasecmp(v, "on"));
}

/* ---- commands ---- */

/* The output of a fixed command, or NULL when unavailable (see host.h for the override files). */
char *host_cmd(host *h, const char *key, char *const argv[])
{
    if (*h->root)
        return host_read(h, arena_sprintf(h->a, "/run/isms-host/%s.out", key), 1, NULL);
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
    host_ev(h, o);
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
    json_object_set_new(o, "output", host_jstr(b.data ? b.data : "", b.len < KEEP_MAX ? b.len : KEEP_MAX));
    char *out = ok ? arena_strndup(h->a, b.data ? b.data : "", b.len) : NULL;
    buf_free(&b);
    return out;
}

/* ---- firewall rules ---- */

/* Whether a rule is an unconditional host_verdict: 1 drop/reject, -1 accept, 0 anything else. Leading
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
int host_nft_denies(host *h, const char *rs)
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
int host_ipt_denies(host *h, const char *t)
{
    int filter = 1, deny = 0; /* `iptables -S` shows no table lines: it is the filter table */
    const char *last = NULL;
    char *l;
    for (const char *p = t; p && (l = host_next_line(h, &p));) {
        char *s = host_trim(l);
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

/* ---- apt and dpkg ---- */

/* The last value of key (case-insensitive, "A::B::C") in apt.conf(5) syntax: "A::B "v";" and
 * scopes "A { B "v"; };", with //, # and C comments. */
int host_apt_get(host *h, const char *p, const char *key, char **val)
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
int host_dpkg_installed(host *h, const char *pkg, char **ver)
{
    char *st = host_read(h, "/var/lib/dpkg/status", 0, NULL);
    char *needle = arena_sprintf(h->a, "Package: %s\n", pkg);
    for (char *p = st; p && (p = strstr(p, needle)); p++) {
        if (p != st && p[-1] != '\n')
            continue;
        char *end = strstr(p, "\n\n"), *stanza = arena_strndup(h->a, p, end ? (size_t)(end - p) : strlen(p));
        host_ev(h, json_pack("{s:s,s:o}", "path", "/var/lib/dpkg/status", "excerpt",
                        host_jstr(stanza, strlen(stanza) < 4096 ? strlen(stanza) : 4096)));
        char *s = strstr(stanza, "\nStatus: "), *v = strstr(stanza, "\nVersion: ");
        if (v)
            *ver = arena_strndup(h->a, v + 10, strcspn(v + 10, "\n"));
        size_t k = s ? strcspn(s + 9, "\n") : 0;
        return k >= 10 && !strncmp(s + 9 + k - 10, " installed", 10);
    }
    return 0;
}

/* apt reads apt.conf.d parts whose names are only [A-Za-z0-9_.-] and lack backup suffixes. */
int host_apt_part(const char *n)
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

/* ---- sshd_config ---- */

const char *const host_ssh_kw[HOST_SSH_N] = {"PermitRootLogin", "PasswordAuthentication", "PermitEmptyPasswords",
                                        "KbdInteractiveAuthentication", "UsePAM", "Ciphers", "MACs", "KexAlgorithms"};
const char *const host_ssh_default[HOST_SSH_N] = {"prohibit-password", "yes", "no", "yes", "no", NULL, NULL, NULL};


static int ssh_index(const char *kw)
{
    if (!strcasecmp(kw, "ChallengeResponseAuthentication")) /* deprecated alias */
        return HOST_SSH_KBD;
    for (int i = 0; i < HOST_SSH_N; i++)
        if (!strcasecmp(kw, host_ssh_kw[i]))
            return i;
    return -1;
}

/* The files being read, from the main one down to the current one, to refuse an Include cycle. */
typedef struct ssh_chain {
    const char *path;
    dev_t dev;
    ino_t ino;
    int known;  /* dev and ino are set */
    const struct ssh_chain *up;
} ssh_chain;

/* Whether path is one of the files of the chain: the same inode, or the same name when it
 * cannot be stat'ed. */
static int ssh_in_chain(host *h, const ssh_chain *ch, const char *path, ssh_chain *self)
{
    struct stat st;
    self->path = path;
    self->known = stat(host_full(h, path), &st) == 0;
    self->dev = self->known ? st.st_dev : 0;
    self->ino = self->known ? st.st_ino : 0;
    for (; ch; ch = ch->up)
        if (self->known && ch->known ? ch->dev == self->dev && ch->ino == self->ino : !strcmp(ch->path, path))
            return 1;
    return 0;
}

/* Note the first limit hit, in the details and in c->limit. */
static void ssh_limit(host *h, host_ssh_conf *c, const char *msg)
{
    host_say(h, "%s", msg);
    if (!c->limit)
        c->limit = msg;
}

static void ssh_parse_file(host *h, host_ssh_conf *c, const char *path, int depth, const char *match,
                           const ssh_chain *up, const char *from)
{
    ssh_chain self;
    if (ssh_in_chain(h, up, path, &self)) {
        ssh_limit(h, c, arena_sprintf(h->a, "%s: Include of %s, which is already being read (an Include cycle; "
                                            "sshd refuses such a configuration): not followed", from, path));
        return;
    }
    if (c->files >= HOST_SSH_MAX_FILES) {
        ssh_limit(h, c, arena_sprintf(h->a, "%s: Include of %s: more than %d configuration files in all, not followed",
                                      from, path, HOST_SSH_MAX_FILES));
        return;
    }
    if (c->bytes > HOST_SSH_MAX_BYTES) /* said when it was passed */
        return;
    size_t len = 0;
    char *text = host_read(h, path, 1, &len), *l;
    c->files++;
    c->bytes += len;
    if (c->bytes > HOST_SSH_MAX_BYTES) {
        ssh_limit(h, c, arena_sprintf(h->a, "%s: more than %u MB of configuration in all, not read", path,
                                      HOST_SSH_MAX_BYTES >> 20));
        return;
    }
    self.up = up;
    int no = 0;
    for (const char *p = text; p && (l = host_next_line(h, &p));) {
        no++;
        char *s = host_trim(l), *arg = s + strcspn(s, " \t=");
        if (!*s || *s == '#')
            continue;
        if (*arg) {
            *arg++ = '\0';
            arg = host_trim(arg);
            arg = *arg == '=' ? host_trim(arg + 1) : arg;
        }
        const char *at = arena_sprintf(h->a, "%s:%d", path, no);
        if (!strcasecmp(s, "Match")) {
            match = arena_sprintf(h->a, "Match %s", arg);
            continue;
        }
        if (!strcasecmp(s, "Include")) {
            if (depth + 1 > HOST_SSH_MAX_DEPTH) {
                ssh_limit(h, c, arena_sprintf(h->a, "%s: Include nested more than %d deep, not followed (sshd refuses "
                                                    "such a configuration)", at, HOST_SSH_MAX_DEPTH));
                continue;
            }
            char *save = NULL;
            int cut = 0; /* files left unread: the bound was reached */
            for (char *w = strtok_r(arg, " \t", &save); w && !cut; w = strtok_r(NULL, " \t", &save)) {
                const char *pat = *w == '/' ? w : arena_sprintf(h->a, "/etc/ssh/%s", w);
                glob_t g = {0};
                int rc = glob(host_full(h, pat), 0, NULL, &g);
                host_ev(h, json_pack("{s:s,s:s,s:i}", "include", pat, "from", at, "matched", rc ? 0 : (int)g.gl_pathc));
                for (size_t i = 0; !rc && i < g.gl_pathc && !(cut = c->files >= HOST_SSH_MAX_FILES); i++)
                    ssh_parse_file(h, c, arena_strdup(h->a, g.gl_pathv[i] + strlen(h->root)), depth + 1, match, &self, at);
                globfree(&g);
            }
            if (cut)
                ssh_limit(h, c, arena_sprintf(h->a, "%s: more than %d configuration files in all, the rest of the "
                                                    "Include not followed", at, HOST_SSH_MAX_FILES));
            continue;
        }
        int i = ssh_index(s);
        char *v = host_unquote(arg);
        if (i < 0 || !*v)
            continue;
        if (i < HOST_SSH_CIPHERS)
            v[strcspn(v, " \t")] = '\0';
        if (match && c->nm < 32)
            c->m[c->nm].kw = i, c->m[c->nm].val = v, c->m[c->nm].at = at, c->m[c->nm++].match = match;
        else if (!match && !c->val[i])
            c->val[i] = v, c->at[i] = at;
    }
}

void host_ssh_parse(host *h, host_ssh_conf *c, const char *path) { ssh_parse_file(h, c, path, 0, NULL, NULL, path); }

/* Whether a flag's value is safe; kbd-interactive only matters when PAM would ask passwords. */
int host_ssh_safe(int i, const char *v, const char *pam)
{
    if (i == HOST_SSH_ROOT)
        return strcasecmp(v, "yes") != 0;
    if (i == HOST_SSH_KBD)
        return !strcasecmp(v, "no") || strcasecmp(pam, "yes");
    return i == HOST_SSH_PAM || !strcasecmp(v, "no");
}

/* The weak algorithms named in an sshd algorithm list ("-" lists only remove). */
char *host_ssh_weak_algs(host *h, const char *list)
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
