"""What the accounts services share: message lists, the display-name check, the other
accounts, stored uploads."""

from typing import Any

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from ukeoi.accounts.models import (
    User,
)
from ukeoi.core.validators import accepted_upload

DISPLAY_NAME_MAX = 40


def _messages(error: ValidationError) -> list[Any]:
    return list(error.messages)


def _check_display_name(display_name: str, errors: dict[str, list[Any]]) -> str:
    display_name = display_name.strip()
    if not display_name:
        errors.setdefault("display_name", []).append(_("Enter a display name."))
    elif len(display_name) > DISPLAY_NAME_MAX:
        errors.setdefault("display_name", []).append(
            _("Use at most %(max)d characters.") % {"max": DISPLAY_NAME_MAX}
        )
    return display_name


def _others(exclude_pk: int | None) -> "QuerySet[User]":
    users = User.objects.all()
    return users if exclude_pk is None else users.exclude(pk=exclude_pk)


EMAIL_MAX = 254


def _accept_upload(file: File, validators: list[Any]) -> tuple[File, list[Any]]:
    """The file to store (an image re-encoded from its pixels alone, issue 14 item 4) and
    the problems that refuse it."""
    try:
        return accepted_upload(file, validators), []
    except ValidationError as error:
        return file, error.messages


def _delete_file_after_commit(field: Any) -> None:
    """Delete the stored file once the row's change commits (a rollback keeps both)."""
    name, storage = field.name, field.storage
    if name:
        transaction.on_commit(lambda: storage.delete(name))
