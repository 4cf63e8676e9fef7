#!/usr/bin/env bash
# Installs the machine-level tools cocalc-embed needs and cannot get from its lockfile:
# Debian's Chromium (test tools cannot download their own browsers here), openssl (test
# certificates for the strict-HTTPS e2e project), Debian's PostgreSQL server programs (the
# PostgreSQL store's tests and benchmark start throw-away clusters of their own; no server is
# started or used here) and the pinned pnpm. Idempotent and quick when everything is present.
# Used by .ci/run and by developers on a fresh machine.
set -euo pipefail
PNPM_VERSION=10.34.9   # keep equal to "packageManager" in package.json

if [ ! -x /usr/bin/chromium ] || ! command -v openssl >/dev/null; then
  echo "setup: installing chromium and openssl from Debian..."
  export DEBIAN_FRONTEND=noninteractive
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends chromium fonts-liberation openssl
fi
# initdb/pg_ctl live in /usr/lib/postgresql/<version>/bin; the tests look there.
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  echo "setup: installing postgresql from Debian..."
  export DEBIAN_FRONTEND=noninteractive
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends postgresql
fi
# As root the tests run the server programs as the "postgres" user the package creates.
if [ "$(id -u)" -eq 0 ] && ! id postgres >/dev/null 2>&1; then
  echo "setup: the postgres user is missing; reinstall Debian's postgresql-common" >&2
  exit 1
fi
ls -d /usr/lib/postgresql/*/bin | tail -n 1

# The Debian wrapper prints a harmless "[: …: unexpected operator" on stderr; keep only the version.
/usr/bin/chromium --version 2>/dev/null | grep -m1 Chromium || true

if [ "$(pnpm --version 2>/dev/null || true)" != "$PNPM_VERSION" ]; then
  echo "setup: installing pnpm@$PNPM_VERSION..."
  npm install -g --silent "pnpm@$PNPM_VERSION"
fi
