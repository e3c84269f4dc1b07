"""The one way a status moves: checked against the state machine's transition table,
saved, and audited with the old and new value (DESIGN.md, "State machines")."""

from collections.abc import Iterable
from typing import Any

from django.db.models import Model, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from ukeoi.core.audit import audit
from ukeoi.core.errors import Conflict


def transition(
    obj: Model,
    new: str,
    *,
    table: dict[str, set[str]],
    actor: Any,
    action: str,
    fields: Iterable[str] = (),
    refusal: str | Promise | None = None,
) -> None:
    """Move `obj.status` to `new`; call with the row locked. A move the table does not allow
    raises Conflict (409, code "invalid_transition") and changes nothing."""
    before = obj.status  # type: ignore[attr-defined]
    if new not in table.get(before, set()):
        raise Conflict(
            refusal or _("This is not possible in the current state."), code="invalid_transition"
        )
    obj.status = new  # type: ignore[attr-defined]
    obj.save(update_fields=["status", *fields])
    audit(actor=actor, subject=obj, action=action, before={"status": before}, after={"status": new})


def transition_all(
    rows: QuerySet[Any],
    old: str,
    new: str,
    *,
    table: dict[str, set[str]],
    **fields: Any,
) -> int:
    """Move every row of `rows` that is in `old` to `new` in one UPDATE (a batch of payouts,
    thousands at a time), checked against the same table as `transition`; returns how many
    moved. The caller audits the batch as a whole. A move the table does not allow is a
    programming error and raises before anything is written."""
    if new not in table.get(old, set()):
        raise ValueError(f"{old!r} -> {new!r} is not in the transition table")
    return rows.filter(status=old).update(status=new, **fields)
