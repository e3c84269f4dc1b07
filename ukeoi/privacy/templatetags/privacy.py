from typing import Any

from django import template

from ukeoi.accounts.models import User
from ukeoi.contracts.selectors import rating_summary_get
from ukeoi.privacy.models import DataExport
from ukeoi.privacy.selectors import latest_export_get

register = template.Library()


@register.simple_tag
def latest_export(user: User) -> DataExport | None:
    """P3: `{% latest_export user as export %}` on the account settings page."""
    return latest_export_get(user=user)


@register.inclusion_tag("privacy/reputation.html")
def reputation(subject: User) -> dict[str, Any]:
    """A6, B5: `{% reputation subject %}` on a profile: the ratings, saying how many were
    carried over from a withdrawn account verified as the same person."""
    return {"summary": rating_summary_get(user_id=subject.pk)}
