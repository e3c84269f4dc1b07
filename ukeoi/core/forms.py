from typing import Any

from django import forms
from django.http import HttpResponse

from ukeoi.core.errors import ApplicationError


def apply_error(form: forms.Form, error: ApplicationError) -> None:
    """Show a service's refusal on the form: next to its fields, or above the form."""
    placed = False
    for field, messages in error.fields.items():
        for message in messages:
            form.add_error(field if field in form.fields else None, message)
            placed = True
    if not placed:
        form.add_error(None, str(error.message))


class InvalidIs400:
    """Bad input is a 4xx: a form view re-shows the form with its errors and status 400."""

    def form_invalid(self, form: Any) -> HttpResponse:
        response: HttpResponse = super().form_invalid(form)  # type: ignore[misc]
        response.status_code = 400
        return response
