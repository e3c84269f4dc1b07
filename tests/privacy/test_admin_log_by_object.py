"""P2, issue 22 item 2: the admin log describes the objects operators touched
(`object_repr`, e.g. "#1 <inquiry subject>", and the names in its change message). Erasure
scrubs every admin log row about an object it erases or anonymises, by object (content type
and id), whatever text the row holds; rows about other objects keep theirs."""

import json
from datetime import timedelta

import pytest
import time_machine
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model
from django.test import Client
from django.urls import reverse

from tests.factories import InquiryFactory, OperatorFactory, ProposalFactory, UserFactory
from tests.privacy.support import withdraw
from ukeoi.core import clock
from ukeoi.helpdesk.models import Inquiry
from ukeoi.jobs.models import Proposal
from ukeoi.privacy import services
from ukeoi.privacy.enums import ErasureSource
from ukeoi.privacy.erasure import PLACEHOLDER

pytestmark = pytest.mark.django_db


def log(obj: Model, *, operator_id: int, repr_: str, message: str, flag: int = CHANGE) -> int:
    entry = LogEntry.objects.create(
        user_id=operator_id,
        content_type=ContentType.objects.get_for_model(type(obj)),
        object_id=str(obj.pk),
        object_repr=repr_,
        action_flag=flag,
        change_message=message,
    )
    return entry.pk


def erase(user_id: int) -> None:
    services.erasure_request(actor=None, user_id=user_id, source=ErasureSource.SELF)
    with time_machine.travel(clock.now() + timedelta(days=15), tick=False):
        services.erasure_run_due()


def test_the_admin_log_of_an_inquiry_loses_its_subject(client: Client) -> None:
    """P2, issue 22 item 2: an operator saves the person's inquiry in the admin; the log row
    ("#N <subject>") is scrubbed at erasure although the subject is not an account value."""
    user = UserFactory.create()
    inquiry = InquiryFactory.create(user=user, subject="管理ログ件名QJX", body="本文QJX")
    operator = OperatorFactory.create()
    client.force_login(operator)
    response = client.post(
        reverse("admin:helpdesk_inquiry_change", args=[inquiry.pk]),
        {"user": user.pk, "internal_note": "確認済み", "reply": ""},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = LogEntry.objects.get(object_id=str(inquiry.pk))
    assert "管理ログ件名QJX" in entry.object_repr
    withdraw(user)

    erase(user.pk)

    entry.refresh_from_db()
    assert entry.object_repr == PLACEHOLDER
    assert "QJX" not in entry.change_message
    assert Inquiry.objects.get(pk=inquiry.pk).subject == PLACEHOLDER


def test_every_row_about_an_erased_object_is_scrubbed_and_only_those() -> None:
    """P2, issue 22 item 2: by object — the inline object names in a change message are
    blanked, field names stay; a row about someone else's object is left alone."""
    user = UserFactory.create()
    operator = OperatorFactory.create()
    inquiry = InquiryFactory.create(user=None, reply_email=user.email, subject="ゲスト件名QJX")
    proposal = ProposalFactory.create(lancer=user, message="提案QJX")
    theirs = ProposalFactory.create(message="他人の提案")
    added = json.dumps([{"added": {"name": "inquiry reply", "object": "山田様 回答QJX"}}])
    changed = json.dumps([{"changed": {"fields": ["Status"]}}])
    mine = [
        log(inquiry, operator_id=operator.pk, repr_=str(inquiry), message=added, flag=ADDITION),
        log(proposal, operator_id=operator.pk, repr_="提案 #1 短い", message=changed),
        log(user, operator_id=operator.pk, repr_="旧表示名", message="plain text 旧表示名"),
    ]
    other = log(theirs, operator_id=operator.pk, repr_="他人の提案", message=changed)
    withdraw(user)

    erase(user.pk)

    rows = {e.pk: e for e in LogEntry.objects.all()}
    assert [rows[pk].object_repr for pk in mine] == [PLACEHOLDER] * 3
    assert json.loads(rows[mine[0]].change_message) == [
        {"added": {"name": "inquiry reply", "object": PLACEHOLDER}}
    ]
    assert json.loads(rows[mine[1]].change_message) == [{"changed": {"fields": ["Status"]}}]
    assert rows[mine[2]].change_message == PLACEHOLDER
    assert (rows[other].object_repr, rows[other].change_message) == ("他人の提案", changed)
    assert Proposal.objects.get(pk=theirs.pk).message == "他人の提案"
