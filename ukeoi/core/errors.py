"""ApplicationError: what a service raises when an action is refused.

Views and the API turn it into a 4xx carrying `code` and the translated `message`;
`fields` maps a form field to its messages where the refusal is about one field."""

from django.utils.functional import Promise


class ApplicationError(Exception):
    code: str = "refused"
    status: int = 400

    def __init__(
        self,
        message: str | Promise,
        *,
        code: str | None = None,
        fields: dict[str, list[str]] | None = None,
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
