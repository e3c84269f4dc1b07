"""Django's own strings that the site's pages show, worded in the site's Japanese voice.

The password change and password reset pages use Django's forms and password validators,
whose Japanese comes from Django's catalogue (「最低 8 文字以上必要です」, 「元のパスワード」,
「新しいパスワード(確認用)」). Listing their msgids here puts them into ukeoi's catalogue
(`make messages` extracts them), and ukeoi's catalogue (LOCALE_PATHS) takes precedence over
Django's, so the pages read as the rest of the site: issue 14 item 10, docs/glossary.md.

Every msgid must stay exactly Django's: tests/i18n/test_japanese_voice.py checks each one
against Django's own catalogue, so an upgrade that rewords one is noticed."""

from django.utils.translation import gettext_noop, ngettext_lazy

DJANGO_MESSAGES = (
    # django.contrib.auth.forms: PasswordChangeForm, SetPasswordForm.
    gettext_noop("Old password"),
    gettext_noop("New password confirmation"),
    gettext_noop("Your old password was entered incorrectly. Please enter it again."),
    gettext_noop("The two password fields didn’t match."),
    # django.contrib.auth.password_validation (AUTH_PASSWORD_VALIDATORS).
    ngettext_lazy(
        "This password is too short. It must contain at least %d character.",
        "This password is too short. It must contain at least %d characters.",
    ),
    ngettext_lazy(
        "Your password must contain at least %(min_length)d character.",
        "Your password must contain at least %(min_length)d characters.",
    ),
    gettext_noop("The password is too similar to the %(verbose_name)s."),
    gettext_noop("Your password can’t be too similar to your other personal information."),
    gettext_noop("This password is too common."),
    gettext_noop("Your password can’t be a commonly used password."),
    gettext_noop("This password is entirely numeric."),
    gettext_noop("Your password can’t be entirely numeric."),
)
