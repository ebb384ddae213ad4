"""The portal's URLs plus /bench/floor/: the cheapest page the same stack can serve."""

from django.http import HttpResponse
from django.urls import path

from portal.urls import urlpatterns as portal_urlpatterns


def floor(request):
    """Answer through every middleware, with no template and no query."""
    return HttpResponse("ok\n", content_type="text/plain")


urlpatterns = [path("bench/floor/", floor), *portal_urlpatterns]
