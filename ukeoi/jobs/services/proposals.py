"""Proposals (B1, B2): submit, select, decline, delete, append notes; competition prizes."""

from datetime import date

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from ukeoi.accounts.models import User
from ukeoi.core import clock, fees
from ukeoi.core.audit import audit
from ukeoi.core.errors import Conflict, InvalidInput, NotFound, refuse
from ukeoi.core.mail import absolute_url
from ukeoi.core.transitions import transition
from ukeoi.jobs import rules
from ukeoi.jobs.enums import (
    PROPOSAL_TRANSITIONS,
    JobFormat,
)
from ukeoi.jobs.locks import (
    lock_job,
    lock_proposal,
)
from ukeoi.jobs.models import (
    AppendNote,
    Job,
    MessageThread,
    Proposal,
)
from ukeoi.jobs.services._common import _lock_active, _mail
from ukeoi.jobs.services.jobs import _close, _job_escrow
from ukeoi.ledger import services as ledger
from ukeoi.ledger.enums import AccountKind


def proposal_submit(
    *,
    actor: User,
    job_id: int,
    message: str,
    amount: int | None = None,
    delivery_date: date | None = None,
) -> Proposal:
    """B1: a lancer proposes on an open job (a competition entry carries the prize).
    Refused on one's own job, a job not open or past its deadline, and a second proposal
    on the same job. Opens the proposal's message thread (B8). W6."""
    with transaction.atomic():
        lancer = _lock_active(actor)[actor.pk]
        job = lock_job(job_id)
        facts = rules.JobFacts.of(job)
        refusal = rules.proposal_refusal(
            facts,
            lancer_id=lancer.pk,
            already_proposed=Proposal.objects.filter(job=job, lancer=lancer).exists(),
            now=clock.now(),
        )
        if refusal is not None:
            refuse(refusal)
        draft = rules.ProposalDraft(
            amount=amount, message=message.strip(), delivery_date=delivery_date
        )
        problems = rules.proposal_draft_problems(draft, job_format=job.format, today=clock.today())
        if problems:
            raise InvalidInput.of(problems)
        is_project = job.format == JobFormat.PROJECT
        # A competition entry carries the prize; a project's amount was checked above.
        amount = draft.amount if is_project and draft.amount is not None else job.budget_min
        proposal = Proposal.objects.create(
            job=job,
            lancer=lancer,
            amount=amount,
            delivery_date=draft.delivery_date if is_project else None,
            message=draft.message,
        )
        MessageThread.objects.create(client_id=job.client_id, lancer=lancer, proposal=proposal)
        audit(
            actor=actor,
            subject=proposal,
            action="proposal.submitted",
            after={"job": job.pk, "amount": proposal.amount},
        )
        client = User.objects.get(pk=job.client_id)
        _mail(
            client,
            "new_proposal",
            job=job,
            proposal=proposal,
            link=absolute_url(proposal.get_absolute_url()),
        )
    return proposal


def _proposal_sides(*, actor: User, proposal_id: int) -> tuple[int, int]:
    """The proposal's job and lancer, read before any lock (neither ever changes). A2,
    B2: to anyone but its lancer and the job's client the proposal does not exist (404),
    so a refusal tells no stranger that it does; its two sides get the rule's answer."""
    head = (
        Proposal.objects.filter(pk=proposal_id)
        .values("job_id", "lancer_id", "job__client_id")
        .first()
    )
    if head is None or actor.pk not in (head["lancer_id"], head["job__client_id"]):
        raise NotFound(_("That proposal does not exist."))
    return head["job_id"], head["lancer_id"]


def _client_action(action: str, *, actor: User, proposal_id: int) -> Proposal:
    job_id, lancer_id = _proposal_sides(actor=actor, proposal_id=proposal_id)
    with transaction.atomic():
        # The lancer's row too: selecting creates obligations for both sides (W6).
        users = _lock_active(actor, lancer_id)
        if action == "select" and users[lancer_id].is_withdrawn:
            raise Conflict(
                _("This lancer has withdrawn from ukeoi; their proposal cannot be selected."),
                code="lancer_withdrawn",
            )
        job = lock_job(job_id)
        proposal = lock_proposal(proposal_id)
        refusal = rules.client_action_refusal(
            action,
            actor_id=actor.pk,
            job=rules.JobFacts.of(job),
            proposal=rules.ProposalFacts.of(proposal),
        )
        if refusal is not None:
            refuse(refusal)
        now = clock.now()
        target = rules.CLIENT_ACTIONS[action]
        proposal.decided_at = now
        transition(
            proposal,
            target,
            table=PROPOSAL_TRANSITIONS,
            actor=actor,
            action=f"proposal.{target}",
            fields=["decided_at"],
        )
        lancer = users[proposal.lancer_id]
        if action == "select" and job.format == JobFormat.COMPETITION:
            # B1, B6: the winner's prize leaves the escrow for their reward balance.
            _release_prize(job=job, proposal=proposal, lancer=lancer)
            # A competition has one winner: choosing it ends the competition (B1).
            _close(job, actor=actor, now=now)
        _mail(lancer, f"proposal_{target}", job=job, link=absolute_url(proposal.get_absolute_url()))
    return proposal


def _release_prize(*, job: Job, proposal: Proposal, lancer: User) -> None:
    """B1, B6, M2: a competition's prize goes from its escrow to the winner's reward balance
    minus the lancer fee at the competition's rate (stored when it was posted); once per
    winning entry (the key)."""
    prize = job.budget_min
    lancer_fee = fees.rates_of(job).lancer_fee(prize)
    legs = [(_job_escrow(job), -prize), (ledger.reward_account(lancer=lancer), prize - lancer_fee)]
    if lancer_fee:
        legs.append((ledger.platform_account(kind=AccountKind.FEE_REVENUE_LANCER), lancer_fee))
    ledger.post(
        key=f"proposal:{proposal.pk}:prize",
        kind="competition.prize",
        legs=legs,
        memo=job.title[:200],
    )


def proposal_select(*, actor: User, proposal_id: int) -> Proposal:
    """B1: the client picks a proposal (a competition's winner). Other proposals of a project
    stay pending (a client may hire several lancers) until declined or the job closes.

    A project's selection makes a contract: callers select through
    `contracts.services.proposal_hire`, which calls this and then makes the contract in
    the same transaction (jobs' services never import contracts)."""
    return _client_action("select", actor=actor, proposal_id=proposal_id)


def proposal_decline(*, actor: User, proposal_id: int) -> Proposal:
    """B2: the client declines a proposal; it no longer counts as pending."""
    return _client_action("decline", actor=actor, proposal_id=proposal_id)


def proposal_delete(*, actor: User, proposal_id: int) -> Proposal:
    """B2: only the client deletes a proposal (kept as a record, marked deleted). The lancer
    who sent it is refused with an explanation of what they can do instead (403)."""
    return _client_action("delete", actor=actor, proposal_id=proposal_id)


def append_note_add(*, actor: User, proposal_id: int, body: str) -> AppendNote:
    """B2: the proposal's lancer adds a note to it (e.g. asking the client to delete it);
    the client is told by mail."""
    _proposal_sides(actor=actor, proposal_id=proposal_id)
    with transaction.atomic():
        _lock_active(actor)
        proposal = lock_proposal(proposal_id)
        refusal = rules.append_note_refusal(
            actor_id=actor.pk, proposal=rules.ProposalFacts.of(proposal)
        )
        if refusal is not None:
            refuse(refusal)
        body = body.strip()
        problems = rules.text_problems("body", body, rules.NOTE_MAX)
        if problems:
            raise InvalidInput.of(problems)
        note = AppendNote.objects.create(proposal=proposal, body=body)
        audit(
            actor=actor, subject=note, action="append_note.added", after={"proposal": proposal.pk}
        )
        job = Job.objects.select_related("client").get(pk=proposal.job_id)
        _mail(
            job.client,
            "append_note",
            job=job,
            note=note,
            lancer_name=actor.display_name,
            link=absolute_url(proposal.get_absolute_url()),
        )
    return note
