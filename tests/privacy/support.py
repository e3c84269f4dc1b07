"""Helpers for the privacy tests: an account with personal data in every table that can
hold it, and a dump of the whole database to search for it."""

import io
import json
from dataclasses import dataclass
from datetime import date

from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection

from tests.factories import (
    AnswerFactory,
    InquiryFactory,
    JobFactory,
    OperatorFactory,
    ProposalFactory,
    QuestionFactory,
    UserFactory,
)
from ukeoi.accounts import services as accounts
from ukeoi.accounts.enums import AccountStatus
from ukeoi.accounts.models import Bank, BankBranch, IdentityVerification, User
from ukeoi.accounts.retired import retire_account_identifiers
from ukeoi.contracts.models import Cancellation, Contract, Delivery, Milestone, Rating
from ukeoi.core import clock
from ukeoi.helpdesk.models import InquiryReply
from ukeoi.jobs.models import AppendNote, Message
from ukeoi.payouts.models import Payout, PayoutBatch
from ukeoi.withdrawal.models import Withdrawal


@dataclass
class Person:
    user: User
    counterpart: User
    # Every value erasure must remove from the database.
    erased: list[str]
    # Values erasure must keep (amounts, titles, dates of the records kept for tax).
    kept_job_title: str
    kept_proposal_amount: int


def rich_user() -> Person:
    """A lancer and client with data everywhere, withdrawn (directly: the withdrawal
    service has its own tests), as erasure finds an account."""
    user = UserFactory.create(email="hanako.shoukyo@example.jp", display_name="旧名ショウキョ")
    accounts.user_update_display_name(actor=user, display_name="消去花子テスト")
    accounts.profile_update(
        actor=user,
        data=accounts.ProfileInput(
            legal_name="消去 花子",
            legal_name_kana="ショウキョ ハナコ",
            birth_date=date(1985, 3, 21),
            postal_code="987-6543",
            prefecture="東京都",
            city="渋谷区テスト町",
            street="神南九丁目9番9号",
            building="消去ビル1010号室",
            self_introduction="自己紹介ZQXテキスト",
            invoice_registration_number="T5835678256246",  # T1: names a sole proprietor
        ),
    )
    accounts.portfolio_item_add(
        actor=user,
        title="作品タイトルZQX",
        description="作品説明ZQX",
        url="https://zqx.example.jp/",
    )
    bank = Bank.objects.create(
        code="0005", name="三菱", kana="ミツビシ", hira="みつびし", roma="mitsubishi"
    )
    BankBranch.objects.create(
        bank=bank, code="001", name="本店", kana="ホンテン", hira="ほんてん", roma="honten"
    )
    accounts.bank_account_set(
        actor=user,
        bank_code="0005",
        branch_code="001",
        account_type=1,
        number="7654321",
        holder_name="ショウキョ ハナコ",
    )
    accounts.api_token_create(actor=user, name="トークン名ZQX")
    IdentityVerification.objects.create(
        user=user, document_type="passport", status="rejected", rejection_reason="却下理由ZQX"
    )

    counterpart = UserFactory.create()
    # P2, issue 22 item 3: a job no transaction needs loses its title too; one a contract
    # needs keeps it (a kept record).
    JobFactory.create(
        client=user,
        title="消える依頼タイトルZQX",
        description="依頼説明ZQX",
        status="closed",
        closed_at=clock.now(),
    )
    job = JobFactory.create(
        client=user, title="契約になった依頼", status="closed", closed_at=clock.now()
    )
    hire = ProposalFactory.create(job=job, lancer=counterpart, status="selected")
    Contract.objects.create(
        job=job,
        client=user,
        lancer=counterpart,
        thread=hire.thread,
        title="契約になった依頼",
        status="cancelled",
        cancelled_at=clock.now(),
    )
    proposal = ProposalFactory.create(
        job=JobFactory.create(client=counterpart),
        lancer=user,
        message="提案文ZQX",
        status="declined",
        amount=43_210,
    )
    AppendNote.objects.create(proposal=proposal, body="追記ZQX")
    Message.objects.create(thread=proposal.thread, sender=user, body="メッセージZQX")
    Message.objects.create(thread=proposal.thread, sender=counterpart, body="相手の返信です")

    contract = Contract.objects.create(
        job=proposal.job,
        client=counterpart,
        lancer=user,
        thread=proposal.thread,
        title="契約タイトル",
        status="cancelled",
        cancelled_at=clock.now(),
    )
    milestone = Milestone.objects.create(contract=contract, title="計画1", amount=43_210)
    Delivery.objects.create(milestone=milestone, body="納品メモZQX", change_request="修正依頼です")
    Cancellation.objects.create(
        contract=contract,
        proposed_by=user,
        reason="キャンセル理由ZQX",
        step="done",
        finished_at=clock.now(),
    )
    Rating.objects.create(
        contract=contract,
        rater=user,
        ratee=counterpart,
        value="satisfied",
        comment="評価コメントZQX",
    )

    batch = PayoutBatch.objects.create(
        close_date=date(2026, 1, 15),
        payment_date=date(2026, 1, 20),
        cutoff=clock.now(),
        status="paid",
    )
    Payout.objects.create(
        batch=batch,
        user=user,
        amount=5_500,
        fee=500,
        net=5_000,
        status="paid",
        bank_code="0005",
        bank_name="ﾐﾂﾋﾞｼ",
        branch_code="001",
        branch_name="ﾎﾝﾃﾝ",
        account_type=1,
        account_number="7654321",
        holder_kana="ｼﾖｳｷﾖ ﾊﾅｺ",
        paid_at=clock.now(),
    )

    inquiry = InquiryFactory.create(
        user=user, category="delete_personal_data", subject="件名ZQX", body="問い合わせ本文ZQX"
    )
    InquiryReply.objects.create(inquiry=inquiry, body="消去 花子 様 回答ZQX")
    InquiryFactory.create(
        user=None, reply_email=user.email, subject="ゲスト件名ZQX", body="ゲスト本文ZQX"
    )
    question = QuestionFactory.create(asker=user, title="質問タイトルZQX", body="質問本文ZQX")
    AnswerFactory.create(question=question, author=user, body="回答本文ZQX")

    operator = OperatorFactory.create()
    LogEntry.objects.create(
        user=operator,
        content_type=ContentType.objects.get_for_model(User),
        object_id=str(user.pk),
        object_repr=str(user.display_name),
        action_flag=CHANGE,
        change_message=json.dumps([{"changed": {"fields": ["display_name"]}}]),
    )
    Withdrawal.objects.create(
        user=user, reason="other", reason_text="退会理由ZQX", comments="その他コメントZQX"
    )
    withdraw(user)
    user.refresh_from_db()
    erased = [
        "hanako.shoukyo@example.jp",
        "旧名ショウキョ",
        "消去花子テスト",
        "消去 花子",
        "ショウキョ ハナコ",
        "ｼﾖｳｷﾖ ﾊﾅｺ",
        "1985-03-21",
        "987-6543",
        "渋谷区テスト町",
        "神南九丁目9番9号",
        "消去ビル1010号室",
        "自己紹介ZQXテキスト",
        "5835678256246",
        "作品タイトルZQX",
        "作品説明ZQX",
        "zqx.example.jp",
        "7654321",
        "トークン名ZQX",
        "却下理由ZQX",
        "依頼説明ZQX",
        "消える依頼タイトルZQX",
        "提案文ZQX",
        "追記ZQX",
        "メッセージZQX",
        "納品メモZQX",
        "キャンセル理由ZQX",
        "評価コメントZQX",
        "件名ZQX",
        "問い合わせ本文ZQX",
        "回答ZQX",
        "ゲスト件名ZQX",
        "ゲスト本文ZQX",
        "質問タイトルZQX",
        "質問本文ZQX",
        "回答本文ZQX",
        "退会理由ZQX",
        "その他コメントZQX",
    ]
    assert user.password != ""
    return Person(
        user=user,
        counterpart=counterpart,
        erased=erased,
        kept_job_title=job.title,
        kept_proposal_amount=43_210,
    )


def withdraw(user: User) -> None:
    """The state account_withdraw leaves (W7): withdrawn, inactive, identifiers retired."""
    User.objects.filter(pk=user.pk).update(status=AccountStatus.WITHDRAWN, is_active=False)
    retire_account_identifiers(user=user)


def dumpdata_text() -> str:
    out = io.StringIO()
    call_command("dumpdata", format="json", stdout=out)
    return out.getvalue()


def sql_text() -> str:
    """Every column of every table, cast to text by the database itself."""
    chunks: list[str] = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            quoted = connection.ops.quote_name(table)
            cursor.execute(f"SELECT * FROM {quoted}")
            for row in cursor.fetchall():
                chunks.extend(str(value) for value in row if value is not None)
    return "\n".join(chunks)


def found(values: list[str], haystack: str) -> list[str]:
    """The values present in the text, raw or as JSON escapes them."""
    return [v for v in values if v in haystack or json.dumps(v)[1:-1] in haystack]
