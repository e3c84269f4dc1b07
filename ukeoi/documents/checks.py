"""T1: the operator's own invoice registration number must be a real one (check digit):
`manage.py check` (and every start) refuses a wrong one, since every fee invoice and
receipt would print it."""

from typing import Any

from django.conf import settings
from django.core.checks import Error, register
from django.core.exceptions import ValidationError

from ukeoi.core.invoice_number import registration_number_clean


@register()
def platform_registration_number_check(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    value = settings.PLATFORM_INVOICE_REGISTRATION_NUMBER
    try:
        if registration_number_clean(value) == value:
            return []
        problem = f"PLATFORM_INVOICE_REGISTRATION_NUMBER={value!r} is not written as T + 13 digits."
    except ValidationError as error:
        problem = f"PLATFORM_INVOICE_REGISTRATION_NUMBER={value!r}: {' '.join(error.messages)}"
    return [
        Error(
            problem,
            hint="Set the number on the operator's notice of registration, e.g. T7123456789012.",
            id="ukeoi.E022",
        )
    ]
