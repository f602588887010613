#!/usr/bin/env bash
# Installs the Debian packages the test suite needs and a fresh machine lacks:
# Chromium for the browser tests (driven by playwright-core, never downloaded
# by Playwright itself). Idempotent; quick when everything is present.
set -euo pipefail

need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
# Fonts so screenshots show text, not boxes.
dpkg -s fonts-dejavu-core >/dev/null 2>&1 || need+=(fonts-dejavu-core)

if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
echo "installing Debian packages: ${need[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
