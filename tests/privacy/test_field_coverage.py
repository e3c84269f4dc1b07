"""P2: every text column of the project is either erased or kept for a stated reason, so a
column added later cannot silently keep personal data after erasure."""

from django.apps import apps
from django.db import models

from ukeoi.privacy.erasure import ERASED_TEXT_FIELDS, KEPT_TEXT_FIELDS, TEXT_SCRUBS

# Django's own tables: sessions end at withdrawal; the admin log is scrubbed by object (and
# by value elsewhere); permissions and content types name code, not people. axes: sign-in
# records, deleted at erasure and after SIGN_IN_RECORDS_KEEP_DAYS (erasure.py).
OUTSIDE = {"admin", "auth", "contenttypes", "sessions", "axes"}


def text_columns() -> set[str]:
    columns = set()
    for model in apps.get_models():
        if model._meta.app_label in OUTSIDE:
            continue
        for field in model._meta.concrete_fields:
            text = isinstance(
                field, models.CharField | models.TextField | models.FileField | models.JSONField
            )
            if text and not field.choices:
                columns.add(f"{model._meta.label}.{field.name}")
    return columns


def scrubbed() -> set[str]:
    return {f"{scrub.model._meta.label}.{field}" for scrub in TEXT_SCRUBS for field in scrub.fields}


def test_every_text_column_is_erased_or_kept_for_a_reason() -> None:
    unclassified = text_columns() - scrubbed() - ERASED_TEXT_FIELDS - set(KEPT_TEXT_FIELDS)

    assert not unclassified, (
        "New text columns: add each to ukeoi/privacy/erasure.py — TEXT_SCRUBS or "
        f"ERASED_TEXT_FIELDS if erasure must replace it, KEPT_TEXT_FIELDS with the reason if "
        f"not: {sorted(unclassified)}"
    )


def test_classification_names_only_existing_columns() -> None:
    named = scrubbed() | ERASED_TEXT_FIELDS | set(KEPT_TEXT_FIELDS)

    assert named <= text_columns()
    assert not (ERASED_TEXT_FIELDS | scrubbed()) & set(KEPT_TEXT_FIELDS)
