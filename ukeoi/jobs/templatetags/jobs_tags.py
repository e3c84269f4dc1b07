from django import template

from ukeoi.jobs.selectors import TrustSignals

register = template.Library()


@register.filter
def trust_of(signals: dict[int, TrustSignals], user_id: int) -> TrustSignals | None:
    """`{{ trust|trust_of:job.client_id }}`: one user's trust signals from a page's lookup."""
    return signals.get(user_id)
