from datetime import date, timedelta

from celery import shared_task

from ukeoi.core import clock
from ukeoi.payouts import calendar, services


def last_ended_close(today: date) -> date:
    """The latest close date before today (a close date is over only at its end)."""
    day = today - timedelta(days=1)
    while not calendar.is_close_date(day):
        day -= timedelta(days=1)
    return day


@shared_task(acks_late=True)
def payout_run_due() -> int:
    """M3, M5 (Celery beat): the batch of the close that ended last. Idempotent: the first
    call after a close creates and runs it, a call after a killed run resumes it, later
    calls find it exported and change nothing; a call while another run holds the batch
    returns at once. Returns the batch id."""
    batch = services.payout_batch_run(close_date=last_ended_close(clock.today()), wait=False)
    return batch.pk


@shared_task(acks_late=True)
def payout_run(close_date: str) -> int:
    """Run (or resume, or find done) the batch of one close date, given as YYYY-MM-DD."""
    batch = services.payout_batch_run(close_date=date.fromisoformat(close_date))
    return batch.pk
