"""Issue 14 item 10: one voice in Japanese (docs/glossary.md).

Reads every Japanese text the site shows — the ja catalogue, literal text in templates, the
seeded FAQ (and the FAQ a database holds after the migrations), Django's own strings the
pages show — and fails on what the glossary rules out: half-width brackets, colons and
question marks in Japanese prose, the variants of one term (振込手続中 / 振込手続き中 /
振込依頼中), a spelled-out date format, a second mail subject prefix, FAQ text naming a link
otherwise than it is labelled, 「最低 8 文字以上」."""

import ast
import hashlib
import importlib
import re
from datetime import date, datetime
from pathlib import Path
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import polib
import pytest
from django.apps import apps
from django.conf import settings
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format

from tests.factories import UserFactory
from ukeoi.core.errors import ApplicationError
from ukeoi.helpdesk.models import FaqArticle, FaqCategory

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "ukeoi"
CATALOGUE = APP / "locale" / "ja" / "LC_MESSAGES" / "django.po"
SEED = importlib.import_module("ukeoi.helpdesk.migrations.0002_seed_faq")
REWORD = importlib.import_module("ukeoi.helpdesk.migrations.0003_faq_wording")
TOKYO = ZoneInfo("Asia/Tokyo")

JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")
# What stays half-width inside Japanese text because it is code, not prose: placeholders,
# HTML tags, URLs, FAQ link targets, markup at the start of a line, ASCII-only code in 「」.
CODE = re.compile(
    r"%\(\w+\)[sd]|%[sd]|<[^>]+>|https?://\S*|\]\([^)\s]*\)|「[\x20-\x7e…]+」|^#+ |^\d+\. ",
    re.M,
)
HALF_WIDTH = re.compile(r"[()?!:\"“”]")
# Variant -> the glossary's one term.
VARIANTS = {
    "振込手続中": "振込依頼中",
    "振込手続き中": "振込依頼中",
    "最低振込金額": "最低出金額",
    "振込の最低金額": "最低出金額",
    "最低振込額": "最低出金額",
    "お振込み": "お振り込み",
    "振込み": "振り込み",
    "振込でき": "振り込め",
    "出金方式": "出金方法",
    "放棄": "破棄",
    "取消": "取り消し",
    "承諾": "承認",
    "元のパスワード": "現在のパスワード",
    "API トークン": "APIトークン",
    "下さい": "ください",
    "パスワードをお忘れですか": "パスワードをお忘れの方",
    "[ukeoi]": "【ukeoi】",
}
REDUNDANT_MINIMUM = re.compile(r"最低\s*(?:%\(\w+\)d|%d|\d+)\s*文字以上")
NAMED_FORMATS = {
    "DATE_FORMAT",
    "DATETIME_FORMAT",
    "SHORT_DATE_FORMAT",
    "SHORT_DATETIME_FORMAT",
    "YEAR_MONTH_FORMAT",
    "MONTH_DAY_FORMAT",
}
# The glossary's two exceptions: the weekday after a date, the balance chart's axis ticks.
SPELLED_OUT_ALLOWED = {("*", "D"), ("payouts/includes/balance_chart.html", "n/j")}


def problems(text: str) -> list[str]:
    """What the glossary rules out in one Japanese text (an empty list when it is clean)."""
    if not JAPANESE.search(text):
        return []
    found = [f"half-width {mark!r}" for mark in HALF_WIDTH.findall(CODE.sub(" ", text))]
    found += [f"{variant} (write {term})" for variant, term in VARIANTS.items() if variant in text]
    found += [f"redundant {m!r}" for m in REDUNDANT_MINIMUM.findall(text)]
    return found


def catalogue_texts() -> list[tuple[str, str]]:
    texts = []
    for entry in polib.pofile(str(CATALOGUE)):
        for msgstr in entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]:
            texts.append((entry.msgid, msgstr))
    return texts


def template_files() -> list[Path]:
    return sorted(
        path
        for path in APP.rglob("templates/**/*")
        if path.suffix in (".html", ".txt") and path.is_file()
    )


def literal_template_text(source: str) -> str:
    """A template's own text: without translatable blocks (their msgids are English; their
    Japanese is the catalogue's), tags, variables, comments and HTML tags."""
    source = re.sub(r"{% blocktranslate.*?{% endblocktranslate %}", " ", source, flags=re.S)
    source = re.sub(r"{#.*?#}|{%.*?%}|{{.*?}}", " ", source, flags=re.S)
    return re.sub(r"<[^>]+>", " ", source)


def seeded_faq_texts() -> list[tuple[str, str]]:
    texts = []
    for item in SEED.CATEGORIES + SEED.ARTICLES:
        for field in ("name_ja", "description_ja", "title_ja", "body_ja"):
            if field in item:
                texts.append((f"{item['slug']}.{field}", item[field]))
    return texts


def ja(message: str) -> str:
    with translation.override("ja"):
        return translation.gettext(message)


# --- The catalogue, templates and FAQ ------------------------------------------------------


def test_issue_14_item_10_the_catalogue_speaks_with_one_voice() -> None:
    found = {msgid: problems(msgstr) for msgid, msgstr in catalogue_texts() if problems(msgstr)}
    assert found == {}


def test_issue_14_item_10_literal_template_text_speaks_with_one_voice() -> None:
    found = {}
    for path in template_files():
        for number, line in enumerate(literal_template_text(path.read_text()).splitlines(), 1):
            if problems(line):
                found[f"{path.relative_to(ROOT)}:{number}"] = problems(line)
    assert found == {}


def test_issue_14_item_10_the_seeded_faq_speaks_with_one_voice() -> None:
    found = {where: problems(text) for where, text in seeded_faq_texts() if problems(text)}
    assert found == {}


@pytest.mark.django_db
def test_issue_14_item_10_the_faq_in_the_database_speaks_with_one_voice() -> None:
    """After the migrations (0002 seeds, 0003 rewords what 0002 seeded earlier)."""
    SEED.seed(apps, None)
    found = {}
    for article in FaqArticle.objects.all():
        for field in ("title_ja", "body_ja"):
            if problems(getattr(article, field)):
                found[f"{article.slug}.{field}"] = problems(getattr(article, field))
    for category in FaqCategory.objects.all():
        for field in ("name_ja", "description_ja"):
            if problems(getattr(category, field)):
                found[f"{category.slug}.{field}"] = problems(getattr(category, field))
    assert found == {}


@pytest.mark.django_db
def test_issue_14_item_10_the_rewording_migration_keeps_what_an_operator_edited(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """0003 replaces a field only while it still holds the text 0002 first seeded."""
    SEED.seed(apps, None)
    first_seeded = "退会の方法(旧版)"
    FaqArticle.objects.filter(slug="how-to-withdraw").update(body_ja=first_seeded)
    FaqArticle.objects.filter(slug="forgot-password").update(body_ja="運営が書き直した本文")
    monkeypatch.setattr(
        REWORD,
        "FIRST_SEEDED",
        {
            ("how-to-withdraw", "body_ja"): hashlib.sha256(first_seeded.encode()).hexdigest(),
            ("forgot-password", "body_ja"): "0" * 64,
        },
    )

    REWORD.reword(apps, None)

    seeded = {article["slug"]: article for article in SEED.ARTICLES}
    assert FaqArticle.objects.get(slug="how-to-withdraw").body_ja == (
        seeded["how-to-withdraw"]["body_ja"].strip()
    )
    assert FaqArticle.objects.get(slug="forgot-password").body_ja == "運営が書き直した本文"


def test_issue_14_item_10_the_faq_names_links_and_buttons_as_they_are_labelled() -> None:
    bodies = "\n".join(item["body_ja"] for item in SEED.ARTICLES)
    # A link to a page carries the page's label.
    labels = {
        "jobs:my_jobs": "My jobs",
        "jobs:my_proposals": "My proposals",
        "accounts:settings": "Account settings",
        "accounts:profile_edit": "Profile",
        "accounts:register": "Register",
        "accounts:password_reset": "Reset your password",
        "payouts:settings": "Payout settings",
        "helpdesk:room": "Consultation room",
        "withdrawal:index": "Withdrawal",
    }
    links = re.findall(r"\[([^\]]+)\]\(url:([a-z_]+:[a-z_]+)", bodies)
    assert links
    for text, name in links:
        if name in labels:
            assert text == ja(labels[name]), (text, name)
    # Buttons and links the text quotes, exactly as they read.
    for message in ("Forgot your password?", "Withdraw", "Withdraw when clear", "Other comments"):
        assert f"「{ja(message)}」" in bodies, message
    settings_link = re.sub(
        r"<[^>]+>", "", ja('If you wish to withdraw, please see <a href="%(url)s">here</a>.')
    ).rstrip("。")
    assert f"「{settings_link}」" in bodies
    forfeit = ja("I agree to forfeit my reward balance of %(amount)s (報酬の破棄に同意)")
    assert f"「{forfeit % {'amount': '○○円'}}」" in bodies


# --- Django's own strings ------------------------------------------------------------------


def django_wording_msgids() -> list[tuple[str, str | None]]:
    """(msgid, msgid_plural) of every call in ukeoi/accounts/django_wording.py."""
    tree = ast.parse((APP / "accounts" / "django_wording.py").read_text())
    found: list[tuple[str, str | None]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            args = [
                arg.value
                for arg in node.args
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str)
            ]
            if node.func.id == "gettext_noop":
                found.append((args[0], None))
            elif node.func.id == "ngettext_lazy":
                found.append((args[0], args[1]))
    return found


def test_issue_14_item_10_django_strings_are_reworded_under_their_own_msgids() -> None:
    """Each msgid of ukeoi.accounts.django_wording is Django's exactly (or ours would not
    take its place) and ukeoi's catalogue words it."""
    auth = Path(apps.get_app_config("auth").path)
    django_ids = {
        (entry.msgid, entry.msgid_plural or None)
        for entry in polib.pofile(str(auth / "locale" / "ja" / "LC_MESSAGES" / "django.po"))
    }
    ours = {entry.msgid: entry for entry in polib.pofile(str(CATALOGUE))}
    wording = django_wording_msgids()
    assert len(wording) >= 10
    for msgid, plural in wording:
        assert (msgid, plural) in django_ids, msgid
        assert msgid in ours, msgid
        assert ours[msgid].translated(), msgid
        assert problems(ours[msgid].msgstr or ours[msgid].msgstr_plural[0]) == [], msgid


@pytest.mark.django_db
def test_issue_14_item_10_password_pages_read_as_the_rest_of_the_site(client: Client) -> None:
    client.force_login(UserFactory.create())
    change = client.get(reverse("accounts:password_change"), secure=True).content.decode()
    refused = client.post(
        reverse("accounts:password_change"),
        {"old_password": "wrong", "new_password1": "1234", "new_password2": "1234"},
        secure=True,
    ).content.decode()
    for page in (change, refused):
        main = re.search(r"<main.*</main>", page, re.S)
        assert main is not None
        text = re.sub(r"<[^>]+>", " ", main.group(0))
        assert "最低" not in text
        assert "元のパスワード" not in text
        assert "(確認用)" not in text
        assert "8文字以上にしてください" in text
        assert "現在のパスワード" in text
    assert "現在のパスワードが正しくありません" in refused


# --- Dates -----------------------------------------------------------------------------------


def test_issue_14_item_10_one_date_style_per_kind() -> None:
    day = date(2026, 12, 18)
    moment = datetime(2026, 12, 18, 15, 23, tzinfo=TOKYO)
    with translation.override("ja"):
        for name in ("DATE_FORMAT", "SHORT_DATE_FORMAT"):
            assert date_format(day, name) == "2026年12月18日"
        for name in ("DATETIME_FORMAT", "SHORT_DATETIME_FORMAT"):
            assert date_format(moment, name) == "2026年12月18日 15:23"
    assert settings.FORMAT_MODULE_PATH == ["ukeoi.formats"]


def template_name(path: Path) -> str:
    """The name a template is loaded by: its path below its templates folder."""
    parts = path.parts
    below = len(parts) - parts[::-1].index("templates")
    return "/".join(parts[below:])


def test_issue_14_item_10_templates_name_their_date_formats() -> None:
    spelled_out = []
    for path in template_files():
        for fmt in re.findall(r"\|date:[\"']([^\"']+)[\"']", path.read_text()):
            allowed = ("*", fmt) in SPELLED_OUT_ALLOWED
            allowed = allowed or (template_name(path), fmt) in SPELLED_OUT_ALLOWED
            if fmt not in NAMED_FORMATS and not allowed:
                spelled_out.append(f"{path.relative_to(ROOT)}: {fmt}")
    assert spelled_out == []


def test_issue_14_item_10_mail_dates_are_the_pages_dates() -> None:
    due = datetime(2026, 12, 18, 15, 23, tzinfo=TOKYO)
    context = {
        "contract": SimpleNamespace(title="ロゴ制作", auto_cancel_at=due),
        "cancellation": SimpleNamespace(
            next_actor=SimpleNamespace(display_name="山田デザイン"), step_due_at=due
        ),
    }
    with translation.override("ja"):
        reminder = render_to_string("mail/contracts_cancellation_reminder_body.txt", context)
        warning = render_to_string("mail/contracts_inactivity_warning_body.txt", context)
    assert "2026年12月18日 15:23" in reminder
    assert "2026年12月18日" in warning
    assert "2026-12-18" not in reminder + warning


@pytest.mark.django_db
def test_issue_14_item_10_payout_errors_give_the_date_as_pages_do() -> None:
    from ukeoi.payouts import services

    with translation.override("ja"), pytest.raises(ApplicationError) as refused:
        services.payout_batch_run(close_date=date(2026, 3, 14))
    assert "2026年3月14日" in str(refused.value)


# --- Mail subjects ---------------------------------------------------------------------------


def subject_templates() -> list[str]:
    return sorted(
        f"mail/{path.name}" for path in APP.rglob("templates/mail/*_subject.txt") if path.is_file()
    )


@pytest.mark.parametrize("template", subject_templates())
def test_issue_14_item_10_one_mail_subject_prefix(template: str) -> None:
    context = {"title": "ロゴ制作", "approved": True}
    for approved in (True, False):
        context["approved"] = approved
        with translation.override("ja"):
            ja_subject = render_to_string(template, context).strip()
        with translation.override("en"):
            en_subject = render_to_string(template, context).strip()
        assert ja_subject.startswith("【ukeoi】"), ja_subject
        assert ja_subject.count("ukeoi】") == 1, ja_subject
        assert "[ukeoi]" not in ja_subject, ja_subject
        assert en_subject.startswith("[ukeoi] "), en_subject
