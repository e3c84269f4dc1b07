"""Issue 21: one Refusal, one `refuse`, one AccountWithdrawn for every app, and the HTTP
answer each family gets (403 not yours, 409 not now, 400 bad input, 404 no such thing)."""

import pytest
from django.utils import translation

from ukeoi.contracts import rules as contract_rules
from ukeoi.core.errors import (
    AccountWithdrawn,
    ApplicationError,
    Conflict,
    InvalidInput,
    NotAllowed,
    NotFound,
    Refusal,
    refuse,
)
from ukeoi.jobs import rules as job_rules
from ukeoi.withdrawal import rules as withdrawal_rules


@pytest.mark.parametrize(
    ("status", "family"),
    [(400, InvalidInput), (403, NotAllowed), (404, NotFound), (409, Conflict)],
)
def test_a_refusal_raises_the_error_of_its_family(
    status: int, family: type[ApplicationError]
) -> None:
    refusal = Refusal("some_code", "Some reason.", status=status)

    with pytest.raises(family) as raised:
        refuse(refusal)

    assert raised.value.status == status
    assert raised.value.as_dict() == {"code": "some_code", "message": "Some reason.", "fields": {}}


def test_a_refusal_about_a_field_names_it() -> None:
    with pytest.raises(InvalidInput) as raised:
        refuse(Refusal("bad_value", "Choose one.", status=400, field="value"))

    assert raised.value.fields == {"value": ["Choose one."]}


def test_every_app_refuses_with_the_one_refusal_class() -> None:
    assert job_rules.Refusal is Refusal
    assert contract_rules.Refusal is Refusal
    assert withdrawal_rules.Refusal is Refusal
    assert isinstance(withdrawal_rules.ALREADY_WITHDRAWN, Refusal)


def test_account_withdrawn_says_so_in_the_users_language() -> None:
    with translation.override("en"):
        english = AccountWithdrawn().as_dict()
    with translation.override("ja"):
        japanese = AccountWithdrawn().as_dict()

    assert english["code"] == japanese["code"] == "account_withdrawn"
    assert AccountWithdrawn().status == 403
    assert english["message"] == "This account has been withdrawn and can no longer do this."
    assert japanese["message"] != english["message"]
