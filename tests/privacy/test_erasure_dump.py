"""P2, issue 22: after erasure, a dump of the whole database (`pg_dump --data-only` on
PostgreSQL, `iterdump()` on SQLite) holds no value of the person — in any case, width,
kana form or JSON escape — outside the columns erasure.KEPT_VALUES names with the rule that
keeps each; and MEDIA_ROOT holds no file of theirs but the bank transfer files, P2's stated
exception, which the receipt lists with the date each will be deleted (P4)."""

import os
import subprocess
from collections.abc import Iterable
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core import mail
from django.db import connection
from django.test import Client

from tests.privacy.footprint import (
    BANK_NUMBER,
    Cell,
    Footprint,
    build_and_erase,
    pg_dump_cells,
    sqlite_dump_cells,
    variants,
)
from ukeoi.accounts.models import User
from ukeoi.payouts.models import PayoutFile
from ukeoi.privacy.erasure import ERASED_DISPLAY_NAME, KEPT_TEXT_FIELDS, KEPT_VALUES
from ukeoi.privacy.models import ErasureRequest

pytestmark = pytest.mark.django_db(transaction=True)


def kept_columns() -> dict[tuple[str, str], str]:
    """KEPT_VALUES as (table, column) -> the rule."""
    columns = {}
    for label, rule in KEPT_VALUES.items():
        app_model, field_name = label.rsplit(".", 1)
        model = apps.get_model(app_model)
        columns[(model._meta.db_table, model._meta.get_field(field_name).column)] = rule
    return columns


def dump_cells() -> list[Cell]:
    if connection.vendor == "postgresql":
        db = connection.settings_dict
        env = {**os.environ, "PGPASSWORD": db.get("PASSWORD") or ""}
        command = ["pg_dump", "--data-only", "--no-owner", "-d", db["NAME"]]
        for flag, key in (("-h", "HOST"), ("-p", "PORT"), ("-U", "USER")):
            if db.get(key):
                command += [flag, str(db[key])]
        dump = subprocess.run(command, env=env, check=True, capture_output=True, text=True)
        return list(pg_dump_cells(dump.stdout))
    raw = connection.connection
    columns = {
        table: [row[1] for row in raw.execute(f'PRAGMA table_info("{table}")')]
        for (table,) in raw.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    }
    return list(sqlite_dump_cells(raw.iterdump(), columns))


def hits(cells: Iterable[Cell], values: list[str]) -> list[tuple[str, str, str]]:
    """(table.column, value searched, the text around it) for every cell holding a variant."""
    searched = {value: variants(value) for value in values}
    found = []
    for cell in cells:
        for value, forms in searched.items():
            form = next((f for f in forms if f in cell.text), None)
            if form is not None:
                at = cell.text.index(form)
                found.append(
                    (f"{cell.table}.{cell.column}", value, cell.text[max(0, at - 30) : at + 60])
                )
    return found


def media_files() -> set[str]:
    root = Path(settings.MEDIA_ROOT)
    return (
        {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}
        if root.exists()
        else set()
    )


@pytest.fixture
def footprint(client: Client) -> Footprint:
    before: list[Cell] = []
    person = build_and_erase(client, before_erasure=lambda: before.extend(dump_cells()))
    # The search sees every value while the person still has it (else it proves nothing).
    assert {value for _where, value, _text in hits(before, person.erased)} == set(person.erased)
    assert hits(before, person.never_stored) == []
    return person


def test_the_kept_values_list_names_kept_columns_only() -> None:
    """P2: the one list of allowed columns is a subset of the classified kept columns, and
    each says which rule keeps it."""
    assert set(KEPT_VALUES) <= set(KEPT_TEXT_FIELDS)
    assert all(rule.split(":")[0].strip() for rule in KEPT_VALUES.values())


def test_no_value_of_the_person_is_left_outside_the_kept_columns(footprint: Footprint) -> None:
    """P2, issue 22 items 1-4: the dump holds none of the erased values anywhere (axes
    sign-in records, the admin log, the erased job, every address included), and the
    values of kept records (a contract's job title, the retired username) only in the
    columns KEPT_VALUES names."""
    user = User.objects.get(pk=footprint.user.pk)
    assert user.display_name == ERASED_DISPLAY_NAME
    cells = dump_cells()
    assert any(c.table == "accounts_user" for c in cells), "the dump was read"

    kept = kept_columns()
    # P2's exception: issued documents (L1, T4) keep the parties' names as issued.
    documents = {c for c, rule in kept.items() if rule.startswith("P2 exception, L1, T4")}
    erased_hits = [
        hit
        for hit in hits(cells, footprint.erased + footprint.never_stored)
        if tuple(hit[0].split(".")) not in documents
    ]
    kept_hits = [hit for hit in hits(cells, footprint.kept) if tuple(hit[0].split(".")) not in kept]

    assert erased_hits == []
    assert kept_hits == []
    # The kept values really are there, in kept columns: the search can see them.
    assert {hit[0] for hit in hits(cells, footprint.kept)} >= {
        "jobs_job.title",
        "accounts_retiredidentifier.value",
    }


def test_media_holds_only_the_transfer_file_which_the_receipt_lists(
    footprint: Footprint,
) -> None:
    """P2, P4, issue 22 item 6: the person's uploads and export are gone from storage; the
    Zengin transfer file, which lists their account as the bank received it, is the one
    file left, and the receipt names it with the date it will be deleted."""
    transfer_files = set(PayoutFile.objects.values_list("file", flat=True))

    assert media_files() == transfer_files
    (name,) = transfer_files
    content = (Path(settings.MEDIA_ROOT) / name).read_bytes()
    assert BANK_NUMBER.encode() in content  # the P2 exception: kept as the bank got it
    request = ErasureRequest.objects.get(user=footprint.user)
    transfers = {line["code"]: line for line in request.receipt["kept"]}["transfer_files"]
    assert transfers["transfers"] == [{"payment_date": "2026-03-31", "until": "2033-03-31"}]
    (receipt,) = [
        m for m in mail.outbox if m.to == ["h.ashiato.new@example.jp"] and "2033" in m.body
    ]
    assert "2033年3月31日" in receipt.body
