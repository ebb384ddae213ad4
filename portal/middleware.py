"""Compression of the pages every reader shares (docs/deploy.md, "Compression")."""

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.middleware.gzip import GZipMiddleware
from django.utils.cache import cc_delim_re


class SharedPageGZipMiddleware(GZipMiddleware):
    """Gzip what is the same for every reader; send what is rendered for one as it is.

    Shared: anything rendered for a request without a session or messages
    cookie, and any page marked `public` (the page cache's shared pages). Such
    a page carries no secret, so BREACH (guessing a secret from compressed
    sizes) has nothing to find in it. Pages for a session (a reader's posts,
    e-mail, password forms, the admin) are not compressed.
    """

    async_capable = False

    def __call__(self, request):
        # Read before the view runs: inner middleware may set cookies aside.
        personal = (
            settings.SESSION_COOKIE_NAME in request.COOKIES
            or CookieStorage.cookie_name in request.COOKIES
        )
        response = self.get_response(request)
        if personal and not is_public(response):
            return response
        return self.process_response(request, response)


def is_public(response):
    """Tell whether `response` is marked for any cache to keep (Cache-Control: public)."""
    directives = cc_delim_re.split(response.get("Cache-Control", ""))
    names = {directive.split("=", 1)[0].strip().lower() for directive in directives}
    return "public" in names and "private" not in names
