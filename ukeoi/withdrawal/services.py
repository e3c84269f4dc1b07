"""Withdrawal use cases (W4–W9, A5, W6).

`account_withdraw` is one transaction: it locks the account row (the first lock every
blocker-creating service takes too, `ukeoi.jobs.locks` order: users by pk first), rebuilds
the facts and re-runs the rule under that lock, verifies the password, forfeits any balance
through the ledger, marks the account withdrawn, revokes its API tokens, retires its e-mail
address (HMAC) and username, audits, and after commit mails the user, ends the sessions and
sends `account_withdrawn`.

Sessions (W7). The account becomes inactive in the same transaction, and both the browser
session auth (`EmailBackend.get_user`) and the API session auth refuse an inactive account,
so every session of the account stops working on its next request, whatever the session
backend (database, or read through Redis: core.sessions). The user's session rows are then
deleted after commit (`end_sessions`, a task queued through the outbox, scanning the
unexpired sessions) so nothing of them is left behind. The password hash is kept on
purpose: signing in with the old credentials then says "this account has been withdrawn"
instead of "wrong password" (W8)."""

import logging
from typing import Any

from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from ukeoi.accounts.enums import ACCOUNT_TRANSITIONS, AccountStatus
from ukeoi.accounts.locks import lock_users
from ukeoi.accounts.models import ApiToken, User
from ukeoi.accounts.retired import retire_account_identifiers
from ukeoi.core import clock
from ukeoi.core.audit import audit
from ukeoi.core.errors import ApplicationError, Conflict, InvalidInput, refuse
from ukeoi.core.mail import send_templated_mail
from ukeoi.core.taskqueue import enqueue
from ukeoi.core.transitions import transition
from ukeoi.ledger import selectors as ledger_selectors
from ukeoi.ledger import services as ledger
from ukeoi.ledger.enums import AccountKind
from ukeoi.withdrawal import rules, selectors
from ukeoi.withdrawal.enums import WHEN_CLEAR_TRANSITIONS, BalanceChoice, WhenClearStatus
from ukeoi.withdrawal.models import Withdrawal, WithdrawWhenClear
from ukeoi.withdrawal.signals import account_withdrawn

logger = logging.getLogger(__name__)

WRONG_PASSWORD = _("The password is not correct.")


def _lock(user_id: int) -> User:
    """W6: the account row, locked like every service that creates a blocker locks it."""
    user = lock_users(user_id).get(user_id)
    if user is None:
        refuse(rules.ALREADY_WITHDRAWN)
    return user


def _lock_active(user_id: int) -> User:
    """`_lock`, refusing an account already withdrawn (a second submit: 409)."""
    user = _lock(user_id)
    if user.is_withdrawn:
        refuse(rules.ALREADY_WITHDRAWN)
    return user


def _check_input(*, reason: str, reason_text: str, comments: str, password: str) -> None:
    problems = rules.input_problems(
        reason=reason, reason_text=reason_text, comments=comments, password=password
    )
    if problems:
        raise InvalidInput.of(problems)


def _check_password(user: User, password: str) -> None:
    if not user.check_password(password):
        raise InvalidInput.of({"password": [WRONG_PASSWORD]})


def account_withdraw(
    *,
    actor: User,
    password: str,
    reason: str,
    reason_text: str = "",
    comments: str = "",
    keep_profile: bool = True,
    forfeit: bool = False,
    forfeit_amount: int | None = None,
) -> Withdrawal:
    """W4–W8: withdraw the actor's account now. Refused, changing nothing, on bad input, an
    account already withdrawn (a second submit: 409), any blocker other than the balance
    (also one that appeared since the page was shown), a balance without the forfeit consent
    (or with consent to a different amount), or a wrong password."""
    reason_text, comments = reason_text.strip(), comments.strip()
    _check_input(reason=reason, reason_text=reason_text, comments=comments, password=password)
    with transaction.atomic():
        user = _lock_active(actor.pk)
        facts = selectors.withdrawal_facts_get(user=user)
        refusal = rules.withdrawal_refusal(facts, forfeit=forfeit, forfeit_amount=forfeit_amount)
        if refusal is not None:
            refuse(refusal)
        _check_password(user, password)
        return _complete(
            user=user,
            actor=actor,
            facts=facts,
            reason=reason,
            reason_text=reason_text,
            comments=comments,
            keep_profile=keep_profile,
        )


def _complete(
    *,
    user: User,
    actor: User | None,
    facts: rules.WithdrawalFacts,
    reason: str,
    reason_text: str,
    comments: str,
    keep_profile: bool,
    request: WithdrawWhenClear | None = None,
) -> Withdrawal:
    """The writes of a withdrawal, for a locked account whose facts allow it."""
    now = clock.now()
    amount = rules.forfeit_amount(facts)
    withdrawal = Withdrawal.objects.create(
        user=user,
        reason=reason,
        reason_text=reason_text,
        comments=comments,
        keep_profile=keep_profile,
        forfeited=amount,
        automatic=request is not None,
        withdrawn_at=now,
    )
    if amount:
        # W5, M2: once per withdrawal (the key); the reward account is locked by the posting.
        ledger.post(
            key=f"withdrawal:{withdrawal.pk}:forfeit",
            kind="withdrawal.forfeit",
            legs=[
                (ledger.reward_account(lancer=user), -amount),
                (ledger.platform_account(kind=AccountKind.FORFEITED), amount),
            ],
            memo=f"withdrawal of user {user.pk}",
        )
    if ledger_selectors.reward_balance_get(user=user) != 0:
        # Money arrived after the facts were read: never leave it in a closed account.
        raise Conflict(
            _("Your reward balance has just changed. Please check it and try again."),
            code="balance_changed",
        )
    user.is_active = False
    transition(
        user,
        AccountStatus.WITHDRAWN,
        table=ACCOUNT_TRANSITIONS,
        actor=actor,
        action="account.withdrawn",
        fields=["is_active"],
        refusal=rules.ALREADY_WITHDRAWN.message,
    )
    audit(
        actor=actor,
        subject=withdrawal,
        action="withdrawal.completed",
        after={
            "reason": reason,
            "keep_profile": keep_profile,
            "forfeited": amount,
            "automatic": request is not None,
        },
    )
    ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=now)
    retire_account_identifiers(user=user)
    pending = WithdrawWhenClear.objects.select_for_update().filter(
        user=user, status=WhenClearStatus.PENDING
    )
    for open_request in pending:
        open_request.finished_at = now
        target = WhenClearStatus.DONE if open_request == request else WhenClearStatus.CANCELLED
        transition(
            open_request,
            target,
            table=WHEN_CLEAR_TRANSITIONS,
            actor=actor,
            action=f"withdraw_when_clear.{target}",
            fields=["finished_at"],
        )
    send_templated_mail(
        to=user.email,
        template="withdrawal_completed",
        context={"user": user, "withdrawal": withdrawal},
        language=user.language,
    )
    # Through the outbox: a broker that is away delays the clean-up, never loses it.
    enqueue("ukeoi.withdrawal.tasks.end_sessions", user.pk)
    transaction.on_commit(
        lambda: account_withdrawn.send(sender=Withdrawal, user=user, withdrawal=withdrawal),
        robust=True,
    )
    return withdrawal


def sessions_end(*, user_id: int, chunk: int = 2000) -> int:
    """W7: delete every unexpired session of this account (database-backed sessions; with
    cached_db the cache entry goes too). Returns how many were deleted."""
    from importlib import import_module

    from django.conf import settings

    store = import_module(settings.SESSION_ENGINE).SessionStore
    target = str(user_id)
    deleted = 0
    sessions = Session.objects.filter(expire_date__gt=clock.now()).order_by("pk")
    for session in sessions.iterator(chunk_size=chunk):
        if session.get_decoded().get("_auth_user_id") == target:
            store(session_key=session.session_key).delete()
            deleted += 1
    return deleted


# --- W9: withdraw when clear -------------------------------------------------------------------


def _final_payout(actor: User, *, enabled: bool) -> None:
    """W9: ask payouts to pay the whole balance in the next batch (or stop asking)."""
    from ukeoi.payouts.services import payout_final_request

    payout_final_request(actor=actor, enabled=enabled)


def withdraw_when_clear_request(
    *,
    actor: User,
    password: str,
    reason: str,
    balance_choice: str,
    reason_text: str = "",
    comments: str = "",
    keep_profile: bool = True,
) -> WithdrawWhenClear:
    """W9: ask to be withdrawn automatically once the blockers left (all clearing on their
    own) have cleared, forfeiting the balance or taking it in a final payout. The password
    is checked now; the runner completes it through the same path as the form."""
    reason_text, comments = reason_text.strip(), comments.strip()
    _check_input(reason=reason, reason_text=reason_text, comments=comments, password=password)
    with transaction.atomic():
        user = _lock_active(actor.pk)
        if selectors.when_clear_pending_get(user=user) is not None:
            raise Conflict(
                _("You have already asked to be withdrawn when clear. Cancel that request first."),
                code="when_clear_pending",
            )
        facts = selectors.withdrawal_facts_get(user=user)
        refusal = rules.when_clear_refusal(facts, balance_choice=balance_choice)
        if refusal is not None:
            refuse(refusal)
        _check_password(user, password)
        request = WithdrawWhenClear.objects.create(
            user=user,
            reason=reason,
            reason_text=reason_text,
            comments=comments,
            keep_profile=keep_profile,
            balance_choice=balance_choice,
        )
        if balance_choice == BalanceChoice.FINAL_PAYOUT and facts.reward_balance > 0:
            _final_payout(user, enabled=True)
        audit(
            actor=actor,
            subject=request,
            action="withdraw_when_clear.requested",
            after={"balance_choice": balance_choice, "keep_profile": keep_profile},
        )
        send_templated_mail(
            to=user.email,
            template="withdrawal_when_clear_requested",
            context={"user": user, "request": request, "facts": facts},
            language=user.language,
        )
    return request


def withdraw_when_clear_cancel(*, actor: User) -> WithdrawWhenClear:
    """W9: cancel the pending request (and the final payout it asked for)."""
    with transaction.atomic():
        user = _lock(actor.pk)
        request = (
            WithdrawWhenClear.objects.select_for_update()
            .filter(user=user, status=WhenClearStatus.PENDING)
            .first()
        )
        if request is None:
            raise Conflict(
                _("There is no pending request to withdraw when clear."), code="no_when_clear"
            )
        request.finished_at = clock.now()
        transition(
            request,
            WhenClearStatus.CANCELLED,
            table=WHEN_CLEAR_TRANSITIONS,
            actor=actor,
            action="withdraw_when_clear.cancelled",
            fields=["finished_at"],
        )
        if request.balance_choice == BalanceChoice.FINAL_PAYOUT:
            _final_payout(user, enabled=False)
    return request


def withdraw_when_clear_run(*, progress: Any = None) -> int:
    """W9 (periodic, also `manage.py withdraw_when_clear`): complete every pending request
    whose blockers have cleared, each in its own transaction under the account lock, through
    the same path as the form. Returns how many accounts it withdrew."""
    done = 0
    for request_id in selectors.when_clear_pending_ids():
        try:
            done += _run_one(request_id)
        except ApplicationError as error:
            # Refused this time (e.g. the balance moved while reading); tried again next run.
            logger.info("withdraw-when-clear %s not completed: %s", request_id, error.code)
        if progress is not None:
            progress(request_id)
    return done


def _run_one(request_id: int) -> int:
    user_id = (
        WithdrawWhenClear.objects.filter(pk=request_id).values_list("user_id", flat=True).first()
    )
    if user_id is None:
        return 0
    with transaction.atomic():
        user = _lock(user_id)
        request = (
            WithdrawWhenClear.objects.select_for_update()
            .filter(pk=request_id, status=WhenClearStatus.PENDING)
            .first()
        )
        if request is None or user.is_withdrawn:
            return 0
        request.checked_at = clock.now()
        request.save(update_fields=["checked_at"])
        facts = selectors.withdrawal_facts_get(user=user)
        step = rules.when_clear_step(facts, balance_choice=request.balance_choice)
        if step is not rules.WhenClearStep.WITHDRAW:
            return 0
        refusal = rules.withdrawal_refusal(facts, forfeit=True)
        if refusal is not None:
            return 0
        _complete(
            user=user,
            actor=None,
            facts=facts,
            reason=request.reason,
            reason_text=request.reason_text,
            comments=request.comments,
            keep_profile=request.keep_profile,
            request=request,
        )
    return 1
