"""Queueing a Celery task from a service: through the database outbox (issue 23).

`enqueue(task, *args)` writes an `OutboxTask` row in the caller's transaction and, once
that transaction commits, publishes the task and deletes the row. A broker that is away
at that moment costs the request about 0.1 s (CELERY_TASK_PUBLISH_RETRY_POLICY) and
nothing else: the row stays, and the sweep (`core-outbox-sweep`) publishes it once the
broker is back. Rolled back with its transaction, the task is never sent.

Tasks run at least once (a publish that reached the broker but whose row could not be
deleted is published again): every task queued this way must be safe to run twice, as
every task of ukeoi already is (README, "Production")."""

import logging
from datetime import timedelta
from typing import Any

from celery import Task, current_app
from django.db import transaction
from django.db.models import F
from django.utils.module_loading import import_string

from ukeoi.core import clock
from ukeoi.core.models import OutboxTask
from ukeoi.core.outages import BROKER_ERRORS, log_outage

logger = logging.getLogger(__name__)


def _task(name: str) -> Task:
    """The task of that dotted name (its module imported on first use: a service names
    its task and never imports the module that imports the service)."""
    return current_app.tasks.get(name) or import_string(name)


def publish_now(name: str, *args: Any) -> None:
    """Hand the task of that dotted name to the broker at once, without an outbox row: for
    a caller that keeps its own outbox and sweep (mail), from an on_commit callback. Raises
    one of BROKER_ERRORS when the broker is away; runs the task here when tasks are eager."""
    _task(name).delay(*args)


def enqueue(task: Task | str, *args: Any) -> None:
    """Run `task(*args)` in a worker after the current transaction commits (see the
    module): a task, or its dotted name ("ukeoi.privacy.tasks.build_export"). `args` must
    be JSON values."""
    name = task if isinstance(task, str) else task.name
    row = OutboxTask.objects.create(task=name, args=list(args), created_at=clock.now())
    transaction.on_commit(lambda: _publish(row.pk), robust=True)


def _publish(row_id: int) -> bool:
    """Hand one outbox row to the broker and delete it; False when it is gone (published
    already), being published by another process, or the broker is away (the attempt is
    counted on the row)."""
    if current_app.conf.task_always_eager:
        # In-process tasks (development, tests): "publishing" runs the task here, and it
        # must not run inside this row's lock and transaction.
        row = OutboxTask.objects.filter(pk=row_id).first()
        if row is None or not OutboxTask.objects.filter(pk=row_id).delete()[0]:
            return False
        _task(row.task).apply_async(args=row.args)
        return True
    with transaction.atomic():
        row = OutboxTask.objects.select_for_update(skip_locked=True).filter(pk=row_id).first()
        if row is None:
            return False
        try:
            _task(row.task).apply_async(args=row.args)
        except BROKER_ERRORS as error:
            log_outage("broker", error)
            OutboxTask.objects.filter(pk=row_id).update(
                attempts=F("attempts") + 1, last_error=repr(error)[:1000]
            )
            return False
        row.delete()
    return True


def outbox_task_sweep(*, older_than: timedelta, limit: int = 500) -> dict[str, int]:
    """Publish the tasks left in the outbox longer than `older_than`, oldest first; stops
    at the first that the broker refuses (it is still away). Returns the counts."""
    waiting = OutboxTask.objects.filter(created_at__lt=clock.now() - older_than)
    counts = {"published": 0, "failed": 0}
    for row_id in waiting.order_by("created_at", "pk").values_list("pk", flat=True)[:limit]:
        if _publish(row_id):
            counts["published"] += 1
        elif OutboxTask.objects.filter(pk=row_id).exists():
            counts["failed"] += 1
            break
    return counts
