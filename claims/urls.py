from django.urls import path

from claims.views import claims, declarations, dossiers, imports, week

app_name = "claims"

urlpatterns = [
    path("slots/", declarations.slots, name="slots"),
    path("slots/new/", declarations.slot_add, name="slot_add"),
    path("slots/<int:pk>/", declarations.slot_edit, name="slot_edit"),
    path("slots/<int:pk>/delete/", declarations.slot_remove, name="slot_delete"),
    path("consultations/", declarations.consultations, name="consultations"),
    path("consultations/new/", declarations.consultation_add, name="consultation_add"),
    path("consultations/<int:pk>/", declarations.consultation_edit, name="consultation_edit"),
    path(
        "consultations/<int:pk>/delete/",
        declarations.consultation_remove,
        name="consultation_delete",
    ),
    path("import/<slug:kind>/", imports.import_file, name="import"),
    path("import/<slug:kind>/template.csv", imports.import_template, name="import_template"),
    path("week/", week.week, name="week"),
    path("claim/", claims.claim_period, name="claim_period"),
    path("<int:pk>/", claims.claim_detail, name="claim"),
    path("<int:pk>/submit/", claims.claim_submit_view, name="claim_submit"),
    path("<int:pk>/delete/", claims.claim_delete, name="claim_delete"),
    path("<int:claim_id>/dossier.pdf", dossiers.claim_dossier_download, name="claim_dossier"),
    path(
        "<int:claim_id>/dossier/status.json",
        dossiers.claim_dossier_status,
        name="claim_dossier_status",
    ),
]
