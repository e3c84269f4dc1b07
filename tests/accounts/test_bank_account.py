"""A7: the bank account payouts go to, chosen from the Zengin bank master."""

from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from tests.factories import UserFactory
from ukeoi.accounts import selectors, services
from ukeoi.accounts.models import Bank, BankAccount, BankBranch, BankMasterLoad
from ukeoi.core.errors import ApplicationError

pytestmark = pytest.mark.django_db


@pytest.fixture
def banks():
    mizuho = Bank.objects.create(
        code="0001", name="みずほ", kana="ミズホ", hira="みずほ", roma="mizuho"
    )
    BankBranch.objects.create(
        bank=mizuho,
        code="001",
        name="東京営業部",
        kana="トウキヨウ",
        hira="とうきよう",
        roma="toukyou",
    )
    post = Bank.objects.create(
        code="9900", name="ゆうちょ", kana="ユウチヨ", hira="ゆうちよ", roma="yuucho"
    )
    BankBranch.objects.create(
        bank=post,
        code="058",
        name="〇五八",
        kana="ゼロゴハチ",
        hira="ぜろごはち",
        roma="zerogohachi",
    )
    return mizuho, post


def _set(user, **overrides):
    values: dict[str, Any] = {
        "bank_code": "0001",
        "branch_code": "001",
        "account_type": 1,
        "number": "1234567",
        "holder_name": "やまだ　たろう",
    } | overrides
    return services.bank_account_set(actor=user, **values)


def test_bank_account_is_saved_with_the_holder_name_in_bank_kana(banks):
    user = UserFactory.create()
    account = _set(user)
    assert (account.bank.code, account.branch.code, account.number) == ("0001", "001", "1234567")
    assert account.holder_kana == "ﾔﾏﾀﾞ ﾀﾛｳ"

    _set(user, number="7654321")  # replacing keeps one account per user
    assert BankAccount.objects.filter(user=user).count() == 1
    assert BankAccount.objects.get(user=user).number == "7654321"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"bank_code": "9999"}, "bank_code"),
        ({"branch_code": "999"}, "branch_code"),
        ({"number": "123456"}, "number"),
        ({"number": "12345678"}, "number"),
        ({"number": "１２３４５６７"}, "number"),
        ({"holder_name": "山田 太郎"}, "holder_name"),
        ({"holder_name": "ヤマダ・タロウ"}, "holder_name"),
        ({"account_type": 3}, "account_type"),
    ],
)
def test_bad_bank_details_are_refused_and_nothing_is_saved(banks, overrides, field):
    user = UserFactory.create()
    with pytest.raises(ApplicationError) as refused:
        _set(user, **overrides)
    assert field in refused.value.fields
    assert not BankAccount.objects.filter(user=user).exists()


def test_japan_post_kigo_bango_are_converted():
    """JAPAN.md: 10530-12345671 → branch 058, account 1234567."""
    assert services.japan_post_account(kigo="10530", bango="12345671") == ("058", "1234567")
    assert services.japan_post_account(kigo="14010", bango="2345671") == ("408", "0234567")
    for kigo, bango in [("20530", "12345671"), ("1053", "12345671"), ("10530", "12345670")]:
        with pytest.raises(ApplicationError):
            services.japan_post_account(kigo=kigo, bango=bango)


@pytest.mark.parametrize("query", ["みずほ", "ミズホ", "ﾐｽﾞﾎ", "mizuho", "000"])
def test_bank_search_matches_kana_hiragana_romaji_and_code(banks, query):
    assert [b.code for b in selectors.bank_search(query=query)] == ["0001"]


def test_page_saves_a_japan_post_account_from_kigo_and_bango(client: Client, banks):
    user = UserFactory.create()
    client.force_login(user)
    response = client.post(
        "/accounts/bank/",
        {
            "bank_code": "9900",
            "account_type": "1",
            "kigo": "10530",
            "bango": "12345671",
            "holder_name": "ヤマダ タロウ",
        },
    )
    assert response.status_code == 302
    account = BankAccount.objects.get(user=user)
    assert (account.branch.code, account.number) == ("058", "1234567")


def test_page_shows_errors_next_to_fields_with_a_400(client: Client, banks):
    user = UserFactory.create()
    client.force_login(user)
    response = client.post(
        "/accounts/bank/",
        {
            "bank_code": "0001",
            "branch_code": "001",
            "account_type": "1",
            "number": "12",
            "holder_name": "山田",
        },
    )
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"number", "holder_name"}
    assert not BankAccount.objects.exists()


def test_api_sets_and_reads_the_bank_account(client: Client, banks):
    user = UserFactory.create()
    client.force_login(user)
    assert client.get("/api/me/bank-account").status_code == 404
    response = client.put(
        "/api/me/bank-account",
        {
            "bank_code": "0001",
            "branch_code": "001",
            "account_type": 1,
            "number": "1234567",
            "holder_name": "ヤマダ タロウ",
        },
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    body = client.get("/api/me/bank-account").json()
    assert body["bank"]["code"] == "0001"
    assert body["holder_kana"] == "ﾔﾏﾀﾞ ﾀﾛｳ"
    found = client.get("/api/banks", {"q": "みずほ"}).json()
    assert [b["code"] for b in found] == ["0001"]


def test_bank_master_loads_once_per_data_date():
    call_command("load_bank_master")
    banks, branches = Bank.objects.count(), BankBranch.objects.count()
    assert banks > 1000
    assert branches > 20000
    assert BankBranch.objects.filter(bank__code="9900", code="058").exists()
    load = BankMasterLoad.objects.get()
    assert (load.banks, load.branches) == (banks, branches)

    call_command("load_bank_master")
    assert (Bank.objects.count(), BankBranch.objects.count(), BankMasterLoad.objects.count()) == (
        banks,
        branches,
        1,
    )
