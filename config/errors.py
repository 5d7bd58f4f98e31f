"""Unknown addresses under the API answer the API's error shape, not Django's HTML page."""

from django.http import JsonResponse

# Everything a client of the API calls lives under these (the Slack-style `/api/users.list`
# too); any other address is the site's and keeps Django's own 404 page.
API_PREFIXES = ("/api/", "/activity_record/")

NOT_FOUND_DETAIL = "Not found: no endpoint answers at this address."


def not_found_response() -> JsonResponse:
    return JsonResponse(
        {
            "type": "client_error",
            "errors": [{"code": "not_found", "detail": NOT_FOUND_DETAIL, "attr": None}],
        },
        status=404,
    )


class ApiNotFoundMiddleware:
    """A 404 under the API that is not already JSON (no URL matched: Django's page, or with
    DEBUG its technical page, which bypasses `handler404`) becomes the JSON error shape.
    A middleware rather than `handler404`, so that DEBUG on and off answer the same."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code == 404
            and request.path_info.startswith(API_PREFIXES)
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            return not_found_response()
        return response
