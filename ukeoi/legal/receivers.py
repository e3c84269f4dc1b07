"""How the legal app follows the rest: a saved version refreshes the cached list and the
cached pages; a new account records its consent (accounts sends `user_registered` inside
its registration transaction, so accounts never imports legal)."""

from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save

from ukeoi.accounts.models import User
from ukeoi.accounts.services.profile import user_registered
from ukeoi.core.pagecache import invalidate_on
from ukeoi.legal import selectors, services
from ukeoi.legal.models import DocumentVersion

PAGE_GROUP = "legal"


def _version_changed(sender: Any, **kwargs: Any) -> None:
    selectors.forget_versions()
    transaction.on_commit(selectors.forget_versions, robust=True)


def _registered(sender: Any, user: User, consented: bool = False, **kwargs: Any) -> None:
    if consented:
        services.consents_at_registration(user=user)


def connect() -> None:
    uid = "legal:versions"
    post_save.connect(_version_changed, sender=DocumentVersion, dispatch_uid=f"{uid}:save")
    post_delete.connect(_version_changed, sender=DocumentVersion, dispatch_uid=f"{uid}:delete")
    user_registered.connect(_registered, sender=User, dispatch_uid="legal:registration")
    invalidate_on(DocumentVersion, PAGE_GROUP)
