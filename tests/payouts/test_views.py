"""Issue 6 items 2 and 6: the payout settings page (出金設定) and the statement (報酬明細).

M3 (next close and payment date), M4 (the four conditions, each with what to do), M6 (the
fee shown before any payout), M5 (payout states on the statement)."""

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from tests.factories import UserFactory
from tests.payouts.pages_support import (
    Node,
    bank_master,
    closes,
    credit,
    lancer,
    parse_html,
    payout_row,
)
from ukeoi.ledger.selectors import ledger_check_get
from ukeoi.payouts.models import PayoutSettings

pytestmark = pytest.mark.django_db

JST = ZoneInfo("Asia/Tokyo")
# A Sunday in December 2026: the next close is 31 Dec, paid on Fri 15 Jan 2027.
TODAY = datetime(2026, 12, 20, 10, 0, tzinfo=JST)


@pytest.fixture(autouse=True)
def _frozen(time_machine: Any) -> None:
    time_machine.move_to(TODAY, tick=False)


def _ja(message: str) -> str:
    with translation.override("ja"):
        return translation.gettext(message)


def _page(client: Client, url: str, status: int = 200) -> Node:
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="ja")
    assert response.status_code == status
    return parse_html(response.content)


def _conditions(soup: Node) -> dict[str, tuple[bool, str | None]]:
    """code -> (met, the link's address or None)."""
    found = {}
    for item in soup.select("li.condition"):
        link = item.select_one("a")
        found[item["data-code"]] = ("met" in item.classes, link["href"] if link else None)
    return found


class TestSettingsPage:
    def test_m4_a_ready_lancer_sees_all_four_conditions_met_and_the_fee_of_their_bank(
        self, client: Client
    ) -> None:
        user = lancer(balance=12_000, bank_code="0005")
        client.force_login(user)

        soup = _page(client, "/payouts/settings/")

        assert _conditions(soup) == {
            "minimum_balance": (True, None),
            "bank_account": (True, None),
            "auto_mode": (True, None),
            "name_and_address": (True, None),
        }
        # M6: the fee for the registered bank (not the platform's own bank) before any payout.
        fee = soup.one("#fee .fee-line").get_text(" ", strip=True)
        assert "三菱ＵＦＪ" in fee
        assert "500円" in fee
        # M3: the next close and its payment date; the upcoming payout's amounts.
        dates = soup.one("#next-payout .payout-dates").get_text(" ", strip=True)
        assert "2026年12月31日" in dates
        assert "2027年1月15日" in dates
        amounts = [td.get_text(strip=True) for td in soup.select("#upcoming-amounts td")]
        assert amounts == ["12,000円", "−500円", "11,500円"]
        assert soup.one("input[name=mode][value=auto]").has_attr("checked")

    def test_m6_the_platform_s_own_bank_costs_the_lower_fee(self, client: Client) -> None:
        client.force_login(lancer(balance=5_000, bank_code="0001"))

        soup = _page(client, "/payouts/settings/")

        assert "100円" in soup.one("#fee .fee-line").get_text()
        cells = [td.get_text(strip=True) for td in soup.select("#upcoming-amounts td")]
        assert cells == ["5,000円", "−100円", "4,900円"]

    def test_m4_a_new_user_sees_what_is_missing_with_a_link_for_each(self, client: Client) -> None:
        bank_master()
        user = lancer(balance=800, bank_code=None, name_and_address=False)
        client.force_login(user)

        soup = _page(client, "/payouts/settings/")

        assert _conditions(soup) == {
            # Nothing to do but earn more: no link.
            "minimum_balance": (False, None),
            "bank_account": (False, "/accounts/bank/"),
            "auto_mode": (True, None),
            "name_and_address": (False, "/accounts/profile/"),
        }
        unmet = soup.one("li.condition.unmet")
        assert unmet.one(".mark").get_text() == "✗"  # not by colour alone
        assert unmet.one(".sr-only").get_text() == _ja("(not met)")
        # Without a bank account both fees are shown, and where to register one.
        fee = soup.one("#fee").get_text(" ", strip=True)
        assert "100円" in fee
        assert "500円" in fee
        assert "みずほ" in fee
        # No payout at the next close, and why.
        assert soup.select_one("#no-payout") is not None
        assert len(soup.select("#next-payout ul.missing li")) == 3
        assert soup.select_one("#upcoming-amounts") is None

    def test_m4_keeping_the_balance_turns_the_auto_mode_condition_red_and_back(
        self, client: Client
    ) -> None:
        user = lancer(balance=12_000)
        client.force_login(user)

        response = client.post("/payouts/settings/", {"mode": "manual"})

        assert response.status_code == 302
        assert response["Location"] == "/payouts/settings/"
        assert PayoutSettings.objects.get(user=user).mode == "manual"
        soup = _page(client, "/payouts/settings/")
        assert _conditions(soup)["auto_mode"] == (False, "/payouts/settings/#payout-mode")
        assert soup.select_one("#no-payout") is not None
        assert soup.one("input[name=mode][value=manual]").has_attr("checked")

        client.post("/payouts/settings/", {"mode": "auto"})
        assert PayoutSettings.objects.get(user=user).mode == "auto"
        assert _conditions(_page(client, "/payouts/settings/"))["auto_mode"] == (True, None)

    @pytest.mark.parametrize("data", [{"mode": "weekly"}, {}, {"mode": ""}])
    def test_a_bad_mode_is_refused_with_a_message_and_nothing_changes(
        self, client: Client, data: dict[str, str]
    ) -> None:
        user = lancer(balance=12_000)
        client.force_login(user)

        response = client.post("/payouts/settings/", data, HTTP_ACCEPT_LANGUAGE="ja")

        assert response.status_code == 400
        soup = parse_html(response.content)
        assert soup.one(".field.has-error .error").get_text(strip=True)
        assert not PayoutSettings.objects.filter(user=user).exists()

    def test_signed_out_visitors_are_sent_to_sign_in(self, client: Client) -> None:
        for url in ("/payouts/settings/", "/payouts/"):
            response = client.get(url)
            assert response.status_code == 302
            assert response["Location"].startswith("/accounts/login/")
        assert client.post("/payouts/settings/", {"mode": "manual"}).status_code == 302
        assert not PayoutSettings.objects.exists()


class TestStatementPage:
    def test_balance_upcoming_payout_history_movements_and_chart(self, client: Client) -> None:
        user = lancer(balance=12_000)
        credit(user, 3_000)
        payout_row(user, close=date(2026, 10, 31), status="paid", net=9_500)
        payout_row(
            user,
            close=date(2026, 11, 15),
            status="failed",
            net=4_500,
            failure_reason="口座番号が違います",
        )
        payout_row(user, close=date(2026, 11, 30), status="exported", net=2_500)
        client.force_login(user)

        soup = _page(client, "/payouts/")

        assert soup.one("#balance .big-amount").get_text(strip=True) == "15,000円"
        upcoming = [td.get_text(strip=True) for td in soup.select("#upcoming-amounts td")]
        assert upcoming == ["15,000円", "−500円", "14,500円"]
        assert "2027年1月15日" in soup.one("#upcoming .payout-dates").get_text()
        rows = soup.select("#payouts tr.payout")
        assert [r["data-status"] for r in rows] == ["exported", "failed", "paid"]
        failed = rows[1].get_text(" ", strip=True)
        assert "口座番号が違います" in failed
        assert "4,500円" in failed
        assert _ja("Failed") in failed
        assert "****567" in rows[0].get_text()
        movements = [tr.select("td") for tr in soup.select("#entries tbody tr")]
        assert [m[2].get_text(strip=True) for m in movements] == ["+3,000円", "+12,000円"]
        assert [m[3].get_text(strip=True) for m in movements] == ["15,000円", "12,000円"]
        assert movements[0][1].get_text(" ", strip=True).startswith(_ja("Task reward"))
        # The chart: two inline SVGs (wide and narrow), each an image with a title and a
        # description, and a table of the same figures.
        svgs = soup.select("#chart svg[role=img]")
        assert len(svgs) == 2
        ids = {svg["aria-labelledby"] for svg in svgs}
        assert ids == {
            "balance-chart-wide-title balance-chart-wide-desc",
            "balance-chart-narrow-title balance-chart-narrow-desc",
        }
        assert "15,000円" in svgs[0].one("desc").get_text()
        assert not soup.select("#chart script")
        table = [td.get_text(strip=True) for td in soup.select("#chart details td")]
        assert table[-1] == "15,000円"

    def test_below_the_minimum_the_page_says_why_there_is_no_payout(self, client: Client) -> None:
        client.force_login(lancer(balance=800))

        soup = _page(client, "/payouts/")

        assert soup.select_one("#upcoming-amounts") is None
        reason = soup.one("#upcoming").get_text(" ", strip=True)
        assert "800円" in reason
        assert len(soup.select("#upcoming ul.missing li")) == 1
        assert soup.select_one("#payouts .muted") is not None  # no payouts yet

    def test_a_user_without_any_ledger_account_sees_zero_and_an_empty_chart(
        self, client: Client
    ) -> None:
        client.force_login(UserFactory.create())

        soup = _page(client, "/payouts/")

        assert soup.one("#balance .big-amount").get_text(strip=True) == "0円"
        assert len(soup.select("#chart svg")) == 2
        assert soup.select_one("#chart details") is None

    def test_only_the_user_s_own_payouts_and_movements_are_shown(self, client: Client) -> None:
        me = lancer(balance=2_000)
        other = lancer(balance=50_000)
        payout_row(other, close=date(2026, 11, 30), status="paid")
        client.force_login(me)

        soup = _page(client, "/payouts/")

        assert not soup.select("#payouts tr.payout")
        assert len(soup.select("#entries tbody tr")) == 1
        assert "50,000" not in soup.get_text()

    @pytest.mark.parametrize("query", ["?page=abc", "?page=-3&payouts_page=x", "?page=999999"])
    def test_odd_page_numbers_show_a_page_not_an_error(self, client: Client, query: str) -> None:
        client.force_login(lancer(balance=2_000))

        assert client.get(f"/payouts/{query}").status_code == 200

    def test_paging_through_payouts(self, client: Client) -> None:
        user = lancer(balance=2_000)
        for close in closes(12):
            payout_row(user, close=close)
        client.force_login(user)

        first = _page(client, "/payouts/")
        second = _page(client, "/payouts/?payouts_page=2")

        assert len(first.select("#payouts tr.payout")) == 10
        assert len(second.select("#payouts tr.payout")) == 2
        assert first.one("#payouts .pager a").get_text(strip=True) == _ja("Older payouts")

    def test_query_count_does_not_grow_with_the_history(self, client: Client) -> None:
        """Two payouts and three movements cost the same queries as 24 payouts and 40."""
        user = lancer(balance=2_000)
        client.force_login(user)
        close_dates = iter(closes(24))

        def grow(payouts: int, movements: int) -> None:
            for _ in range(payouts):
                payout_row(user, close=next(close_dates))
            for _ in range(movements):
                credit(user, 100)

        grow(2, 2)
        client.get("/payouts/")  # the site-wide lookups cached once (the legal versions)
        with CaptureQueriesContext(connection) as small:
            client.get("/payouts/")
            client.get("/payouts/settings/")
        grow(22, 37)
        with CaptureQueriesContext(connection) as large:
            assert len(_page(client, "/payouts/").select("#payouts tr.payout")) == 10
            client.get("/payouts/settings/")

        assert len(large.captured_queries) == len(small.captured_queries)
        assert len(small.captured_queries) <= 30
        assert ledger_check_get().ok
