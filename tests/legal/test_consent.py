"""L4: registering requires consent to the current terms and privacy policy; when a new
version takes effect a signed-in user agrees before going on (the site sends them to the
consent page, the API answers 403 consent_required), and can always leave meanwhile."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import ApiTokenFactory, UserFactory
from tests.legal.conftest import new_version
from ukeoi.accounts import services as services_accounts
from ukeoi.accounts.models import Profile, User
from ukeoi.core.models import AuditEvent
from ukeoi.legal.enums import DocumentKind
from ukeoi.legal.models import Consent, DocumentVersion

pytestmark = pytest.mark.django_db

PASSWORD = "kumo-no-ue-77-sora"
FORM = {
    "email": "hanako@example.jp",
    "username": "hanako",
    "display_name": "花子",
    "password1": PASSWORD,
    "password2": PASSWORD,
}
API = {
    "email": "hanako@example.jp",
    "username": "hanako",
    "display_name": "花子",
    "password": PASSWORD,
}


def rows() -> tuple[int, int, int, int]:
    return (
        User.objects.count(),
        Profile.objects.count(),
        Consent.objects.count(),
        AuditEvent.objects.count(),
    )


def consented(user: User) -> set[tuple[str, int]]:
    return {(c.version.kind, c.version.number) for c in Consent.objects.filter(user=user)}


class TestRegistration:
    def test_web_registration_without_the_box_is_refused_and_stores_nothing(
        self, client: Client, legal_pages: dict[str, DocumentVersion]
    ) -> None:
        response = client.post(reverse("accounts:register"), FORM)

        assert response.status_code == 400
        assert response.context["form"].errors["agree_terms"] == [
            "登録するには、利用規約とプライバシーポリシーをお読みいただき、同意してください。"
        ]
        assert rows() == (0, 0, 0, 0)

    def test_web_registration_message_is_in_english_on_request(
        self, client: Client, legal_pages: dict[str, DocumentVersion]
    ) -> None:
        response = client.post(
            reverse("accounts:register"), FORM, headers={"accept-language": "en"}
        )

        assert "agree to them to register" in response.content.decode()
        assert rows() == (0, 0, 0, 0)

    def test_the_form_links_the_terms_and_the_policy(self, client: Client) -> None:
        page = client.get(reverse("accounts:register")).content.decode()

        assert 'href="/legal/terms/"' in page
        assert 'href="/legal/privacy/"' in page
        assert 'name="agree_terms"' in page

    def test_web_registration_with_the_box_records_the_consents(
        self, client: Client, legal_pages: dict[str, DocumentVersion]
    ) -> None:
        response = client.post(reverse("accounts:register"), FORM | {"agree_terms": "on"})

        user = User.objects.get(username="hanako")
        assert response.status_code == 302
        assert consented(user) == {("terms", 1), ("privacy", 1)}
        # Signed in straight away and not asked again.
        assert client.get(reverse("accounts:profile_edit")).status_code == 200

    @pytest.mark.parametrize("agree", [None, False, "true", 1])
    def test_api_registration_without_consent_is_refused_and_stores_nothing(
        self, client: Client, legal_pages: dict[str, DocumentVersion], agree: object
    ) -> None:
        payload = API if agree is None else API | {"agree_terms": agree}

        response = client.post("/api/accounts/register", payload, content_type="application/json")

        assert response.status_code == 400
        assert response.json()["code"] == "invalid"
        assert "agree_terms" in response.json()["fields"]
        assert rows() == (0, 0, 0, 0)

    def test_api_registration_with_consent_records_it(
        self, client: Client, legal_pages: dict[str, DocumentVersion]
    ) -> None:
        response = client.post(
            "/api/accounts/register", API | {"agree_terms": True}, content_type="application/json"
        )

        assert response.status_code == 201
        user = User.objects.get(pk=response.json()["id"])
        assert consented(user) == {("terms", 1), ("privacy", 1)}
        consent = Consent.objects.filter(user=user).first()
        assert consent is not None
        assert consent.consented_at is not None

    def test_an_account_an_operator_creates_has_agreed_to_nothing_and_is_asked(
        self, client: Client, legal_pages: dict[str, DocumentVersion]
    ) -> None:
        """L4: nobody agreed for the holder of an account made in the admin (agree_terms
        None): no consent is recorded, and the first signed-in page asks for it."""
        user = services_accounts.user_register(
            email="made-by-op@example.jp",
            username="made_by_op",
            display_name="代理 登録",
            password="correct horse battery staple",
        )

        assert consented(user) == set()
        client.force_login(user)
        assert client.get("/contracts/")["Location"].startswith("/legal/consent/")

    def test_registration_works_before_any_page_is_published(self, client: Client) -> None:
        response = client.post(reverse("accounts:register"), FORM | {"agree_terms": "on"})

        assert response.status_code == 302
        assert Consent.objects.count() == 0
        assert client.get(reverse("accounts:profile_edit")).status_code == 200


class TestNewVersion:
    def test_a_new_version_sends_the_user_to_the_consent_page_and_back(
        self, member_client: Client, member: User
    ) -> None:
        assert member_client.get(reverse("contracts:list")).status_code == 200
        version = new_version(DocumentKind.TERMS)

        redirected = member_client.get(reverse("contracts:list"))
        page = member_client.get(redirected["Location"])

        assert redirected.status_code == 302
        assert redirected["Location"] == "/legal/consent/?next=%2Fcontracts%2F"
        text = page.content.decode()
        assert page.status_code == 200
        assert version.title_ja in text
        assert "第5条の検収期間を14日と明記しました。" in text
        # Without the box ticked nothing is recorded.
        refused = member_client.post(
            redirected["Location"], {"version": [version.pk], "next": "/contracts/"}
        )
        assert refused.status_code == 400
        assert ("terms", 2) not in consented(member)

        agreed = member_client.post(
            redirected["Location"],
            {"version": [version.pk], "agree": "on", "next": "/contracts/"},
        )

        assert agreed.status_code == 302
        assert agreed["Location"] == "/contracts/"
        assert ("terms", 2) in consented(member)
        assert member_client.get(reverse("contracts:list")).status_code == 200

    def test_a_new_privacy_policy_also_asks(self, member_client: Client) -> None:
        new_version(DocumentKind.PRIVACY)

        assert member_client.get(reverse("contracts:list")).status_code == 302

    def test_a_new_tokushoho_notice_asks_nobody(self, member_client: Client) -> None:
        new_version(DocumentKind.TOKUSHOHO)

        assert member_client.get(reverse("contracts:list")).status_code == 200

    def test_a_scheduled_version_asks_only_once_it_takes_effect(
        self, member_client: Client
    ) -> None:
        new_version(DocumentKind.TERMS, in_days=3)

        assert member_client.get(reverse("contracts:list")).status_code == 200

    @pytest.mark.parametrize(
        "path",
        [
            "/withdrawal/",
            "/accounts/settings/",
            "/help/",
            "/legal/terms/",
            "/legal/privacy/",
            "/legal/tokushoho/",
            "/legal/consent/",
        ],
    )
    def test_leaving_and_reading_stay_reachable_without_agreeing(
        self, member_client: Client, path: str
    ) -> None:
        new_version(DocumentKind.TERMS)

        assert member_client.get(path).status_code == 200

    def test_signing_out_stays_possible_without_agreeing(self, member_client: Client) -> None:
        new_version(DocumentKind.TERMS)

        response = member_client.post(reverse("accounts:logout"))

        assert response.status_code == 302
        assert "_auth_user_id" not in member_client.session

    def test_the_consent_page_offers_the_ways_to_leave(self, member_client: Client) -> None:
        new_version(DocumentKind.TERMS)

        page = member_client.get("/legal/consent/").content.decode()

        for target in ("/withdrawal/", "/privacy/export/", "/accounts/logout/", "/help/"):
            assert f'"{target}"' in page

    def test_a_version_replaced_while_reading_is_refused(self, member_client: Client) -> None:
        old = new_version(DocumentKind.TERMS)
        new_version(DocumentKind.TERMS)

        response = member_client.post("/legal/consent/", {"version": [old.pk], "agree": "on"})

        assert response.status_code == 302
        assert response["Location"] == "/legal/consent/"
        assert not Consent.objects.filter(version=old).exists()

    def test_the_next_address_never_leaves_the_site(self, member_client: Client) -> None:
        version = new_version(DocumentKind.TERMS)

        response = member_client.post(
            "/legal/consent/",
            {"version": [version.pk], "agree": "on", "next": "https://evil.example/"},
        )

        assert response["Location"] == "/"


class TestApi:
    def test_api_answers_consent_required_until_the_user_agrees(
        self, member_client: Client, member: User
    ) -> None:
        version = new_version(DocumentKind.TERMS)

        refused = member_client.get("/api/me")
        current = member_client.get("/api/legal/current")

        assert refused.status_code == 403
        assert set(refused.json()) == {"code", "message", "fields"}
        assert refused.json()["code"] == "consent_required"
        assert refused.json()["fields"] == {}
        assert current.status_code == 200
        assert current.json()["consent_required"] is True
        assert current.json()["consent_version_ids"] == [version.pk]

        agreed = member_client.post(
            "/api/legal/consents", {"version_ids": [version.pk]}, content_type="application/json"
        )

        assert agreed.status_code == 200
        assert agreed.json()["consent_required"] is False
        assert member_client.get("/api/me").status_code == 200

    def test_a_bearer_token_is_asked_too(self, client: Client, member: User) -> None:
        raw = f"uk_legal-test-{member.pk:08d}"
        ApiTokenFactory.create(user=member, raw=raw)
        headers = {"Authorization": f"Bearer {raw}"}
        version = new_version(DocumentKind.PRIVACY)

        refused = client.get("/api/me", headers=headers)
        message = client.get("/api/me", headers=headers | {"accept-language": "en"})

        assert refused.status_code == 403
        assert refused.json()["code"] == "consent_required"
        assert "privacy policy have changed" in message.json()["message"]
        assert client.get("/api/withdrawal", headers=headers).status_code == 200
        client.post(
            "/api/legal/consents",
            {"version_ids": [version.pk]},
            content_type="application/json",
            headers=headers,
        )
        assert client.get("/api/me", headers=headers).status_code == 200

    def test_consenting_to_a_version_not_in_force_is_a_409(
        self, member_client: Client, legal_pages: dict[str, DocumentVersion]
    ) -> None:
        scheduled = new_version(DocumentKind.TERMS, in_days=5)

        for pk in (scheduled.pk, legal_pages[DocumentKind.TOKUSHOHO].pk):
            response = member_client.post(
                "/api/legal/consents", {"version_ids": [pk]}, content_type="application/json"
            )
            assert response.status_code == 409
            assert response.json()["code"] == "not_current"

    def test_current_lists_the_documents_for_visitors(
        self, client: Client, legal_pages: dict[str, DocumentVersion]
    ) -> None:
        body = client.get("/api/legal/current", headers={"accept-language": "en"}).json()

        assert [d["kind"] for d in body["documents"]] == ["privacy", "terms", "tokushoho"]
        assert {d["consented"] for d in body["documents"]} == {None}
        assert body["consent_required"] is False
        assert body["documents"][1]["title"] == "Terms of use (sample)"

    def test_a_user_who_registered_before_any_page_is_asked_once_they_exist(
        self, client: Client
    ) -> None:
        user = UserFactory.create()
        client.force_login(user)
        assert client.get("/api/me").status_code == 200

        new_version(DocumentKind.TERMS)

        assert client.get("/api/me").status_code == 403
