from __future__ import annotations

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language

from award.accounts.forms import AdminLoginForm

admin.site.site_header = _("Customer Service Award: administration")
admin.site.site_title = _("Customer Service Award")
admin.site.index_title = _("The award's workplace")
admin.site.login_form = AdminLoginForm  # logs a refused account in the security log

urlpatterns: list[URLPattern | URLResolver] = [
    path("admin/", admin.site.urls),
    path("api/", include("api.urls")),
    # Exempt from the CSRF check: a forged request can only change the visitor's own language cookie (and send them to
    # a page of this site, set_language checks `next`), and without a token in its form a public page is the same for
    # every anonymous reader, so it is served whole from the cache and a proxy may keep it (publications.cache).
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
    path("accounts/", include("award.accounts.urls")),
    path("dashboard/", include("dashboard.urls")),
    path("work/", include("channels_app.urls")),
    path("", include("website.urls")),
]
if settings.DEBUG:
    urlpatterns += static(settings.STATIC_URL, document_root=settings.STATIC_ROOT)
