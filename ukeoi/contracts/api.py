"""The contracts API, /api/contracts: my contracts, one contract, and one POST route per
operation of the pages (B3–B5). Every route calls one service or selector; every 4xx it
can answer is declared (the one error shape)."""

from collections.abc import Callable
from dataclasses import asdict
from pathlib import PurePosixPath
from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile

from ukeoi.accounts.auth import api_auth
from ukeoi.accounts.models import User
from ukeoi.contracts import selectors, services
from ukeoi.contracts.display import fee_view, next_step, plan_total, with_milestones
from ukeoi.contracts.enums import CancellationStep, ContractStatus
from ukeoi.contracts.models import Cancellation, Contract, Delivery, Milestone, Rating
from ukeoi.contracts.rules import MilestoneDraft
from ukeoi.contracts.schemas import (
    CancellationIn,
    CancellationOut,
    ChangesIn,
    ContractFilters,
    ContractOut,
    ContractPageOut,
    DeliveryOut,
    MilestoneOut,
    MilestonesIn,
    RatingIn,
    RatingOut,
    TermsStatementOut,
)
from ukeoi.contracts.statement import statement_get, statements_list
from ukeoi.core.api import errors
from ukeoi.core.errors import NotFound
from ukeoi.documents.models import Document
from ukeoi.documents.services import document_render
from ukeoi.jobs import selectors as job_selectors
from ukeoi.jobs import services as job_services
from ukeoi.jobs.api import proposal_answer
from ukeoi.jobs.enums import PaymentStatus
from ukeoi.jobs.schemas import MessageIn, MessageOut, ProposalOut
from ukeoi.jobs.selectors import TrustSignals

router = Router(tags=["contracts"], auth=api_auth)
# B1, B3: hiring answers under the jobs' paths (/api/proposals/...), as it always has.
hiring_router = Router(tags=["jobs"], auth=api_auth)


@hiring_router.post(
    "/proposals/{proposal_id}/select",
    response={200: ProposalOut, **errors(400, 401, 403, 404, 409)},
    # The id it had while the route lived in the jobs router: clients generated from the
    # schema keep working.
    operation_id="ukeoi_jobs_api_proposal_select",
)
def proposal_select(request: HttpRequest, proposal_id: int) -> dict[str, Any]:
    """B1, B3: the client picks a proposal: a project's contract starts (agreeing), a
    competition's winner is chosen and the competition closes."""
    actor = _actor(request)
    services.proposal_hire(actor=actor, proposal_id=proposal_id)
    return proposal_answer(proposal_id, actor)


PER_PAGE = 20
# Every route that changes something: bad input, signed out, not yours, missing, wrong state.
CHANGE_ERRORS = errors(400, 401, 403, 404, 409)


def _actor(request: HttpRequest) -> User:
    user = request.auth  # type: ignore[attr-defined]
    assert isinstance(user, User)
    return user


def _person(user: User, trust: dict[int, TrustSignals]) -> dict[str, Any]:
    """A4: the two sides of a contract are counterparts: each sees the other's username (A2)."""
    signals = trust[user.pk]
    return {
        "id": user.pk,
        "display_name": user.display_name,
        "username": user.username,
        "identity_verified": signals.verified,
        "ratings": signals.ratings,
        "satisfied_percent": signals.satisfied_percent,
    }


def _summary(
    contract: Contract, milestones: list[Milestone], viewer: User, trust: dict[int, TrustSignals]
) -> dict[str, Any]:
    step = next_step(contract, milestones, viewer.pk)
    return {
        "id": contract.pk,
        "title": contract.title,
        "job_id": contract.job_id,
        "status": contract.status,
        "role": "client" if viewer.pk == contract.client_id else "lancer",
        "client": _person(contract.client, trust),
        "lancer": _person(contract.lancer, trust),
        "plan_total": plan_total(milestones),
        "next_step": step.text,
        "your_turn": step.mine,
        "auto_step_at": contract.auto_step_at,
        "created_at": contract.created_at,
        "updated_at": contract.updated_at,
    }


def _delivery(delivery: Delivery) -> dict[str, Any]:
    has_file = bool(delivery.file)
    return {
        "id": delivery.pk,
        "body": delivery.body,
        "file_name": PurePosixPath(delivery.file.name).name if has_file else None,
        "file_url": reverse("contracts:delivery_file", args=[delivery.pk]) if has_file else None,
        "created_at": delivery.created_at,
        "change_request": delivery.change_request,
        "change_requested_at": delivery.change_requested_at,
    }


def _milestone(milestone: Milestone) -> dict[str, Any]:
    payment = milestone.payment if milestone.payment_id else None
    pending = payment if payment is not None and payment.status == PaymentStatus.AWAITING else None
    fees = fee_view(milestone)
    return {
        **{
            name: getattr(milestone, name)
            for name in (
                "position",
                "title",
                "amount",
                "due_date",
                "status",
                "escrow_amount",
                "agreed_at",
                "escrowed_at",
                "delivered_at",
                "accepted_at",
                "inspection_due_at",
                "accepted_automatically",
            )
        },
        "payment_date": milestone.payment_date or milestone.inspection_payment_date,
        "id": milestone.pk,
        "fees": asdict(fees),
        "payment_pending": (
            {"id": pending.pk, "reference": pending.reference, "amount": pending.amount}
            if pending is not None
            else None
        ),
        "deliveries": [_delivery(d) for d in milestone.deliveries.all()],
    }


def _cancellation(cancellation: Cancellation, viewer: User) -> dict[str, Any]:
    steps = selectors.cancellation_steps(cancellation=cancellation, viewer_id=viewer.pk)
    return {
        "id": cancellation.pk,
        "proposed_by_id": cancellation.proposed_by_id,
        "reason": cancellation.reason,
        "step": cancellation.step,
        "next_actor_id": cancellation.next_actor_id,
        "step_due_at": cancellation.step_due_at,
        "auto_step_at": cancellation.auto_step_at,
        "created_at": cancellation.created_at,
        "finished_at": cancellation.finished_at,
        "steps": [
            {
                "number": s.number,
                "label": str(s.label),
                "side": s.side,
                "done": s.done,
                "current": s.current,
                "actor_id": s.actor_id,
                "your_action": s.viewer_action.replace("_", "-") if s.viewer_action else None,
            }
            for s in steps
        ],
    }


def _rating(rating: Rating) -> dict[str, Any]:
    return {
        "id": rating.pk,
        "rater_id": rating.rater_id,
        "ratee_id": rating.ratee_id,
        "value": rating.value,
        "comment": rating.comment,
        "created_at": rating.created_at,
    }


def _one(contract_id: int, viewer: User) -> dict[str, Any]:
    contract = selectors.contract_get(contract_id=contract_id, viewer=viewer)
    milestones = list(selectors.milestones_list(contract=contract))
    actions = selectors.contract_actions_get(
        contract=contract, viewer=viewer, milestones=milestones
    )
    trust = job_selectors.trust_signals_get([contract.client, contract.lancer])
    cancellation = contract.open_cancellation if contract.open_cancellation_id else None
    if cancellation is None and contract.status == ContractStatus.CANCELLED:
        cancellation = (
            selectors.cancellations_list(contract=contract)
            .filter(step=CancellationStep.DONE)
            .first()
        )
    return {
        **_summary(contract, milestones, viewer, trust),
        "proposal_id": contract.proposal_id,
        "escrow_total": sum(m.escrow_amount for m in milestones if m.is_funded),
        "completed_at": contract.completed_at,
        "cancelled_at": contract.cancelled_at,
        "milestones": [_milestone(m) for m in milestones],
        "cancellation": _cancellation(cancellation, viewer) if cancellation else None,
        "ratings": [_rating(r) for r in selectors.ratings_list(contract=contract)],
        "actions": {
            "propose_milestones": actions.propose_milestones,
            "agree_milestones": actions.agree_milestones,
            "escrow": actions.escrow,
            "deliver": actions.deliver,
            "accept": actions.accept,
            "request_changes": actions.request_changes,
            "propose_cancellation": actions.propose_cancellation,
            "cancellation": [a.replace("_", "-") for a in actions.cancellation_actions],
            "rate": actions.rate,
        },
    }


def _milestone_out(milestone_id: int, viewer: User) -> dict[str, Any]:
    contract_id = (
        Milestone.objects.filter(pk=milestone_id).values_list("contract_id", flat=True).first()
    )
    contract = selectors.contract_get(contract_id=contract_id or 0, viewer=viewer)
    milestone = selectors.milestones_list(contract=contract).get(pk=milestone_id)
    return _milestone(milestone)


# --- Contracts ------------------------------------------------------------------------------


@router.get("", response={200: ContractPageOut, **errors(400, 401)})
def contract_list(request: HttpRequest, filters: Query[ContractFilters]) -> dict[str, Any]:
    """My contracts, as client or as lancer or both, optionally of one status; 20 a page,
    the most recently active first. A fixed number of queries whatever their number."""
    actor = _actor(request)
    contracts = with_milestones(
        selectors.contract_list(
            user_id=actor.pk,
            role=filters.role,
            status=filters.status.value if filters.status else None,
        )
    )
    page = Paginator(contracts, PER_PAGE).get_page(filters.page)
    items = list(page.object_list)
    trust = job_selectors.trust_signals_get([c.client for c in items] + [c.lancer for c in items])
    return {
        "items": [_summary(c, c.plan, actor, trust) for c in items],
        "page": page.number,
        "pages": page.paginator.num_pages,
        "count": page.paginator.count,
    }


@router.get("/{contract_id}", response={200: ContractOut, **errors(400, 401, 404)})
def contract_detail(request: HttpRequest, contract_id: int) -> dict[str, Any]:
    """One contract, for its two sides: milestones with escrow state and fees (B3, B6),
    deliveries, the cancellation's five steps (B4, B7), ratings (B5), and what you may do."""
    return _one(contract_id, _actor(request))


def _statement(contract: Contract, document: Document) -> dict[str, Any]:
    if not document.sha256:  # issued a moment ago: its PDF is rendered after the commit
        document = document_render(document.pk)
    return {
        "version": document.version,
        "number": document.display_number,
        "issued_at": document.issued_at,
        "retain_until": document.retain_until,
        "sha256": document.sha256,
        "pdf_url": reverse("contracts:terms_pdf", args=[contract.pk, document.version]),
        "payload": document.payload,
    }


@router.get(
    "/{contract_id}/terms", response={200: list[TermsStatementOut], **errors(400, 401, 404)}
)
def contract_terms_list(request: HttpRequest, contract_id: int) -> list[dict[str, Any]]:
    """L1: every version of the contract's statement of terms, newest (in force) first."""
    contract = selectors.contract_get(contract_id=contract_id, viewer=_actor(request))
    return [_statement(contract, d) for d in statements_list(contract)]


@router.get(
    "/{contract_id}/terms/{version}", response={200: TermsStatementOut, **errors(400, 401, 404)}
)
def contract_terms_get(request: HttpRequest, contract_id: int, version: int) -> dict[str, Any]:
    """L1: one version of the statement of terms, the same content as its PDF."""
    contract = selectors.contract_get(contract_id=contract_id, viewer=_actor(request))
    document = statement_get(contract, version=version)
    if document is None:
        raise NotFound(_("That version of the statement of terms does not exist."))
    return _statement(contract, document)


@router.post("/{contract_id}/milestones", response={200: ContractOut, **CHANGE_ERRORS})
def milestones_propose(
    request: HttpRequest, contract_id: int, payload: MilestonesIn
) -> dict[str, Any]:
    """The client proposes milestones (計画); they replace the ones not yet agreed."""
    actor = _actor(request)
    drafts = [
        MilestoneDraft(title=m.title, amount=m.amount, due_date=m.due_date)
        for m in payload.milestones
    ]
    services.milestones_propose(actor=actor, contract_id=contract_id, milestones=drafts)
    return _one(contract_id, actor)


@router.post("/{contract_id}/milestones/agree", response={200: ContractOut, **CHANGE_ERRORS})
def milestones_agree(request: HttpRequest, contract_id: int) -> dict[str, Any]:
    """The lancer agrees to the proposed milestones; their fees are fixed (B6)."""
    actor = _actor(request)
    services.milestones_agree(actor=actor, contract_id=contract_id)
    return _one(contract_id, actor)


@router.post("/milestones/{milestone_id}/escrow", response={200: MilestoneOut, **CHANGE_ERRORS})
def milestone_escrow(request: HttpRequest, milestone_id: int) -> dict[str, Any]:
    """B3, B6: the client asks to escrow (仮払い) a milestone: the answer carries the
    transfer to make (amount + client fee, reference). Asking again changes nothing."""
    actor = _actor(request)
    services.milestone_escrow(actor=actor, milestone_id=milestone_id)
    return _milestone_out(milestone_id, actor)


@router.post("/milestones/{milestone_id}/deliver", response={201: DeliveryOut, **CHANGE_ERRORS})
def milestone_deliver(
    request: HttpRequest,
    milestone_id: int,
    body: Form[str] = "",
    file: File[UploadedFile | None] = None,
) -> Status[dict[str, Any]]:
    """B3: the lancer delivers (納品): multipart form with a note (`body`) and/or a `file`."""
    delivery = services.milestone_deliver(
        actor=_actor(request), milestone_id=milestone_id, body=body, file=file
    )
    return Status(201, _delivery(delivery))


@router.post("/milestones/{milestone_id}/accept", response={200: MilestoneOut, **CHANGE_ERRORS})
def milestone_accept(request: HttpRequest, milestone_id: int) -> dict[str, Any]:
    """B3, B6: the client accepts (検収): the escrow goes to the lancer minus the fee."""
    actor = _actor(request)
    services.milestone_accept(actor=actor, milestone_id=milestone_id)
    return _milestone_out(milestone_id, actor)


@router.post(
    "/milestones/{milestone_id}/request-changes",
    response={200: MilestoneOut, **CHANGE_ERRORS},
)
def milestone_request_changes(
    request: HttpRequest, milestone_id: int, payload: ChangesIn
) -> dict[str, Any]:
    """B3: the client asks for changes (修正依頼); the milestone goes back to work."""
    actor = _actor(request)
    services.milestone_request_changes(
        actor=actor, milestone_id=milestone_id, comment=payload.comment
    )
    return _milestone_out(milestone_id, actor)


# --- Cancellation (B4) ----------------------------------------------------------------------


def _cancellation_out(contract_id: int, viewer: User, cancellation: Cancellation) -> Any:
    cancellation.refresh_from_db()
    return _cancellation(cancellation, viewer)


@router.post("/{contract_id}/cancellation", response={201: CancellationOut, **CHANGE_ERRORS})
def cancellation_propose(
    request: HttpRequest, contract_id: int, payload: CancellationIn
) -> Status[Any]:
    """B4 (1): either side proposes cancelling, with a reason; the other side agrees or
    declines (or it is agreed automatically after 7 days, B7)."""
    actor = _actor(request)
    cancellation = services.cancellation_propose(
        actor=actor, contract_id=contract_id, reason=payload.reason
    )
    return Status(201, _cancellation_out(contract_id, actor, cancellation))


def _step_route(
    path: str, service: Callable[..., Cancellation], doc: str
) -> Callable[[HttpRequest, int], Any]:
    def route(request: HttpRequest, contract_id: int) -> Any:
        actor = _actor(request)
        cancellation = service(actor=actor, contract_id=contract_id)
        return _cancellation_out(contract_id, actor, cancellation)

    route.__doc__ = doc
    route.__name__ = f"cancellation_{path.replace('-', '_')}"
    router.post(
        f"/{{contract_id}}/cancellation/{path}",
        response={200: CancellationOut, **CHANGE_ERRORS},
        operation_id=f"contracts_cancellation_{path.replace('-', '_')}",
    )(route)
    return route


_step_route(
    "agree",
    services.cancellation_agree,
    "B4 (1): the side that did not propose agrees.",
)
_step_route(
    "decline",
    services.cancellation_decline,
    "B4 (1): the side that did not propose declines; the contract goes on.",
)
_step_route(
    "escrow-cancel",
    services.cancellation_escrow_cancel,
    "B4 (2): the lancer cancels the escrow (仮払いキャンセル); the money goes back.",
)
_step_route(
    "plan-delete",
    services.cancellation_plan_delete,
    "B4 (3): the client deletes the plan (計画削除).",
)
_step_route(
    "deletion-approve",
    services.cancellation_deletion_approve,
    "B4 (4), (5): the lancer approves the deletion; the contract is cancelled.",
)


# --- Ratings (B5) and messages (B8) ---------------------------------------------------------


@router.post("/{contract_id}/ratings", response={201: RatingOut, **CHANGE_ERRORS})
def rating_submit(request: HttpRequest, contract_id: int, payload: RatingIn) -> Status[Any]:
    """B5: after the end, each side rates the other once: satisfied (満足) or
    disappointed (残念), with a comment."""
    rating = services.rating_submit(
        actor=_actor(request),
        contract_id=contract_id,
        value=payload.value.value,
        comment=payload.comment,
    )
    return Status(201, _rating(rating))


def _thread_id(contract_id: int, viewer: User) -> int:
    contract = selectors.contract_get(contract_id=contract_id, viewer=viewer)
    thread = job_selectors.thread_get(thread_id=contract.thread_id or 0, viewer=viewer)
    return thread.pk


@router.get(
    "/{contract_id}/messages", response={200: list[MessageOut], **errors(400, 401, 403, 404)}
)
def messages(request: HttpRequest, contract_id: int) -> list[Any]:
    """B8: the thread between the contract's two sides (their proposal's), oldest first."""
    actor = _actor(request)
    thread = job_selectors.thread_get(thread_id=_thread_id(contract_id, actor), viewer=actor)
    return list(job_selectors.thread_messages_list(thread=thread))


@router.post("/{contract_id}/messages", response={201: MessageOut, **CHANGE_ERRORS})
def message_create(request: HttpRequest, contract_id: int, payload: MessageIn) -> Status[Any]:
    actor = _actor(request)
    message = job_services.message_send(
        actor=actor, thread_id=_thread_id(contract_id, actor), body=payload.body
    )
    return Status(201, message)
