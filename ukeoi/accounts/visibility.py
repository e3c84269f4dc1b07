"""A2: who may see a user's username.

Other users see the display name. A counterpart sees the username once the two accounts
transact or one proposes on the other's job; those facts live in higher apps (jobs,
contracts), which register a check here from their AppConfig.ready(), so this app never
imports them."""

from collections.abc import Callable

from ukeoi.accounts.models import User

CounterpartCheck = Callable[[User, User], bool]
_counterpart_checks: list[CounterpartCheck] = []


def register_counterpart_check(check: CounterpartCheck) -> None:
    if check not in _counterpart_checks:
        _counterpart_checks.append(check)


def username_visible_to(viewer: User | None, subject: User) -> bool:
    if viewer is None or not viewer.is_authenticated:
        return False
    if viewer.pk == subject.pk:
        return True
    return any(check(viewer, subject) for check in _counterpart_checks)


def name_visible_to(viewer: User | None, subject: User) -> str:
    """The name to print for `subject` on a page that `viewer` reads."""
    if username_visible_to(viewer, subject):
        return f"{subject.display_name} (@{subject.username})"
    return subject.display_name
