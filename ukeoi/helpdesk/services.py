"""Help centre use cases (H1–H3, P1). Each is one transaction that validates, locks,
writes, audits and mails after commit; views, the admin and the API all call these."""

import hashlib
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F
from django.dispatch import Signal
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ukeoi.accounts.enums import Language
from ukeoi.accounts.models import User
from ukeoi.core import clock
from ukeoi.core.audit import audit
from ukeoi.core.errors import ApplicationError, Conflict, InvalidInput, NotAllowed, NotFound
from ukeoi.core.mail import absolute_url, send_templated_mail
from ukeoi.core.outages import CACHE_ERRORS, log_outage
from ukeoi.core.transitions import transition
from ukeoi.helpdesk.enums import (
    INQUIRY_TRANSITIONS,
    InquiryCategory,
    InquiryStatus,
    QuestionCategory,
)
from ukeoi.helpdesk.models import Answer, FaqArticle, FaqVote, Inquiry, InquiryReply, Question

SUBJECT_MAX = 120
TITLE_MAX = 100
BODY_MAX = 4000
REPLY_MAX = 4000

# (attempts, seconds) per scope and sender; HELPDESK_RATE_LIMITS in settings overrides them.
DEFAULT_RATE_LIMITS: dict[str, tuple[int, int]] = {
    "inquiry": (5, 60 * 60),
    "question": (10, 60 * 60),
    "answer": (30, 60 * 60),
}


class RateLimited(ApplicationError):
    code = "rate_limited"
    status = 429


def _text(
    value: str, field: str, limit: int, errors: dict[str, list[Any]], *, empty_message: Any
) -> str:
    value = value.strip()
    if not value:
        errors.setdefault(field, []).append(empty_message)
    elif len(value) > limit:
        errors.setdefault(field, []).append(_("Use at most %(max)d characters.") % {"max": limit})
    elif "\x00" in value:
        # PostgreSQL cannot store NUL characters; nobody types them.
        errors.setdefault(field, []).append(_("This text contains characters we cannot store."))
    return value


def rate_limit(*, scope: str, senders: list[str]) -> None:
    """Count one attempt in `scope` for each sender key (IP address, e-mail address, user);
    refuse with 429 once any of them has used up its attempts for the window.

    The counters live in Django's cache, shared by every process when the cache is
    (Redis in production); they start on the first attempt and expire after the window.
    While the cache is away the limit is not applied (an outage must not stop people
    from writing to the operators)."""
    limits = {**DEFAULT_RATE_LIMITS, **getattr(settings, "HELPDESK_RATE_LIMITS", {})}
    attempts, window = limits[scope]
    over = False
    for sender in senders:
        if not sender:
            continue
        digest = hashlib.sha256(sender.lower().encode()).hexdigest()[:32]
        key = f"helpdesk:rate:{scope}:{digest}"
        try:
            cache.add(key, 0, timeout=window)
            try:
                count = cache.incr(key)
            except ValueError:  # expired between add() and incr()
                cache.set(key, 1, timeout=window)
                count = 1
        except CACHE_ERRORS as error:
            # Without the cache nothing more is counted (issue 23).
            log_outage("rate limit", error)
            break
        over = over or count > attempts
    if over:
        minutes = max(1, window // 60)
        raise RateLimited(
            _(
                "You have sent too many messages in a short time. Nothing was saved. "
                "Please wait %(minutes)d minutes and try again."
            )
            % {"minutes": minutes}
        )


# --- FAQ (H1) ---------------------------------------------------------------------------


def faq_voter_key(*, user: User | None, session_key: str) -> str:
    """Who is voting: the account when signed in, else a digest of the session."""
    if user is not None and user.is_authenticated:
        return f"u:{user.pk}"
    return "s:" + hashlib.sha256(session_key.encode()).hexdigest()


def faq_article_vote(*, article_id: int, voter: str, helpful: bool) -> FaqArticle:
    """H1 "was this helpful?": one vote per voter and article. Voting again the same way
    changes nothing; voting the other way moves the vote. Counts change only with F()."""
    with transaction.atomic():
        article = FaqArticle.objects.filter(pk=article_id, published=True).first()
        if article is None:
            raise NotFound(_("That article does not exist."))
        vote = FaqVote.objects.select_for_update().filter(article=article, voter=voter).first()
        if vote is None:
            try:
                with transaction.atomic():
                    FaqVote.objects.create(article=article, voter=voter, helpful=helpful)
            except IntegrityError:
                # The same voter's other request won the race: that vote already counts.
                return FaqArticle.objects.get(pk=article.pk)
            counter = "helpful_yes" if helpful else "helpful_no"
            FaqArticle.objects.filter(pk=article.pk).update(**{counter: F(counter) + 1})
        elif vote.helpful != helpful:
            new, old = ("helpful_yes", "helpful_no") if helpful else ("helpful_no", "helpful_yes")
            FaqArticle.objects.filter(pk=article.pk).update(**{new: F(new) + 1, old: F(old) - 1})
            vote.helpful = helpful
            vote.voted_at = clock.now()
            vote.save(update_fields=["helpful", "voted_at"])
    return FaqArticle.objects.get(pk=article.pk)


# --- Inquiries (H3, P1) -----------------------------------------------------------------


def _move(*, actor: User, inquiry: Inquiry, to: str, action: str) -> None:
    """The one way an inquiry's status changes: checked against INQUIRY_TRANSITIONS, audited.
    Call with the inquiry locked."""
    before = inquiry.status
    if to == before:
        return
    transition(
        inquiry,
        to,
        table=INQUIRY_TRANSITIONS,
        actor=actor,
        action=action,
        fields=["updated_at"],
        refusal=_("This inquiry cannot go from “%(before)s” to “%(after)s”.")
        % {"before": InquiryStatus(before).label, "after": InquiryStatus(to).label},
    )


def inquiry_submit(
    *,
    actor: User | None,
    category: str,
    subject: str,
    body: str,
    reply_email: str,
    language: str,
    client_ip: str,
) -> Inquiry:
    """H3, P1: a message to the operators, open to signed-out senders too (sign-in problems).
    Limited per IP address, reply address and account (a burst is refused with 429 and
    nothing is saved)."""
    signed_in = actor if actor is not None and actor.is_authenticated else None
    errors: dict[str, list[Any]] = {}
    if category not in InquiryCategory.values:
        errors["category"] = [_("Choose a category from the list.")]
    subject = _text(subject, "subject", SUBJECT_MAX, errors, empty_message=_("Enter a subject."))
    body = _text(body, "body", BODY_MAX, errors, empty_message=_("Write your message."))
    reply_email = reply_email.strip() or (signed_in.email if signed_in else "")
    try:
        validate_email(reply_email)
    except ValidationError:
        errors["reply_email"] = [_("Enter the e-mail address we should reply to.")]
    if errors:
        raise InvalidInput.of(errors)
    rate_limit(
        scope="inquiry",
        senders=[
            f"ip:{client_ip}",
            f"email:{reply_email}",
            f"user:{signed_in.pk}" if signed_in else "",
        ],
    )
    if signed_in is not None:
        language = signed_in.language
    with transaction.atomic():
        inquiry = Inquiry.objects.create(
            user=signed_in,
            category=category,
            subject=subject,
            body=body,
            reply_email=reply_email,
            language=language if language in Language.values else Language.JA,
        )
        audit(
            actor=signed_in,
            subject=inquiry,
            action="inquiry.received",
            after={"category": category, "status": inquiry.status},
        )
    return inquiry


def _require_operator(actor: User) -> None:
    if not (actor.is_authenticated and actor.is_staff):
        raise NotAllowed(_("Only operators can do this."))


def _lock_inquiry(inquiry_id: int) -> Inquiry:
    inquiry = (
        Inquiry.objects.select_for_update(of=("self",))
        .select_related("user")
        .filter(pk=inquiry_id)
        .first()
    )
    if inquiry is None:
        raise NotFound(_("That inquiry does not exist."))
    return inquiry


def inquiry_reply(*, actor: User, inquiry_id: int, body: str) -> InquiryReply:
    """H3: an operator answers; the inquiry becomes answered and the reply is mailed, after
    commit, to the inquiry's reply address in the sender's language. The address is the
    inquiry's own, so the reply reaches the sender even when the account is gone."""
    _require_operator(actor)
    errors: dict[str, list[Any]] = {}
    body = _text(body, "reply", REPLY_MAX, errors, empty_message=_("Write the reply."))
    if errors:
        raise InvalidInput.of(errors)
    with transaction.atomic():
        inquiry = _lock_inquiry(inquiry_id)
        if inquiry.status == InquiryStatus.CLOSED:
            raise Conflict(
                _("This inquiry is closed. Reopen it before replying."), code="inquiry_closed"
            )
        reply = InquiryReply.objects.create(inquiry=inquiry, body=body, operator=actor)
        _move(actor=actor, inquiry=inquiry, to=InquiryStatus.ANSWERED, action="inquiry.answered")
        audit(actor=actor, subject=reply, action="inquiry.replied", after={"inquiry": inquiry.pk})
        user = inquiry.user
        send_templated_mail(
            to=inquiry.reply_email,
            template="helpdesk_inquiry_reply",
            context={
                "inquiry": inquiry,
                "reply": reply,
                "name": user.display_name if user is not None else "",
                "inquiries_url": absolute_url(reverse("helpdesk:inquiries")) if user else "",
                "contact_url": absolute_url(reverse("helpdesk:contact")),
            },
            language=user.language if user is not None else inquiry.language,
        )
    return reply


def inquiry_status_set(*, actor: User, inquiry_id: int, status: str) -> Inquiry:
    """Operators take an inquiry up (in progress), close it, or reopen it."""
    _require_operator(actor)
    if status not in InquiryStatus.values:
        raise InvalidInput.of({"status": [_("Choose a status from the list.")]})
    with transaction.atomic():
        inquiry = _lock_inquiry(inquiry_id)
        _move(actor=actor, inquiry=inquiry, to=status, action="inquiry.status_changed")
    return inquiry


# Sent inside inquiry_request_erasure's transaction with sender=Inquiry and the keyword
# arguments inquiry (locked), user_id and operator. A receiver that raises ApplicationError
# refuses the request and nothing is recorded.
inquiry_erasure_requested = Signal()


def inquiry_request_erasure(*, actor: User, inquiry_id: int) -> tuple[Inquiry, bool]:
    """P1: an operator starts the erasure asked for in a 'delete my personal information'
    inquiry. Records the request on the inquiry (erasure_requested_at), audits it, moves the
    inquiry to in progress and sends `inquiry_erasure_requested`.

    Hook for the withdrawal issue: the erasure service (P2, P4) lives in the withdrawal app,
    which no app imports. That app connects a receiver to `inquiry_erasure_requested` in its
    AppConfig.ready() that calls its erasure service for `user_id` (staged 14 days, P4), and
    must also erase this app's personal data of that user (inquiries' reply_email, subject
    and body; consultation room posts' text). Returns the inquiry and whether a receiver took
    the request; until one is connected the operators erase the data by hand."""
    _require_operator(actor)
    with transaction.atomic():
        inquiry = _lock_inquiry(inquiry_id)
        if inquiry.category != InquiryCategory.DELETE_PERSONAL_DATA:
            raise ApplicationError(
                _("Erasure can only be started from a “Delete my personal information” inquiry."),
                code="not_an_erasure_inquiry",
            )
        if inquiry.user_id is None:
            raise ApplicationError(
                _(
                    "This inquiry is not linked to an account. Confirm who sent it, link it to "
                    "their account, then start the erasure."
                ),
                code="no_account",
            )
        if inquiry.erasure_requested_at is not None:
            raise Conflict(
                _("Erasure was already requested for this inquiry."), code="already_requested"
            )
        inquiry.erasure_requested_at = clock.now()
        inquiry.save(update_fields=["erasure_requested_at", "updated_at"])
        audit(
            actor=actor,
            subject=inquiry,
            action="inquiry.erasure_requested",
            after={"user": inquiry.user_id},
        )
        if inquiry.status != InquiryStatus.IN_PROGRESS:
            _move(
                actor=actor,
                inquiry=inquiry,
                to=InquiryStatus.IN_PROGRESS,
                action="inquiry.status_changed",
            )
        responses = inquiry_erasure_requested.send(
            sender=Inquiry, inquiry=inquiry, user_id=inquiry.user_id, operator=actor
        )
    return inquiry, bool(responses)


# --- Consultation room (H2) --------------------------------------------------------------


def _require_member(actor: User) -> None:
    if not actor.is_authenticated or not actor.is_active or actor.is_withdrawn:
        raise NotAllowed(_("Sign in to post in the consultation room."))


def question_post(*, actor: User, category: str, title: str, body: str) -> Question:
    """H2: a signed-in user asks the community."""
    _require_member(actor)
    errors: dict[str, list[Any]] = {}
    if category not in QuestionCategory.values:
        errors["category"] = [_("Choose a category from the list.")]
    title = _text(title, "title", TITLE_MAX, errors, empty_message=_("Enter a title."))
    body = _text(body, "body", BODY_MAX, errors, empty_message=_("Write your question."))
    if errors:
        raise InvalidInput.of(errors)
    rate_limit(scope="question", senders=[f"user:{actor.pk}"])
    with transaction.atomic():
        question = Question.objects.create(asker=actor, category=category, title=title, body=body)
        audit(actor=actor, subject=question, action="question.posted", after={"title": title})
    return question


def _lock_question(question_id: int) -> Question:
    question = (
        Question.objects.select_for_update(of=("self",))
        .select_related("asker")
        .filter(pk=question_id, hidden_at__isnull=True)
        .first()
    )
    if question is None:
        raise NotFound(_("That question does not exist."))
    return question


def answer_post(*, actor: User, question_id: int, body: str) -> Answer:
    """H2: another user answers; the asker is told by mail, with a link to the question
    (SITE_URL, never the request's Host header)."""
    _require_member(actor)
    errors: dict[str, list[Any]] = {}
    body = _text(body, "body", BODY_MAX, errors, empty_message=_("Write your answer."))
    if errors:
        raise InvalidInput.of(errors)
    with transaction.atomic():
        question = _lock_question(question_id)
        if question.asker_id == actor.pk:
            raise NotAllowed(
                _("You cannot answer your own question. Other users answer it."),
                code="own_question",
            )
        if question.is_resolved:
            raise Conflict(
                _("This question is resolved: it has a best answer and takes no more answers."),
                code="resolved",
            )
        rate_limit(scope="answer", senders=[f"user:{actor.pk}"])
        answer = Answer.objects.create(question=question, author=actor, body=body)
        audit(actor=actor, subject=answer, action="answer.posted", after={"question": question.pk})
        asker = question.asker
        if asker is not None and asker.is_active and not asker.is_withdrawn:
            send_templated_mail(
                to=asker.email,
                template="helpdesk_answer_posted",
                context={
                    "asker": asker,
                    "question": question,
                    "question_url": absolute_url(reverse("helpdesk:question", args=[question.pk])),
                },
                language=asker.language,
            )
    return answer


def answer_mark_best(*, actor: User, question_id: int, answer_id: int) -> Question:
    """H2: the asker chooses one answer as the best; the question is then resolved."""
    _require_member(actor)
    with transaction.atomic():
        question = _lock_question(question_id)
        if question.asker_id != actor.pk:
            raise NotAllowed(_("Only the person who asked can choose the best answer."))
        if question.is_resolved:
            raise Conflict(_("A best answer has already been chosen."), code="resolved")
        answer = Answer.objects.filter(
            pk=answer_id, question=question, hidden_at__isnull=True
        ).first()
        if answer is None:
            raise NotFound(_("That answer does not exist."))
        question.best_answer = answer
        question.save(update_fields=["best_answer"])
        audit(
            actor=actor,
            subject=question,
            action="question.best_answer_chosen",
            after={"answer": answer.pk},
        )
    return question


def post_hide(*, actor: User, post: Question | Answer, hidden: bool) -> None:
    """H2: operators hide a question or an answer (or show it again)."""
    _require_operator(actor)
    model = type(post)
    with transaction.atomic():
        locked = model.objects.select_for_update().get(pk=post.pk)
        if (locked.hidden_at is not None) == hidden:
            return
        locked.hidden_at = clock.now() if hidden else None
        locked.save(update_fields=["hidden_at"])
        audit(
            actor=actor,
            subject=locked,
            action=f"{model._meta.model_name}.{'hidden' if hidden else 'shown'}",
        )
