"""W8: `{% track_record subject %}` on a public profile: what stays visible after withdrawal
(the contracts completed on each side and how long the account has been registered)."""

from datetime import timedelta
from typing import Any

from django import template
from django.utils.timesince import timesince
from django.utils.translation import gettext as _

from ukeoi.accounts.models import User
from ukeoi.core import clock
from ukeoi.withdrawal.selectors import track_record_get

register = template.Library()

MONTH = timedelta(days=30)


def registered_for(subject: User) -> str:
    """How long the account has been (or was, until it withdrew) registered."""
    until = clock.now()
    if subject.is_withdrawn:
        withdrawal = getattr(subject, "withdrawal", None)
        until = getattr(withdrawal, "withdrawn_at", None) or until
    if until - subject.date_joined < MONTH:
        return _("less than a month")
    return timesince(subject.date_joined, until, depth=1)


@register.inclusion_tag("withdrawal/track_record.html")
def track_record(subject: User) -> dict[str, Any]:
    """W8: one query (the withdrawal row of a withdrawn account is read by the profile
    anyway)."""
    return {
        "record": track_record_get(user_id=subject.pk),
        "registered_for": registered_for(subject),
    }
