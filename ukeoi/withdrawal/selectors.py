"""Reads of the withdrawal app: the facts of W1/W2 for one account, in a fixed number of
queries whatever the account's history (at most 8: one per kind of item, then the account
row with its reward balance and payout details).

Each list is one query: at most MAX_ITEMS rows, each carrying, by window functions over
the whole filtered set, the count of all rows and the latest day any of them clears on its
own (so a user with 100,000 open items costs the same as one with none). The lists come
from the selectors the lower apps publish for this purpose (jobs, contracts, payouts)."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.db.models import Count, Max, OuterRef, Q, QuerySet, Subquery, Window
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ukeoi.accounts.models import User
from ukeoi.contracts import selectors as contract_selectors
from ukeoi.contracts.enums import ContractStatus, MilestoneStatus
from ukeoi.contracts.models import Contract
from ukeoi.contracts.rules import cancellation_done_by
from ukeoi.core import clock
from ukeoi.jobs import selectors as jobs_selectors
from ukeoi.jobs.enums import JobStatus, PaymentPurpose, PaymentStatus
from ukeoi.jobs.models import ClientPayment
from ukeoi.ledger.enums import AccountKind
from ukeoi.ledger.models import LedgerAccount
from ukeoi.payouts import calendar
from ukeoi.payouts import selectors as payout_selectors
from ukeoi.payouts.enums import ConditionCode, PayoutMode
from ukeoi.payouts.rules import PayoutFacts, conditions_met
from ukeoi.withdrawal import rules
from ukeoi.withdrawal.enums import BlockerCode, WhenClearStatus
from ukeoi.withdrawal.models import WithdrawWhenClear
from ukeoi.withdrawal.rules import MAX_ITEMS, ItemRef, Items, WithdrawalFacts


def _url(*names: str, args: tuple[Any, ...] = ()) -> str:
    """The first of these URL names that exists ("" when none does yet)."""
    for name in names:
        try:
            return reverse(name, args=args)
        except NoReverseMatch:
            continue
    return ""


def _day(value: date | datetime | None) -> date | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return timezone.localdate(value) if timezone.is_aware(value) else value.date()
    return value


def _listed(
    queryset: QuerySet[Any],
    item: Callable[[Any], ItemRef],
    *,
    clears: str | None = None,
) -> Items:
    """One query: the first MAX_ITEMS rows, the count of all, and (by `clears`, a field that
    holds the moment each row clears on its own, null when it never does) the latest such
    day over all rows, or None when a row never clears on its own. Without `clears` the day
    comes from the listed items, and only when all items are listed."""
    annotations: dict[str, Any] = {"withdrawal_total": Window(Count("pk"))}
    if clears is not None:
        annotations["withdrawal_latest"] = Window(Max(clears))
        annotations["withdrawal_clearing"] = Window(Count(clears))
    rows = list(queryset.annotate(**annotations)[:MAX_ITEMS])
    if not rows:
        return Items()
    total = rows[0].withdrawal_total
    items = tuple(item(row) for row in rows)
    clears_on: date | None = None
    if clears is not None:
        if rows[0].withdrawal_clearing == total:
            clears_on = _day(rows[0].withdrawal_latest)
    elif total <= len(items) and all(i.clears_on is not None for i in items):
        clears_on = max(i.clears_on for i in items if i.clears_on is not None)
    return Items(items=items, count=total, clears_on=clears_on)


# --- jobs -----------------------------------------------------------------------------------


def _job_state(job: Any) -> tuple[str, str]:
    """W2, issue 14 item 12: what an open job is (募集中, 採用済み n 名), and why a job that
    hired, or approved units, still counts: only closing it ends it."""
    status = JobStatus(job.status).label
    if job.hired_count:
        return (
            _("%(status)s, %(count)s hired") % {"status": status, "count": job.hired_count},
            _(
                "Hiring does not close a job: it takes proposals, and counts here, until you "
                "close it. Closing it does not end the contracts you made."
            ),
        )
    if job.approved_units:
        return (
            ngettext(
                "%(status)s, %(count)s unit approved",
                "%(status)s, %(count)s units approved",
                job.approved_units,
            )
            % {"status": status, "count": job.approved_units},
            _(
                "Approving units does not close a task: it takes work, and counts here, until "
                "you close it. Closing it does not take back the rewards of approved units."
            ),
        )
    return str(status), ""


def _open_jobs(user: User) -> Items:
    def item(job: Any) -> ItemRef:
        detail, note = _job_state(job)
        return ItemRef(
            kind="job",
            id=job.pk,
            title=job.title,
            url=job.get_absolute_url(),
            action_url=_url("jobs:close", args=(job.pk,)),
            clears_on=_day(job.deadline),
            detail=detail,
            note=note,
        )

    jobs = jobs_selectors.open_jobs_list(client=user).only("pk", "title", "status", "deadline")
    return _listed(jobs, item, clears="deadline")


def _pending_proposals(user: User) -> Items:
    def item(proposal: Any) -> ItemRef:
        url = proposal.get_absolute_url()
        return ItemRef(
            kind="proposal",
            id=proposal.pk,
            title=proposal.job.title,
            url=url,
            # B2: the proposal page with an append note asking the client to delete it.
            action_url=f"{url}?prefill=delete#note-form",
            clears_on=_day(proposal.job.deadline),
            amount=proposal.amount,
        )

    proposals = jobs_selectors.pending_proposals_list(lancer=user).only(
        "pk", "amount", "job__title", "job__deadline"
    )
    return _listed(proposals, item, clears="job__deadline")


def _task_units(user: User) -> Items:
    def item(unit: Any) -> ItemRef:
        waiting = (
            _("Waiting for the client's approval")
            if unit.lancer_id == user.pk
            else _("Waiting for your approval")
        )
        return ItemRef(
            kind="task_unit",
            id=unit.pk,
            title=unit.job.title,
            url=unit.job.get_absolute_url(),
            action_url=unit.job.get_absolute_url(),
            amount=unit.job.unit_reward,
            detail=str(waiting),
        )

    units = (
        jobs_selectors.unfinished_task_units_list(user=user)
        .only("pk", "lancer_id", "job__title", "job__unit_reward")
        .order_by("created_at", "pk")
    )
    return _listed(units, item)


def _client_payments(user: User) -> Items:
    """A prize or budget the client has not paid in yet; it is cancelled when the job closes
    (at its deadline at the latest). A milestone's escrow payment is listed with its
    milestone (`_milestones`), not here."""

    def item(payment: Any) -> ItemRef:
        return ItemRef(
            kind="client_payment",
            id=payment.pk,
            title=payment.job.title,
            url=payment.job.get_absolute_url(),
            action_url=payment.job.get_absolute_url(),
            clears_on=_day(payment.job.deadline),
            amount=payment.amount,
            detail=str(
                _("Waiting for your payment (%(reference)s)") % {"reference": payment.reference}
            ),
        )

    payments = (
        ClientPayment.objects.filter(
            client=user,
            status=PaymentStatus.AWAITING,
            purpose__in=[PaymentPurpose.COMPETITION_PRIZE, PaymentPurpose.TASK_BUDGET],
        )
        .select_related("job")
        .only("pk", "amount", "job__title", "job__deadline")
        .order_by("job__deadline", "pk")
    )
    return _listed(payments, item, clears="job__deadline")


# --- contracts --------------------------------------------------------------------------------


# What `_cancellation_done_by` and `_cancellation_detail` read of a contract's open
# cancellation (only these columns are fetched).
_CANCELLATION_FIELDS = (
    "open_cancellation__step",
    "open_cancellation__step_due_at",
    "open_cancellation__next_actor_id",
)


def _cancellation_done_by(contract: Any) -> datetime | None:
    """B7: when the open cancellation ends on its own, as contracts' rules reckon it."""
    cancellation = getattr(contract, "open_cancellation", None)
    if cancellation is None:
        return None
    return cancellation_done_by(step=cancellation.step, step_due_at=cancellation.step_due_at)


def _cancellation_detail(contract: Any, user: User) -> str:
    """B4, W2: the step the cancellation waits for, named as the contract page names it,
    and whether it is the user's to take or the other side's."""
    cancellation = getattr(contract, "open_cancellation", None)
    waiting = (
        contract_selectors.cancellation_waiting_step(cancellation.step)
        if cancellation is not None
        else None
    )
    if cancellation is None or waiting is None:
        return str(_("No cancellation under way"))
    values = {"number": waiting.number, "step": waiting.label}
    if cancellation.next_actor_id == user.pk:
        return _("Cancellation step %(number)s of 5 (%(step)s): waiting for you") % values
    return _("Cancellation step %(number)s of 5 (%(step)s): waiting for the other side") % values


def _earliest(*moments: datetime | None) -> datetime | None:
    known = [m for m in moments if m is not None]
    return min(known) if known else None


def _contracts(user: User) -> Items:
    def item(contract: Any) -> ItemRef:
        url = contract.get_absolute_url()
        # L2: a contract whose work is all delivered completes when the last inspection
        # period ends (each delivery is accepted automatically then).
        completes_at = (
            contract.withdrawal_inspection_until if not contract.withdrawal_undelivered else None
        )
        return ItemRef(
            kind="contract",
            id=contract.pk,
            title=contract.title,
            url=url,
            action_url=f"{url}#cancellation",
            clears_on=_day(_earliest(_cancellation_done_by(contract), completes_at)),
            detail=_cancellation_detail(contract, user),
        )

    contracts = (
        contract_selectors.contracts_in_progress_list(user_id=user.pk)
        .select_related(None)
        .select_related("open_cancellation")
        .only("pk", "title", "client_id", *_CANCELLATION_FIELDS)
        .annotate(
            withdrawal_undelivered=Count(
                "milestones",
                filter=Q(
                    milestones__status__in=[
                        MilestoneStatus.PROPOSED,
                        MilestoneStatus.AWAITING_ESCROW,
                        MilestoneStatus.ESCROWED,
                    ]
                ),
            ),
            withdrawal_inspection_until=Max(
                "milestones__inspection_due_at",
                filter=Q(milestones__status=MilestoneStatus.DELIVERED),
            ),
        )
    )
    return _listed(contracts.order_by("pk"), item)


def _milestones(user: User) -> Items:
    def item(milestone: Any) -> ItemRef:
        contract = milestone.contract
        # A single milestone usually carries the contract's title: say it once.
        same = not milestone.title or milestone.title.strip() == contract.title.strip()
        return ItemRef(
            kind="milestone",
            id=milestone.pk,
            title=contract.title if same else f"{contract.title} / {milestone.title}",
            url=contract.get_absolute_url(),
            action_url=contract.get_absolute_url(),
            # L2: a delivered milestone is accepted automatically when its period ends.
            clears_on=_day(_earliest(_cancellation_done_by(contract), milestone.inspection_due_at)),
            amount=milestone.amount,
            detail=str(milestone.get_status_display()),
            contract_id=contract.pk,
        )

    milestones = (
        contract_selectors.unfinished_payments_list(user_id=user.pk)
        .select_related(None)
        .select_related("contract__open_cancellation")
        .only(
            "pk",
            "title",
            "amount",
            "status",
            "inspection_due_at",
            "contract__title",
            *(f"contract__{name}" for name in _CANCELLATION_FIELDS),
        )
    )
    return _listed(milestones.order_by("pk"), item)


# --- payouts ----------------------------------------------------------------------------------


def _payouts(user: User) -> Items:
    def item(payout: Any) -> ItemRef:
        return ItemRef(
            kind="payout",
            id=payout.pk,
            title=str(_("Payout of %(amount)s yen") % {"amount": f"{payout.net:,}"}),
            url=_url("payouts:statement"),
            clears_on=payout.batch.payment_date,
            amount=payout.net,
            detail=str(payout.get_status_display()),
        )

    payouts = payout_selectors.payouts_in_progress_list(user_id=user.pk).only(
        "pk", "net", "status", "batch__payment_date"
    )
    return _listed(payouts, item, clears="batch__payment_date")


# --- the facts --------------------------------------------------------------------------------


# What `Profile.has_name_and_address` reads (only these columns of the profile are fetched).
_NAME_AND_ADDRESS_FIELDS = (
    "legal_name",
    "legal_name_kana",
    "postal_code",
    "prefecture",
    "city",
    "street",
)


def _account(user_id: int) -> User | None:
    """One query: the account, its profile, bank account and payout settings, and its reward
    balance."""
    balance = LedgerAccount.objects.filter(kind=AccountKind.REWARD, owner_id=OuterRef("pk"))
    return (
        User.objects.filter(pk=user_id)
        .select_related("profile", "payout_settings", "bank_account__bank")
        .only(
            "pk",
            "status",
            *(f"profile__{name}" for name in _NAME_AND_ADDRESS_FIELDS),
            "payout_settings__mode",
            "payout_settings__final_payout",
            "bank_account__bank__code",
        )
        .annotate(withdrawal_balance=Subquery(balance.values("balance")[:1]))
        .first()
    )


def _related(user: User, name: str) -> Any:
    try:
        return getattr(user, name)
    except Exception:  # a missing reverse one-to-one row raises RelatedObjectDoesNotExist
        return None


def withdrawal_facts_get(*, user: User) -> WithdrawalFacts:
    """W1, W2, W9: everything the withdrawal rules need about this account, in at most 8
    queries whatever its history.

    W6: the lists are read before the account row and its balance, each in the order in
    which one blocker turns into the next (a proposal into a contract, a unit, a milestone
    or a failed payout into balance). Under READ COMMITTED a transition that commits while
    the facts are read is then seen either before it (the old blocker) or after it (the new
    one, or the balance): never as neither."""
    open_jobs = _open_jobs(user)
    pending_proposals = _pending_proposals(user)
    contracts = _contracts(user)
    unfinished = Items.merge(_task_units(user), _client_payments(user), _milestones(user))
    payouts = _payouts(user)
    account = _account(user.pk)
    if account is None:
        return WithdrawalFacts(withdrawn=True)
    balance = account.withdrawal_balance or 0  # type: ignore[attr-defined]
    bank = _related(account, "bank_account")
    profile = _related(account, "profile")
    payout_settings = _related(account, "payout_settings")
    bank_code = bank.bank.code if bank is not None else ""
    has_name_and_address = profile is not None and profile.has_name_and_address
    payout_facts = PayoutFacts(
        confirmed_balance=balance,
        has_bank_account=bank is not None,
        bank_code=bank_code,
        mode=payout_settings.mode if payout_settings is not None else PayoutMode.AUTO,
        has_name_and_address=has_name_and_address,
        is_active=not account.is_withdrawn,
        final_payout=bool(payout_settings and payout_settings.final_payout),
    )
    met = conditions_met(payout_facts, minimum=settings.PAYOUT_MINIMUM)
    fees = payout_selectors.fee_schedule()
    # Without a bank account, the dearer fee: what a final payout would cost at most.
    transfer_fee = (
        fees.fee_for(bank_code) if bank is not None else max(fees.own_bank_fee, fees.other_bank_fee)
    )
    contracts_url = _url("contracts:list", "contracts:index")
    return WithdrawalFacts(
        withdrawn=account.is_withdrawn,
        open_jobs=open_jobs,
        pending_proposals=pending_proposals,
        contracts_in_progress=contracts,
        unfinished_payments=unfinished,
        payouts_in_progress=payouts,
        reward_balance=balance,
        payout_minimum=settings.PAYOUT_MINIMUM,
        transfer_fee=transfer_fee,
        payout_conditions_met=all(
            held for code, held in met.items() if code != ConditionCode.MINIMUM_BALANCE
        ),
        final_payout_possible=bank is not None and has_name_and_address,
        payout=payout_facts,
        next_payout_on=calendar.cycle_for_confirmation(clock.today()).pay_date,
        links={
            BlockerCode.OPEN_JOB: _url("jobs:my_jobs"),
            BlockerCode.PENDING_PROPOSAL: _url("jobs:my_proposals"),
            BlockerCode.CONTRACT_IN_PROGRESS: contracts_url,
            BlockerCode.UNFINISHED_PAYMENT: contracts_url or _url("jobs:my_jobs"),
            BlockerCode.PAYOUT_IN_PROGRESS: _url("payouts:statement"),
            BlockerCode.REWARD_BALANCE: _url("payouts:settings", "payouts:statement"),
        },
    )


def when_clear_pending_get(*, user: User) -> WithdrawWhenClear | None:
    """W9: the user's pending withdraw-when-clear request, if any."""
    return WithdrawWhenClear.objects.filter(user=user, status=WhenClearStatus.PENDING).first()


def when_clear_offered(*, facts: WithdrawalFacts, pending: WithdrawWhenClear | None) -> bool:
    """W9: the request is offered (page and API) when none is pending and one of the two
    balance choices would be accepted."""
    return pending is None and rules.can_request_when_clear(facts)


# W9: what a final payout needs besides the balance (the minimum and the automatic mode
# do not apply to it).
FINAL_PAYOUT_CONDITIONS = (ConditionCode.BANK_ACCOUNT, ConditionCode.NAME_AND_ADDRESS)


@dataclass(frozen=True)
class FinalPayoutReason:
    message: str
    url: str  # the page that clears it; "" when nothing but a larger balance would


def final_payout_reasons_get(*, user: User, facts: WithdrawalFacts) -> list[FinalPayoutReason]:
    """W9: why a final payout of the balance cannot be chosen ([] when it can): each reason
    with the page that fixes it."""
    refusal = rules.final_payout_refusal(facts)
    if refusal is None or facts.reward_balance <= 0:
        return []
    if facts.reward_balance <= facts.transfer_fee:
        return [FinalPayoutReason(message=str(refusal.message), url="")]
    # The conditions as of the facts' own read (the same snapshot, without the five queries
    # of payout_conditions_get).
    conditions = (
        payout_selectors.payout_conditions_for(facts.payout)
        if facts.payout is not None
        else payout_selectors.payout_conditions_get(user_id=user.pk)
    )
    missing = [
        FinalPayoutReason(message=str(condition.message), url=condition.action_url)
        for condition in conditions
        if condition.code in FINAL_PAYOUT_CONDITIONS and not condition.met
    ]
    return missing or [FinalPayoutReason(message=str(refusal.message), url="")]


def when_clear_pending_ids() -> list[int]:
    """W9: the pending requests the periodic runner looks at, oldest first."""
    return list(
        WithdrawWhenClear.objects.filter(status=WhenClearStatus.PENDING)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


# --- W8: the track record a kept profile goes on showing --------------------------------------


@dataclass(frozen=True)
class TrackRecord:
    """W8: the contracts completed on each side (what stays on a withdrawn profile)."""

    completed_as_lancer: int
    completed_as_client: int

    @property
    def completed(self) -> int:
        return self.completed_as_lancer + self.completed_as_client


def track_record_get(*, user_id: int) -> TrackRecord:
    """W8: the contracts the account completed as lancer and as client, in one query."""
    completed = Contract.objects.filter(status=ContractStatus.COMPLETED)
    counts = completed.filter(Q(lancer_id=user_id) | Q(client_id=user_id)).aggregate(
        lancer=Count("pk", filter=Q(lancer_id=user_id)),
        client=Count("pk", filter=Q(client_id=user_id)),
    )
    return TrackRecord(
        completed_as_lancer=counts["lancer"] or 0, completed_as_client=counts["client"] or 0
    )
