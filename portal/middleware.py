"""Compression of the pages every reader shares (docs/deploy.md, "Compression")."""

import gzip
import secrets

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.middleware.gzip import GZipMiddleware, re_accepts_gzip
from django.utils.cache import cc_delim_re, patch_vary_headers
from isal import igzip

# What is compressed for each request goes through ISA-L (python-isal) at its level 1:
# a third of the CPU of zlib's fastest level, for a page as small or nearly.
# Stored pages are compressed once, at zlib's level 6 (caching/pages.py).
PER_REQUEST_LEVEL = 1


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

    def process_response(self, request, response):
        """Django's GZipMiddleware at PER_REQUEST_LEVEL, streaming responses left to it."""
        if response.streaming or response.has_header("Content-Encoding"):
            return super().process_response(request, response)
        if len(response.content) < 200:
            return response
        patch_vary_headers(response, ("Accept-Encoding",))
        if not re_accepts_gzip.search(request.META.get("HTTP_ACCEPT_ENCODING", "")):
            return response
        compressed = _compressed(response.content, self.max_random_bytes)
        if len(compressed) >= len(response.content):
            return response
        response.content = compressed
        response["Content-Length"] = str(len(compressed))
        etag = response.get("ETag")
        if etag and etag.startswith('"'):
            response["ETag"] = f"W/{etag}"
        response["Content-Encoding"] = "gzip"
        return response


def _compressed(content, max_random_bytes):
    """Gzip `content` with ISA-L, with a file name of random length as Django does.

    The random length (up to `max_random_bytes`) hides the size of what is
    compressed from a BREACH attacker, for the forms whose CSRF token it carries.
    """
    compressed = igzip.compress(content, compresslevel=PER_REQUEST_LEVEL, mtime=0)
    header = bytearray(compressed[:10])
    header[3] = gzip.FNAME
    name = b"a" * secrets.randbelow(max_random_bytes) + b"\x00"
    return bytes(header) + name + compressed[10:]


def is_public(response):
    """Tell whether `response` is marked for any cache to keep (Cache-Control: public)."""
    directives = cc_delim_re.split(response.get("Cache-Control", ""))
    names = {directive.split("=", 1)[0].strip().lower() for directive in directives}
    return "public" in names and "private" not in names
