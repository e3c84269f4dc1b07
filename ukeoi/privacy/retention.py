"""P4: how long each record kept after erasure stays, computed in one place. The receipt
states these dates and `services.purge_expired` deletes by the same function, so what the
person is told is what happens.

A payout and the bank transfer file that lists it are records of a transfer: kept 7 years
after the day the bank made it (the batch's payment date, M3), the tax record rule
(法人税法施行規則 59条, 所得税法 148条). The ledger and the contracts are records of the same
transactions: required as long as the last of them, then kept without personal data.
Issued documents (L1, T4) are kept until their own date, 7 years from the end of the fiscal
year they were issued in (documents.rules.retain_until), stored on each row."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Max
from django.utils import timezone

from ukeoi.accounts.models import User
from ukeoi.documents.selectors import documents_of
from ukeoi.ledger.models import LedgerTransaction
from ukeoi.payouts.models import Payout, PayoutFile

# Tax records (帳簿書類) are kept 7 years.
TAX_RETENTION_YEARS = 7


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def kept_until(day: date) -> date:
    """The last day a record of a transaction made on `day` is kept (7 years on)."""
    return add_years(day, TAX_RETENTION_YEARS)


def is_expired(day: date, *, today: date) -> bool:
    """True once the record of a transaction made on `day` is no longer kept."""
    return kept_until(day) < today


@dataclass(frozen=True)
class KeptRecord:
    """One line of the receipt's kept records (receipt.KEPT code)."""

    code: str
    # The last day it is kept (deleted after it, or kept anonymous after it); None: for good.
    until: date | None
    # transfer_files: (payment date, kept until) of each batch whose file lists the person.
    transfers: tuple[tuple[date, date], ...] = ()
    # documents: each issued document that names the person (L1, T4).
    documents: tuple["KeptDocument", ...] = ()


@dataclass(frozen=True)
class KeptDocument:
    """One issued document on the receipt: which, issued when, deleted after when."""

    number: str
    kind: str
    version: int
    issued_on: date
    until: date


def kept_records(*, user: User, today: date) -> list[KeptRecord]:
    """What erasure keeps of this account and until when, in receipt.KEPT order. Payouts and
    transfer files are listed only when there are some; `today` dates the anonymous records
    of an account that never moved money."""
    payments = sorted(
        set(Payout.objects.filter(user=user).values_list("batch__payment_date", flat=True))
    )
    # A file lists every payout of its batch that was exported (a later failure included).
    transfers = sorted(
        set(
            PayoutFile.objects.filter(
                batch__payouts__user=user, batch__payouts__exported_at__isnull=False
            ).values_list("batch__payment_date", flat=True)
        )
    )
    last_posting = LedgerTransaction.objects.filter(entries__account__owner=user).aggregate(
        last=Max("created_at")
    )["last"]
    days = [*payments, *([timezone.localdate(last_posting)] if last_posting else [])]
    last_day = max(days) if days else today
    records: list[KeptRecord] = []
    if payments:
        records.append(KeptRecord("payouts", kept_until(payments[-1])))
    if transfers:
        records.append(
            KeptRecord(
                "transfer_files",
                kept_until(transfers[-1]),
                tuple((day, kept_until(day)) for day in transfers),
            )
        )
    documents = tuple(
        KeptDocument(
            number=document.display_number,
            kind=document.kind,
            version=document.version,
            issued_on=timezone.localdate(document.issued_at),
            until=document.retain_until,
        )
        for document in documents_of(user.pk)
    )
    if documents:
        # Documents.retain_until is T4's date (7 years from the end of the fiscal year), the
        # one Document.objects.purge_expired deletes by.
        records.append(
            KeptRecord("documents", max(d.until for d in documents), documents=documents)
        )
    records += [
        KeptRecord("ledger", kept_until(last_day)),
        KeptRecord("contracts", kept_until(last_day)),
        KeptRecord("ratings", kept_until(last_day)),
        KeptRecord("retired_identifiers", None),
        KeptRecord("identity_digest", None),
    ]
    return records


# The kept records that `services.purge_expired` deletes (the others stay, anonymous).
PURGED = frozenset({"payouts", "transfer_files", "documents"})


def retain_until(records: list[KeptRecord]) -> date:
    """ErasureRequest.retain_until: the last day a record the purge deletes is kept (the
    account is purged the day after); for an account without one, the anonymous records'."""
    purged = [r.until for r in records if r.code in PURGED and r.until is not None]
    return max(purged or [r.until for r in records if r.until is not None])
