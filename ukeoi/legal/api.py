"""L4 in the API: the current versions, the consent, and the API class that asks for it."""

from typing import Any

from django.contrib.auth import SESSION_KEY as SESSION_KEY_USER
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Router
from ninja.openapi.schema import OpenAPISchema

from ukeoi.accounts.auth import api_auth
from ukeoi.core.api import API, ERROR_REF, errors
from ukeoi.core.errors import NotAllowed
from ukeoi.legal import selectors, services
from ukeoi.legal.enums import CONSENT_KINDS
from ukeoi.legal.models import DocumentVersion
from ukeoi.legal.schemas import ConsentIn, LegalCurrentOut

# Routes a user who has not agreed may still call: the consent itself, and leaving
# (withdrawal, the data export, erasure), as on the site (legal.middleware).
EXEMPT_PREFIXES = ("/api/legal/", "/api/withdrawal", "/api/export", "/api/erasure")


class ConsentRequired(NotAllowed):
    code = "consent_required"


def consent_required_error() -> ConsentRequired:
    return ConsentRequired(
        _(
            "The terms of use or the privacy policy have changed. Please read the new "
            "version and agree to it (POST /api/legal/consents) before going on."
        )
    )


def _own_session(request: HttpRequest, user_id: int) -> Any:
    """The browser session, when the user is signed in through it (a bearer token's request
    gets no session: remembering there would start one and set a cookie)."""
    session = getattr(request, "session", None)
    if session is not None and session.get(SESSION_KEY_USER) == str(user_id):
        return session
    return None


class ConsentAPI(API):
    """The project's API, which answers 403 `consent_required` to a signed-in user (session
    or bearer token) who has not agreed to the current terms and privacy policy (L4).

    `create_temporal_response` runs after the route's authentication (core.api.API), so
    the user of a bearer token is known; the check costs one cache lookup and, for a user
    with a token, one indexed query (a session remembers it)."""

    def create_temporal_response(self, request: HttpRequest) -> HttpResponse:
        response = super().create_temporal_response(request)
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path_info.startswith(EXEMPT_PREFIXES)
        ):
            required = selectors.required_version_ids()
            session = _own_session(request, user.pk)
            if required and selectors.missing_consent_ids(
                user_id=user.pk, required=required, session=session
            ):
                raise consent_required_error()
        return response

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        for path, operations in schema.get("paths", {}).items():
            if path.startswith(EXEMPT_PREFIXES):
                continue
            for operation in operations.values():
                if isinstance(operation, dict) and operation.get("security"):
                    operation["responses"].setdefault(
                        "403",
                        {
                            "description": "Forbidden",
                            "content": {"application/json": {"schema": ERROR_REF}},
                        },
                    )
        return schema


def _anyone(request: HttpRequest) -> AnonymousUser:
    """Public route: signed in or not (a signed-in user also sees what they agreed to)."""
    return AnonymousUser()


router = Router(tags=["legal"], auth=api_auth)


def _current(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    user_id: int | None = user.pk if user is not None and user.is_authenticated else None
    signed_in = user_id is not None
    refs = selectors.current_refs()
    versions = {v.pk: v for v in selectors.versions_by_id([r.id for r in refs.values()])}
    required = selectors.required_version_ids()
    missing = (
        selectors.missing_consent_ids(user_id=user_id, required=required)
        if user_id is not None
        else []
    )
    documents = []
    for ref in sorted(refs.values(), key=lambda r: r.kind):
        version: DocumentVersion = versions[ref.id]
        consents = ref.kind in CONSENT_KINDS and signed_in
        documents.append(
            {
                "id": version.pk,
                "kind": version.kind,
                "number": version.number,
                "title": version.title,
                "effective_from": version.effective_from,
                "url": request.build_absolute_uri(version.get_absolute_url()),
                "consented": (version.pk not in missing) if consents else None,
            }
        )
    return {
        "documents": documents,
        "consent_required": bool(missing),
        "consent_version_ids": missing if signed_in else required,
    }


@router.get(
    "/legal/current", auth=[*api_auth, _anyone], response={200: LegalCurrentOut, **errors(401)}
)
def legal_current(request: HttpRequest) -> dict[str, object]:
    """L4: the terms, privacy policy and 特商法 notice in force, and which of them the
    signed-in user must still agree to."""
    return _current(request)


@router.post("/legal/consents", response={200: LegalCurrentOut, **errors(400, 401, 409)})
def legal_consent(request: HttpRequest, payload: ConsentIn) -> dict[str, object]:
    """L4: agree to the current versions (their ids from GET /api/legal/current). A version
    that is no longer current is refused with 409 `not_current`."""
    services.consent_give(actor=request.user, version_ids=payload.version_ids)  # type: ignore[arg-type]
    return _current(request)
