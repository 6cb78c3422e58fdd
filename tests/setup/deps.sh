#!/bin/bash
# scripts/deps.sh on a simulated fresh Debian machine: dpkg, apt-get, sudo and npm are stand-ins on
# PATH that record what they were asked, so every path of the script runs without installing.
. "$(dirname "$0")/../cli/lib.sh"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)

# A copy of the repository's layout: the script and empty tests/web and tests/mcp.
setup_machine() { # [npm] [modules] [user]: what this machine already has
    rm -rf "$T/repo" "$T/bin" "$T/log"
    mkdir -p "$T/repo/scripts" "$T/repo/tests/web" "$T/repo/tests/mcp" "$T/bin"
    : > "$T/log"
    cp "$ROOT/scripts/deps.sh" "$T/repo/scripts/"
    cp "$ROOT/tests/web/package-lock.json" "$T/repo/tests/web/"
    cp "$ROOT/tests/mcp/package-lock.json" "$T/repo/tests/mcp/"
    for tool in dirname grep env mktemp rm cat mkdir sed cp awk cut; do ln -s "$(command -v $tool)" "$T/bin/$tool"; done
    # Nothing is installed.
    printf '#!/bin/sh\nexit 1\n' > "$T/bin/dpkg-query"
    # apt-get records its arguments; installing npm puts an npm command on PATH.
    cat > "$T/bin/apt-get" <<EOF
#!/bin/sh
echo "apt-get \$*" >> "$T/log"
case " \$* " in *" -s "*) echo "Inst gcc (12 Debian:12)"; echo "Inst npm (9 Debian:12)"; exit 0 ;; esac
case " \$* " in *" install "*" npm "*|*" install "*" npm") cp "$T/npm" "$T/bin/npm" ;; esac
exit 0
EOF
    # npm ci records itself and leaves the modules of the folder it runs in.
    cat > "$T/npm" <<EOF
#!/bin/sh
echo "npm \$* in \$(pwd)" >> "$T/log"
case "\$(pwd)" in */tests/web) mkdir -p node_modules/playwright-core ;; */tests/mcp) mkdir -p node_modules/@modelcontextprotocol/sdk ;; esac
EOF
    printf '#!/bin/sh\n[ "$1" = -u ] && echo %s\n' "${3:-0}" > "$T/bin/id"
    # The nodejs apt would install, and node itself once there: ${4:-20}.
    printf '#!/bin/sh\necho "nodejs:"; echo "  Installed: (none)"; echo "  Candidate: %s.1.0-1"\n' "${4:-20}" > "$T/bin/apt-cache"
    printf '#!/bin/sh\necho %s.1.0\n' "${4:-20}" > "$T/bin/node"
    chmod +x "$T/bin/"* "$T/npm"
    [ "${1:-}" = npm ] && cp "$T/npm" "$T/bin/npm"
    [ "${2:-}" = modules ] && mkdir -p "$T/repo/tests/web/node_modules/playwright-core" \
        "$T/repo/tests/mcp/node_modules/@modelcontextprotocol/sdk"
    return 0
}
deps() { expect_rc "$1" env PATH="$T/bin" /bin/sh "$T/repo/scripts/deps.sh" "${@:2}"; LOG=$(cat "$T/log"); }

# A fresh machine: every package, npm among them, then npm ci.
setup_machine
deps 0
contains "$LOG" "apt-get update" "the package lists are fetched first"
contains "$LOG" "apt-get install -y -qq --no-install-recommends gcc make pkg-config" "the Debian packages"
contains "$LOG" " chromium nodejs npm" "nodejs and npm both"
contains "$LOG" "npm ci --no-audit --no-fund --loglevel=error in $T/repo/tests/web" "the node modules from the lock file"
contains "$LOG" "npm ci --no-audit --no-fund --loglevel=error in $T/repo/tests/mcp" "the MCP tests' modules too"
CHECKS=$((CHECKS + 1)); [ -d "$T/repo/tests/web/node_modules/playwright-core" ] || fail "playwright-core installed"
CHECKS=$((CHECKS + 1)); [ -d "$T/repo/tests/mcp/node_modules/@modelcontextprotocol/sdk" ] || fail "the MCP SDK installed"
not_contains "$ERR" "npm is missing" "npm is not missing afterwards"

# The node modules already there: no npm needed.
setup_machine "" modules
deps 0
not_contains "$LOG" " npm" "npm not installed when no module is needed"
not_contains "$LOG" "npm ci" "npm ci not run"

# Only the MCP tests' modules missing: npm ci there alone.
setup_machine npm modules
rm -rf "$T/repo/tests/mcp/node_modules"
deps 0
contains "$LOG" "npm ci --no-audit --no-fund --loglevel=error in $T/repo/tests/mcp" "the missing folder installed"
not_contains "$LOG" "in $T/repo/tests/web" "the complete folder left alone"

# NodeSource's nodejs has npm already (and conflicts with Debian's npm): only npm ci.
setup_machine npm
deps 0
not_contains "$(grep 'apt-get install' "$T/log")" " npm" "Debian's npm not asked for when npm is there"
contains "$LOG" "npm ci" "npm ci run"

# Not root and no sudo: the packages are named, nothing runs.
setup_machine "" "" 1000
deps 1
contains "$ERR" "isms: run as root, or: sudo apt-get install gcc make" "how to install them"
contains "$ERR" " nodejs npm" "npm among them"
equals "$LOG" "" "nothing run"
# Not root with sudo: the frontend setting survives sudo.
setup_machine "" modules 1000
printf '#!/bin/sh\necho "sudo $*" >> %s\nexec "$@"\n' "$T/log" > "$T/bin/sudo"; chmod +x "$T/bin/sudo"
deps 0
contains "$LOG" "sudo env DEBIAN_FRONTEND=noninteractive apt-get install" "DEBIAN_FRONTEND passes through sudo"

# --dry-run plans and asks apt to simulate; --fresh plans for a machine with nothing.
setup_machine npm modules
deps 0 --dry-run
contains "$OUT" "would install (Debian): gcc make" "the plan"
contains "$OUT" "apt can install them" "apt's simulation"
not_contains "$OUT" "would run: (cd tests/web && npm ci" "no modules needed here"
contains "$LOG" "apt-get -s install --no-install-recommends gcc" "only simulated"
not_contains "$LOG" "apt-get update" "no package lists fetched"
deps 0 --dry-run --fresh
contains "$OUT" " nodejs npm" "a fresh machine needs npm too"
contains "$OUT" "would run: (cd tests/web && npm ci" "and the node modules"
contains "$LOG" "apt-get -s -o Dir::State::status=" "resolved against an empty installed set"
# Debian bookworm's nodejs 18 is too old for playwright-core: said before anything is installed.
setup_machine "" "" 0 18
deps 1 --dry-run --fresh
contains "$ERR" "isms: the browser tests' playwright-core needs Node.js 20 or newer; the nodejs planned is 18" "an old nodejs planned"
deps 1
contains "$ERR" "needs Node.js 20 or newer; this machine's nodejs is 18" "an old nodejs installed"
not_contains "$LOG" "npm ci" "no modules installed for a node that cannot run them"
deps 2 --fresh
contains "$ERR" "--fresh only plans" "--fresh alone installs nothing"
deps 2 --bogus
contains "$ERR" "usage: sh scripts/deps.sh" "an unknown option"
finish
