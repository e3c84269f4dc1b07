#!/usr/bin/env bash
# Issued documents (L1, T4) are PDFs with Japanese text: fpdf2 needs a TrueType Japanese font
# (Debian's fonts-ipaexfont-gothic; settings.DOCUMENT_FONT names the file), and the tests read
# the PDFs back with poppler-utils (pdftotext, pdftoppm). Install them when we can (root with
# apt-get); otherwise say what is missing.
set -u
FONT="${DOCUMENT_FONT:-/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf}"
if [ -f "$FONT" ] && command -v pdftotext >/dev/null 2>&1 && command -v pdftoppm >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's fonts-ipaexfont-gothic and poppler-utils for the issued documents…"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null 2>&1 || true
  if apt-get install -y -qq fonts-ipaexfont-gothic poppler-utils >/dev/null 2>&1; then
    exit 0
  fi
  echo "apt-get could not install fonts-ipaexfont-gothic / poppler-utils." >&2
  exit 1
fi
echo "The document font $FONT or poppler-utils is missing and cannot be installed here" \
     "(needs root and apt-get): install 'fonts-ipaexfont-gothic' and 'poppler-utils'." >&2
exit 0
