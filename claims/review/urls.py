"""Routes of the legal team's workspace, under ``/claims/review/`` (namespace ``review``).
Every one of them answers 404 to anyone who is not a reviewer."""

from django.urls import path

from claims.review.views import membership, review

app_name = "review"

urlpatterns = [
    path("", review.review_list_view, name="list"),
    path("export.csv", review.review_export_csv, name="export_csv"),
    path("export.xlsx", review.review_export_xlsx, name="export_xlsx"),
    path("decide/", review.bulk_decide, name="bulk_decide"),
    path("checks/", review.recompute_checks, name="recompute_checks"),
    path("claims/<int:pk>/", review.claim_detail, name="claim"),
    path("claims/<int:pk>/decide/", review.claim_decide_view, name="decide"),
    path(
        "claims/<int:pk>/versions/<int:number>/dossier.pdf",
        review.version_dossier,
        name="version_dossier",
    ),
    path("batches/", review.batches, name="batches"),
    path("membership/", membership.membership_page, name="membership"),
    path("membership/estimate.csv", membership.membership_csv, name="membership_csv"),
    path("membership/estimate.pdf", membership.membership_pdf, name="membership_pdf"),
    path("batches/from-filter/", review.batch_from_filter, name="batch_from_filter"),
    path("batches/from-selection/", review.batch_from_selection, name="batch_from_selection"),
    path("batches/<int:pk>/", review.batch_view, name="batch"),
    path("batches/<int:pk>/freeze/", review.batch_freeze_view, name="batch_freeze"),
    path("batches/<int:pk>/delete/", review.batch_delete_view, name="batch_delete"),
    path("batches/<int:pk>/progress.json", review.batch_progress, name="batch_progress"),
    path("batches/<int:pk>/export.csv", review.batch_export_csv, name="batch_export_csv"),
    path("batches/<int:pk>/export.xlsx", review.batch_export_xlsx, name="batch_export_xlsx"),
    path(
        "batches/<int:pk>/files/<slug:kind>/",
        review.batch_output_start_view,
        name="batch_output_start",
    ),
    path(
        "batches/<int:pk>/files/<slug:kind>/download/",
        review.batch_output_download,
        name="batch_output_download",
    ),
]
