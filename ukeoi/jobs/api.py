"""The jobs API: /api/jobs, /api/proposals, /api/units, /api/payments. Every route calls one
service or selector; every 4xx it can answer is declared (the one error shape)."""

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from ninja import Query, Router, Status

from ukeoi.accounts.auth import api_auth
from ukeoi.accounts.models import User
from ukeoi.accounts.visibility import username_visible_to
from ukeoi.core.api import errors
from ukeoi.jobs import selectors, services
from ukeoi.jobs.models import ClientPayment, Job, Proposal
from ukeoi.jobs.schemas import (
    JobFilters,
    JobIn,
    JobOut,
    JobPageOut,
    MarkedReadOut,
    MessageIn,
    MessageOut,
    NoteIn,
    NoteOut,
    PaymentOut,
    ProposalIn,
    ProposalOut,
    TaskUnitIn,
    TaskUnitOut,
)
from ukeoi.jobs.selectors import TrustSignals


def _anyone(request: HttpRequest) -> AnonymousUser:
    """Public routes: signed in or not (a signed-in viewer may see more, e.g. A2). They
    declare 401 with the other routes, as their security schemes say, but never answer it."""
    return AnonymousUser()


public_auth = [*api_auth, _anyone]
router = Router(tags=["jobs"], auth=api_auth)


def _actor(request: HttpRequest) -> User:
    user = request.auth  # type: ignore[attr-defined]
    assert isinstance(user, User)
    return user


def _viewer(request: HttpRequest) -> User | AnonymousUser:
    return request.auth  # type: ignore[attr-defined]


def _person(user: User, *, visible: bool, trust: dict[int, TrustSignals]) -> dict[str, Any]:
    """A2, A4: the username only when `visible` to the viewer, and the trust signals."""
    signals = trust[user.pk]
    return {
        "id": user.pk,
        "display_name": user.display_name,
        "username": user.username if visible else None,
        "identity_verified": signals.verified,
        "ratings": signals.ratings,
        "satisfied_percent": signals.satisfied_percent,
    }


def _is_self(viewer: Any, user: User) -> bool:
    """Lists show only the viewer's own username, so their query count stays fixed (A2)."""
    return getattr(viewer, "pk", None) == user.pk


def _payment(payment: ClientPayment | None) -> dict[str, Any] | None:
    if payment is None:
        return None
    return {
        "id": payment.pk,
        "reference": payment.reference,
        "purpose": payment.purpose,
        "status": payment.status,
        "escrow_amount": payment.escrow_amount,
        "client_fee": payment.client_fee,
        "amount": payment.amount,
        "created_at": payment.created_at,
        "confirmed_at": payment.confirmed_at,
    }


def _job(
    job: Job, *, viewer: Any, trust: dict[int, TrustSignals], single: bool = True
) -> dict[str, Any]:
    out = {
        field: getattr(job, field)
        for field in (
            "id",
            "title",
            "description",
            "category",
            "format",
            "status",
            "budget_min",
            "budget_max",
            "unit_reward",
            "units",
            "deadline",
            "created_at",
            "closed_at",
            "withholding",
        )
    }
    out["proposal_count"] = getattr(job, "proposal_count", 0)
    visible = username_visible_to(viewer, job.client) if single else _is_self(viewer, job.client)
    out["client"] = _person(job.client, visible=visible, trust=trust)
    out["caution"] = trust[job.client_id].caution
    if single and _is_self(viewer, job.client):
        out["payment"] = _payment(selectors.awaiting_payment_get(job=job))
    return out


def _visible_job(job_id: int, viewer: User) -> None:
    """A2: a job waiting for its payment does not exist (404) to anyone but its client and
    the operators, whatever they try on it, as on the job page."""
    selectors.job_get(job_id=job_id, viewer=viewer)


def _one_job(job_id: int, viewer: Any) -> dict[str, Any]:
    job = selectors.job_get(job_id=job_id, viewer=viewer)
    return _job(job, viewer=viewer, trust=selectors.trust_signals_get([job.client]))


def _proposal(
    proposal: Proposal, *, lancer_visible: bool, trust: dict[int, TrustSignals]
) -> dict[str, Any]:
    thread = getattr(proposal, "thread", None)
    return {
        "id": proposal.pk,
        "job_id": proposal.job_id,
        "job_title": proposal.job.title,
        "lancer": _person(proposal.lancer, visible=lancer_visible, trust=trust),
        "amount": proposal.amount,
        "delivery_date": proposal.delivery_date,
        "message": proposal.message,
        "status": proposal.status,
        "created_at": proposal.created_at,
        "decided_at": proposal.decided_at,
        "thread_id": thread.pk if thread is not None else None,
    }


def proposal_answer(proposal_id: int, viewer: User) -> dict[str, Any]:
    """One proposal as `ProposalOut`, for its two sides (also the answer of hiring,
    `ukeoi.contracts.api`)."""
    proposal = selectors.proposal_get(proposal_id=proposal_id, viewer=viewer)
    # Its two sides only, and they are counterparts (A2).
    return _proposal(
        proposal, lancer_visible=True, trust=selectors.trust_signals_get([proposal.lancer])
    )


# --- Jobs -----------------------------------------------------------------------------------


@router.get("/jobs", auth=public_auth, response={200: JobPageOut, **errors(400, 401)})
def job_search(request: HttpRequest, filters: Query[JobFilters]) -> dict[str, Any]:
    """B1: open jobs (and closed ones with closed=true), newest first, 20 per page."""
    search = selectors.JobSearch(
        format=filters.format or "",
        category=filters.category or "",
        keyword=filters.q,
        include_closed=filters.closed,
    )
    page = selectors.job_list(search=search, page=filters.page)
    trust = selectors.trust_signals_get(job.client for job in page.object_list)
    viewer = _viewer(request)
    return {
        "items": [_job(job, viewer=viewer, trust=trust, single=False) for job in page],
        "page": page.number,
        "pages": page.paginator.num_pages,
        "count": page.paginator.count,
    }


@router.post("/jobs", response={201: JobOut, **errors(400, 401, 403)})
def job_create(request: HttpRequest, payload: JobIn) -> Status[dict[str, Any]]:
    """B1: post a job. A competition or task answers with the payment it waits for."""
    actor = _actor(request)
    job = services.job_post(actor=actor, **payload.dict())
    return Status(201, _one_job(job.pk, actor))


@router.get("/jobs/mine", response={200: list[JobOut], **errors(401)})
def my_jobs(request: HttpRequest) -> list[dict[str, Any]]:
    actor = _actor(request)
    jobs = list(selectors.my_jobs_list(client=actor).select_related("client"))
    trust = selectors.trust_signals_get([actor])
    return [_job(job, viewer=actor, trust=trust, single=False) for job in jobs]


@router.get("/jobs/{job_id}", auth=public_auth, response={200: JobOut, **errors(400, 401, 404)})
def job_detail(request: HttpRequest, job_id: int) -> dict[str, Any]:
    return _one_job(job_id, _viewer(request))


@router.post("/jobs/{job_id}/close", response={200: JobOut, **errors(400, 401, 403, 404, 409)})
def job_close(request: HttpRequest, job_id: int) -> dict[str, Any]:
    """B1: pending proposals become not selected."""
    actor = _actor(request)
    _visible_job(job_id, actor)
    services.job_close(actor=actor, job_id=job_id)
    return _one_job(job_id, actor)


@router.get(
    "/jobs/{job_id}/proposals", response={200: list[ProposalOut], **errors(400, 401, 403, 404)}
)
def job_proposals(request: HttpRequest, job_id: int) -> list[dict[str, Any]]:
    """B2: the job's client sees its proposals (not the ones they deleted)."""
    actor = _actor(request)
    job = selectors.job_get(job_id=job_id, viewer=actor)
    proposals = list(selectors.job_proposals_list(job=job, viewer=actor).select_related("job"))
    trust = selectors.trust_signals_get(p.lancer for p in proposals)
    # Every one of these lancers proposed on the viewer's job: a counterpart (A2).
    return [_proposal(p, lancer_visible=True, trust=trust) for p in proposals]


@router.post(
    "/jobs/{job_id}/proposals",
    response={201: ProposalOut, **errors(400, 401, 403, 404, 409)},
)
def proposal_create(
    request: HttpRequest, job_id: int, payload: ProposalIn
) -> Status[dict[str, Any]]:
    """B1: propose (or enter a competition). A sent proposal can never be withdrawn by its
    lancer (B2): only the client deletes it."""
    actor = _actor(request)
    _visible_job(job_id, actor)
    proposal = services.proposal_submit(actor=actor, job_id=job_id, **payload.dict())
    return Status(201, proposal_answer(proposal.pk, actor))


@router.get("/jobs/{job_id}/units", response={200: list[TaskUnitOut], **errors(400, 401, 404)})
def task_units(request: HttpRequest, job_id: int) -> list[Any]:
    """The client sees every unit of their task; a lancer sees their own."""
    actor = _actor(request)
    job = selectors.job_get(job_id=job_id, viewer=actor)
    return list(selectors.job_task_units_list(job=job, viewer=actor))


@router.post("/jobs/{job_id}/units", response={201: TaskUnitOut, **errors(400, 401, 403, 404, 409)})
def task_unit_create(request: HttpRequest, job_id: int, payload: TaskUnitIn) -> Status[Any]:
    """B1: submit one unit of work on an open task."""
    actor = _actor(request)
    _visible_job(job_id, actor)
    unit = services.task_submission_submit(actor=actor, job_id=job_id, content=payload.content)
    return Status(201, unit)


@router.post(
    "/units/{unit_id}/approve", response={200: TaskUnitOut, **errors(400, 401, 403, 404, 409)}
)
def task_unit_approve(request: HttpRequest, unit_id: int) -> Any:
    """B1, B6: the client approves a unit; its reward leaves escrow for the lancer."""
    return services.task_submission_approve(actor=_actor(request), submission_id=unit_id)


@router.post(
    "/units/{unit_id}/reject", response={200: TaskUnitOut, **errors(400, 401, 403, 404, 409)}
)
def task_unit_reject(request: HttpRequest, unit_id: int) -> Any:
    return services.task_submission_reject(actor=_actor(request), submission_id=unit_id)


# --- Proposals ------------------------------------------------------------------------------


@router.get("/proposals/mine", response={200: list[ProposalOut], **errors(401)})
def my_proposals(request: HttpRequest) -> list[dict[str, Any]]:
    actor = _actor(request)
    proposals = list(selectors.my_proposals_list(lancer=actor).select_related("lancer", "thread"))
    trust = selectors.trust_signals_get([actor])
    return [_proposal(p, lancer_visible=True, trust=trust) for p in proposals]


@router.get("/proposals/{proposal_id}", response={200: ProposalOut, **errors(400, 401, 404)})
def proposal_detail(request: HttpRequest, proposal_id: int) -> dict[str, Any]:
    """For its two sides only."""
    return proposal_answer(proposal_id, _actor(request))


@router.post(
    "/proposals/{proposal_id}/decline",
    response={200: ProposalOut, **errors(400, 401, 403, 404, 409)},
)
def proposal_decline(request: HttpRequest, proposal_id: int) -> dict[str, Any]:
    """B2: the client declines a proposal."""
    actor = _actor(request)
    services.proposal_decline(actor=actor, proposal_id=proposal_id)
    return proposal_answer(proposal_id, actor)


@router.delete("/proposals/{proposal_id}", response={204: None, **errors(400, 401, 403, 404, 409)})
def proposal_delete(request: HttpRequest, proposal_id: int) -> Status[None]:
    """B2: the client deletes a proposal. Its lancer cannot: 403 `lancer_cannot_delete`,
    whose message says what they can do instead (an append note, a message)."""
    services.proposal_delete(actor=_actor(request), proposal_id=proposal_id)
    return Status(204, None)


@router.get(
    "/proposals/{proposal_id}/notes", response={200: list[NoteOut], **errors(400, 401, 404)}
)
def notes(request: HttpRequest, proposal_id: int) -> list[Any]:
    proposal = selectors.proposal_get(proposal_id=proposal_id, viewer=_actor(request))
    return list(selectors.append_notes_list(proposal=proposal))


@router.post(
    "/proposals/{proposal_id}/notes",
    response={201: NoteOut, **errors(400, 401, 403, 404, 409)},
)
def note_create(request: HttpRequest, proposal_id: int, payload: NoteIn) -> Status[Any]:
    """B2: the proposal's lancer adds an append note (e.g. asking the client to delete it)."""
    note = services.append_note_add(
        actor=_actor(request), proposal_id=proposal_id, body=payload.body
    )
    return Status(201, note)


def _thread_id(proposal_id: int, viewer: User) -> int:
    proposal = selectors.proposal_get(proposal_id=proposal_id, viewer=viewer)
    return proposal.thread.pk


@router.get(
    "/proposals/{proposal_id}/messages",
    response={200: list[MessageOut], **errors(400, 401, 403, 404)},
)
def messages(request: HttpRequest, proposal_id: int) -> list[Any]:
    """B8: the thread between the proposal's two sides, oldest first."""
    actor = _actor(request)
    thread = selectors.thread_get(thread_id=_thread_id(proposal_id, actor), viewer=actor)
    return list(selectors.thread_messages_list(thread=thread))


@router.post(
    "/proposals/{proposal_id}/messages",
    response={201: MessageOut, **errors(400, 401, 403, 404, 409)},
)
def message_create(request: HttpRequest, proposal_id: int, payload: MessageIn) -> Status[Any]:
    """B8: the other side is told by mail."""
    actor = _actor(request)
    message = services.message_send(
        actor=actor, thread_id=_thread_id(proposal_id, actor), body=payload.body
    )
    return Status(201, message)


@router.post(
    "/proposals/{proposal_id}/messages/read",
    response={200: MarkedReadOut, **errors(400, 401, 403, 404)},
)
def messages_read(request: HttpRequest, proposal_id: int) -> dict[str, int]:
    actor = _actor(request)
    marked = services.message_mark_read(actor=actor, thread_id=_thread_id(proposal_id, actor))
    return {"marked": marked}


# --- Payments -------------------------------------------------------------------------------


@router.post(
    "/payments/{payment_id}/confirm",
    response={200: PaymentOut, **errors(400, 401, 403, 404, 409)},
)
def payment_confirm(request: HttpRequest, payment_id: int) -> dict[str, Any] | None:
    """入金確認 (operators): the payment is posted to the ledger and its job opens."""
    return _payment(services.client_payment_confirm(actor=_actor(request), payment_id=payment_id))
