from django import template
from django.template.context import Context

from ukeoi.accounts.models import User
from ukeoi.accounts.visibility import name_visible_to

register = template.Library()


@register.simple_tag(takes_context=True)
def user_name(context: Context, subject: User) -> str:
    """A2: `{% user_name someone %}` prints what the signed-in viewer may see of `someone`."""
    request = context.get("request")
    return name_visible_to(getattr(request, "user", None), subject)
