"""Refusals, in one place for every app.

A rule answers "may this happen?" with a `Refusal` (a value: code, message, HTTP family,
field) or None; a service that gets one calls `refuse(refusal)`, which raises the
`ApplicationError` of that family. Views and the API turn an `ApplicationError` into a 4xx
carrying `code` and the translated `message` (`ukeoi.core.api` for JSON,
`ukeoi.core.views.refused` for pages); `fields` maps a form field to its messages where
the refusal is about one field."""

from dataclasses import dataclass
from typing import Any, NoReturn

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class ApplicationError(Exception):
    code: str = "refused"
    status: int = 400

    def __init__(
        self,
        message: str | Promise,
        *,
        code: str | None = None,
        fields: dict[str, list[Any]] | None = None,
        status: int | None = None,
    ) -> None:
        super().__init__(str(message))
        self.message = message
        if code is not None:
            self.code = code
        if status is not None:
            self.status = status
        self.fields = fields or {}

    def as_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "message": str(self.message),
            "fields": {k: [str(m) for m in v] for k, v in self.fields.items()},
        }


class NotAllowed(ApplicationError):
    code = "forbidden"
    status = 403


class NotFound(ApplicationError):
    code = "not_found"
    status = 404


class Conflict(ApplicationError):
    code = "conflict"
    status = 409


class InvalidInput(ApplicationError):
    """Input that fails validation: 400 with the messages per field."""

    code = "invalid"

    @classmethod
    def of(cls, fields: dict[str, list[Any]]) -> "InvalidInput":
        return cls(_("Please correct the errors below."), fields=fields)


class AccountWithdrawn(NotAllowed):
    """W6: the actor's account was withdrawn (perhaps a moment ago, under the user lock)."""

    code = "account_withdrawn"

    def __init__(self, message: str | Promise | None = None) -> None:
        super().__init__(message or _("This account has been withdrawn and can no longer do this."))


@dataclass(frozen=True)
class Refusal:
    """Why an action may not happen: a stable code, a message, the HTTP family (403: not
    yours to do; 409: not possible in this state; 400: bad input; 404: no such thing) and
    the form field concerned, if any."""

    code: str
    message: str | Promise
    status: int = 409
    field: str | None = None

    def error(self) -> ApplicationError:
        error_class = _FAMILIES.get(self.status, Conflict)
        fields = {self.field: [self.message]} if self.field else None
        return error_class(self.message, code=self.code, fields=fields)


_FAMILIES: dict[int, type[ApplicationError]] = {
    400: InvalidInput,
    403: NotAllowed,
    404: NotFound,
    409: Conflict,
}


def refuse(refusal: Refusal) -> NoReturn:
    """Raise the refusal as the ApplicationError of its family."""
    raise refusal.error()
