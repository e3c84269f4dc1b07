"""The site's URLs plus two views for tests/core/test_pagecache.py."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template import engines
from django.urls import path

from ukeoi.core.pagecache import visitor_page_cache
from ukeoi.urls import urlpatterns as site_urlpatterns

_SCRIPT = engines["django"].from_string(
    '<script nonce="{{ request.csp_nonce }}">var n = 1;</script>'
    "{% for m in messages %}<p>{{ m }}</p>{% endfor %}"
)


@visitor_page_cache("test")
def scripted(request: HttpRequest) -> HttpResponse:
    """A public page with an inline script (its nonce belongs to each request)."""
    return HttpResponse(_SCRIPT.render({}, request))


def leave_message(request: HttpRequest) -> HttpResponse:
    messages.info(request, "only for you")
    return redirect("/test/scripted/")


urlpatterns = [
    path("test/scripted/", scripted),
    path("test/message/", leave_message),
    *site_urlpatterns,
]
