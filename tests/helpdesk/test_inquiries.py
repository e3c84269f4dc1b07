"""H3, P1: contact to the operators — the form (open to signed-out visitors, rate limited),
the ticket's states, replies from the admin mailed after commit, the user's inquiries page,
and the erasure hook for 'delete my personal information'."""

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import translation

from tests.factories import InquiryFactory, OperatorFactory, UserFactory
from ukeoi.accounts.models import User
from ukeoi.core.errors import ApplicationError
from ukeoi.core.models import AuditEvent
from ukeoi.helpdesk import services
from ukeoi.helpdesk.enums import INQUIRY_TRANSITIONS, InquiryCategory, InquiryStatus
from ukeoi.helpdesk.models import Inquiry, InquiryReply

pytestmark = pytest.mark.django_db

CONTACT = "/help/contact/"


def form(**overrides: str) -> dict[str, str]:
    return {
        "category": "sign_in",
        "subject": "ログインできません",
        "body": "パスワードを再設定してもメールが届きません。",
        "reply_email": "guest@example.jp",
        **overrides,
    }


def send(client: Client, **overrides: str):
    return client.post(CONTACT, form(**overrides))


@pytest.fixture
def operator() -> User:
    return OperatorFactory.create(email="ops@example.jp")


class TestContactForm:
    def test_signed_out_visitor_can_write(self, client: Client) -> None:
        """H3: open to signed-out users (for sign-in problems)."""
        response = send(client)

        assert response.status_code == 302
        assert response["Location"] == "/help/contact/sent/"
        inquiry = Inquiry.objects.get()
        assert inquiry.user is None
        assert (inquiry.category, inquiry.status) == ("sign_in", InquiryStatus.NEW)
        assert inquiry.reply_email == "guest@example.jp"
        assert inquiry.language == "ja"
        assert AuditEvent.objects.filter(action="inquiry.received").count() == 1

    def test_signed_in_user_gets_the_reply_address_prefilled_and_sees_the_inquiry(
        self, client: Client
    ) -> None:
        """H3."""
        user = UserFactory.create(email="taro@example.jp", language="en")
        client.force_login(user)

        page = client.get(CONTACT)
        response = send(client, reply_email="taro@example.jp")

        assert page.context["form"]["reply_email"].value() == "taro@example.jp"
        assert response["Location"] == "/help/inquiries/"
        inquiry = Inquiry.objects.get()
        assert inquiry.user == user
        assert inquiry.language == "en"

    def test_category_can_be_chosen_by_link(self, client: Client) -> None:
        """P1: the erasure article links straight to the right category."""
        page = client.get(CONTACT, {"category": "delete_personal_data"})

        assert page.context["form"]["category"].value() == "delete_personal_data"
        labels = dict(InquiryCategory.choices)
        assert {"delete_personal_data", "withdrawal"} <= set(labels)

    @pytest.mark.parametrize(
        ("field", "value"),
        [
            ("subject", ""),
            ("subject", "   "),
            ("subject", "件" * 121),
            ("body", ""),
            ("body", "本" * 4001),
            ("reply_email", "not-an-address"),
            ("reply_email", ""),
            ("category", "bribe"),
        ],
    )
    def test_bad_input_is_400_with_the_field_error_and_nothing_is_saved(
        self, client: Client, field: str, value: str
    ) -> None:
        response = send(client, **{field: value})

        assert response.status_code == 400
        assert field in response.context["form"].errors
        assert not Inquiry.objects.exists()

    def test_service_refuses_what_a_form_would_not_catch(self) -> None:
        """The API and other callers get the same rules: NUL characters, blank text."""
        with pytest.raises(ApplicationError) as refused:
            services.inquiry_submit(
                actor=None,
                category="other",
                subject="件名\x00",
                body="  ",
                reply_email="a@example.jp",
                language="ja",
                client_ip="192.0.2.1",
            )

        assert set(refused.value.fields) == {"subject", "body"}
        assert not Inquiry.objects.exists()

    def test_the_form_shows_faq_articles_for_the_subject(
        self, client: Client, seeded_faq: object
    ) -> None:
        """H4: without JavaScript, a subject given in the link already shows suggestions."""
        page = client.get(CONTACT, {"subject": "退会できない"})

        titles = [a.title for a in page.context["suggestions"]]
        assert "退会できないときは（6つの条件と解消方法）" in titles


class TestRateLimit:
    def test_a_burst_from_one_address_is_refused_with_429_and_nothing_is_saved(
        self, client: Client
    ) -> None:
        """H3: spam burst → rate limited, with a clear message."""
        for n in range(5):
            assert send(client, subject=f"質問 {n}").status_code == 302

        response = send(client, subject="6通目")

        assert response.status_code == 429
        with translation.override("ja"):
            expected = translation.gettext(
                "You have sent too many messages in a short time. Nothing was saved. "
                "Please wait %(minutes)d minutes and try again."
            ) % {"minutes": 60}
        assert response.context["form"].non_field_errors() == [expected]
        assert expected in response.content.decode()
        assert Inquiry.objects.count() == 5

    def test_changing_the_ip_does_not_escape_the_per_address_limit(self) -> None:
        for n in range(5):
            services.inquiry_submit(
                actor=None,
                category="other",
                subject=f"件名{n}",
                body="本文",
                reply_email="same@example.jp",
                language="ja",
                client_ip=f"192.0.2.{n}",
            )

        with pytest.raises(services.RateLimited):
            services.inquiry_submit(
                actor=None,
                category="other",
                subject="件名",
                body="本文",
                reply_email="SAME@example.jp",
                language="ja",
                client_ip="198.51.100.1",
            )
        assert Inquiry.objects.count() == 5

    def test_invalid_attempts_do_not_use_up_the_limit(self, client: Client) -> None:
        for _ in range(10):
            send(client, body="")

        assert send(client).status_code == 302

    def test_limit_follows_the_setting(self, client: Client, settings: Any) -> None:
        settings.HELPDESK_RATE_LIMITS = {"inquiry": (1, 60)}

        assert send(client).status_code == 302
        assert send(client, subject="2").status_code == 429


class TestStatusMachine:
    def test_transition_table_covers_every_status(self) -> None:
        assert set(INQUIRY_TRANSITIONS) == set(InquiryStatus.values)
        for targets in INQUIRY_TRANSITIONS.values():
            assert targets <= set(InquiryStatus.values)

    def test_database_refuses_an_unknown_status(self) -> None:
        inquiry = InquiryFactory.create()

        with pytest.raises(IntegrityError), transaction.atomic():
            Inquiry.objects.filter(pk=inquiry.pk).update(status="lost")

    def test_operator_takes_up_closes_and_reopens(self, operator: User) -> None:
        inquiry = InquiryFactory.create()

        for status in ("in_progress", "closed", "in_progress"):
            services.inquiry_status_set(actor=operator, inquiry_id=inquiry.pk, status=status)
            inquiry.refresh_from_db()
            assert inquiry.status == status
        assert AuditEvent.objects.filter(action="inquiry.status_changed").count() == 3

    def test_a_move_outside_the_table_is_refused_and_nothing_changes(self, operator: User) -> None:
        inquiry = InquiryFactory.create(status=InquiryStatus.CLOSED)

        with pytest.raises(ApplicationError) as refused:
            services.inquiry_status_set(actor=operator, inquiry_id=inquiry.pk, status="answered")

        assert refused.value.code == "invalid_transition"
        inquiry.refresh_from_db()
        assert inquiry.status == InquiryStatus.CLOSED

    def test_only_operators_move_inquiries(self) -> None:
        inquiry = InquiryFactory.create()

        with pytest.raises(ApplicationError) as refused:
            services.inquiry_status_set(actor=inquiry.user, inquiry_id=inquiry.pk, status="closed")

        assert refused.value.status == 403


class TestReply:
    def test_reply_is_mailed_after_commit_in_the_users_language(
        self,
        operator: User,
        django_capture_on_commit_callbacks: Any,
        mailoutbox: list[EmailMessage],
    ) -> None:
        """H3: the operator's reply reaches the reply address, in the sender's language."""
        user = UserFactory.create(email="taro@example.jp", display_name="Taro", language="en")
        inquiry = InquiryFactory.create(user=user, reply_email="reply-here@example.jp")

        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            services.inquiry_reply(
                actor=operator,
                inquiry_id=inquiry.pk,
                body="パスワード再設定のリンクを再送しました。",
            )
            assert mailoutbox == []  # nothing leaves before the commit
        for callback in callbacks:
            callback()

        assert len(mailoutbox) == 1
        mail = mailoutbox[0]
        assert mail.to == ["reply-here@example.jp"]
        with translation.override("en"):
            assert mail.subject == translation.gettext(
                "[ukeoi] Reply to your inquiry #%(number)s: %(subject)s"
            ) % {"number": inquiry.pk, "subject": inquiry.subject}
        assert "パスワード再設定のリンクを再送しました。" in str(mail.body)
        assert "Taro" in str(mail.body)
        inquiry.refresh_from_db()
        assert inquiry.status == InquiryStatus.ANSWERED
        assert AuditEvent.objects.filter(action="inquiry.replied").count() == 1

    def test_reply_to_a_deleted_user_still_reaches_the_reply_address(
        self,
        operator: User,
        django_capture_on_commit_callbacks: Any,
        mailoutbox: list[EmailMessage],
    ) -> None:
        """H3, bad input: the account row is gone (user FK nulled); nothing is lost."""
        user = UserFactory.create(email="gone@example.jp", language="en")
        inquiry = InquiryFactory.create(user=user, reply_email="gone@example.jp", language="en")
        user.delete()
        inquiry.refresh_from_db()
        assert inquiry.user is None

        with django_capture_on_commit_callbacks(execute=True):
            reply = services.inquiry_reply(
                actor=operator, inquiry_id=inquiry.pk, body="Your data has been deleted."
            )

        assert [m.to for m in mailoutbox] == [["gone@example.jp"]]
        assert str(mailoutbox[0].subject).startswith("[ukeoi] Reply to your inquiry")
        assert InquiryReply.objects.get() == reply

    def test_empty_or_over_long_reply_is_refused(self, operator: User) -> None:
        inquiry = InquiryFactory.create()

        for body in ("", "返" * 4001):
            with pytest.raises(ApplicationError):
                services.inquiry_reply(actor=operator, inquiry_id=inquiry.pk, body=body)

        assert not InquiryReply.objects.exists()

    def test_closed_inquiry_takes_no_reply(
        self, operator: User, mailoutbox: list[EmailMessage]
    ) -> None:
        inquiry = InquiryFactory.create(status=InquiryStatus.CLOSED)

        with pytest.raises(ApplicationError) as refused:
            services.inquiry_reply(actor=operator, inquiry_id=inquiry.pk, body="返信")

        assert refused.value.code == "inquiry_closed"
        assert not InquiryReply.objects.exists()
        assert mailoutbox == []

    def test_users_cannot_reply_as_operators(self) -> None:
        inquiry = InquiryFactory.create()

        with pytest.raises(ApplicationError) as refused:
            services.inquiry_reply(actor=inquiry.user, inquiry_id=inquiry.pk, body="自作自演")

        assert refused.value.status == 403
        assert not InquiryReply.objects.exists()


class TestAdminReply:
    def test_operator_replies_from_the_admin_change_page(
        self,
        client: Client,
        operator: User,
        django_capture_on_commit_callbacks: Any,
        mailoutbox: list[EmailMessage],
    ) -> None:
        """H3: operators handle inquiries in the admin."""
        inquiry = InquiryFactory.create(reply_email="asker@example.jp")
        client.force_login(operator)
        url = f"/admin/helpdesk/inquiry/{inquiry.pk}/change/"

        assert client.get(url).status_code == 200
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                url,
                {
                    "user": str(inquiry.user_id),
                    "internal_note": "再送済み",
                    "reply": "リンクを再送しました。",
                    "replies-TOTAL_FORMS": "0",
                    "replies-INITIAL_FORMS": "0",
                    "replies-MIN_NUM_FORMS": "0",
                    "replies-MAX_NUM_FORMS": "1000",
                },
            )

        assert response.status_code == 302, response.content.decode()[:2000]
        inquiry.refresh_from_db()
        assert inquiry.status == InquiryStatus.ANSWERED
        assert inquiry.internal_note == "再送済み"
        assert [m.to for m in mailoutbox] == [["asker@example.jp"]]
        assert "リンクを再送しました。" in str(mailoutbox[0].body)
        assert "リンクを再送しました。" in client.get(url).content.decode()

    def test_admin_actions_move_the_status(self, client: Client, operator: User) -> None:
        inquiries = InquiryFactory.create_batch(2)
        client.force_login(operator)

        client.post(
            "/admin/helpdesk/inquiry/",
            {"action": "close", "_selected_action": [str(i.pk) for i in inquiries]},
        )

        assert set(Inquiry.objects.values_list("status", flat=True)) == {InquiryStatus.CLOSED}


class TestMyInquiries:
    def test_user_sees_own_inquiries_and_replies_only(self, client: Client, operator: User) -> None:
        """H3: the user sees their inquiries and the replies on a page."""
        mine = InquiryFactory.create(subject="自分の問い合わせ")
        InquiryFactory.create(subject="他人の問い合わせ")
        services.inquiry_reply(actor=operator, inquiry_id=mine.pk, body="運営からの返信です")
        client.force_login(mine.user)

        page = client.get("/help/inquiries/").content.decode()

        assert "自分の問い合わせ" in page
        assert "運営からの返信です" in page
        assert "他人の問い合わせ" not in page

    def test_page_needs_sign_in(self, client: Client) -> None:
        response = client.get("/help/inquiries/")

        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


@pytest.fixture
def erasure_receivers() -> Iterator[list[dict[str, Any]]]:
    calls: list[dict[str, Any]] = []

    def receiver(sender: Any, **kwargs: Any) -> None:
        calls.append(kwargs)

    services.inquiry_erasure_requested.connect(receiver, weak=False)
    yield calls
    services.inquiry_erasure_requested.disconnect(receiver)


def withdrawn_erasure_inquiry() -> Inquiry:
    """A 'delete my personal information' inquiry from a withdrawn account: the privacy app
    (connected to the hook) schedules erasure only for withdrawn accounts (P2)."""
    user = UserFactory.create()
    User.objects.filter(pk=user.pk).update(status="withdrawn", is_active=False)
    return InquiryFactory.create(user=user, category=InquiryCategory.DELETE_PERSONAL_DATA)


class TestErasureHook:
    """P1: a 'delete my personal information' inquiry lets operators start erasure."""

    def test_request_is_recorded_audited_and_moves_the_inquiry_in_progress(
        self, operator: User
    ) -> None:
        inquiry = withdrawn_erasure_inquiry()

        updated, handled = services.inquiry_request_erasure(actor=operator, inquiry_id=inquiry.pk)

        assert handled is True  # the privacy app schedules the erasure (P2, P4)
        assert updated.erasure_requested_at is not None
        assert updated.status == InquiryStatus.IN_PROGRESS
        event = AuditEvent.objects.get(action="inquiry.erasure_requested")
        assert (event.actor, event.after) == (operator, {"user": inquiry.user_id})

    def test_connected_erasure_service_receives_the_account(
        self, operator: User, erasure_receivers: list[dict[str, Any]]
    ) -> None:
        inquiry = withdrawn_erasure_inquiry()

        _updated, handled = services.inquiry_request_erasure(actor=operator, inquiry_id=inquiry.pk)

        assert handled is True
        assert erasure_receivers[0]["user_id"] == inquiry.user_id
        assert erasure_receivers[0]["operator"] == operator

    def test_a_receiver_that_refuses_rolls_everything_back(self, operator: User) -> None:
        inquiry = InquiryFactory.create(category=InquiryCategory.DELETE_PERSONAL_DATA)

        def refuse(sender: Any, **kwargs: Any) -> None:
            raise ApplicationError("blocked", code="erasure_blocked")

        services.inquiry_erasure_requested.connect(refuse, weak=False)
        try:
            with pytest.raises(ApplicationError):
                services.inquiry_request_erasure(actor=operator, inquiry_id=inquiry.pk)
        finally:
            services.inquiry_erasure_requested.disconnect(refuse)

        inquiry.refresh_from_db()
        assert inquiry.erasure_requested_at is None
        assert inquiry.status == InquiryStatus.NEW
        assert not AuditEvent.objects.filter(action="inquiry.erasure_requested").exists()

    @pytest.mark.parametrize(
        ("category", "linked", "code"),
        [
            (InquiryCategory.WITHDRAWAL, True, "not_an_erasure_inquiry"),
            (InquiryCategory.DELETE_PERSONAL_DATA, False, "no_account"),
        ],
    )
    def test_refused_for_other_categories_and_unlinked_senders(
        self, operator: User, category: str, linked: bool, code: str
    ) -> None:
        inquiry = InquiryFactory.create(category=category, **({} if linked else {"user": None}))

        with pytest.raises(ApplicationError) as refused:
            services.inquiry_request_erasure(actor=operator, inquiry_id=inquiry.pk)

        assert refused.value.code == code
        inquiry.refresh_from_db()
        assert inquiry.erasure_requested_at is None

    def test_asking_twice_is_refused(self, operator: User) -> None:
        inquiry = withdrawn_erasure_inquiry()
        services.inquiry_request_erasure(actor=operator, inquiry_id=inquiry.pk)

        with pytest.raises(ApplicationError) as refused:
            services.inquiry_request_erasure(actor=operator, inquiry_id=inquiry.pk)

        assert refused.value.code == "already_requested"

    def test_admin_action_starts_it(self, client: Client, operator: User) -> None:
        inquiry = withdrawn_erasure_inquiry()
        other = InquiryFactory.create(category=InquiryCategory.OTHER)
        client.force_login(operator)

        client.post(
            "/admin/helpdesk/inquiry/",
            {"action": "request_erasure", "_selected_action": [str(inquiry.pk), str(other.pk)]},
        )

        inquiry.refresh_from_db()
        other.refresh_from_db()
        assert inquiry.erasure_requested_at is not None
        assert other.erasure_requested_at is None
