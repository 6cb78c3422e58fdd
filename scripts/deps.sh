#!/bin/sh
# Installs what isms needs to build and test: Debian packages (only those missing), and
# playwright-core from npm for the browser tests, which drive Debian's chromium.
set -e
PKGS="gcc make pkg-config libsqlite3-dev libjansson-dev libxlsxwriter-dev libssl-dev zlib1g-dev libcurl4-openssl-dev
libxml2-dev libsodium-dev libmicrohttpd-dev libcmocka-dev libzip-dev libpango1.0-dev libcairo2-dev libdeflate-dev
poppler-utils python3 python3-icalendar python3-cryptography sqlite3 openssl curl chromium nodejs
clang libclang-rt-14-dev"
missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
    if [ "$(id -u)" != 0 ]; then
        if command -v sudo >/dev/null 2>&1; then SUDO=sudo; else
            echo "isms: missing Debian packages:$missing" >&2
            echo "isms: run as root, or: sudo apt-get install$missing" >&2
            exit 1
        fi
    fi
    echo "installing:$missing"
    ${SUDO:-} apt-get update -qq
    DEBIAN_FRONTEND=noninteractive ${SUDO:-} apt-get install -y -qq --no-install-recommends $missing
fi
if [ ! -d tests/web/node_modules/playwright-core ]; then
    command -v npm >/dev/null 2>&1 || { echo "isms: npm is missing (Debian package npm)" >&2; exit 1; }
    echo "installing playwright-core for the browser tests"
    (cd tests/web && npm ci --no-audit --no-fund --loglevel=error)
fi
