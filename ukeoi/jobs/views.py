"""Pages of the jobs app (Japanese first). Each POST parses a form and calls one service;
a refusal is shown next to the fields (400), as a page (403), or as a message."""

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ukeoi.accounts.models import User
from ukeoi.core.errors import ApplicationError, NotAllowed, NotFound
from ukeoi.core.forms import apply_error
from ukeoi.core.views import Action, refused
from ukeoi.jobs import selectors, services
from ukeoi.jobs.enums import JobFormat, JobStatus, ProposalStatus
from ukeoi.jobs.forms import (
    AppendNoteForm,
    JobForm,
    JobSearchForm,
    MessageForm,
    ProposalForm,
    TaskUnitForm,
)
from ukeoi.jobs.models import Job, Proposal


def _render(
    request: HttpRequest, template: str, context: dict[str, Any], *, invalid: bool = False
) -> HttpResponse:
    return render(request, template, context, status=400 if invalid else 200)


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def job_list(request: HttpRequest) -> HttpResponse:
    """B1: search open jobs by keyword, format and category; 20 per page."""
    form = JobSearchForm(request.GET or None)
    invalid = bool(request.GET) and not form.is_valid()
    data = form.cleaned_data if form.is_bound and not invalid else {}
    search = selectors.JobSearch(
        format=data.get("format", ""),
        category=data.get("category", ""),
        keyword=data.get("q", ""),
        include_closed=data.get("closed", False),
    )
    page = selectors.job_list(search=search, page=request.GET.get("page") or 1)
    trust = selectors.trust_signals_get(job.client for job in page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    return _render(
        request,
        "jobs/job_list.html",
        {"form": form, "page": page, "trust": trust, "query": query.urlencode()},
        invalid=invalid,
    )


@login_required
def job_create(request: HttpRequest) -> HttpResponse:
    """B1: post a job in one of three formats."""
    form = JobForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                job = services.job_post(actor=_user(request), **form.cleaned_data)
            except ApplicationError as error:
                apply_error(form, error)
            else:
                if job.status == JobStatus.AWAITING_PAYMENT:
                    messages.success(
                        request,
                        _("Your job is posted. It opens once its payment is confirmed."),
                    )
                else:
                    messages.success(request, _("Your job is posted and open for proposals."))
                return redirect(job)
        return _render(request, "jobs/job_form.html", {"form": form}, invalid=True)
    return _render(request, "jobs/job_form.html", {"form": form})


def _job_or_404(request: HttpRequest, job_id: int) -> Job:
    try:
        return selectors.job_get(job_id=job_id, viewer=request.user)
    except NotFound as error:
        raise Http404(str(error.message)) from None


def job_detail(request: HttpRequest, job_id: int) -> HttpResponse:
    """B1, A4: the job, its client's trust signals, and what the viewer can do: propose or
    submit a unit (lancers), or see and decide the proposals (its client)."""
    job = _job_or_404(request, job_id)
    user = request.user
    if request.method == "POST" and not user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    is_owner = user.is_authenticated and user.pk == job.client_id
    own_proposal = selectors.own_proposal_get(job=job, lancer=user)
    can_work = user.is_authenticated and not is_owner and job.is_taking_proposals
    unit_form = TaskUnitForm() if can_work and job.format == JobFormat.TASK else None
    proposal_form = (
        ProposalForm(job_format=job.format)
        if can_work and job.format != JobFormat.TASK and own_proposal is None
        else None
    )
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        form: TaskUnitForm | ProposalForm
        if action == "unit":
            form = unit_form = TaskUnitForm(request.POST)
        else:
            form = proposal_form = ProposalForm(request.POST, job_format=job.format)
        status = 400
        if form.is_valid():
            try:
                if action == "unit":
                    services.task_submission_submit(
                        actor=_user(request), job_id=job.pk, **form.cleaned_data
                    )
                else:
                    proposal = services.proposal_submit(
                        actor=_user(request), job_id=job.pk, **form.cleaned_data
                    )
            except ApplicationError as error:
                if not error.fields:
                    return refused(request, error, back=job.get_absolute_url())
                apply_error(form, error)
            else:
                if action == "unit":
                    messages.success(request, _("Your unit of work has been submitted."))
                    return redirect(job)
                messages.success(request, _("Your proposal has been sent."))
                return redirect(proposal)
    people: list[User] = [job.client]
    context: dict[str, Any] = {
        "job": job,
        "is_owner": is_owner,
        "own_proposal": own_proposal,
        "proposal_form": proposal_form,
        "unit_form": unit_form,
    }
    if is_owner:
        proposals = list(selectors.job_proposals_list(job=job, viewer=_user(request)))
        people += [p.lancer for p in proposals]
        context["proposals"] = proposals
        context["payment"] = selectors.awaiting_payment_get(job=job)
    if job.format == JobFormat.TASK and user.is_authenticated:
        context["units"] = list(selectors.job_task_units_list(job=job, viewer=_user(request)))
        context["units_taken"] = selectors.task_units_taken(job=job)
    context["trust"] = selectors.trust_signals_get(people)
    return render(request, "jobs/job_detail.html", context, status=status)


@login_required
@require_POST
def job_close(request: HttpRequest, job_id: int) -> HttpResponse:
    job = _job_or_404(request, job_id)
    try:
        services.job_close(actor=_user(request), job_id=job.pk)
    except NotAllowed as error:
        return refused(request, error, back=job.get_absolute_url())
    except ApplicationError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The job is closed. Pending proposals are now not selected."))
    return redirect(job)


@login_required
@require_POST
def payment_demo_confirm(request: HttpRequest, job_id: int) -> HttpResponse:
    """Demo mode only: the client completes the payment flow alone, by pressing the button an
    operator would press in the admin (入金確認). The same service, acted by an operator."""
    if not settings.DEMO_MODE:
        raise Http404
    job = _job_or_404(request, job_id)
    payment = selectors.awaiting_payment_get(job=job)
    operator = User.objects.filter(is_staff=True, is_active=True).order_by("pk").first()
    if job.client_id != request.user.pk or payment is None or operator is None:
        messages.error(request, _("There is no payment to confirm here."))
        return redirect(job)
    try:
        services.client_payment_confirm(actor=operator, payment_id=payment.pk)
    except ApplicationError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("Payment confirmed (demo). The job is now open."))
    return redirect(job)


@login_required
def my_jobs(request: HttpRequest) -> HttpResponse:
    return render(
        request, "jobs/my_jobs.html", {"jobs": selectors.my_jobs_list(client=_user(request))}
    )


@login_required
def my_proposals(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "jobs/my_proposals.html",
        {"proposals": selectors.my_proposals_list(lancer=_user(request))},
    )


@login_required
def proposal_detail(request: HttpRequest, proposal_id: int) -> HttpResponse:
    """B2, B8: the proposal, its append notes and its message thread, for its two sides.
    The lancer is told plainly that a sent proposal cannot be withdrawn, and what to do."""
    user = _user(request)
    try:
        proposal = selectors.proposal_get(proposal_id=proposal_id, viewer=user)
    except NotFound as error:
        raise Http404(str(error.message)) from None
    is_lancer = user.pk == proposal.lancer_id
    thread = proposal.thread
    note_initial = {}
    if is_lancer and request.GET.get("prefill") == "delete":
        note_initial = {
            "body": _("I would like to withdraw this proposal. Could you please delete it?")
        }
    note_form = AppendNoteForm(prefix="note", initial=note_initial)
    message_form = MessageForm(prefix="message")
    status = 200
    if request.method == "POST":
        status = 400
        action = request.POST.get("action")
        try:
            if action == "note":
                note_form = AppendNoteForm(request.POST, prefix="note")
                if note_form.is_valid():
                    services.append_note_add(
                        actor=user, proposal_id=proposal.pk, body=note_form.cleaned_data["body"]
                    )
                    messages.success(
                        request, _("Your append note has been added. The client has been told.")
                    )
                    return redirect(proposal)
            else:
                message_form = MessageForm(request.POST, prefix="message")
                if message_form.is_valid():
                    services.message_send(
                        actor=user, thread_id=thread.pk, body=message_form.cleaned_data["body"]
                    )
                    messages.success(request, _("Your message has been sent."))
                    return redirect(f"{proposal.get_absolute_url()}#messages")
        except ApplicationError as error:
            if not error.fields:
                return refused(request, error, back=proposal.get_absolute_url())
            apply_error(note_form if action == "note" else message_form, error)
    else:
        services.message_mark_read(actor=user, thread_id=thread.pk)
    return render(
        request,
        "jobs/proposal_detail.html",
        {
            "proposal": proposal,
            "job": proposal.job,
            "is_lancer": is_lancer,
            "notes": selectors.append_notes_list(proposal=proposal),
            "thread_messages": selectors.thread_messages_list(thread=thread),
            "note_form": note_form,
            "message_form": message_form,
            "trust": selectors.trust_signals_get([proposal.job.client, proposal.lancer]),
            "deleted": proposal.status == ProposalStatus.DELETED,
        },
        status=status,
    )


def proposal_decision(
    request: HttpRequest,
    proposal_id: int,
    *,
    service: Callable[..., Proposal],
    done: Callable[[Proposal], str],
) -> HttpResponse:
    """B1, B2: the client decides on a proposal through `service` (decline and delete here,
    hiring in `ukeoi.contracts.views`); back to the job with `done(proposal)` said."""
    try:
        proposal = service(actor=_user(request), proposal_id=proposal_id)
    except NotFound as error:
        raise Http404(str(error.message)) from None
    except NotAllowed as error:
        # B2: a lancer trying to delete their own proposal reads why not and what to do.
        back = reverse("jobs:proposal_detail", args=[proposal_id])
        actions = (
            [Action(f"{back}?prefill=delete#note-form", _("Ask the client to delete it"))]
            if error.code == "lancer_cannot_delete"
            else []
        )
        return refused(request, error, back=back, actions=actions)
    except ApplicationError as error:
        messages.error(request, str(error.message))
        return redirect("jobs:my_jobs")
    messages.success(request, done(proposal))
    return redirect("jobs:detail", proposal.job_id)


@login_required
@require_POST
def proposal_decline(request: HttpRequest, proposal_id: int) -> HttpResponse:
    return proposal_decision(
        request,
        proposal_id,
        service=services.proposal_decline,
        done=lambda _p: _("The proposal has been declined. The lancer has been told."),
    )


@login_required
@require_POST
def proposal_delete(request: HttpRequest, proposal_id: int) -> HttpResponse:
    """B2: the client deletes a proposal. A lancer gets a 403 page explaining why not."""
    return proposal_decision(
        request,
        proposal_id,
        service=services.proposal_delete,
        done=lambda _p: _("The proposal has been deleted. The lancer has been told."),
    )


def _unit_decision(request: HttpRequest, submission_id: int, *, approve: bool) -> HttpResponse:
    service = services.task_submission_approve if approve else services.task_submission_reject
    try:
        unit = service(actor=_user(request), submission_id=submission_id)
    except NotFound as error:
        raise Http404(str(error.message)) from None
    except NotAllowed as error:
        return refused(request, error)
    except ApplicationError as error:
        messages.error(request, str(error.message))
        return redirect("jobs:my_jobs")
    messages.success(
        request,
        _("The unit has been approved and paid.") if approve else _("The unit has been rejected."),
    )
    return redirect("jobs:detail", unit.job_id)


@login_required
@require_POST
def unit_approve(request: HttpRequest, submission_id: int) -> HttpResponse:
    return _unit_decision(request, submission_id, approve=True)


@login_required
@require_POST
def unit_reject(request: HttpRequest, submission_id: int) -> HttpResponse:
    return _unit_decision(request, submission_id, approve=False)
