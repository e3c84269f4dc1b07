"""T2 (a), (c): the documents a confirmed client payment issues, inside the confirmation's
transaction: the receipt (領収書) for what the client paid, and, when the payment carries a
system fee (B6), the platform's qualified invoice for it. Their totals are the payment's
ledger legs (`manage.py documents_check`). Rendered lazily; issued in Japanese."""

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ukeoi.accounts.models import User
from ukeoi.core.mail import absolute_url, notify
from ukeoi.documents.models import Document, DocumentKind
from ukeoi.documents.services import RENDERERS, document_issue
from ukeoi.documents.tax import (
    SERIES,
    Line,
    party,
    platform_party,
    render_tax_document,
    tax_payload,
)
from ukeoi.jobs.models import ClientPayment, Job

SUBJECT_TYPE = "jobs.clientpayment"

for _kind in (DocumentKind.FEE_INVOICE, DocumentKind.RECEIPT):
    RENDERERS[_kind] = render_tax_document


def payment_documents_issue(*, payment: ClientPayment, client: User, job: Job) -> list[Document]:
    """T2: the receipt of the payment and the invoice of its system fee; one mail."""
    paid_on = timezone.localdate(payment.confirmed_at or timezone.now())
    recipient = party(name=client.display_name, user_id=client.pk)
    parties = [{"role": "recipient", "user_id": client.pk, "name": client.display_name}]
    issued = []
    with translation.override("ja"):
        subject = _("Payment %(reference)s for “%(job)s”") % {
            "reference": payment.reference,
            "job": job.title,
        }
        escrow_line = Line(_("Escrow (仮払い) of the reward"), payment.escrow_amount)
        fee_line = Line(_("System fee"), payment.client_fee)
        receipt = tax_payload(
            title=_("Receipt (領収書)"),
            issuer=platform_party(),
            recipient=recipient,
            transaction_date=paid_on.isoformat(),
            subject=subject,
            lines=[escrow_line, fee_line] if payment.client_fee else [escrow_line],
            notes=[
                _(
                    "Received by bank transfer. The escrow is held by the platform and paid to "
                    "the lancer on acceptance, or returned to you if the work is cancelled."
                )
            ],
        )
        issued.append(_issue(DocumentKind.RECEIPT, payment, receipt, parties))
        if payment.client_fee:
            fee = tax_payload(
                title=_("Invoice (適格請求書): system fee"),
                issuer=platform_party(),
                recipient=recipient,
                transaction_date=paid_on.isoformat(),
                subject=subject,
                lines=[fee_line],
                notes=[_("Paid with the escrow (receipt of the same payment).")],
            )
            issued.append(_issue(DocumentKind.FEE_INVOICE, payment, fee, parties))
    notify(client, "documents_issued", documents=issued, link=absolute_url(job.get_absolute_url()))
    return issued


def _issue(
    kind: str, payment: ClientPayment, payload: dict[str, object], parties: list[dict[str, object]]
) -> Document:
    return document_issue(
        kind=kind,
        subject_type=SUBJECT_TYPE,
        subject_id=str(payment.pk),
        parties=parties,
        payload=payload,
        total_amount=int(str(payload["total"])),
        render=render_tax_document,
        series=SERIES[kind],
        lazy=True,
    )
