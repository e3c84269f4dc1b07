"""L4: the legal pages are versioned documents, shown in the active language (Japanese
first, English on request), linked from every page's footer."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django.fixtures import Settings as SettingsWrapper

from tests.legal.conftest import new_version
from ukeoi.legal.enums import DocumentKind
from ukeoi.legal.models import DocumentVersion

pytestmark = pytest.mark.django_db

PAGES = ["terms", "privacy", "tokushoho"]


@pytest.mark.parametrize("kind", PAGES)
def test_each_page_shows_its_current_version_in_japanese(
    client: Client, legal_pages: dict[str, DocumentVersion], kind: str
) -> None:
    response = client.get(reverse("legal:document", args=[kind]))

    page = response.content.decode()
    assert response.status_code == 200
    assert legal_pages[kind].title_ja in page
    assert "【サンプル】" in page
    assert "第1版（2026年4月1日から施行）" in page


@pytest.mark.parametrize("kind", PAGES)
def test_each_page_shows_the_english_text_in_english(
    client: Client, legal_pages: dict[str, DocumentVersion], kind: str
) -> None:
    response = client.get(reverse("legal:document", args=[kind]), headers={"accept-language": "en"})

    page = response.content.decode()
    assert response.status_code == 200
    assert legal_pages[kind].title_en in page
    assert "[Sample]" in page
    assert "Version 1, in force since" in page


def test_a_missing_english_text_falls_back_to_japanese(
    client: Client, legal_pages: dict[str, DocumentVersion]
) -> None:
    DocumentVersion.objects.filter(kind="terms").update(title_en="", body_en="")

    page = client.get("/legal/terms/", headers={"accept-language": "en"}).content.decode()

    assert "利用規約（サンプル）" in page


def test_the_body_markup_is_escaped_and_structured(
    client: Client, legal_pages: dict[str, DocumentVersion]
) -> None:
    DocumentVersion.objects.filter(kind="privacy").update(
        body_ja="## 見出し\n<script>alert(1)</script>\n\n- 一つ目\n- 二つ目"
    )

    page = client.get("/legal/privacy/").content.decode()

    assert "<h2>見出し</h2>" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<ul><li>一つ目</li><li>二つ目</li></ul>" in page


def test_a_paragraph_may_run_into_a_list(
    client: Client, legal_pages: dict[str, DocumentVersion]
) -> None:
    DocumentVersion.objects.filter(kind="terms").update(
        body_ja="## 料金\n次のとおりです。\n- 無料\n続き"
    )

    page = client.get("/legal/terms/").content.decode()

    assert "<h2>料金</h2><p>次のとおりです。</p><ul><li>無料</li></ul><p>続き</p>" in page


def test_footer_links_the_three_pages_on_every_page(client: Client) -> None:
    page = client.get(reverse("home")).content.decode()

    for kind in PAGES:
        assert f'href="/legal/{kind}/"' in page
    for label in ("利用規約", "プライバシーポリシー", "特定商取引法に基づく表記"):
        assert label in page


def test_earlier_versions_are_linked_and_marked_as_no_longer_in_force(
    client: Client, legal_pages: dict[str, DocumentVersion]
) -> None:
    new_version(DocumentKind.TERMS)

    current = client.get("/legal/terms/").content.decode()
    earlier = client.get("/legal/terms/v1/").content.decode()

    assert "第2版" in current
    assert 'href="/legal/terms/v1/"' in current
    assert "以前の版です" in earlier
    assert "利用規約（サンプル）" in earlier


def test_a_scheduled_version_is_not_public_before_it_takes_effect(
    client: Client, legal_pages: dict[str, DocumentVersion]
) -> None:
    new_version(DocumentKind.TERMS, in_days=10)

    assert client.get("/legal/terms/v2/").status_code == 404
    assert "利用規約（サンプル）" in client.get("/legal/terms/").content.decode()


def test_a_document_not_yet_published_says_so(client: Client) -> None:
    response = client.get("/legal/terms/")

    assert response.status_code == 200
    assert "まだ公開されていません" in response.content.decode()
    assert client.get("/legal/nothing/").status_code == 404


def test_tokushoho_prints_the_fees_as_configured(
    client: Client, legal_pages: dict[str, DocumentVersion], settings: SettingsWrapper
) -> None:
    """L4, B6: the fees and how they are computed come from the settings (core.fees)."""
    settings.LANCER_FEE_PERMILLE = 200
    settings.CLIENT_FEE_PERMILLE = 50

    page = client.get("/legal/tokushoho/", headers={"accept-language": "en"}).content.decode()

    assert "20 % of each accepted amount" in page
    assert "5 % of each amount escrowed" in page
    assert "the lancer receives 8,000 yen (2,000 yen fee)" in page


def test_visitor_copy_is_refreshed_when_a_version_is_saved(
    client: Client, legal_pages: dict[str, DocumentVersion]
) -> None:
    client.get("/legal/privacy/")
    version = new_version(DocumentKind.PRIVACY)
    version.effective_from -= timedelta(seconds=1)
    version.save()

    assert version.title_ja in client.get("/legal/privacy/").content.decode()
