"""The default of SITE_URL, the address every link in a mail starts with (core.mail.absolute_url).

An explicit SITE_URL (environment or `.env`) always wins. Without one, a process started as
`manage.py runserver [options] [addrport]` (what `make run` does, and any runserver by hand,
including the autoreloader's child, which is started with the same arguments) links to the
address that runserver serves: `runserver 127.0.0.1:8101` mails links to port 8101. Every
other process (gunicorn, Celery, tests) falls back to `FALLBACK`. Links are never built from
the Host header of a request (A3: a password-reset link must not follow a forged Host).

This module is read by settings.py: it imports nothing of the project."""

import re
from collections.abc import Sequence

FALLBACK = "http://127.0.0.1:8000"
# Addresses that mean "every interface": a browser on this machine reaches them here.
_ANY_IPV4 = {"0", "0.0.0.0"}
_ANY_IPV6 = {"::", "0:0:0:0:0:0:0:0"}


def default(argv: Sequence[str]) -> str:
    """SITE_URL when the environment does not set it, for a process started with `argv`."""
    return runserver_site_url(argv) or FALLBACK


def runserver_site_url(argv: Sequence[str]) -> str | None:
    """The URL `manage.py runserver` serves when `argv` starts it, else None.

    Parsed with runserver's own parser and address pattern, so it agrees with the address
    runserver binds (port only, `addr:port`, `[ipv6]:port`, `-6`); arguments runserver would
    refuse give None (runserver says what is wrong)."""
    if len(argv) < 2 or argv[1] != "runserver":
        return None
    # Imported only under runserver, which imports it anyway.
    from django.core.management.base import CommandError
    from django.core.management.commands.runserver import Command, naiveip_re

    command = Command()
    try:
        options, _unknown = command.create_parser(argv[0], "runserver").parse_known_args(
            list(argv[2:])
        )
    except (CommandError, SystemExit):
        return None
    use_ipv6 = bool(options.use_ipv6)
    addr, port, raw_ipv6 = "", command.default_port, use_ipv6
    if options.addrport:
        match = re.match(naiveip_re, options.addrport)
        if match is None:
            return None
        addr, _ipv4, ipv6, _fqdn, port = match.groups()
        addr = addr or ""
        if ipv6:
            addr, raw_ipv6 = addr[1:-1], True
    if not addr:
        addr = command.default_addr_ipv6 if use_ipv6 else command.default_addr
    if addr in _ANY_IPV4:
        addr = "127.0.0.1"
    elif addr in _ANY_IPV6:
        addr = "::1"
    host = f"[{addr}]" if raw_ipv6 else addr
    return f"http://{host}:{port}"
