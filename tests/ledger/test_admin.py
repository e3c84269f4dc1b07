"""Operator screens: the ledger is read-only in the admin, and the totals page adds up."""

import pytest
from django.urls import reverse

from tests.factories import UserFactory
from tests.support import snapshot
from ukeoi.ledger.models import LedgerEntry, LedgerTransaction


@pytest.fixture
def operator_client(client, db):
    client.force_login(UserFactory.create(is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def release(escrow, reward, fee_lancer) -> LedgerTransaction:
    from ukeoi.ledger.services import post

    return post(
        key="release:1",
        kind="milestone.release",
        legs=[(escrow, -10_000), (reward, 8_000), (fee_lancer, 2_000)],
    )


@pytest.mark.parametrize("model", ["ledgeraccount", "ledgertransaction", "ledgerentry"])
def test_operator_can_list_search_and_view_ledger_rows(operator_client, release, model):
    listing = operator_client.get(reverse(f"admin:ledger_{model}_changelist"), {"q": "release"})
    assert listing.status_code == 200
    obj = {
        "ledgeraccount": release.entries.first().account,
        "ledgertransaction": release,
        "ledgerentry": release.entries.first(),
    }[model]
    detail = operator_client.get(reverse(f"admin:ledger_{model}_change", args=[obj.pk]))
    assert detail.status_code == 200


@pytest.mark.parametrize("model", ["ledgeraccount", "ledgertransaction", "ledgerentry"])
def test_operator_cannot_add_change_or_delete_ledger_rows(operator_client, release, model):
    before = snapshot()
    entry = LedgerEntry.objects.filter(transaction=release).earliest("id")
    pk = {
        "ledgeraccount": entry.account_id,
        "ledgertransaction": release.pk,
        "ledgerentry": entry.pk,
    }[model]
    assert operator_client.get(reverse(f"admin:ledger_{model}_add")).status_code == 403
    assert (
        operator_client.post(
            reverse(f"admin:ledger_{model}_delete", args=[pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert (
        operator_client.post(
            reverse(f"admin:ledger_{model}_change", args=[pk]), {"amount": "1", "balance": "1"}
        ).status_code
        == 403
    )
    assert snapshot() == before


def test_totals_page_shows_each_kind_and_a_zero_sum(operator_client, release):
    response = operator_client.get(reverse("admin:ledger_ledgeraccount_totals"))
    assert response.status_code == 200
    totals = {total.kind: total.balance for total in response.context["totals"]}
    assert totals["reward"] == 8_000
    assert totals["bank"] == -10_000
    assert response.context["grand_total"] == 0
    assert "kind__exact=fee_revenue_lancer" in response.content.decode()
    changelist = operator_client.get(reverse("admin:ledger_ledgeraccount_changelist"))
    assert reverse("admin:ledger_ledgeraccount_totals") in changelist.content.decode()


def test_totals_page_is_for_operators_only(client, release):
    client.force_login(UserFactory.create())
    response = client.get(reverse("admin:ledger_ledgeraccount_totals"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
