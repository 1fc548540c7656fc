from django.urls import path

from evidence import views
from evidence.sla import views as sla_views

app_name = "evidence"

urlpatterns = [
    path("sla/", sla_views.sla_page, name="sla"),
    path("sla.csv", sla_views.sla_csv_download, name="sla_csv"),
    path("sla.pdf", sla_views.sla_pdf_download, name="sla_pdf"),
    path("watcher/", views.watcher_status, name="watcher"),
    path("candidates/", views.candidate_incidents, name="candidates"),
    path("services/<slug:slug>/feed.atom", views.ServiceAtomFeed(), name="service_atom"),
]
