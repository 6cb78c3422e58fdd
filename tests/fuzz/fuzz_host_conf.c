/* The in-memory parsers of host configuration (collect/host_parse.c) on one text: ini, dconf and
 * shell assignments, nftables and iptables rules, apt.conf(5), sshd algorithm lists. data[0] picks
 * the section and key looked up, so every branch sees the same bytes. */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "collect/host_parse.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const sections[] = {NULL, "Daemon", "commands", "org/gnome/desktop/screensaver", "main"};
    static const char *const keys[] = {"ENABLED", "Autolock", "apply_updates", "lock-enabled", "DefaultZone"};
    static const char *const apt_keys[] = {"APT::Periodic::Unattended-Upgrade", "APT::Periodic::Enable",
                                           "Unattended-Upgrade::Allowed-Origins", "a::b::c"};
    if (!size)
        return 0;
    char *text = fuzz_strdup((fuzz_part){(const char *)data + 1, size - 1});
    arena a;
    arena_init(&a);
    check_ctx ctx = {.a = &a};
    host h = {.ctx = &ctx, .a = &a, .root = "", .read = json_array()};
    buf_init(&h.d, 64u << 10);
    int k = data[0] % 5, line = 0;
    char *v = host_ini_get(&h, text, sections[k], keys[k], &line);
    if (v)
        (void)host_truthy(v);
    (void)host_nft_denies(&h, text);
    (void)host_ipt_denies(&h, text);
    char *val = NULL;
    (void)host_apt_get(&h, text, apt_keys[data[0] % 4], &val);
    /* one line of the text as an sshd algorithm list and as a flag's value */
    char *l = text + strcspn(text, "\n");
    *l = '\0';
    if (*text) {
        (void)host_ssh_weak_algs(&h, text);
        (void)host_ssh_safe(data[0] % HOST_SSH_N, text, "yes");
    }
    (void)host_apt_part(text);
    json_decref(h.read);
    buf_free(&h.d);
    arena_free(&a);
    free(text);
    return 0;
}
