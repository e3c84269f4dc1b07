"""L1: the statement of terms (取引条件明示書) of a contract, issued as a document.

`statement_issue` builds the nine items from the contract's agreed terms and issues them as
the next numbered, immutable version (documents, kind "terms"), inside the caller's
transaction; both sides are mailed (after commit, through the outbox).

Which terms are terms: only what both sides agreed. At contract creation that is the
selected proposal (the lancer offered its amount and date, the client accepted them by
selecting it), so version 1 lists that first milestone. After that, milestones the client
proposes are offers, not terms, until the lancer agrees (`milestones_agree` issues the next
version); a completed cancellation issues the version that records it.

The payload is the document as issued (Japanese, the language of the agreement); the PDF
renders it and the API returns it unchanged."""

from datetime import date
from typing import Any

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ukeoi.accounts.models import User
from ukeoi.contracts import rules
from ukeoi.contracts.enums import ContractStatus, MilestoneStatus
from ukeoi.contracts.models import Contract, Milestone
from ukeoi.core.mail import absolute_url, notify
from ukeoi.documents.models import Document, DocumentKind
from ukeoi.documents.pdf import render_template_pdf
from ukeoi.documents.services import RENDERERS, IssuedFacts, document_issue

SUBJECT_TYPE = "contracts.contract"
KIND = DocumentKind.TERMS
# L2: the longest time between delivery and payment the law allows.
PAYMENT_LIMIT_DAYS = 60


def _day(value: date | None) -> str:
    return f"{value.year}年{value.month}月{value.day}日" if value else ""


def _yen(amount: int) -> str:
    return f"{amount:,}円"


def _undecided(reason: str, decided_when: str) -> dict[str, str]:
    return {"reason": reason, "decided_when": decided_when}


def _undecided_line(undecided: dict[str, str]) -> str:
    return _("Undecided: %(reason)s; decided %(when)s") % {
        "reason": undecided["reason"],
        "when": undecided["decided_when"],
    }


def _milestone_terms(milestone: Milestone, *, inspection_days: int) -> dict[str, Any]:
    """One milestone's delivery date, inspection deadline and payment date (L1, L2)."""
    row: dict[str, Any] = {
        "position": milestone.position,
        "title": milestone.title,
        "amount": milestone.amount,
        "status": milestone.status,
        "withholding_tax": milestone.withholding_tax,
        "due_date": milestone.due_date.isoformat() if milestone.due_date else None,
        "due_date_undecided": None,
        "inspection_due": None,
        "inspection": "",
        "payment_date": None,
        "payment": "",
        "payment_undecided": None,
    }
    if milestone.due_date is None:
        row["due_date_undecided"] = _undecided(
            _("no delivery date has been set for this milestone"),
            _("when the client sets it (on the contract page)"),
        )
    if milestone.inspection_due_at is not None:
        due = timezone.localdate(milestone.inspection_due_at)
        row["inspection_due"] = due.isoformat()
        row["inspection"] = _("by %(date)s (delivered work not inspected by then is accepted)") % {
            "date": _day(due)
        }
    else:
        row["inspection"] = _("within %(days)s days of the delivery date") % {
            "days": inspection_days
        }
    paid_on = milestone.payment_date or milestone.inspection_payment_date
    if paid_on is not None:
        row["payment_date"] = paid_on.isoformat()
        row["payment"] = _day(paid_on)
    elif milestone.status in (MilestoneStatus.ESCROW_CANCELLED, MilestoneStatus.DELETED):
        row["payment"] = _("none (cancelled)")
    else:
        latest = (
            rules.latest_payment_date(milestone.due_date, inspection_days=inspection_days)
            if milestone.due_date
            else None
        )
        when = _(
            "on delivery: the payout day after acceptance, at most %(days)s days after delivery"
        ) % {"days": PAYMENT_LIMIT_DAYS}
        if latest is not None:
            when += _(" (%(date)s at the latest for a delivery on the due date)") % {
                "date": _day(latest)
            }
        row["payment_undecided"] = _undecided(
            _("the payment date depends on the delivery date, not yet known"), when
        )
        row["payment"] = _undecided_line(row["payment_undecided"])
    return row


def statement_payload(contract: Contract, *, include_proposed: bool = False) -> dict[str, Any]:
    """The nine items of L1 for `contract`'s agreed terms (Japanese, as issued)."""
    inspection_days = settings.INSPECTION_DAYS
    with translation.override("ja"):
        milestones = [
            m
            for m in contract.milestones.order_by("position", "pk")
            if m.status != MilestoneStatus.DELETED
            and (include_proposed or m.status != MilestoneStatus.PROPOSED)
        ]
        rows = [_milestone_terms(m, inspection_days=inspection_days) for m in milestones]
        # What the client owes: a milestone whose escrow the cancellation returned is not owed.
        total = sum(r["amount"] for r in rows if r["status"] != MilestoneStatus.ESCROW_CANCELLED)
        client, lancer = contract.client, contract.lancer
        commissioned = timezone.localdate(contract.created_at)
        description = contract.job.description if contract.job_id else ""
        cancelled = contract.status == ContractStatus.CANCELLED and contract.cancelled_at
        delivery_lines = [
            f"{r['position']}. {r['title']}："
            + (_day(date.fromisoformat(r["due_date"])) if r["due_date"] else "")
            + (_undecided_line(r["due_date_undecided"]) if r["due_date_undecided"] else "")
            for r in rows
        ]
        items: list[dict[str, Any]] = [
            {
                "key": "parties",
                "label": _("The parties"),
                "lines": [
                    _("Client: %(name)s") % {"name": client.display_name},
                    _("Lancer: %(name)s") % {"name": lancer.display_name},
                ],
            },
            {
                "key": "commissioned_on",
                "label": _("Date of commissioning"),
                "lines": [_day(commissioned)],
            },
            {
                "key": "work",
                "label": _("What is to be delivered"),
                "lines": [contract.title, description]
                + [f"{r['position']}. {r['title']}" for r in rows],
            },
            {
                "key": "delivery_date",
                "label": _("Delivery date"),
                "lines": delivery_lines or [_("none (no agreed milestone)")],
            },
            {
                "key": "delivery_place",
                "label": _("Where the work is delivered"),
                "lines": [
                    _("Delivered on ukeoi's contract page: %(url)s")
                    % {"url": absolute_url(contract.get_absolute_url())}
                ],
            },
            {
                "key": "inspection",
                "label": _("Inspection deadline"),
                "lines": [f"{r['position']}. {r['title']}：{r['inspection']}" for r in rows]
                or [_("within %(days)s days of the delivery date") % {"days": inspection_days}],
            },
            {
                "key": "amounts",
                "label": _("Amount of each milestone"),
                "lines": [
                    f"{r['position']}. {r['title']}：{_yen(r['amount'])}"
                    + (
                        _(" (cancelled: the escrow was returned to the client)")
                        if r["status"] == MilestoneStatus.ESCROW_CANCELLED
                        else ""
                    )
                    for r in rows
                ]
                + [
                    _("Total: %(total)s") % {"total": _yen(total)},
                    _(
                        "System fees (tax included): client %(client)s%% on escrow, "
                        "lancer %(lancer)s%% on acceptance"
                    )
                    % {
                        "client": contract.client_fee_permille / 10,
                        "lancer": contract.lancer_fee_permille / 10,
                    },
                ]
                + (
                    [
                        _(
                            "Withholding (源泉徴収): the client withholds 10.21 per cent of "
                            "each accepted amount (20.42 per cent above 1,000,000 yen) and pays "
                            "it to the tax office; the lancer is paid the rest."
                        )
                    ]
                    if contract.withholding
                    else []
                ),
            },
            {
                "key": "payment_date",
                "label": _("Payment date"),
                "lines": [f"{r['position']}. {r['title']}：{r['payment']}" for r in rows]
                or [_("none (no agreed milestone)")],
            },
            {
                "key": "payment_method",
                "label": _("Payment method"),
                "lines": [
                    _(
                        "The client pays each milestone into escrow by bank transfer to the "
                        "platform before work starts."
                    ),
                    _(
                        "On acceptance the reward is paid to the lancer's registered bank "
                        "account on the semi-monthly payout day (15th and end of month)."
                    ),
                ],
            },
        ]
        if cancelled:
            items.append(
                {
                    "key": "cancelled",
                    "label": _("Cancellation"),
                    "lines": [
                        _("The contract was cancelled on %(date)s.")
                        % {"date": _day(timezone.localdate(contract.cancelled_at))}
                    ],
                }
            )
        return {
            "title": _("Statement of terms"),
            "contract_id": contract.pk,
            "contract_title": contract.title,
            "client": {"user_id": client.pk, "name": client.display_name},
            "lancer": {"user_id": lancer.pk, "name": lancer.display_name},
            "commissioned_on": commissioned.isoformat(),
            "inspection_days": inspection_days,
            "client_fee_permille": contract.client_fee_permille,
            "lancer_fee_permille": contract.lancer_fee_permille,
            "total_amount": total,
            "withholding": contract.withholding,
            "milestones": rows,
            "cancelled": bool(cancelled),
            "items": items,
        }


def render_terms(facts: IssuedFacts) -> bytes:
    return render_template_pdf(
        "contracts/terms_pdf.html",
        {"facts": facts, "payload": facts.payload},
        title=f"{facts.payload['title']} {facts.display_number}",
        created=facts.issued_at,
    )


# Renders a statement whose after-commit rendering did not happen (documents.files).
RENDERERS[KIND] = render_terms


def statement_issue(
    *,
    contract: Contract,
    users: dict[int, User] | None = None,
    include_proposed: bool = False,
    mail: bool = True,
) -> Document:
    """L1: issue the next version of the contract's statement of terms and mail both sides
    (`mail=False`: the caller's own notice announces it). Call inside the transaction that
    changed the terms."""
    payload = statement_payload(contract, include_proposed=include_proposed)
    document = document_issue(
        kind=KIND,
        subject_type=SUBJECT_TYPE,
        subject_id=str(contract.pk),
        parties=[
            {"role": "client", **payload["client"]},
            {"role": "lancer", **payload["lancer"]},
        ],
        payload=payload,
        total_amount=payload["total_amount"],
        render=render_terms,
    )
    if not mail:
        return document
    people = users or {contract.client_id: contract.client, contract.lancer_id: contract.lancer}
    for pk in (contract.client_id, contract.lancer_id):
        notify(
            people[pk],
            "contracts_terms_issued",
            contract=contract,
            document=document,
            link=absolute_url(contract.get_absolute_url()) + "#terms",
        )
    return document


def statements_list(contract: Contract) -> list[Document]:
    """Every version of the contract's statement, newest first."""
    return list(
        Document.objects.filter(
            kind=KIND, subject_type=SUBJECT_TYPE, subject_id=str(contract.pk)
        ).order_by("-version")
    )


def statement_get(contract: Contract, *, version: int) -> Document | None:
    return Document.objects.filter(
        kind=KIND, subject_type=SUBJECT_TYPE, subject_id=str(contract.pk), version=version
    ).first()
