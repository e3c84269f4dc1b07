"""The one JSON API, at /api/ with its OpenAPI schema at /api/openapi.json and docs at /api/docs."""

from ninja import NinjaAPI

from ukeoi.accounts.api import router as accounts_router
from ukeoi.core.api import install_error_handlers

api = NinjaAPI(
    title="ukeoi API",
    version="1",
    description="Jobs, proposals, contracts, payouts and withdrawal. "
    "Every error answer is {code, message, fields}; messages follow Accept-Language.",
    urls_namespace="api",
    docs_url="/docs",
)
install_error_handlers(api)
api.add_router("/", accounts_router)
