"""L4: a signed-in user agrees to a new version of the terms or the privacy policy before
going on. Browser requests are sent to the consent page; the API answers 403
`consent_required` (legal.api.ConsentAPI, which runs after the API's own authentication,
as a bearer token is only known there).

Cost per request: the current versions come from the cache (one lookup), and the user's
consents are read once (one indexed query) and then remembered on the session."""

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from ukeoi.legal import selectors

# Always reachable without agreeing: a user who does not agree must always be able to read
# what is asked, to leave (sign out, withdraw, export their data, ask for erasure; the
# account settings hold the export button and the way to withdraw, W3) and to ask the
# operators (the help centre and its contact form, P1). The admin is the operators' own
# tool; the API answers for itself (legal.api). Static and media files are no pages.
EXEMPT_PREFIXES: tuple[str, ...] = (
    "/legal/",
    "/accounts/logout/",
    "/accounts/settings/",
    "/withdrawal/",
    "/privacy/",
    "/help/",
    "/i18n/",
    "/admin/",
    "/api/",
    "/dev/outbox/",
)


def _exempt(path: str) -> bool:
    static = "/" + settings.STATIC_URL.lstrip("/")
    media = "/" + settings.MEDIA_URL.lstrip("/")
    return path.startswith((*EXEMPT_PREFIXES, static, media))


class ConsentRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and not _exempt(request.path_info):
            required = selectors.required_version_ids()
            if required and selectors.missing_consent_ids(
                user_id=user.pk, required=required, session=request.session
            ):
                target = reverse("legal:consent")
                if request.method in ("GET", "HEAD"):
                    target += "?" + urlencode({"next": request.get_full_path()})
                return HttpResponseRedirect(target)
        return self.get_response(request)
