"""Pages of the contracts app (Japanese first): my contracts, and the contract page with its
milestones (計画), escrow (仮払い), deliveries (納品), acceptance (検収), messages, the five
cancellation steps (B4, B7) and ratings (B5).

Each POST parses a form and calls one service. A refusal about a field is shown next to it
(400, the contract page again); any other refusal is its own page with the service's
explanation and the status it carries (403, 409)."""

import mimetypes
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import PurePosixPath
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from ukeoi.accounts.models import User
from ukeoi.contracts import payment_records, selectors, services
from ukeoi.contracts.display import FeeView, fee_view, next_step, plan_total, with_milestones
from ukeoi.contracts.enums import (
    CancellationStep,
    ContractStatus,
    MilestoneStatus,
)
from ukeoi.contracts.forms import (
    CancellationForm,
    ChangeRequestForm,
    ContractFilterForm,
    DeliveryForm,
    RatingForm,
    milestone_formset,
)
from ukeoi.contracts.models import Cancellation, Contract, Delivery, Milestone
from ukeoi.contracts.statement import statement_get, statements_list
from ukeoi.core.errors import ApplicationError, NotFound
from ukeoi.core.fees import rates_of
from ukeoi.core.forms import apply_error
from ukeoi.core.views import refused
from ukeoi.core.withholding import payment_due
from ukeoi.documents.files import document_file_response
from ukeoi.jobs import selectors as job_selectors
from ukeoi.jobs import services as job_services
from ukeoi.jobs.enums import JobFormat, PaymentStatus
from ukeoi.jobs.forms import MessageForm
from ukeoi.jobs.models import Proposal
from ukeoi.jobs.views import proposal_decision

PER_PAGE = 20

# B4: what each cancellation action is called on its button, and what the page says after.
STEP_BUTTONS: dict[str, Promise] = {
    "agree": gettext_lazy("Agree to cancel"),
    "decline": gettext_lazy("Decline the cancellation"),
    "escrow_cancel": gettext_lazy("Cancel the escrow (仮払いキャンセル)"),
    "plan_delete": gettext_lazy("Delete the plan (計画削除)"),
    "deletion_approve": gettext_lazy("Approve the deletion"),
}
STEP_DONE: dict[str, Promise] = {
    "agree": gettext_lazy("You agreed to cancel the contract. The other side has been told."),
    "decline": gettext_lazy("You declined the cancellation. The contract goes on."),
    "escrow_cancel": gettext_lazy(
        "The escrow is cancelled: the money has gone back to the client. The client deletes "
        "the plan next."
    ),
    "plan_delete": gettext_lazy("The plan is deleted. The lancer approves the deletion next."),
    "deletion_approve": gettext_lazy("You approved the deletion. The contract is cancelled."),
}
STEP_CONFIRM: dict[str, Promise] = {
    "agree": gettext_lazy("Agree to cancel this contract? This cannot be undone."),
    "escrow_cancel": gettext_lazy(
        "Cancel the escrow? The escrowed money goes back to the client. This cannot be undone."
    ),
    "plan_delete": gettext_lazy(
        "Delete the plan? Milestones that are not paid leave the contract."
    ),
    "deletion_approve": gettext_lazy(
        "Approve the deletion? The contract is cancelled and cannot be resumed."
    ),
}


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


@login_required
@require_POST
def proposal_hire(request: HttpRequest, proposal_id: int) -> HttpResponse:
    """B1, B3: the client selects a proposal (`services.proposal_hire`): a project's
    contract starts, a competition's winner is chosen and the competition closes."""

    def done(proposal: Proposal) -> str:
        if proposal.job.format == JobFormat.COMPETITION:
            return _("The winning entry has been chosen and the competition is closed.")
        return _("The proposal has been selected. The lancer has been told.")

    return proposal_decision(request, proposal_id, service=services.proposal_hire, done=done)


# --- My contracts ---------------------------------------------------------------------------


@login_required
def withholding_list(request: HttpRequest) -> HttpResponse:
    """T3: what the client withheld from its lancers' rewards, per month, and the day each
    month's tax is due at the tax office."""
    months = selectors.withholding_months_list(client_id=_user(request).pk)
    return render(
        request,
        "contracts/withholding.html",
        {"months": months, "total": sum(m.withheld for m in months)},
    )


def _tax_year(value: object) -> int | None:
    """A year of the tax pages: 2000 up to this one; None for anything else (400)."""
    try:
        year = int(str(value))
    except ValueError:
        return None
    return year if 2000 <= year <= timezone.localdate().year else None


@login_required
def tax_year(request: HttpRequest) -> HttpResponse:
    """T3: one year's payments: as client, the 支払調書 per lancer (PDF, and all as CSV);
    as lancer, the yearly summary per client for the 確定申告 (and as CSV)."""
    user = _user(request)
    year = _tax_year(request.GET.get("year") or timezone.localdate().year)
    if year is None:
        return render(
            request,
            "contracts/tax_year.html",
            {"error": _("Choose a year from 2000 to this year."), "years": _years()},
            status=400,
        )
    paid = payment_records.year_totals(year=year, user_id=user.pk, role="client")
    received = payment_records.year_totals(year=year, user_id=user.pk, role="lancer")
    return render(
        request,
        "contracts/tax_year.html",
        {"year": year, "years": _years(), "paid": paid, "received": received},
    )


def _years() -> list[int]:
    this = timezone.localdate().year
    return list(range(this, this - 8, -1))


@login_required
def payment_records_csv(request: HttpRequest, year: int) -> HttpResponse:
    """T3: the client's 支払調書 of `year` as CSV (the tax office's columns)."""
    if _tax_year(year) is None:
        raise Http404(_("Choose a year from 2000 to this year."))
    body = payment_records.payment_record_csv(year=year, client=_user(request))
    response = HttpResponse("\ufeff" + body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="payment-records-{year}.csv"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def payment_record_pdf(request: HttpRequest, year: int, lancer_id: int) -> HttpResponse:
    """T3, T4: the client's 支払調書 for one lancer, issued (or its current version) and
    served as PDF; 404 when the client paid that lancer nothing that year."""
    if _tax_year(year) is None:
        raise Http404(_("Choose a year from 2000 to this year."))
    document = payment_records.payment_record_issue(
        year=year, client=_user(request), lancer_id=lancer_id
    )
    try:
        return document_file_response(request, document, allowed=document is not None)
    except ApplicationError as error:  # T4: a tampered file: refused, 409
        return refused(request, error, back=reverse("contracts:tax_year"))


@login_required
def annual_summary_csv(request: HttpRequest, year: int) -> HttpResponse:
    """T3: the lancer's yearly summary per client (gross, fee, withheld, net) as CSV."""
    if _tax_year(year) is None:
        raise Http404(_("Choose a year from 2000 to this year."))
    body = payment_records.annual_summary_csv(year=year, lancer=_user(request))
    response = HttpResponse("\ufeff" + body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="rewards-{year}.csv"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def contract_list(request: HttpRequest) -> HttpResponse:
    """My contracts, as client or as lancer, with a status filter; a fixed number of queries
    whatever the number of contracts."""
    user = _user(request)
    form = ContractFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        role, status, code = "", "", 400
    else:
        data = form.cleaned_data if form.is_bound else {}
        role, status, code = data.get("role", ""), data.get("status", ""), 200
    contracts = with_milestones(
        selectors.contract_list(user_id=user.pk, role=role or None, status=status or None)
    ).annotate(rated_by_viewer=selectors.rated_by(user.pk))
    page = Paginator(contracts, PER_PAGE).get_page(request.GET.get("page") or 1)
    rows = [
        {
            "contract": c,
            # B5: an ended contract the viewer has not rated yet asks them to.
            "next": next_step(c, c.plan, user.pk, rated=c.rated_by_viewer),
            "total": plan_total(c.plan),
        }
        for c in page.object_list
    ]
    return render(
        request,
        "contracts/contract_list.html",
        {
            "page": page,
            "rows": rows,
            "role": role,
            "status": status,
            "statuses": ContractStatus.choices,
            "invalid": code == 400,
        },
        status=code,
    )


@login_required
def contract_for_proposal(request: HttpRequest, proposal_id: int) -> HttpResponse:
    """The jobs pages link a selected proposal here; it answers with the proposal's contract
    (to its two sides; to anyone else it does not exist)."""
    try:
        contract_id = selectors.contract_id_for_proposal(
            proposal_id=proposal_id, viewer=_user(request)
        )
    except NotFound as error:
        raise Http404(str(error.message)) from None
    return redirect(_contract_or_404(request, contract_id))


# --- The contract page ----------------------------------------------------------------------


@dataclass
class MilestoneRow:
    milestone: Milestone
    fees: FeeView
    deliveries: list[Delivery]
    # The transfer the client must make (仮払い), while an operator has not confirmed it.
    payment_pending: Any = None
    can_escrow: bool = False
    can_deliver: bool = False
    can_accept: bool = False
    delivery_form: DeliveryForm | None = None
    change_form: ChangeRequestForm | None = None

    @property
    def withholding_due(self) -> date | None:
        """T3: the day the client pays the tax withheld on this acceptance to the tax office."""
        accepted = self.milestone.accepted_at
        if not self.milestone.withholding_tax or accepted is None:
            return None
        return payment_due(timezone.localdate(accepted))

    @property
    def closed(self) -> bool:
        return self.milestone.status in (
            MilestoneStatus.DELETED,
            MilestoneStatus.ESCROW_CANCELLED,
        )


@dataclass
class Bound:
    """Forms re-shown with their errors after a refused POST (status 400)."""

    plan: Any = None
    delivery: dict[int, DeliveryForm] = field(default_factory=dict)
    changes: dict[int, ChangeRequestForm] = field(default_factory=dict)
    cancellation: CancellationForm | None = None
    rating: RatingForm | None = None
    message: MessageForm | None = None


def _named(deliveries: Any) -> list[Delivery]:
    """Deliveries with `file_label`, the file's own name, for the download link."""
    named = list(deliveries)
    for delivery in named:
        label = PurePosixPath(delivery.file.name).name if delivery.file else ""
        delivery.file_label = label
    return named


def _my_step(steps: Sequence[selectors.StepView]) -> dict[str, Any] | None:
    """The cancellation step the viewer must take now: its button and confirmation."""
    action = next((s.viewer_action for s in steps if s.viewer_action), None)
    if action is None:
        return None
    return {
        "action": action,
        "label": STEP_BUTTONS[action],
        "confirm": STEP_CONFIRM[action],
        "decline": STEP_BUTTONS["decline"],
    }


def _contract_or_404(request: HttpRequest, contract_id: int) -> Contract:
    try:
        return selectors.contract_get(contract_id=contract_id, viewer=_user(request))
    except NotFound as error:
        raise Http404(str(error.message)) from None


def _detail(
    request: HttpRequest, contract: Contract, *, bound: Bound | None = None, status: int = 200
) -> HttpResponse:
    user = _user(request)
    bound = bound or Bound()
    milestones = list(selectors.milestones_list(contract=contract))
    actions = selectors.contract_actions_get(contract=contract, viewer=user, milestones=milestones)
    rows = []
    for m in milestones:
        pending = m.payment if m.payment_id and m.payment.status == PaymentStatus.AWAITING else None  # type: ignore[union-attr]
        row = MilestoneRow(
            milestone=m,
            fees=fee_view(m),
            deliveries=_named(m.deliveries.all()),
            payment_pending=pending,
            can_escrow=m.pk in actions.escrow,
            can_deliver=m.pk in actions.deliver,
            can_accept=m.pk in actions.accept,
        )
        if row.can_deliver:
            row.delivery_form = bound.delivery.get(m.pk) or DeliveryForm(prefix=f"d{m.pk}")
        if row.can_accept:
            row.change_form = bound.changes.get(m.pk) or ChangeRequestForm(prefix=f"c{m.pk}")
        rows.append(row)
    is_client = user.pk == contract.client_id
    plan_form = None
    if actions.propose_milestones:
        plan_form = bound.plan or milestone_formset(
            initial=[
                {"title": m.title, "amount": m.amount, "due_date": m.due_date}
                for m in milestones
                if m.status == MilestoneStatus.PROPOSED
            ]
        )
    cancellation = contract.open_cancellation if contract.open_cancellation_id else None
    shown_cancellation: Cancellation | None = cancellation
    history = list(selectors.cancellations_list(contract=contract))
    if shown_cancellation is None and contract.status == ContractStatus.CANCELLED:
        shown_cancellation = next((c for c in history if c.step == CancellationStep.DONE), None)
    steps = (
        selectors.cancellation_steps(cancellation=shown_cancellation, viewer_id=user.pk)
        if shown_cancellation is not None
        else []
    )
    declined = [c for c in history if c.step == CancellationStep.DECLINED]
    thread = contract.thread
    thread_messages: list[Any] = []
    if thread is not None:
        if request.method == "GET" and thread.has_side(user.pk):
            job_services.message_mark_read(actor=user, thread_id=thread.pk)
        thread_messages = list(job_selectors.thread_messages_list(thread=thread))
    cancellation_form = (
        bound.cancellation or CancellationForm(prefix="cancel")
        if actions.propose_cancellation
        else None
    )
    on_top = shown_cancellation is not None or contract.status == ContractStatus.CANCELLED
    counterpart = contract.lancer if is_client else contract.client
    # The caution about an unverified, unrated counterpart is advice for before the money
    # moves: shown until the first escrow, and not while (or after) the contract ends.
    before_escrow = contract.status in (
        ContractStatus.AGREEING,
        ContractStatus.IN_PROGRESS,
    ) and not any(m.escrowed_at for m in milestones)
    context = {
        "contract": contract,
        "job": contract.job,
        "is_client": is_client,
        "is_lancer": user.pk == contract.lancer_id,
        "counterpart": counterpart,
        "counterpart_withdrawn": counterpart.is_withdrawn,
        "before_escrow": before_escrow,
        "rows": rows,
        "actions": actions,
        "next": next_step(contract, milestones, user.pk),
        "plan_form": plan_form,
        "plan_total": plan_total(milestones),
        "escrow_total": sum(m.escrow_amount for m in milestones if m.is_funded),
        "has_proposed": any(m.status == MilestoneStatus.PROPOSED for m in milestones),
        "cancellation": shown_cancellation,
        "open_cancellation": cancellation,
        "steps": steps,
        "my_step": _my_step(steps),
        "declined": declined,
        "cancellation_form": cancellation_form,
        "cancellation_on_top": on_top,
        "cancellation_below": not on_top and bool(cancellation_form or declined),
        "ratings": list(selectors.ratings_list(contract=contract)),
        "rating_form": (bound.rating or RatingForm(prefix="rating")) if actions.rate else None,
        "thread": thread,
        "thread_messages": thread_messages,
        "message_form": bound.message or MessageForm(prefix="message"),
        "trust": job_selectors.trust_signals_get([contract.client, contract.lancer]),
        "fee_rates": rates_of(contract),
        # L1: every version of the statement of terms, newest (the one in force) first.
        "statements": statements_list(contract),
    }
    return render(request, "contracts/contract_detail.html", context, status=status)


@login_required
def contract_detail(request: HttpRequest, contract_id: int) -> HttpResponse:
    """The contract page; a POST here sends a message in the two sides' thread (B8)."""
    contract = _contract_or_404(request, contract_id)
    if request.method != "POST":
        return _detail(request, contract)
    if contract.thread_id is None:
        raise Http404(_("This contract has no message thread."))
    form = MessageForm(request.POST, prefix="message")
    if form.is_valid():
        try:
            job_services.message_send(
                actor=_user(request), thread_id=contract.thread_id, body=form.cleaned_data["body"]
            )
        except ApplicationError as error:
            if not error.fields:
                return refused(request, error, back=contract.get_absolute_url())
            apply_error(form, error)
        else:
            messages.success(request, _("Your message has been sent."))
            return redirect(f"{contract.get_absolute_url()}#messages")
    return _detail(request, contract, bound=Bound(message=form), status=400)


def _act(
    request: HttpRequest,
    contract: Contract,
    call: Callable[[], object],
    *,
    done: str | Promise,
    anchor: str = "",
    form: forms.Form | None = None,
    bound: Bound | None = None,
) -> HttpResponse:
    """Call one service; on success say so and go back to the contract page (at `anchor`).
    A refusal about a field re-shows the page with the form (400); any other refusal is
    its own page (403, 404, 409)."""
    try:
        call()
    except NotFound as error:
        raise Http404(str(error.message)) from None
    except ApplicationError as error:
        if error.fields and (form is not None or (bound and bound.plan is not None)):
            if bound and bound.plan is not None:
                bound.plan.apply_error(error)
            elif form is not None:
                apply_error(form, error)
            return _detail(request, contract, bound=bound, status=400)
        return refused(request, error, back=contract.get_absolute_url())
    messages.success(request, str(done))
    return redirect(contract.get_absolute_url() + (f"#{anchor}" if anchor else ""))


def _milestone_contract(request: HttpRequest, milestone_id: int) -> tuple[Milestone, Contract]:
    try:
        milestone = selectors.milestone_get(milestone_id=milestone_id, viewer=_user(request))
    except NotFound as error:
        raise Http404(str(error.message)) from None
    return milestone, _contract_or_404(request, milestone.contract_id)


@login_required
@require_POST
def milestones_propose(request: HttpRequest, contract_id: int) -> HttpResponse:
    """The client proposes the plan (計画): one or more milestones with amounts."""
    contract = _contract_or_404(request, contract_id)
    formset = milestone_formset(request.POST)
    bound = Bound(plan=formset)
    if not formset.is_valid():
        return _detail(request, contract, bound=bound, status=400)
    return _act(
        request,
        contract,
        lambda: services.milestones_propose(
            actor=_user(request), contract_id=contract.pk, milestones=formset.drafts()
        ),
        done=_("The milestones have been proposed. The lancer has been asked to agree."),
        anchor="milestones",
        bound=bound,
    )


@login_required
@require_POST
def milestones_agree(request: HttpRequest, contract_id: int) -> HttpResponse:
    contract = _contract_or_404(request, contract_id)
    return _act(
        request,
        contract,
        lambda: services.milestones_agree(actor=_user(request), contract_id=contract.pk),
        done=_("You agreed to the milestones. The client escrows each one before work starts."),
        anchor="milestones",
    )


@login_required
@require_POST
def milestone_escrow(request: HttpRequest, milestone_id: int) -> HttpResponse:
    """B3, B6: the client asks to escrow a milestone: the page then shows the transfer."""
    milestone, contract = _milestone_contract(request, milestone_id)
    return _act(
        request,
        contract,
        lambda: services.milestone_escrow(actor=_user(request), milestone_id=milestone.pk),
        done=_(
            "Please transfer the amount shown. The milestone is escrowed once the payment "
            "is confirmed."
        ),
        anchor=f"milestone-{milestone.pk}",
    )


@login_required
@require_POST
def milestone_demo_confirm(request: HttpRequest, milestone_id: int) -> HttpResponse:
    """Demo mode only: the client confirms their own milestone payment, as an operator
    would in the admin (入金確認). The same service, acted by an operator."""
    if not settings.DEMO_MODE:
        raise Http404
    milestone, contract = _milestone_contract(request, milestone_id)
    operator = User.objects.filter(is_staff=True, is_active=True).order_by("pk").first()
    if contract.client_id != request.user.pk or milestone.payment_id is None or operator is None:
        raise Http404(_("There is no payment to confirm here."))
    payment_id = milestone.payment_id
    return _act(
        request,
        contract,
        lambda: job_services.client_payment_confirm(actor=operator, payment_id=payment_id),
        done=_("Payment confirmed (demo). The milestone is escrowed."),
        anchor=f"milestone-{milestone.pk}",
    )


@login_required
@require_POST
def milestone_deliver(request: HttpRequest, milestone_id: int) -> HttpResponse:
    """B3: the lancer delivers (納品): a note and/or a file."""
    milestone, contract = _milestone_contract(request, milestone_id)
    form = DeliveryForm(request.POST, request.FILES, prefix=f"d{milestone.pk}")
    bound = Bound(delivery={milestone.pk: form})
    if not form.is_valid():
        return _detail(request, contract, bound=bound, status=400)
    return _act(
        request,
        contract,
        lambda: services.milestone_deliver(
            actor=_user(request),
            milestone_id=milestone.pk,
            body=form.cleaned_data["body"],
            file=form.cleaned_data.get("file"),
        ),
        done=_("Delivered. The client has been asked to check it (検収)."),
        anchor=f"milestone-{milestone.pk}",
        form=form,
        bound=bound,
    )


@login_required
@require_POST
def milestone_accept(request: HttpRequest, milestone_id: int) -> HttpResponse:
    """B3, B6: the client accepts (検収): the escrow goes to the lancer, minus the fee."""
    milestone, contract = _milestone_contract(request, milestone_id)
    return _act(
        request,
        contract,
        lambda: services.milestone_accept(actor=_user(request), milestone_id=milestone.pk),
        done=_("Accepted. The payment has gone to the lancer's reward balance."),
        anchor=f"milestone-{milestone.pk}",
    )


@login_required
@require_POST
def milestone_request_changes(request: HttpRequest, milestone_id: int) -> HttpResponse:
    """B3: the client asks for changes (修正依頼): the milestone goes back to work."""
    milestone, contract = _milestone_contract(request, milestone_id)
    form = ChangeRequestForm(request.POST, prefix=f"c{milestone.pk}")
    bound = Bound(changes={milestone.pk: form})
    if not form.is_valid():
        return _detail(request, contract, bound=bound, status=400)
    return _act(
        request,
        contract,
        lambda: services.milestone_request_changes(
            actor=_user(request), milestone_id=milestone.pk, comment=form.cleaned_data["comment"]
        ),
        done=_("Your request for changes has been sent to the lancer."),
        anchor=f"milestone-{milestone.pk}",
        form=form,
        bound=bound,
    )


@login_required
def contract_terms_pdf(request: HttpRequest, contract_id: int, version: int) -> HttpResponse:
    """L1, T4: one version of the statement of terms as a PDF, to the two sides and the
    operators (anyone else: 404); a file that no longer matches its SHA-256 is refused."""
    contract = _contract_or_404(request, contract_id)
    document = statement_get(contract, version=version)
    try:
        return document_file_response(request, document, allowed=document is not None)
    except ApplicationError as error:
        return refused(request, error, back=contract.get_absolute_url())


@login_required
def delivery_file(request: HttpRequest, delivery_id: int) -> HttpResponseBase:
    """A delivered file, to the contract's two sides only (anyone else: 404). Always a
    download, never rendered in the site's origin."""
    try:
        delivery = selectors.delivery_get(delivery_id=delivery_id, viewer=_user(request))
    except NotFound:
        raise Http404(_("That file does not exist.")) from None
    if not delivery.file:
        raise Http404(_("That file does not exist."))
    name = PurePosixPath(delivery.file.name).name
    try:
        handle = delivery.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("That file does not exist.")) from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=name,
        content_type=mimetypes.guess_type(name)[0] or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# --- Cancellation (B4, B7) ------------------------------------------------------------------


@login_required
@require_POST
def cancellation_propose(request: HttpRequest, contract_id: int) -> HttpResponse:
    """B4 (1): either side proposes cancelling, with a reason."""
    contract = _contract_or_404(request, contract_id)
    form = CancellationForm(request.POST, prefix="cancel")
    bound = Bound(cancellation=form)
    if not form.is_valid():
        return _detail(request, contract, bound=bound, status=400)
    return _act(
        request,
        contract,
        lambda: services.cancellation_propose(
            actor=_user(request), contract_id=contract.pk, reason=form.cleaned_data["reason"]
        ),
        done=_("You proposed cancelling the contract. The other side has been asked to agree."),
        anchor="cancellation",
        form=form,
        bound=bound,
    )


_STEP_SERVICES: dict[str, Callable[..., Cancellation]] = {
    "agree": services.cancellation_agree,
    "decline": services.cancellation_decline,
    "escrow_cancel": services.cancellation_escrow_cancel,
    "plan_delete": services.cancellation_plan_delete,
    "deletion_approve": services.cancellation_deletion_approve,
}


@login_required
@require_POST
def cancellation_step(request: HttpRequest, contract_id: int, action: str) -> HttpResponse:
    """B4 (1)–(4): one step, by the side named; (5) follows (4) on its own."""
    contract = _contract_or_404(request, contract_id)
    service = _STEP_SERVICES.get(action)
    if service is None:
        raise Http404
    return _act(
        request,
        contract,
        lambda: service(actor=_user(request), contract_id=contract.pk),
        done=STEP_DONE[action],
        anchor="cancellation",
    )


# --- Ratings (B5) ---------------------------------------------------------------------------


@login_required
@require_POST
def rating_submit(request: HttpRequest, contract_id: int) -> HttpResponse:
    contract = _contract_or_404(request, contract_id)
    form = RatingForm(request.POST, prefix="rating")
    bound = Bound(rating=form)
    if not form.is_valid():
        return _detail(request, contract, bound=bound, status=400)
    return _act(
        request,
        contract,
        lambda: services.rating_submit(
            actor=_user(request),
            contract_id=contract.pk,
            value=form.cleaned_data["value"],
            comment=form.cleaned_data["comment"],
        ),
        done=_("Thank you. Your rating has been recorded."),
        anchor="ratings",
        form=form,
        bound=bound,
    )
