"""Issue 9, item 3: the authorization matrix. Every URL pattern and every API operation,
requested as the anonymous visitor, a stranger, the owner (the party who may act), the
counterpart (the other party), a withdrawn user and, where it matters, an operator, with
the expected answer in one table:

- web, signed out or withdrawn: 302 to the sign-in page (public pages: 200);
- API, signed out or withdrawn: 401 (public operations: 200);
- not yours: 404 when the object is hidden from you: a stranger on any private object
  (a proposal, a task unit, a contract and its milestones, cancellation and ratings, a
  client payment, a job awaiting its payment) gets 404 on every route, reading or acting,
  so no answer tells them it exists (A2); 403 when you may see it but the step is not
  yours: a public object (an open job, a question) or the other party's step (B2–B5);
- the right party: 200 / 201 / 204, or the web's 302 to the page that follows.

A refused request must change nothing (every table's rows, statuses and steps, the
accounts). A route or operation without a row fails `test_every_*_has_a_row`: a new URL
needs its row here. A withdrawn user is withdrawn with `account_withdraw`, then given a
fresh session and a live API token (the worst case of either surviving, W7): both must be
refused on use. Rules: A2 (what others see), B2–B5 (who acts on proposals and contracts),
H2–H3, P2–P3, W7."""

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.contrib import admin
from django.core.cache import caches
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from pytest_django.fixtures import Settings as SettingsWrapper

from tests.factories import DEFAULT_PASSWORD, ApiTokenFactory, UserFactory, identity_document
from tests.payouts.batch_support import OTHER_BANK, bank_master, payee
from tests.security.access_support import (
    ACCEPTED,
    ADMIN_LOGIN,
    CREATED,
    FORBIDDEN,
    LOGIN,
    NO_CONTENT,
    NOT_ALLOWED,
    NOT_FOUND,
    OK,
    UNAUTHORIZED,
    Actor,
    Call,
    Expect,
    Outcome,
    Row,
    World,
    changed,
    done,
    expect,
    mismatch,
    person,
    refused_back,
    rolled_back,
    send,
    snapshot,
    withdrawn_user,
)
from ukeoi.accounts.models import User
from ukeoi.accounts.services import TOKEN_PREFIX
from ukeoi.api import api
from ukeoi.contracts.models import Contract
from ukeoi.contracts.statement import statements_list
from ukeoi.core import clock
from ukeoi.privacy import services as privacy
from ukeoi.privacy.enums import ErasureSource
from ukeoi.withdrawal import services as withdrawal

pytestmark = pytest.mark.django_db

A = Actor
W = World
ANON, STRANGER, OWNER, OTHER, GONE, OPERATOR = (
    A.ANONYMOUS,
    A.STRANGER,
    A.OWNER,
    A.COUNTERPART,
    A.WITHDRAWN,
    A.OPERATOR,
)


# --- how a row's expectations are written ---------------------------------------------------


def public(outcome: Expect = OK) -> dict[Actor, Expect]:
    """The same answer for everyone, signed in, signed out or withdrawn."""
    return {ANON: outcome, STRANGER: outcome, GONE: outcome}


def mine(owner: Expect = OK, *, stranger: Expect | None = None) -> dict[Actor, Expect]:
    """A page about the signed-in user themself: a stranger sees (or changes) their own."""
    return {ANON: LOGIN, GONE: LOGIN, STRANGER: stranger or owner, OWNER: owner}


def party(
    owner: Expect, *, other: Expect | None = None, stranger: Expect = NOT_FOUND
) -> dict[Actor, Expect]:
    """An object of two parties on the web: signed out → sign in; anyone else → 404."""
    table = {ANON: LOGIN, GONE: LOGIN, STRANGER: stranger, OWNER: owner}
    if other is not None:
        table[OTHER] = other
    return table


def api_mine(owner: Expect = OK, *, stranger: Expect | None = None) -> dict[Actor, Expect]:
    return {ANON: UNAUTHORIZED, GONE: UNAUTHORIZED, STRANGER: stranger or owner, OWNER: owner}


def api_party(
    owner: Expect, *, other: Expect | None = None, stranger: Expect = NOT_FOUND
) -> dict[Actor, Expect]:
    table = {ANON: UNAUTHORIZED, GONE: UNAUTHORIZED, STRANGER: stranger, OWNER: owner}
    if other is not None:
        table[OTHER] = other
    return table


def get(path: Callable[[W], str]) -> Callable[[W], Call]:
    return lambda w: Call("GET", path(w))


def post(path: Callable[[W], str], data: Callable[[W], dict[str, Any]] | None = None) -> Any:
    return lambda w: Call("POST", path(w), data(w) if data else {})


def url(name: str, *args: Callable[[W], Any]) -> Callable[[W], str]:
    return lambda w: reverse(name, args=[a(w) for a in args])


def api_call(
    method: str, path: str, data: Callable[[W], dict[str, Any]] | None = None, **ids: Any
) -> Callable[[W], Call]:
    def build(w: W) -> Call:
        concrete = "/api" + path.format(**{k: f(w) for k, f in ids.items()})
        return Call(method, concrete, data(w) if data else None)

    return build


def _terms_id(w: W) -> int:
    """The first statement of terms of the agreeing contract: a document of both sides."""
    return statements_list(w.contract_agreeing)[-1].pk


def client_of(w: W) -> User:
    return w.client


def lancer_of(w: W) -> User:
    return w.lancer


def milestone_of(contract: Callable[[W], Contract]) -> Callable[[W], int]:
    return lambda w: w.milestone(contract(w)).pk


def days(n: int) -> str:
    return (clock.now() + timedelta(days=n)).strftime("%Y-%m-%d")


JOB_FORM = {
    "format": "project",
    "title": "新しい依頼",
    "description": "説明です。",
    "category": "design",
    "budget_min": "10000",
    "budget_max": "20000",
}
WITHDRAW = {"password": DEFAULT_PASSWORD, "reason": "no_longer_needed"}


def job_form(w: W) -> dict[str, Any]:
    deadline = (clock.now() + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M")
    return {**JOB_FORM, "deadline": deadline}


def proposal_form(w: W) -> dict[str, Any]:
    return {"amount": "30000", "delivery_date": days(20), "message": "ご提案します。"}


def agreeing(w: W) -> Contract:
    return w.contract_agreeing


def unescrowed(w: W) -> Contract:
    return w.contract_unescrowed


def escrowed(w: W) -> Contract:
    return w.contract_escrowed


def delivered(w: W) -> Contract:
    return w.contract_delivered


def completed(w: W) -> Contract:
    return w.contract_completed


def cancelling(step: str) -> Callable[[W], Contract]:
    def build(w: W) -> Contract:
        from tests.contracts import builders

        return builders.contract_mid_cancellation(
            step=step,  # type: ignore[arg-type]
            proposed_by="client",
            client=w.client,
            lancer=w.lancer,
        )

    return build


def step_path(action: str, step: str) -> Callable[[W], str]:
    return lambda w: reverse("contracts:cancellation_step", args=[cancelling(step)(w).pk, action])


def erasure_scheduled(w: W) -> str:
    privacy.erasure_request(actor=None, user_id=w.withdrawn.pk, source=ErasureSource.SELF)
    return w.erasure_token


# --- the web: every URL pattern -------------------------------------------------------------

WEB: list[Row] = [
    Row("home", get(url("home")), public()),
    # accounts (A1–A7)
    Row(
        "accounts:register",
        get(url("accounts:register")),
        {ANON: OK, GONE: OK, STRANGER: done("/")},
    ),
    Row(
        "accounts:register",
        post(
            url("accounts:register"),
            lambda w: {
                "email": "new@example.jp",
                "username": "newcomer",
                "display_name": "新人",
                "password1": "a fresh horse battery",
                "password2": "a fresh horse battery",
                "agree_terms": "on",
            },
        ),
        # Signed in: back home, no account is created.
        {ANON: done("/accounts/profile/"), GONE: done("/accounts/profile/"), STRANGER: done("/")},
        variant="POST",
    ),
    Row(
        "accounts:login",
        get(url("accounts:login")),
        {ANON: OK, GONE: OK, STRANGER: expect(302, note="already signed in")},
    ),
    Row(
        "accounts:login",
        post(
            url("accounts:login"),
            lambda w: {"username": w.withdrawn.email, "password": DEFAULT_PASSWORD},
        ),
        # W7: the right password of a withdrawn account signs nobody in.
        {ANON: expect(400), GONE: expect(400)},
        variant="POST as the withdrawn account",
    ),
    Row("accounts:logout", get(url("accounts:logout")), public(NOT_ALLOWED)),
    Row("accounts:logout", post(url("accounts:logout")), public(done()), variant="POST"),
    Row(
        "accounts:settings",
        get(url("accounts:settings")),
        mine(),
        owner=client_of,
        secret=lambda w: w.client_token.name,
    ),
    Row(
        "accounts:settings",
        post(url("accounts:settings"), lambda w: {"action": "language", "lang-language": "en"}),
        mine(done("/accounts/settings/")),
        owner=client_of,
        variant="POST",
    ),
    Row(
        "accounts:token_revoke",
        post(url("accounts:token_revoke", lambda w: w.client_token.pk)),
        party(
            done("/accounts/settings/"),
            stranger=refused_back("/accounts/settings/", "someone else's token: a message"),
        ),
        owner=client_of,
    ),
    Row(
        "accounts:profile_edit",
        get(url("accounts:profile_edit")),
        mine(),
        owner=client_of,
        secret=lambda w: w.portfolio_item.title,
    ),
    Row(
        "accounts:profile_edit",
        post(
            url("accounts:profile_edit"),
            lambda w: {"action": "display_name", "name-display_name": "新しい名前"},
        ),
        mine(done("/accounts/profile/")),
        owner=client_of,
        variant="POST",
    ),
    Row(
        "accounts:portfolio_delete",
        post(url("accounts:portfolio_delete", lambda w: w.portfolio_item.pk)),
        party(
            done("/accounts/profile/"),
            stranger=refused_back("/accounts/profile/", "someone else's item: a message"),
        ),
        owner=client_of,
    ),
    Row("accounts:verification", get(url("accounts:verification")), mine(), owner=client_of),
    Row(
        "accounts:verification",
        post(
            url("accounts:verification"),
            lambda w: {
                "document_type": "drivers_license",
                "document_number": "123456789012",
                "birth_date": "1990-01-01",
                "document": identity_document(),
            },
        ),
        mine(done("/accounts/verification/")),
        owner=client_of,
        variant="POST",
    ),
    Row("accounts:bank_account", get(url("accounts:bank_account")), mine(), owner=client_of),
    Row(
        "accounts:bank_account",
        post(
            url("accounts:bank_account"),
            lambda w: (
                bank_master()
                and {
                    "bank_code": OTHER_BANK,
                    "branch_code": "001",
                    "account_type": "1",
                    "number": "1234567",
                    "holder_name": "ﾔﾏﾀﾞ ﾀﾛｳ",
                }
            ),
        ),
        mine(done("/accounts/bank/")),
        owner=client_of,
        variant="POST",
    ),
    Row("accounts:password_change", get(url("accounts:password_change")), mine(), owner=client_of),
    Row(
        "accounts:password_change",
        post(
            url("accounts:password_change"),
            lambda w: {
                "old_password": DEFAULT_PASSWORD,
                "new_password1": "another horse battery staple",
                "new_password2": "another horse battery staple",
            },
        ),
        mine(done("/accounts/password/change/done/")),
        owner=client_of,
        variant="POST",
    ),
    Row(
        "accounts:password_change_done",
        get(url("accounts:password_change_done")),
        mine(),
        owner=client_of,
    ),
    Row("accounts:password_reset", get(url("accounts:password_reset")), public()),
    Row(
        "accounts:password_reset",
        post(url("accounts:password_reset"), lambda w: {"email": w.client.email}),
        public(done("/accounts/password/reset/sent/")),
        variant="POST",
    ),
    Row("accounts:password_reset_done", get(url("accounts:password_reset_done")), public()),
    Row(
        "accounts:password_reset_confirm",
        get(lambda w: reverse("accounts:password_reset_confirm", args=["MQ", "forged-token"])),
        public(expect(400)),
        variant="forged link",
    ),
    Row("accounts:password_reset_complete", get(url("accounts:password_reset_complete")), public()),
    Row("public_profile", get(url("public_profile", lambda w: w.client.pk)), public()),
    Row(
        "portfolio_image",
        get(
            url(
                "portfolio_image",
                lambda w: w.client.pk,
                lambda w: w.portfolio_image_item.pk,
            )
        ),
        public(),
    ),
    # jobs (B1, B2, B8)
    Row("jobs:list", get(url("jobs:list")), public()),
    Row("jobs:create", get(url("jobs:create")), mine(), owner=client_of),
    Row(
        "jobs:create",
        post(url("jobs:create"), job_form),
        mine(done("/jobs/")),
        owner=client_of,
        variant="POST",
    ),
    Row(
        "jobs:my_jobs",
        get(url("jobs:my_jobs")),
        mine(),
        owner=client_of,
        secret=lambda w: w.job.title,
    ),
    Row(
        "jobs:detail",
        get(url("jobs:detail", lambda w: w.job.pk)),
        public(),
        variant="open",
    ),
    Row(
        "jobs:detail",
        get(url("jobs:detail", lambda w: w.awaiting_job.pk)),
        {ANON: NOT_FOUND, GONE: NOT_FOUND, STRANGER: NOT_FOUND, OWNER: OK, OPERATOR: OK},
        owner=client_of,
        variant="awaiting payment",
        secret=lambda w: w.awaiting_job.title,
    ),
    Row(
        "jobs:detail",
        post(url("jobs:detail", lambda w: w.job.pk), proposal_form),
        {ANON: LOGIN, GONE: LOGIN, STRANGER: done("/jobs/proposals/"), OWNER: FORBIDDEN},
        owner=client_of,
        variant="POST a proposal",
    ),
    Row(
        "jobs:close",
        post(url("jobs:close", lambda w: w.proposal.job_id)),
        # An open job is public: a stranger is refused (403) but learns nothing new (A2).
        party(done("/jobs/"), other=FORBIDDEN, stranger=FORBIDDEN),
        owner=client_of,
        counterpart=lancer_of,
    ),
    Row(
        "jobs:close",
        post(url("jobs:close", lambda w: w.awaiting_job.pk)),
        # A2: a job awaiting its payment is its client's (and the operators'): 404.
        party(done("/jobs/")),
        owner=client_of,
        variant="awaiting payment",
    ),
    Row(
        "jobs:demo_confirm",
        post(url("jobs:demo_confirm", lambda w: w.awaiting_job.pk)),
        party(NOT_FOUND),
        owner=client_of,
        variant="outside demo mode",
        settings={"DEMO_MODE": False},
    ),
    Row(
        "jobs:demo_confirm",
        post(url("jobs:demo_confirm", lambda w: w.awaiting_job.pk)),
        party(done("/jobs/"), stranger=NOT_FOUND),
        owner=lambda w: w.operator and w.client,
        variant="demo mode",
        settings={"DEMO_MODE": True},
    ),
    Row(
        "jobs:my_proposals",
        get(url("jobs:my_proposals")),
        mine(),
        owner=lambda w: w.proposal.lancer,
        secret=lambda w: w.proposal.job.title,
    ),
    Row(
        "jobs:proposal_detail",
        get(url("jobs:proposal_detail", lambda w: w.proposal.pk)),
        party(OK, other=OK),
        owner=lancer_of,
        counterpart=client_of,
        secret=lambda w: w.proposal.message,
    ),
    Row(
        "jobs:proposal_detail",
        post(
            url("jobs:proposal_detail", lambda w: w.proposal.pk),
            lambda w: {"action": "message", "message-body": "質問があります。"},
        ),
        party(done("/jobs/proposals/"), other=done("/jobs/proposals/")),
        owner=lancer_of,
        counterpart=client_of,
        variant="POST a message",
    ),
    # B2: a proposal is its two sides'; the lancer is refused the client's step (403), a
    # stranger is told nothing (404, A2).
    *[
        Row(
            name,
            post(url(name, lambda w: w.proposal.pk)),
            party(done("/jobs/"), other=FORBIDDEN),
            owner=client_of,
            counterpart=lancer_of,
        )
        for name in ("contracts:hire", "jobs:proposal_decline", "jobs:proposal_delete")
    ],
    # B1: a unit is the task's client's and its lancer's; a stranger gets 404 (A2).
    *[
        Row(
            f"jobs:unit_{action}",
            post(url(f"jobs:unit_{action}", lambda w: w.unit.pk)),
            party(done("/jobs/"), other=FORBIDDEN),
            owner=client_of,
            counterpart=lancer_of,
        )
        for action in ("approve", "reject")
    ],
    # contracts (B3–B8)
    Row(
        "contracts:list",
        get(url("contracts:list")),
        mine(),
        owner=lambda w: w.contract_agreeing.client,
        secret=lambda w: reverse("contracts:detail", args=[w.contract_agreeing.pk]),
    ),
    # T3: each signed-in user sees only its own withholding (a client's own milestones).
    # T3: a tax year's pages and files are the signed-in user's own figures.
    Row(
        "contracts:tax_year",
        get(url("contracts:tax_year")),
        mine(),
        owner=lambda w: w.contract_agreeing.client,
    ),
    Row(
        "contracts:payment_records_csv",
        get(url("contracts:payment_records_csv", lambda w: timezone.localdate().year)),
        mine(),
        owner=lambda w: w.contract_agreeing.client,
    ),
    Row(
        "contracts:payment_record_pdf",
        get(
            url(
                "contracts:payment_record_pdf",
                lambda w: timezone.localdate().year,
                lambda w: w.contract_completed.lancer_id,
            )
        ),
        # Only the client that paid has a record for that lancer; anyone else has none.
        party(OK, other=NOT_FOUND),
        owner=lambda w: w.contract_completed.client,
        counterpart=lambda w: w.contract_completed.lancer,
    ),
    Row(
        "contracts:annual_summary_csv",
        get(url("contracts:annual_summary_csv", lambda w: timezone.localdate().year)),
        mine(),
        owner=lambda w: w.contract_agreeing.lancer,
    ),
    Row(
        "contracts:withholding",
        get(url("contracts:withholding")),
        mine(),
        owner=lambda w: w.contract_agreeing.client,
    ),
    Row(
        "contracts:detail",
        get(url("contracts:detail", lambda w: w.contract_agreeing.pk)),
        party(OK, other=OK),
        owner=client_of,
        counterpart=lancer_of,
    ),
    Row(
        "contracts:detail",
        post(
            url("contracts:detail", lambda w: w.contract_agreeing.pk),
            lambda w: {"message-body": "よろしくお願いします"},
        ),
        party(done("/contracts/"), other=done("/contracts/")),
        owner=client_of,
        counterpart=lancer_of,
        variant="POST a message",
    ),
    Row(
        "contracts:milestones_propose",
        post(
            url("contracts:milestones_propose", lambda w: w.contract_agreeing.pk),
            lambda w: {
                "plan-TOTAL_FORMS": "1",
                "plan-INITIAL_FORMS": "0",
                "plan-MIN_NUM_FORMS": "0",
                "plan-MAX_NUM_FORMS": "20",
                "plan-0-title": "デザイン案",
                "plan-0-amount": "20000",
                "plan-0-due_date": days(30),
            },
        ),
        party(done("/contracts/"), other=FORBIDDEN),
        owner=client_of,
        counterpart=lancer_of,
    ),
    Row(
        "contracts:milestones_agree",
        post(url("contracts:milestones_agree", lambda w: w.contract_agreeing.pk)),
        party(done("/contracts/"), other=FORBIDDEN),
        owner=lancer_of,
        counterpart=client_of,
    ),
    Row(
        "contracts:cancellation_propose",
        post(
            url("contracts:cancellation_propose", lambda w: w.contract_escrowed.pk),
            lambda w: {"cancel-reason": "方針変更のため"},
        ),
        party(done("/contracts/"), other=done("/contracts/")),
        owner=client_of,
        counterpart=lancer_of,
    ),
    *[
        Row(
            "contracts:cancellation_step",
            post(step_path(action, step)),
            party(done("/contracts/"), other=FORBIDDEN),
            owner=owner,
            counterpart=other,
            variant=action,
        )
        for action, step, owner, other in [
            ("agree", "proposed", lancer_of, client_of),
            ("decline", "proposed", lancer_of, client_of),
            ("escrow_cancel", "agreed", lancer_of, client_of),
            ("plan_delete", "escrow_cancelled", client_of, lancer_of),
            ("deletion_approve", "plan_deleted", lancer_of, client_of),
        ]
    ],
    Row(
        "contracts:rate",
        post(
            url("contracts:rate", lambda w: w.contract_completed.pk),
            lambda w: {"rating-value": "satisfied", "rating-comment": "ありがとうございました"},
        ),
        party(done("/contracts/"), other=done("/contracts/")),
        owner=client_of,
        counterpart=lancer_of,
    ),
    Row(
        "contracts:escrow",
        post(url("contracts:escrow", milestone_of(unescrowed))),
        party(done("/contracts/"), other=FORBIDDEN),
        owner=client_of,
        counterpart=lancer_of,
    ),
    Row(
        "contracts:demo_confirm",
        post(url("contracts:demo_confirm", milestone_of(unescrowed))),
        party(NOT_FOUND, other=NOT_FOUND),
        owner=client_of,
        counterpart=lancer_of,
        variant="outside demo mode",
        settings={"DEMO_MODE": False},
    ),
    Row(
        "contracts:deliver",
        post(
            url("contracts:deliver", milestone_of(escrowed)),
            lambda w: {f"d{w.milestone(w.contract_escrowed).pk}-body": "納品します"},
        ),
        party(done("/contracts/"), other=FORBIDDEN),
        owner=lancer_of,
        counterpart=client_of,
    ),
    Row(
        "contracts:accept",
        post(url("contracts:accept", milestone_of(delivered))),
        party(done("/contracts/"), other=FORBIDDEN),
        owner=client_of,
        counterpart=lancer_of,
    ),
    Row(
        "contracts:request_changes",
        post(
            url("contracts:request_changes", milestone_of(delivered)),
            lambda w: {f"c{w.milestone(w.contract_delivered).pk}-comment": "修正をお願いします"},
        ),
        party(done("/contracts/"), other=FORBIDDEN),
        owner=client_of,
        counterpart=lancer_of,
    ),
    Row(
        "contracts:delivery_file",
        get(url("contracts:delivery_file", lambda w: w.delivery_with_file.pk)),
        party(OK, other=OK),
        owner=lancer_of,
        counterpart=client_of,
    ),
    # L1, A2: a statement of terms' PDF is for the two sides (and operators); others 404.
    Row(
        "contracts:terms_pdf",
        get(url("contracts:terms_pdf", lambda w: w.contract_agreeing.pk, lambda w: 1)),
        party(OK, other=OK),
        owner=client_of,
        counterpart=lancer_of,
    ),
    Row("documents:list", get(url("documents:list")), mine(), owner=client_of),
    Row(
        "documents:pdf",
        get(url("documents:pdf", _terms_id)),
        party(OK, other=OK),
        owner=client_of,
        counterpart=lancer_of,
    ),
    Row(
        "contracts:for_proposal",
        get(url("contracts:for_proposal", lambda w: w.contract_agreeing.proposal_id)),
        party(done("/contracts/"), other=done("/contracts/")),
        owner=client_of,
        counterpart=lancer_of,
    ),
    # help centre (H1–H4)
    # L4: the legal pages are public; the consent page is the signed-in user's own (with
    # nothing to agree to it sends them on).
    Row("legal:document", get(lambda w: reverse("legal:document", args=["terms"])), public()),
    Row(
        "legal:version",
        get(lambda w: reverse("legal:version", args=["terms", 1])),
        public(NOT_FOUND),
    ),
    Row("legal:consent", get(url("legal:consent")), mine(done("/")), owner=client_of),
    Row(
        "legal:consent",
        post(url("legal:consent")),
        mine(done("/")),
        owner=client_of,
        variant="POST",
    ),
    Row("helpdesk:index", get(url("helpdesk:index")), public()),
    Row("helpdesk:search", get(lambda w: reverse("helpdesk:search") + "?q=退会"), public()),
    Row("helpdesk:suggest", get(lambda w: reverse("helpdesk:suggest") + "?q=退会"), public()),
    Row(
        "helpdesk:category",
        get(url("helpdesk:category", lambda w: w.article.category.slug)),
        public(),
    ),
    Row("helpdesk:article", get(url("helpdesk:article", lambda w: w.article.slug)), public()),
    Row(
        "helpdesk:article_vote",
        post(url("helpdesk:article_vote", lambda w: w.article.slug), lambda w: {"helpful": "yes"}),
        public(done("/help/faq/")),
    ),
    Row("helpdesk:contact", get(url("helpdesk:contact")), public()),
    Row(
        "helpdesk:contact",
        post(
            url("helpdesk:contact"),
            lambda w: {
                "category": "work",
                "subject": "契約について",
                "body": "教えてください。",
                "reply_email": "asker@example.jp",
            },
        ),
        {
            ANON: done("/help/contact/sent/"),
            GONE: done("/help/contact/sent/"),
            STRANGER: done("/help/inquiries/"),
        },
        variant="POST",
    ),
    Row("helpdesk:contact_sent", get(url("helpdesk:contact_sent")), public()),
    Row(
        "helpdesk:inquiries",
        get(url("helpdesk:inquiries")),
        mine(),
        owner=client_of,
        secret=lambda w: w.inquiry.subject,
    ),
    Row("helpdesk:room", get(url("helpdesk:room")), public()),
    Row("helpdesk:question_create", get(url("helpdesk:question_create")), mine(), owner=client_of),
    Row(
        "helpdesk:question_create",
        post(
            url("helpdesk:question_create"),
            lambda w: {"category": "withdrawal", "title": "退会について", "body": "教えて。"},
        ),
        mine(done("/help/room/")),
        owner=client_of,
        variant="POST",
    ),
    Row(
        "helpdesk:question",
        get(url("helpdesk:question", lambda w: w.question.pk)),
        public(),
    ),
    Row(
        "helpdesk:question",
        post(url("helpdesk:question", lambda w: w.question.pk), lambda w: {"body": "回答です。"}),
        {ANON: LOGIN, GONE: LOGIN, STRANGER: done("/help/room/")},
        variant="POST an answer",
    ),
    Row(
        "helpdesk:answer_best",
        post(url("helpdesk:answer_best", lambda w: w.question.pk, lambda w: w.answer.pk)),
        party(
            done("/help/room/"),
            other=refused_back("/help/room/", "not the asker: a message"),
            stranger=refused_back("/help/room/", "not the asker: a message"),
        ),
        owner=client_of,
        counterpart=lancer_of,
    ),
    # payouts (M3–M6)
    Row("payouts:statement", get(url("payouts:statement")), mine(), owner=client_of),
    Row("payouts:settings", get(url("payouts:settings")), mine(), owner=client_of),
    Row(
        "payouts:settings",
        post(url("payouts:settings"), lambda w: {"mode": "auto"}),
        mine(done("/payouts/settings/")),
        owner=client_of,
        variant="POST",
    ),
    # withdrawal (W1–W9)
    Row("withdrawal:index", get(url("withdrawal:index")), mine(), owner=client_of),
    Row("withdrawal:form", get(url("withdrawal:form")), mine(), owner=client_of),
    Row(
        "withdrawal:form",
        post(url("withdrawal:form"), lambda w: {**WITHDRAW, "profile": "keep"}),
        mine(done("/withdrawal/done/")),
        owner=client_of,
        variant="POST",
    ),
    Row("withdrawal:done", get(url("withdrawal:done")), public(expect(302, to="/"))),
    Row(
        "withdrawal:when_clear",
        post(
            url("withdrawal:when_clear"),
            lambda w: {**WITHDRAW, "profile": "keep", "balance_choice": "forfeit"},
        ),
        mine(expect(409, note="nothing to wait for")),
        owner=client_of,
    ),
    Row(
        "withdrawal:when_clear_cancel",
        post(url("withdrawal:when_clear_cancel")),
        mine(expect(409, note="nothing pending")),
        owner=client_of,
    ),
    # privacy (P2, P3)
    Row(
        "privacy:erasure_confirm",
        get(url("privacy:erasure_confirm", lambda w: w.erasure_token)),
        public(),
        variant="the signed link is the key",
    ),
    Row(
        "privacy:erasure_confirm",
        post(
            url("privacy:erasure_confirm", lambda w: w.erasure_token),
            lambda w: {"action": "request"},
        ),
        public(done("/privacy/erasure/")),
        variant="POST",
    ),
    Row(
        "privacy:erasure_confirm",
        get(url("privacy:erasure_confirm", lambda w: "forged")),
        public(expect(400)),
        variant="forged link",
    ),
    Row(
        "privacy:export_request",
        post(url("privacy:export_request")),
        mine(done("/accounts/settings/")),
        owner=client_of,
    ),
    Row(
        "privacy:export_download",
        get(url("privacy:export_download", lambda w: w.export.pk)),
        party(OK),
        owner=client_of,
    ),
    # the rest
    Row("set_language", post(url("set_language"), lambda w: {"language": "en"}), public(done())),
    Row("dev_outbox", get(url("dev_outbox")), public(NOT_FOUND), settings={"DEMO_MODE": False}),
    Row("api:openapi-json", get(lambda w: "/api/openapi.json"), public()),
    Row("api:openapi-view", get(lambda w: "/api/docs"), public()),
    Row("api:api-root", get(lambda w: "/api/"), public(NOT_FOUND)),
]


# --- the API: every operation of the OpenAPI schema -----------------------------------------


def _id(attr: str) -> Callable[[W], int]:
    def get_pk(w: W) -> int:
        value: Any = w
        for part in attr.split("."):
            value = getattr(value, part)
        return int(value.pk if hasattr(value, "pk") else value)

    return get_pk


MILESTONES = {"milestones": [{"title": "デザイン案", "amount": 20_000}]}

API: list[Row] = [
    Row(
        "POST /api/accounts/register",
        api_call(
            "POST",
            "/accounts/register",
            lambda w: {
                "email": "api-new@example.jp",
                "username": "apinew",
                "display_name": "新人",
                "password": "a fresh horse battery",
                "agree_terms": True,
            },
        ),
        public(CREATED),
    ),
    Row("GET /api/me", api_call("GET", "/me"), api_mine(), owner=client_of),
    Row(
        "PATCH /api/me",
        api_call("PATCH", "/me", lambda w: {"display_name": "新しい名前"}),
        api_mine(),
        owner=client_of,
    ),
    Row(
        "GET /api/tokens",
        api_call("GET", "/tokens"),
        api_mine(),
        owner=client_of,
        secret=lambda w: w.client_token.name,
    ),
    Row(
        "POST /api/tokens",
        api_call("POST", "/tokens", lambda w: {"name": "deploy"}),
        api_mine(CREATED),
        owner=client_of,
    ),
    Row(
        "DELETE /api/tokens/{token_id}",
        api_call("DELETE", "/tokens/{token_id}", token_id=_id("client_token")),
        api_party(NO_CONTENT),
        owner=client_of,
    ),
    Row("GET /api/banks", api_call("GET", "/banks"), api_mine(), owner=client_of),
    Row(
        "GET /api/banks/{bank_code}/branches",
        api_call("GET", "/banks/{bank_code}/branches", bank_code=lambda w: OTHER_BANK),
        api_mine(),
        owner=client_of,
    ),
    Row(
        "GET /api/me/bank-account",
        api_call("GET", "/me/bank-account"),
        api_mine(stranger=NOT_FOUND),
        owner=lambda w: payee(),
        variant="the owner has one, the stranger none",
    ),
    Row(
        "PUT /api/me/bank-account",
        api_call(
            "PUT",
            "/me/bank-account",
            lambda w: (
                bank_master()
                and {
                    "bank_code": OTHER_BANK,
                    "branch_code": "001",
                    "account_type": 1,
                    "number": "1234567",
                    "holder_name": "ﾔﾏﾀﾞ ﾀﾛｳ",
                }
            ),
        ),
        api_mine(),
        owner=client_of,
    ),
    Row("GET /api/legal/current", api_call("GET", "/legal/current"), public()),
    Row(
        "POST /api/legal/consents",
        api_call("POST", "/legal/consents", lambda w: {"version_ids": [1]}),
        api_mine(expect(409, note="no such version in force")),
        owner=client_of,
    ),
    Row("GET /api/jobs", api_call("GET", "/jobs"), public()),
    Row(
        "POST /api/jobs",
        api_call(
            "POST",
            "/jobs",
            lambda w: {
                **{k: v for k, v in JOB_FORM.items() if not k.startswith("budget")},
                "budget_min": 10_000,
                "deadline": (clock.now() + timedelta(days=7)).isoformat(),
            },
        ),
        api_mine(CREATED),
        owner=client_of,
    ),
    Row(
        "GET /api/jobs/mine",
        api_call("GET", "/jobs/mine"),
        api_mine(),
        owner=client_of,
        secret=lambda w: w.job.title,
    ),
    Row(
        "GET /api/jobs/{job_id}",
        api_call("GET", "/jobs/{job_id}", job_id=_id("job")),
        public(),
        variant="open",
    ),
    Row(
        "GET /api/jobs/{job_id}",
        api_call("GET", "/jobs/{job_id}", job_id=_id("awaiting_job")),
        {ANON: NOT_FOUND, GONE: NOT_FOUND, STRANGER: NOT_FOUND, OWNER: OK, OPERATOR: OK},
        owner=client_of,
        variant="awaiting payment",
    ),
    Row(
        "POST /api/jobs/{job_id}/close",
        api_call("POST", "/jobs/{job_id}/close", job_id=_id("proposal.job")),
        # An open job is public: 403 to a stranger; one awaiting payment is not (below).
        api_party(OK, other=FORBIDDEN, stranger=FORBIDDEN),
        owner=client_of,
        counterpart=lancer_of,
    ),
    Row(
        "POST /api/jobs/{job_id}/close",
        api_call("POST", "/jobs/{job_id}/close", job_id=_id("awaiting_job")),
        # A2: a job awaiting its payment does not exist to a stranger, whatever they try.
        api_party(OK),
        owner=client_of,
        variant="awaiting payment",
        secret=lambda w: w.awaiting_job.title,
    ),
    Row(
        "GET /api/jobs/{job_id}/proposals",
        api_call("GET", "/jobs/{job_id}/proposals", job_id=_id("awaiting_job")),
        api_party(OK),
        owner=client_of,
        variant="awaiting payment",
    ),
    Row(
        "POST /api/jobs/{job_id}/proposals",
        api_call(
            "POST",
            "/jobs/{job_id}/proposals",
            lambda w: {"message": "ご提案します。", "amount": 30_000, "delivery_date": days(20)},
            job_id=_id("awaiting_job"),
        ),
        api_party(FORBIDDEN),
        owner=client_of,
        variant="awaiting payment",
    ),
    Row(
        "POST /api/jobs/{job_id}/units",
        api_call(
            "POST",
            "/jobs/{job_id}/units",
            lambda w: {"content": "作業結果"},
            job_id=_id("awaiting_task"),
        ),
        api_party(FORBIDDEN),
        owner=client_of,
        variant="awaiting payment",
    ),
    Row(
        "GET /api/jobs/{job_id}/proposals",
        api_call("GET", "/jobs/{job_id}/proposals", job_id=_id("proposal.job")),
        # B2: the list is the client's, of a public job (403, nothing revealed, A2).
        api_party(OK, other=FORBIDDEN, stranger=FORBIDDEN),
        owner=client_of,
        counterpart=lancer_of,
        secret=lambda w: w.proposal.message,
    ),
    Row(
        "POST /api/jobs/{job_id}/proposals",
        api_call(
            "POST",
            "/jobs/{job_id}/proposals",
            lambda w: {"message": "ご提案します。", "amount": 30_000, "delivery_date": days(20)},
            job_id=_id("job"),
        ),
        api_party(FORBIDDEN, stranger=CREATED),
        owner=client_of,
    ),
    Row(
        "GET /api/jobs/{job_id}/units",
        api_call("GET", "/jobs/{job_id}/units", job_id=_id("unit.job")),
        api_party(OK, other=OK, stranger=OK),
        owner=client_of,
        counterpart=lancer_of,
        secret=lambda w: w.unit.content,
        variant="a stranger sees only their own units",
    ),
    Row(
        "POST /api/jobs/{job_id}/units",
        api_call(
            "POST", "/jobs/{job_id}/units", lambda w: {"content": "作業結果"}, job_id=_id("task")
        ),
        api_party(FORBIDDEN, stranger=CREATED),
        owner=client_of,
    ),
    # B1, A2: someone else's unit does not exist to a stranger (404).
    *[
        Row(
            f"POST /api/units/{{unit_id}}/{action}",
            api_call("POST", f"/units/{{unit_id}}/{action}", unit_id=_id("unit")),
            api_party(OK, other=FORBIDDEN),
            owner=client_of,
            counterpart=lancer_of,
        )
        for action in ("approve", "reject")
    ],
    Row(
        "GET /api/proposals/mine",
        api_call("GET", "/proposals/mine"),
        api_mine(),
        owner=lambda w: w.proposal.lancer,
        secret=lambda w: w.proposal.message,
    ),
    Row(
        "GET /api/proposals/{proposal_id}",
        api_call("GET", "/proposals/{proposal_id}", proposal_id=_id("proposal")),
        api_party(OK, other=OK),
        owner=lancer_of,
        counterpart=client_of,
        secret=lambda w: w.proposal.message,
    ),
    # B2, A2: the lancer is refused the client's steps (403); to a stranger the proposal
    # does not exist (404), on every route.
    Row(
        "DELETE /api/proposals/{proposal_id}",
        api_call("DELETE", "/proposals/{proposal_id}", proposal_id=_id("proposal")),
        api_party(NO_CONTENT, other=FORBIDDEN),
        owner=client_of,
        counterpart=lancer_of,
    ),
    *[
        Row(
            f"POST /api/proposals/{{proposal_id}}/{action}",
            api_call("POST", f"/proposals/{{proposal_id}}/{action}", proposal_id=_id("proposal")),
            api_party(OK, other=FORBIDDEN),
            owner=client_of,
            counterpart=lancer_of,
        )
        for action in ("select", "decline")
    ],
    Row(
        "GET /api/proposals/{proposal_id}/notes",
        api_call("GET", "/proposals/{proposal_id}/notes", proposal_id=_id("proposal")),
        api_party(OK, other=OK),
        owner=lancer_of,
        counterpart=client_of,
    ),
    Row(
        "POST /api/proposals/{proposal_id}/notes",
        api_call(
            "POST",
            "/proposals/{proposal_id}/notes",
            lambda w: {"body": "追記です。"},
            proposal_id=_id("proposal"),
        ),
        api_party(CREATED, other=FORBIDDEN),
        owner=lancer_of,
        counterpart=client_of,
    ),
    Row(
        "GET /api/proposals/{proposal_id}/messages",
        api_call("GET", "/proposals/{proposal_id}/messages", proposal_id=_id("proposal")),
        api_party(OK, other=OK),
        owner=lancer_of,
        counterpart=client_of,
    ),
    Row(
        "POST /api/proposals/{proposal_id}/messages",
        api_call(
            "POST",
            "/proposals/{proposal_id}/messages",
            lambda w: {"body": "質問です。"},
            proposal_id=_id("proposal"),
        ),
        api_party(CREATED, other=CREATED),
        owner=lancer_of,
        counterpart=client_of,
    ),
    Row(
        "POST /api/proposals/{proposal_id}/messages/read",
        api_call("POST", "/proposals/{proposal_id}/messages/read", proposal_id=_id("proposal")),
        api_party(OK, other=OK),
        owner=lancer_of,
        counterpart=client_of,
    ),
    Row(
        "POST /api/payments/{payment_id}/confirm",
        api_call("POST", "/payments/{payment_id}/confirm", payment_id=_id("awaiting_payment")),
        # M2, A2: the payer sees the payment but confirming is the operators' (403); to a
        # stranger it does not exist (404).
        {**api_party(FORBIDDEN), OPERATOR: OK},
        owner=client_of,
        variant="operators only; the payer too is refused",
    ),
    Row(
        "GET /api/contracts",
        api_call("GET", "/contracts"),
        api_mine(),
        owner=lambda w: w.contract_agreeing.client,
    ),
    Row(
        "GET /api/contracts/{contract_id}",
        api_call("GET", "/contracts/{contract_id}", contract_id=_id("contract_agreeing")),
        api_party(OK, other=OK),
        owner=client_of,
        counterpart=lancer_of,
    ),
    Row(
        "GET /api/contracts/{contract_id}/terms",
        api_call("GET", "/contracts/{contract_id}/terms", contract_id=_id("contract_agreeing")),
        api_party(OK, other=OK),
        owner=client_of,
        counterpart=lancer_of,
    ),
    Row(
        "GET /api/contracts/{contract_id}/terms/{version}",
        api_call(
            "GET",
            "/contracts/{contract_id}/terms/{version}",
            contract_id=_id("contract_agreeing"),
            version=lambda w: 1,
        ),
        api_party(OK, other=OK),
        owner=client_of,
        counterpart=lancer_of,
    ),
    # T4: the archive: each user's own documents; a document to its parties only.
    Row(
        "GET /api/documents",
        api_call("GET", "/documents"),
        api_mine(),
        owner=client_of,
    ),
    Row(
        "GET /api/documents/{document_id}",
        api_call("GET", "/documents/{document_id}", document_id=_terms_id),
        api_party(OK, other=OK),
        owner=client_of,
        counterpart=lancer_of,
    ),
    # B3–B5, A2: a contract's routes answer a stranger 404 (its existence hidden), the
    # other side 403 (not their step).
    Row(
        "POST /api/contracts/{contract_id}/milestones",
        api_call(
            "POST",
            "/contracts/{contract_id}/milestones",
            lambda w: MILESTONES,
            contract_id=_id("contract_agreeing"),
        ),
        api_party(OK, other=FORBIDDEN),
        owner=client_of,
        counterpart=lancer_of,
    ),
    Row(
        "POST /api/contracts/{contract_id}/milestones/agree",
        api_call(
            "POST",
            "/contracts/{contract_id}/milestones/agree",
            contract_id=_id("contract_agreeing"),
        ),
        api_party(OK, other=FORBIDDEN),
        owner=lancer_of,
        counterpart=client_of,
    ),
    Row(
        "POST /api/contracts/milestones/{milestone_id}/escrow",
        api_call(
            "POST",
            "/contracts/milestones/{milestone_id}/escrow",
            milestone_id=milestone_of(unescrowed),
        ),
        api_party(OK, other=FORBIDDEN),
        owner=client_of,
        counterpart=lancer_of,
    ),
    Row(
        "POST /api/contracts/milestones/{milestone_id}/deliver",
        lambda w: Call(
            "POST",
            f"/api/contracts/milestones/{w.milestone(w.contract_escrowed).pk}/deliver",
            {"body": "納品します"},
            multipart=True,
        ),
        api_party(CREATED, other=FORBIDDEN),
        owner=lancer_of,
        counterpart=client_of,
    ),
    Row(
        "POST /api/contracts/milestones/{milestone_id}/accept",
        api_call(
            "POST",
            "/contracts/milestones/{milestone_id}/accept",
            milestone_id=milestone_of(delivered),
        ),
        api_party(OK, other=FORBIDDEN),
        owner=client_of,
        counterpart=lancer_of,
    ),
    Row(
        "POST /api/contracts/milestones/{milestone_id}/request-changes",
        api_call(
            "POST",
            "/contracts/milestones/{milestone_id}/request-changes",
            lambda w: {"comment": "修正をお願いします"},
            milestone_id=milestone_of(delivered),
        ),
        api_party(OK, other=FORBIDDEN),
        owner=client_of,
        counterpart=lancer_of,
    ),
    Row(
        "POST /api/contracts/{contract_id}/cancellation",
        api_call(
            "POST",
            "/contracts/{contract_id}/cancellation",
            lambda w: {"reason": "方針変更のため"},
            contract_id=_id("contract_escrowed"),
        ),
        api_party(CREATED, other=CREATED),
        owner=client_of,
        counterpart=lancer_of,
    ),
    *[
        Row(
            f"POST /api/contracts/{{contract_id}}/cancellation/{action}",
            api_call(
                "POST",
                f"/contracts/{{contract_id}}/cancellation/{action}",
                contract_id=lambda w, s=step: cancelling(s)(w).pk,
            ),
            api_party(OK, other=FORBIDDEN),
            owner=owner,
            counterpart=other,
        )
        for action, step, owner, other in [
            ("agree", "proposed", lancer_of, client_of),
            ("decline", "proposed", lancer_of, client_of),
            ("escrow-cancel", "agreed", lancer_of, client_of),
            ("plan-delete", "escrow_cancelled", client_of, lancer_of),
            ("deletion-approve", "plan_deleted", lancer_of, client_of),
        ]
    ],
    Row(
        "POST /api/contracts/{contract_id}/ratings",
        api_call(
            "POST",
            "/contracts/{contract_id}/ratings",
            lambda w: {"value": "satisfied", "comment": "ありがとうございました"},
            contract_id=_id("contract_completed"),
        ),
        api_party(CREATED, other=CREATED),
        owner=client_of,
        counterpart=lancer_of,
    ),
    Row(
        "GET /api/contracts/{contract_id}/messages",
        api_call("GET", "/contracts/{contract_id}/messages", contract_id=_id("contract_agreeing")),
        api_party(OK, other=OK),
        owner=client_of,
        counterpart=lancer_of,
    ),
    Row(
        "POST /api/contracts/{contract_id}/messages",
        api_call(
            "POST",
            "/contracts/{contract_id}/messages",
            lambda w: {"body": "よろしくお願いします"},
            contract_id=_id("contract_agreeing"),
        ),
        api_party(CREATED, other=CREATED),
        owner=client_of,
        counterpart=lancer_of,
    ),
    # help centre: reading is public (H1, H2), writing needs an account
    Row("GET /api/help/faq", api_call("GET", "/help/faq?q=退会"), public()),
    Row(
        "GET /api/help/faq/{slug}",
        api_call("GET", "/help/faq/{slug}", slug=lambda w: w.article.slug),
        public(),
    ),
    Row("GET /api/help/questions", api_call("GET", "/help/questions"), public()),
    Row(
        "POST /api/help/questions",
        api_call(
            "POST",
            "/help/questions",
            lambda w: {"category": "withdrawal", "title": "退会について", "body": "教えて。"},
        ),
        api_mine(CREATED),
        owner=client_of,
    ),
    Row(
        "GET /api/help/questions/{question_id}",
        api_call("GET", "/help/questions/{question_id}", question_id=_id("question")),
        public(),
    ),
    Row(
        "POST /api/help/questions/{question_id}/answers",
        api_call(
            "POST",
            "/help/questions/{question_id}/answers",
            lambda w: {"body": "回答です。"},
            question_id=_id("question"),
        ),
        api_party(CREATED, stranger=CREATED),
        owner=lancer_of,
    ),
    Row(
        "POST /api/help/questions/{question_id}/best",
        api_call(
            "POST",
            "/help/questions/{question_id}/best",
            lambda w: {"answer_id": w.answer.pk},
            question_id=_id("question"),
        ),
        # H2: a question is public: only its asker picks the best answer (403 to others).
        api_party(OK, other=FORBIDDEN, stranger=FORBIDDEN),
        owner=client_of,
        counterpart=lancer_of,
    ),
    Row(
        "GET /api/help/inquiries",
        api_call("GET", "/help/inquiries"),
        api_mine(),
        owner=client_of,
        secret=lambda w: w.inquiry.subject,
    ),
    Row(
        "POST /api/help/inquiries",
        api_call(
            "POST",
            "/help/inquiries",
            lambda w: {"category": "work", "subject": "契約について", "body": "教えてください。"},
        ),
        api_mine(CREATED),
        owner=client_of,
    ),
    # payouts (M3–M6)
    Row(
        "GET /api/me/payout-settings",
        api_call("GET", "/me/payout-settings"),
        api_mine(),
        owner=client_of,
    ),
    Row(
        "PUT /api/me/payout-settings",
        api_call("PUT", "/me/payout-settings", lambda w: {"mode": "auto"}),
        api_mine(),
        owner=client_of,
    ),
    Row("GET /api/me/payouts", api_call("GET", "/me/payouts"), api_mine(), owner=client_of),
    Row("GET /api/me/statement", api_call("GET", "/me/statement"), api_mine(), owner=client_of),
    # withdrawal (W1–W9)
    Row("GET /api/withdrawal", api_call("GET", "/withdrawal"), api_mine(), owner=client_of),
    Row(
        "POST /api/withdrawal",
        api_call("POST", "/withdrawal", lambda w: dict(WITHDRAW)),
        api_mine(),
        owner=client_of,
    ),
    Row(
        "POST /api/withdrawal/when-clear",
        api_call(
            "POST", "/withdrawal/when-clear", lambda w: {**WITHDRAW, "balance_choice": "forfeit"}
        ),
        api_mine(expect(409, note="nothing to wait for")),
        owner=client_of,
    ),
    Row(
        "DELETE /api/withdrawal/when-clear",
        api_call("DELETE", "/withdrawal/when-clear"),
        api_mine(expect(409, note="nothing pending")),
        owner=client_of,
    ),
    # privacy (P2–P4)
    Row("POST /api/export", api_call("POST", "/export"), api_mine(ACCEPTED), owner=client_of),
    Row("GET /api/export", api_call("GET", "/export"), api_mine(), owner=client_of),
    Row(
        "GET /api/export/{export_id}/download",
        api_call("GET", "/export/{export_id}/download", export_id=_id("export")),
        api_party(OK),
        owner=client_of,
    ),
    Row(
        "POST /api/erasure",
        api_call("POST", "/erasure", lambda w: {"token": w.erasure_token}),
        public(CREATED),
        variant="the signed link's token is the key",
    ),
    Row(
        "DELETE /api/erasure",
        api_call("DELETE", "/erasure", lambda w: {"token": erasure_scheduled(w)}),
        public(OK),
        variant="the signed link's token is the key",
    ),
]

ROWS = WEB + API


# --- every route has a row ------------------------------------------------------------------

# Admin: every pattern is behind admin_view (a pattern rule); test_admin_* checks it.
ADMIN_PREFIX = "admin/"
# The API's own Django patterns: one per OpenAPI path, checked operation by operation.
API_PREFIX = "api/"
API_EXTRA = {"api:openapi-json", "api:openapi-view", "api:api-root"}


def _patterns(
    resolver: URLResolver, prefix: str = "", namespace: str = ""
) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = namespace + (f"{entry.namespace}:" if entry.namespace else "")
            found += _patterns(entry, prefix + str(entry.pattern), inner)
        else:
            assert isinstance(entry, URLPattern)
            route = prefix + str(entry.pattern)
            found.append((route, f"{namespace}{entry.name}" if entry.name else route))
    return found


def _operations() -> set[str]:
    schema = api.get_openapi_schema()
    return {
        f"{method.upper()} {path}"
        for path, operations in schema["paths"].items()
        for method in operations
    }


def test_every_url_pattern_has_a_row() -> None:
    """A new page without a row in WEB fails here: add its row (who gets what)."""
    patterns = _patterns(get_resolver())
    keys = {row.key for row in WEB}
    missing = [
        f"{route} ({name})"
        for route, name in patterns
        if not route.startswith(ADMIN_PREFIX)
        and (not route.startswith(API_PREFIX) or name in API_EXTRA)
        and name not in keys
    ]
    assert missing == [], "URL patterns without a row in the access matrix: " + ", ".join(missing)
    names = {name for _route, name in patterns}
    assert keys - names == set(), "rows for URL patterns that no longer exist"


def test_every_api_pattern_is_an_openapi_operation() -> None:
    """The API's Django patterns are exactly the schema's paths (so the operation rows
    cover them), besides the schema and docs themselves."""
    operations = _operations()
    paths = {op.split(" ", 1)[1] for op in operations}
    for route, name in _patterns(get_resolver()):
        if route.startswith(API_PREFIX) and name not in API_EXTRA:
            path = "/" + route.replace("<", "{").replace(">", "}")
            path = path.replace("{int:", "{").replace("{str:", "{")
            assert path in paths, f"{route} ({name}) is not in the OpenAPI schema"


def test_every_api_operation_has_a_row() -> None:
    """A new API operation without a row in API fails here."""
    operations = _operations()
    keys = {row.key for row in API}
    assert sorted(operations - keys) == [], "API operations without a row in the access matrix"
    assert sorted(keys - operations) == [], "rows for API operations that no longer exist"


# --- the matrix -----------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _private_media(settings: SettingsWrapper, tmp_path: Path) -> None:
    """Delivered files and export archives go to a throw-away folder; the rate-limit
    counters start empty."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DEMO_MODE = False
    caches["default"].clear()


@pytest.mark.parametrize("row", ROWS, ids=[row.id for row in ROWS])
def test_access(row: Row, settings: SettingsWrapper) -> None:
    """Given the row's objects, when each actor sends the request, then each gets the
    expected answer; a refused actor changes nothing and sees none of the owner's data."""
    for name, value in row.settings.items():
        setattr(settings, name, value)
    world = World()
    call = row.call(world)  # builds the objects the row acts on
    secret = row.secret(world) if row.secret else ""
    for actor in row.expect:
        user = person(row, actor, world)
        if user is not None and row.api:
            world.token(user)
    failures = []
    for actor, expected in row.expect.items():
        with rolled_back():
            before = snapshot() if call.method != "GET" else None
            outcome = send(row, actor, world, call)
            problem = mismatch(expected, outcome)
            if not problem and before is not None and not expected.allowed:
                moved = changed(before, snapshot())
                if moved:
                    problem = f"refused ({outcome.status}) but changed {moved}"
            if not problem and secret and outcome.status == 200:
                shows = secret in outcome.body
                if actor is A.OWNER and not shows:
                    problem = f"the owner's page does not show {secret!r}"
                if actor in (A.ANONYMOUS, A.STRANGER, A.WITHDRAWN) and shows:
                    problem = f"shows the owner's {secret!r}"
        if problem:
            failures.append(f"{actor.value}: expected {expected.label()}, {problem}")
    assert failures == [], f"{row.id} {call.method} {call.path}\n  " + "\n  ".join(failures)


# --- admin: anonymous and non-staff are sent to the admin sign-in ---------------------------


def _admin_urls() -> list[str]:
    """The admin index and one changelist per app."""
    first: dict[str, str] = {}
    for model in admin.site._registry:
        meta = model._meta
        first.setdefault(
            meta.app_label, reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
        )
    return [reverse("admin:index"), *sorted(first.values())]


def test_admin_is_for_operators_only() -> None:
    """Anonymous, a stranger (not staff) and a withdrawn user go to the admin sign-in;
    an operator gets the page. Every other admin pattern is behind the same admin_view."""
    world = World()
    failures = []
    for path in _admin_urls():
        for actor, expected in [
            (ANON, ADMIN_LOGIN),
            (STRANGER, ADMIN_LOGIN),
            (GONE, ADMIN_LOGIN),
            (OPERATOR, OK),
        ]:
            client = Client()
            user = {STRANGER: world.stranger, GONE: world.withdrawn, OPERATOR: world.operator}
            if actor in user:
                client.force_login(user[actor], backend="ukeoi.accounts.backends.EmailBackend")
            response = client.get(path)
            problem = mismatch(
                expected,
                _outcome(response),
            )
            if problem:
                failures.append(f"{path} as {actor.value}: {problem}")
    assert failures == []


def _outcome(response: Any) -> Outcome:
    return Outcome(response.status_code, response.get("Location", ""), "")


def test_the_withdrawn_actor_is_what_account_withdraw_leaves() -> None:
    """W7: the matrix's withdrawn actor carries the same status and is_active as an account
    withdrawn through `account_withdraw`; a session and a token of that account are refused."""
    user = UserFactory.create()
    raw = f"{TOKEN_PREFIX}before-withdrawal-0001"
    ApiTokenFactory.create(user=user, raw=raw)
    browser = Client()
    browser.force_login(user, backend="ukeoi.accounts.backends.EmailBackend")

    withdrawal.account_withdraw(actor=user, password=DEFAULT_PASSWORD, reason="no_longer_needed")

    user.refresh_from_db()
    cheap = withdrawn_user()
    assert (user.status, user.is_active) == (cheap.status, cheap.is_active)
    assert _outcome(browser.get(reverse("accounts:settings"))).location.startswith(
        "/accounts/login/"
    )
    answer = Client().get("/api/me", headers={"Authorization": f"Bearer {raw}"})
    assert answer.status_code == 401
