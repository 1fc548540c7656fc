from django.urls import path

from claims.verification import views

urlpatterns = [
    path("", views.verify_page, name="verify"),
]
