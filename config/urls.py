from django.contrib import admin
from django.urls import include, path

from claims.views import home, resubmission
from config.views import accessibility_statement
from evidence.api import api

urlpatterns = [
    path("", home.home, name="home"),
    path("accessibility/", accessibility_statement, name="accessibility"),
    path("account/", include("accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    # Independent evidence (SLA, watcher status, candidates, Atom) beside the calendar.
    path("outages/", include("evidence.urls")),
    path("outages/", include("outages.urls")),
    path("api/v1/", api.urls),
    path("methodology/", include("methodology.urls")),
    # The legal team's workspace first: "review/" must not reach the claims routes.
    path("claims/review/", include("claims.review.urls")),
    path(
        "claims/resubmit/<int:pk>/",
        resubmission.claim_resubmit_view,
        name="claim_resubmit",
    ),
    path("claims/", include("claims.urls")),
    path("notifications/", include("notifications.urls")),
    path("verify/", include("claims.verification.urls")),
]
