"""T2, M1: the issued tax documents reconcile with the ledger to the yen.

`documents_reconcile()` lists every discrepancy (empty: all reconcile):

1. per numbering series, the numbers present run without a gap (the purge removes the
   oldest only, so what is left is still one run);
2. each T2 document adds up: its lines make its total, each tax rate's tax is the tax in
   that rate's total rounded down once, and what is paid is the total less the tax withheld;
3. each accepted milestone has its fee invoice (when it had a fee) and its reward invoice or
   payment notice, and their totals are the acceptance's legs: the fee revenue, the escrow
   released and the income tax withheld (T3);
4. each confirmed client payment has its receipt for the amount received and, when it
   carried a fee, its fee invoice for the fee revenue posted.

Run by `manage.py documents_check` (CI runs it on the demo data, after ledger_check).
Reads in bulk: one query per step, whatever the number of documents."""

from collections import defaultdict
from typing import Any

from django.db.models import Count, Max, Min

from ukeoi.contracts.enums import MilestoneStatus
from ukeoi.contracts.models import Milestone
from ukeoi.contracts.tax_documents import SUBJECT_TYPE as MILESTONE_SUBJECT
from ukeoi.documents.models import Document, DocumentKind
from ukeoi.documents.tax import tax_included
from ukeoi.jobs.enums import PaymentStatus
from ukeoi.jobs.models import ClientPayment
from ukeoi.jobs.tax_documents import SUBJECT_TYPE as PAYMENT_SUBJECT
from ukeoi.ledger.enums import AccountKind
from ukeoi.ledger.models import LedgerEntry

TAX_KINDS = (
    DocumentKind.FEE_INVOICE,
    DocumentKind.REWARD_INVOICE,
    DocumentKind.PAYMENT_NOTICE,
    DocumentKind.RECEIPT,
    DocumentKind.PAYMENT_RECORD,
)


def _gaps() -> list[str]:
    rows = Document.objects.values("series").annotate(
        lo=Min("number"), hi=Max("number"), n=Count("pk")
    )
    return [
        f"series {r['series']}: {r['n']} documents numbered {r['lo']}..{r['hi']} (a gap)"
        for r in rows
        if r["hi"] - r["lo"] + 1 != r["n"]
    ]


def _sums(document: Document) -> list[str]:
    payload: dict[str, Any] = document.payload
    name = document.display_number
    problems = []
    total = sum(line["amount"] for line in payload["lines"])
    if total != payload["total"] or total != document.total_amount:
        problems.append(
            f"{name}: lines {total} != total {payload['total']}/{document.total_amount}"
        )
    if sum(row["amount"] for row in payload["by_rate"]) != total:
        problems.append(f"{name}: the amounts per tax rate do not make the total")
    for row in payload["by_rate"]:
        if row["tax"] != tax_included(row["amount"], row["rate"]):
            problems.append(f"{name}: tax at {row['rate']}% is {row['tax']}, not the rounded one")
    if payload["payable"] != total - payload["withholding"]:
        problems.append(f"{name}: paid {payload['payable']} != total less withholding")
    return problems


def _legs(kind: str) -> dict[str, dict[str, int]]:
    """Ledger transaction key -> account kind -> amount, for every transaction of `kind`."""
    legs: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for key, account_kind, amount in LedgerEntry.objects.filter(transaction__kind=kind).values_list(
        "transaction__key", "account__kind", "amount"
    ):
        legs[key][account_kind] += amount
    return legs


def _latest(subject_type: str) -> dict[tuple[str, str], Document]:
    """(kind, subject id) -> the newest version of each T2 document of `subject_type`."""
    found: dict[tuple[str, str], Document] = {}
    for document in Document.objects.filter(subject_type=subject_type, kind__in=TAX_KINDS).order_by(
        "version"
    ):
        found[(document.kind, document.subject_id)] = document
    return found


def _expect(
    problems: list[str],
    documents: dict[tuple[str, str], Document],
    what: str,
    kinds: tuple[str, ...],
    subject_id: str,
    amount: int,
    withholding: int = 0,
) -> None:
    document = next(
        (documents[(k, subject_id)] for k in kinds if (k, subject_id) in documents), None
    )
    if document is None:
        problems.append(f"{what}: no {'/'.join(kinds)} document")
        return
    if document.total_amount != amount:
        problems.append(
            f"{what}: {document.display_number} states {document.total_amount}, the ledger {amount}"
        )
    if document.payload.get("withholding", 0) != withholding:
        problems.append(
            f"{what}: {document.display_number} withholds {document.payload.get('withholding')}, "
            f"the ledger {withholding}"
        )


def documents_reconcile() -> list[str]:
    problems = _gaps()
    for document in Document.objects.filter(kind__in=TAX_KINDS).iterator(chunk_size=2000):
        problems += _sums(document)

    accepted = _legs("milestone.accept")
    documents = _latest(MILESTONE_SUBJECT)
    for (pk,) in Milestone.objects.filter(status=MilestoneStatus.ACCEPTED).values_list("pk"):
        legs = accepted.get(f"milestone:{pk}:accept", {})
        what = f"milestone {pk}"
        if legs.get(AccountKind.FEE_REVENUE_LANCER):
            _expect(
                problems,
                documents,
                what,
                (DocumentKind.FEE_INVOICE,),
                str(pk),
                legs[AccountKind.FEE_REVENUE_LANCER],
            )
        _expect(
            problems,
            documents,
            what,
            (DocumentKind.REWARD_INVOICE, DocumentKind.PAYMENT_NOTICE),
            str(pk),
            -legs.get(AccountKind.ESCROW, 0),
            legs.get(AccountKind.WITHHOLDING, 0),
        )

    received = _legs("client_payment.received")
    escrowed = {**_legs("client_payment.escrow"), **_legs("milestone.escrow")}
    documents = _latest(PAYMENT_SUBJECT)
    for (pk,) in ClientPayment.objects.filter(status=PaymentStatus.CONFIRMED).values_list("pk"):
        what = f"client payment {pk}"
        paid = received.get(f"client_payment:{pk}:received", {}).get(AccountKind.CLIENT_PAYMENTS, 0)
        _expect(problems, documents, what, (DocumentKind.RECEIPT,), str(pk), paid)
        fee = escrowed.get(f"client_payment:{pk}:escrow", {}).get(AccountKind.FEE_REVENUE_CLIENT, 0)
        if fee:
            _expect(problems, documents, what, (DocumentKind.FEE_INVOICE,), str(pk), fee)
    return problems
