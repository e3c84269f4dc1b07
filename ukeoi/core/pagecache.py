"""Whole public pages as visitors (not signed in) see them, kept in the shared cache.

A page of the job list costs ~6 ms of templates and queries; the same page from the cache
costs one round trip to Redis. Only what is the same for every visitor is kept: the page
is rendered once, and the two values that belong to one request — the CSRF token of its
forms and the CSP nonce of its inline scripts — are replaced by placeholders in the kept
copy and filled in for each request (the CSRF cookie is then set as on a fresh render).

Freshness. Each cached page belongs to a *group* ("jobs", …). The group's generation is a
value in the shared cache; a cached page is used only if it was rendered at the current
generation. Apps call `invalidate_on(Model, group)` in their AppConfig.ready(): any save or
delete of such a row changes the generation at once and again when its transaction
commits (a page rendered from the old rows before the commit is then never served as
current). Writes that send no signal (`QuerySet.update`) are bounded by
VISITOR_PAGE_CACHE_SECONDS (60 s by default with Redis; 0 turns the cache off). The key
also holds the language, the local date (pages say "N days left") and the full path with
its query string.

Signed-in users, requests carrying messages, anything but GET, and answers other than a
plain 200 always go to the view.

Outages (issue 23). The cache is a help, never a dependency: when Redis is away a visitor
page is rendered by the view as if it were not cached, and a save's refresh of the
generation is logged, never raised — the save and its transaction go on. A refresh lost
that way is bounded by VISITOR_PAGE_CACHE_SECONDS, like a write that sends no signal."""

import hashlib
import re
import secrets
from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.cache import caches
from django.db import transaction
from django.db.models import Model
from django.db.models.signals import post_delete, post_save
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils import translation

from ukeoi.core import clock
from ukeoi.core.outages import CACHE_ERRORS, log_outage

View = Callable[..., HttpResponse]

# Placeholders kept in the cached copy; never valid tokens or nonces themselves.
CSRF_PLACEHOLDER = "\x00csrf\x00"
NONCE_PLACEHOLDER = "\x00nonce\x00"
_CSRF_INPUT = re.compile(r'(name="csrfmiddlewaretoken" value=")([^"]+)(")')


def _cache() -> Any:
    return caches["default"]


def _generation_key(group: str) -> str:
    return f"pagecache:generation:{group}"


def _new_generation(group: str) -> None:
    try:
        _cache().set(_generation_key(group), secrets.token_hex(8), None)
    except CACHE_ERRORS as error:
        log_outage("page cache (refresh)", error)


def invalidate(group: str) -> None:
    """Pages of this group rendered until now are no longer served: at once (this
    transaction's own later reads see it), and again when the current transaction commits
    (a page rendered meanwhile from the rows as they were before the commit is then not
    served either). Never raises: a cache that is away costs freshness, not the write."""
    _new_generation(group)
    transaction.on_commit(lambda: _new_generation(group), robust=True)


def invalidate_on(model: type[Model], group: str, *, ignore: Iterable[str] = ()) -> None:
    """Every save or delete of a `model` row invalidates `group`, except saves that write
    only fields in `ignore` (e.g. a user's last_login)."""
    ignored = frozenset(ignore)

    def on_save(sender: Any, update_fields: Any = None, **kwargs: Any) -> None:
        if update_fields is not None and ignored and set(update_fields) <= ignored:
            return
        invalidate(group)

    def on_delete(sender: Any, **kwargs: Any) -> None:
        invalidate(group)

    uid = f"pagecache:{group}:{model._meta.label}"
    post_save.connect(on_save, sender=model, weak=False, dispatch_uid=uid + ":save")
    post_delete.connect(on_delete, sender=model, weak=False, dispatch_uid=uid + ":delete")


def _is_visitor(request: HttpRequest) -> bool:
    if request.method != "GET" or request.user.is_authenticated:
        return False
    # A message waiting to be shown (e.g. "you are signed out") belongs to this visitor.
    return len(messages.get_messages(request)) == 0


def _page_key(group: str, request: HttpRequest) -> str:
    where = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:32]
    return f"pagecache:page:{group}:{translation.get_language()}:{clock.today()}:{where}"


def _placeholders(body: str, request: HttpRequest) -> str:
    """The rendered page with this request's token and nonce replaced by placeholders."""
    body = _CSRF_INPUT.sub(rf"\g<1>{CSRF_PLACEHOLDER}\g<3>", body)
    nonce = getattr(request, "_csp_nonce", None)  # set only if the page used it
    if nonce:
        body = body.replace(str(nonce), NONCE_PLACEHOLDER)
    return body


def _filled(body: str, request: HttpRequest) -> str:
    if CSRF_PLACEHOLDER in body:
        body = body.replace(CSRF_PLACEHOLDER, get_token(request))
    if NONCE_PLACEHOLDER in body:
        body = body.replace(NONCE_PLACEHOLDER, str(request.csp_nonce))  # type: ignore[attr-defined]
    return body


def visitor_page_cache(group: str) -> Callable[[View], View]:
    """Serve this view's page to visitors from the shared cache (see the module)."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            seconds = settings.VISITOR_PAGE_CACHE_SECONDS
            if not seconds or not _is_visitor(request):
                return view(request, *args, **kwargs)
            cache = _cache()
            generation_key, page_key = _generation_key(group), _page_key(group, request)
            try:
                found = cache.get_many([generation_key, page_key])
                generation = found.get(generation_key)
                if generation is None:
                    generation = secrets.token_hex(8)
                    cache.add(generation_key, generation, None)
                    generation = cache.get(generation_key, generation)
            except CACHE_ERRORS as error:
                log_outage("page cache", error)
                return view(request, *args, **kwargs)
            kept = found.get(page_key)
            if kept is not None and kept[0] == generation:
                _, content_type, body = kept
                return HttpResponse(_filled(body, request), content_type=content_type)
            response = view(request, *args, **kwargs)
            if (
                response.status_code == 200
                and not response.streaming
                and not response.cookies
                and not response.has_header("Set-Cookie")
            ):
                charset = response.charset
                body = _placeholders(response.content.decode(charset), request)
                try:
                    cache.set(page_key, (generation, response["Content-Type"], body), seconds)
                except CACHE_ERRORS as error:
                    log_outage("page cache", error)
            return response

        return wrapper

    return decorator
