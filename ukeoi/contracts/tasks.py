from celery import shared_task

from ukeoi.contracts import services


@shared_task(acks_late=True)
def contracts_auto_step() -> dict[str, int]:
    """B7, L2: accept deliveries past their inspection period, take overdue cancellation
    steps, remind, warn and cancel inactive contracts (Celery beat, every 15 minutes)."""
    report = services.contracts_auto_step()
    return vars(report)
