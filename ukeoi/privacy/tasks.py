from celery import shared_task

from ukeoi.privacy import services


@shared_task(acks_late=True)
def run_due_erasures() -> int:
    """P4: perform the erasures whose 14 days have passed (Celery beat; also
    `manage.py privacy_run_due`)."""
    return services.erasure_run_due()


@shared_task(acks_late=True)
def expire_sign_in_records() -> dict[str, int]:
    """P2: delete sign-in records older than SIGN_IN_RECORDS_KEEP_DAYS (Celery beat; also
    `manage.py privacy_expire_sign_ins`)."""
    return services.sign_in_records_expire()


@shared_task(acks_late=True)
def build_export(export_id: int) -> None:
    """P3: build one export archive. A failure marks the export failed, so the user can
    ask again, and is re-raised for the worker's log."""
    try:
        services.export_build(export_id=export_id)
    except Exception:
        services.export_fail(export_id=export_id)
        raise
