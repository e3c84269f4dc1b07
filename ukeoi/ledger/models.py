"""Double-entry ledger tables (M1, M2).

Only `ukeoi.ledger.services.post` writes transactions and entries, and only it changes an
account's balance. The models refuse every other ORM write path: `save()` and `delete()`
of entries and transactions, `QuerySet.update()` / `delete()` on them, and `save()` of an
existing account. On PostgreSQL, triggers (migration 0002) also refuse UPDATE and DELETE of
entries and transactions, and refuse an INSERT statement whose entries do not sum to zero
per transaction.
"""

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ukeoi.core import clock
from ukeoi.core.errors import ApplicationError
from ukeoi.ledger.enums import (
    NEGATIVE_ALLOWED_KINDS,
    AccountKind,
    AccountScope,
    kinds_with_scope,
)


class LedgerWriteRefused(ApplicationError):
    """A code path tried to change ledger rows outside `post()`; always a programming error."""

    code = "ledger_write_refused"
    status = 500


def _refuse() -> NoReturn:
    raise LedgerWriteRefused(
        _("The ledger is append-only: it is written only by the posting service.")
    )


class LedgerAccount(models.Model):
    """One account of the ledger: a platform account, a user's account or a subject's account.

    The subject is named by strings (`"contracts.milestone"`, `"42"`) because the ledger
    imports no domain app."""

    # What the account holds; fixes its scope (KIND_SCOPE) and whether it may go negative.
    kind = models.CharField(_("kind"), max_length=32, choices=AccountKind.choices, editable=False)
    # Set exactly for owner-scoped kinds (CheckConstraint); the account is kept if the user leaves.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ledger_accounts",
        verbose_name=_("owner"),
        editable=False,
    )
    # Non-empty (with subject_id) exactly for subject-scoped kinds: "<app_label>.<model>".
    subject_type = models.CharField(_("subject type"), max_length=64, blank=True, editable=False)
    subject_id = models.CharField(_("subject id"), max_length=64, blank=True, editable=False)
    # Running balance = sum of this account's entries, updated in the same transaction
    # as they are written; >= 0 unless the kind may go negative (CheckConstraint).
    balance = models.BigIntegerField(_("balance"), default=0, editable=False)
    created_at = models.DateTimeField(_("created"), default=clock.now, editable=False)

    class Meta:
        verbose_name = _("ledger account")
        verbose_name_plural = _("ledger accounts")
        ordering = ["kind", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(
                        kind__in=kinds_with_scope(AccountScope.PLATFORM),
                        owner__isnull=True,
                        subject_type="",
                        subject_id="",
                    )
                    | Q(
                        kind__in=kinds_with_scope(AccountScope.OWNER),
                        owner__isnull=False,
                        subject_type="",
                        subject_id="",
                    )
                    | (
                        Q(kind__in=kinds_with_scope(AccountScope.SUBJECT), owner__isnull=True)
                        & ~Q(subject_type="")
                        & ~Q(subject_id="")
                    )
                ),
                name="ledger_account_kind_scope",
            ),
            models.CheckConstraint(
                condition=Q(balance__gte=0) | Q(kind__in=sorted(NEGATIVE_ALLOWED_KINDS)),
                name="ledger_account_balance_not_negative",
            ),
            models.UniqueConstraint(
                fields=["kind"],
                condition=Q(owner__isnull=True, subject_type=""),
                name="ledger_account_platform_unique",
            ),
            models.UniqueConstraint(
                fields=["kind", "owner"],
                condition=Q(owner__isnull=False),
                name="ledger_account_owner_unique",
            ),
            models.UniqueConstraint(
                fields=["kind", "subject_type", "subject_id"],
                condition=~Q(subject_type=""),
                name="ledger_account_subject_unique",
            ),
        ]

    def __str__(self) -> str:
        label = AccountKind(self.kind).label
        if self.owner_id is not None:
            return f"{label} · {self.owner}"
        if self.subject_type:
            return f"{label} · {self.subject_type}:{self.subject_id}"
        return str(label)

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            _refuse()
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        _refuse()

    @property
    def may_go_negative(self) -> bool:
        return self.kind in NEGATIVE_ALLOWED_KINDS


class AppendOnlyQuerySet(models.QuerySet[Any]):
    """`update()`, `bulk_update()` and `delete()` are refused; rows are only ever inserted."""

    def update(self, **kwargs: Any) -> NoReturn:
        _refuse()

    def delete(self) -> NoReturn:
        _refuse()

    def bulk_update(self, objs: Any, fields: Any, batch_size: int | None = None) -> NoReturn:
        _refuse()


class LedgerTransaction(models.Model):
    """One balanced movement of money: its entries sum to zero (M1)."""

    # Idempotency key (M2): posting the same key again never moves money twice.
    key = models.CharField(_("idempotency key"), max_length=200, unique=True)
    # What kind of movement, a dotted name chosen by the caller, e.g. "milestone.release".
    kind = models.CharField(_("kind"), max_length=64, db_index=True)
    memo = models.TextField(_("memo"), blank=True)
    created_at = models.DateTimeField(_("created"))
    # SHA-256 of kind and legs; the same key with a different fingerprint is a conflict.
    legs_fingerprint = models.CharField(_("legs fingerprint"), max_length=64)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("ledger transaction")
        verbose_name_plural = _("ledger transactions")
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.key

    def save(self, *args: Any, **kwargs: Any) -> NoReturn:
        _refuse()

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        _refuse()


class LedgerEntry(models.Model):
    """One leg of a transaction: a signed amount on one account. Never updated or deleted."""

    transaction = models.ForeignKey(
        LedgerTransaction,
        on_delete=models.PROTECT,
        related_name="entries",
        verbose_name=_("transaction"),
        db_index=False,  # the (transaction, account) unique index serves lookups
    )
    account = models.ForeignKey(
        LedgerAccount,
        on_delete=models.PROTECT,
        related_name="entries",
        verbose_name=_("account"),
        db_index=False,  # the (account, id) index serves lookups and statements
    )
    # Whole yen, credit > 0, debit < 0, never 0; a transaction's amounts sum to zero.
    amount = models.BigIntegerField(_("amount"))
    # The account's balance right after this entry; the running sum of its entries by id.
    balance_after = models.BigIntegerField(_("balance after"))

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="ledger_entry_amount_not_zero"),
            models.UniqueConstraint(
                fields=["transaction", "account"], name="ledger_entry_one_leg_per_account"
            ),
        ]
        indexes = [models.Index(fields=["account", "id"], name="ledger_entry_account_id")]

    def __str__(self) -> str:
        return f"{self.transaction_id}/{self.account_id}: {self.amount:+,}"

    def save(self, *args: Any, **kwargs: Any) -> NoReturn:
        _refuse()

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        _refuse()
