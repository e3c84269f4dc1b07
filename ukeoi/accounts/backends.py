from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from ukeoi.accounts.models import User
from ukeoi.accounts.validators import normalize_email


class EmailBackend(ModelBackend):
    """A3: sign in with the e-mail address, in any of the forms that share its normal form
    (any case, full-width or not), and password.

    Inactive and withdrawn accounts are returned when the password is right, so that the
    sign-in form can say *why* they cannot sign in; the form then refuses them."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        email = username or kwargs.get("email")
        if not email or password is None:
            return None
        try:
            user = User.objects.get(email=normalize_email(email))
        except User.DoesNotExist:
            User().set_password(password)  # same cost as a real check: no timing oracle
            return None
        return user if user.check_password(password) else None

    def get_user(self, user_id: Any) -> User | None:
        user = User.objects.filter(pk=user_id).first()
        return user if user is not None and user.is_active else None
