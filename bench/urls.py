"""The site's URLs plus the bare view of the HTTP bench (bench/http_load.py)."""

from django.http import HttpRequest, JsonResponse
from django.urls import path

from ukeoi.urls import urlpatterns as site_urlpatterns


def bare(request: HttpRequest) -> JsonResponse:
    """The cheapest Django answer through the same middleware: no database, no template."""
    return JsonResponse({"ok": True})


urlpatterns = [path("bench/bare/", bare, name="bench_bare"), *site_urlpatterns]

handler500 = "ukeoi.core.views.server_error"
