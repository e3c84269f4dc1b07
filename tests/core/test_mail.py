"""Every mail is a template pair rendered in the recipient's language and sent after commit."""

from typing import Any

import pytest
from django.core.mail import EmailMessage
from django.db import transaction

from tests.factories import UserFactory
from ukeoi.accounts.enums import AccountStatus
from ukeoi.core.mail import notify, render_mail, send_templated_mail

pytestmark = pytest.mark.django_db


def test_mail_is_sent_only_after_commit(
    django_capture_on_commit_callbacks: Any, mailoutbox: list[EmailMessage]
) -> None:
    user = UserFactory.create(display_name="花子")

    with django_capture_on_commit_callbacks() as callbacks:
        send_templated_mail(to=user.email, template="welcome", context={"user": user})

    assert mailoutbox == []
    for callback in callbacks:
        callback()
    assert [m.to for m in mailoutbox] == [[user.email]]


def test_mail_of_a_rolled_back_transaction_is_never_sent(
    django_capture_on_commit_callbacks: Any, mailoutbox: list[EmailMessage]
) -> None:
    user = UserFactory.create()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                send_templated_mail(to=user.email, template="welcome", context={"user": user})
                raise RuntimeError("refused later in the same transaction")
        except RuntimeError:
            pass

    assert callbacks == []
    assert mailoutbox == []


@pytest.mark.parametrize("template", ["welcome", "email_changed", "identity_decided"])
def test_each_mail_renders_in_both_languages_with_a_one_line_subject(template: str) -> None:
    user = UserFactory.build(display_name="花子", username="hanako")
    context = {"user": user, "new_email": "new@example.jp", "approved": True, "reason": ""}

    ja_subject, ja_body = render_mail(template, context, "ja")
    en_subject, en_body = render_mail(template, context, "en")

    for subject, body in ((ja_subject, ja_body), (en_subject, en_body)):
        assert "ukeoi" in subject
        assert "\n" not in subject
        assert "花子" in body
    assert ja_subject != en_subject
    assert ja_body != en_body


def test_mail_is_rendered_in_the_language_asked_for(
    django_capture_on_commit_callbacks: Any, mailoutbox: list[EmailMessage]
) -> None:
    user = UserFactory.create()

    with django_capture_on_commit_callbacks(execute=True):
        send_templated_mail(
            to=user.email, template="welcome", context={"user": user}, language="en"
        )

    assert mailoutbox[0].subject == "[ukeoi] Welcome to ukeoi"


def test_notify_mails_in_the_recipients_language_and_never_a_withdrawn_account(
    django_capture_on_commit_callbacks: Any, mailoutbox: list[EmailMessage]
) -> None:
    """W7: once withdrawn, an account gets no more notices (jobs, contracts, payouts)."""
    live = UserFactory.create(language="en")
    gone = UserFactory.create(status=AccountStatus.WITHDRAWN, is_active=False)

    with django_capture_on_commit_callbacks(execute=True):
        notify(live, "welcome", user=live)
        notify(gone, "welcome", user=gone)

    assert [m.to for m in mailoutbox] == [[live.email]]
    assert mailoutbox[0].subject == render_mail("welcome", {"user": live}, "en")[0]
