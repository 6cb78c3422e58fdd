/* Linux host checks (A.8.1 user endpoint devices and neighbours): disk encryption, firewall,
 * automatic security updates, sshd hardening, anti-malware and screen lock, read from this
 * machine's files rather than from an API.
 *
 * Root: every path is read under ISMS_HOST_ROOT (through check_ctx.getenv; default "/"), so
 * "<root>/etc/ssh/sshd_config" stands for /etc/ssh/sshd_config. A root that is not an existing
 * directory makes every check fail to run (ISMS_ENOTFOUND), never pass. The root is a path prefix,
 * not a chroot: an absolute symlink inside a fake tree resolves on this machine.
 *
 * Commands: the checks prefer files (/proc, /sys, /etc, /var/lib). The only commands used are
 * `nft list ruleset` and `iptables -S INPUT`, for the live firewall rules; both are optional
 * (without them the saved rule files are read). Against the real root ("/") they are run with a
 * fixed argv from /usr/sbin, /sbin, /usr/bin or /bin (never a shell), stdin /dev/null, stderr
 * discarded, LC_ALL=C and a timeout of check_ctx.timeout_ms (default 15 s); a missing command or
 * non-zero exit counts as unavailable. Against any other root nothing is ever run: the file
 * "<root>/run/isms-host/<key>.out" is the command's output instead (absent = unavailable), with
 * keys "nft-list-ruleset" and "iptables-S-INPUT".
 *
 * Evidence: each run appends one JSON line to check_ctx.raw: {"check", "root", "read": [...]}
 * listing every path consulted with its content (or an excerpt, size or mtime) and every command
 * output. Shadow files and keys are never read. */
#ifndef ISMS_COLLECT_HOST_H
#define ISMS_COLLECT_HOST_H

#include "collect/check.h"

/* The host checks, in a stable order, terminated by an all-NULL entry. */
extern const check_def checks_host[];

/* The command-output override keys, for help texts and tests: "nft-list-ruleset", ... */
extern const char *const host_command_keys[];

#endif
