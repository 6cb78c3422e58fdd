/* The host checks (collect/host.c) over a fake root built from the input: each part is one file
 * of the table below (sshd_config and its includes, the mount table, dpkg status, apt, firewall
 * rules and the command-output overrides, desktop lock settings, ClamAV and dnf configuration),
 * written under a scratch directory used as ISMS_HOST_ROOT; then every host check runs on it, as
 * `isms check run host` does. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "collect/host.h"
#include "fuzz.h"

static const char *const files[] = {
    "/etc/ssh/sshd_config", "/etc/ssh/sshd_config.d/10-a.conf", "/etc/ssh/b.conf", "/proc/self/mountinfo",
    "/var/lib/dpkg/status", "/etc/apt/apt.conf.d/20auto-upgrades", "/etc/nftables.conf",
    "/run/isms-host/nft-list-ruleset.out", "/run/isms-host/iptables-S-INPUT.out", "/etc/iptables/rules.v4",
    "/etc/ufw/ufw.conf", "/etc/default/ufw", "/etc/dconf/profile/user", "/etc/dconf/db/local.d/00-screensaver",
    "/etc/dconf/db/local.d/locks/screensaver", "/etc/xdg/kscreenlockerrc", "/etc/dnf/automatic.conf",
    "/etc/clamav/freshclam.conf", "/etc/firewalld/firewalld.conf", "/etc/os-release",
    "/sys/class/block/dm-0/dm/uuid", "/usr/share/glib-2.0/schemas/90-lock.gschema.override",
};
#define NFILES (sizeof files / sizeof *files)

/* Files whose presence turns checks on: sshd, desktops, firewalld, a dm-crypt device tree. */
static void skeleton(void)
{
    static const char *const present[] = {"/usr/sbin/sshd", "/usr/bin/gnome-shell", "/usr/bin/plasmashell",
                                          "/usr/share/xsessions/gnome.desktop", "/usr/sbin/firewalld",
                                          "/etc/systemd/system/multi-user.target.wants/nftables.service",
                                          "/sys/class/block/dm-0/dev", "/sys/class/block/dm-0/slaves/sda2",
                                          "/sys/class/block/sda2/dev", "/var/lib/clamav/daily.cld"};
    for (size_t i = 0; i < sizeof present / sizeof *present; i++)
        fuzz_tree_put(present[i], "", 0);
    fuzz_tree_put("/sys/class/block/dm-0/dev", "254:0\n", 6);
    fuzz_tree_put("/sys/class/block/dm-0/dm/name", "root\n", 5);
    fuzz_tree_put("/sys/class/block/sda2/dev", "8:2\n", 4);
}

static const char *env(const char *name) { return !strcmp(name, "ISMS_HOST_ROOT") ? fuzz_tree() : NULL; }

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_part parts[NFILES];
    size_t n = fuzz_split(data, size, parts, NFILES);
    fuzz_tree_clear();
    skeleton();
    for (size_t i = 0; i < n; i++)
        if (parts[i].n)
            fuzz_tree_put(files[i], parts[i].p, parts[i].n);
    for (const check_def *d = checks_host; d->id; d++) {
        arena a;
        arena_init(&a);
        buf raw;
        buf_init(&raw, 16u << 20);
        check_ctx ctx = {.a = &a, .raw = &raw, .getenv = env, .timeout_ms = 1000};
        check_result res = {0};
        isms_err err = {0};
        if (!d->run(&ctx, &res, &err) && res.details)
            (void)strlen(res.details);
        buf_free(&raw);
        arena_free(&a);
    }
    return 0;
}
