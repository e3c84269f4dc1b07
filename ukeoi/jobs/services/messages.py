"""Message threads (B8)."""

from django.db import transaction
from django.urls import reverse

from ukeoi.accounts.models import User
from ukeoi.core import clock
from ukeoi.core.audit import audit
from ukeoi.core.errors import InvalidInput, refuse
from ukeoi.core.mail import absolute_url
from ukeoi.jobs import rules, selectors
from ukeoi.jobs.enums import (
    JobFormat,
    ProposalStatus,
)
from ukeoi.jobs.models import (
    Message,
    MessageThread,
    Proposal,
)
from ukeoi.jobs.services._common import _lock_active, _mail


def message_send(*, actor: User, thread_id: int, body: str) -> Message:
    """B8: one side writes to the other in their thread; the other side is told by mail
    after commit."""
    with transaction.atomic():
        _lock_active(actor)
        thread = selectors.thread_get(thread_id=thread_id, viewer=actor)
        other = User.objects.get(pk=thread.other_side(actor.pk))
        deleted = Proposal.objects.filter(thread=thread, status=ProposalStatus.DELETED).exists()
        refusal = rules.message_refusal(
            actor_id=actor.pk,
            thread=rules.ThreadFacts(
                thread.client_id, thread.lancer_id, other.is_withdrawn, subject_deleted=deleted
            ),
        )
        if refusal is not None:
            refuse(refusal)
        body = body.strip()
        problems = rules.text_problems("body", body, rules.MESSAGE_MAX)
        if problems:
            raise InvalidInput.of(problems)
        message = Message.objects.create(thread=thread, sender=actor, body=body)
        # The text stays out of the audit trail (personal data); who wrote where is enough.
        audit(actor=actor, subject=message, action="message.sent", after={"thread": thread.pk})
        path = _thread_path(thread)
        _mail(
            other,
            "message",
            sender_name=actor.display_name,
            message=message,
            link=absolute_url(path),
        )
    return message


def _thread_path(thread: MessageThread) -> str:
    """Where the thread is read: a selected project proposal's talk continues on its
    contract page (contracts:for_proposal redirects either side there), others on the
    proposal page."""
    proposal = thread.proposal
    if proposal is None:
        return ""
    if proposal.status == ProposalStatus.SELECTED and proposal.job.format == JobFormat.PROJECT:
        return reverse("contracts:for_proposal", args=[proposal.pk])
    return proposal.get_absolute_url()


def message_mark_read(*, actor: User, thread_id: int) -> int:
    """B8: the actor has read the thread: the other side's unread messages get read_at.
    Returns how many. Not audited: reading changes no one's obligations."""
    with transaction.atomic():
        _lock_active(actor)
        thread = selectors.thread_get(thread_id=thread_id, viewer=actor)
        return (
            Message.objects.filter(thread=thread, read_at__isnull=True)
            .exclude(sender_id=actor.pk)
            .update(read_at=clock.now())
        )
