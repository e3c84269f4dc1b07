"""ApplicationError: what a service raises when an action is refused.

Views and the API turn it into a 4xx carrying `code` and the translated `message`;
`fields` maps a form field to its messages where the refusal is about one field."""

from typing import Any

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
