"""Ratings of an ended contract (B5)."""

from django.db import transaction

from ukeoi.accounts.models import User
from ukeoi.contracts import rules
from ukeoi.contracts.models import Rating

# The ledger names a milestone's escrow account by this subject (M1).
from ukeoi.contracts.services._common import _lock, _mail
from ukeoi.core.audit import audit
from ukeoi.core.errors import InvalidInput, refuse
from ukeoi.core.mail import absolute_url


def rating_submit(*, actor: User, contract_id: int, value: str, comment: str) -> Rating:
    """B5: after completion, or a cancellation once work had started, each side rates the
    other once: satisfied (満足) or disappointed (残念), with a comment."""
    comment = (comment or "").strip()
    with transaction.atomic():
        locked = _lock(actor, contract_id)
        contract = locked.contract
        refusal = rules.rating_refusal(
            actor_id=actor.pk,
            contract=rules.ContractFacts.of(contract),
            already_rated=Rating.objects.filter(contract=contract, rater_id=actor.pk).exists(),
            value=value,
            comment=comment,
        )
        if refusal is not None:
            refuse(refusal)
        problems = rules.text_problems("comment", comment, rules.RATING_COMMENT_MAX)
        if problems:
            raise InvalidInput.of(problems)
        ratee = locked.users[contract.other_side_id(actor.pk)]
        rating = Rating.objects.create(
            contract=contract, rater=actor, ratee=ratee, value=value, comment=comment
        )
        audit(
            actor=actor,
            subject=rating,
            action="rating.submitted",
            after={"value": value, "ratee": ratee.pk},
        )
        _mail(
            ratee,
            "rated",
            contract=contract,
            rating=rating,
            link=absolute_url(contract.get_absolute_url()),
        )
    return rating
