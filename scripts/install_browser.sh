#!/bin/sh
# Debian's Chromium for the end-to-end tests (tests/e2e), installed only when missing.
# Playwright drives it via executable_path=/usr/bin/chromium; no browser is downloaded
# by Playwright itself.
set -eu
if [ -x /usr/bin/chromium ]; then
    exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    SUDO="sudo"
fi
echo "install_browser: /usr/bin/chromium missing, installing Debian's chromium" >&2
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
test -x /usr/bin/chromium
