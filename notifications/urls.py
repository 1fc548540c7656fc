from django.urls import path

from notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.notices, name="notices"),
    path("settings/", views.preferences, name="settings"),
    path("subscribe/", views.subscribe, name="subscribe"),
    path("subscribe/confirm/<str:token>/", views.confirm, name="confirm"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
