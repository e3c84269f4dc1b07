"""Demo data for `make run`. Idempotent: a second run finds everything in place and
changes nothing."""

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from ukeoi.accounts import services
from ukeoi.accounts.models import User

DEMO_PASSWORD = "demo-pass-2026"


@dataclass(frozen=True)
class DemoUser:
    email: str
    username: str
    display_name: str
    role: str
    operator: bool = False
    profile: services.ProfileInput = field(default_factory=services.ProfileInput)
    # What the account shows, where its role does not say it (printed with the sign-ins).
    note: str = ""


DEMO_USERS = [
    DemoUser(
        "client@demo.ukeoi.jp",
        "demo_client",
        "株式会社サンプル",
        "client",
        profile=services.ProfileInput(
            legal_name="佐藤 花子",
            legal_name_kana="サトウ ハナコ",
            postal_code="150-0002",
            prefecture="東京都",
            city="渋谷区渋谷",
            street="2-21-1",
            self_introduction="Webサービスを運営しています。丁寧なやり取りを心がけています。",
        ),
    ),
    DemoUser(
        "lancer@demo.ukeoi.jp",
        "demo_lancer",
        "山田デザイン",
        "lancer",
        profile=services.ProfileInput(
            legal_name="山田 太郎",
            legal_name_kana="ヤマダ タロウ",
            birth_date=date(1990, 4, 1),
            postal_code="530-0001",
            prefecture="大阪府",
            city="大阪市北区梅田",
            street="3-1-1",
            self_introduction="ロゴ・バナー制作が得意なデザイナーです。",
            # T1: a registered issuer (a sample number): its rewards get invoices (T2).
            invoice_registration_number="T7123456789012",
        ),
    ),
    DemoUser("operator@demo.ukeoi.jp", "demo_operator", "運営スタッフ", "operator", operator=True),
    # Issue 14 item 11: only a reward balance under 1,000 yen (ukeoi/demo/balance.py).
    DemoUser(
        "smallbalance@demo.ukeoi.jp",
        "demo_smallbalance",
        "鈴木ライティング",
        "lancer",
        profile=services.ProfileInput(
            legal_name="鈴木 一郎",
            legal_name_kana="スズキ イチロウ",
            birth_date=date(1985, 10, 10),
            postal_code="460-0008",
            prefecture="愛知県",
            city="名古屋市中区栄",
            street="3-5-1",
            self_introduction="アンケート集計やデータ入力を中心に活動しています。",
        ),
        note="only a reward balance under 1,000 yen: forfeited on withdrawal (W5)",
    ),
]


class Command(BaseCommand):
    help = "Create the demo accounts (idempotent) and print their sign-ins."

    def handle(self, *args: Any, **options: Any) -> None:
        created = 0
        for demo in DEMO_USERS:
            with transaction.atomic():
                if User.objects.filter(email__iexact=demo.email).exists():
                    continue
                user = services.user_register(
                    email=demo.email,
                    username=demo.username,
                    display_name=demo.display_name,
                    password=DEMO_PASSWORD,
                )
                services.profile_update(actor=user, data=demo.profile)
                if demo.operator:
                    user.is_staff = True
                    user.is_superuser = True
                    user.save(update_fields=["is_staff", "is_superuser"])
                created += 1
        self.stdout.write(
            f"Demo data: {created} account(s) created, {len(DEMO_USERS) - created} already there."
        )
        self.stdout.write(f"Demo sign-ins (password for all: {DEMO_PASSWORD}):")
        for demo in DEMO_USERS:
            note = f"  — {demo.note}" if demo.note else ""
            self.stdout.write(f"  {demo.role:<9} {demo.email}{note}")
        self.stdout.write("Site: http://127.0.0.1:8000/   Admin: /admin/   Mail: /dev/outbox/")


# --- Jobs (issue 4): one job of each format, pending proposals from the demo lancer, messages.
# Each job is created through the services, once: a job the demo client already has (by
# title) is left as it is, so running the command again changes nothing.

from datetime import timedelta  # noqa: E402

from ukeoi.core import clock  # noqa: E402
from ukeoi.jobs import services as jobs  # noqa: E402
from ukeoi.jobs.models import ClientPayment, Job  # noqa: E402


def _demo_jobs() -> int:
    client = User.objects.get(email="client@demo.ukeoi.jp")
    lancer = User.objects.get(email="lancer@demo.ukeoi.jp")
    operator = User.objects.get(email="operator@demo.ukeoi.jp")
    deadline = clock.now() + timedelta(days=14)
    created = 0

    def absent(title: str) -> bool:
        return not Job.objects.filter(client=client, title=title).exists()

    def confirm_payment(job: Job) -> None:
        payment = ClientPayment.objects.get(job=job)
        jobs.client_payment_confirm(actor=operator, payment_id=payment.pk)

    title = "コーポレートサイトのリニューアル"
    if absent(title):
        with transaction.atomic():
            job = jobs.job_post(
                actor=client,
                title=title,
                description=(
                    "弊社コーポレートサイト（約10ページ）のデザインとコーディングをお願いします。\n"
                    "スマートフォン対応必須。WordPressでの構築を想定しています。"
                ),
                category="web",
                format="project",
                deadline=deadline,
                budget_min=300_000,
                budget_max=500_000,
            )
            proposal = jobs.proposal_submit(
                actor=lancer,
                job_id=job.pk,
                amount=420_000,
                delivery_date=clock.today() + timedelta(days=45),
                message="WordPressでの制作実績が20件以上ございます。ぜひお任せください。",
            )
            jobs.message_send(
                actor=client,
                thread_id=proposal.thread.pk,
                body="ご提案ありがとうございます。過去の制作事例を拝見できますか？",
            )
            jobs.message_send(
                actor=lancer,
                thread_id=proposal.thread.pk,
                body="はい、プロフィールのポートフォリオに掲載しております。ご確認ください。",
            )
        created += 1

    title = "新サービスのロゴ募集（コンペ）"
    if absent(title):
        with transaction.atomic():
            job = jobs.job_post(
                actor=client,
                title=title,
                description="家計簿アプリ「まめぼ」のロゴを募集します。親しみやすい雰囲気でお願いします。",
                category="design",
                format="competition",
                deadline=deadline,
                budget_min=50_000,
            )
            confirm_payment(job)
            jobs.proposal_submit(
                actor=lancer,
                job_id=job.pk,
                message="豆をモチーフにした丸みのあるロゴを提案します。（デモ用の作品説明）",
            )
        created += 1

    title = "商品レビューの入力作業（1件200円）"
    if absent(title):
        with transaction.atomic():
            job = jobs.job_post(
                actor=client,
                title=title,
                description="指定の商品ページを読み、100文字程度のレビューを1件ずつ入力してください。",
                category="data_entry",
                format="task",
                deadline=deadline,
                unit_reward=200,
                units=50,
            )
            confirm_payment(job)
            jobs.task_submission_submit(
                actor=lancer,
                job_id=job.pk,
                content="使いやすいキッチンばさみです。切れ味がよく、分解して洗えるので衛生的です。",
            )
        created += 1
    return created


_AccountsCommand = Command


class Command(_AccountsCommand):  # type: ignore[no-redef]
    help = "Create the demo accounts and demo jobs (idempotent) and print the sign-ins."

    def handle(self, *args: Any, **options: Any) -> None:
        super().handle(*args, **options)
        created = _demo_jobs()
        self.stdout.write(f"Demo jobs: {created} created (one of each format).")
        # Payouts first: their history is backdated to past closes, so it must be the first
        # money on the demo lancer's reward balance.
        from ukeoi.demo.payouts import demo_payouts

        self.stdout.write(f"Demo payouts: {demo_payouts()} made (balance, paid/failed/exported).")
        from ukeoi.demo.contracts import demo_contracts

        self.stdout.write(f"Demo contracts: {demo_contracts()} created (one in every state).")
        from ukeoi.demo.withdrawal import demo_withdrawal

        self.stdout.write(f"Demo withdrawal: {demo_withdrawal()} former account withdrawn.")
        from ukeoi.demo.balance import demo_small_balance

        self.stdout.write(
            f"Demo small balance: {demo_small_balance()} unit approved "
            "(a balance under 1,000 yen, forfeited on withdrawal)."
        )
        from ukeoi.demo.legal import demo_legal

        self.stdout.write(f"Demo legal pages: {demo_legal()} sample version(s) created (L4).")
