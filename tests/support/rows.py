"""The snapshot of rows that proves a refused action changed nothing (DESIGN.md, Tests:
"a refused action asserts that nothing changed")."""

from typing import Any

from django.apps import apps
from django.contrib.sessions.models import Session

# What a request writes whatever its outcome: the admin's own log, the sign-in throttle's
# records, Django's content types and permissions. Sessions are counted, not read: a refused
# request may still store a flash message in its session.
SKIPPED = ("admin.", "axes.", "contenttypes.", "auth.Permission", "sessions.")

# Columns any authenticated request writes, refused or not.
BOOKKEEPING = {"accounts.ApiToken": {"last_used_at"}}

Snapshot = dict[str, Any]


def _rows(model: Any) -> list[tuple[Any, ...]]:
    skipped = BOOKKEEPING.get(model._meta.label, set())
    columns = [f.attname for f in model._meta.concrete_fields if f.name not in skipped]
    return list(model.objects.order_by("pk").values_list(*columns))


def snapshot() -> Snapshot:
    """Every row of every table (each column but bookkeeping, in key order), and the number
    of sessions."""
    state: Snapshot = {
        model._meta.label: _rows(model)
        for model in apps.get_models()
        if model._meta.managed and not model._meta.label.startswith(SKIPPED)
    }
    state["sessions.Session"] = Session.objects.count()
    return state


def changed(before: Snapshot, after: Snapshot) -> list[str]:
    """The tables whose rows differ between two snapshots."""
    return [label for label in before if before[label] != after.get(label)]
