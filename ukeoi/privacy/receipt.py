"""P4: the words of the erasure receipt. The receipt stored on the request holds codes,
counts and dates only; these tables turn them into sentences in the reader's language.
The dates come from `retention`, which the purge uses too."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

ERASED_LABELS: dict[str, Promise] = {
    "name": _("Names: display name, full legal name and its reading"),
    "email": _("E-mail addresses, the current one and those you used before"),
    "birth_date": _("Date of birth"),
    "address": _("Postal code and address"),
    "profile_text": _("Self-introduction"),
    "portfolio": _("Portfolio items"),
    "bank_account": _("Bank account, also as copied onto past payouts"),
    "jobs": _("Jobs you posted that never led to a contract or a payment, titles included"),
    "sign_ins": _("Records of your sign-ins (addresses, network addresses and times)"),
    "identity_documents": _("Identity verification details (the document number was never stored)"),
    "writing": _(
        "Text you wrote: job descriptions, proposals, append notes, messages, task work, "
        "deliveries, change requests, cancellation reasons, rating comments, consultation "
        "room posts and withdrawal comments"
    ),
    "files": _("Delivered files"),
    "inquiries": _("Inquiries to the operators and their replies"),
    "api_tokens": _("API tokens"),
    "exports": _("Data export archives"),
    "audit": _("Personal values in the history of changes"),
}

# How long a kept record stays (the receipt says which, with the date where there is one).
DELETED_AFTER = "deleted"  # privacy_purge_expired deletes it after its retention.kept_until
ANONYMOUS_AFTER = "anonymous"  # required until its date, then stays without personal data
FOR_GOOD = "forever"  # a keyed hash that cannot be read back

KEPT: tuple[tuple[str, Promise, Promise, str], ...] = (
    (
        "payouts",
        _("Payouts: amounts, fees and dates"),
        _("Tax records that the law requires us to keep for 7 years."),
        DELETED_AFTER,
    ),
    (
        "transfer_files",
        _("Bank transfer files of past payouts, which list the account each payout went to"),
        _("Records of the transfers our bank made, kept 7 years after each transfer."),
        DELETED_AFTER,
    ),
    (
        "documents",
        _("Issued documents that name you (statements of terms), as issued"),
        _(
            "Documents the law requires us to keep unchanged for 7 years from the end of the "
            "year they were issued in (フリーランス・事業者間取引適正化等法, 電子帳簿保存法)."
        ),
        DELETED_AFTER,
    ),
    (
        "ledger",
        _("Ledger entries of your reward balance: amounts and dates"),
        _(
            "Tax records that the law requires us to keep for 7 years. The ledger is never "
            "edited, because it proves every other account's balance."
        ),
        ANONYMOUS_AFTER,
    ),
    (
        "contracts",
        _("Jobs, proposals, contracts and milestones: titles, amounts and dates"),
        _("Tax records, and your counterparts' records of the same work."),
        ANONYMOUS_AFTER,
    ),
    (
        "ratings",
        _("Rating values you gave and received (without comments)"),
        _("They are part of your counterparts' reputation."),
        ANONYMOUS_AFTER,
    ),
    (
        "retired_identifiers",
        _("Keyed hashes of every e-mail address you used, and your old username"),
        _("So that nobody can register with them again (A5). The hash cannot be read back."),
        FOR_GOOD,
    ),
    (
        "identity_digest",
        _("A keyed hash of your verified identity"),
        _(
            "So that a new account of the same person carries its ratings (A6). "
            "The hash cannot be read back."
        ),
        FOR_GOOD,
    ),
)
