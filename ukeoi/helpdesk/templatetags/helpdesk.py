from django import template
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from ukeoi.accounts.models import User
from ukeoi.helpdesk.markup import plain_excerpt, render_faq_body

register = template.Library()


@register.filter
def faq_body(source: str) -> SafeString:
    """An FAQ article body as safe HTML (see ukeoi/helpdesk/markup.py)."""
    return render_faq_body(source)


@register.filter
def faq_excerpt(source: str, length: int = 120) -> str:
    return plain_excerpt(source, length)


@register.simple_tag
def poster_name(poster: User | None) -> str:
    """H2: who posted: the display name (A2: never the username, not even to counterparts:
    the room is public), or 退会済みユーザー once the account is withdrawn or gone."""
    if poster is None or poster.is_withdrawn:
        return _("Withdrawn user")
    return poster.display_name
