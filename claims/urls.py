from django.urls import path  # noqa: F401  (routes are added by the claims features)

app_name = "claims"

urlpatterns: list = []
