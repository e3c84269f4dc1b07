"""Helpers shared by the jobs tests."""

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from ukeoi.core import clock
from ukeoi.core.models import AuditEvent
from ukeoi.jobs.models import (
    AppendNote,
    ClientPayment,
    Job,
    Message,
    MessageThread,
    Proposal,
    TaskSubmission,
)
from ukeoi.ledger.models import LedgerEntry


@dataclass(frozen=True)
class Snapshot:
    rows: dict[str, int]
    job_statuses: dict[int, str]
    proposal_statuses: dict[int, str]
    unit_statuses: dict[int, str]
    payment_statuses: dict[int, str]


def snapshot() -> Snapshot:
    """Everything a refused action must leave as it was."""
    models: list[Any] = [
        Job,
        Proposal,
        AppendNote,
        MessageThread,
        Message,
        TaskSubmission,
        ClientPayment,
        AuditEvent,
        LedgerEntry,
    ]
    return Snapshot(
        rows={model.__name__: model.objects.count() for model in models},
        job_statuses=dict(Job.objects.values_list("pk", "status")),
        proposal_statuses=dict(Proposal.objects.values_list("pk", "status")),
        unit_statuses=dict(TaskSubmission.objects.values_list("pk", "status")),
        payment_statuses=dict(ClientPayment.objects.values_list("pk", "status")),
    )


def in_days(days: float) -> Any:
    return clock.now() + timedelta(days=days)


def english(message: Any) -> str:
    """A (lazy) message as the English source reads, whatever the active language."""
    from django.utils import translation

    with translation.override("en"):
        return str(message)
