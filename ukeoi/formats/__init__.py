"""The site's date formats (FORMAT_MODULE_PATH), one style per kind: issue 14 item 10 and
docs/glossary.md. A name not set here falls back to Django's own format for the language."""
