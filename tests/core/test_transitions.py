"""Issue 21, "Status changes": every status moves through its app's transition table,
one row (`transition`, audited) or a batch of rows (`transition_all`)."""

import re
from pathlib import Path

import pytest

import ukeoi
from tests.factories import JobFactory, UserFactory
from ukeoi.core.transitions import transition_all
from ukeoi.jobs.enums import JOB_TRANSITIONS, JobStatus
from ukeoi.jobs.models import Job

SOURCE = Path(ukeoi.__file__).parent
# A status written by hand: an assignment, an update() (over several lines too), or raw SQL
# that sets it.
DIRECT = re.compile(
    r"^\s*[\w.]+\.status\s*=[^=]|\.update\([^)]*\bstatus\s*=|SET\s+status\b", re.I | re.M
)


def test_no_module_but_core_transitions_writes_a_status() -> None:
    found = []
    for path in sorted(SOURCE.rglob("*.py")):
        if "migrations" in path.parts or path.name == "transitions.py":
            continue
        text = path.read_text()
        for match in DIRECT.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            if path.name != "errors.py":  # ApplicationError.status is an HTTP status
                found.append(f"{path.relative_to(SOURCE)}:{line}: {match.group().strip()}")

    assert found == []


@pytest.mark.django_db
def test_a_batch_moves_only_the_rows_in_the_old_status() -> None:
    client = UserFactory.create()
    rows = [
        JobFactory.create(client=client, status=JobStatus.AWAITING_PAYMENT),
        JobFactory.create(client=client, status=JobStatus.AWAITING_PAYMENT),
        JobFactory.create(client=client, status=JobStatus.OPEN),
    ]

    moved = transition_all(
        Job.objects.filter(client=client),
        JobStatus.AWAITING_PAYMENT,
        JobStatus.OPEN,
        table=JOB_TRANSITIONS,
    )

    assert moved == 2
    assert [Job.objects.get(pk=row.pk).status for row in rows] == [
        JobStatus.OPEN,
        JobStatus.OPEN,
        JobStatus.OPEN,
    ]


@pytest.mark.django_db
def test_a_batch_move_the_table_forbids_writes_nothing() -> None:
    job = JobFactory.create(status=JobStatus.OPEN)

    with pytest.raises(ValueError, match="not in the transition table"):
        transition_all(
            Job.objects.filter(pk=job.pk),
            JobStatus.OPEN,
            JobStatus.AWAITING_PAYMENT,
            table=JOB_TRANSITIONS,
        )

    assert Job.objects.get(pk=job.pk).status == JobStatus.OPEN
