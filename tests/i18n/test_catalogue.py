"""Japanese is the default locale and complete; English is the source language."""

from pathlib import Path

import polib
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

LOCALE = Path(__file__).resolve().parents[2] / "ukeoi" / "locale" / "ja" / "LC_MESSAGES"


def test_japanese_catalogue_has_no_untranslated_or_fuzzy_entries():
    po = polib.pofile(str(LOCALE / "django.po"))
    assert len(po) > 100
    assert [e.msgid for e in po.untranslated_entries()] == []
    assert [e.msgid for e in po.fuzzy_entries()] == []


def test_compiled_catalogue_matches_the_source():
    """The committed .mo is what `make messages` compiles from the .po."""
    po = polib.pofile(str(LOCALE / "django.po"))
    mo = polib.mofile(str(LOCALE / "django.mo"))
    compiled = {(e.msgctxt, e.msgid): (e.msgstr, e.msgstr_plural) for e in mo}
    for entry in po.translated_entries():
        assert compiled.get((entry.msgctxt, entry.msgid)) == (entry.msgstr, entry.msgstr_plural), (
            entry.msgid
        )


def _placeholders(text: str) -> list[str]:
    return sorted(part.split(")")[0] for part in text.split("%(")[1:])


def test_placeholders_survive_translation():
    po = polib.pofile(str(LOCALE / "django.po"))
    for entry in po.translated_entries():
        translations = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        for msgstr in translations:
            assert _placeholders(msgstr) == _placeholders(entry.msgid), entry.msgid


@pytest.mark.django_db
def test_pages_are_japanese_by_default_and_english_on_request(client: Client):
    ja = client.get(reverse("accounts:login")).content.decode()
    assert "ログイン" in ja
    assert 'lang="ja"' in ja

    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    en = client.get(reverse("accounts:login")).content.decode()
    assert 'lang="en"' in en
    assert "Sign in" in en
    assert "ログイン" not in en


def test_yen_is_formatted_for_each_language():
    from ukeoi.core.templatetags.ukeoi import yen

    with translation.override("ja"):
        assert yen(1234567) == "1,234,567円"
    with translation.override("en"):
        assert yen(1000) == "1,000 yen"
