"""Portfolio items of a lancer profile (D1, W8)."""

from pathlib import PurePath
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.validators import URLValidator
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from ukeoi.accounts.models import (
    PORTFOLIO_IMAGE_VALIDATORS,
    PortfolioItem,
    User,
)
from ukeoi.accounts.services._common import _accept_upload, _delete_file_after_commit
from ukeoi.core.audit import audit
from ukeoi.core.errors import InvalidInput, NotFound


def portfolio_item_add(
    *, actor: User, title: str, description: str = "", url: str = "", image: File | None = None
) -> PortfolioItem:
    errors: dict[str, list[Any]] = {}
    title, description, url = title.strip(), description.strip(), url.strip()
    if not title:
        errors["title"] = [_("Enter a title.")]
    elif len(title) > 100:
        errors["title"] = [_("Use at most %(max)d characters.") % {"max": 100}]
    if len(description) > 2000:
        errors["description"] = [_("Use at most %(max)d characters.") % {"max": 2000}]
    if url:
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError:
            errors["url"] = [_("Enter a web address starting with http:// or https://.")]
    if image is not None:
        image, problems = _accept_upload(image, PORTFOLIO_IMAGE_VALIDATORS)
        if problems:
            errors["image"] = problems
    if errors:
        raise InvalidInput.of(errors)
    with transaction.atomic():
        item = PortfolioItem(user=actor, title=title, description=description, url=url)
        if image is not None:
            item.image.save(PurePath(image.name or "image").name, image, save=False)
        item.save()
        audit(actor=actor, subject=item, action="portfolio.added", after={"title": title})
    return item


def portfolio_item_delete(*, actor: User, item_id: int) -> None:
    with transaction.atomic():
        item = PortfolioItem.objects.select_for_update().filter(pk=item_id, user=actor).first()
        if item is None:
            raise NotFound(_("That portfolio item does not exist."))
        audit(actor=actor, subject=item, action="portfolio.deleted", before={"title": item.title})
        _delete_file_after_commit(item.image)
        item.delete()
