"""M5: the Zengin (全銀) general-transfer file (総合振込), as banks accept it for upload.

Pure: records in, bytes out. Every record is exactly 120 bytes of JIS X 0201 written as
cp932; records are separated by CR LF or by nothing (a per-bank setting). `N` fields are
digits, right-aligned and zero-padded; `C` fields are left-aligned and space-padded,
counted in bytes after encoding (ｶﾞ is two bytes). Layout: shared/spec/JAPAN.md."""

import functools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date

from ukeoi.core.kana import ZenginError, to_zengin_kana

RECORD_BYTES = 120
MAX_AMOUNT = 9_999_999_999  # a 10-digit field


@functools.lru_cache(maxsize=4096)
def _cached_kana(text: str) -> str:
    return to_zengin_kana(text)


def _kana(text: str) -> str:
    """to_zengin_kana, fast for a batch of a million records: ASCII digits (the payout id)
    are already in the character set, and bank, branch and common names repeat."""
    if text.isascii() and text.isdigit():
        return text
    return _cached_kana(text)


def _n(value: int | str, width: int) -> bytes:
    digits = str(value)
    if not digits.isdigit() or not digits.isascii() or len(digits) > width:
        raise ZenginError(f"{value!r} does not fit a {width}-digit field")
    return digits.rjust(width, "0").encode("ascii")


def _c(value: str, width: int) -> bytes:
    """A text field: encoded first, then cut or padded to `width` bytes."""
    encoded = value.encode("cp932")
    if len(encoded) > width:
        cut = width
        if encoded[cut : cut + 1] in (b"\xde", b"\xdf"):
            cut -= 1  # keep ｶﾞ whole: drop the kana whose voicing mark does not fit
        encoded = encoded[:cut]
    return encoded.ljust(width, b" ")


@dataclass(frozen=True)
class Sender:
    """The paying company's account and its bank-issued sender code (header record)."""

    code: str  # 10 digits, issued by the bank
    name: str  # kana
    bank_code: str
    bank_name: str
    branch_code: str
    branch_name: str
    account_type: int  # 1 ordinary, 2 current, 9 other
    account_number: str


@dataclass(frozen=True)
class Transfer:
    """One payout (data record)."""

    bank_code: str
    bank_name: str
    branch_code: str
    branch_name: str
    account_type: int  # 1 ordinary, 2 current, 4 savings, 9 other
    account_number: str
    recipient_name: str  # kana, converted with to_zengin_kana
    amount: int  # yen, > 0
    reference: str  # the payout id: EDI information, or customer code 1
    new_code: int = 0  # 0 other, 1 first transfer, 2 changed


def header_record(sender: Sender, transfer_date: date) -> bytes:
    record = b"".join(
        [
            b"1",
            b"21",
            b"0",
            _n(sender.code, 10),
            _c(_kana(sender.name), 40),
            transfer_date.strftime("%m%d").encode("ascii"),
            _n(sender.bank_code, 4),
            _c(_kana(sender.bank_name), 15),
            _n(sender.branch_code, 3),
            _c(_kana(sender.branch_name), 15),
            _n(sender.account_type, 1),
            _n(sender.account_number, 7),
            b" " * 17,
        ]
    )
    assert len(record) == RECORD_BYTES
    return record


def data_record(transfer: Transfer, *, edi: bool) -> bytes:
    if not 0 < transfer.amount <= MAX_AMOUNT:
        raise ZenginError(f"amount {transfer.amount} is outside 1..{MAX_AMOUNT}")
    if transfer.account_type not in (1, 2, 4, 9):
        raise ZenginError(f"account type {transfer.account_type} is not 1, 2, 4 or 9")
    reference = _c(_kana(transfer.reference), 20) if edi else _n(transfer.reference, 10) + _n(0, 10)
    record = b"".join(
        [
            b"2",
            _n(transfer.bank_code, 4),
            _c(_kana(transfer.bank_name), 15),
            _n(transfer.branch_code, 3),
            _c(_kana(transfer.branch_name), 15),
            b"0000",
            _n(transfer.account_type, 1),
            _n(transfer.account_number, 7),
            _c(_kana(transfer.recipient_name), 30),
            _n(transfer.amount, 10),
            _n(transfer.new_code, 1),
            reference,
            b"7",
            b"Y" if edi else b" ",
            b" " * 7,
        ]
    )
    assert len(record) == RECORD_BYTES
    return record


def trailer_record(count: int, total: int) -> bytes:
    record = b"8" + _n(count, 6) + _n(total, 12) + b" " * 101
    assert len(record) == RECORD_BYTES
    return record


def end_record() -> bytes:
    return b"9" + b" " * 119


def iter_general_transfer(
    *,
    sender: Sender,
    transfer_date: date,
    transfers: Iterable[Transfer],
    line_ending: bytes = b"\r\n",
    edi: bool = True,
) -> Iterator[bytes]:
    """The file as a stream of records (with their separators), for batches of any size:
    the trailer's count and total are summed while the data records go by."""
    if line_ending not in (b"\r\n", b""):
        raise ZenginError("banks accept CR LF between records, or no separator")
    yield header_record(sender, transfer_date) + line_ending
    count = total = 0
    for transfer in transfers:
        yield data_record(transfer, edi=edi) + line_ending
        count += 1
        total += transfer.amount
    yield trailer_record(count, total) + line_ending
    yield end_record() + line_ending


def write_general_transfer(
    *,
    sender: Sender,
    transfer_date: date,
    transfers: Iterable[Transfer],
    line_ending: bytes = b"\r\n",
    edi: bool = True,
) -> bytes:
    return b"".join(
        iter_general_transfer(
            sender=sender,
            transfer_date=transfer_date,
            transfers=transfers,
            line_ending=line_ending,
            edi=edi,
        )
    )
