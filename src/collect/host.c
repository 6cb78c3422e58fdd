/* Linux host checks (see host.h): each reads files under the configured root (host_parse.h), explains
 * its verdict one finding per line and keeps what it consulted as one JSON evidence line. */
#include "collect/host.h"

#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#include "collect/host_parse.h"

#define DAY 86400

const char *const host_command_keys[] = {"nft-list-ruleset", "iptables-S-INPUT", NULL};

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
    char *s = keep ? host_read(h, p, 1, &n) : host_slurp(h, p, &n);
    return s ? host_trim(s) : NULL;
}

/* The block device whose "dev" is majmin, or whose dm name is mapper; NULL when none. */
static char *find_dev(host *h, const char *majmin, const char *mapper)
{
    size_t n;
    char **e = host_list(h, "/sys/class/block", &n);
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
    host_say(h, "%*s%s%s%s%s%s", depth * 2, "", dev, name ? " (" : "", name ? name : "", name ? ")" : "",
        uuid ? arena_sprintf(h->a, " dm uuid %s", uuid) : "");
    if (uuid && is_crypt(uuid)) {
        if (!*crypt)
            *crypt = name ? name : dev;
        return 1;
    }
    size_t n;
    char **s = depth < 8 ? host_list(h, arena_sprintf(h->a, "/sys/class/block/%s/slaves", dev), &n) : NULL;
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
    char *text = host_read(h, table, 1, &n);
    for (const char *p = text; p && (l = host_next_line(h, &p));) {
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
        text = host_read(h, table, 1, &n);
        for (const char *p = text; p && (l = host_next_line(h, &p));) {
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
             host_exists(h, arena_sprintf(h->a, "/sys/class/block/%s", src + 5)))
        dev = src + 5;
    const char *shown = !strncmp(src, "/dev/", 5) ? src : dev ? arena_sprintf(h->a, "/dev/%s", dev) : src;
    host_say(h, "/ is %s on %s%s%s (from %s)", fstype, shown, majmin ? " " : "", majmin ? majmin : "", table);
    if (!dev)
        return host_verdict(h, out, CHECK_ERROR,
                       arena_sprintf(h->a, "cannot tell whether / is encrypted: it is %s from %s, not a block device",
                                     fstype, src));
    const char *crypt = NULL;
    if (crypt_walk(h, dev, 0, &crypt))
        return host_verdict(h, out, CHECK_PASS, arena_sprintf(h->a, "/ is on %s, encrypted by dm-crypt (%s)", shown, crypt));
    return host_verdict(h, out, CHECK_FAIL,
                   arena_sprintf(h->a, "/ is on %s, not encrypted%s", shown,
                                 crypt ? " on every underlying device" : ""));
}

/* ---- host.firewall ---- */

static int firewall_run(host *h, check_result *out, isms_err *err)
{
    const char *pass = NULL;
    char *conf = host_read(h, "/etc/ufw/ufw.conf", 1, NULL);
    if (conf) {
        char *en = host_ini_get(h, conf, NULL, "ENABLED", NULL), *def = host_read(h, "/etc/default/ufw", 1, NULL);
        char *pol = def ? host_ini_get(h, def, NULL, "DEFAULT_INPUT_POLICY", NULL) : NULL;
        pol = pol ? pol : "DROP";
        int deny = !strcasecmp(pol, "DROP") || !strcasecmp(pol, "REJECT");
        host_say(h, "ufw: ENABLED=%s in /etc/ufw/ufw.conf, DEFAULT_INPUT_POLICY=%s", en ? en : "(not set)", pol);
        if (host_truthy(en) && deny && !pass)
            pass = "ufw is enabled with a default-deny incoming policy";
    }
    if (host_exists(h, "/usr/sbin/firewalld") || host_exists(h, "/etc/firewalld")) {
        char *fc = host_read(h, "/etc/firewalld/firewalld.conf", 1, NULL);
        char *zone = fc ? host_ini_get(h, fc, NULL, "DefaultZone", NULL) : NULL;
        zone = zone ? zone : "public";
        int run = host_running(h, "firewalld"), trusted = !strcmp(zone, "trusted");
        host_say(h, "firewalld: %s, default zone %s%s", run ? "running" : "installed but not running", zone,
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
         nft, host_nft_denies},
        {"iptables", "iptables-S-INPUT", {"/etc/iptables/rules.v4", "/etc/sysconfig/iptables"}, NULL, ipt, host_ipt_denies},
    };
    for (size_t i = 0; i < sizeof fw / sizeof *fw; i++) {
        /* the live rules decide when they can be read; otherwise the saved rules loaded at boot */
        char *live = host_cmd(h, fw[i].key, fw[i].argv);
        if (live) {
            int d = fw[i].denies(h, live), empty = !*host_trim(live);
            host_say(h, "%s: the loaded rules %s", fw[i].name,
                empty ? "are empty" : d ? "drop incoming traffic by default" : "accept incoming traffic by default");
            if (d && !pass)
                pass = arena_sprintf(h->a, "the loaded %s rules drop incoming traffic by default", fw[i].name);
            continue;
        }
        for (size_t c = 0; c < 2; c++) {
            char *saved = host_read(h, fw[i].conf[c], 1, NULL);
            if (!saved)
                continue;
            const char *unit = fw[i].unit ? fw[i].unit : c ? "iptables.service" : "netfilter-persistent.service";
            int d = fw[i].denies(h, saved), on = host_unit_enabled(h, unit);
            host_say(h, "%s: %s %s incoming traffic by default; %s is %s", fw[i].name, fw[i].conf[c],
                d ? "drops" : "accepts", unit, on ? "enabled at boot" : "not enabled");
            if (d && on && !pass)
                pass = arena_sprintf(h->a, "%s loads %s, which drops incoming traffic by default", unit, fw[i].conf[c]);
        }
    }
    if (!h->d.len)
        host_say(h, "no ufw, firewalld, nftables or iptables configuration found");
    return host_verdict(h, out, pass ? CHECK_PASS : CHECK_FAIL,
                   pass ? pass : "no active firewall with a default-deny incoming policy");
}

/* ---- host.auto_updates ---- */

static int updates_run(host *h, check_result *out, isms_err *err)
{
    const char *pass = NULL, *fail = NULL;
    size_t n;
    char **parts = host_list(h, "/etc/apt/apt.conf.d", &n);
    if (parts || host_exists(h, "/var/lib/dpkg/status")) {
        char *uu = NULL, *en = NULL, *ver = NULL;
        const char *at = NULL;
        /* parts in order, then apt.conf: the last setting wins */
        for (size_t i = 0; i <= n; i++) {
            if (i < n && !host_apt_part(parts[i]))
                continue;
            const char *path = i < n ? arena_sprintf(h->a, "/etc/apt/apt.conf.d/%s", parts[i]) : "/etc/apt/apt.conf";
            char *text = i < n || host_exists(h, path) ? host_read(h, path, 1, NULL) : NULL;
            if (text && host_apt_get(h, text, "APT::Periodic::Unattended-Upgrade", &uu))
                at = path;
            if (text)
                host_apt_get(h, text, "APT::Periodic::Enable", &en);
        }
        int on = uu && atoi(uu) > 0 && !(en && !strcmp(en, "0")), inst = host_dpkg_installed(h, "unattended-upgrades", &ver);
        if (uu)
            host_say(h, "APT::Periodic::Unattended-Upgrade \"%s\" (%s)", uu, at);
        else
            host_say(h, "APT::Periodic::Unattended-Upgrade is not set in /etc/apt/apt.conf.d");
        if (en && !strcmp(en, "0"))
            host_say(h, "APT::Periodic::Enable \"0\" turns off every periodic apt job");
        host_say(h, inst ? "unattended-upgrades %s is installed" : "the unattended-upgrades package is not installed%s",
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
        if (!host_exists(h, rh[i].conf))
            continue;
        char *text = host_read(h, rh[i].conf, 1, NULL);
        int line = 0;
        char *apply = text ? host_ini_get(h, text, "commands", "apply_updates", &line) : NULL;
        char *type = text ? host_ini_get(h, text, "commands", "upgrade_type", NULL) : NULL;
        int timer = host_unit_enabled(h, rh[i].timer), inst = rh[i].install_timer && host_unit_enabled(h, rh[i].install_timer);
        host_say(h, "apply_updates = %s (%s%s), upgrade_type = %s", apply ? apply : "no (not set)", rh[i].conf,
            line ? arena_sprintf(h->a, ":%d", line) : "", type ? type : "default");
        host_say(h, "%s is %s%s", rh[i].timer, timer ? "enabled" : "not enabled",
            inst ? arena_sprintf(h->a, "; %s is enabled", rh[i].install_timer) : "");
        if ((host_truthy(apply) && timer) || inst)
            pass = arena_sprintf(h->a, "%s applies updates automatically", rh[i].timer);
        else
            fail = !host_truthy(apply) ? arena_sprintf(h->a, "apply_updates is not yes in %s", rh[i].conf)
                                  : arena_sprintf(h->a, "%s is not enabled", rh[i].timer);
    }
    if (pass)
        return host_verdict(h, out, CHECK_PASS, pass);
    if (!fail) {
        char *os = host_read(h, "/etc/os-release", 1, NULL), *name = os ? host_ini_get(h, os, NULL, "PRETTY_NAME", NULL) : NULL;
        host_say(h, "no unattended-upgrades (apt) or dnf-automatic configuration found%s%s", name ? " on " : "",
            name ? name : "");
        fail = "no automatic security updates configured";
    }
    return host_verdict(h, out, CHECK_FAIL, fail);
}

/* ---- host.ssh_hardening ---- */

static int ssh_run(host *h, check_result *out, isms_err *err)
{
    if (!host_exists(h, "/usr/sbin/sshd") && !host_exists(h, "/usr/bin/sshd") && !host_exists(h, "/etc/ssh/sshd_config")) {
        host_say(h, "neither /usr/sbin/sshd, /usr/bin/sshd nor /etc/ssh/sshd_config exists");
        return host_verdict(h, out, CHECK_PASS, "sshd not installed");
    }
    host_ssh_conf c = {0};
    host_ssh_parse(h, &c, "/etc/ssh/sshd_config");
    const char *pam = c.val[HOST_SSH_PAM] ? c.val[HOST_SSH_PAM] : "no", *bad = NULL;
    for (int i = 0; i < HOST_SSH_N; i++) {
        const char *v = c.val[i] ? c.val[i] : host_ssh_default[i];
        const char *at = c.at[i] ? c.at[i] : "OpenSSH default";
        char *w = NULL;
        int ok = i < HOST_SSH_CIPHERS ? host_ssh_safe(i, v, pam) : !v || !(w = host_ssh_weak_algs(h, v));
        if (i >= HOST_SSH_CIPHERS && !v)
            continue;
        if (!ok)
            bad = arena_sprintf(h->a, "%s%s%s", bad ? bad : "", bad ? ", " : "", host_ssh_kw[i]);
        if (w)
            host_say(h, "%s includes weak %s (%s)", host_ssh_kw[i], w, at);
        else if (i == HOST_SSH_KBD && !ok)
            host_say(h, "KbdInteractiveAuthentication %s (%s) with UsePAM yes lets PAM ask for passwords", v, at);
        else
            host_say(h, "%s %s (%s)%s", host_ssh_kw[i], i >= HOST_SSH_CIPHERS ? "has no weak algorithms" : v, at,
                ok ? "" : i == HOST_SSH_PASS && !c.val[i] ? ": set PasswordAuthentication no" : ": not allowed");
    }
    for (int j = 0; j < c.nm; j++) {
        int i = c.m[j].kw;
        if (i < HOST_SSH_CIPHERS && !host_ssh_safe(i, c.m[j].val, pam)) {
            bad = arena_sprintf(h->a, "%s%s%s in %s", bad ? bad : "", bad ? ", " : "", host_ssh_kw[i], c.m[j].match);
            host_say(h, "%s %s for %s (%s): not allowed", host_ssh_kw[i], c.m[j].val, c.m[j].match, c.m[j].at);
        }
    }
    /* sshd itself refuses an Include cycle or nesting past its limit, and what it would do past
     * the file and size bounds is not known: no verdict either way */
    if (c.limit)
        return host_verdict(h, out, CHECK_ERROR,
                            arena_sprintf(h->a, "sshd_config cannot be evaluated: %s", c.limit));
    if (bad)
        return host_verdict(h, out, CHECK_FAIL, arena_sprintf(h->a, "sshd settings at fault: %s", bad));
    return host_verdict(h, out, CHECK_PASS, "sshd refuses root and password logins and weak algorithms");
}

/* ---- host.malware_protection ---- */

static int malware_run(host *h, check_result *out, isms_err *err)
{
    static const char *const confs[] = {"/etc/clamav/freshclam.conf", "/etc/freshclam.conf"};
    const char *dir = "/var/lib/clamav", *pass = NULL, *stale = NULL, *fc;
    char *ln;
    for (size_t i = 0; i < 2; i++) {
        char *text = host_exists(h, confs[i]) ? host_read(h, confs[i], 1, NULL) : NULL;
        for (const char *p = text; p && (ln = host_next_line(h, &p));) {
            char *s = host_trim(ln);
            if (!strncmp(s, "DatabaseDirectory", 17) && isspace((unsigned char)s[17]))
                dir = host_trim(s + 17);
        }
    }
    static const char *const sigs[] = {"daily.cld", "daily.cvd", "main.cld", "main.cvd"};
    time_t newest = 0, now = time(NULL);
    const char *which = NULL;
    for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++) {
        const char *p = arena_sprintf(h->a, "%s/%s", dir, sigs[i]);
        struct stat st;
        int ok = !stat(host_full(h, p), &st) && S_ISREG(st.st_mode);
        host_ev(h, ok ? json_pack("{s:s,s:I,s:I}", "path", p, "mtime", (json_int_t)st.st_mtime, "size",
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
        fc = host_running(h, "freshclam")                        ? "freshclam is running"
             : host_unit_enabled(h, "clamav-freshclam.service") ? "clamav-freshclam.service is enabled"
                                                           : "freshclam is not running";
        host_say(h, "ClamAV: newest signatures %s updated %s, %ld day%s ago%s; %s", which, when, age, age == 1 ? "" : "s",
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
        if (!host_exists(h, edr[i].path))
            continue;
        host_say(h, "%s: %s present, %s %s", edr[i].name, edr[i].path, edr[i].proc,
            host_running(h, edr[i].proc) ? "running" : "not seen running");
        pass = pass ? pass : arena_sprintf(h->a, "%s is installed", edr[i].name);
    }
    if (!h->d.len)
        host_say(h, "no ClamAV signatures in %s and no known EDR agent under /opt", dir);
    return host_verdict(h, out, pass ? CHECK_PASS : CHECK_FAIL, pass ? pass : stale ? stale : "no anti-malware engine found");
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
    char *prof = host_read(h, "/etc/dconf/profile/user", 1, NULL), *l;
    for (const char *p = prof; p && (l = host_next_line(h, &p));)
        if (!strncmp(host_trim(l), "system-db:", 10) && ndb < 8)
            dbs[ndb++] = host_trim(l) + 10;
    if (!ndb) /* no profile naming system databases: the usual "local" one */
        dbs[ndb++] = "local";
    int locked[3] = {0};
    for (size_t d = 0; d < ndb; d++) {
        const char *dir = arena_sprintf(h->a, "/etc/dconf/db/%s.d", dbs[d]);
        char **f = host_list(h, dir, &n);
        const char *v[3] = {0}, *w[3] = {0};
        for (size_t i = 0; f && i < n; i++) {
            const char *path = arena_sprintf(h->a, "%s/%s", dir, f[i]);
            char *text = strcmp(f[i], "locks") ? host_read(h, path, 1, NULL) : NULL;
            for (int k = 0; k < 3 && text; k++) {
                char *x = host_ini_get(h, text, gk[k].dconf, gk[k].key, NULL);
                if (x)
                    v[k] = x, w[k] = path;
            }
        }
        for (int k = 0; k < 3; k++)
            if (!val[k] && v[k])
                val[k] = v[k], at[k] = w[k];
        char **lk = host_list(h, arena_sprintf(h->a, "%s/locks", dir), &n);
        for (size_t i = 0; lk && i < n; i++) {
            char *text = host_read(h, arena_sprintf(h->a, "%s/locks/%s", dir, lk[i]), 1, NULL);
            for (int k = 0; k < 3 && text; k++)
                locked[k] |= strstr(text, arena_sprintf(h->a, "/%s/%s", gk[k].dconf, gk[k].key)) != NULL;
        }
    }
    char **ov = host_list(h, "/usr/share/glib-2.0/schemas", &n);
    for (size_t i = 0; ov && i < n; i++) {
        size_t k = strlen(ov[i]);
        if (k < 17 || strcmp(ov[i] + k - 17, ".gschema.override"))
            continue;
        const char *path = arena_sprintf(h->a, "/usr/share/glib-2.0/schemas/%s", ov[i]);
        char *text = host_read(h, path, 1, NULL);
        for (int j = 0; j < 3 && text; j++) {
            char *x = host_ini_get(h, text, gk[j].gschema, gk[j].key, NULL);
            if (x && (!at[j] || !strncmp(at[j], "/usr/", 5)))
                val[j] = x, at[j] = path;
        }
    }
    for (int k = 0; k < 3; k++)
        if (!val[k])
            val[k] = gk[k].def, at[k] = "GNOME default";
    long idle = gv_num(val[1]), total = idle + gv_num(val[2]);
    int lock = !strcmp(val[0], "true"), ok = lock && idle > 0 && total <= 900;
    host_say(h, "GNOME %s lock-enabled=%s (%s%s)%s", gk[0].dconf, val[0], at[0], locked[0] ? ", locked" : "",
        lock ? "" : ": the screen never locks");
    host_say(h, "GNOME %s idle-delay=%s (%s%s)%s", gk[1].dconf, val[1], at[1], locked[1] ? ", locked" : "",
        idle == 0 ? ": 0 never blanks the screen" : total > 900 ? ": the screen locks after more than 900 s" : "");
    host_say(h, "GNOME %s lock-delay=%s (%s%s)", gk[2].dconf, val[2], at[2], locked[2] ? ", locked" : "");
    if (!locked[0] || !locked[1])
        host_say(h, "GNOME: not locked in dconf, so users can change these settings");
    return ok;
}

/* KDE Plasma's screen locker: /etc/xdg/kscreenlockerrc [Daemon] Autolock, Timeout in minutes. */
static int kde_ok(host *h)
{
    char *text = host_read(h, "/etc/xdg/kscreenlockerrc", 1, NULL);
    char *al = text ? host_ini_get(h, text, "Daemon", "Autolock", NULL) : NULL;
    char *to = text ? host_ini_get(h, text, "Daemon", "Timeout", NULL) : NULL;
    long min = to ? strtol(to, NULL, 10) : 5;
    int ok = (!al || host_truthy(al)) && min > 0 && min * 60 <= 900;
    host_say(h, "KDE kscreenlockerrc Autolock=%s Timeout=%ld min (%s)%s", al ? al : "true", min,
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
        char **e = host_list(h, dirs[d], &n);
        for (size_t i = 0; e && i < n; i++) {
            if (!strstr(e[i], ".desktop"))
                continue;
            sessions = arena_sprintf(h->a, "%s%s%s", sessions ? sessions : "", sessions ? ", " : "", e[i]);
            gnome |= strstr(e[i], "gnome") || strstr(e[i], "ubuntu");
            kde |= strstr(e[i], "plasma") != NULL;
        }
    }
    for (size_t i = 0; i < sizeof dms / sizeof *dms && !dm; i++)
        dm = host_exists(h, dms[i]) ? dms[i] : NULL;
    if (!sessions && !dm) {
        host_say(h, "no session files in /usr/share/xsessions or /usr/share/wayland-sessions and no display manager");
        return host_verdict(h, out, CHECK_PASS, "no desktop session installed");
    }
    host_say(h, "desktop sessions: %s%s%s", sessions ? sessions : "none", dm ? "; display manager " : "", dm ? dm : "");
    gnome |= host_exists(h, "/usr/bin/gnome-shell");
    kde |= host_exists(h, "/usr/bin/plasmashell");
    int ok = 1;
    if (gnome)
        ok &= gnome_ok(h);
    if (kde)
        ok &= kde_ok(h);
    if (!gnome && !kde) {
        host_say(h, "neither GNOME nor KDE Plasma: no screen-lock settings this check can read");
        return host_verdict(h, out, CHECK_FAIL, "a desktop is installed but its screen lock cannot be verified");
    }
    return host_verdict(h, out, ok ? CHECK_PASS : CHECK_FAIL,
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
