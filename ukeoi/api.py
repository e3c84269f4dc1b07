"""The one JSON API, at /api/ with its OpenAPI schema at /api/openapi.json and docs at /api/docs."""

from ukeoi.accounts.api import router as accounts_router
from ukeoi.contracts.api import hiring_router
from ukeoi.contracts.api import router as contracts_router
from ukeoi.core.api import install_error_handlers
from ukeoi.documents.api import router as documents_router
from ukeoi.helpdesk.api import router as helpdesk_router
from ukeoi.jobs.api import router as jobs_router
from ukeoi.legal.api import ConsentAPI
from ukeoi.legal.api import router as legal_router
from ukeoi.payouts.api import router as payouts_router
from ukeoi.privacy.api import router as privacy_router
from ukeoi.withdrawal.api import router as withdrawal_router

# L4: ConsentAPI answers 403 consent_required until a signed-in user agrees to new terms.
api = ConsentAPI(
    title="ukeoi API",
    version="1",
    description="Jobs, proposals, contracts, payouts and withdrawal. "
    "Every error answer is {code, message, fields}; messages follow Accept-Language.",
    urls_namespace="api",
    docs_url="/docs",
)
install_error_handlers(api)
api.add_router("/", accounts_router)
api.add_router("/", jobs_router)
api.add_router("/contracts", contracts_router)
api.add_router("/", hiring_router)
api.add_router("/help", helpdesk_router)
api.add_router("/", payouts_router)
api.add_router("/", withdrawal_router)
api.add_router("/", privacy_router)
api.add_router("/", legal_router)
api.add_router("/", documents_router)
