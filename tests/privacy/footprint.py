"""A person with a rich footprint, built the way production builds it — through the web
(registration, sign-ins, the admin) and the services — at fixed moments in 2026, then
withdrawn and erased (`manage.py privacy_run_due`): the audit of issue 22. And the tools to
search a whole-database dump for the person's values in every variant a search by a
privacy officer would try (case, full and half width, hiragana and katakana, the Zengin
form of a name, JSON escapes)."""

import contextlib
import json
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import jaconv
import time_machine
from django.contrib.admin.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from tests.factories import OperatorFactory, UserFactory, png_bytes
from tests.payouts.batch_support import CLOSE, bank_master
from ukeoi.accounts import services as accounts
from ukeoi.accounts.models import User
from ukeoi.contracts import services as contracts
from ukeoi.contracts.models import Contract
from ukeoi.core.kana import ZenginError, to_zengin_kana
from ukeoi.helpdesk import services as helpdesk
from ukeoi.jobs import services as jobs
from ukeoi.payouts import services as payouts
from ukeoi.privacy import services as privacy
from ukeoi.privacy.enums import ErasureSource
from ukeoi.withdrawal.services import account_withdraw

JST = ZoneInfo("Asia/Tokyo")
START = datetime(2026, 3, 2, 10, 0, tzinfo=JST)  # before the close of 15 March 2026
PAID = datetime(2026, 3, 16, 9, 0, tzinfo=JST)  # the batch runs; paid on 31 March
WITHDRAWN = datetime(2026, 4, 2, 10, 0, tzinfo=JST)
DELIVERY = date(2026, 3, 12)
PASSWORD = "Ashiato-Passw0rd!"

OLD_EMAIL = "hanako.ashiato@example.jp"
NEW_EMAIL = "h.ashiato.new@example.jp"
USERNAME = "ashiato_hanako"
LEGAL_NAME = "足跡 花子"
KANA = "アシアト ハナコ"
BANK_NUMBER = "8765432"
KEPT_JOB_TITLE = "足跡の契約依頼FPZ"


@dataclass
class Footprint:
    user: User
    # Values erasure must remove from every column and file (P2).
    erased: list[str] = field(default_factory=list)
    # Values a kept record may still hold: only in erasure.KEPT_VALUES columns.
    kept: list[str] = field(default_factory=list)
    # Values that must never be found, before or after erasure.
    never_stored: list[str] = field(default_factory=list)


def _at(moment: datetime) -> time_machine.travel:
    return time_machine.travel(moment, tick=False)


def _file(name: str, content: bytes, content_type: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def _sign_in(client: Client, email: str, password: str = PASSWORD) -> None:
    client.post(reverse("accounts:login"), {"username": email, "password": password})


def _inquiry(*, actor: User | None, subject: str, body: str, reply_email: str) -> int:
    return helpdesk.inquiry_submit(
        actor=actor,
        category="other",
        subject=subject,
        body=body,
        reply_email=reply_email,
        language="ja",
        client_ip="192.0.2.10",
    ).pk


def _hire(*, client_user: User, lancer: User, proposal_id: int) -> Contract:
    contracts.proposal_hire(actor=client_user, proposal_id=proposal_id)
    contract = Contract.objects.get(proposal_id=proposal_id)
    contracts.milestones_agree(actor=lancer, contract_id=contract.pk)
    return contract


def _pay_in(contract: Contract, operator: User) -> int:
    milestone = contract.milestones.order_by("position").first()
    assert milestone is not None
    milestone = contracts.milestone_escrow(actor=contract.client, milestone_id=milestone.pk)
    assert milestone.payment_id is not None
    jobs.client_payment_confirm(actor=operator, payment_id=milestone.payment_id)
    return milestone.pk


def build_and_erase(client: Client, *, before_erasure: Callable[[], object] = list) -> Footprint:
    """The person's whole footprint, their withdrawal, their erasure 14 days later;
    `before_erasure` is called just before the erasure runs (to take a dump)."""
    bank_master()
    operator = OperatorFactory.create()
    counterpart = UserFactory.create(display_name="取引相手さん")
    erased = [
        OLD_EMAIL,
        NEW_EMAIL,
        "足跡はなこ",
        "足跡花子さん",
        LEGAL_NAME,
        KANA,
        "1984-07-19",
        "106-0032",
        "港区足跡町",
        "六本木九丁目8番7号",
        "足跡タワー3201号室",
        BANK_NUMBER,
    ]
    with _at(START):
        # Registration and sign-ins through the web: django-axes records each (A3).
        client.post(
            reverse("accounts:register"),
            {
                "email": OLD_EMAIL,
                "username": USERNAME,
                "display_name": "足跡はなこ",
                "password1": PASSWORD,
                "password2": PASSWORD,
                "agree_terms": "on",
            },
        )
        user = User.objects.get(email=OLD_EMAIL)
        client.logout()
        _sign_in(client, OLD_EMAIL.upper(), "wrong password")
        _sign_in(client, OLD_EMAIL)
        client.logout()
        client.post(reverse("accounts:password_reset"), {"email": OLD_EMAIL})
        accounts.user_update_display_name(actor=user, display_name="足跡花子さん")
        accounts.profile_update(
            actor=user,
            data=accounts.ProfileInput(
                legal_name=LEGAL_NAME,
                legal_name_kana=KANA,
                birth_date=date(1984, 7, 19),
                postal_code="106-0032",
                prefecture="東京都",
                city="港区足跡町",
                street="六本木九丁目8番7号",
                building="足跡タワー3201号室",
                self_introduction="足跡の自己紹介ですFPZ",
            ),
        )
        accounts.portfolio_item_add(
            actor=user,
            title="足跡作品FPZ",
            description="足跡作品の説明FPZ",
            url="https://fpz-portfolio.example.jp/",
            image=_file("hanako-work-fpz.png", png_bytes((1, 2, 3)), "image/png"),
        )
        accounts.bank_account_set(
            actor=user,
            bank_code="0005",
            branch_code="001",
            account_type=1,
            number=BANK_NUMBER,
            holder_name=KANA,
        )
        accounts.identity_verification_request(
            actor=user,
            document_type="passport",
            document_number="FP9876543",
            birth_date=date(1984, 7, 19),
            document=_file("hanako-passport-fpz.png", png_bytes((4, 5, 6)), "image/png"),
        )
        accounts.api_token_create(actor=user, name="足跡トークンFPZ")
        _inquiry(
            actor=None,
            subject="足跡ゲスト件名旧FPZ",
            body="足跡ゲスト本文旧FPZ",
            reply_email=OLD_EMAIL,
        )

        # A job that never becomes a contract (P2: erased, 404).
        lonely = jobs.job_post(
            actor=user,
            title="足跡の消える依頼FPZ",
            description="足跡の消える依頼の説明FPZ",
            category="design",
            format="project",
            deadline=START + timedelta(days=10),
            budget_min=5_000,
            budget_max=20_000,
        )
        jobs.job_close(actor=user, job_id=lonely.pk)

        # The person as client: a job, a contract, paid in, delivered, accepted, rated.
        own = jobs.job_post(
            actor=user,
            title=KEPT_JOB_TITLE,
            description="足跡の契約依頼の説明FPZ",
            category="design",
            format="project",
            deadline=START + timedelta(days=10),
            budget_min=10_000,
            budget_max=10_000,
        )
        offer = jobs.proposal_submit(
            delivery_date=DELIVERY,
            actor=counterpart,
            job_id=own.pk,
            message="相手からの提案です",
            amount=10_000,
        )
        hired = _hire(client_user=user, lancer=counterpart, proposal_id=offer.pk)
        jobs.message_send(actor=user, thread_id=offer.thread.pk, body="足跡の依頼者メッセージFPZ")
        milestone_id = _pay_in(hired, operator)
        contracts.milestone_deliver(actor=counterpart, milestone_id=milestone_id, body="納品です")
        contracts.milestone_accept(actor=user, milestone_id=milestone_id)
        contracts.rating_submit(
            actor=user, contract_id=hired.pk, value="satisfied", comment="足跡の依頼者評価FPZ"
        )
        if own.is_live:
            jobs.job_close(actor=user, job_id=own.pk)

        # The person as lancer: proposals, an append note, messages, a delivered file.
        theirs = jobs.job_post(
            actor=counterpart,
            title="相手の依頼",
            description="相手の依頼の説明",
            category="design",
            format="project",
            deadline=START + timedelta(days=10),
            budget_min=10_000,
            budget_max=10_000,
        )
        proposal = jobs.proposal_submit(
            delivery_date=DELIVERY,
            actor=user,
            job_id=theirs.pk,
            message="足跡の提案文FPZ",
            amount=10_000,
        )
        jobs.append_note_add(actor=user, proposal_id=proposal.pk, body="足跡の追記FPZ")
        jobs.message_send(actor=user, thread_id=proposal.thread.pk, body="足跡のメッセージFPZ")
        work = _hire(client_user=counterpart, lancer=user, proposal_id=proposal.pk)
        milestone_id = _pay_in(work, operator)
        contracts.milestone_deliver(
            actor=user,
            milestone_id=milestone_id,
            body="足跡の納品メモFPZ",
            file=_file(
                "hanako-delivery-fpz.zip", b"PK\x03\x04" + BANK_NUMBER.encode(), "application/zip"
            ),
        )
        contracts.milestone_accept(actor=counterpart, milestone_id=milestone_id)
        contracts.rating_submit(
            actor=user, contract_id=work.pk, value="satisfied", comment="足跡の評価コメントFPZ"
        )
        declined_on = jobs.job_post(
            actor=counterpart,
            title="相手の別の依頼",
            description="別の依頼の説明",
            category="design",
            format="project",
            deadline=START + timedelta(days=10),
            budget_min=3_000,
            budget_max=3_000,
        )
        declined = jobs.proposal_submit(
            delivery_date=DELIVERY,
            actor=user,
            job_id=declined_on.pk,
            message="足跡の不採用提案FPZ",
            amount=3_000,
        )
        jobs.proposal_decline(actor=counterpart, proposal_id=declined.pk)
        for job in (theirs, declined_on):
            job.refresh_from_db()
            if job.is_live:
                jobs.job_close(actor=counterpart, job_id=job.pk)

        # The consultation room.
        helpdesk.question_post(
            actor=user, category="work", title="足跡の質問FPZ", body="足跡の質問本文FPZ"
        )
        asked = helpdesk.question_post(
            actor=counterpart, category="work", title="相手の質問", body="相手の質問本文"
        )
        helpdesk.answer_post(actor=user, question_id=asked.pk, body="足跡の回答FPZ")

    with _at(START + timedelta(hours=2)):
        # A5: a new address; the old one is retired too at withdrawal.
        accounts.account_email_change(actor=user, new_email=NEW_EMAIL, password=PASSWORD)
        user.refresh_from_db()
        _sign_in(client, NEW_EMAIL)
        signed_in = _inquiry(
            actor=user, subject="足跡ログイン件名FPZ", body="足跡ログイン本文FPZ", reply_email=""
        )
        client.logout()
        _inquiry(
            actor=None,
            subject="足跡ゲスト件名新FPZ",
            body="足跡ゲスト本文新FPZ",
            reply_email=NEW_EMAIL,
        )
        helpdesk.inquiry_reply(
            actor=operator, inquiry_id=signed_in, body=f"{LEGAL_NAME} 様、回答FPZ"
        )
        # An operator saves the inquiry in the admin: a LogEntry "#N <subject>".
        client.force_login(operator)
        client.post(
            reverse("admin:helpdesk_inquiry_change", args=[signed_in]),
            {"user": user.pk, "internal_note": "足跡の内部メモFPZ", "reply": ""},
        )
        assert LogEntry.objects.filter(object_id=str(signed_in)).exists()
        client.logout()
        privacy.export_request(actor=user)

    with _at(PAID):
        batch = payouts.payout_batch_run(close_date=CLOSE)
        payouts.payout_batch_mark_paid(actor=operator, batch_id=batch.pk)
        assert batch.payouts.filter(user=user).exists(), "the person was paid out"

    with _at(WITHDRAWN):
        account_withdraw(
            actor=user,
            password=PASSWORD,
            reason="other",
            reason_text="足跡の退会理由FPZ",
            comments="足跡のその他FPZ",
        )
        privacy.erasure_request(actor=None, user_id=user.pk, source=ErasureSource.SELF)

    with _at(WITHDRAWN + timedelta(days=15)):
        before_erasure()
        call_command("privacy_run_due", stdout=open("/dev/null", "w"))  # noqa: SIM115

    erased += [
        "足跡の自己紹介ですFPZ",
        "足跡作品FPZ",
        "足跡作品の説明FPZ",
        "fpz-portfolio.example.jp",
        "hanako-delivery-fpz",
        "足跡トークンFPZ",
        "足跡ゲスト件名旧FPZ",
        "足跡ゲスト本文旧FPZ",
        "足跡の消える依頼FPZ",
        "足跡の消える依頼の説明FPZ",
        "足跡の契約依頼の説明FPZ",
        "足跡の依頼者メッセージFPZ",
        "足跡の依頼者評価FPZ",
        "足跡の提案文FPZ",
        "足跡の追記FPZ",
        "足跡のメッセージFPZ",
        "足跡の納品メモFPZ",
        "足跡の評価コメントFPZ",
        "足跡の不採用提案FPZ",
        "足跡の質問FPZ",
        "足跡の質問本文FPZ",
        "足跡の回答FPZ",
        "足跡ログイン件名FPZ",
        "足跡ログイン本文FPZ",
        "足跡ゲスト件名新FPZ",
        "足跡ゲスト本文新FPZ",
        "回答FPZ",
        "足跡の内部メモFPZ",
        "足跡の退会理由FPZ",
        "足跡のその他FPZ",
    ]
    user.refresh_from_db()
    return Footprint(
        user=user,
        erased=erased,
        kept=[KEPT_JOB_TITLE, USERNAME],
        # Other forms of the birth date and postal code, the names of the uploads as sent
        # (storage renames them) and the document number (A6: only its keyed hash).
        never_stored=[
            "19840719",
            "1984年7月19日",
            "1060032",
            "hanako-work-fpz",
            "hanako-passport-fpz",
            "FP9876543",
        ],
    )


# --- Searching ----------------------------------------------------------------------------


def _escaped(text: str) -> set[str]:
    """How JSON may hold the text: \\uXXXX escapes in lower or upper case hex, and those
    escaped once more (JSON inside a JSON string, e.g. an admin change message)."""
    ascii_json = json.dumps(text)[1:-1]
    upper = re.sub(r"\\u([0-9a-f]{4})", lambda m: "\\u" + m.group(1).upper(), ascii_json)
    return {ascii_json, upper, ascii_json.replace("\\", "\\\\"), upper.replace("\\", "\\\\")}


def variants(value: str) -> set[str]:
    """The forms a search for `value` tries: as given, lower, upper and case-folded;
    NFKC; full-width and half-width; hiragana and katakana; the Zengin (bank) form of a
    kana name; each also as JSON escapes it."""
    forms = {value, value.lower(), value.upper(), value.casefold()}
    forms.add(unicodedata.normalize("NFKC", value))
    forms.add(jaconv.h2z(value, kana=True, ascii=True, digit=True))
    forms.add(jaconv.z2h(value, kana=True, ascii=True, digit=True))
    forms.add(jaconv.kata2hira(value))
    forms.add(jaconv.hira2kata(value))
    forms.add(jaconv.z2h(jaconv.hira2kata(value), kana=True, ascii=False, digit=False))
    with contextlib.suppress(ZenginError):
        forms.add(to_zengin_kana(value))
    found = set(forms)
    for form in forms:
        found |= _escaped(form)
    return {form for form in found if len(form) >= 4}


@dataclass(frozen=True)
class Cell:
    table: str
    column: str
    text: str


def _copy_unescape(text: str) -> str | None:
    if text == "\\N":
        return None
    escapes = {"\\\\": "\\", "\\t": "\t", "\\n": "\n", "\\r": "\r", "\\b": "\b", "\\f": "\f"}
    return re.sub(r"\\[\\tnrbf]", lambda m: escapes[m.group(0)], text)


def pg_dump_cells(dump: str) -> Iterator[Cell]:
    """Every non-null value of a `pg_dump --data-only` (COPY text format), with its table
    and column."""
    table: str | None = None
    columns: list[str] = []
    header = re.compile(r"^COPY (?:[\w\"]+\.)?\"?([\w]+)\"? \((.*)\) FROM stdin;$")
    for line in dump.split("\n"):
        if table is None:
            match = header.match(line)
            if match:
                table = match.group(1)
                columns = [c.strip().strip('"') for c in match.group(2).split(",")]
            continue
        if line == "\\.":
            table = None
            continue
        for column, raw in zip(columns, line.split("\t"), strict=True):
            value = _copy_unescape(raw)
            if value is not None:
                yield Cell(table, column, value)


_SQL_VALUE = re.compile(r"'((?:[^']|'')*)'|X'[0-9A-Fa-f]*'|NULL|[-+0-9.eE]+")


def sqlite_dump_cells(lines: Iterator[str], columns: dict[str, list[str]]) -> Iterator[Cell]:
    """Every non-null value of an sqlite3 `iterdump()`, with its table and column (the
    INSERT statements list values in the table's column order)."""
    insert = re.compile(r'^INSERT INTO "([^"]+)" VALUES\((.*)\);$', re.S)
    for line in lines:
        match = insert.match(line)
        if not match:
            continue
        table, values = match.group(1), match.group(2)
        texts = list(_SQL_VALUE.finditer(values))
        assert len(texts) == len(columns[table]), (table, len(texts), len(columns[table]))
        for column, value in zip(columns[table], texts, strict=True):
            if value.group(0) == "NULL":
                continue
            text = (
                value.group(1).replace("''", "'") if value.group(1) is not None else value.group(0)
            )
            yield Cell(table, column, text)
