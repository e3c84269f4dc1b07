"""T3: the yearly 支払調書 (報酬、料金、契約金及び賞金の支払調書) per client and lancer,
and the lancer's yearly summary for its 確定申告.

A year's payments are the milestones accepted in it (Japan time): the reward paid (the
escrow released, consumption tax included), the income tax withheld from it, and the
lancer's system fee. The client's 支払調書 for one lancer is issued as a document (T4:
numbered, kept 7 years, hashed), re-issued as a new version only when its figures
change; the CSV has the columns of the tax office's form. Not stored here: the My Number
(個人番号) of either side, which the platform never collects — the client adds it when
filing."""

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Sum
from django.utils import translation
from django.utils.translation import gettext as _

from ukeoi.accounts.models import User
from ukeoi.contracts.enums import MilestoneStatus
from ukeoi.contracts.models import Milestone
from ukeoi.documents.models import Document, DocumentKind
from ukeoi.documents.services import RENDERERS, document_issue
from ukeoi.documents.tax import SERIES, Line, render_tax_document, tax_payload

SUBJECT_TYPE = "contracts.payment_record"
RENDERERS[DocumentKind.PAYMENT_RECORD] = render_tax_document


@dataclass(frozen=True)
class YearTotal:
    """One counterpart's payments of one year."""

    counterpart_id: int
    counterpart_name: str
    payments: int
    gross: int
    withheld: int
    fee: int

    @property
    def net(self) -> int:
        return self.gross - self.withheld - self.fee


def _year_bounds(year: int) -> tuple[datetime, datetime]:
    zone = ZoneInfo(settings.TIME_ZONE)
    return (
        datetime.combine(date(year, 1, 1), time.min, tzinfo=zone),
        datetime.combine(date(year + 1, 1, 1), time.min, tzinfo=zone),
    )


def year_totals(*, year: int, user_id: int, role: str) -> list[YearTotal]:
    """T3: per counterpart, what `user_id` paid (role "client") or was paid (role "lancer")
    in `year`. One query."""
    start, end = _year_bounds(year)
    side, other = ("client", "lancer") if role == "client" else ("lancer", "client")
    rows = (
        Milestone.objects.filter(
            status=MilestoneStatus.ACCEPTED,
            accepted_at__gte=start,
            accepted_at__lt=end,
            **{f"contract__{side}_id": user_id},
        )
        .values(f"contract__{other}_id", f"contract__{other}__display_name")
        .annotate(
            payments=Count("pk"),
            gross=Sum("escrow_amount"),
            withheld=Sum("withholding_tax"),
            fee=Sum("lancer_fee"),
        )
        .order_by(f"contract__{other}_id")
    )
    return [
        YearTotal(
            counterpart_id=row[f"contract__{other}_id"],
            counterpart_name=row[f"contract__{other}__display_name"],
            payments=row["payments"],
            gross=row["gross"],
            withheld=row["withheld"],
            fee=row["fee"],
        )
        for row in rows
    ]


def _address(user: User) -> str:
    profile = getattr(user, "profile", None)
    if profile is None:
        return ""
    parts = [profile.prefecture, profile.city, profile.street, profile.building]
    return "".join(p for p in parts if p)


def _legal_name(user: User) -> str:
    profile = getattr(user, "profile", None)
    return (profile.legal_name if profile else "") or user.display_name


CSV_COLUMNS = (
    "year",
    "payer_name",
    "payer_address",
    "payee_name",
    "payee_address",
    "category",
    "payments",
    "amount_paid",
    "tax_withheld",
    "remarks",
)


def payment_record_csv(*, year: int, client: User) -> str:
    """T3: the client's 支払調書 of `year` as CSV, one row per lancer paid, in the order
    of the tax office's form (支払者, 支払を受ける者, 区分, 支払金額, 源泉徴収税額, 摘要)."""
    out = io.StringIO()
    writer = csv.writer(out)
    with translation.override("ja"):
        writer.writerow(
            [
                _("Year"),
                _("Payer's name"),
                _("Payer's address"),
                _("Payee's name"),
                _("Payee's address"),
                _("Category"),
                _("Payments"),
                _("Amount paid (yen)"),
                _("Income tax withheld (yen)"),
                _("Remarks"),
            ]
        )
        lancers = User.objects.select_related("profile").in_bulk(
            [t.counterpart_id for t in year_totals(year=year, user_id=client.pk, role="client")]
        )
        for total in year_totals(year=year, user_id=client.pk, role="client"):
            lancer = lancers[total.counterpart_id]
            writer.writerow(
                [
                    year,
                    _legal_name(client),
                    _address(client),
                    _legal_name(lancer),
                    _address(lancer),
                    _("Fees for work (報酬・料金)"),
                    total.payments,
                    total.gross,
                    total.withheld,
                    _("ukeoi; consumption tax included"),
                ]
            )
    return out.getvalue()


def payment_record_issue(*, year: int, client: User, lancer_id: int) -> Document | None:
    """T3, T4: the client's 支払調書 for one lancer and year, as a document; the current
    version when nothing changed, a new one when the figures did; None when the client
    paid that lancer nothing that year."""
    total = next(
        (
            t
            for t in year_totals(year=year, user_id=client.pk, role="client")
            if t.counterpart_id == lancer_id
        ),
        None,
    )
    if total is None:
        return None
    lancer = User.objects.select_related("profile").get(pk=lancer_id)
    subject_id = f"{year}:{client.pk}:{lancer_id}"
    with translation.override("ja"):
        payload = tax_payload(
            title=_("Payment record (支払調書) %(year)s") % {"year": year},
            issuer={"name": _legal_name(client), "user_id": client.pk, "address": _address(client)},
            recipient={
                "name": _legal_name(lancer),
                "user_id": lancer.pk,
                "address": _address(lancer),
            },
            transaction_date=date(year, 12, 31).isoformat(),
            subject=_("Fees for work (報酬・料金): %(n)s payments through ukeoi in %(year)s")
            % {"n": total.payments, "year": year},
            lines=[Line(_("Amount paid (consumption tax included)"), total.gross)],
            withholding=total.withheld,
            labels={"issuer": _("Payer"), "recipient": _("Payee")},
            consumption_tax=False,
            notes=[
                _(
                    "The My Number (個人番号) of the payee and the payer is not held by ukeoi; "
                    "add it when you file this record."
                )
            ],
        )
    with transaction.atomic():
        latest = (
            Document.objects.filter(
                kind=DocumentKind.PAYMENT_RECORD, subject_type=SUBJECT_TYPE, subject_id=subject_id
            )
            .order_by("-version")
            .first()
        )
        if (
            latest is not None
            and latest.total_amount == total.gross
            and latest.payload["withholding"] == total.withheld
        ):
            return latest
        return document_issue(
            kind=DocumentKind.PAYMENT_RECORD,
            subject_type=SUBJECT_TYPE,
            subject_id=subject_id,
            parties=[
                {"role": "client", "user_id": client.pk, "name": client.display_name},
                {"role": "lancer", "user_id": lancer.pk, "name": lancer.display_name},
            ],
            payload=payload,
            total_amount=total.gross,
            render=render_tax_document,
            series=SERIES[DocumentKind.PAYMENT_RECORD],
            lazy=True,
        )


def annual_summary_csv(*, year: int, lancer: User) -> str:
    """T3: what the lancer was paid in `year`, per client, for its 確定申告: the rewards
    (収入金額), the system fees (経費), the income tax withheld (源泉徴収税額) and the net."""
    out = io.StringIO()
    writer = csv.writer(out)
    with translation.override("ja"):
        writer.writerow(
            [
                _("Year"),
                _("Client"),
                _("Payments"),
                _("Rewards (yen)"),
                _("System fees (yen)"),
                _("Income tax withheld (yen)"),
                _("Received (yen)"),
            ]
        )
        for total in year_totals(year=year, user_id=lancer.pk, role="lancer"):
            writer.writerow(
                [
                    year,
                    total.counterpart_name,
                    total.payments,
                    total.gross,
                    total.fee,
                    total.withheld,
                    total.net,
                ]
            )
    return out.getvalue()
