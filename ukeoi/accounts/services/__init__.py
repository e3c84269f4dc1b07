"""Account use cases. Each is one transaction that validates, writes, audits and
sends mail after commit. Forms and the API both call these, so the rules live here once."""

from ukeoi.accounts.services._common import DISPLAY_NAME_MAX, EMAIL_MAX
from ukeoi.accounts.services.bank import JAPAN_POST_BANK_CODE, bank_account_set, japan_post_account
from ukeoi.accounts.services.identity import (
    DOCUMENT_NUMBER_PATTERN,
    identity_verification_decide,
    identity_verification_request,
)
from ukeoi.accounts.services.portfolio import portfolio_item_add, portfolio_item_delete
from ukeoi.accounts.services.profile import (
    PROFILE_FIELDS,
    ProfileInput,
    account_email_change,
    account_language_set,
    account_patch,
    profile_update,
    registration_errors,
    user_register,
    user_update_display_name,
)
from ukeoi.accounts.services.tokens import (
    TOKEN_PREFIX,
    api_token_authenticate,
    api_token_create,
    api_token_revoke,
    token_digest,
)

__all__ = [
    "DISPLAY_NAME_MAX",
    "DOCUMENT_NUMBER_PATTERN",
    "EMAIL_MAX",
    "JAPAN_POST_BANK_CODE",
    "PROFILE_FIELDS",
    "TOKEN_PREFIX",
    "ProfileInput",
    "account_email_change",
    "account_language_set",
    "account_patch",
    "api_token_authenticate",
    "api_token_create",
    "api_token_revoke",
    "bank_account_set",
    "identity_verification_decide",
    "identity_verification_request",
    "japan_post_account",
    "portfolio_item_add",
    "portfolio_item_delete",
    "profile_update",
    "registration_errors",
    "token_digest",
    "user_register",
    "user_update_display_name",
]
