"""A6: a verified identity is stored only as a keyed hash, and a new account verified as the
same person as a withdrawn one carries that account's ratings."""

from datetime import date
from typing import Any

import pytest
from django.test import Client

from tests.factories import ProposalFactory, UserFactory, identity_document
from tests.support import verify_identity
from tests.support.identity import BIRTH, NUMBER
from ukeoi.accounts import selectors, services
from ukeoi.accounts.enums import AccountStatus, DocumentType
from ukeoi.accounts.identity import identity_digest, normalize_document_number
from ukeoi.accounts.models import IdentityVerification, User
from ukeoi.contracts.models import Contract, Rating
from ukeoi.core import clock
from ukeoi.core.errors import ApplicationError, InvalidInput

pytestmark = pytest.mark.django_db


def withdraw(user: User) -> None:
    User.objects.filter(pk=user.pk).update(status=AccountStatus.WITHDRAWN, is_active=False)


def test_document_number_is_normalised_before_hashing() -> None:
    """A6: full-width digits, spaces and hyphens do not change the identity."""
    assert normalize_document_number("ａｂ １２３４－５６７８") == "AB12345678"
    assert identity_digest(
        document_type="passport", number="ab12345678", birth_date=BIRTH
    ) == identity_digest(document_type="passport", number="ＡＢ-1234 5678", birth_date=BIRTH)


def test_request_stores_only_the_digest_never_the_number() -> None:
    """A6: the number is hashed with a key; no column holds it."""
    user = UserFactory.create()

    request = services.identity_verification_request(
        actor=user,
        document_type=DocumentType.PASSPORT,
        document_number="TZ9876543",
        birth_date=BIRTH,
        document=identity_document(),
    )

    assert len(request.identity_digest) == 64
    values = IdentityVerification.objects.filter(pk=request.pk).values().get()
    assert not any("9876543" in str(value) for value in values.values())


@pytest.mark.parametrize(
    ("number", "birth", "field"),
    [
        ("", BIRTH, "document_number"),
        ("12", BIRTH, "document_number"),
        (NUMBER, None, "birth_date"),
    ],
)
def test_request_without_a_valid_number_or_birth_date_is_refused(
    number: str, birth: date | None, field: str
) -> None:
    user = UserFactory.create()

    with pytest.raises(InvalidInput) as refused:
        services.identity_verification_request(
            actor=user,
            document_type=DocumentType.PASSPORT,
            document_number=number,
            birth_date=birth,
            document=identity_document(),
        )

    assert field in refused.value.fields
    assert not IdentityVerification.objects.exists()


def test_reputation_of_an_unverified_account_is_its_own() -> None:
    user = UserFactory.create()

    assert selectors.reputation_account_ids(user_id=user.pk) == [user.pk]


def test_new_account_verified_as_a_withdrawn_one_carries_its_reputation() -> None:
    """A6: withdrawing and registering again does not reset a reputation."""
    old = UserFactory.create()
    verify_identity(old)
    withdraw(old)
    new = UserFactory.create()

    verify_identity(new, number="ab12345678")

    assert selectors.reputation_account_ids(user_id=new.pk) == [new.pk, old.pk]


def test_active_account_with_the_same_identity_is_not_carried() -> None:
    """A6 carries only withdrawn predecessors, never another live account: a second live
    account of the same person is not verified at all (one person, one account)."""
    other = UserFactory.create()
    verify_identity(other)
    user = UserFactory.create()

    with pytest.raises(ApplicationError) as refused:
        verify_identity(user)

    assert refused.value.code == "identity_in_use"
    assert selectors.reputation_account_ids(user_id=user.pk) == [user.pk]


def test_different_identity_or_pending_request_carries_nothing() -> None:
    old = UserFactory.create()
    verify_identity(old)
    withdraw(old)
    different = UserFactory.create()
    verify_identity(different, birth=date(1988, 7, 15))
    pending = UserFactory.create()
    services.identity_verification_request(
        actor=pending,
        document_type=DocumentType.DRIVERS_LICENSE,
        document_number=NUMBER,
        birth_date=BIRTH,
        document=identity_document(),
    )

    assert selectors.reputation_account_ids(user_id=different.pk) == [different.pk]
    assert selectors.reputation_account_ids(user_id=pending.pk) == [pending.pk]


def test_reputation_lookup_is_one_query(django_assert_num_queries: Any) -> None:
    old = UserFactory.create()
    verify_identity(old)
    withdraw(old)
    new = UserFactory.create()
    verify_identity(new)

    with django_assert_num_queries(1):
        selectors.reputation_account_ids(user_id=new.pk)


def test_verification_page_asks_for_the_number_and_birth_date(client: Client) -> None:
    """A4, A6: the page takes the document number; a missing one is a 400 with a message."""
    user = UserFactory.create()
    client.force_login(user)

    response = client.post(
        "/accounts/verification/", {"document_type": "passport", "birth_date": "1990-04-01"}
    )

    assert response.status_code == 400
    assert response.context["form"].errors["document_number"]
    assert not IdentityVerification.objects.exists()


def test_profile_shows_carried_ratings_as_such(client: Client) -> None:
    """A6: the new account's profile counts the predecessor's ratings and says so."""

    old = UserFactory.create()
    verify_identity(old)
    rater = UserFactory.create()
    proposal = ProposalFactory.create(job__client=rater, lancer=old, status="selected")
    contract = Contract.objects.create(
        job=proposal.job,
        proposal=proposal,
        client=rater,
        lancer=old,
        title="ロゴ",
        status="completed",
        completed_at=clock.now(),
    )
    Rating.objects.create(
        contract=contract, rater=rater, ratee=old, value="satisfied", comment="良い"
    )
    withdraw(old)
    new = UserFactory.create()
    verify_identity(new)

    page = client.get(f"/users/{new.pk}/").content.decode()

    assert 'id="carried-ratings"' in page
    assert "1" in page.split('id="reputation"')[1].split("</p>")[0]
