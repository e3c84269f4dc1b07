"""Every state change made by a service leaves one AuditEvent (DESIGN: Zulip-style actions)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import UserFactory
from ukeoi.core.audit import audit
from ukeoi.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_audit_writes_actor_subject_action_before_after_and_time() -> None:
    actor, subject = UserFactory.create(), UserFactory.create()

    event = audit(
        actor=actor,
        subject=subject,
        action="account.display_name_changed",
        before={"display_name": "旧"},
        after={"display_name": "新"},
    )

    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.actor == actor
    assert (stored.subject_type, stored.subject_id) == ("accounts.user", str(subject.pk))
    assert stored.action == "account.display_name_changed"
    assert (stored.before, stored.after) == ({"display_name": "旧"}, {"display_name": "新"})
    assert abs(stored.at - timezone.now()) < timedelta(minutes=1)


def test_audit_without_values_stores_empty_objects() -> None:
    subject = UserFactory.create()

    event = audit(actor=subject, subject=subject.profile, action="profile.updated")

    assert (event.subject_type, event.subject_id) == ("accounts.profile", str(subject.profile.pk))
    assert (event.before, event.after) == ({}, {})


@pytest.mark.parametrize("actor", [None, "system"])
def test_audit_by_the_system_has_no_actor(actor: object) -> None:
    event = audit(actor=actor, subject=UserFactory.create(), action="account.system_task")

    assert AuditEvent.objects.get(pk=event.pk).actor is None


def test_audit_keeps_the_event_when_the_actor_is_deleted() -> None:
    actor, subject = UserFactory.create(), UserFactory.create()
    event = audit(actor=actor, subject=subject, action="x.y")

    actor.delete()

    event.refresh_from_db()
    assert (event.actor, event.subject_id) == (None, str(subject.pk))


def test_audit_values_round_trip_json_with_japanese_text() -> None:
    event = audit(
        actor=None,
        subject=UserFactory.create(),
        action="x.y",
        after={"fields": ["legal_name_kana"], "note": "ヤマダ", "n": 3, "ok": True},
    )

    event.refresh_from_db()
    assert event.after == {"fields": ["legal_name_kana"], "note": "ヤマダ", "n": 3, "ok": True}


def test_audit_events_list_newest_first() -> None:
    subject = UserFactory.create()
    first = audit(actor=None, subject=subject, action="first")
    second = audit(actor=None, subject=subject, action="second")

    assert list(AuditEvent.objects.all()) == [second, first]
