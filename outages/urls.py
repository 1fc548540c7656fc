from django.urls import path

from outages import views

app_name = "outages"

urlpatterns = [
    path("", views.calendar, name="calendar"),
    path("calendar.ics", views.calendar_feed, name="feed"),
    # References come from other systems (iCalendar UIDs may hold "/" or "@").
    path("incidents/<path:reference>/", views.incident_detail, name="incident"),
    path("import/", views.import_upload, name="import_upload"),
    path("imports/<int:pk>/raw/", views.import_raw_file, name="import_raw_file"),
    path("import/<str:token>/", views.import_detail, name="import_detail"),
    path("import/<str:token>/confirm/", views.import_confirm, name="import_confirm"),
    path("import/<str:token>/retry/", views.import_retry, name="import_retry"),
]
