"""Demo payouts (issue 6): the demo lancer has a bank account, a reward balance and a payout
history in every state, all made by the real services.

The story, against the three closes before today (c1 < c2 < c3):
- the demo client posts a task of 3,000-yen units; the lancer's units are approved a few
  days before each close (each unit adds 2,505 yen after the 16.5 % system fee);
- c1's batch is paid; c2's payout fails at the bank (the money returns to the balance)
  and the rest of c2 is paid; c3's batch takes the balance including the returned money
  and is with the bank (exported); one more unit approved today waits for the next close.

Rewards must be confirmed before a past close, so the services run with the clock moved
back to each moment (`ukeoi.core.clock.at`; `clock.now` is the one place the code asks the
time).
Idempotent: once the demo task exists, nothing is done again."""

from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from ukeoi.accounts import services as accounts
from ukeoi.accounts.models import Bank, BankAccount, BankBranch, User
from ukeoi.core import clock
from ukeoi.jobs import services as jobs
from ukeoi.jobs.models import ClientPayment, Job
from ukeoi.payouts import calendar
from ukeoi.payouts import services as payouts
from ukeoi.payouts.models import Payout

TASK_TITLE = "アンケート回答のデータ入力（1件3,000円）"
UNIT_REWARD = 3_000
# Units approved before c1, c2, c3 and today.
UNITS = (4, 2, 1, 1)
FAILURE_REASON = "口座名義がご登録の名義と一致しませんでした。"


def _at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def past_closes(today: date, count: int) -> list[date]:
    """The `count` close dates before today, oldest first."""
    found: list[date] = []
    day = today - timedelta(days=1)
    while len(found) < count:
        if calendar.is_close_date(day):
            found.append(day)
        day -= timedelta(days=1)
    return sorted(found)


def _bank_account(lancer: User) -> None:
    """三菱ＵＦＪ 本店 (codes as in the zengin-code master, which `load_bank_master` may
    load later and update in place)."""
    if BankAccount.objects.filter(user=lancer).exists():
        return
    bank, _ = Bank.objects.get_or_create(
        code="0005",
        defaults={
            "name": "三菱ＵＦＪ",
            "kana": "ミツビシユ－エフジエイ",
            "hira": "みつびしゆ－えふじえい",
            "roma": "mitsubishiyu-efujiei",
        },
    )
    BankBranch.objects.get_or_create(
        bank=bank,
        code="001",
        defaults={"name": "本店", "kana": "ホンテン", "hira": "ほんてん", "roma": "honten"},
    )
    accounts.bank_account_set(
        actor=lancer,
        bank_code="0005",
        branch_code="001",
        account_type=1,
        number="1234567",
        holder_name="ヤマダ タロウ",
    )


def demo_payouts() -> int:
    """Create the demo payout history; returns how many payouts were made (0 if present)."""
    client = User.objects.get(email="client@demo.ukeoi.jp")
    lancer = User.objects.get(email="lancer@demo.ukeoi.jp")
    operator = User.objects.get(email="operator@demo.ukeoi.jp")
    if Job.objects.filter(client=client, title=TASK_TITLE).exists():
        return 0
    today = clock.today()
    closes = past_closes(today, 3)
    with transaction.atomic():
        _bank_account(lancer)
        with clock.at(_at(closes[0] - timedelta(days=10), 10)):
            job = jobs.job_post(
                actor=client,
                title=TASK_TITLE,
                description=(
                    "紙のアンケート用紙（スキャン画像）を見て、指定のスプレッドシートに回答を"
                    "入力してください。1件＝アンケート1冊（約40問）です。"
                ),
                category="data_entry",
                format="task",
                deadline=_at(today + timedelta(days=14), 18),
                unit_reward=UNIT_REWARD,
                units=10,
            )
            payment = ClientPayment.objects.get(job=job)
            jobs.client_payment_confirm(actor=operator, payment_id=payment.pk)

        def approve_units(count: int) -> None:
            for _ in range(count):
                unit = jobs.task_submission_submit(
                    actor=lancer, job_id=job.pk, content="アンケート1冊分を入力しました。"
                )
                jobs.task_submission_approve(actor=client, submission_id=unit.pk)

        made = 0
        # The reward account's entries must follow each other in time as they do in id.
        last = _at(closes[0] - timedelta(days=10), 10)
        for index, close in enumerate(closes):
            approved_at = max(_at(close - timedelta(days=3), 10), last + timedelta(hours=1))
            with clock.at(approved_at):
                approve_units(UNITS[index])
            cycle = calendar.cycle_for_close(close)
            with clock.at(_at(close + timedelta(days=1), 9)):
                batch = payouts.payout_batch_run(close_date=close)
            made += batch.payouts.count()
            if index == 1:
                mine = Payout.objects.get(batch=batch, user=lancer)
                last = _at(cycle.pay_date, 14)
                with clock.at(last):
                    payouts.payout_mark_failed(
                        actor=operator, payout_id=mine.pk, reason=FAILURE_REASON
                    )
            if index < 2:
                with clock.at(_at(cycle.pay_date, 15)):
                    payouts.payout_batch_mark_paid(actor=operator, batch_id=batch.pk)
        approve_units(UNITS[3])  # today, at the real time
    return made
