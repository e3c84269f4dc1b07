"""T2, T3: the documents an accepted milestone issues, inside the acceptance's transaction:

- to the lancer, the platform's qualified invoice for the lancer's system fee (B6);
- to both, the lancer's invoice for the reward, issued by the platform under the
  媒介者交付特例 when the lancer is a registered issuer (T1), else the client's payment
  notice (支払通知書) — either with the income tax withheld (T3) and the amount paid.

Their totals are the acceptance's ledger legs (the escrow released, the fee, the tax
withheld); `manage.py documents_check` reconciles them. Rendered lazily (first download).
Issued in Japanese, the language of the agreement, like the statement of terms."""

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ukeoi.accounts.models import User
from ukeoi.contracts.models import Contract, Milestone
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

SUBJECT_TYPE = "contracts.milestone"

for _kind in (DocumentKind.FEE_INVOICE, DocumentKind.REWARD_INVOICE, DocumentKind.PAYMENT_NOTICE):
    RENDERERS[_kind] = render_tax_document


def registration_number_of(user: User) -> str:
    """T1: the user's 適格請求書発行事業者 registration number, or "" (not registered)."""
    profile = getattr(user, "profile", None)
    return profile.invoice_registration_number if profile is not None else ""


def _person(user: User) -> dict[str, object]:
    return party(
        name=user.display_name, user_id=user.pk, registration_number=registration_number_of(user)
    )


def _issue(
    kind: str, milestone: Milestone, payload: dict[str, object], parties: list[dict[str, object]]
) -> Document:
    return document_issue(
        kind=kind,
        subject_type=SUBJECT_TYPE,
        subject_id=str(milestone.pk),
        parties=parties,
        payload=payload,
        total_amount=int(str(payload["total"])),
        render=render_tax_document,
        series=SERIES[kind],
        lazy=True,
    )


def acceptance_documents_issue(
    *, contract: Contract, milestone: Milestone, users: dict[int, User]
) -> list[Document]:
    """T2 (a), (b): the accepted milestone's documents; mail each side once, listing its
    documents. Call inside the acceptance's transaction, after its posting."""
    client, lancer = users[contract.client_id], users[contract.lancer_id]
    accepted_on = timezone.localdate(milestone.accepted_at or timezone.now())
    issued: list[Document] = []
    with translation.override("ja"):
        what = _("%(contract)s — milestone %(position)s: %(title)s") % {
            "contract": contract.title,
            "position": milestone.position,
            "title": milestone.title,
        }
        if milestone.lancer_fee:
            fee = tax_payload(
                title=_("Invoice (適格請求書): system fee"),
                issuer=platform_party(),
                recipient=_person(lancer),
                transaction_date=accepted_on.isoformat(),
                subject=what,
                lines=[
                    Line(
                        _("System fee (%(rate)s%% of the accepted amount %(amount)s yen)")
                        % {
                            "rate": contract.lancer_fee_permille / 10,
                            "amount": f"{milestone.escrow_amount:,}",
                        },
                        milestone.lancer_fee,
                    )
                ],
                notes=[_("Deducted from the reward on acceptance.")],
            )
            issued.append(
                _issue(
                    DocumentKind.FEE_INVOICE,
                    milestone,
                    fee,
                    [{"role": "recipient", "user_id": lancer.pk, "name": lancer.display_name}],
                )
            )
        registered = bool(registration_number_of(lancer))
        reward_line = Line(_("Reward: %(what)s") % {"what": what}, milestone.escrow_amount)
        if registered:
            kind = DocumentKind.REWARD_INVOICE
            reward = tax_payload(
                title=_("Invoice (適格請求書): reward"),
                issuer=platform_party(),
                on_behalf_of=_person(lancer),
                recipient=_person(client),
                transaction_date=accepted_on.isoformat(),
                subject=what,
                lines=[reward_line],
                withholding=milestone.withholding_tax,
                notes=[
                    _(
                        "Issued by the platform on behalf of the seller named above "
                        "(媒介者交付特例, 消費税法施行令 §70-12)."
                    )
                ],
            )
        else:
            kind = DocumentKind.PAYMENT_NOTICE
            reward = tax_payload(
                title=_("Payment notice (支払通知書)"),
                issuer=_person(client),
                on_behalf_of=None,
                recipient=_person(lancer),
                transaction_date=accepted_on.isoformat(),
                subject=what,
                lines=[reward_line],
                withholding=milestone.withholding_tax,
                notes=[
                    _(
                        "The lancer is not a registered invoice issuer: this notice is not a "
                        "qualified invoice (適格請求書ではありません)."
                    )
                ],
            )
        issued.append(
            _issue(
                kind,
                milestone,
                reward,
                [
                    {"role": "client", "user_id": client.pk, "name": client.display_name},
                    {"role": "lancer", "user_id": lancer.pk, "name": lancer.display_name},
                ],
            )
        )
    link = absolute_url(contract.get_absolute_url())
    for user in (client, lancer):
        mine = [d for d in issued if any(p.get("user_id") == user.pk for p in d.parties)]
        if mine:
            notify(user, "documents_issued", documents=mine, link=link)
    return issued
