"""Demo small balance (issue 14 item 11): a lancer whose only withdrawal blocker is a reward
balance below the 1,000-yen payout minimum, so that W5's forfeiture can be seen in
`make run`: signed in as them, /withdrawal/ shows 「報酬残高：あり（…円）」 that cannot be paid
out and will be forfeited, and the form asks for the forfeit consent.

The account is one of the demo sign-ins (`DEMO_USERS`, with its name and address); the
balance is one unit of a task of the demo client's, approved, through the real services (the
client's payment confirmed by the demo operator), so the ledger balances as in production.
Idempotent: once the task exists (by title), nothing is done again."""

from datetime import timedelta

from django.db import transaction

from ukeoi.accounts.models import User
from ukeoi.core import clock
from ukeoi.jobs import services as jobs
from ukeoi.jobs.models import ClientPayment, Job

EMAIL = "smallbalance@demo.ukeoi.jp"
TASK_TITLE = "アンケート自由回答の分類（1件900円）"
# One approved unit leaves 900 yen less the lancer's system fee: below the payout minimum.
UNIT_REWARD = 900


def demo_small_balance() -> int:
    """Give the demo small-balance lancer their balance once; returns how many units were
    approved (0 when already done)."""
    client = User.objects.get(email="client@demo.ukeoi.jp")
    lancer = User.objects.get(email=EMAIL)
    operator = User.objects.get(email="operator@demo.ukeoi.jp")
    if Job.objects.filter(client=client, title=TASK_TITLE).exists():
        return 0
    with transaction.atomic():
        task = jobs.job_post(
            actor=client,
            title=TASK_TITLE,
            description=(
                "アンケートの自由回答（約50件）を読み、指定の10分類のどれに当たるかを"
                "スプレッドシートに入力してください。1件＝アンケート1回分です。"
            ),
            category="data_entry",
            format="task",
            deadline=clock.now() + timedelta(days=14),
            unit_reward=UNIT_REWARD,
            units=1,
        )
        payment = ClientPayment.objects.get(job=task)
        jobs.client_payment_confirm(actor=operator, payment_id=payment.pk)
        unit = jobs.task_submission_submit(
            actor=lancer, job_id=task.pk, content="50件の自由回答を10分類に振り分けました。"
        )
        jobs.task_submission_approve(actor=client, submission_id=unit.pk)
    return 1
