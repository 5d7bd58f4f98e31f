"""URL routing for the /api/v1/ routes: each answers with and without its trailing slash.

Without this, Django's APPEND_SLASH answers a slash-less `/api/v1/users/W012A3CDE` with a 301
(a client that follows it turns a PUT into a GET) or, under DEBUG, with a 500 (RuntimeError)
for POST/PUT/PATCH; PlanetlyTask's clients call `api/v1/users/<pk>` without the slash.

Each route stays one pattern written in its documented form, so `reverse()` and the OpenAPI
schema give that form, once. (DRF's `trailing_slash = "/?"` would match both too, but
`reverse()` resolves an optional slash to none and every reversed URL would lose it.)
"""

from django.urls import URLPattern
from django.urls.resolvers import RegexPattern, RoutePattern
from rest_framework.routers import SimpleRouter


class _OptionalSlash:
    """A URL pattern (endpoint) that also matches its path with the trailing slash toggled: a
    route written with one also matches without, a route written without (`summary.svg`)
    also matches with exactly one."""

    def match(self, path: str):
        return super().match(path) or self._match_other_form(path)

    def _match_other_form(self, path: str):
        if self._written_with_slash():
            return None if path.endswith("/") else super().match(f"{path}/")
        return super().match(path.removesuffix("/")) if path.endswith("/") else None

    def _written_with_slash(self) -> bool:
        return str(self).removesuffix("$").removesuffix(r"\Z").endswith("/")


class OptionalSlashRoutePattern(_OptionalSlash, RoutePattern):
    """`path()`'s pattern with an optional trailing slash."""


class OptionalSlashRegexPattern(_OptionalSlash, RegexPattern):
    """`re_path()`'s pattern with an optional trailing slash."""


def optional_slash_path(route: str, view, *, name: str | None = None) -> URLPattern:
    """`path(route, view, name=name)` that also answers without (or with) the trailing slash."""
    return URLPattern(
        OptionalSlashRoutePattern(route, name=name, is_endpoint=True), view, name=name
    )


class OptionalSlashRouter(SimpleRouter):
    """DRF's SimpleRouter whose routes also answer without their trailing slash."""

    def get_urls(self) -> list[URLPattern]:
        return [
            URLPattern(
                OptionalSlashRegexPattern(str(url.pattern), name=url.name, is_endpoint=True),
                url.callback,
                url.default_args,
                url.name,
            )
            for url in super().get_urls()
        ]
