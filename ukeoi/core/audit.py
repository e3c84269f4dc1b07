from typing import Any

from django.db import models

from ukeoi.core import clock
from ukeoi.core.models import AuditEvent


def audit(
    *,
    actor: Any,
    subject: models.Model,
    action: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    """Record a state change. Call inside the service's transaction."""
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        subject_type=subject._meta.label_lower,
        subject_id=str(subject.pk),
        action=action,
        before=before or {},
        after=after or {},
        at=clock.now(),
    )
