"""The payout pages: settings (出金設定, M4, M6, M3) and the statement (報酬明細)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from ukeoi.accounts.models import BankAccount, User
from ukeoi.core import clock
from ukeoi.core.errors import ApplicationError
from ukeoi.core.forms import apply_error
from ukeoi.ledger.selectors import reward_statement_get
from ukeoi.payouts import charts, selectors, services, statement
from ukeoi.payouts.forms import PayoutModeForm


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _page_number(value: str | None) -> int:
    """A page number from the query string; anything that is not a positive number is 1."""
    try:
        return max(1, min(int(value or 1), 10_000))
    except ValueError:
        return 1


@login_required
def payout_settings(request: HttpRequest) -> HttpResponse:
    """M4: the payout mode and the four conditions; M6: the fee; M3: the next close."""
    user = _user(request)
    current = selectors.payout_settings_get(user_id=user.pk)
    form = PayoutModeForm(
        request.POST if request.method == "POST" else None, initial={"mode": current.mode}
    )
    invalid = False
    if request.method == "POST":
        if form.is_valid():
            try:
                services.payout_settings_set(actor=user, mode=form.cleaned_data["mode"])
            except ApplicationError as error:
                apply_error(form, error)
            else:
                messages.success(request, _("Your payout settings have been saved."))
                return redirect("payouts:settings")
        invalid = True
    bank_account = BankAccount.objects.select_related("bank", "branch").filter(user=user).first()
    context = {
        "form": form,
        "mode": current.mode,
        "final_payout": current.final_payout,
        "conditions": statement.conditions_with_links(
            selectors.payout_conditions_get(user_id=user.pk)
        ),
        "upcoming": selectors.upcoming_payout_get(user_id=user.pk, today=clock.today()),
        "bank_account": bank_account,
        "fee": (
            selectors.payout_fee_for(bank_code=bank_account.bank.code) if bank_account else None
        ),
        "fees": statement.fee_table_get(),
    }
    return render(request, "payouts/settings.html", context, status=400 if invalid else 200)


@login_required
def statement_page(request: HttpRequest) -> HttpResponse:
    """The reward balance, the upcoming payout, the payout history, the ledger lines and
    the balance over time. A fixed number of queries however long the history is."""
    user = _user(request)
    today = clock.today()
    history = statement.balance_history_get(user=user, today=today)
    ledger_page = reward_statement_get(user=user, page=_page_number(request.GET.get("page")))
    context = {
        "balance": ledger_page.balance,
        "upcoming": selectors.upcoming_payout_get(user_id=user.pk, today=today),
        "payout_page": statement.payout_history_get(
            user_id=user.pk, page=_page_number(request.GET.get("payouts_page"))
        ),
        "ledger_page": ledger_page,
        "lines": statement.statement_rows(ledger_page.lines),
        "history": history,
        "wide_chart": charts.balance_chart(history, charts.WIDE),
        "narrow_chart": charts.balance_chart(history, charts.NARROW),
    }
    return render(request, "payouts/statement.html", context)
