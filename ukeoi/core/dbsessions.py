"""Sessions in the database alone (no shared cache: one machine, development, tests), with
the key check of `ukeoi.core.sessions`."""

from django.contrib.sessions.backends.db import SessionStore as DBStore

from ukeoi.core.sessions import KeyCheck


class SessionStore(KeyCheck, DBStore):
    pass
