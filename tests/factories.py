import factory

from ukeoi.accounts.enums import DocumentType, VerificationStatus
from ukeoi.accounts.models import ApiToken, IdentityVerification, Profile, User
from ukeoi.accounts.services import TOKEN_PREFIX, token_digest

DEFAULT_PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.jp")
    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.Sequence(lambda n: f"ユーザー{n}")
    password = factory.django.Password(DEFAULT_PASSWORD)
    profile = factory.RelatedFactory("tests.factories.ProfileFactory", factory_related_name="user")


class ProfileFactory(factory.django.DjangoModelFactory[Profile]):
    class Meta:
        model = Profile
        django_get_or_create = ("user",)

    user = factory.SubFactory(UserFactory)


class OperatorFactory(UserFactory):
    """A staff user who may use the admin and decide identity verification requests (A4)."""

    is_staff = True
    is_superuser = True


class IdentityVerificationFactory(factory.django.DjangoModelFactory[IdentityVerification]):
    class Meta:
        model = IdentityVerification

    user = factory.SubFactory(UserFactory)
    document_type = DocumentType.DRIVERS_LICENSE
    status = VerificationStatus.PENDING


class ApiTokenFactory(factory.django.DjangoModelFactory[ApiToken]):
    """A live personal access token. Pass `raw=` to know the token a test will send:
    like the service, only its SHA-256 digest is stored."""

    class Meta:
        model = ApiToken
        exclude = ("raw",)

    user = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"token {n}")
    raw = factory.Sequence(lambda n: f"{TOKEN_PREFIX}factory-token-{n:08d}")
    prefix = factory.LazyAttribute(lambda o: o.raw[:10])
    digest = factory.LazyAttribute(lambda o: token_digest(o.raw))
