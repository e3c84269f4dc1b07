"""The withdrawal pages: the check page (W2, W3), the form (W4, W5, W8), the page after
(W7), and withdraw-when-clear (W9). Every refusal re-shows the page with its message and a
4xx status; nothing is changed."""

from typing import Any

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ukeoi.accounts.models import User
from ukeoi.core.errors import ApplicationError
from ukeoi.core.forms import apply_error
from ukeoi.withdrawal import rules, selectors, services
from ukeoi.withdrawal.forms import WhenClearForm, WithdrawalForm

# Set in the fresh (anonymous) session after a withdrawal, so that a second submit of the
# form from the same browser is told plainly that the account is already withdrawn.
DONE_KEY = "withdrawal_done"


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _when_clear_context(
    user: User, facts: rules.WithdrawalFacts, data: Any = None
) -> dict[str, Any]:
    """W9: the withdraw-when-clear form, a final payout disabled with its reasons."""
    reasons = selectors.final_payout_reasons_get(user=user, facts=facts)
    when_clear_form = WhenClearForm(
        data, balance=facts.reward_balance, final_payout_unavailable=bool(reasons)
    )
    return {"when_clear_form": when_clear_form, "final_payout_reasons": reasons}


def _page_context(user: User, **extra: Any) -> dict[str, Any]:
    facts = selectors.withdrawal_facts_get(user=user)
    blockers = rules.withdrawal_blockers(facts)
    pending = selectors.when_clear_pending_get(user=user)
    return {
        "facts": facts,
        "checklist": rules.checklist(facts),
        "blockers": blockers,
        # W2: a milestone of a contract listed above is cleared with that contract.
        "listed_contracts": {item.id for item in facts.contracts_in_progress.items},
        "balance": rules.balance_blocker(facts),
        "form_available": rules.form_available(blockers),
        "can_request_when_clear": selectors.when_clear_offered(facts=facts, pending=pending),
        "pending_request": pending,
        **extra,
    }


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """W2, W3: 退会手続き — the checklist of the six conditions, each green or red, with the
    items and what clears each."""
    user = _user(request)
    context = _page_context(user)
    if context["can_request_when_clear"]:
        context.update(_when_clear_context(user, context["facts"]))
    return render(request, "withdrawal/index.html", context)


def form(request: HttpRequest) -> HttpResponse:
    """W4, W5, W8: the withdrawal form, offered once only the balance is left, or nothing."""
    if not request.user.is_authenticated:
        if request.method == "POST" and request.session.get(DONE_KEY):
            # A second submit after the first one completed (the session is already gone).
            return render(request, "withdrawal/already_withdrawn.html", status=409)
        return redirect(f"{reverse('accounts:login')}?next={reverse('withdrawal:form')}")
    user = _user(request)
    context = _page_context(user)
    if not context["form_available"] and request.method != "POST":
        messages.error(request, _("You cannot withdraw yet. Clear the conditions below first."))
        return redirect("withdrawal:index")
    balance = context["facts"].reward_balance
    withdrawal_form = WithdrawalForm(request.POST or None, balance=balance)
    status = 200
    if request.method == "POST":
        status = 400
        if withdrawal_form.is_valid():
            try:
                withdrawal = services.account_withdraw(
                    actor=user, **withdrawal_form.service_input()
                )
            except ApplicationError as error:
                status = error.status
                apply_error(withdrawal_form, error)
                context = _page_context(user)
            else:
                logout(request)
                request.session[DONE_KEY] = True
                request.session["withdrawal_keep_profile"] = withdrawal.keep_profile
                return redirect("withdrawal:done")
    context.update(
        {
            "form": withdrawal_form,
            "subject": user,
            "portfolio_items": user.portfolio_items.all()[:5],
        }
    )
    return render(request, "withdrawal/form.html", context, status=status)


def done(request: HttpRequest) -> HttpResponse:
    """W7: after the withdrawal (signed out). Reached only right after withdrawing."""
    if not request.session.get(DONE_KEY):
        return redirect("home")
    return render(
        request,
        "withdrawal/done.html",
        {"keep_profile": request.session.get("withdrawal_keep_profile", True)},
    )


@login_required
@require_POST
def when_clear(request: HttpRequest) -> HttpResponse:
    """W9: ask to be withdrawn automatically once the remaining conditions clear."""
    user = _user(request)
    form_context = _when_clear_context(
        user, selectors.withdrawal_facts_get(user=user), request.POST
    )
    when_clear_form = form_context["when_clear_form"]
    status = 400
    if when_clear_form.is_valid():
        try:
            services.withdraw_when_clear_request(actor=user, **when_clear_form.service_input())
        except ApplicationError as error:
            status = error.status
            apply_error(when_clear_form, error)
        else:
            messages.success(
                request,
                _(
                    "Your request has been received. You will be withdrawn automatically once "
                    "the remaining conditions have cleared, and we will e-mail you."
                ),
            )
            return redirect("withdrawal:index")
    context = _page_context(user, **form_context)
    context["can_request_when_clear"] = True
    return render(request, "withdrawal/index.html", context, status=status)


@login_required
@require_POST
def when_clear_cancel(request: HttpRequest) -> HttpResponse:
    """W9: cancel the pending request."""
    try:
        services.withdraw_when_clear_cancel(actor=_user(request))
    except ApplicationError as error:
        messages.error(request, str(error.message))
        context = _page_context(_user(request))
        return render(request, "withdrawal/index.html", context, status=error.status)
    messages.success(request, _("Your request to withdraw when clear has been cancelled."))
    return redirect("withdrawal:index")
