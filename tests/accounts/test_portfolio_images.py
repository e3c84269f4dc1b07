"""Portfolio images (issue 9, uploads; A2, W8): uploaded with a portfolio item, checked for
size and type by content, stored outside the web root under a random name, served inline
to whoever may see the profile (everyone, unless its withdrawn owner hid it) and deleted
with the item or at erasure."""

from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse

from tests.factories import PNG_BYTES, UserFactory, png_upload
from ukeoi.accounts import services
from ukeoi.accounts.enums import AccountStatus
from ukeoi.accounts.models import PortfolioItem, User
from ukeoi.privacy.erasure import erase_personal_data
from ukeoi.withdrawal.models import Withdrawal

pytestmark = pytest.mark.django_db


def image_url(item: PortfolioItem) -> str:
    return reverse("portfolio_image", args=[item.user_id, item.pk])


def with_image(user: User) -> PortfolioItem:
    return services.portfolio_item_add(actor=user, title="ロゴ制作", image=png_upload("logo.png"))


def test_an_item_with_an_image_shows_it_on_the_public_profile(client: Client) -> None:
    user = UserFactory.create()
    client.force_login(user)

    response = client.post(
        reverse("accounts:profile_edit"),
        {"action": "portfolio", "portfolio-title": "ロゴ制作", "portfolio-image": png_upload()},
    )

    assert response.status_code == 302
    item = PortfolioItem.objects.get(user=user)
    assert item.image.name.startswith("portfolio/")
    assert "image" not in item.image.name.rsplit("/", 1)[-1]  # not the uploader's name
    page = Client().get(reverse("public_profile", args=[user.pk])).content.decode()
    assert f'src="{image_url(item)}"' in page
    shown = Client().get(image_url(item))
    assert shown.status_code == 200
    assert shown["Content-Type"] == "image/png"
    assert b"".join(shown.streaming_content) == PNG_BYTES


@pytest.mark.parametrize(
    ("name", "content"),
    [("logo.png", b"<svg onload=alert(1)>"), ("logo.html", PNG_BYTES), ("big.png", None)],
)
def test_a_file_that_is_not_a_small_image_is_refused_and_nothing_is_added(
    client: Client, name: str, content: bytes | None
) -> None:
    user = UserFactory.create()
    client.force_login(user)
    upload = png_upload(name, content if content is not None else PNG_BYTES + bytes(5 << 20))

    response = client.post(
        reverse("accounts:profile_edit"),
        {"action": "portfolio", "portfolio-title": "ロゴ", "portfolio-image": upload},
    )

    assert response.status_code == 400
    assert "image" in response.context["portfolio_form"].errors
    assert not PortfolioItem.objects.exists()


@pytest.mark.parametrize(("keep_profile", "status"), [(True, 200), (False, 404)])
def test_a_withdrawn_owner_who_hid_the_profile_hides_the_images(
    keep_profile: bool, status: int
) -> None:
    """W8: a kept profile goes on showing its portfolio; a hidden one shows nothing."""
    user = UserFactory.create()
    item = with_image(user)
    User.objects.filter(pk=user.pk).update(status=AccountStatus.WITHDRAWN, is_active=False)
    Withdrawal.objects.create(user=user, keep_profile=keep_profile, reason="other")

    assert Client().get(image_url(item)).status_code == status


def test_an_image_under_another_users_id_is_404() -> None:
    item = with_image(UserFactory.create())
    other = UserFactory.create()

    url = reverse("portfolio_image", args=[other.pk, item.pk])
    assert Client().get(url).status_code == 404


def test_deleting_the_item_deletes_the_image(django_capture_on_commit_callbacks: Any) -> None:
    user = UserFactory.create()
    item = with_image(user)
    stored = item.image.name

    with django_capture_on_commit_callbacks(execute=True):
        services.portfolio_item_delete(actor=user, item_id=item.pk)

    assert not default_storage.exists(stored)


def test_erasure_deletes_the_images() -> None:
    """P2."""
    user = UserFactory.create()
    stored = with_image(user).image.name

    erase_personal_data(user=user)

    assert not PortfolioItem.objects.filter(user=user).exists()
    assert not default_storage.exists(stored)
