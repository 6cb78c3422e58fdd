/* The Linux host checks against fake root trees (tests/fixtures/host/<scenario>, or trees built in
 * a temp dir): pass and fail of every check, the setting named at fault, sshd Include handling,
 * command-output overrides, missing files, a bad root, the evidence, and one run on this machine. */
#define _XOPEN_SOURCE 700 /* nftw */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <ftw.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "collect/host.h"

static const char *root_env; /* ISMS_HOST_ROOT as the checks see it; NULL = unset */
static char fixtures[1024];
static char tmp[256];        /* the temp root of the current test, "" when none */

static const char *fake_getenv(const char *name)
{
    return !strcmp(name, "ISMS_HOST_ROOT") ? root_env : NULL;
}

static const char *fixture(const char *scenario)
{
    static char path[1200];
    snprintf(path, sizeof path, "%s/%s", fixtures, scenario);
    return path;
}

static const check_def *find(const char *id)
{
    for (const check_def *d = checks_host; d->id; d++)
        if (!strcmp(d->id, id))
            return d;
    fail_msg("no check %s", id);
    return NULL;
}

/* One run of a check against root; result strings live in *a, evidence is appended to raw. */
typedef struct run {
    arena a;
    buf raw;
    check_result res;
    isms_err err;
    int rc;
} run;

static void run_check(run *r, const char *id, const char *root)
{
    arena_init(&r->a);
    buf_init(&r->raw, 16u << 20);
    r->res = (check_result){0};
    err_clear(&r->err);
    root_env = root;
    check_ctx ctx = {.a = &r->a, .raw = &r->raw, .getenv = fake_getenv, .timeout_ms = 5000, .max_retries = 0};
    r->rc = find(id)->run(&ctx, &r->res, &r->err);
}

static void run_free(run *r)
{
    arena_free(&r->a);
    buf_free(&r->raw);
}

static int has(const char *s, const char *needle) { return s && strstr(s, needle); }

/* Run id against root and assert the status and that summary/details contain the given texts. */
#define EXPECT(id, root, st, sum, det)                                                                          \
    do {                                                                                                        \
        run r_;                                                                                                 \
        run_check(&r_, id, root);                                                                               \
        if (r_.rc != ISMS_OK || r_.res.status != (st) || !has(r_.res.summary, sum) ||                           \
            ((det) && !has(r_.res.details, det)))                                                               \
            fail_msg("%s on %s: rc %d (%s) status %d\nsummary: %s\ndetails:\n%s", id, root, r_.rc, r_.err.msg, \
                     r_.res.status, r_.res.summary ? r_.res.summary : "(null)",                                 \
                     r_.res.details ? r_.res.details : "(null)");                                               \
        run_free(&r_);                                                                                          \
    } while (0)

/* ---- temp roots ---- */

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *f)
{
    (void)st, (void)flag, (void)f;
    return remove(p);
}

static int make_tmp(void **state)
{
    (void)state;
    snprintf(tmp, sizeof tmp, "/tmp/isms-host-XXXXXX");
    return mkdtemp(tmp) ? 0 : -1;
}

static int drop_tmp(void **state)
{
    (void)state;
    if (*tmp)
        nftw(tmp, rm_one, 16, FTW_DEPTH | FTW_PHYS);
    *tmp = '\0';
    return 0;
}

static void mkdirs(char *path)
{
    for (char *s = path + 1; *s; s++)
        if (*s == '/') {
            *s = '\0';
            mkdir(path, 0755);
            *s = '/';
        }
}

/* Write rel (e.g. "/etc/ufw/ufw.conf") under the temp root, creating its directories. */
static void put(const char *rel, const char *content)
{
    char p[1024];
    snprintf(p, sizeof p, "%s%s", tmp, rel);
    mkdirs(p);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs(content, f);
    fclose(f);
}

/* Copy a fixture file into the temp root and set its mtime to age_days ago. */
static void copy_aged(const char *scenario, const char *rel, const char *to, double age_days)
{
    char src[1400], dst[1024];
    snprintf(src, sizeof src, "%s%s", fixture(scenario), rel);
    snprintf(dst, sizeof dst, "%s%s", tmp, to);
    FILE *in = fopen(src, "rb");
    assert_non_null(in);
    mkdirs(dst);
    FILE *out = fopen(dst, "wb");
    assert_non_null(out);
    char b[4096];
    size_t n;
    while ((n = fread(b, 1, sizeof b, in)) > 0)
        fwrite(b, 1, n, out);
    fclose(in);
    fclose(out);
    time_t t = time(NULL) - (time_t)(age_days * 86400);
    struct timespec ts[2] = {{.tv_sec = t}, {.tv_sec = t}};
    assert_int_equal(utimensat(AT_FDCWD, dst, ts, 0), 0);
}

/* ---- the table ---- */

static void test_table(void **state)
{
    (void)state;
    static const char *const ids[] = {"host.disk_encryption", "host.firewall", "host.auto_updates",
                                      "host.ssh_hardening", "host.malware_protection", "host.screen_lock"};
    size_t n = 0;
    for (const check_def *d = checks_host; d->id; d++, n++) {
        assert_true(n < 6);
        assert_string_equal(d->id, ids[n]);
        assert_string_equal(d->source, "host");
        assert_non_null(d->run);
        assert_null(d->evaluate);
        assert_true(d->interval_s > 0);
        assert_true(d->title && *d->title && d->controls && !strncmp(d->controls, "A.", 2));
    }
    assert_int_equal(n, 6);
    assert_null(checks_host[6].run);
    assert_string_equal(host_command_keys[0], "nft-list-ruleset");
}

/* ---- host.disk_encryption ---- */

static void test_disk(void **state)
{
    (void)state;
    EXPECT("host.disk_encryption", fixture("hardened"), CHECK_PASS, "encrypted by dm-crypt (nvme0n1p2_crypt)",
           "CRYPT-LUKS2-");
    EXPECT("host.disk_encryption", fixture("hardened"), CHECK_PASS, "/dev/mapper/vgubuntu-root", "nvme0n1p2");
    /* btrfs shows an anonymous 0:35; the source's mapper name leads to the LUKS device */
    EXPECT("host.disk_encryption", fixture("rhel"), CHECK_PASS, "encrypted", "btrfs");
    EXPECT("host.disk_encryption", fixture("default-debian"), CHECK_FAIL, "/ is on /dev/vda1, not encrypted",
           "vda1");
    EXPECT("host.disk_encryption", fixture("desktop-unlocked"), CHECK_FAIL, "/ is on /dev/mapper/vg0-root, not encrypted",
           "dm uuid LVM-");
}

static void test_disk_tmp(void **state)
{
    (void)state;
    /* no mount table at all: an error with a message, not a verdict */
    run r;
    run_check(&r, "host.disk_encryption", tmp);
    assert_int_equal(r.rc, ISMS_ENOTFOUND);
    assert_true(has(r.err.msg, "mount table"));
    run_free(&r);
    /* a container: / is an overlay, which cannot be judged */
    put("/proc/mounts", "overlay / overlay rw,relatime,lowerdir=/x,upperdir=/y,workdir=/z 0 0\nproc /proc proc rw 0 0\n");
    EXPECT("host.disk_encryption", tmp, CHECK_ERROR, "cannot tell whether / is encrypted: it is overlay", NULL);
    /* a mount table without / */
    put("/proc/self/mountinfo", "23 1 0:21 / /proc rw - proc proc rw\n");
    run_check(&r, "host.disk_encryption", tmp);
    assert_int_equal(r.rc, ISMS_ENOTFOUND);
    assert_true(has(r.err.msg, "no filesystem mounted on /"));
    run_free(&r);
    /* dm-verity also says CRYPT- but does not encrypt; a crypt on only one of two legs is not enough */
    put("/proc/self/mountinfo", "1 0 253:2 / / ro - ext4 /dev/dm-2 ro\n");
    put("/sys/class/block/dm-2/dev", "253:2\n");
    put("/sys/class/block/dm-2/dm/uuid", "CRYPT-VERITY-0123456789abcdef-root\n");
    EXPECT("host.disk_encryption", tmp, CHECK_FAIL, "/ is on /dev/dm-2, not encrypted", "CRYPT-VERITY");
    put("/sys/class/block/dm-2/dm/uuid", "LVM-abc\n");
    put("/sys/class/block/dm-2/slaves/dm-3", "");
    put("/sys/class/block/dm-2/slaves/sdb1", "");
    put("/sys/class/block/dm-3/dm/uuid", "CRYPT-LUKS1-abc-sda2_crypt\n");
    put("/sys/class/block/dm-3/dm/name", "sda2_crypt\n");
    EXPECT("host.disk_encryption", tmp, CHECK_FAIL, "not encrypted on every underlying device", "sdb1");
    /* a loop of slaves (a broken sysfs) ends at the depth limit */
    put("/sys/class/block/sdb1/slaves/dm-2", "");
    EXPECT("host.disk_encryption", tmp, CHECK_FAIL, "not encrypted", NULL);
}

/* ---- host.firewall ---- */

static void test_firewall(void **state)
{
    (void)state;
    EXPECT("host.firewall", fixture("hardened"), CHECK_PASS, "ufw is enabled", "DEFAULT_INPUT_POLICY=DROP");
    EXPECT("host.firewall", fixture("rhel"), CHECK_PASS, "firewalld is running (default zone public)", NULL);
    /* the live ruleset comes from run/isms-host/nft-list-ruleset.out; iptables' output accepts */
    EXPECT("host.firewall", fixture("desktop-unlocked"), CHECK_PASS, "the loaded nftables rules drop", 
           "iptables: the loaded rules accept incoming traffic by default");
    EXPECT("host.firewall", fixture("nftables-saved"), CHECK_PASS,
           "nftables.service loads /etc/nftables.conf, which drops", NULL);
    /* rules.v4: the nat table's INPUT DROP does not count, and netfilter-persistent is off */
    EXPECT("host.firewall", fixture("nftables-saved"), CHECK_PASS, "nftables",
           "iptables: /etc/iptables/rules.v4 accepts incoming traffic by default; netfilter-persistent.service is "
           "not enabled");
    EXPECT("host.firewall", fixture("default-debian"), CHECK_FAIL, "no active firewall", "ENABLED=no");
    EXPECT("host.firewall", fixture("default-debian"), CHECK_FAIL, "no active firewall",
           "nftables: /etc/nftables.conf accepts incoming traffic by default; nftables.service is not enabled");
}

static void test_firewall_tmp(void **state)
{
    (void)state;
    EXPECT("host.firewall", tmp, CHECK_FAIL, "no active firewall", "no ufw, firewalld, nftables or iptables");
    put("/etc/ufw/ufw.conf", "ENABLED=yes\n");
    put("/etc/default/ufw", "DEFAULT_INPUT_POLICY=\"ACCEPT\"\n");
    EXPECT("host.firewall", tmp, CHECK_FAIL, "no active firewall", "DEFAULT_INPUT_POLICY=ACCEPT");
    put("/etc/default/ufw", "# no policy set: ufw's default drops\n");
    EXPECT("host.firewall", tmp, CHECK_PASS, "ufw is enabled", NULL);
    put("/etc/ufw/ufw.conf", "ENABLED=no\n");
    put("/usr/sbin/firewalld", "");
    put("/etc/firewalld/firewalld.conf", "DefaultZone=trusted\n");
    put("/proc/77/comm", "firewalld\n");
    EXPECT("host.firewall", tmp, CHECK_FAIL, "no active firewall", "default zone trusted (accepts everything)");
    put("/proc/77/comm", "bash\n");
    put("/etc/firewalld/firewalld.conf", "DefaultZone=public\n");
    EXPECT("host.firewall", tmp, CHECK_FAIL, "no active firewall", "firewalld: installed but not running");
    /* nft: a policy drop undone by a final accept-all, then a final unconditional drop */
    put("/run/isms-host/nft-list-ruleset.out",
        "table ip filter {\n\tchain INPUT {\n\t\ttype filter hook input priority filter; policy drop;\n"
        "\t\tcounter packets 10 bytes 600 accept\n\t}\n}\n");
    EXPECT("host.firewall", tmp, CHECK_FAIL, "no active firewall", "nftables: the loaded rules accept");
    put("/run/isms-host/nft-list-ruleset.out",
        "table inet f {\n\tchain in {\n\t\ttype filter hook input priority 0; policy accept;\n"
        "\t\ttcp dport { 22, 80 } accept\n\t\tcounter packets 0 bytes 0 reject with icmpx type admin-prohibited\n"
        "\t}\n}\ntable inet g {\n\tchain out {\n\t\ttype filter hook output priority 0; policy accept;\n\t}\n}\n");
    EXPECT("host.firewall", tmp, CHECK_PASS, "the loaded nftables rules drop", NULL);
    put("/run/isms-host/nft-list-ruleset.out", "");
    EXPECT("host.firewall", tmp, CHECK_FAIL, "no active firewall", "nftables: the loaded rules are empty");
    /* iptables: a drop policy, a trailing REJECT, and a drop policy undone by a final ACCEPT */
    put("/run/isms-host/iptables-S-INPUT.out", "-P INPUT DROP\n-A INPUT -i lo -j ACCEPT\n");
    EXPECT("host.firewall", tmp, CHECK_PASS, "the loaded iptables rules drop", NULL);
    put("/run/isms-host/iptables-S-INPUT.out",
        "-P INPUT ACCEPT\n-A INPUT -p tcp --dport 22 -j ACCEPT\n-A INPUT -j REJECT --reject-with icmp-host-prohibited\n");
    EXPECT("host.firewall", tmp, CHECK_PASS, "the loaded iptables rules drop", NULL);
    put("/run/isms-host/iptables-S-INPUT.out", "-P INPUT DROP\n-A INPUT -j ACCEPT\n");
    EXPECT("host.firewall", tmp, CHECK_FAIL, "no active firewall", "iptables: the loaded rules accept");
    /* a saved nftables file that drops, but nothing loads it at boot */
    unlink(strcat(strcpy((char[512]){0}, tmp), "/run/isms-host/nft-list-ruleset.out"));
    put("/etc/sysconfig/nftables.conf", "table inet f { chain i { type filter hook input priority 0; policy drop; } }\n");
    EXPECT("host.firewall", tmp, CHECK_FAIL, "no active firewall",
           "/etc/sysconfig/nftables.conf drops incoming traffic by default; nftables.service is not enabled");
    put("/etc/systemd/system/multi-user.target.wants/nftables.service", "");
    EXPECT("host.firewall", tmp, CHECK_PASS, "nftables.service loads /etc/sysconfig/nftables.conf", NULL);
}

/* ---- host.auto_updates ---- */

static void test_updates(void **state)
{
    (void)state;
    /* the .dpkg-old part setting "0" is ignored, as apt ignores it; so is the "0" in a C comment */
    EXPECT("host.auto_updates", fixture("hardened"), CHECK_PASS, "unattended-upgrades installs updates",
           "APT::Periodic::Unattended-Upgrade \"1\" (/etc/apt/apt.conf.d/20auto-upgrades)");
    EXPECT("host.auto_updates", fixture("hardened"), CHECK_PASS, "unattended-upgrades",
           "unattended-upgrades 2.9.1+nmu4ubuntu1 is installed");
    EXPECT("host.auto_updates", fixture("rhel"), CHECK_PASS, "dnf-automatic.timer applies updates",
           "apply_updates = yes (/etc/dnf/automatic.conf:16), upgrade_type = security");
    EXPECT("host.auto_updates", fixture("default-debian"), CHECK_FAIL,
           "the unattended-upgrades package is not installed",
           "APT::Periodic::Unattended-Upgrade is not set in /etc/apt/apt.conf.d");
    /* scoped "APT { Periodic { ... } }" syntax is read, but the package was removed */
    EXPECT("host.auto_updates", fixture("desktop-unlocked"), CHECK_FAIL,
           "the unattended-upgrades package is not installed", "\"1\" (/etc/apt/apt.conf.d/02periodic)");
}

static void test_updates_tmp(void **state)
{
    (void)state;
    put("/etc/os-release", "NAME=Alpine\nPRETTY_NAME=\"Alpine Linux v3.20\"\n");
    EXPECT("host.auto_updates", tmp, CHECK_FAIL, "no automatic security updates configured",
           "no unattended-upgrades (apt) or dnf-automatic configuration found on Alpine Linux v3.20");
    put("/etc/dnf/automatic.conf", "[commands]\nupgrade_type = default\napply_updates = no\n");
    put("/etc/systemd/system/timers.target.wants/dnf-automatic.timer", "");
    EXPECT("host.auto_updates", tmp, CHECK_FAIL, "apply_updates is not yes in /etc/dnf/automatic.conf",
           "apply_updates = no (/etc/dnf/automatic.conf:3)");
    put("/etc/dnf/automatic.conf", "[emitters]\napply_updates = yes\n[commands]\napply_updates = yes\n");
    unlink(strcat(strcpy((char[512]){0}, tmp), "/etc/systemd/system/timers.target.wants/dnf-automatic.timer"));
    EXPECT("host.auto_updates", tmp, CHECK_FAIL, "dnf-automatic.timer is not enabled", NULL);
    /* the install timer applies updates whatever apply_updates says */
    put("/etc/dnf/automatic.conf", "[commands]\n");
    put("/etc/systemd/system/timers.target.wants/dnf-automatic-install.timer", "");
    EXPECT("host.auto_updates", tmp, CHECK_PASS, "applies updates automatically", "dnf-automatic-install.timer");
    unlink(strcat(strcpy((char[512]){0}, tmp), "/etc/dnf/automatic.conf"));
    /* apt: enabled and installed, then switched off by APT::Periodic::Enable, then by apt.conf */
    put("/var/lib/dpkg/status", "Package: unattended-upgrades\nStatus: install ok installed\nVersion: 2.9\n");
    put("/etc/apt/apt.conf.d/20auto-upgrades", "APT::Periodic::Unattended-Upgrade \"1\";\n");
    EXPECT("host.auto_updates", tmp, CHECK_PASS, "unattended-upgrades installs updates", NULL);
    put("/etc/apt/apt.conf.d/99off", "# turned off\napt::periodic::enable \"0\";\n");
    EXPECT("host.auto_updates", tmp, CHECK_FAIL, "APT::Periodic::Unattended-Upgrade is not enabled",
           "APT::Periodic::Enable \"0\"");
    put("/etc/apt/apt.conf.d/99off", "/* nothing */\n");
    put("/etc/apt/apt.conf", "APT::Periodic { Unattended-Upgrade \"0\"; };\n");
    EXPECT("host.auto_updates", tmp, CHECK_FAIL, "not enabled",
           "APT::Periodic::Unattended-Upgrade \"0\" (/etc/apt/apt.conf)");
    /* unterminated strings, comments and braces do not crash the parser */
    put("/etc/apt/apt.conf", "}}} APT { Periodic { Unattended-Upgrade \"1 /* x");
    EXPECT("host.auto_updates", tmp, CHECK_PASS, "installs", NULL);
}

/* ---- host.ssh_hardening ---- */

static void test_ssh(void **state)
{
    (void)state;
    /* sshd_config.d/50-hardening.conf comes first through Include, so its values win over the
     * later "PermitRootLogin yes" and "PasswordAuthentication yes"; the README is not *.conf */
    EXPECT("host.ssh_hardening", fixture("hardened"), CHECK_PASS, "sshd refuses root and password logins",
           "PermitRootLogin no (/etc/ssh/sshd_config.d/50-hardening.conf:2)");
    EXPECT("host.ssh_hardening", fixture("hardened"), CHECK_PASS, "sshd",
           "PasswordAuthentication no (/etc/ssh/sshd_config.d/50-hardening.conf:3)");
    EXPECT("host.ssh_hardening", fixture("hardened"), CHECK_PASS, "sshd", "Ciphers has no weak algorithms");
    EXPECT("host.ssh_hardening", fixture("default-debian"), CHECK_FAIL,
           "sshd settings at fault: PermitRootLogin, PasswordAuthentication",
           "PermitRootLogin yes (/etc/ssh/sshd_config:10): not allowed");
    EXPECT("host.ssh_hardening", fixture("default-debian"), CHECK_FAIL, "PasswordAuthentication",
           "PasswordAuthentication yes (OpenSSH default): set PasswordAuthentication no");
    /* a Match block re-enables passwords; the crypto-policy back-end, reached by nested Include,
     * allows hmac-sha1 (as RHEL's DEFAULT policy does) */
    EXPECT("host.ssh_hardening", fixture("rhel"), CHECK_FAIL,
           "sshd settings at fault: MACs, PasswordAuthentication in Match Address 10.20.0.0/16",
           "PasswordAuthentication yes for Match Address 10.20.0.0/16 (/etc/ssh/sshd_config:13)");
    EXPECT("host.ssh_hardening", fixture("rhel"), CHECK_FAIL, "Match",
           "PasswordAuthentication no (/etc/ssh/sshd_config:8)");
    EXPECT("host.ssh_hardening", fixture("rhel"), CHECK_FAIL, "Match",
           "MACs includes weak hmac-sha1-etm@openssh.com (/etc/crypto-policies/back-ends/opensshserver.config:2)");
    /* relative Include under /etc/ssh and "+" lists */
    EXPECT("host.ssh_hardening", fixture("desktop-unlocked"), CHECK_FAIL, "sshd settings at fault: Ciphers, MACs",
           "Ciphers includes weak aes128-cbc,3des-cbc (/etc/ssh/hardening/10-legacy.conf:2)");
    EXPECT("host.ssh_hardening", fixture("desktop-unlocked"), CHECK_FAIL, "MACs", "MACs includes weak hmac-md5");
}

static void test_ssh_tmp(void **state)
{
    (void)state;
    EXPECT("host.ssh_hardening", tmp, CHECK_PASS, "sshd not installed", "neither /usr/sbin/sshd");
    /* the binary without a config: OpenSSH's defaults allow passwords */
    put("/usr/sbin/sshd", "");
    EXPECT("host.ssh_hardening", tmp, CHECK_FAIL, "PasswordAuthentication", "(OpenSSH default)");
    /* "=" and quotes, case-insensitive keywords, PAM keyboard-interactive, "-" removals */
    put("/etc/ssh/sshd_config", "passwordauthentication=\"no\"\n  PermitRootLogin = without-password\n"
                                "UsePAM yes\nChallengeResponseAuthentication yes\nCiphers -aes128-cbc,3des-cbc\n"
                                "KexAlgorithms +diffie-hellman-group*-sha1\n");
    EXPECT("host.ssh_hardening", tmp, CHECK_FAIL, "sshd settings at fault: KbdInteractiveAuthentication, KexAlgorithms",
           "KbdInteractiveAuthentication yes (/etc/ssh/sshd_config:4) with UsePAM yes lets PAM ask for passwords");
    EXPECT("host.ssh_hardening", tmp, CHECK_FAIL, "KexAlgorithms", "KexAlgorithms includes weak diffie-hellman-group1-sha1,diffie-hellman-group14-sha1");
    /* a missing include is fine; Match in an included file ends with that file */
    put("/etc/ssh/sshd_config", "Include /etc/ssh/none/*.conf\nInclude m.conf\n"
                                "PasswordAuthentication no\nKbdInteractiveAuthentication no\n");
    put("/etc/ssh/m.conf", "Match User backup\nPermitRootLogin yes\n");
    EXPECT("host.ssh_hardening", tmp, CHECK_FAIL, "PermitRootLogin in Match User backup",
           "PasswordAuthentication no (/etc/ssh/sshd_config:3)");
    /* an Include of itself is a cycle: not followed, and no verdict (sshd would not start) */
    put("/etc/ssh/sshd_config", "Include /etc/ssh/sshd_config /etc/ssh/none/*.conf\nInclude m.conf\n"
                                "PasswordAuthentication no\nKbdInteractiveAuthentication no\n");
    EXPECT("host.ssh_hardening", tmp, CHECK_ERROR, "sshd_config cannot be evaluated: /etc/ssh/sshd_config:1: Include "
           "of /etc/ssh/sshd_config, which is already being read (an Include cycle",
           "PasswordAuthentication no (/etc/ssh/sshd_config:3)");
    put("/etc/ssh/m.conf", "Match User backup\nPermitRootLogin no\n");
    put("/etc/ssh/sshd_config", "Include m.conf\nPasswordAuthentication no\n");
    EXPECT("host.ssh_hardening", tmp, CHECK_PASS, "sshd refuses", "PasswordAuthentication no (/etc/ssh/sshd_config:2)");
}

/* Include cycles and bounds: "Include x x" doubles the files read at every level, so without the
 * cycle check and the file bound an sshd_config including itself twice was parsed 2^16 times. */
static void test_ssh_include_bounds(void **state)
{
    (void)state;
    put("/usr/sbin/sshd", "");
    put("/etc/ssh/sshd_config", "PermitRootLogin no\nInclude /etc/ssh/sshd_config /etc/ssh/sshd_config\n"
                                "PasswordAuthentication no\n");
    run r;
    run_check(&r, "host.ssh_hardening", tmp);
    assert_int_equal(r.rc, ISMS_OK);
    assert_int_equal(r.res.status, CHECK_ERROR);
    assert_true(has(r.res.summary, "an Include cycle"));
    assert_true(has(r.res.details, "PermitRootLogin no (/etc/ssh/sshd_config:1)"));
    assert_true(r.raw.len < 8192); /* the file was read once */
    run_free(&r);

    /* a cycle through another file, found by inode whatever the path says */
    put("/etc/ssh/sshd_config", "Include sshd_config.d/*.conf\n");
    put("/etc/ssh/sshd_config.d/10-loop.conf", "Include /etc/ssh//sshd_config\n");
    EXPECT("host.ssh_hardening", tmp, CHECK_ERROR, "/etc/ssh/sshd_config.d/10-loop.conf:1: Include of "
           "/etc/ssh//sshd_config, which is already being read", NULL);

    /* no cycle, but twice as many files at every level: stopped at HOST_SSH_MAX_FILES */
    char name[64], body[160];
    for (int i = 0; i < 12; i++) {
        snprintf(name, sizeof name, "/etc/ssh/d%d.conf", i);
        snprintf(body, sizeof body, i < 11 ? "Include d%d.conf d%d.conf\n" : "PermitRootLogin no\n", i + 1, i + 1);
        put(name, body);
    }
    put("/etc/ssh/sshd_config", "Include d0.conf\nPasswordAuthentication no\n");
    run_check(&r, "host.ssh_hardening", tmp);
    assert_int_equal(r.res.status, CHECK_ERROR);
    assert_true(has(r.res.summary, "more than 256 configuration files in all"));
    assert_true(r.raw.len < (4u << 20));
    run_free(&r);

    /* a glob matching more files than the bound: the rest are named once, not one line each */
    for (int i = 0; i < 300; i++) {
        snprintf(name, sizeof name, "/etc/ssh/many/%03d.conf", i);
        put(name, "# nothing\n");
    }
    put("/etc/ssh/sshd_config", "Include many/*.conf\nPasswordAuthentication no\n");
    run_check(&r, "host.ssh_hardening", tmp);
    assert_int_equal(r.res.status, CHECK_ERROR);
    assert_true(has(r.res.summary, "/etc/ssh/sshd_config:1: more than 256 configuration files in all, the rest of the "
                                   "Include not followed"));
    assert_null(strstr(strstr(r.res.details, "not followed") + 1, "not followed"));
    run_free(&r);

    /* a chain of distinct files deeper than sshd allows */
    for (int i = 0; i < 20; i++) {
        snprintf(name, sizeof name, "/etc/ssh/c%d.conf", i);
        snprintf(body, sizeof body, "Include c%d.conf\n", i + 1);
        put(name, body);
    }
    put("/etc/ssh/sshd_config", "Include c0.conf\n");
    EXPECT("host.ssh_hardening", tmp, CHECK_ERROR, "/etc/ssh/c15.conf:1: Include nested more than 16 deep", NULL);
    /* sixteen levels are fine */
    put("/etc/ssh/c15.conf", "PermitRootLogin no\nPasswordAuthentication no\n");
    EXPECT("host.ssh_hardening", tmp, CHECK_PASS, "sshd refuses", "PermitRootLogin no (/etc/ssh/c15.conf:1)");
}

/* ---- host.malware_protection ---- */

static void test_malware(void **state)
{
    (void)state;
    EXPECT("host.malware_protection", fixture("hardened"), CHECK_PASS, "CrowdStrike Falcon is installed",
           "falcon-sensor running");
    EXPECT("host.malware_protection", fixture("default-debian"), CHECK_FAIL, "no anti-malware engine found",
           "no ClamAV signatures in /var/lib/clamav");
}

static void test_malware_tmp(void **state)
{
    (void)state;
    copy_aged("clamav", "/var/lib/clamav/main.cvd", "/var/lib/clamav/main.cvd", 400);
    copy_aged("clamav", "/var/lib/clamav/daily.cld", "/var/lib/clamav/daily.cld", 10.2);
    EXPECT("host.malware_protection", tmp, CHECK_FAIL, "ClamAV signatures are 10 days old",
           "/var/lib/clamav/daily.cld updated");
    EXPECT("host.malware_protection", tmp, CHECK_FAIL, "10 days", "(older than 7 days); freshclam is not running");
    copy_aged("clamav", "/var/lib/clamav/daily.cld", "/var/lib/clamav/daily.cld", 1.5);
    put("/proc/300/comm", "freshclam\n");
    EXPECT("host.malware_protection", tmp, CHECK_PASS, "ClamAV signatures are less than 7 days old",
           "1 day ago; freshclam is running");
    /* a DatabaseDirectory elsewhere */
    put("/etc/clamav/freshclam.conf", "# moved\nDatabaseDirectory /srv/clamdb\n");
    EXPECT("host.malware_protection", tmp, CHECK_FAIL, "no anti-malware engine found", "no ClamAV signatures in /srv/clamdb");
    copy_aged("clamav", "/var/lib/clamav/daily.cld", "/srv/clamdb/daily.cvd", 0);
    EXPECT("host.malware_protection", tmp, CHECK_PASS, "less than 7 days", "/srv/clamdb/daily.cvd");
    /* stale signatures but an EDR agent */
    copy_aged("clamav", "/var/lib/clamav/daily.cld", "/srv/clamdb/daily.cvd", 30);
    put("/opt/microsoft/mdatp/sbin/wdavdaemon", "");
    EXPECT("host.malware_protection", tmp, CHECK_PASS, "Microsoft Defender for Endpoint is installed",
           "wdavdaemon not seen running");
    /* /proc/<pid>/comm keeps 15 characters of "elastic-endpoint" */
    put("/opt/Elastic/Endpoint/elastic-endpoint", "");
    put("/proc/9/comm", "elastic-endpoin\n");
    EXPECT("host.malware_protection", tmp, CHECK_PASS, "Microsoft Defender",
           "Elastic Defend: /opt/Elastic/Endpoint present, elastic-endpoint running");
}

/* ---- host.screen_lock ---- */

static void test_lock(void **state)
{
    (void)state;
    EXPECT("host.screen_lock", fixture("hardened"), CHECK_PASS, "the screen locks after at most 15 minutes",
           "idle-delay=uint32 600 (/etc/dconf/db/local.d/10-lock, locked)");
    EXPECT("host.screen_lock", fixture("hardened"), CHECK_PASS, "15 minutes", "lock-enabled=true (/etc/dconf/db/local.d/10-lock");
    EXPECT("host.screen_lock", fixture("desktop-unlocked"), CHECK_FAIL, "does not lock",
           "lock-enabled=false (/usr/share/glib-2.0/schemas/90_kiosk.gschema.override): the screen never locks");
    EXPECT("host.screen_lock", fixture("desktop-unlocked"), CHECK_FAIL, "does not lock", "idle-delay=uint32 0");
    EXPECT("host.screen_lock", fixture("desktop-unlocked"), CHECK_FAIL, "does not lock", "users can change");
    EXPECT("host.screen_lock", fixture("rhel"), CHECK_FAIL, "does not lock",
           "KDE kscreenlockerrc Autolock=true Timeout=30 min (/etc/xdg/kscreenlockerrc): the screen does not lock");
    EXPECT("host.screen_lock", fixture("default-debian"), CHECK_PASS, "no desktop session installed", NULL);
}

static void test_lock_tmp(void **state)
{
    (void)state;
    EXPECT("host.screen_lock", tmp, CHECK_PASS, "no desktop session installed", NULL);
    put("/usr/share/xsessions/xfce.desktop", "[Desktop Entry]\n");
    EXPECT("host.screen_lock", tmp, CHECK_FAIL, "cannot be verified", "desktop sessions: xfce.desktop");
    /* GNOME with nothing configured: its own defaults lock after 300 s */
    put("/usr/bin/gnome-shell", "");
    EXPECT("host.screen_lock", tmp, CHECK_PASS, "15 minutes", "idle-delay=300 (GNOME default)");
    /* a named system database of the profile; idle + lock delay over 900 s */
    put("/etc/dconf/profile/user", "user-db:user\nsystem-db:site\n");
    put("/etc/dconf/db/site.d/01", "[org/gnome/desktop/session]\nidle-delay=uint32 840\n"
                                   "[org/gnome/desktop/screensaver]\nlock-delay=uint32 120\n");
    put("/etc/dconf/db/local.d/01", "[org/gnome/desktop/session]\nidle-delay=uint32 60\n");
    EXPECT("host.screen_lock", tmp, CHECK_FAIL, "does not lock",
           "idle-delay=uint32 840 (/etc/dconf/db/site.d/01): the screen locks after more than 900 s");
    /* only a display manager, KDE defaults */
    put("/etc/dconf/db/site.d/01", "");
    put("/usr/bin/plasmashell", "");
    EXPECT("host.screen_lock", tmp, CHECK_PASS, "15 minutes", "Timeout=5 min (KDE default)");
}

/* ---- roots, evidence, this machine ---- */

static void test_bad_root(void **state)
{
    (void)state;
    for (const check_def *d = checks_host; d->id; d++) {
        run r;
        run_check(&r, d->id, "/nonexistent/isms-host-root");
        assert_int_equal(r.rc, ISMS_ENOTFOUND);
        assert_true(has(r.err.msg, "ISMS_HOST_ROOT /nonexistent/isms-host-root"));
        assert_int_equal(r.raw.len, 0);
        run_free(&r);
        char file[1400];
        snprintf(file, sizeof file, "%s/hardened/etc/os-release", fixtures);
        run_check(&r, d->id, file);
        assert_int_equal(r.rc, ISMS_ENOTFOUND);
        assert_true(has(r.err.msg, "is not a directory"));
        run_free(&r);
    }
}

/* An empty root: nothing crashes, and each check says what it could not find. */
static void test_empty_root(void **state)
{
    (void)state;
    char slash[300];
    snprintf(slash, sizeof slash, "%s//", tmp); /* trailing slashes are fine */
    for (const check_def *d = checks_host; d->id; d++) {
        run r;
        run_check(&r, d->id, slash);
        if (!strcmp(d->id, "host.disk_encryption"))
            assert_int_equal(r.rc, ISMS_ENOTFOUND);
        else {
            assert_int_equal(r.rc, ISMS_OK);
            int pass = !strcmp(d->id, "host.ssh_hardening") || !strcmp(d->id, "host.screen_lock");
            assert_int_equal(r.res.status, pass ? CHECK_PASS : CHECK_FAIL);
            assert_non_null(r.res.details);
        }
        run_free(&r);
    }
}

static void test_evidence(void **state)
{
    (void)state;
    run r;
    run_check(&r, "host.ssh_hardening", fixture("hardened"));
    assert_int_equal(r.rc, ISMS_OK);
    assert_true(r.raw.len > 0 && r.raw.data[r.raw.len - 1] == '\n');
    assert_null(memchr(r.raw.data, '\n', r.raw.len - 1)); /* one JSON line per run */
    json_error_t je;
    json_t *doc = json_loadb(r.raw.data, r.raw.len, 0, &je);
    assert_non_null(doc);
    assert_string_equal(json_string_value(json_object_get(doc, "check")), "host.ssh_hardening");
    assert_string_equal(json_string_value(json_object_get(doc, "root")), fixture("hardened"));
    size_t i;
    json_t *it;
    int conf = 0, inc = 0;
    json_array_foreach(json_object_get(doc, "read"), i, it) {
        const char *p = json_string_value(json_object_get(it, "path"));
        if (p && !strcmp(p, "/etc/ssh/sshd_config.d/50-hardening.conf"))
            conf = has(json_string_value(json_object_get(it, "content")), "PermitRootLogin no") != 0;
        if (json_object_get(it, "include"))
            inc = json_integer_value(json_object_get(it, "matched")) == 1;
        assert_false(p && (strstr(p, "shadow") || strstr(p, "ssh_host_")));
    }
    assert_true(conf);
    assert_true(inc);
    json_decref(doc);
    run_free(&r);
    /* the override file of a command is evidence too; the dpkg database only as its stanza */
    run_check(&r, "host.firewall", fixture("desktop-unlocked"));
    assert_true(has(r.raw.data, "\"path\":\"/run/isms-host/nft-list-ruleset.out\""));
    assert_true(has(r.raw.data, "policy drop"));
    run_free(&r);
    run_check(&r, "host.auto_updates", fixture("hardened"));
    assert_true(has(r.raw.data, "\"excerpt\":\"Package: unattended-upgrades"));
    assert_false(has(r.raw.data, "Package: zlib1g"));
    run_free(&r);
}

/* This machine: every check runs and either answers or explains why it could not. */
static void test_real_machine(void **state)
{
    (void)state;
    for (const check_def *d = checks_host; d->id; d++) {
        run r;
        run_check(&r, d->id, NULL);
        if (r.rc == ISMS_OK) {
            assert_non_null(r.res.summary);
            assert_true(r.res.status == CHECK_PASS || r.res.status == CHECK_FAIL || r.res.status == CHECK_ERROR);
            json_t *doc = json_loadb(r.raw.data, r.raw.len, 0, NULL);
            assert_non_null(doc);
            json_decref(doc);
        } else {
            assert_true(r.err.msg[0] != '\0');
        }
        print_message("%s: %s %s\n", d->id, r.rc ? "error" : r.res.status == CHECK_PASS ? "pass" : r.res.status == CHECK_FAIL ? "fail" : "error",
                      r.rc ? r.err.msg : r.res.summary);
        run_free(&r);
    }
}

int main(void)
{
    const char *f = getenv("ISMS_FIXTURES");
    snprintf(fixtures, sizeof fixtures, "%s", f && *f ? f : "tests/fixtures/host");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_disk),
        cmocka_unit_test_setup_teardown(test_disk_tmp, make_tmp, drop_tmp),
        cmocka_unit_test(test_firewall),
        cmocka_unit_test_setup_teardown(test_firewall_tmp, make_tmp, drop_tmp),
        cmocka_unit_test(test_updates),
        cmocka_unit_test_setup_teardown(test_updates_tmp, make_tmp, drop_tmp),
        cmocka_unit_test(test_ssh),
        cmocka_unit_test_setup_teardown(test_ssh_tmp, make_tmp, drop_tmp),
        cmocka_unit_test_setup_teardown(test_ssh_include_bounds, make_tmp, drop_tmp),
        cmocka_unit_test(test_malware),
        cmocka_unit_test_setup_teardown(test_malware_tmp, make_tmp, drop_tmp),
        cmocka_unit_test(test_lock),
        cmocka_unit_test_setup_teardown(test_lock_tmp, make_tmp, drop_tmp),
        cmocka_unit_test(test_bad_root),
        cmocka_unit_test_setup_teardown(test_empty_root, make_tmp, drop_tmp),
        cmocka_unit_test(test_evidence),
        cmocka_unit_test(test_real_machine),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
