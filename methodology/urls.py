from django.urls import path

from methodology import views

app_name = "methodology"

urlpatterns = [
    path("", views.methodology_page, name="page"),
]
