"""A6: an identity verified the way a user and an operator do it."""

from datetime import date

from tests.factories import OperatorFactory, identity_document
from ukeoi.accounts import services
from ukeoi.accounts.enums import DocumentType
from ukeoi.accounts.models import IdentityVerification, User

BIRTH = date(1988, 7, 14)
NUMBER = "AB 1234-5678"


def verify_identity(
    user: User, *, number: str = NUMBER, birth: date = BIRTH
) -> IdentityVerification:
    """The user asks with a driving licence; the operator reads the same number and birth
    date on the document and approves."""
    request = services.identity_verification_request(
        actor=user,
        document_type=DocumentType.DRIVERS_LICENSE,
        document_number=number,
        birth_date=birth,
        document=identity_document(),
    )
    return services.identity_verification_decide(
        actor=OperatorFactory.create(),
        verification_id=request.pk,
        approve=True,
        document_number=number,
        birth_date=birth,
    )
