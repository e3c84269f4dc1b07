"""B5: after completion, or a cancellation once work started, each side rates the other
once; summaries (A4, A6) and the counterpart check (A2)."""

import pytest

from tests.contracts import builders
from tests.factories import DEFAULT_PASSWORD, UserFactory
from tests.support import assert_refused, verify_identity
from ukeoi.accounts import services as accounts
from ukeoi.accounts.visibility import username_visible_to
from ukeoi.contracts import selectors, services
from ukeoi.contracts.enums import RatingValue
from ukeoi.contracts.models import Rating
from ukeoi.jobs.selectors import trust_signals_get
from ukeoi.ledger.selectors import reward_balance_get
from ukeoi.withdrawal import services as withdrawal

pytestmark = pytest.mark.django_db


def test_both_sides_rate_a_completed_contract_once() -> None:
    contract = builders.contract_completed()

    services.rating_submit(
        actor=contract.client, contract_id=contract.pk, value="satisfied", comment="迅速でした"
    )
    services.rating_submit(
        actor=contract.lancer, contract_id=contract.pk, value="disappointed", comment="連絡が遅い"
    )

    ratings = {r.rater_id: (r.ratee_id, r.value) for r in Rating.objects.all()}
    assert ratings == {
        contract.client_id: (contract.lancer_id, RatingValue.SATISFIED),
        contract.lancer_id: (contract.client_id, RatingValue.DISAPPOINTED),
    }
    assert_refused(
        lambda: services.rating_submit(
            actor=contract.client, contract_id=contract.pk, value="satisfied", comment="再評価"
        ),
        code="already_rated",
        status=409,
    )


def test_rating_before_the_end_or_by_a_stranger_or_with_a_bad_value_is_refused() -> None:
    contract = builders.contract_in_progress()
    assert_refused(
        lambda: services.rating_submit(
            actor=contract.client, contract_id=contract.pk, value="satisfied", comment="良い"
        ),
        code="not_ended",
        status=409,
    )
    done = builders.contract_completed()
    stranger = UserFactory.create()
    # A2, B5: to a stranger the contract does not exist (404).
    assert_refused(
        lambda: services.rating_submit(
            actor=stranger, contract_id=done.pk, value="satisfied", comment="良い"
        ),
        code="not_found",
        status=404,
    )
    assert_refused(
        lambda: services.rating_submit(
            actor=done.client, contract_id=done.pk, value="5 stars", comment="良い"
        ),
        code="bad_value",
        status=400,
    )
    assert_refused(
        lambda: services.rating_submit(
            actor=done.client, contract_id=done.pk, value="satisfied", comment=" "
        ),
        code="invalid",
        status=400,
    )


def test_a_cancellation_after_work_started_can_be_rated_and_one_before_cannot() -> None:
    """B5: 'cancelled after work started' = a milestone was ever escrowed."""
    worked = builders.contract_mid_cancellation(step="done", escrowed=True)
    services.rating_submit(
        actor=worked.lancer, contract_id=worked.pk, value="disappointed", comment="途中で中止"
    )
    never = builders.contract_mid_cancellation(step="done", escrowed=False)
    assert_refused(
        lambda: services.rating_submit(
            actor=never.client, contract_id=never.pk, value="satisfied", comment="—"
        ),
        code="no_work",
        status=409,
    )


def test_summary_and_trust_signals_count_and_share_satisfied() -> None:
    """B5, A4: the lancer got 2 satisfied and 1 disappointed: 3 ratings, 67 %."""
    lancer = UserFactory.create()
    for value in ("satisfied", "satisfied", "disappointed"):
        contract = builders.contract_completed(lancer=lancer)
        services.rating_submit(
            actor=contract.client, contract_id=contract.pk, value=value, comment="評価"
        )

    summary = selectors.rating_summary_get(user_id=lancer.pk)
    assert (summary.count, summary.satisfied, summary.share_percent, summary.carried) == (
        3,
        2,
        67,
        0,
    )
    signals = trust_signals_get([lancer])[lancer.pk]
    assert (signals.ratings, signals.satisfied_percent) == (3, 67)
    assert selectors.rating_summary_get(user_id=UserFactory.create().pk).share_percent is None


def test_a_lancer_who_withdraws_and_registers_again_keeps_the_ratings() -> None:
    """A6 through the real path: a verified lancer is rated, withdraws (forfeiting the
    balance, W5), registers again and is verified as the same person; from then on the new
    account's summary counts the old account's rating, as carried."""
    old = UserFactory.create()
    verify_identity(old)
    contract = builders.contract_completed(lancer=old)
    services.rating_submit(
        actor=contract.client, contract_id=contract.pk, value="satisfied", comment="良"
    )
    withdrawal.account_withdraw(
        actor=old,
        password=DEFAULT_PASSWORD,
        reason="no_longer_needed",
        forfeit=True,
        forfeit_amount=reward_balance_get(user=old),
    )
    new = accounts.user_register(
        email="again@example.jp",
        username="again",
        display_name="再登録",
        password="kumo-no-ue-77-sora",
    )
    unverified = selectors.rating_summary_get(user_id=new.pk)

    verify_identity(new, number="ab12345678")

    summary = selectors.rating_summary_get(user_id=new.pk)
    assert (unverified.count, unverified.carried, unverified.share_percent) == (0, 0, None)
    assert (summary.count, summary.carried, summary.share_percent) == (1, 1, 100)


def test_the_two_sides_of_a_contract_see_each_others_username() -> None:
    """A2: a contract between them makes them counterparts."""
    contract = builders.contract_agreeing()
    assert selectors.has_contract_between(contract.client, contract.lancer)
    assert username_visible_to(contract.lancer, contract.client)
    assert not selectors.has_contract_between(contract.client, UserFactory.create())
