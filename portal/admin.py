from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from community import ratelimit
from community.views import rate_limited


class PortalAdminSite(admin.AdminSite):
    site_header = _("Portal administration")
    site_title = _("Portal administration")

    def login(self, request, extra_context=None):
        # The admin login is the most valuable one to guess: same throttle as the site's.
        if request.method == "POST" and not ratelimit.allow_login_attempt(request):
            return rate_limited(request, back_url=request.get_full_path())
        return super().login(request, extra_context)
