#!/usr/bin/env bash
# Fails when a translatable string in the code is missing from the Japanese catalogue:
# regenerates the .po (needs GNU gettext) and compares it with the committed one.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v xgettext >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext >/dev/null 2>&1 || true
  fi
fi
if ! command -v xgettext >/dev/null 2>&1; then
  echo "xgettext not found: install GNU gettext to check the catalogue." >&2
  exit 1
fi
po=ukeoi/locale/ja/LC_MESSAGES/django.po
saved=$(mktemp)
cp "$po" "$saved"
(cd ukeoi && ../.venv/bin/python ../manage.py makemessages -l ja --no-obsolete --no-location >/dev/null)
if ! diff -q <(grep -v '^"POT-Creation-Date' "$saved") <(grep -v '^"POT-Creation-Date' "$po") >/dev/null; then
  diff <(grep -v '^"POT-Creation-Date' "$saved") <(grep -v '^"POT-Creation-Date' "$po") || true
  cp "$saved" "$po"
  echo "The Japanese catalogue is out of date: run 'make messages' and translate the new strings." >&2
  exit 1
fi
cp "$saved" "$po"
echo "Japanese catalogue is up to date."
