#!/usr/bin/env bash
# Installs Debian's chromium for `npm run e2e` (headless, driven by playwright-core; no browser download from npm).
# Does nothing when /usr/bin/chromium is already there. Needs root, or sudo when run as another user.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  echo "chromium is already installed at /usr/bin/chromium"
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium
