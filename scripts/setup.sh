#!/usr/bin/env bash
# Installs the machine-level tools cocalc-embed needs and cannot get from its lockfile, all from
# Debian (test tools cannot download their own browsers here):
#   chromium (+ fonts-liberation)  the Chromium the tests drive
#   firefox-esr                    the Firefox the tests drive (over WebDriver BiDi)
#   webkit2gtk-driver              WebKitWebDriver; MiniBrowser comes with its libwebkit2gtk-4.1-0
#   xvfb, xauth                    an X server for MiniBrowser, which has no headless mode
#   openssl                        test certificates for the strict-HTTPS e2e project
#   postgresql                     server programs for the PostgreSQL store's tests and benchmark,
#                                  which start throw-away clusters of their own (none is used here)
# and the pinned pnpm. Idempotent and quick when everything is present: apt is not touched then.
# Used by .ci/run and by developers on a fresh machine.
set -euo pipefail
PNPM_VERSION=10.34.9   # keep equal to "packageManager" in package.json
MINIBROWSER=/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium fonts-liberation)
[ -x /usr/bin/firefox-esr ] || missing+=(firefox-esr)
{ [ -x /usr/bin/WebKitWebDriver ] && [ -x "$MINIBROWSER" ]; } || missing+=(webkit2gtk-driver libwebkit2gtk-4.1-0)
command -v xvfb-run >/dev/null || missing+=(xvfb)
command -v xauth >/dev/null || missing+=(xauth)
command -v openssl >/dev/null || missing+=(openssl)
# initdb/pg_ctl live in /usr/lib/postgresql/<version>/bin; the tests look there.
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing from Debian: ${missing[*]}..."
  export DEBIAN_FRONTEND=noninteractive
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
# As root the tests run the PostgreSQL server programs as the "postgres" user the package creates.
if [ "$(id -u)" -eq 0 ] && ! id postgres >/dev/null 2>&1; then
  echo "setup: the postgres user is missing; reinstall Debian's postgresql-common" >&2
  exit 1
fi
# The Debian Chromium wrapper prints a harmless "[: …: unexpected operator" on stderr; keep only the version.
/usr/bin/chromium --version 2>/dev/null | grep -m1 Chromium || true
/usr/bin/firefox-esr --version 2>/dev/null || true
echo "WebKitGTK $(dpkg-query -W -f='${Version}' libwebkit2gtk-4.1-0 2>/dev/null || echo '?')"
echo "PostgreSQL $(ls -d /usr/lib/postgresql/*/bin | tail -n 1)"

if [ "$(pnpm --version 2>/dev/null || true)" != "$PNPM_VERSION" ]; then
  echo "setup: installing pnpm@$PNPM_VERSION..."
  npm install -g --silent "pnpm@$PNPM_VERSION"
fi
