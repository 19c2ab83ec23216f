#!/usr/bin/env bash
# Installs the Debian packages the test suite needs, when they are missing:
# Chromium and its driver (Playwright cannot download a browser here),
# zbar-tools (zbarimg decodes the QR codes the pages draw), Caddy (the deploy
# tests run deploy/Caddyfile), and, when none
# answers on its port, PostgreSQL and Redis, which scripts/with-test-services.sh
# then starts for the run.
set -euo pipefail
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium chromium-driver)
command -v zbarimg >/dev/null 2>&1 || missing+=(zbar-tools)
command -v caddy >/dev/null 2>&1 || missing+=(caddy)
answers() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
answers 5432 || command -v initdb >/dev/null 2>&1 \
  || compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || missing+=(postgresql)
answers 6379 || command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "Please install: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "Installing ${missing[*]} from Debian's packages"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
