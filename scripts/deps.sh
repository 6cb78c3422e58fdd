#!/bin/sh
# Installs what isms needs to build and test: Debian packages (only those missing), and from npm
# playwright-core for the browser tests, which drive Debian's chromium, and the Model Context
# Protocol SDK whose client drives `isms mcp`.
#   --dry-run   print what would be installed and check that apt knows each package; change nothing
#   --fresh     with --dry-run: plan as on a fresh Debian machine, where none of it is installed
set -e
cd "$(dirname "$0")/.."
dry=0 fresh=0 apt_status=""
for a in "$@"; do
    case "$a" in
        --dry-run) dry=1 ;;
        --fresh) fresh=1 ;;
        *) echo "usage: sh scripts/deps.sh [--dry-run [--fresh]]" >&2; exit 2 ;;
    esac
done
if [ "$fresh" = 1 ] && [ "$dry" = 0 ]; then
    echo "isms: --fresh only plans (with --dry-run); it installs nothing" >&2
    exit 2
fi
PKGS="gcc make pkg-config libsqlite3-dev libjansson-dev libxlsxwriter-dev libssl-dev zlib1g-dev libcurl4-openssl-dev
libxml2-dev libsodium-dev libmicrohttpd-dev libcmocka-dev libzip-dev libpango1.0-dev libcairo2-dev libdeflate-dev libcmark-gfm-dev libcmark-gfm-extensions-dev
poppler-utils python3 python3-icalendar python3-cryptography sqlite3 openssl curl clang
libclang-rt-14-dev chromium nodejs"
installed() {
    [ "$fresh" = 0 ] && dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"
}
missing=""
for p in $PKGS; do
    installed "$p" || missing="$missing $p"
done
# The test's node modules come from npm, each folder from its own lock file. Debian's nodejs has
# no npm, its npm package does; NodeSource's nodejs brings npm itself and conflicts with Debian's,
# so only a missing command counts.
modules=""
for m in tests/web/node_modules/playwright-core tests/mcp/node_modules/@modelcontextprotocol/sdk; do
    if [ "$fresh" = 1 ] || [ ! -d "$m" ]; then modules="$modules ${m%%/node_modules/*}"; fi
done
if [ -n "$modules" ]; then
    if [ "$fresh" = 1 ] || ! command -v npm >/dev/null 2>&1; then
        missing="$missing npm"
    fi
fi
# The Node.js major version playwright-core asks for (its "engines" in the lock file), and the one
# here: node's own, or for a plan the version apt would install. Debian bookworm's is 18.
node_wanted() {
    awk '/"node_modules\/playwright-core"/ { f = 1 } f && /"node":/ { gsub(/[^0-9.]/, "", $2); split($2, v, "."); print v[1]; exit }' \
        tests/web/package-lock.json 2>/dev/null
}
node_planned() {
    case " $missing " in
        *" nodejs "*) apt-cache $apt_status policy nodejs 2>/dev/null | sed -n 's/^  Candidate: \([0-9]*:\)\{0,1\}\([0-9]*\).*/\2/p' ;;
        *) node -p 'process.versions.node' 2>/dev/null | cut -d. -f1 ;;
    esac
}
node_check() { # MAJOR WHAT: fails when MAJOR is older than playwright-core wants
    want=$(node_wanted)
    [ -n "$want" ] && [ -n "$1" ] || return 0
    [ "$1" -ge "$want" ] && return 0
    echo "isms: the browser tests' playwright-core needs Node.js $want or newer; $2 is $1" >&2
    echo "isms: (Debian bookworm has 18: take nodejs from a newer Debian release or NodeSource)" >&2
    return 1
}

if [ "$dry" = 1 ]; then
    if [ -n "$missing" ]; then
        echo "would install (Debian):$missing"
    else
        echo "Debian packages: all installed"
    fi
    for d in $modules; do echo "would run: (cd $d && npm ci --no-audit --no-fund --loglevel=error)"; done
    if [ -z "$missing" ]; then
        node_check "$(node_planned)" "the nodejs planned" || exit 1
        exit 0
    fi
    # apt resolves the packages without installing them: against this machine's installed set, or
    # for --fresh against none at all (an empty dpkg status), as on a new machine.
    apt_status=""
    if [ "$fresh" = 1 ]; then
        status=$(mktemp)
        trap 'rm -f "$status"' EXIT
        apt_status="-o Dir::State::status=$status"
    fi
    # shellcheck disable=SC2086 # one word per package; apt_status is one option or none
    if ! out=$(apt-get -s $apt_status install --no-install-recommends $missing 2>&1); then
        printf '%s\n' "$out" | grep -e '^E:' -e 'Depends:' -e 'Conflicts:' >&2
        echo "isms: apt cannot install:$missing (a wrong name, a conflict, or run apt-get update first)" >&2
        exit 1
    fi
    echo "apt can install them: $(printf '%s\n' "$out" | grep -c '^Inst ') packages with their dependencies"
    node_check "$(node_planned)" "the nodejs planned" || exit 1
    exit 0
fi

if [ -n "$missing" ]; then
    command -v apt-get >/dev/null 2>&1 || {
        echo "isms: missing Debian packages:$missing (and apt-get is not here: install them by hand)" >&2
        exit 1
    }
    SUDO=""
    if [ "$(id -u)" != 0 ]; then
        if command -v sudo >/dev/null 2>&1; then SUDO=sudo; else
            echo "isms: missing Debian packages:$missing" >&2
            echo "isms: run as root, or: sudo apt-get install$missing" >&2
            exit 1
        fi
    fi
    echo "installing:$missing"
    $SUDO apt-get update -qq
    # env: sudo drops the caller's environment, DEBIAN_FRONTEND included.
    # shellcheck disable=SC2086 # one word per package
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing
fi
node_check "$(node -p 'process.versions.node' 2>/dev/null | cut -d. -f1)" "this machine's nodejs" || exit 1
if [ -n "$modules" ]; then
    command -v npm >/dev/null 2>&1 || { echo "isms: npm is missing (Debian package npm)" >&2; exit 1; }
    for d in $modules; do
        echo "installing the node modules of $d"
        (cd "$d" && npm ci --no-audit --no-fund --loglevel=error)
    done
fi
