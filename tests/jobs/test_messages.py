"""B8: a message thread on each proposal between its two sides, mail to the other side after
commit, read/unread state."""

from typing import Any

import pytest
from django.core.mail import EmailMessage

from tests.factories import MessageThreadFactory, UserFactory
from tests.support import snapshot
from ukeoi.accounts.enums import AccountStatus
from ukeoi.accounts.models import User
from ukeoi.core.errors import ApplicationError
from ukeoi.jobs import selectors, services
from ukeoi.jobs.models import Message, Proposal

pytestmark = pytest.mark.django_db


def send(actor: User, proposal: Proposal, body: str = "ご質問があります。") -> Message:
    return services.message_send(actor=actor, thread_id=proposal.thread.pk, body=body)


def test_lancer_writes_and_the_client_is_mailed_after_commit(
    proposal: Proposal,
    lancer: User,
    django_capture_on_commit_callbacks: Any,
    mailoutbox: list[EmailMessage],
) -> None:
    """B8."""
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        message = send(lancer, proposal, "削除をお願いできますか？")
    assert mailoutbox == []
    for callback in callbacks:
        callback()

    assert (message.sender, message.read_at) == (lancer, None)
    assert [m.to for m in mailoutbox] == [[proposal.job.client.email]]
    assert "削除をお願いできますか？" in str(mailoutbox[0].body)
    assert lancer.display_name in mailoutbox[0].subject


def test_client_answers_and_the_lancer_is_mailed(
    proposal: Proposal,
    client_user: User,
    django_capture_on_commit_callbacks: Any,
    mailoutbox: list[EmailMessage],
) -> None:
    """B8."""
    with django_capture_on_commit_callbacks(execute=True):
        send(client_user, proposal)

    assert [m.to for m in mailoutbox] == [[proposal.lancer.email]]


def test_reading_marks_only_the_other_sides_messages(
    proposal: Proposal, lancer: User, client_user: User
) -> None:
    """B8: read/unread."""
    from_lancer = send(lancer, proposal)
    from_client = send(client_user, proposal)
    thread = proposal.thread

    assert selectors.unread_count(thread=thread, viewer=client_user) == 1
    assert services.message_mark_read(actor=client_user, thread_id=thread.pk) == 1
    assert services.message_mark_read(actor=client_user, thread_id=thread.pk) == 0

    from_lancer.refresh_from_db()
    from_client.refresh_from_db()
    assert from_lancer.read_at is not None
    assert from_client.read_at is None
    assert selectors.unread_count(thread=thread, viewer=client_user) == 0
    assert selectors.unread_count(thread=thread, viewer=lancer) == 1


def test_stranger_cannot_write_or_read(proposal: Proposal) -> None:
    stranger = UserFactory.create()
    before = snapshot()

    for call in (
        lambda: send(stranger, proposal),
        lambda: services.message_mark_read(actor=stranger, thread_id=proposal.thread.pk),
    ):
        with pytest.raises(ApplicationError) as refused:
            call()
        assert refused.value.status == 403

    assert snapshot() == before


@pytest.mark.parametrize("body", ["", "  ", "あ" * 4001])
def test_empty_or_long_message_is_refused(proposal: Proposal, lancer: User, body: str) -> None:
    before = snapshot()

    with pytest.raises(ApplicationError) as refused:
        send(lancer, proposal, body)

    assert "body" in refused.value.fields
    assert snapshot() == before


def test_no_messages_to_a_withdrawn_account(proposal: Proposal, lancer: User) -> None:
    User.objects.filter(pk=proposal.job.client_id).update(
        status=AccountStatus.WITHDRAWN, is_active=False
    )
    before = snapshot()

    with pytest.raises(ApplicationError) as refused:
        send(lancer, proposal)

    assert refused.value.code == "recipient_withdrawn"
    assert snapshot() == before


def test_a_thread_without_a_proposal_works_for_later_subjects() -> None:
    """B8: the contracts issue attaches threads to contracts; the sides are on the thread."""
    thread = MessageThreadFactory.create()

    message = services.message_send(actor=thread.client, thread_id=thread.pk, body="契約について")

    assert message.thread == thread
    assert services.message_mark_read(actor=thread.lancer, thread_id=thread.pk) == 1


def test_unknown_thread_is_404(lancer: User) -> None:
    with pytest.raises(ApplicationError) as refused:
        services.message_send(actor=lancer, thread_id=999_999, body="x")

    assert refused.value.status == 404


def test_thread_closes_when_the_client_deletes_the_proposal(
    proposal: Proposal, lancer: User, client_user: User
) -> None:
    """B2, B8: the client no longer sees a deleted proposal, so its thread takes no more."""
    services.proposal_delete(actor=client_user, proposal_id=proposal.pk)
    before = snapshot()

    for actor in (lancer, client_user):
        with pytest.raises(ApplicationError) as refused:
            send(actor, proposal)
        assert refused.value.code == "proposal_deleted"

    assert snapshot() == before
