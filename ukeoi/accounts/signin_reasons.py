"""Why the sign-in page is shown (issue 14 item 8).

A page that needs sign-in sends a signed-out visitor to the sign-in page with `?next=<the
page>` (Django's `login_required`, or the page's own redirect). The sign-in page reads
`next`, resolves it to the page's URL name and says what signing in is for:
「退会手続きのページを開くにはログインしてください。」 One table, by URL name or by the
namespace of a whole app; any other page that needs sign-in (every view behind
`login_required`/`user_passes_test`, which mark it) gets the generic sentence. A `next` to
a page open to everyone that is not in the table says nothing: the visitor chose to sign in.

The table names pages of the apps above accounts only by their URL names (strings): no
import of those apps (DESIGN.md, layers)."""

from urllib.parse import urlsplit

from django.urls import Resolver404, resolve
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

GENERIC = _("Sign in to open this page.")

# URL name ("app:page") or namespace ("app": every page of it) -> why sign-in is needed.
REASONS: dict[str, Promise] = {
    "withdrawal": _("Sign in to open the withdrawal page."),
    "contracts": _("Sign in to open your contracts."),
    "payouts:statement": _("Sign in to see your reward statement."),
    "payouts:settings": _("Sign in to change your payout settings."),
    "privacy:export_request": _("Sign in to download your data."),
    "privacy:export_download": _("Sign in to download your data."),
    "jobs:create": _("Sign in to post a job."),
    "jobs:my_jobs": _("Sign in to see the jobs you posted."),
    "jobs:my_proposals": _("Sign in to see the jobs you proposed on."),
    "jobs:proposal_detail": _("Sign in to see this proposal."),
    # Open to everyone; its "Sign in to propose" link (and a proposal sent signed out) come here.
    "jobs:detail": _("Sign in to propose on this job."),
    "accounts:settings": _("Sign in to open your account settings."),
    "accounts:profile_edit": _("Sign in to edit your profile."),
    "accounts:verification": _("Sign in to verify your identity."),
    "accounts:bank_account": _("Sign in to register the bank account for payouts."),
    "accounts:password_change": _("Sign in to change your password."),
    "helpdesk:inquiries": _("Sign in to see your inquiries."),
    "helpdesk:question_create": _("Sign in to post in the consultation room."),
    # Open to everyone; its "Sign in to answer" link comes here.
    "helpdesk:question": _("Sign in to post in the consultation room."),
}


def needs_sign_in(view: object) -> bool:
    """True for a view behind Django's `login_required` / `user_passes_test`: they set
    `redirect_field_name` on the view they wrap (for LoginRequiredMiddleware)."""
    return hasattr(view, "redirect_field_name")


def sign_in_reason(next_url: str) -> Promise | None:
    """What signing in will open, for the sign-in page reached with `?next=next_url`
    (already checked to be a safe URL of this site); None when there is nothing to say."""
    if not next_url:
        return None
    try:
        match = resolve(urlsplit(next_url).path)
    except Resolver404:
        return None
    for key in (match.view_name, match.namespace):
        if key and key in REASONS:
            return REASONS[key]
    return GENERIC if needs_sign_in(match.func) else None
