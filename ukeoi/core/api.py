"""Pieces every app's API router uses: the API class, the one error shape and its
registration."""

import json
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, ValidationError
from ninja.openapi.schema import OpenAPISchema

from ukeoi.core import characters
from ukeoi.core.errors import ApplicationError, InvalidInput

FORM_CONTENT_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")


class API(NinjaAPI):
    """The NinjaAPI of ukeoi: every operation's input passes `refuse_control_characters`.

    django-ninja runs an operation as: authentication and throttling, then
    `create_temporal_response`, then parsing and validating the input, then the handler
    (sync and async operations alike). Hooking the check in there puts it after "who are
    you" (401 first) and before any schema sees the input, on every route at once: a new
    route cannot leave it out."""

    def create_temporal_response(self, request: HttpRequest) -> HttpResponse:
        refuse_control_characters(request)
        return super().create_temporal_response(request)

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        return OneNamePerSchema(api=self, path_prefix=path_prefix)


class OneNamePerSchema(OpenAPISchema):
    """The OpenAPI document, refusing two different schemas under one name.

    django-ninja names a component after its class and keeps the last definition of a name
    (`add_schema_definitions` is a dict update): two apps' `FeesOut` made the milestone's
    fees declare the bank transfer fees' fields, and every contract answer "violated" its
    own schema. A name must stand for one shape, so the document is not built until the
    second class is renamed."""

    def add_schema_definitions(self, definitions: dict[str, Any]) -> None:
        for name, definition in definitions.items():
            known = self.schemas.get(name)
            if known is not None and known != definition:
                raise ImproperlyConfigured(
                    f"Two API schemas are named {name!r}; rename one (fields "
                    f"{sorted(known.get('properties', {}))} and "
                    f"{sorted(definition.get('properties', {}))})."
                )
        super().add_schema_definitions(definitions)


def refuse_control_characters(request: HttpRequest) -> None:
    """Issue 14 item 1: refuse, as 400 {"code": "invalid"} naming each field, a request that
    carries an unusable character (`ukeoi.core.characters`) in a path parameter, a query
    parameter (name or value), or a body field (name or value, at any depth; JSON or form
    data). What the client sent is checked, not what a schema kept of it, so a field the
    route ignores is refused too. A body that is not JSON is left to ninja's own 400."""
    bad: list[str] = []
    match = request.resolver_match
    for name, value in (match.kwargs if match else {}).items():
        if isinstance(value, str) and characters.has_unusable(value, parameter=True):
            bad.append(name)
    bad += _bad_form_fields(request.GET, parameter=True)
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        if request.content_type in FORM_CONTENT_TYPES:
            bad += _bad_form_fields(request.POST, parameter=False)
        elif request.body:
            try:
                document = json.loads(request.body)
            except (ValueError, RecursionError):
                document = None
            bad += _bad_json_fields(document)
    if bad:
        raise InvalidInput.of(
            {characters.printable_name(name): [characters.MESSAGE] for name in bad}
        )


def _bad_form_fields(data: Any, *, parameter: bool) -> list[str]:
    bad = []
    for name, values in data.lists():
        if characters.has_unusable(name, parameter=True) or any(
            characters.has_unusable(value, parameter=parameter) for value in values
        ):
            bad.append(name)
    return bad


def _bad_json_fields(document: Any) -> list[str]:
    """The dotted names (`milestones.0.title`) of the strings and keys of a JSON document
    that carry an unusable character; iterative, as a document may nest deeply."""
    bad = []
    pending: list[tuple[str, Any]] = [("", document)]
    while pending:
        name, value = pending.pop()
        if isinstance(value, str):
            if characters.has_unusable(value):
                bad.append(name or "body")
        elif isinstance(value, dict):
            for key, item in value.items():
                child = f"{name}.{key}" if name else key
                if characters.has_unusable(key, parameter=True):
                    bad.append(child)
                else:
                    pending.append((child, item))
        elif isinstance(value, list):
            pending += [(f"{name}.{i}" if name else str(i), item) for i, item in enumerate(value)]
    return sorted(bad)


class ErrorOut(Schema):
    """Every 4xx answer: a stable machine code, a message in the request's language, and
    messages per input field where the problem is a field."""

    code: str
    message: str
    fields: dict[str, list[str]]


def errors(*statuses: int) -> dict[int, type[ErrorOut]]:
    """`response={200: Out, **errors(400, 401)}` declares the error answers of a route."""
    return dict.fromkeys(statuses, ErrorOut)


def _field_message(err: dict[str, Any]) -> str:
    kind = err.get("type", "")
    loc = [str(p) for p in err.get("loc", ())]
    if kind == "extra_forbidden" and loc and loc[-1] == "username":
        return _("The username can never be changed.")
    if kind == "missing":
        return _("This field is required.")
    if kind == "extra_forbidden":
        return _("This field is not accepted here.")
    if kind.startswith("string_too_long"):
        return _("This value is too long.")
    if kind == "json_invalid":
        return _("The request body is not valid JSON.")
    return _("Enter a valid value.")


def install_error_handlers(api: NinjaAPI) -> None:
    install_openapi_declarations(api)

    def respond(request: HttpRequest, status: int, body: dict[str, Any]) -> HttpResponse:
        return api.create_response(request, body, status=status)

    @api.exception_handler(ApplicationError)
    def application_error(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
        return respond(request, exc.status, exc.as_dict())

    @api.exception_handler(ValidationError)
    def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        fields: dict[str, list[str]] = {}
        for err in exc.errors:
            loc = [
                str(p) for p in err.get("loc", ()) if p not in ("body", "payload", "query", "path")
            ]
            fields.setdefault(".".join(loc) or "body", []).append(_field_message(err))
        return respond(
            request,
            400,
            {"code": "invalid", "message": _("Please correct the errors below."), "fields": fields},
        )

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        message = _("Sign in, or send a valid API token as “Authorization: Bearer <token>”.")
        return respond(request, 401, {"code": "unauthenticated", "message": message, "fields": {}})

    @api.exception_handler(AuthorizationError)
    def forbidden(request: HttpRequest, exc: AuthorizationError) -> HttpResponse:
        message = _("You are not allowed to do this.")
        return respond(request, 403, {"code": "forbidden", "message": message, "fields": {}})

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        message = _("Not found.")
        return respond(request, 404, {"code": "not_found", "message": message, "fields": {}})

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if exc.status_code == 400:
            # django-ninja's only HttpError(400): a request body it cannot parse. Its own
            # message is English whatever the request's language.
            message = _("The request body is not valid JSON.")
            return respond(
                request, 400, {"code": "invalid", "message": message, "fields": {"body": [message]}}
            )
        if exc.status_code == 403:
            # django-ninja's HttpError(403): the session's CSRF token is missing or wrong.
            message = _(
                "The request was refused because its CSRF token is missing or wrong. "
                "Reload the page, or use an API token instead of the session."
            )
            return respond(request, 403, {"code": "csrf_failed", "message": message, "fields": {}})
        return respond(
            request,
            exc.status_code,
            {"code": f"http_{exc.status_code}", "message": str(exc.message), "fields": {}},
        )


ERROR_REF = {"$ref": "#/components/schemas/ErrorOut"}


def declare_input_errors(schema: dict[str, Any]) -> dict[str, Any]:
    """Every operation that takes a path or query parameter or a body can answer 400 (the
    validation handler above, for a malformed id or a body of the wrong shape), and every
    one that needs a signed-in user can answer 401: declare both where a route did not."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components.setdefault("ErrorOut", ErrorOut.model_json_schema())
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses = operation["responses"]
            wanted = []
            if operation.get("parameters") or operation.get("requestBody"):
                wanted.append(("400", "Bad Request"))
            if operation.get("security"):
                wanted.append(("401", "Unauthorized"))
            for status, description in wanted:
                responses.setdefault(
                    status,
                    {
                        "description": description,
                        "content": {"application/json": {"schema": ERROR_REF}},
                    },
                )
    return schema


def install_openapi_declarations(api: NinjaAPI) -> None:
    generate = api.get_openapi_schema

    def get_openapi_schema(**kwargs: Any) -> Any:
        return declare_input_errors(generate(**kwargs))

    api.get_openapi_schema = get_openapi_schema  # type: ignore[method-assign]
