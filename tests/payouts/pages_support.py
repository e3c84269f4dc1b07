"""Helpers for the payout page and API tests: a lancer as the services leave them.

Balances come from real ledger postings, bank accounts and profiles from the accounts
services; payouts of a given status are rows as the batch leaves them (the batch itself is
tested in the batch tests and the demo/e2e flow)."""

import itertools
from datetime import date, timedelta
from typing import Any

from tests.factories import UserFactory
from ukeoi.accounts import services as accounts
from ukeoi.accounts.models import Bank, BankBranch, User
from ukeoi.core import clock
from ukeoi.ledger import services as ledger
from ukeoi.ledger.enums import AccountKind
from ukeoi.payouts import calendar
from ukeoi.payouts.models import Payout, PayoutBatch

_keys = itertools.count(1)

NAME_AND_ADDRESS = accounts.ProfileInput(
    legal_name="山田 太郎",
    legal_name_kana="ヤマダ タロウ",
    birth_date=date(1990, 4, 1),
    postal_code="530-0001",
    prefecture="大阪府",
    city="大阪市北区梅田",
    street="3-1-1",
)


def bank_master() -> tuple[Bank, Bank]:
    """みずほ (0001, the platform's own bank by default) and 三菱ＵＦＪ (0005)."""
    mizuho, _ = Bank.objects.get_or_create(
        code="0001",
        defaults={"name": "みずほ", "kana": "ミズホ", "hira": "みずほ", "roma": "mizuho"},
    )
    BankBranch.objects.get_or_create(
        bank=mizuho,
        code="001",
        defaults={
            "name": "東京営業部",
            "kana": "トウキヨウ",
            "hira": "とうきよう",
            "roma": "toukyou",
        },
    )
    mufg, _ = Bank.objects.get_or_create(
        code="0005",
        defaults={
            "name": "三菱ＵＦＪ",
            "kana": "ミツビシユ-エフジエイ",
            "hira": "みつびしゆーえふじぇい",
            "roma": "mitsubishiufj",
        },
    )
    BankBranch.objects.get_or_create(
        bank=mufg,
        code="001",
        defaults={"name": "本店", "kana": "ホンテン", "hira": "ほんてん", "roma": "honten"},
    )
    return mizuho, mufg


def credit(user: User, amount: int) -> None:
    """A reward reaches the user's balance (bank -> reward, as a release would end)."""
    ledger.post(
        key=f"test:reward:{user.pk}:{next(_keys)}",
        kind="task_unit.release",
        legs=[
            (ledger.platform_account(kind=AccountKind.BANK), -amount),
            (ledger.reward_account(lancer=user), amount),
        ],
        memo="データ入力",
    )


def lancer(
    *,
    balance: int = 0,
    bank_code: str | None = "0005",
    name_and_address: bool = True,
    **user: Any,
) -> User:
    user_obj: User = UserFactory.create(**user)
    if name_and_address:
        accounts.profile_update(actor=user_obj, data=NAME_AND_ADDRESS)
    if bank_code is not None:
        bank_master()
        accounts.bank_account_set(
            actor=user_obj,
            bank_code=bank_code,
            branch_code="001",
            account_type=1,
            number="1234567",
            holder_name="ヤマダ タロウ",
        )
    if balance:
        credit(user_obj, balance)
    return user_obj


def closes(count: int, *, first: date = date(2025, 1, 1)) -> list[date]:
    """`count` consecutive close dates (M3) from `first` on."""
    found: list[date] = []
    day = first
    while len(found) < count:
        found.append(calendar.next_close(day))
        day = found[-1] + timedelta(days=1)
    return found


def payout_row(
    user: User, *, close: date, status: str = "paid", net: int = 4_500, **extra: Any
) -> Payout:
    """A payout as the batch leaves it after `status` (no money moved: page tests only)."""
    cycle = calendar.cycle_for_close(close)
    batch, _ = PayoutBatch.objects.get_or_create(
        close_date=close,
        defaults={
            "payment_date": cycle.pay_date,
            "cutoff": clock.now(),
            "status": "paid" if status == "paid" else "exported",
        },
    )
    now = clock.now()
    return Payout.objects.create(
        batch=batch,
        user=user,
        amount=net + 500,
        fee=500,
        net=net,
        status=status,
        bank_code="0005",
        bank_name="ﾐﾂﾋﾞｼﾕ-ｴﾌｼﾞｴｲ",
        branch_code="001",
        branch_name="ﾎﾝﾃﾝ",
        account_type=1,
        account_number="1234567",
        holder_kana="ﾔﾏﾀﾞ ﾀﾛｳ",
        exported_at=now if status != "requested" else None,
        paid_at=now if status == "paid" else None,
        failed_at=now if status == "failed" else None,
        **extra,
    )


# --- A small HTML query helper (the standard library's parser; no extra dependency) ---------

import re  # noqa: E402
from html.parser import HTMLParser  # noqa: E402

VOID = {"area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
_SIMPLE = re.compile(r"([a-zA-Z][\w-]*)|#([\w-]+)|\.([\w-]+)|\[([\w-]+)(?:=([^\]]*))?\]")


class Node:
    def __init__(self, tag: str, attrs: dict[str, str], parent: "Node | None") -> None:
        self.tag = tag
        self.attrs = attrs
        self.parent = parent
        self.children: list[Node | str] = []

    def __getitem__(self, name: str) -> str:
        return self.attrs[name]

    def has_attr(self, name: str) -> bool:
        return name in self.attrs

    @property
    def classes(self) -> list[str]:
        return self.attrs.get("class", "").split()

    def get_text(self, separator: str = "", strip: bool = False) -> str:
        parts: list[str] = []
        for child in self.children:
            text = child if isinstance(child, str) else child.get_text(separator, strip)
            parts.append(text.strip() if strip else text)
        return separator.join(p for p in parts if p or not strip)

    def _descendants(self) -> "list[Node]":
        found = []
        for child in self.children:
            if isinstance(child, Node):
                found.append(child)
                found.extend(child._descendants())
        return found

    def _matches(self, simple: str) -> bool:
        for tag, id_, cls, attr, value in _SIMPLE.findall(simple):
            if tag and self.tag != tag.lower():
                return False
            if id_ and self.attrs.get("id") != id_:
                return False
            if cls and cls not in self.classes:
                return False
            if attr and attr not in self.attrs:
                return False
            if attr and value and self.attrs[attr] != value.strip("\"'"):
                return False
        return True

    def select(self, selector: str) -> "list[Node]":
        """CSS subset: tag, #id, .class, [attr], [attr=value], the descendant combinator."""
        current = [self]
        for simple in selector.split():
            seen: dict[int, Node] = {}
            for node in current:
                for found in node._descendants():
                    if found._matches(simple):
                        seen.setdefault(id(found), found)
            current = list(seen.values())
        order = {id(n): i for i, n in enumerate(self._descendants())}
        return sorted(current, key=lambda n: order[id(n)])

    def select_one(self, selector: str) -> "Node | None":
        found = self.select(selector)
        return found[0] if found else None

    def one(self, selector: str) -> "Node":
        """The first match, which must exist."""
        found = self.select_one(selector)
        assert found is not None, f"nothing matches {selector!r}"
        return found


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {}, None)
        self.current = self.root

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs}, self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.current.children.append(Node(tag, {k: v or "" for k, v in attrs}, self.current))

    def handle_endtag(self, tag: str) -> None:
        node: Node | None = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data: str) -> None:
        self.current.children.append(data)


def parse_html(content: bytes | str) -> Node:
    builder = _TreeBuilder()
    builder.feed(content.decode() if isinstance(content, bytes) else content)
    builder.close()
    return builder.root
