"""M5: the Zengin general-transfer file, checked field by field against the layout in
shared/spec/JAPAN.md, and against a golden file for a small batch."""

from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ukeoi.payouts.zengin import (
    RECORD_BYTES,
    Sender,
    Transfer,
    ZenginError,
    iter_general_transfer,
    to_zengin_kana,
    write_general_transfer,
)

GOLDEN = Path(__file__).parent / "golden" / "small_batch.txt"

SENDER = Sender(
    code="1234567890",
    name="カブシキガイシャ ウケオイ",
    bank_code="0005",
    bank_name="ミツビシユーエフジェイ",
    branch_code="001",
    branch_name="ホンテン",
    account_type=1,
    account_number="7654321",
)
TRANSFERS = [
    Transfer(
        "0009",
        "ミツイスミトモ",
        "100",
        "トウキョウエイギョウブ",
        1,
        "1234567",
        "ヤマダ タロウ",
        7_500,
        "1001",
    ),
    Transfer(
        "9900",
        "ユウチヨ",
        "058",
        "ゼロゴハチ",
        1,
        "1234567",
        "きゅうじょう　みらい",
        12_345,
        "1002",
        new_code=1,
    ),
    Transfer("0001", "ミズホ", "001", "トウキヨウ", 4, "0000012", "ｶﾞｰﾃﾞﾝ ﾊﾅｺ", 1_000_000, "1003"),
]


def _records(data: bytes) -> list[bytes]:
    assert data.endswith(b"\r\n")
    records = data.split(b"\r\n")[:-1]
    assert all(len(r) == RECORD_BYTES for r in records), [len(r) for r in records]
    return records


def _field(record: bytes, first: int, last: int) -> str:
    """Bytes `first`..`last`, 1-based and inclusive, as in the layout table."""
    return record[first - 1 : last].decode("cp932")


def test_every_record_is_120_bytes_and_the_fields_sit_where_the_layout_says():
    data = write_general_transfer(
        sender=SENDER, transfer_date=date(2026, 12, 30), transfers=TRANSFERS
    )
    header, *rows, trailer, end = _records(data)

    assert _field(header, 1, 1) == "1"
    assert _field(header, 2, 3) == "21"
    assert _field(header, 4, 4) == "0"
    assert _field(header, 5, 14) == "1234567890"
    assert _field(header, 15, 54).rstrip() == "ｶﾌﾞｼｷｶﾞｲｼﾔ ｳｹｵｲ"
    assert _field(header, 55, 58) == "1230"
    assert _field(header, 59, 62) == "0005"
    assert _field(header, 78, 80) == "001"
    assert _field(header, 96, 96) == "1"
    assert _field(header, 97, 103) == "7654321"
    assert _field(header, 104, 120) == " " * 17

    assert len(rows) == 3
    first = rows[0]
    assert _field(first, 1, 1) == "2"
    assert _field(first, 2, 5) == "0009"
    assert _field(first, 6, 20).rstrip() == "ﾐﾂｲｽﾐﾄﾓ"
    assert _field(first, 21, 23) == "100"
    assert _field(first, 24, 38) == "ﾄｳｷﾖｳｴｲｷﾞﾖｳﾌﾞ  "  # small kana enlarged, 13 bytes + padding
    assert _field(first, 39, 42) == "0000"
    assert _field(first, 43, 43) == "1"
    assert _field(first, 44, 50) == "1234567"
    assert _field(first, 51, 80).rstrip() == "ﾔﾏﾀﾞ ﾀﾛｳ"
    assert _field(first, 81, 90) == "0000007500"
    assert _field(first, 91, 91) == "0"
    assert _field(first, 92, 111).rstrip() == "1001"  # the payout id as EDI information
    assert _field(first, 112, 112) == "7"
    assert _field(first, 113, 113) == "Y"
    assert _field(first, 114, 120) == " " * 7
    assert _field(rows[1], 51, 80).rstrip() == "ｷﾕｳｼﾞﾖｳ ﾐﾗｲ"  # hiragana, small kana enlarged
    assert _field(rows[1], 91, 91) == "1"
    assert _field(rows[2], 43, 43) == "4"

    assert _field(trailer, 1, 1) == "8"
    assert _field(trailer, 2, 7) == "000003"
    assert _field(trailer, 8, 19) == f"{7_500 + 12_345 + 1_000_000:012d}"
    assert _field(trailer, 20, 120) == " " * 101
    assert end == b"9" + b" " * 119


def test_small_batch_matches_the_golden_file():
    data = write_general_transfer(
        sender=SENDER, transfer_date=date(2026, 12, 30), transfers=TRANSFERS
    )
    assert data == GOLDEN.read_bytes()


def test_without_edi_the_payout_id_is_customer_code_one_and_no_separator_is_allowed():
    data = write_general_transfer(
        sender=SENDER,
        transfer_date=date(2027, 1, 15),
        transfers=TRANSFERS[:1],
        line_ending=b"",
        edi=False,
    )
    assert len(data) == 4 * RECORD_BYTES
    row = data[RECORD_BYTES : 2 * RECORD_BYTES]
    assert _field(row, 92, 101) == "0000001001"
    assert _field(row, 102, 111) == "0000000000"
    assert _field(row, 113, 113) == " "


def test_lf_alone_is_refused():
    with pytest.raises(ZenginError):
        write_general_transfer(
            sender=SENDER, transfer_date=date(2027, 1, 15), transfers=[], line_ending=b"\n"
        )


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("キュウ", "ｷﾕｳ"),  # JAPAN.md: small kana are written full size
        ("サトー", "ｻﾄ-"),  # the long-vowel mark becomes "-"
        ("やまだ　はなこ", "ﾔﾏﾀﾞ ﾊﾅｺ"),  # hiragana and a full-width space
        ("ＡＢＣ　ｓｈｏｐ（カ）", "ABC SHOP(ｶ)"),  # full-width latin, upper-cased
        ("ガーデン", "ｶﾞ-ﾃﾞﾝ"),
        ("ヲガワ", "ｵｶﾞﾜ"),
    ],
)
def test_names_are_converted_to_the_bank_character_set(name: str, expected: str):
    assert to_zengin_kana(name) == expected


@pytest.mark.parametrize("name", ["山田 太郎", "ヤマダ・タロウ", "Tanaka@", ""])
def test_names_the_banks_cannot_take_are_refused(name: str):
    with pytest.raises(ZenginError):
        to_zengin_kana(name)


@pytest.mark.parametrize("amount", [0, -1, 10_000_000_000])
def test_amounts_outside_the_field_are_refused(amount: int):
    bad = Transfer("0009", "ﾐﾂｲ", "100", "ﾎﾝﾃﾝ", 1, "1234567", "ﾔﾏﾀﾞ", amount, "1")
    with pytest.raises(ZenginError):
        write_general_transfer(sender=SENDER, transfer_date=date(2027, 1, 15), transfers=[bad])


def test_a_voiced_kana_is_never_split_by_the_cut():
    long_name = "ｱ" * 29 + "ｶﾞ"  # 31 bytes: the mark would fall outside 30
    row = write_general_transfer(
        sender=SENDER,
        transfer_date=date(2027, 1, 15),
        transfers=[Transfer("0009", "ﾐﾂｲ", "100", "ﾎﾝﾃﾝ", 1, "1234567", long_name, 1, "1")],
    ).split(b"\r\n")[1]
    assert _field(row, 51, 80) == "ｱ" * 29 + " "


amounts = st.lists(st.integers(min_value=1, max_value=9_999_999_999), max_size=40)


@given(amounts)
def test_trailer_counts_and_sums_the_data_records(values: list[int]):
    transfers = [
        Transfer("0009", "ﾐﾂｲ", "100", "ﾎﾝﾃﾝ", 1, "1234567", "ﾔﾏﾀﾞ", v, str(i + 1))
        for i, v in enumerate(values)
    ]
    records = list(
        iter_general_transfer(sender=SENDER, transfer_date=date(2027, 1, 15), transfers=transfers)
    )
    assert len(records) == len(values) + 3
    trailer = records[-2]
    assert int(trailer[1:7]) == len(values)
    assert int(trailer[7:19]) == sum(values)
    assert all(len(r) == RECORD_BYTES + 2 for r in records)
