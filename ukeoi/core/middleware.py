import json
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

API_PREFIX = "/api/"


class ApiErrorShapeMiddleware:
    """Every 4xx under /api/ answers in the one error shape, including the ones produced
    before a route runs (an unknown path, a method the path does not allow)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            request.path.startswith(API_PREFIX)
            and 400 <= response.status_code < 500
            and not response.get("Content-Type", "").startswith("application/json")
            and not request.path.startswith(f"{API_PREFIX}docs")
        ):
            code, message = {
                404: ("not_found", _("Not found.")),
                405: ("method_not_allowed", _("This method is not allowed here.")),
            }.get(
                response.status_code,
                (f"http_{response.status_code}", _("The request was refused.")),
            )
            shaped = HttpResponse(
                json.dumps({"code": code, "message": message, "fields": {}}, ensure_ascii=False),
                status=response.status_code,
                content_type="application/json; charset=utf-8",
            )
            if response.has_header("Allow"):
                shaped["Allow"] = response["Allow"]
            return shaped
        return response
