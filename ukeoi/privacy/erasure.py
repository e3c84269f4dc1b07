"""P2: what erasure replaces, and what it keeps. Called by `services.erasure_perform` inside
its transaction with the account row locked.

Replaced by placeholders (or deleted where a row is nothing but personal data):
- the account: display name, e-mail address, username (on the account row; the retired
  username list keeps it, A5), password (made unusable), and every address it held before
  (PreviousEmail rows deleted; each stays retired as a keyed hash, A5);
- the profile: legal name, kana, birth date, postal code, prefecture, city, street, building,
  self-introduction, invoice registration number (T1: it names a sole proprietor);
- portfolio items, the bank account and API tokens (rows deleted), data-export archives
  (files and rows deleted);
- identity verification: the operator's rejection reason and an undecided document image
  (the document number was never stored; the A6 digest is kept, see below);
- text the user wrote: job descriptions, proposal texts, append notes, messages, task unit
  work, delivery notes and files, change requests, cancellation reasons, rating comments,
  consultation room questions and answers, withdrawal reasons and comments;
- jobs the user posted that no transaction needs (no contract, no confirmed payment):
  closed, title replaced, marked erased and shown to nobody but the operators (404);
- inquiries to the operators (sent from the account, or signed out from one of its
  addresses while it was the account's): subject, text, reply address, operator replies
  and internal notes;
- payouts: the bank account snapshot (account number and holder name);
- sign-in records (django-axes: access logs, failed attempts) under any of its addresses:
  deleted (and everyone's expire after SIGN_IN_RECORDS_KEEP_DAYS, services.sign_in_records_expire);
- the audit trail and the admin log: every row about an object erased or anonymised here
  (by object: its recorded texts blanked), and every value above wherever else it appears.

Kept, linked to the anonymous account (see receipt.KEPT and retention.kept_records, which
date each): amounts, dates and titles of the jobs, proposals, contracts and milestones a
transaction needs, payouts and the ledger (tax records, 7 years after the payment); rating
values (the counterparts' reputation); the keyed hashes of every retired e-mail address and
the username (A5) and of the verified identity (A6), which cannot be read back.

The exceptions to "no erased value anywhere" (P2): the issued documents of T4 and L1, kept
as issued; and the bank transfer (Zengin) files of past payout batches (M5, in storage,
payouts.PayoutFile), which list the bank account number and holder name of every payee as
the bank received them. Both are listed on the receipt (P4) with the date each will be
deleted (a transfer file: 7 years after its batch's payment date) and are deleted then
(`privacy_purge_expired`). KEPT_VALUES below names every column where a value of the
person may still be found, and the rule that keeps it there."""

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, Q, QuerySet, TextField
from django.db.models.functions import Cast

from ukeoi.accounts.lockout import PASSWORD_RESET_PREFIX
from ukeoi.accounts.models import (
    ApiToken,
    BankAccount,
    IdentityVerification,
    PortfolioItem,
    PreviousEmail,
    Profile,
    User,
)
from ukeoi.accounts.retired import retire_account_identifiers
from ukeoi.contracts.models import Cancellation, Delivery, Rating
from ukeoi.core import clock
from ukeoi.core.models import AuditEvent, OutboxMail
from ukeoi.core.pagecache import invalidate
from ukeoi.helpdesk.models import Answer, Inquiry, InquiryReply, Question
from ukeoi.jobs.enums import JobStatus, PaymentStatus
from ukeoi.jobs.models import AppendNote, Job, Message, Proposal, TaskSubmission
from ukeoi.payouts.models import Payout
from ukeoi.privacy.models import DataExport
from ukeoi.privacy.selectors import Address, held_by_person, person_addresses, person_inquiries
from ukeoi.withdrawal.models import Withdrawal, WithdrawWhenClear

PLACEHOLDER = "[erased]"
ERASED_DISPLAY_NAME = "退会済みユーザー"
# Keys under which services record text a person wrote or that names them; in the audit
# events about the person's rows their values are blanked and then hunted down elsewhere.
# Other values there (status, codes, amounts, ids) say nothing about the person and stay.
PERSONAL_AUDIT_KEYS = frozenset(
    {
        "display_name",
        "username",
        "email",
        "name",
        "title",
        "legal_name",
        "legal_name_kana",
        "reason_text",
        "comments",
        "comment",
        "body",
        "message",
        "description",
        "subject",
        "reply_email",
        "holder_kana",
        "holder_name",
        "number",
        "account_number",
        "url",
    }
)
# In other events a value is replaced wherever it occurs inside a text when it is at least
# this long, and only where it is the whole text when shorter (a short name such as 山田
# must not be cut out of other people's words).
SUBSTRING_MIN_LENGTH = 6
MIN_SEARCHED_LENGTH = 2


def erased_email(user_id: int) -> str:
    return f"erased-{user_id}@erased.invalid"


def erased_username(user_id: int) -> str:
    # "~" is outside the username alphabet (A1), so it can never collide with a real one.
    return f"~erased{user_id}"


@dataclass(frozen=True)
class TextScrub:
    """Text columns of `model` written by the user that `owner` (a lookup) names."""

    model: type[Model]
    owner: str
    fields: tuple[str, ...]
    category: str = "writing"


TEXT_SCRUBS: tuple[TextScrub, ...] = (
    TextScrub(Job, "client", ("description",)),
    TextScrub(Proposal, "lancer", ("message",)),
    TextScrub(AppendNote, "proposal__lancer", ("body",)),
    TextScrub(Message, "sender", ("body",)),
    TextScrub(TaskSubmission, "lancer", ("content",)),
    TextScrub(Delivery, "milestone__contract__lancer", ("body",)),
    TextScrub(Delivery, "milestone__contract__client", ("change_request",)),
    TextScrub(Cancellation, "proposed_by", ("reason",)),
    TextScrub(Rating, "rater", ("comment",)),
    TextScrub(Question, "asker", ("title", "body")),
    TextScrub(Answer, "author", ("body",)),
    TextScrub(Withdrawal, "user", ("reason_text", "comments")),
    TextScrub(WithdrawWhenClear, "user", ("reason_text", "comments")),
)


# Every other text column that erasure replaces or deletes ("app_label.Model.field"); with
# TEXT_SCRUBS and KEPT_TEXT_FIELDS it classifies every text column of the project, and
# tests/privacy/test_field_coverage.py fails when a new one is neither.
ERASED_TEXT_FIELDS = frozenset(
    {
        "accounts.User.email",
        "accounts.PreviousEmail.email",
        "accounts.User.username",
        "accounts.User.display_name",
        "accounts.User.password",
        "accounts.Profile.legal_name",
        "accounts.Profile.legal_name_kana",
        "accounts.Profile.postal_code",
        "accounts.Profile.city",
        "accounts.Profile.street",
        "accounts.Profile.building",
        "accounts.Profile.self_introduction",
        "accounts.Profile.invoice_registration_number",
        "accounts.PortfolioItem.title",
        "accounts.PortfolioItem.description",
        "accounts.PortfolioItem.url",
        "accounts.PortfolioItem.image",
        "accounts.BankAccount.number",
        "accounts.BankAccount.holder_kana",
        "accounts.ApiToken.name",
        "accounts.ApiToken.prefix",
        "accounts.ApiToken.digest",
        "accounts.IdentityVerification.rejection_reason",
        "accounts.IdentityVerification.document",
        "contracts.Delivery.file",
        "core.AuditEvent.before",
        "core.AuditEvent.after",
        "helpdesk.Inquiry.subject",
        "helpdesk.Inquiry.body",
        "helpdesk.Inquiry.reply_email",
        "helpdesk.Inquiry.internal_note",
        "helpdesk.InquiryReply.body",
        "payouts.Payout.account_number",
        "payouts.Payout.holder_kana",
        "payouts.Payout.failure_reason",
        "privacy.DataExport.file",
    }
)

# Text columns erasure leaves alone, and why: they hold nothing that names the person.
KEPT_TEXT_FIELDS: dict[str, str] = {
    "core.AuditEvent.subject_type": "which table a change was made to",
    "core.AuditEvent.subject_id": "which row (an id)",
    "core.AuditEvent.action": "an action code",
    "core.OutboxMail.to": "mail in transit: deleted once sent; the person's at erasure",
    "core.OutboxMail.subject": "mail in transit: deleted once sent (OUTBOX_GIVE_UP_DAYS at most)",
    "core.OutboxMail.body": "mail in transit: deleted once sent (OUTBOX_GIVE_UP_DAYS at most)",
    "core.OutboxMail.template": "a template name",
    "core.OutboxMail.last_error": "the mail server's answer",
    "core.OutboxTask.task": "a task name",
    "core.OutboxTask.args": "ids of rows, no personal values; deleted once published",
    "core.OutboxTask.last_error": "the broker's answer",
    "accounts.IdentityVerification.identity_digest": "A6 keyed hash, cannot be read back",
    "accounts.RetiredIdentifier.value": "A5: e-mail HMAC or retired username, blocks reuse",
    "accounts.Bank.code": "bank master",
    "accounts.Bank.name": "bank master",
    "accounts.Bank.kana": "bank master",
    "accounts.Bank.hira": "bank master",
    "accounts.Bank.roma": "bank master",
    "accounts.BankBranch.code": "bank master",
    "accounts.BankBranch.name": "bank master",
    "accounts.BankBranch.kana": "bank master",
    "accounts.BankBranch.hira": "bank master",
    "accounts.BankBranch.roma": "bank master",
    "ledger.LedgerAccount.subject_type": "append-only ledger: a table name",
    "ledger.LedgerAccount.subject_id": "append-only ledger: an id",
    "ledger.LedgerTransaction.key": "append-only ledger: idempotency key of ids",
    "ledger.LedgerTransaction.kind": "append-only ledger: a code",
    "ledger.LedgerTransaction.memo": "append-only ledger: job titles and ids (kept records)",
    "ledger.LedgerTransaction.legs_fingerprint": "append-only ledger: a hash",
    "jobs.Job.title": "of a job a transaction needs: kept record (tax); the others' erased",
    "contracts.Contract.title": "kept business record (tax)",
    "contracts.Milestone.title": "kept business record (tax)",
    "contracts.Cancellation.reminded_step": "a step code",
    "helpdesk.FaqCategory.slug": "operators' help text",
    "helpdesk.FaqCategory.name_ja": "operators' help text",
    "helpdesk.FaqCategory.name_en": "operators' help text",
    "helpdesk.FaqCategory.description_ja": "operators' help text",
    "helpdesk.FaqCategory.description_en": "operators' help text",
    "helpdesk.FaqArticle.slug": "operators' help text",
    "helpdesk.FaqArticle.title_ja": "operators' help text",
    "helpdesk.FaqArticle.title_en": "operators' help text",
    "helpdesk.FaqArticle.body_ja": "operators' help text",
    "helpdesk.FaqArticle.body_en": "operators' help text",
    "helpdesk.FaqArticle.keywords": "operators' help text",
    "helpdesk.FaqVote.voter": "u:<id> or a hash of a session key",
    "payouts.Payout.bank_code": "the payee's bank, not the person",
    "payouts.Payout.bank_name": "the payee's bank, not the person",
    "payouts.Payout.branch_code": "the payee's bank, not the person",
    "payouts.Payout.branch_name": "the payee's bank, not the person",
    "payouts.PayoutFile.file": "a path; the file is a P2 exception (KEPT_VALUES)",
    "privacy.ErasureRequest.receipt": "categories, counts and dates only",
    # L4: the operators' legal texts, the same for everyone. The consents to them (user,
    # version, time: no text) are kept as records, linked to the anonymous account.
    "legal.DocumentVersion.title_ja": "operators' legal text",
    "legal.DocumentVersion.title_en": "operators' legal text",
    "legal.DocumentVersion.body_ja": "operators' legal text",
    "legal.DocumentVersion.body_en": "operators' legal text",
    "legal.DocumentVersion.changes_ja": "operators' legal text",
    "legal.DocumentVersion.changes_en": "operators' legal text",
    # L1, T4: issued documents, kept as issued (P2's exception, see KEPT_VALUES).
    "documents.Document.series": "a numbering series code",
    "documents.Document.subject_type": "which table the document is about",
    "documents.Document.subject_id": "which row (an id)",
    "documents.Document.sha256": "a hash of the issued PDF",
    "documents.Document.parties": "P2 exception: an issued document, kept as issued (T4)",
    "documents.Document.payload": "P2 exception: an issued document, kept as issued (T4)",
    "documents.Document.pdf": "P2 exception: an issued document, kept as issued (T4)",
    "documents.DocumentSeries.name": "a numbering series code",
    "documents.DocumentParty.role": "a party's role code (client, lancer)",
    "documents.DocumentParty.name": (
        "P2 exception, L1, T2, T4: a party's name as the issued document states it; kept as "
        "issued and deleted with the document (Document.retain_until)"
    ),
}

# P2: the ONLY columns (and stored files) where a value the person gave may still be found
# after erasure, each with the rule that keeps it there. Every key is a kept column above;
# tests/privacy/test_erasure_dump.py dumps the whole database (and lists MEDIA_ROOT) after
# an erasure and allows a hit of the person's values nowhere else.
KEPT_VALUES: dict[str, str] = {
    "jobs.Job.title": (
        "P2: the title of a job that a contract or a confirmed payment needs, a transaction "
        "record kept for tax (7 years); the titles of the person's other jobs are erased"
    ),
    "contracts.Contract.title": "P2: a transaction record kept for tax (7 years)",
    "contracts.Milestone.title": "P2: a transaction record kept for tax (7 years)",
    "ledger.LedgerTransaction.memo": (
        "P2, M1: the append-only ledger names the job of each payment; never edited, it "
        "proves every other account's balance"
    ),
    "accounts.RetiredIdentifier.value": (
        "A5: the retired username, kept to block its reuse (addresses only as keyed hashes)"
    ),
    "payouts.PayoutFile.file": (
        "P2 exception, M5: the bank transfer (Zengin) file lists the bank account number and "
        "holder name of each payout as the bank received them; listed on the receipt (P4) "
        "and deleted 7 years after its batch's payment date (retention.kept_until)"
    ),
    "documents.Document.parties": (
        "P2 exception, L1, T4: an issued document (statement of terms) states the parties' names "
        "and the terms as issued and is never changed; listed on the receipt (P4) and deleted "
        "after its retention date (7 years from the end of its fiscal year, Document.retain_until)"
    ),
    "documents.Document.payload": (
        "P2 exception, L1, T4: an issued document (statement of terms) states the parties' names "
        "and the terms as issued and is never changed; listed on the receipt (P4) and deleted "
        "after its retention date (7 years from the end of its fiscal year, Document.retain_until)"
    ),
    "documents.Document.pdf": (
        "P2 exception, L1, T4: an issued document (statement of terms) states the parties' names "
        "and the terms as issued and is never changed; listed on the receipt (P4) and deleted "
        "after its retention date (7 years from the end of its fiscal year, Document.retain_until)"
    ),
    "documents.DocumentParty.name": (
        "P2 exception, L1, T4 (and T2): the name a party has on an issued document, as issued; "
        "deleted with the document after its retention date (Document.retain_until)"
    ),
}


class Tally:
    """Counts of replaced values per receipt category."""

    def __init__(self) -> None:
        self.counts: dict[str, int] = {}

    def add(self, category: str, n: int) -> None:
        if n:
            self.counts[category] = self.counts.get(category, 0) + n


# Objects erased or anonymised, as (model, primary keys): the audit trail and the admin log
# about each are scrubbed by object (P2), whatever values they recorded.
Objects = list[tuple[type[Model], list[Any]]]
CHUNK = 1000


def _personal_strings(value: Any, key: str = "") -> Iterator[str]:
    if isinstance(value, str) and key in PERSONAL_AUDIT_KEYS:
        yield value
    elif isinstance(value, dict):
        for k, item in value.items():
            yield from _personal_strings(item, k)
    elif isinstance(value, list):
        for item in value:
            yield from _personal_strings(item, key)


def _blank_strings(value: Any, key: str = "") -> Any:
    if isinstance(value, dict):
        return {k: _blank_strings(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_blank_strings(v, key) for v in value]
    if isinstance(value, str) and key in PERSONAL_AUDIT_KEYS:
        return PLACEHOLDER
    return value


def _replace_values(value: Any, needles: list[str]) -> Any:
    if isinstance(value, dict):
        return {k: _replace_values(v, needles) for k, v in value.items()}
    if isinstance(value, list):
        return [_replace_values(v, needles) for v in value]
    if isinstance(value, str):
        if value in needles:
            return PLACEHOLDER
        for needle in needles:
            if len(needle) >= SUBSTRING_MIN_LENGTH:
                value = value.replace(needle, PLACEHOLDER)
    return value


def _personal_values(user: User, profile: Profile | None) -> set[str]:
    """Every identifying value the account holds now, to be hunted down elsewhere."""
    values = {user.email, user.display_name}
    if profile is not None:
        values |= {
            profile.legal_name,
            profile.legal_name_kana,
            profile.postal_code,
            profile.city,
            profile.street,
            profile.building,
            profile.invoice_registration_number,
        }
        if profile.birth_date is not None:
            values.add(profile.birth_date.isoformat())
    bank = BankAccount.objects.filter(user=user).first()
    if bank is not None:
        values |= {bank.number, bank.holder_kana}
    return values


def _ids(rows: QuerySet[Any]) -> list[Any]:
    return list(rows.values_list("pk", flat=True))


def _sign_in_records(addresses: list[Address]) -> Q:
    """django-axes rows under one of the person's addresses (a sign-in, a failed one, a
    password-reset request counted as `password-reset:<address>`), from while it was theirs."""
    reset = [(PASSWORD_RESET_PREFIX + address, until) for address, until in addresses]
    return held_by_person(addresses + reset, field="username", moment="attempt_time")


def _erased_objects(
    user: User, *, inquiry_ids: list[int], job_ids: list[int], addresses: list[Address]
) -> Objects:
    """Every object this erasure erases or anonymises, resolved before any is deleted."""
    owned = {"user": user}
    objects: Objects = [
        (User, [user.pk]),
        (Profile, _ids(Profile.objects.filter(**owned))),
        (PortfolioItem, _ids(PortfolioItem.objects.filter(**owned))),
        (BankAccount, _ids(BankAccount.objects.filter(**owned))),
        (IdentityVerification, _ids(IdentityVerification.objects.filter(**owned))),
        (ApiToken, _ids(ApiToken.objects.filter(**owned))),
        (PreviousEmail, _ids(PreviousEmail.objects.filter(**owned))),
        (DataExport, _ids(DataExport.objects.filter(**owned))),
        (Payout, _ids(Payout.objects.filter(**owned))),
        (Job, job_ids),
        (InquiryReply, _ids(InquiryReply.objects.filter(inquiry_id__in=inquiry_ids))),
    ]
    objects.append((Inquiry, inquiry_ids))
    for scrub in TEXT_SCRUBS:
        rows = scrub.model._default_manager.filter(**{scrub.owner: user})
        objects.append((scrub.model, _ids(rows)))
    records = _sign_in_records(addresses)
    for model in (AccessLog, AccessAttempt, AccessFailureLog):
        objects.append((model, _ids(model.objects.filter(records))))
    return [(model, ids) for model, ids in objects if ids]


def _chunks(ids: list[Any]) -> Iterator[list[str]]:
    for start in range(0, len(ids), CHUNK):
        yield [str(pk) for pk in ids[start : start + CHUNK]]


def _audit_subjects(objects: Objects) -> Q:
    """Audit events about the objects (AuditEvent.subject_type is the model's label)."""
    condition = Q(pk__in=[])
    for model, ids in objects:
        for chunk in _chunks(ids):
            condition |= Q(subject_type=model._meta.label_lower, subject_id__in=chunk)
    return condition


def _scrub_audit(*, personal: Q, values: set[str]) -> tuple[int, list[str]]:
    """Blank the personal text recorded about the person's rows, then replace the person's
    values in every other event that contains one. Returns how many events changed, and the
    values hunted (for the admin log)."""
    changed = 0
    found: set[str] = set()
    for event in AuditEvent.objects.filter(personal).only("before", "after"):
        found |= set(_personal_strings(event.before)) | set(_personal_strings(event.after))
        before, after = _blank_strings(event.before), _blank_strings(event.after)
        if (before, after) != (event.before, event.after):
            AuditEvent.objects.filter(pk=event.pk).update(before=before, after=after)
            changed += 1
    needles = sorted(
        {v for v in values | found if v and len(v) >= MIN_SEARCHED_LENGTH and v != PLACEHOLDER},
        key=len,
        reverse=True,
    )
    if not needles:
        return changed, needles
    # JSON is stored escaped (\uXXXX) on SQLite and as text on PostgreSQL: look for both.
    forms = {form for v in needles for form in (v, json.dumps(v)[1:-1])}
    texts = AuditEvent.objects.annotate(
        before_text=Cast("before", TextField()), after_text=Cast("after", TextField())
    )
    hit = Q(pk__in=[])
    for form in forms:
        hit |= Q(before_text__contains=form) | Q(after_text__contains=form)
    for event in texts.filter(hit).only("before", "after"):
        before = _replace_values(event.before, needles)
        after = _replace_values(event.after, needles)
        if (before, after) != (event.before, event.after):
            AuditEvent.objects.filter(pk=event.pk).update(before=before, after=after)
            changed += 1
    return changed, needles


def _blank_change_message(message: str) -> str:
    """An admin change message with the names of the objects it mentions blanked: Django
    writes JSON ([{"added": {"name": "inquiry reply", "object": "<str>"}}]), older rows
    plain text, which is blanked whole."""
    if not message:
        return message
    try:
        parts = json.loads(message)
    except ValueError:
        return PLACEHOLDER
    if not isinstance(parts, list):
        return PLACEHOLDER
    for part in parts:
        for detail in part.values() if isinstance(part, dict) else ():
            if isinstance(detail, dict) and "object" in detail:
                detail["object"] = PLACEHOLDER
    return json.dumps(parts)


def _scrub_admin_log(*, objects: Objects, needles: list[str]) -> int:
    """P2: every admin log row about an erased or anonymised object loses its description
    (object_repr, the names in its change message), by object whatever it says; then the
    person's values are replaced in the rows about other objects. Returns rows changed."""
    changed = 0
    scrubbed: set[int] = set()
    for model, ids in objects:
        content_type = ContentType.objects.get_for_model(model, for_concrete_model=False)
        for chunk in _chunks(ids):
            rows = LogEntry.objects.filter(content_type=content_type, object_id__in=chunk)
            for entry in rows.only("object_repr", "change_message"):
                entry.object_repr = PLACEHOLDER
                entry.change_message = _blank_change_message(entry.change_message)
                entry.save(update_fields=["object_repr", "change_message"])
                scrubbed.add(entry.pk)
                changed += 1
    hit = Q(pk__in=[])
    for needle in needles:
        hit |= Q(object_repr__contains=needle) | Q(change_message__contains=needle)
        escaped = json.dumps(needle)[1:-1]
        if escaped != needle:
            hit |= Q(change_message__contains=escaped)
    for entry in LogEntry.objects.filter(hit).exclude(pk__in=scrubbed):
        entry.object_repr = _replace_values(entry.object_repr, needles)
        if entry.object_repr in needles:
            entry.object_repr = PLACEHOLDER
        message = _replace_values(entry.change_message, needles)
        for needle in needles:
            message = message.replace(json.dumps(needle)[1:-1], PLACEHOLDER)
        entry.change_message = message
        entry.save(update_fields=["object_repr", "change_message"])
        changed += 1
    return changed


def _scrub_texts(user: User, tally: Tally) -> None:
    for scrub in TEXT_SCRUBS:
        rows: QuerySet[Any] = scrub.model._default_manager.filter(**{scrub.owner: user})
        for field in scrub.fields:
            tally.add(scrub.category, rows.exclude(**{field: ""}).update(**{field: PLACEHOLDER}))
    with_files = Delivery.objects.filter(milestone__contract__lancer=user).exclude(file="")
    for row in with_files:
        row.file.delete(save=False)
        tally.add("files", 1)
    with_files.update(file="")


def _scrub_inquiries(user: User, addresses: list[Address], tally: Tally) -> list[int]:
    ids = _ids(person_inquiries(user=user, addresses=addresses))
    if ids:
        tally.add(
            "inquiries",
            Inquiry.objects.filter(pk__in=ids).update(
                subject=PLACEHOLDER,
                body=PLACEHOLDER,
                reply_email=erased_email(user.pk),
                internal_note="",
            ),
        )
        InquiryReply.objects.filter(inquiry_id__in=ids).update(body=PLACEHOLDER)
    return ids


def unneeded_jobs(user: User) -> QuerySet[Job]:
    """P2: the jobs the person posted that no transaction needs: no contract was made on
    them and no payment for them was confirmed (nothing reached the ledger). A withdrawn
    account has no live job (W1): only closed ones are taken."""
    return (
        Job.objects.filter(client=user, status=JobStatus.CLOSED, erased_at__isnull=True)
        .exclude(contracts__isnull=False)
        .exclude(payments__status=PaymentStatus.CONFIRMED)
    )


def _erase_jobs(user: User, tally: Tally) -> tuple[list[int], set[str]]:
    """Close-and-anonymise the unneeded jobs: title replaced, marked erased (404 to all but
    operators, jobs.selectors). Returns their ids and old titles."""
    jobs = unneeded_jobs(user)
    rows = list(jobs.values_list("pk", "title"))
    ids = [pk for pk, _title in rows]
    if ids:
        tally.add(
            "jobs",
            Job.objects.filter(pk__in=ids).update(title=PLACEHOLDER, erased_at=clock.now()),
        )
        # `update` sends no signal: the visitor pages kept in the shared cache (job list,
        # job pages) are dropped here (core.pagecache).
        invalidate("jobs")
    return ids, {title for _pk, title in rows}


def _scrub_payouts(user: User, tally: Tally) -> None:
    payouts = Payout.objects.filter(user=user)
    tally.add("bank_account", payouts.update(account_number="0000000", holder_kana=PLACEHOLDER))
    # An operator's reason for a failed transfer may quote the holder's name.
    payouts.exclude(failure_reason="").update(failure_reason=PLACEHOLDER)


def erase_personal_data(*, user: User) -> dict[str, int]:
    """Replace the account's personal data; `user` is locked by the caller. Returns the
    count of replaced values per receipt category."""
    tally = Tally()
    profile = Profile.objects.filter(user=user).first()
    addresses = person_addresses(user=user)
    values = _personal_values(user, profile) | {address for address, _until in addresses}
    # A5: every address the account held stays retired as a keyed hash, whatever withdrew it.
    retire_account_identifiers(user=user)
    inquiry_ids = _scrub_inquiries(user, addresses, tally)
    job_ids, job_titles = _erase_jobs(user, tally)
    values |= job_titles
    # Resolve the objects now: the rows below are deleted before the logs are scrubbed.
    objects = _erased_objects(user, inquiry_ids=inquiry_ids, job_ids=job_ids, addresses=addresses)
    personal_events = list(
        AuditEvent.objects.filter(_audit_subjects(objects)).values_list("pk", flat=True)
    )

    _scrub_texts(user, tally)
    _scrub_payouts(user, tally)
    if profile is not None:
        for field in ("legal_name", "legal_name_kana", "birth_date"):
            tally.add("name" if field != "birth_date" else "birth_date", 1)
        tally.add("address", 1)
        tally.add("profile_text", 1 if profile.self_introduction else 0)
        Profile.objects.filter(pk=profile.pk).update(
            legal_name="",
            legal_name_kana="",
            birth_date=None,
            postal_code="",
            prefecture="",
            city="",
            street="",
            building="",
            self_introduction="",
            invoice_registration_number="",
        )
    for item in PortfolioItem.objects.filter(user=user).exclude(image=""):
        item.image.delete(save=False)
    tally.add("portfolio", PortfolioItem.objects.filter(user=user).delete()[0])
    tally.add("bank_account", BankAccount.objects.filter(user=user).delete()[0])
    tally.add("api_tokens", ApiToken.objects.filter(user=user).delete()[0])
    for verification in IdentityVerification.objects.filter(user=user).exclude(document=""):
        verification.document.delete(save=False)  # an undecided request's image
    tally.add(
        "identity_documents",
        IdentityVerification.objects.filter(user=user).update(rejection_reason="", document=""),
    )
    for export in user.data_exports.all():
        if export.file:
            export.file.delete(save=False)
        tally.add("exports", 1)
    user.data_exports.all().delete()
    records = _sign_in_records(addresses)
    for model in (AccessLog, AccessAttempt, AccessFailureLog):
        tally.add("sign_ins", model.objects.filter(records).delete()[1].get(model._meta.label, 0))
    # Mail to the person still waiting in the outbox is not sent any more.
    OutboxMail.objects.filter(held_by_person(addresses, field="to", moment="created_at")).delete()

    tally.add("email", PreviousEmail.objects.filter(user=user).delete()[0])
    user.email = erased_email(user.pk)
    user.username = erased_username(user.pk)
    user.display_name = ERASED_DISPLAY_NAME
    user.set_unusable_password()
    user.save(update_fields=["email", "username", "display_name", "password"])
    tally.add("name", 1)
    tally.add("email", 1)

    changed, needles = _scrub_audit(personal=Q(pk__in=personal_events), values=values)
    tally.add("audit", changed + _scrub_admin_log(objects=objects, needles=needles))
    return tally.counts
