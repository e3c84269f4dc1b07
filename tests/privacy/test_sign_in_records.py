"""P2, issue 22 item 1: django-axes keeps the address of every sign-in, failed sign-in and
password-reset request. Erasure deletes the person's records under every address it held,
and everyone's records expire after SIGN_IN_RECORDS_KEEP_DAYS (default 90) in a periodic
task and a command."""

import io
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from axes.models import AccessAttempt, AccessLog
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from pytest_django.fixtures import Settings as SettingsWrapper

from tests.factories import DEFAULT_PASSWORD, UserFactory
from tests.privacy.support import withdraw
from ukeoi.accounts import services as accounts
from ukeoi.core import clock
from ukeoi.privacy import services
from ukeoi.privacy.enums import ErasureSource
from ukeoi.privacy.tasks import expire_sign_in_records

pytestmark = pytest.mark.django_db


def sign_in(client: Client, email: str, password: str = DEFAULT_PASSWORD) -> None:
    client.post(reverse("accounts:login"), {"username": email, "password": password})
    client.logout()


def usernames(model: Any) -> set[str]:
    return set(model.objects.values_list("username", flat=True))


def test_erasure_deletes_the_sign_in_records_of_every_address_the_person_used(
    client: Client,
) -> None:
    """P2, issue 22 item 1: access logs, failed sign-ins and password-reset requests under
    the current and the previous address are gone after erasure; other people's stay."""
    user = UserFactory.create(email="first.zqx@example.jp")
    other = UserFactory.create(email="other.zqx@example.jp")
    sign_in(client, "first.zqx@example.jp")
    sign_in(client, "First.ZQX@example.jp", "wrong password")
    accounts.account_email_change(
        actor=user, new_email="second.zqx@example.jp", password=DEFAULT_PASSWORD
    )
    sign_in(client, "second.zqx@example.jp")
    sign_in(client, "second.zqx@example.jp", "wrong password")
    client.post(reverse("accounts:password_reset"), {"email": "second.zqx@example.jp"})
    sign_in(client, "other.zqx@example.jp")
    assert usernames(AccessLog) >= {"first.zqx@example.jp", "second.zqx@example.jp"}
    assert "password-reset:second.zqx@example.jp" in usernames(AccessAttempt)
    user.refresh_from_db()
    withdraw(user)
    services.erasure_request(actor=None, user_id=user.pk, source=ErasureSource.SELF)

    with time_machine.travel(clock.now() + timedelta(days=15), tick=False):
        services.erasure_run_due()

    assert usernames(AccessLog) == {"other.zqx@example.jp"}
    assert not {u for u in usernames(AccessAttempt) if "zqx" in u and "other" not in u}
    assert other.is_active


def test_a_previous_address_taken_by_someone_else_keeps_their_later_records(
    client: Client,
) -> None:
    """P2: records under an address the person left belong to them only until they left
    it; the next holder's sign-ins stay."""
    user = UserFactory.create(email="handed.on@example.jp")
    sign_in(client, "handed.on@example.jp")
    with time_machine.travel(clock.now() + timedelta(minutes=5), tick=False):
        accounts.account_email_change(
            actor=user, new_email="mine.now@example.jp", password=DEFAULT_PASSWORD
        )
    with time_machine.travel(clock.now() + timedelta(minutes=10), tick=False):
        UserFactory.create(email="handed.on@example.jp")
        sign_in(client, "handed.on@example.jp")
    user.refresh_from_db()
    withdraw(user)
    services.erasure_request(actor=None, user_id=user.pk, source=ErasureSource.SELF)

    with time_machine.travel(clock.now() + timedelta(days=15), tick=False):
        services.erasure_run_due()

    assert AccessLog.objects.filter(username="handed.on@example.jp").count() == 1


def records_aged(days: int) -> tuple[AccessLog, AccessAttempt]:
    log = AccessLog.objects.create(username=f"log{days}@example.jp", user_agent="ua")
    attempt = AccessAttempt.objects.create(
        username=f"attempt{days}@example.jp",
        user_agent="ua",
        get_data="",
        post_data="",
        failures_since_start=1,
    )
    moment = clock.now() - timedelta(days=days)
    AccessLog.objects.filter(pk=log.pk).update(attempt_time=moment)
    AccessAttempt.objects.filter(pk=attempt.pk).update(attempt_time=moment)
    return log, attempt


def test_sign_in_records_expire_after_90_days_by_default() -> None:
    """P2, issue 22 item 1: the operator setting defaults to 90 days; the command deletes
    older records and keeps newer ones; a second run deletes nothing."""
    assert settings.SIGN_IN_RECORDS_KEEP_DAYS == 90
    records_aged(91)
    new_log, new_attempt = records_aged(89)
    out = io.StringIO()

    call_command("privacy_expire_sign_ins", stdout=out)

    assert set(AccessLog.objects.values_list("pk", flat=True)) == {new_log.pk}
    assert set(AccessAttempt.objects.values_list("pk", flat=True)) == {new_attempt.pk}
    assert "deleted 1 access log(s), 1 failed attempt(s)" in out.getvalue()
    assert services.sign_in_records_expire() == {
        "access_logs": 0,
        "failed_attempts": 0,
        "failure_logs": 0,
    }


def test_operators_set_how_long_sign_in_records_stay(settings: SettingsWrapper) -> None:
    """P2: SIGN_IN_RECORDS_KEEP_DAYS is the operator's; a failed attempt still within its
    cool-off stays, so a short setting never lifts a lockout early."""
    settings.SIGN_IN_RECORDS_KEEP_DAYS = 0
    records_aged(2)
    AccessAttempt.objects.create(
        username="locked@example.jp",
        user_agent="ua",
        get_data="",
        post_data="",
        failures_since_start=5,
    )

    counts = expire_sign_in_records.delay().get()

    assert counts["access_logs"] == 1
    assert list(AccessAttempt.objects.values_list("username", flat=True)) == ["locked@example.jp"]


def test_the_expiry_runs_periodically() -> None:
    """P2: Celery beat runs the expiry task."""
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}

    assert "ukeoi.privacy.tasks.expire_sign_in_records" in tasks
