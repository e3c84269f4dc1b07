"""The payout batch (M3–M6) and its Zengin transfer file (M5): set-based, resumable, idempotent."""

import logging
import tempfile
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from ukeoi.accounts.enums import AccountStatus
from ukeoi.accounts.models import Bank, BankAccount, BankBranch, Profile, User
from ukeoi.core import clock
from ukeoi.core.errors import ApplicationError
from ukeoi.core.kana import ZenginError, to_zengin_kana
from ukeoi.core.transitions import transition, transition_all
from ukeoi.ledger import services as ledger
from ukeoi.ledger import sql as ledger_sql
from ukeoi.ledger.enums import AccountKind
from ukeoi.payouts import calendar, zengin
from ukeoi.payouts.enums import (
    BATCH_TRANSITIONS,
    PAYOUT_TRANSITIONS,
    BatchStatus,
    PayoutMode,
    PayoutStatus,
)
from ukeoi.payouts.locks import batch_run_lock, lock_batch
from ukeoi.payouts.models import Payout, PayoutBatch, PayoutFile, PayoutSettings
from ukeoi.payouts.selectors import fee_schedule
from ukeoi.payouts.services._common import PAYOUT_SUBJECT, Progress

logger = logging.getLogger(__name__)


def close_cutoff(close_date: date) -> datetime:
    """Reward credited before this moment is confirmed by the close: the end of the close
    date in the site's time zone (Japan)."""
    start_of_next_day = datetime.combine(close_date + timedelta(days=1), time.min)
    return timezone.make_aware(start_of_next_day, timezone.get_default_timezone())


def _check_close_date(close_date: date) -> calendar.PayoutCycle:
    if not calendar.is_close_date(close_date):
        raise ApplicationError(
            _(
                "%(date)s is not a close date: payouts close on the 15th and on the last day "
                "of each month."
            )
            % {"date": date_format(close_date)},
            code="not_a_close_date",
        )
    if close_date >= clock.today():
        raise ApplicationError(
            _("The close of %(date)s has not ended yet: its batch can run from the next day on.")
            % {"date": date_format(close_date)},
            code="close_not_ended",
        )
    return calendar.cycle_for_close(close_date)


def _batch_get_or_create(close_date: date, cycle: calendar.PayoutCycle) -> PayoutBatch:
    try:
        with transaction.atomic():
            batch, _created = PayoutBatch.objects.get_or_create(
                close_date=close_date,
                defaults={"payment_date": cycle.pay_date, "cutoff": close_cutoff(close_date)},
            )
    except IntegrityError:
        batch = PayoutBatch.objects.get(close_date=close_date)
    return batch


def payout_batch_run(
    *,
    close_date: date,
    progress: Progress | None = None,
    chunk_size: int | None = None,
    wait: bool = True,
) -> PayoutBatch:
    """M3–M5: run (or resume, or just return) the batch of this close date.

    Idempotent per close date: the first call creates the batch; a call on a running batch
    continues after its last committed chunk; a call on an exported or paid batch returns
    it unchanged. Two calls at once make one batch: the second waits for the first (or,
    with wait=False, returns the batch as it is). Refuses a date that is not a close date,
    and a close that has not ended yet, changing nothing."""
    cycle = _check_close_date(close_date)
    chunk_size = chunk_size or settings.PAYOUT_CHUNK_SIZE
    with batch_run_lock(close_date, wait=wait) as taken:
        batch = _batch_get_or_create(close_date, cycle)
        if not taken or batch.status != BatchStatus.RUNNING:
            return batch
        PayoutBatch.objects.filter(pk=batch.pk).update(runs=batch.runs + 1)
        _run_chunks(batch, chunk_size=chunk_size, progress=progress)
        _export(batch.pk)
    batch.refresh_from_db()
    logger.info(
        "payout batch %s: %d payouts, %d yen",
        batch.close_date,
        batch.payout_count,
        batch.total_amount,
    )
    return batch


def _int_array(values: list[int]) -> str:
    """A PostgreSQL array literal, for `%s::bigint[]` (one parameter, not thousands)."""
    return "{" + ",".join(map(str, values)) + "}"


def _tables() -> dict[str, str]:
    """The batch's own tables and the accounts app's; the ledger's SQL comes from
    `ukeoi.ledger.sql`, their one owner."""
    models = {
        "user": User,
        "profile": Profile,
        "bank_account": BankAccount,
        "bank": Bank,
        "branch": BankBranch,
        "settings": PayoutSettings,
        "payout": Payout,
        "batch": PayoutBatch,
    }
    return {name: connection.ops.quote_name(model._meta.db_table) for name, model in models.items()}


def _run_chunks(batch: PayoutBatch, *, chunk_size: int, progress: Progress | None) -> None:
    t = _tables()
    total = ledger_sql.positive_owner_count(kind=AccountKind.REWARD, after=batch.cursor_user_id)
    fee_account = ledger.platform_account(kind=AccountKind.TRANSFER_FEE_REVENUE)
    done = 0
    if progress:
        progress(done, total)
    while True:
        # The run lock (not a row lock) keeps other runs out, so the batch row is not locked:
        # the order "users -> payouts -> ledger" holds for every chunk.
        with transaction.atomic():
            more = _pay_chunk(batch, t=t, size=chunk_size, fee_account_id=fee_account.pk)
        if not more:
            break
        done = min(done + chunk_size, total)
        if progress:
            progress(done, total)
    if progress:
        progress(total, total)


def _pay_chunk(batch: PayoutBatch, *, t: dict[str, str], size: int, fee_account_id: int) -> bool:
    """One chunk transaction: lock, pay and move the cursor. False when no candidate
    account was left."""
    postgres = connection.vendor == "postgresql"
    lo = batch.cursor_user_id
    hi = ledger_sql.positive_owners_chunk_end(kind=AccountKind.REWARD, after=lo, size=size)
    if hi is None:
        return False
    candidates = ledger_sql.positive_owners(kind=AccountKind.REWARD, after=lo, upto=hi)
    with connection.cursor() as cursor:
        # W6: the users of this chunk, withdrawn ones skipped, locked in pk order; the
        # ledger accounts are locked after them (post_many): users -> ledger, as everywhere.
        cursor.execute(
            f"SELECT u.id FROM {t['user']} u WHERE u.id > %s AND u.id <= %s AND u.id IN ("
            f"{candidates.text}) AND u.status = %s ORDER BY u.id"
            + (" FOR NO KEY UPDATE OF u" if postgres else ""),
            [lo, hi, *candidates.params, AccountStatus.ACTIVE],
        )
        user_ids = [int(row[0]) for row in cursor.fetchall()]
        if user_ids:
            created = _insert_payouts(cursor, t, batch=batch, lo=lo, hi=hi, user_ids=user_ids)
            if created:
                _post_requests(created, fee_account_id=fee_account_id)
        cursor.execute(f"UPDATE {t['batch']} SET cursor_user_id = %s WHERE id = %s", [hi, batch.pk])
    batch.cursor_user_id = hi
    return True


def _insert_payouts(
    cursor: Any, t: dict[str, str], *, batch: PayoutBatch, lo: int, hi: int, user_ids: list[int]
) -> list[tuple[int, int, int, int, int]]:
    """M4, M6, W9 in one INSERT … SELECT: the payouts of the locked users of this chunk.
    Returns (payout id, user id, amount, fee, net) per payout."""
    postgres = connection.vendor == "postgresql"
    fees = fee_schedule()
    ops = connection.ops
    now = ops.adapt_datetimefield_value(clock.now())
    confirmed = ledger_sql.balance_confirmed_by(alias="ra", moment=batch.cutoff)
    reward = ledger_sql.positive_account_join(kind=AccountKind.REWARD, owner="u.id", alias="ra")
    only_locked = "AND u.id = ANY(%s::bigint[])" if postgres else ""
    # A7 / M4 name and address: the same fields as Profile.has_name_and_address.
    name_and_address = " AND ".join(
        f"p.{field} <> ''"
        for field in (
            "legal_name",
            "legal_name_kana",
            "postal_code",
            "prefecture",
            "city",
            "street",
        )
    )
    sql = f"""
        INSERT INTO {t["payout"]} (batch_id, user_id, amount, fee, net, is_final, status,
            failure_reason, bank_code, bank_name, branch_code, branch_name, account_type,
            account_number, holder_kana, created_at)
        SELECT %s, c.user_id, c.confirmed, c.fee, c.confirmed - c.fee,
            CASE WHEN c.auto_mode AND c.confirmed >= %s THEN FALSE ELSE TRUE END,
            %s, '', c.bank_code, c.bank_name, c.branch_code, c.branch_name, c.account_type,
            c.number, c.holder_kana, %s
        FROM (
            SELECT u.id AS user_id,
                {confirmed.text} AS confirmed,
                CASE WHEN b.code = %s THEN %s ELSE %s END AS fee,
                (COALESCE(ps.mode, %s) = %s) AS auto_mode,
                COALESCE(ps.final_payout, FALSE) AS final,
                b.code AS bank_code, b.kana AS bank_name, br.code AS branch_code,
                br.kana AS branch_name, ba.account_type, ba.number, ba.holder_kana
            FROM {t["user"]} u
            {reward.text}
            JOIN {t["bank_account"]} ba ON ba.user_id = u.id
            JOIN {t["bank"]} b ON b.id = ba.bank_id
            JOIN {t["branch"]} br ON br.id = ba.branch_id
            JOIN {t["profile"]} p ON p.user_id = u.id
            LEFT JOIN {t["settings"]} ps ON ps.user_id = u.id
            WHERE u.id > %s AND u.id <= %s {only_locked}
                AND u.status = %s AND u.is_active AND {name_and_address}
                AND NOT EXISTS (
                    SELECT 1 FROM {t["payout"]} x WHERE x.batch_id = %s AND x.user_id = u.id
                )
        ) c
        WHERE c.confirmed - c.fee > 0
            AND ((c.auto_mode AND c.confirmed >= %s) OR c.final)
        ORDER BY c.user_id
        RETURNING id, user_id, amount, fee, net
    """
    params: list[Any] = [
        batch.pk,
        settings.PAYOUT_MINIMUM,
        PayoutStatus.REQUESTED,
        now,
        *confirmed.params,
        fees.own_bank_code,
        fees.own_bank_fee,
        fees.other_bank_fee,
        PayoutMode.AUTO,
        PayoutMode.AUTO,
        *reward.params,
        lo,
        hi,
        *([_int_array(user_ids)] if postgres else []),
        AccountStatus.ACTIVE,
        batch.pk,
        settings.PAYOUT_MINIMUM,
    ]
    cursor.execute(sql, params)
    return [tuple(int(value) for value in row) for row in cursor.fetchall()]  # type: ignore[misc]


def _post_requests(created: list[tuple[int, int, int, int, int]], *, fee_account_id: int) -> None:
    """reward -> payout in transit + transfer fee revenue, one posting per payout.
    `post_many` locks the accounts (pk order) and refuses an overdraft, so amounts read a
    moment earlier by the INSERT can never take more than the balance holds."""
    user_ids = sorted({user_id for _p, user_id, *_rest in created})
    rewards = ledger_sql.account_ids_by_owner(kind=AccountKind.REWARD, owner_ids=user_ids)
    postings = []
    transit = AccountKind.PAYOUT_IN_TRANSIT
    for payout_id, user_id, amount, fee, net in created:
        legs = [(rewards[user_id], -amount)]
        if fee:
            legs.append((fee_account_id, fee))
        # The payout's in-transit account opens with this posting (written once).
        opens = [(ledger.NewAccount(transit, PAYOUT_SUBJECT, str(payout_id)), net)]
        postings.append(ledger.Posting(key=f"payout:{payout_id}:request", legs=legs, opens=opens))
    ledger.post_many(kind="payout.request", postings=postings)


# --- The Zengin file (M5) -------------------------------------------------------------------


def _sender() -> zengin.Sender:
    return zengin.Sender(
        code=settings.PAYOUT_SENDER_CODE,
        name=settings.PAYOUT_SENDER_NAME,
        bank_code=settings.PAYOUT_PLATFORM_BANK_CODE,
        bank_name=settings.PAYOUT_SENDER_BANK_NAME,
        branch_code=settings.PAYOUT_SENDER_BRANCH_CODE,
        branch_name=settings.PAYOUT_SENDER_BRANCH_NAME,
        account_type=settings.PAYOUT_SENDER_ACCOUNT_TYPE,
        account_number=settings.PAYOUT_SENDER_ACCOUNT_NUMBER,
    )


def _bank_text(text: str, fallback: str, cache: dict[str, str]) -> str:
    """A bank or branch name for the file (informational there: banks route by code). A
    name the bank character set cannot hold loses the characters it cannot hold."""
    found = cache.get(text)
    if found is None:
        try:
            found = to_zengin_kana(text)
        except ZenginError:
            kept = "".join(c for c in text if _safe_char(c))
            try:
                found = to_zengin_kana(kept) if kept.strip() else fallback
            except ZenginError:
                found = fallback
        cache[text] = found
    return found


def _safe_char(char: str) -> bool:
    try:
        to_zengin_kana(char)
    except ZenginError:
        return False
    return True


def _transfers(batch_id: int) -> Iterator[zengin.Transfer]:
    names: dict[str, str] = {}
    rows = (
        Payout.objects.filter(batch_id=batch_id, status=PayoutStatus.REQUESTED)
        .order_by("id")
        .values_list(
            "id",
            "bank_code",
            "bank_name",
            "branch_code",
            "branch_name",
            "account_type",
            "account_number",
            "holder_kana",
            "net",
        )
        .iterator(chunk_size=5000)
    )
    for pk, bank_code, bank_name, branch_code, branch_name, kind, number, holder, net in rows:
        yield zengin.Transfer(
            bank_code=bank_code,
            bank_name=_bank_text(bank_name, bank_code, names),
            branch_code=branch_code,
            branch_name=_bank_text(branch_name, branch_code, names),
            account_type=kind,
            account_number=number,
            recipient_name=holder,
            amount=net,
            reference=str(pk),
        )


# The trailer record's fields: a 6-digit count and a 12-digit total (JAPAN.md).
FILE_MAX_TOTAL = 10**12 - 1


class _Parts:
    """Cuts one stream of transfers into files of at most `max_records` transfers and a
    total that fits the trailer, without holding a part in memory: each part is a
    generator over the shared stream, to be consumed before the next one is asked for."""

    def __init__(self, transfers: Iterator[zengin.Transfer], max_records: int) -> None:
        self._transfers = transfers
        self._max_records = max_records
        self._pending: zengin.Transfer | None = None

    def __iter__(self) -> Iterator[Iterator[zengin.Transfer]]:
        while True:
            first = self._pending or next(self._transfers, None)
            self._pending = None
            if first is None:
                return
            yield self._part(first)

    def _part(self, first: zengin.Transfer) -> Iterator[zengin.Transfer]:
        count = total = 0
        item: zengin.Transfer | None = first
        while item is not None:
            if count and (count >= self._max_records or total + item.amount > FILE_MAX_TOTAL):
                self._pending = item
                return
            yield item
            count += 1
            total += item.amount
            item = next(self._transfers, None)


def _write_files(batch: PayoutBatch) -> None:
    """The batch's Zengin files, part by part, streamed through a temporary file."""
    sender = _sender()
    parts = _Parts(_transfers(batch.pk), max(1, settings.PAYOUT_FILE_MAX_RECORDS))
    for number, transfers in enumerate(parts, start=1):
        counted = _Counted(transfers)
        with tempfile.TemporaryFile() as spool:
            for record in zengin.iter_general_transfer(
                sender=sender, transfer_date=batch.payment_date, transfers=counted
            ):
                spool.write(record)
            spool.seek(0)
            name = f"zengin-{batch.close_date:%Y%m%d}-{batch.pk}-{number}.txt"
            row = PayoutFile(
                batch=batch, part=number, record_count=counted.count, total=counted.total
            )
            path = PayoutFile._meta.get_field("file").generate_filename(row, name)
            if default_storage.exists(path):  # left by an export that did not commit
                default_storage.delete(path)
            row.file.save(name, File(spool, name=name), save=False)
            row.save()


class _Counted:
    def __init__(self, transfers: Iterator[zengin.Transfer]) -> None:
        self._transfers = transfers
        self.count = self.total = 0

    def __iter__(self) -> Iterator[zengin.Transfer]:
        for transfer in self._transfers:
            self.count += 1
            self.total += transfer.amount
            yield transfer


def _export(batch_id: int) -> None:
    """M5: write the batch's Zengin file(s) and move the batch and its payouts to exported,
    in one transaction (a run killed here redoes the whole step)."""
    with transaction.atomic():
        batch = lock_batch(batch_id)
        if batch.status != BatchStatus.RUNNING:
            return
        now = clock.now()
        _write_files(batch)
        exported = transition_all(
            Payout.objects.filter(batch_id=batch.pk),
            PayoutStatus.REQUESTED,
            PayoutStatus.EXPORTED,
            table=PAYOUT_TRANSITIONS,
            exported_at=now,
        )
        totals = Payout.objects.filter(batch_id=batch.pk, status=PayoutStatus.EXPORTED).aggregate(
            count=Count("id"), amount=Coalesce(Sum("amount"), 0), fee=Coalesce(Sum("fee"), 0)
        )
        batch.payout_count = totals["count"]
        batch.total_amount = totals["amount"]
        batch.total_fee = totals["fee"]
        batch.exported_at = now
        transition(
            batch,
            BatchStatus.EXPORTED,
            table=BATCH_TRANSITIONS,
            actor=None,
            action="payout_batch.export",
            fields=["payout_count", "total_amount", "total_fee", "exported_at"],
        )
        logger.info("payout batch %s exported: %d payouts", batch.close_date, exported)
