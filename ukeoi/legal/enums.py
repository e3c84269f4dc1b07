from django.db import models
from django.utils.translation import gettext_lazy as _


class DocumentKind(models.TextChoices):
    """L4: the three legal pages. The slug is also the page's address (/legal/<kind>/)."""

    TERMS = "terms", _("Terms of use")
    PRIVACY = "privacy", _("Privacy policy")
    TOKUSHOHO = "tokushoho", _("Specified Commercial Transactions Act notice")


# L4: the documents a user must agree to (registering, and again at each new version).
# The 特定商取引法 notice informs; nobody consents to it.
CONSENT_KINDS: tuple[str, ...] = (DocumentKind.TERMS, DocumentKind.PRIVACY)
