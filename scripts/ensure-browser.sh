#!/usr/bin/env bash
# Browser tests drive Debian's Chromium with Japanese fonts. Install them when we can
# (root with apt-get); otherwise say so: the e2e tests then skip (or fail if E2E_REQUIRED=1).
set -u
have_fonts() { fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; }
if [ -x /usr/bin/chromium ] && have_fonts; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's chromium and fonts-noto-cjk for the browser tests…"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null 2>&1 || true
  if apt-get install -y -qq chromium fonts-noto-cjk >/dev/null 2>&1; then
    exit 0
  fi
  echo "apt-get could not install chromium; browser tests will be skipped." >&2
else
  echo "Chromium is missing and cannot be installed here (needs root and apt-get):" \
       "browser tests will be skipped. Install 'chromium' and 'fonts-noto-cjk' to run them." >&2
fi
exit 0
