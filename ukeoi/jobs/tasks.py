from celery import shared_task

from ukeoi.jobs import services


@shared_task(acks_late=True)
def close_expired_jobs() -> int:
    """B1: close the jobs past their proposal deadline (Celery beat, every few minutes)."""
    return services.jobs_close_expired()
