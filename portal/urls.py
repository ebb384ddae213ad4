from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from portal.views import healthz

admin.site.site_header = _("Portal administration")
admin.site.site_title = _("Portal administration")

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("", include("articles.urls")),
]
