#!/bin/sh
# Names each library pkg-config cannot find, with the Debian package that brings it, on one line
# (for make's $(error)). The Makefile runs this only when its single pkg-config call for all the
# libraries failed, so a working build never pays for one call per library.
# usage: sh scripts/check-libs.sh PKG...   ($PKG_CONFIG, default pkg-config)
pc=${PKG_CONFIG:-pkg-config}
if ! command -v "$pc" >/dev/null 2>&1; then
    echo "isms: $pc is missing (Debian package pkg-config); run \`make deps\`"
    exit 1
fi
debian_package() {
    case "$1" in
        sqlite3) echo libsqlite3-dev ;;
        jansson) echo libjansson-dev ;;
        xlsxwriter) echo libxlsxwriter-dev ;;
        libcrypto | libssl | openssl) echo libssl-dev ;;
        zlib) echo zlib1g-dev ;;
        libcurl) echo libcurl4-openssl-dev ;;
        libxml-2.0) echo libxml2-dev ;;
        libsodium) echo libsodium-dev ;;
        libmicrohttpd) echo libmicrohttpd-dev ;;
        libzip) echo libzip-dev ;;
        pangocairo | pango) echo libpango1.0-dev ;;
        cairo) echo libcairo2-dev ;;
        libdeflate) echo libdeflate-dev ;;
        libcmark-gfm) echo libcmark-gfm-dev ;;
        cmocka) echo libcmocka-dev ;;
        *) echo "unknown: add it to scripts/check-libs.sh and scripts/deps.sh" ;;
    esac
}
out=""
for p in "$@"; do
    "$pc" --exists "$p" 2>/dev/null && continue
    # A library whose .pc file is there but which needs a missing one: name the missing one.
    need=$("$pc" --print-errors --exists "$p" 2>&1 | grep -v "required by 'virtual:world'" | sed -n "s/^Package '\([^']*\)', required by .*/\1/p" | head -1)
    if [ -n "$need" ]; then
        msg="library $p needs $need, which is missing (Debian package $(debian_package "$need"))"
    else
        msg="missing library $p (Debian package $(debian_package "$p"))"
    fi
    out="$out${out:+; }$msg"
done
if [ -z "$out" ]; then
    out="$pc could not answer for: $* ($("$pc" --print-errors --libs "$@" 2>&1 | head -1))"
fi
echo "isms: $out; run \`make deps\`"
exit 1
