from celery import shared_task

from ukeoi.withdrawal import services


@shared_task(acks_late=True)
def end_sessions(user_id: int) -> int:
    """W7: delete the withdrawn account's session rows (after the withdrawal committed)."""
    return services.sessions_end(user_id=user_id)


@shared_task(acks_late=True)
def withdraw_when_clear() -> int:
    """W9: complete the withdraw-when-clear requests whose blockers have cleared (beat)."""
    return services.withdraw_when_clear_run()
