"""A3, A5 (issue 14): the migration that moves the e-mail column to the normal form
(accounts 0006) stops, listing the twins and changing nothing, when two existing accounts
share one normal form; once the operator has changed one of them, it normalises every row.
Runs the real migration, backwards and forwards, on the test database."""

from collections.abc import Iterator

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder

from ukeoi.accounts.models import User

BEFORE = ("accounts", "0005_portfolio_image")
MIGRATION = ("accounts", "0006_email_normal_form")


def applied(name: tuple[str, str]) -> bool:
    return MigrationRecorder(connection).migration_qs.filter(app=name[0], name=name[1]).exists()


@pytest.fixture
def old_user_model() -> Iterator[type]:
    """The accounts app migrated back to before 0006, and its User model of that time; the
    latest schema is restored afterwards whatever happens."""
    call_command("migrate", *BEFORE, verbosity=0)
    try:
        state = MigrationExecutor(connection).loader.project_state(BEFORE)
        yield state.apps.get_model("accounts", "User")
    finally:
        call_command("migrate", "accounts", verbosity=0)


@pytest.mark.django_db(transaction=True)
def test_existing_twins_stop_the_migration_with_their_list_then_rows_are_normalised(
    old_user_model: type,
) -> None:
    def old(email: str, username: str) -> int:
        return int(
            old_user_model.objects.create(email=email, username=username, display_name=username).pk
        )

    lancer = old("lancer@demo.ukeoi.jp", "lancer")
    twin = old("Lancer@demo.ｕｋｅｏｉ.jp", "twin")  # allowed by the old lower() constraint
    taro = old("Taro@Example.JP", "taro")

    with pytest.raises(RuntimeError) as stopped:
        call_command("migrate", *MIGRATION, verbosity=0)

    report = str(stopped.value)
    assert "lancer@demo.ukeoi.jp" in report
    assert f"#{lancer}" in report
    assert f"#{twin}" in report
    assert f"#{taro}" not in report
    assert not applied(MIGRATION)
    stored = dict(old_user_model.objects.values_list("pk", "email"))
    assert stored[taro] == "Taro@Example.JP"  # nothing changed

    # The operator gives one of the twins another address, and migrates again.
    old_user_model.objects.filter(pk=twin).update(email="twin@example.jp")
    call_command("migrate", *MIGRATION, verbosity=0)

    assert applied(MIGRATION)
    assert dict(User.objects.values_list("pk", "email")) == {
        lancer: "lancer@demo.ukeoi.jp",
        twin: "twin@example.jp",
        taro: "taro@example.jp",
    }
