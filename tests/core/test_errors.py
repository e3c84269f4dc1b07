"""ApplicationError is what a service raises when it refuses; views and the API show it."""

from typing import cast

from django import forms
from django.utils import translation
from django.utils.translation import gettext_lazy

from ukeoi.core.errors import ApplicationError, Conflict, NotAllowed, NotFound
from ukeoi.core.forms import apply_error


def test_error_as_dict_has_code_message_and_fields_as_plain_strings() -> None:
    error = ApplicationError(
        gettext_lazy("This field is required."),
        code="invalid",
        # Services pass lazy messages; as_dict renders them in the active language.
        fields={"email": [cast(str, gettext_lazy("This field is required."))]},
    )

    with translation.override("en"):
        body = error.as_dict()

    assert body == {
        "code": "invalid",
        "message": "This field is required.",
        "fields": {"email": ["This field is required."]},
    }


def test_lazy_message_is_rendered_in_the_language_active_when_shown() -> None:
    error = ApplicationError(gettext_lazy("This field is required."))

    with translation.override("en"):
        english = error.as_dict()["message"]
    with translation.override("ja"):
        japanese = error.as_dict()["message"]

    assert english == "This field is required."
    assert japanese != english


def test_error_kinds_carry_their_http_status_and_code() -> None:
    assert (ApplicationError("x").status, ApplicationError("x").code) == (400, "refused")
    assert (NotAllowed("x").status, NotAllowed("x").code) == (403, "forbidden")
    assert (NotFound("x").status, NotFound("x").code) == (404, "not_found")
    assert (Conflict("x").status, Conflict("x").code) == (409, "conflict")
    assert ApplicationError("x", code="late", status=409).as_dict()["code"] == "late"


class _Form(forms.Form):
    email = forms.CharField()


def test_apply_error_puts_field_messages_next_to_their_field() -> None:
    form = _Form({"email": "a"})
    form.is_valid()

    apply_error(form, ApplicationError("top", fields={"email": ["taken"], "other": ["why"]}))

    assert form.errors["email"] == ["taken"]
    assert form.non_field_errors() == ["why"]


def test_apply_error_without_fields_shows_the_message_above_the_form() -> None:
    form = _Form({"email": "a"})
    form.is_valid()

    apply_error(form, ApplicationError("Already decided."))

    assert form.non_field_errors() == ["Already decided."]
