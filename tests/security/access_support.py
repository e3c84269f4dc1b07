"""The pieces of the authorization matrix (issue 9, item 3): the actors, the expected
outcomes, the objects every row acts on (built lazily with the real services and
builders), and the "nothing changed" snapshot a refused request must leave as it was.

    world = World()                 # nothing is built until a row touches it
    world.contract_escrowed         # an in-progress contract, built through the services
    outcome = run(row, actor, world)

Actors: the anonymous visitor, a stranger (an active user unrelated to the object), the
owner (the party who may act), the counterpart (the other party of the object), a
withdrawn user (withdrawn through `account_withdraw`, then given a fresh session and a live
API token, the worst case of something surviving the withdrawal, W7), and an operator.
"""

import enum
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cached_property
from typing import Any

from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.http import HttpResponse
from django.test import Client

from tests.contracts import builders
from tests.factories import (
    AnswerFactory,
    ApiTokenFactory,
    FaqArticleFactory,
    InquiryFactory,
    JobFactory,
    ProposalFactory,
    QuestionFactory,
    UserFactory,
    png_upload,
)
from ukeoi.accounts import services as accounts
from ukeoi.accounts.enums import AccountStatus
from ukeoi.accounts.models import ApiToken, PortfolioItem, User
from ukeoi.accounts.services import TOKEN_PREFIX
from ukeoi.contracts import services as contracts
from ukeoi.contracts.models import Contract, Delivery, Milestone
from ukeoi.core import clock
from ukeoi.helpdesk.models import Answer, FaqArticle, Inquiry, Question
from ukeoi.jobs import services as jobs
from ukeoi.jobs.models import ClientPayment, Job, Proposal, TaskSubmission
from ukeoi.privacy import links
from ukeoi.privacy import services as privacy
from ukeoi.privacy.models import DataExport

SIGN_IN = "/accounts/login/"
ADMIN_SIGN_IN = "/admin/login/"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


class Actor(enum.Enum):
    ANONYMOUS = "anonymous"
    STRANGER = "stranger"
    OWNER = "owner"
    COUNTERPART = "counterpart"
    WITHDRAWN = "withdrawn"
    OPERATOR = "operator"


@dataclass(frozen=True)
class Expect:
    """An expected answer: one of `statuses`; for a redirect, where it goes (`to`, a path
    prefix) or that it is not the sign-in page (`away`); `allowed` when the actor may act
    (a refused actor's request must change nothing)."""

    statuses: frozenset[int]
    to: str = ""
    allowed: bool = False
    note: str = ""

    def label(self) -> str:
        codes = "/".join(str(s) for s in sorted(self.statuses))
        return f"{codes}→{self.to}" if self.to else codes


def expect(*statuses: int, to: str = "", allowed: bool = False, note: str = "") -> Expect:
    return Expect(frozenset(statuses), to=to, allowed=allowed, note=note)


# The outcomes the table is written in.
LOGIN = expect(302, to=SIGN_IN)  # web, signed out (or withdrawn): to the sign-in page
ADMIN_LOGIN = expect(302, to=ADMIN_SIGN_IN)
UNAUTHORIZED = expect(401)  # API, no live session or token
NOT_FOUND = expect(404)  # not yours: its existence is hidden
FORBIDDEN = expect(403)  # yours to see, not yours to do (the other party)
NOT_ALLOWED = expect(405)
OK = expect(200, allowed=True)
CREATED = expect(201, allowed=True)
ACCEPTED = expect(202, allowed=True)
NO_CONTENT = expect(204, allowed=True)


def done(to: str = "/") -> Expect:
    """Web success: a redirect (to `to`), never to the sign-in page."""
    return expect(302, to=to, allowed=True)


def refused_back(to: str, note: str = "") -> Expect:
    """Acceptable variant: refused with a flash message and a redirect back (nothing
    changed, nothing shown)."""
    return expect(302, to=to, note=note)


@dataclass
class Outcome:
    status: int
    location: str
    body: str
    error: str = ""


# --- the objects ----------------------------------------------------------------------------


class World:
    """Everything a row may act on, each built the first time a row asks for it."""

    def __init__(self) -> None:
        self._tokens: dict[int, str] = {}

    # people
    @cached_property
    def client(self) -> User:
        return UserFactory.create(display_name="依頼主さん")

    @cached_property
    def lancer(self) -> User:
        return UserFactory.create(display_name="ランサーさん")

    @cached_property
    def stranger(self) -> User:
        return UserFactory.create(display_name="無関係な人")

    @cached_property
    def operator(self) -> User:
        return builders.operator()

    @cached_property
    def withdrawn(self) -> User:
        """Withdrawn the way the payout and withdrawal tests' factories do it (the two
        fields `account_withdraw` sets and every check reads: status and is_active;
        `test_the_withdrawn_actor_is_what_account_withdraw_leaves` keeps them in step)."""
        return withdrawn_user()

    def token(self, user: User) -> str:
        if user.pk not in self._tokens:
            raw = f"{TOKEN_PREFIX}authz-matrix-{user.pk:08d}"
            ApiTokenFactory.create(user=user, raw=raw, name="authz")
            self._tokens[user.pk] = raw
        return self._tokens[user.pk]

    # jobs
    @cached_property
    def job(self) -> Job:
        """An open project of the client's, with a pending proposal of the lancer's."""
        return JobFactory.create(client=self.client, title="秘密のロゴ案件")

    @cached_property
    def proposal(self) -> Proposal:
        return ProposalFactory.create(
            job=self.job, lancer=self.lancer, message="秘密の提案文です。"
        )

    @cached_property
    def awaiting_job(self) -> Job:
        """A competition waiting for its payment: seen only by its client and operators."""
        return jobs.job_post(
            actor=self.client,
            title="入金待ちのコンペ",
            description="ロゴを募集します。",
            category="design",
            format="competition",
            deadline=clock.now() + timedelta(days=7),
            budget_min=30_000,
        )

    @cached_property
    def awaiting_task(self) -> Job:
        """A task waiting for its budget's payment: as private as `awaiting_job` (A2)."""
        return jobs.job_post(
            actor=self.client,
            title="入金待ちの入力作業",
            description="1件ずつ入力してください。",
            category="data_entry",
            format="task",
            deadline=clock.now() + timedelta(days=7),
            unit_reward=500,
            units=3,
        )

    @cached_property
    def awaiting_payment(self) -> ClientPayment:
        return ClientPayment.objects.get(job=self.awaiting_job)

    @cached_property
    def task(self) -> Job:
        """An open, paid task of the client's."""
        task = jobs.job_post(
            actor=self.client,
            title="入力作業",
            description="1件ずつ入力してください。",
            category="data_entry",
            format="task",
            deadline=clock.now() + timedelta(days=7),
            unit_reward=500,
            units=3,
        )
        payment = ClientPayment.objects.get(job=task)
        jobs.client_payment_confirm(actor=self.operator, payment_id=payment.pk)
        task.refresh_from_db()
        return task

    @cached_property
    def unit(self) -> TaskSubmission:
        return jobs.task_submission_submit(
            actor=self.lancer, job_id=self.task.pk, content="秘密の作業結果"
        )

    # contracts (client and lancer are its two sides)
    @cached_property
    def contract_agreeing(self) -> Contract:
        return builders.contract_agreeing(client=self.client, lancer=self.lancer)

    @cached_property
    def contract_unescrowed(self) -> Contract:
        return builders.contract_in_progress(escrowed=False, client=self.client, lancer=self.lancer)

    @cached_property
    def contract_escrowed(self) -> Contract:
        return builders.contract_in_progress(client=self.client, lancer=self.lancer)

    @cached_property
    def contract_delivered(self) -> Contract:
        return builders.contract_in_progress(delivered=True, client=self.client, lancer=self.lancer)

    @cached_property
    def contract_completed(self) -> Contract:
        return builders.contract_completed(client=self.client, lancer=self.lancer)

    @cached_property
    def contract_cancelling(self) -> Contract:
        """B4 (1): the client proposed cancelling; the lancer agrees or declines."""
        return builders.contract_mid_cancellation(
            step="proposed", proposed_by="client", client=self.client, lancer=self.lancer
        )

    def milestone(self, contract: Contract) -> Milestone:
        return builders.first_milestone(contract)

    @cached_property
    def delivery_with_file(self) -> Delivery:
        contract = builders.contract_in_progress(client=self.client, lancer=self.lancer)
        return contracts.milestone_deliver(
            actor=self.lancer,
            milestone_id=self.milestone(contract).pk,
            body="納品します",
            file=SimpleUploadedFile("logo.png", PNG, content_type="image/png"),
        )

    # help centre
    @cached_property
    def article(self) -> FaqArticle:
        return FaqArticleFactory.create()

    @cached_property
    def question(self) -> Question:
        return QuestionFactory.create(asker=self.client)

    @cached_property
    def answer(self) -> Answer:
        return AnswerFactory.create(question=self.question, author=self.lancer)

    @cached_property
    def inquiry(self) -> Inquiry:
        return InquiryFactory.create(user=self.client, subject="秘密の問い合わせ")

    # accounts and privacy
    @cached_property
    def client_token(self) -> ApiToken:
        token, _raw = accounts.api_token_create(actor=self.client, name="CI")
        return token

    @cached_property
    def portfolio_item(self) -> PortfolioItem:
        return accounts.portfolio_item_add(actor=self.client, title="秘密の作品")

    @cached_property
    def portfolio_image_item(self) -> PortfolioItem:
        """A portfolio item with an image, on the client's public profile."""
        return accounts.portfolio_item_add(
            actor=self.client, title="ロゴ作品", image=png_upload("logo.png")
        )

    @cached_property
    def export(self) -> DataExport:
        """P3: a ready export of the client's data (built in place of the background task)."""
        export = privacy.export_request(actor=self.client)
        return privacy.export_build(export_id=export.pk)

    @cached_property
    def erasure_token(self) -> str:
        return links.erasure_token(self.withdrawn)


def withdrawn_user() -> User:
    user = UserFactory.create(display_name="退会した人")
    User.objects.filter(pk=user.pk).update(status=AccountStatus.WITHDRAWN, is_active=False)
    user.refresh_from_db()
    return user


# --- nothing changed ------------------------------------------------------------------------

SKIPPED_MODELS = {"sessions.Session", "admin.LogEntry"}


def _models() -> list[Any]:
    return [
        model
        for model in apps.get_models()
        if model._meta.label not in SKIPPED_MODELS
        and not model._meta.label.startswith(("axes.", "contenttypes.", "auth.Permission"))
        and model._meta.managed
    ]


def snapshot() -> dict[str, Any]:
    """Row counts of every table, every status and step, and the accounts' own fields."""
    state: dict[str, Any] = {}
    for model in _models():
        label = model._meta.label
        names = {f.name for f in model._meta.concrete_fields}
        watched = [
            n for n in ("status", "step", "revoked_at", "read_at", "deleted_at") if n in names
        ]
        if watched:
            state[label] = sorted(model.objects.values_list("pk", *watched))
        else:
            state[label] = model.objects.count()
    state["users"] = sorted(
        User.objects.values_list("pk", "email", "display_name", "is_active", "language", "password")
    )
    return state


def changed(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    return [key for key in before if before[key] != after.get(key)]


# --- requests -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Call:
    """One request of a row: method, path, and the body (form data on the web, JSON on
    the API; `multipart` for the delivery upload)."""

    method: str
    path: str
    data: dict[str, Any] | None = None
    multipart: bool = False


@dataclass(frozen=True)
class Row:
    """One route as one party sees it. `key` names the URL pattern (web: its name, or
    its pattern when unnamed) or the API operation ("GET /api/jobs/{job_id}")."""

    key: str
    call: Callable[[World], Call]
    expect: dict[Actor, Expect]
    owner: Callable[[World], User] | None = None
    counterpart: Callable[[World], User] | None = None
    variant: str = ""
    secret: Callable[[World], str] | None = None
    settings: dict[str, Any] = field(default_factory=dict)

    @property
    def api(self) -> bool:
        return self.key.split(" ", 1)[-1].startswith("/api/")

    @property
    def id(self) -> str:
        return f"{self.key} [{self.variant}]" if self.variant else self.key


def person(row: Row, actor: Actor, world: World) -> User | None:
    if actor is Actor.ANONYMOUS:
        return None
    if actor is Actor.STRANGER:
        return world.stranger
    if actor is Actor.WITHDRAWN:
        return world.withdrawn
    if actor is Actor.OPERATOR:
        return world.operator
    if actor is Actor.OWNER:
        assert row.owner is not None, f"{row.id}: an owner row needs owner="
        return row.owner(world)
    assert row.counterpart is not None, f"{row.id}: a counterpart row needs counterpart="
    return row.counterpart(world)


def send(row: Row, actor: Actor, world: World, call: Call) -> Outcome:
    """The request as `actor`: on the web with a session (force_login, which works even
    for a withdrawn account, so the check is that the session is refused on use), on the
    API with a live bearer token (likewise created even for the withdrawn account)."""
    client = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="en")
    user = person(row, actor, world)
    headers: dict[str, str] = {}
    if user is not None:
        if row.api:
            headers["Authorization"] = f"Bearer {world.token(user)}"
        else:
            client.force_login(user, backend="ukeoi.accounts.backends.EmailBackend")
    method = call.method.lower()
    if call.data is None:
        response = getattr(client, method)(call.path, headers=headers)
    elif row.api and not call.multipart:
        response = getattr(client, method)(
            call.path, data=call.data, content_type="application/json", headers=headers
        )
    else:
        for value in call.data.values():
            if hasattr(value, "seek"):
                value.seek(0)  # an upload read by the previous actor's request
        response = getattr(client, method)(call.path, data=call.data, headers=headers)
    error = getattr(response, "exc_info", None)
    return Outcome(
        status=response.status_code,
        location=response.get("Location", ""),
        body=_text(response),
        error=repr(error[1]) if error else "",
    )


def _text(response: HttpResponse) -> str:
    """The body as a reader sees it (JSON with its non-ASCII characters unescaped)."""
    if getattr(response, "streaming", False):
        return ""
    text = response.content.decode(errors="replace")
    if response.get("Content-Type", "").startswith("application/json"):
        try:
            return json.dumps(json.loads(text), ensure_ascii=False)
        except ValueError:
            return text
    return text


@contextmanager
def rolled_back() -> Iterator[None]:
    """Each actor's request sees the same world: its writes are undone afterwards."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def mismatch(expected: Expect, outcome: Outcome) -> str:
    if outcome.status not in expected.statuses:
        return f"got {outcome.status} {outcome.location} {outcome.error}".strip()
    if outcome.status in (301, 302, 303):
        if expected.to and not outcome.location.startswith(expected.to):
            return f"got {outcome.status} to {outcome.location}, expected to {expected.to}"
        if expected.to != SIGN_IN and outcome.location.startswith(SIGN_IN):
            return f"got {outcome.status} to the sign-in page"
    return ""


__all__ = [
    "ACCEPTED",
    "ADMIN_LOGIN",
    "CREATED",
    "FORBIDDEN",
    "LOGIN",
    "NOT_ALLOWED",
    "NOT_FOUND",
    "NO_CONTENT",
    "OK",
    "UNAUTHORIZED",
    "Actor",
    "Call",
    "Expect",
    "Outcome",
    "Row",
    "World",
    "changed",
    "done",
    "expect",
    "mismatch",
    "person",
    "refused_back",
    "rolled_back",
    "send",
    "snapshot",
    "withdrawn_user",
]
