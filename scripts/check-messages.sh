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
status=0
.venv/bin/python - "$saved" "$po" <<'PY' || status=1
import sys

import polib

committed, fresh = (polib.pofile(path) for path in sys.argv[1:3])
known = {(e.msgctxt, e.msgid) for e in committed if e.translated() and "fuzzy" not in e.flags}
wanted = {(e.msgctxt, e.msgid) for e in fresh}
missing = sorted(msgid for _, msgid in wanted - known)
unused = sorted(msgid for _, msgid in {(e.msgctxt, e.msgid) for e in committed} - wanted)
for msgid in missing:
    print(f"untranslated or missing: {msgid!r}")
for msgid in unused:
    print(f"no longer in the code: {msgid!r}")
sys.exit(1 if missing or unused else 0)
PY
cp "$saved" "$po"
if [ "$status" != 0 ]; then
  echo "The Japanese catalogue is out of date: run 'make messages' and translate the new strings." >&2
  exit 1
fi
echo "Japanese catalogue is up to date."
