from __future__ import annotations

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path
from django.utils.translation import gettext_lazy as _

from award.accounts.forms import AdminLoginForm

admin.site.site_header = _("Customer Service Award: administration")
admin.site.site_title = _("Customer Service Award")
admin.site.index_title = _("The award's workplace")
admin.site.login_form = AdminLoginForm  # logs a refused account in the security log

urlpatterns: list[URLPattern | URLResolver] = [
    path("admin/", admin.site.urls),
    path("api/", include("api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("award.accounts.urls")),
    path("dashboard/", include("dashboard.urls")),
    path("work/", include("channels_app.urls")),
    path("", include("website.urls")),
]
if settings.DEBUG:
    urlpatterns += static(settings.STATIC_URL, document_root=settings.STATIC_ROOT)
