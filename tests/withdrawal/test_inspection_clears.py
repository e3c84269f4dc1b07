"""L2 with W2, W9: a delivered milestone is accepted automatically when its inspection
period ends, so the withdrawal checklist shows it (and a contract whose work is all
delivered) as clearing on its own on that day, and withdraw-when-clear may be asked for."""

import pytest
from django.utils import timezone

from tests.contracts import builders
from ukeoi.withdrawal import rules, selectors

pytestmark = pytest.mark.django_db


def test_a_delivered_milestone_clears_on_its_inspection_deadline() -> None:
    contract = builders.contract_in_progress(delivered=True)
    milestone = builders.first_milestone(contract)
    assert milestone.inspection_due_at is not None
    deadline = timezone.localdate(milestone.inspection_due_at)

    for side in (contract.client, contract.lancer):
        facts = selectors.withdrawal_facts_get(user=side)

        assert facts.unfinished_payments.clears_on == deadline
        assert facts.contracts_in_progress.clears_on == deadline
        assert rules.can_request_when_clear(facts)


def test_work_not_delivered_yet_does_not_clear_on_its_own() -> None:
    contract = builders.contract_in_progress(escrowed=True)

    facts = selectors.withdrawal_facts_get(user=contract.lancer)

    assert facts.unfinished_payments.clears_on is None
    assert facts.contracts_in_progress.clears_on is None
