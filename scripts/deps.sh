#!/bin/sh
# Installs the Debian packages isms needs to build and test, only those missing.
set -e
PKGS="gcc make pkg-config libsqlite3-dev libjansson-dev libxlsxwriter-dev libssl-dev zlib1g-dev libsodium-dev libmicrohttpd-dev libcmocka-dev python3 openssl curl"
missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
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
