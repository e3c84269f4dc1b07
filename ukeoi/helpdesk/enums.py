from django.db import models
from django.utils.translation import gettext_lazy as _


class InquiryCategory(models.TextChoices):
    """H3, P1: what an inquiry to the operators is about."""

    SIGN_IN = "sign_in", _("Signing in or registering")
    WORK = "work", _("Jobs, proposals and contracts")
    PAYMENT = "payment", _("Payments and payouts")
    WITHDRAWAL = "withdrawal", _("Withdrawal (退会)")
    DELETE_PERSONAL_DATA = "delete_personal_data", _("Delete my personal information")
    REPORT = "report", _("Reporting a user or a post")
    OTHER = "other", _("Something else")


class InquiryStatus(models.TextChoices):
    NEW = "new", _("New")
    IN_PROGRESS = "in_progress", _("In progress")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed")


# A reply moves new or in-progress inquiries to answered; answering again keeps it answered.
# A closed inquiry is reopened (in progress) before anyone replies to it again.
INQUIRY_TRANSITIONS: dict[str, set[str]] = {
    InquiryStatus.NEW: {InquiryStatus.IN_PROGRESS, InquiryStatus.ANSWERED, InquiryStatus.CLOSED},
    InquiryStatus.IN_PROGRESS: {InquiryStatus.ANSWERED, InquiryStatus.CLOSED},
    InquiryStatus.ANSWERED: {InquiryStatus.IN_PROGRESS, InquiryStatus.CLOSED},
    InquiryStatus.CLOSED: {InquiryStatus.IN_PROGRESS},
}


class QuestionCategory(models.TextChoices):
    """H2: the consultation room's boards."""

    ACCOUNT = "account", _("Account and profile")
    WORK = "work", _("Jobs and proposals")
    CONTRACT = "contract", _("Contracts and delivery")
    PAYMENT = "payment", _("Rewards and payouts")
    WITHDRAWAL = "withdrawal", _("Withdrawal (退会)")
    OTHER = "other", _("Other")
