from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def yen(value: int | None) -> str:
    """12345 -> '12,345円' (ja) / '¥12,345' (en). Money is integer yen (M1)."""
    if value is None:
        return ""
    amount = int(value)
    return _("%(amount)s yen") % {"amount": f"{amount:,}"}
