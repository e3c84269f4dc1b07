from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ukeoi.accounts.enums import (
    AccountStatus,
    BankAccountType,
    DocumentType,
    Language,
    Prefecture,
    RetiredKind,
    VerificationStatus,
)
from ukeoi.accounts.fields import NormalEmailField
from ukeoi.accounts.validators import normalize_email, username_validator
from ukeoi.core.validators import (
    DOCUMENT_TYPES,
    IMAGE_TYPES,
    MB,
    private_upload_to,
    upload_validators,
)


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def get_by_natural_key(self, username: str | None) -> "User":
        # Sign-in is by e-mail address (A3), compared in its normal form.
        return self.get(email=normalize_email(username or ""))

    def create_user(
        self,
        email: str,
        username: str,
        display_name: str,
        password: str | None = None,
        **extra: object,
    ) -> "User":
        user = self.model(
            email=normalize_email(email),
            username=username.lower(),
            display_name=display_name,
            **extra,
        )
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(
        self, email: str, username: str, display_name: str, password: str | None = None
    ) -> "User":
        return self.create_user(
            email, username, display_name, password, is_staff=True, is_superuser=True
        )


class User(AbstractBaseUser, PermissionsMixin):
    """An account; the same account may act as client and as lancer."""

    # Sign-in identifier (A3), stored in its normal form (NFKC, lower case: see
    # validators.normalize_email) and unique in it; retired on withdrawal (A5).
    email = NormalEmailField(_("e-mail address"), max_length=254)
    # A1: fixed at registration, never changed; private (A2); retired on withdrawal (A5).
    username = models.CharField(
        _("username"), max_length=20, validators=[username_validator], editable=False
    )
    # A1: what other users see; may change at any time.
    display_name = models.CharField(_("display name"), max_length=40)
    # Lifecycle; a withdrawn account is never active again (see the constraint).
    status = models.CharField(
        _("status"), max_length=16, choices=AccountStatus.choices, default=AccountStatus.ACTIVE
    )
    # May sign in. False for withdrawn accounts and for accounts an operator suspended.
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("operator"), default=False)
    language = models.CharField(
        _("language"), max_length=8, choices=Language.choices, default=Language.JA
    )
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)
    # A4: set when an operator approves an identity verification request.
    identity_verified_at = models.DateTimeField(_("identity verified at"), null=True, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["username", "display_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(fields=["email"], name="user_email_unique"),
            models.UniqueConstraint(Lower("username"), name="user_username_ci_unique"),
            models.CheckConstraint(
                condition=models.Q(status__in=AccountStatus.values), name="user_status_valid"
            ),
            models.CheckConstraint(
                condition=~models.Q(status=AccountStatus.WITHDRAWN, is_active=True),
                name="user_withdrawn_is_inactive",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def is_identity_verified(self) -> bool:
        return self.identity_verified_at is not None

    @property
    def is_withdrawn(self) -> bool:
        return self.status == AccountStatus.WITHDRAWN

    @property
    def profile_is_public(self) -> bool:
        """W8: the public profile shows unless the user withdrew and chose to hide it (the
        withdrawal app's record, read as an attribute: this app imports no higher app)."""
        if not self.is_withdrawn:
            return True
        record = getattr(self, "withdrawal", None)
        return bool(record is not None and record.keep_profile)


class Profile(models.Model):
    """Personal data needed to be paid (A7) and the public self-introduction."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="profile")
    legal_name = models.CharField(_("full legal name"), max_length=60, blank=True)
    legal_name_kana = models.CharField(_("reading (katakana)"), max_length=60, blank=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=8, blank=True)
    prefecture = models.CharField(
        _("prefecture"), max_length=8, choices=Prefecture.choices, blank=True
    )
    city = models.CharField(_("city, ward, town"), max_length=60, blank=True)
    street = models.CharField(_("street address"), max_length=100, blank=True)
    building = models.CharField(_("building and room"), max_length=100, blank=True)
    self_introduction = models.TextField(_("self-introduction"), max_length=4000, blank=True)
    # T1: the 適格請求書発行事業者 registration number ("T" + 13 digits, check digit valid:
    # core.invoice_number), or "" when not registered. Printed on the invoices (T2).
    invoice_registration_number = models.CharField(
        _("invoice registration number"), max_length=14, blank=True
    )

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")

    def __str__(self) -> str:
        return str(self.user)

    @property
    def has_name_and_address(self) -> bool:
        """A7 / M4: the name, its reading and the address needed for a payout are present."""
        # A postal address needs the street line (町名・番地); the building is optional.
        return all(
            [
                self.legal_name,
                self.legal_name_kana,
                self.postal_code,
                self.prefecture,
                self.city,
                self.street,
            ]
        )


# A portfolio image: PNG, JPEG or GIF of at most 5 MB.
PORTFOLIO_IMAGE_VALIDATORS = upload_validators(max_bytes=5 * MB, kinds=IMAGE_TYPES)


class PortfolioItem(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="portfolio_items")
    title = models.CharField(_("title"), max_length=100)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    url = models.URLField(_("URL"), blank=True)
    # Outside the web root; served by accounts:portfolio_image to whoever may see the
    # profile (everyone, unless its owner withdrew and hid it, W8).
    image = models.FileField(
        _("image"),
        upload_to=private_upload_to("portfolio"),
        blank=True,
        validators=PORTFOLIO_IMAGE_VALIDATORS,
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("portfolio item")
        verbose_name_plural = _("portfolio items")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


# A4: an identity document: a photo (PNG, JPEG, GIF) or a PDF scan of at most 10 MB.
IDENTITY_DOCUMENT_VALIDATORS = upload_validators(max_bytes=10 * MB, kinds=DOCUMENT_TYPES)


class IdentityVerification(models.Model):
    """A4: a request to verify identity, decided by an operator."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="identity_verifications")
    document_type = models.CharField(_("document"), max_length=32, choices=DocumentType.choices)
    # pending -> approved | rejected (VERIFICATION_TRANSITIONS); at most one pending per user.
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=VerificationStatus.choices,
        default=VerificationStatus.PENDING,
    )
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("decided by"),
    )
    rejection_reason = models.CharField(_("reason for rejection"), max_length=200, blank=True)
    # A4: the photo or scan the operator checks; outside the web root, shown to operators
    # only (admin), deleted once the request is decided (and at erasure).
    document = models.FileField(
        _("document image"),
        upload_to=private_upload_to("identity"),
        blank=True,
        validators=IDENTITY_DOCUMENT_VALIDATORS,
    )
    # A6: HMAC of the document type, normalised number and birth date (accounts.identity);
    # the number itself is never stored. Empty only for requests made before A6.
    identity_digest = models.CharField(
        _("identity digest"), max_length=64, blank=True, editable=False, db_index=True
    )

    class Meta:
        verbose_name = _("identity verification")
        verbose_name_plural = _("identity verifications")
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(status=VerificationStatus.PENDING),
                name="identity_one_pending_per_user",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=VerificationStatus.values),
                name="identity_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_status_display()})"


class RetiredIdentifier(models.Model):
    """A5: an e-mail address (as HMAC-SHA256 of its normalised form) or a username
    that belonged to a withdrawn account and can never be registered again."""

    kind = models.CharField(_("kind"), max_length=16, choices=RetiredKind.choices)
    # kind=email: hex HMAC digest, never the address; kind=username: the lower-case username.
    value = models.CharField(_("value"), max_length=64)
    retired_at = models.DateTimeField(_("retired"), default=timezone.now)

    class Meta:
        verbose_name = _("retired identifier")
        verbose_name_plural = _("retired identifiers")
        constraints = [
            models.UniqueConstraint(fields=["kind", "value"], name="retired_kind_value_unique"),
            models.CheckConstraint(
                condition=models.Q(kind__in=RetiredKind.values), name="retired_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.value[:12]}"


class PreviousEmail(models.Model):
    """A5, P3: an address the account held before it changed it (account_email_change).
    Retired with the current one at withdrawal (A5: every address the account ever
    confirmed), listed in the export (P3), deleted at erasure (P2) while its keyed hash
    stays retired."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="previous_emails",
        verbose_name=_("user"),
    )
    # As User.email held it (its normal form); once per account.
    email = models.EmailField(_("e-mail address"), max_length=254)
    # The account held the address until this moment: what was sent from it before then
    # (a signed-out inquiry, a sign-in) was the person's (P2, P3).
    used_until = models.DateTimeField(_("used until"), default=timezone.now)

    class Meta:
        verbose_name = _("previous e-mail address")
        verbose_name_plural = _("previous e-mail addresses")
        ordering = ["used_until", "id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "email"], name="previous_email_once_per_user"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.used_until:%Y-%m-%d}"


class ApiToken(models.Model):
    """A personal access token for the JSON API. Only its SHA-256 digest is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=60)
    # First characters of the token, shown so the owner can tell tokens apart.
    prefix = models.CharField(_("prefix"), max_length=12)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    # Set once; a revoked token never authenticates again.
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class Bank(models.Model):
    """The Zengin bank master (from the zengin-code package; `manage.py load_bank_master`)."""

    code = models.CharField(_("bank code"), max_length=4, unique=True)
    name = models.CharField(_("bank name"), max_length=60)
    kana = models.CharField(_("bank name (kana)"), max_length=60)
    hira = models.CharField(max_length=60, blank=True)
    roma = models.CharField(max_length=60, blank=True)

    class Meta:
        verbose_name = _("bank")
        verbose_name_plural = _("banks")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class BankBranch(models.Model):
    bank = models.ForeignKey(Bank, on_delete=models.CASCADE, related_name="branches")
    code = models.CharField(_("branch code"), max_length=3)
    name = models.CharField(_("branch name"), max_length=60)
    kana = models.CharField(_("branch name (kana)"), max_length=60)
    hira = models.CharField(max_length=60, blank=True)
    roma = models.CharField(max_length=60, blank=True)

    class Meta:
        verbose_name = _("bank branch")
        verbose_name_plural = _("bank branches")
        ordering = ["bank__code", "code"]
        constraints = [
            models.UniqueConstraint(fields=["bank", "code"], name="branch_code_per_bank"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class BankMasterLoad(models.Model):
    """One load of the bank master: which data date it carried, and when it was loaded."""

    data_date = models.DateField(_("data date"))
    banks = models.PositiveIntegerField(_("banks"))
    branches = models.PositiveIntegerField(_("branches"))
    loaded_at = models.DateTimeField(_("loaded at"), default=timezone.now)

    class Meta:
        verbose_name = _("bank master load")
        verbose_name_plural = _("bank master loads")
        ordering = ["-loaded_at"]

    def __str__(self) -> str:
        return f"{self.data_date} ({self.banks} / {self.branches})"


class BankAccount(models.Model):
    """A7: where payouts go. One per user; the holder name is kept in the bank
    character set (half-width kana), as it goes into the transfer file."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="bank_account")
    bank = models.ForeignKey(Bank, on_delete=models.PROTECT, verbose_name=_("bank"))
    branch = models.ForeignKey(BankBranch, on_delete=models.PROTECT, verbose_name=_("branch"))
    account_type = models.PositiveSmallIntegerField(
        _("account type"), choices=BankAccountType.choices, default=BankAccountType.ORDINARY
    )
    # Exactly 7 digits (Japan Post Bank 記号/番号 are converted on entry).
    number = models.CharField(_("account number"), max_length=7)
    holder_kana = models.CharField(_("account holder (kana)"), max_length=30)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("bank account")
        verbose_name_plural = _("bank accounts")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(account_type__in=BankAccountType.values),
                name="bank_account_type_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(number__regex=r"^[0-9]{7}$"), name="bank_account_number_7"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.bank.code}-{self.branch.code} {self.number}"
