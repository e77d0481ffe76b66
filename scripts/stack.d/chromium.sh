# Chromium from the Debian package, for the browser tests (test/e2e/dashboard.e2e.test.ts drive
# it with playwright-core). Sourced by scripts/test after env.sh; skipped when it is there.

CHROMIUM_PATH=${CHROMIUM_PATH:-/usr/bin/chromium}

chromium_install() {
  [ -x "$CHROMIUM_PATH" ] && return 0
  apt_install chromium
}
