#!/usr/bin/env bash
# Install, from Debian's packages, what the test suite needs: PostgreSQL (throwaway servers started by
# the tests), Chromium (browser tests through Playwright) and Node.js/npm (axe-core). Idempotent.
set -euo pipefail

need=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v npm >/dev/null 2>&1 || need+=(npm)

if [ ${#need[@]} -eq 0 ]; then
  echo "system packages: PostgreSQL, Chromium and npm are present"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "missing system packages: ${need[*]}; run 'sudo make system-deps' (Debian/Ubuntu)" >&2
  exit 1
fi
echo "installing system packages: ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
echo "installed: ${need[*]}"
