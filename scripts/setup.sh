#!/usr/bin/env bash
# Installs the machine-level tools cocalc-embed needs and cannot get from its lockfile:
# Debian's Chromium (test tools cannot download their own browsers here), openssl (test
# certificates for the strict-HTTPS e2e project) and the pinned pnpm. Idempotent and quick when
# everything is present. Used by .ci/run and by developers on a fresh machine.
set -euo pipefail
PNPM_VERSION=10.34.9   # keep equal to "packageManager" in package.json

if [ ! -x /usr/bin/chromium ] || ! command -v openssl >/dev/null; then
  echo "setup: installing chromium and openssl from Debian..."
  export DEBIAN_FRONTEND=noninteractive
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends chromium fonts-liberation openssl
fi
# The Debian wrapper prints a harmless "[: …: unexpected operator" on stderr; keep only the version.
/usr/bin/chromium --version 2>/dev/null | grep -m1 Chromium || true

if [ "$(pnpm --version 2>/dev/null || true)" != "$PNPM_VERSION" ]; then
  echo "setup: installing pnpm@$PNPM_VERSION..."
  npm install -g --silent "pnpm@$PNPM_VERSION"
fi
