"""`GET /`: what this service is and where to go next.

A browser (and curl, whose `Accept: */*` prefers nothing) gets a small HTML page; a client
that prefers `application/json` gets the same links as absolute URLs.
"""

from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

# The order decides ties: `*/*` or no Accept header at all gets the first, HTML.
_OFFERED = ("text/html", "application/json")

# key in the JSON answer -> URL name
_LINKS = {
    "docs": "swagger-ui",
    "redoc": "redoc",
    "schema": "schema",
    "admin": "admin:index",
    "healthz": "healthz",
    "readyz": "readyz",
}


@csrf_exempt  # it never writes: a POST gets the 405 below, not a CSRF 403
@require_safe
def landing(request):
    """The landing page (HTML) or its links (JSON), by the request's Accept header."""
    if request.get_preferred_type(_OFFERED) == "application/json":
        links = {key: request.build_absolute_uri(reverse(name)) for key, name in _LINKS.items()}
        response = JsonResponse(links)
    else:
        links = {key: reverse(name) for key, name in _LINKS.items()}
        response = render(
            request, "landing.html", {"links": links, "carbon_page": reverse("carbon-page")}
        )
    # The same URL answers in two types: caches must keep them apart.
    patch_vary_headers(response, ["Accept"])
    return response
