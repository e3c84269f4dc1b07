"""The reads other parts depend on: W1 blockers (with the open cancellation and the date
a contract clears on its own, W2/B7), my contracts, and fees shown before acting (B6)."""

from typing import Any

import pytest

from tests.contracts import builders
from tests.factories import UserFactory
from ukeoi.contracts import selectors, services
from ukeoi.contracts.enums import CancellationStep, ContractStatus

pytestmark = pytest.mark.django_db


def test_contracts_in_progress_list_either_side_with_the_open_cancellation(
    django_assert_num_queries: Any,
) -> None:
    """W1 `contract_in_progress`, W2: step, next actor and auto_step_at in one query."""
    user = UserFactory.create()
    as_client = builders.contract_agreeing(client=user)
    as_lancer = builders.contract_mid_cancellation(step="agreed", lancer=user)
    builders.contract_completed(client=user)
    builders.contract_mid_cancellation(step="done", lancer=user)

    with django_assert_num_queries(1):
        rows = [
            (
                c.pk,
                c.open_cancellation.step if c.open_cancellation else None,
                getattr(
                    c.open_cancellation and c.open_cancellation.next_actor, "display_name", None
                ),
                c.auto_step_at,
            )
            for c in selectors.contracts_in_progress_list(user_id=user.pk)
        ]

    assert [r[0] for r in rows] == [as_client.pk, as_lancer.pk]
    assert rows[0][1:3] == (None, None)
    assert rows[0][3] == as_client.auto_cancel_at
    assert rows[1][1:3] == (CancellationStep.AGREED, user.display_name)
    assert as_lancer.open_cancellation is not None
    assert rows[1][3] == as_lancer.open_cancellation.step_due_at


def test_unfinished_payments_are_pending_escrow_escrowed_and_delivered() -> None:
    """W1 `unfinished_payment`."""
    user = UserFactory.create()
    agreed = builders.contract_in_progress(client=user, escrowed=False)
    pending = builders.contract_in_progress(client=user, escrowed=False)
    services.milestone_escrow(actor=user, milestone_id=builders.first_milestone(pending).pk)
    escrowed = builders.contract_in_progress(lancer=user, escrowed=True)
    delivered = builders.contract_in_progress(client=user, delivered=True)
    builders.contract_completed(client=user)

    contracts = [m.contract_id for m in selectors.unfinished_payments_list(user_id=user.pk)]

    assert sorted(contracts) == sorted([pending.pk, escrowed.pk, delivered.pk])
    assert agreed.pk not in contracts


def test_contract_list_filters_by_role_and_status() -> None:
    user = UserFactory.create()
    mine_as_client = builders.contract_agreeing(client=user)
    mine_as_lancer = builders.contract_completed(lancer=user)
    builders.contract_agreeing()

    assert set(selectors.contract_list(user_id=user.pk, role=None, status=None)) == {
        mine_as_client,
        mine_as_lancer,
    }
    assert list(selectors.contract_list(user_id=user.pk, role="client", status=None)) == [
        mine_as_client
    ]
    assert list(
        selectors.contract_list(user_id=user.pk, role="lancer", status=ContractStatus.COMPLETED)
    ) == [mine_as_lancer]
    assert not selectors.contract_list(user_id=user.pk, role="client", status="completed")


def test_actions_offer_each_side_only_its_own_buttons() -> None:
    contract = builders.contract_in_progress(delivered=True)
    milestone = builders.first_milestone(contract)
    as_client = selectors.contract_actions_get(contract=contract, viewer=contract.client)
    as_lancer = selectors.contract_actions_get(contract=contract, viewer=contract.lancer)
    assert (as_client.accept, as_lancer.accept) == ([milestone.pk], [])
    assert (as_client.deliver, as_lancer.deliver) == ([], [])
    assert as_client.propose_cancellation
    contract = builders.contract_mid_cancellation(step="escrow_cancelled")
    contract.refresh_from_db()
    assert selectors.contract_actions_get(
        contract=contract, viewer=contract.client
    ).cancellation_actions == ["plan_delete"]
    assert (
        selectors.contract_actions_get(
            contract=contract, viewer=contract.lancer
        ).cancellation_actions
        == []
    )
