"""Django's CommonMiddleware, with a redirect that keeps a write a write.

APPEND_SLASH answers a path missing its trailing slash with a 301, and under DEBUG raises a
RuntimeError (a 500) for DELETE/POST/PUT/PATCH. A client following a 301 turns the write into
a GET, so the write is lost without an error. Here a request that is not GET or HEAD gets a
308 Permanent Redirect instead: the client repeats the same method and body at the slashed URL
(RFC 9110 §15.4.9). `/api/v1/` routes answer both forms and never get here (core.routers).
"""

from django.http import HttpResponsePermanentRedirect
from django.middleware.common import CommonMiddleware
from django.utils.http import escape_leading_slashes

SAFE_METHODS = ("GET", "HEAD")


class PermanentRedirectKeepingMethod(HttpResponsePermanentRedirect):
    status_code = 308


class SlashRedirectMiddleware(CommonMiddleware):
    def get_full_path_with_slash(self, request):
        # Without DEBUG's RuntimeError: the redirect below keeps the method and the body.
        return escape_leading_slashes(request.get_full_path(force_append_slash=True))

    def process_request(self, request):
        return self._keeping_method(request, super().process_request(request))

    def process_response(self, request, response):
        return self._keeping_method(request, super().process_response(request, response))

    def _keeping_method(self, request, response):
        if type(response) is HttpResponsePermanentRedirect and request.method not in SAFE_METHODS:
            return PermanentRedirectKeepingMethod(response["Location"])
        return response
