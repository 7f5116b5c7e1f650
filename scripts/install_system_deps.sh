#!/usr/bin/env bash
# Installs the system parts the tests need, only when missing:
#   Debian chromium (browser tests, Playwright drives it; no browser downloads),
#   PostgreSQL server binaries (store tests start a throwaway server),
#   poppler-utils (pdftoppm/pdftotext to look at the PDF briefs),
#   npm (installs axe-core from package.json for the accessibility browser tests).
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || need+=(chromium)
if ! command -v initdb >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  need+=(postgresql)
fi
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
command -v npm >/dev/null 2>&1 || need+=(npm)  # axe-core for the accessibility tests
if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
echo "Installerar systempaket / installing system packages: ${need[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}"
