"""Sessions in the database, read through the shared cache, that keep working when the
cache is away (issue 23).

Django's `cached_db` store already writes every session to the database first; but when
Redis is away its read path re-caches the row it read and lets that error escape, and its
`exists` and `delete` ask the cache first: every signed-in page answered 500. This store
treats the cache as a help: any cache error is logged (core.outages) and the database
answers alone.

A session changed or ended while the cache was unreachable, in a cache that then comes
back with its data (a network split rather than a restart), could be read stale from the
cache. Cached copies therefore live at most SESSION_CACHE_SECONDS (default 300): after
that the database, which always holds the truth, is read again."""

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.sessions.backends.base import VALID_KEY_CHARS
from django.contrib.sessions.backends.cached_db import SessionStore as CachedDBStore

from ukeoi.core.outages import CACHE_ERRORS, log_outage


class KeyCheck:
    """A session key is what Django makes (8+ of its lower-case letters and digits) or no
    key: a cookie carrying anything else (a NUL, which PostgreSQL refuses in a query and
    answered 500) starts an empty session, as an unknown key does (issue 14)."""

    def _validate_session_key(self, key: str | None) -> bool:
        return bool(key) and len(key or "") >= 8 and set(key or "") <= _KEY_CHARS


_KEY_CHARS = frozenset(VALID_KEY_CHARS)


class SessionStore(KeyCheck, CachedDBStore):
    # Set by Django's stores; not in their type stubs.
    _cache: Any
    _session: dict[str, Any]
    _get_session_from_db: Callable[[], Any]

    def _cache_seconds(self, expiry_age: int) -> int:
        return max(0, min(expiry_age, settings.SESSION_CACHE_SECONDS))

    def load(self) -> dict[str, Any]:
        try:
            data = self._cache.get(self.cache_key)
        except CACHE_ERRORS as error:
            log_outage("session cache", error)
            data = None
        except Exception:
            data = None  # as Django: a key the backend refuses resets the session (#17810)
        if data is not None:
            return data
        row = self._get_session_from_db()
        if not row:
            return {}
        data = self.decode(row.session_data)
        try:
            self._cache.set(
                self.cache_key,
                data,
                self._cache_seconds(self.get_expiry_age(expiry=row.expire_date)),
            )
        except CACHE_ERRORS as error:
            log_outage("session cache", error)
        return data

    def exists(self, session_key: str | None) -> bool:
        if not session_key:
            return False
        try:
            if (self.cache_key_prefix + session_key) in self._cache:
                return True
        except CACHE_ERRORS as error:
            log_outage("session cache", error)
        return bool(super(CachedDBStore, self).exists(session_key))

    def save(self, must_create: bool = False) -> None:
        super(CachedDBStore, self).save(must_create)
        try:
            self._cache.set(
                self.cache_key, self._session, self._cache_seconds(self.get_expiry_age())
            )
        except CACHE_ERRORS as error:
            log_outage("session cache", error)

    def delete(self, session_key: str | None = None) -> None:
        super(CachedDBStore, self).delete(session_key)
        if session_key is None:
            if self.session_key is None:
                return
            session_key = self.session_key
        try:
            self._cache.delete(self.cache_key_prefix + session_key)
        except CACHE_ERRORS as error:
            log_outage("session cache", error)
