"""The app's access rules, applied to the Django admin too (issue 11, point 4).

Reviewers are staff (they reach /admin/) and hold ``view_claim`` and ``view_doctor`` so
that the admin can show them what the review workspace shows. The admin must then follow
the same rule as the workspace: a draft is the doctor's own business until it is
submitted, so a reviewer never sees a draft, nor a doctor who has only drafts, nor any
record hanging off a draft; and reviewers read, they never change a claim.
"""

from __future__ import annotations

from django.contrib import admin

from claims.review.selectors import reviewable_claims


def sees_everything(request) -> bool:
    return request.user.is_active and request.user.is_superuser


class ReviewableOnlyAdmin(admin.ModelAdmin):
    """For a model whose rows belong to a claim: others see only submitted claims' rows.

    ``claim_path`` is the lookup from the model to its claim (``""`` for Claim itself)."""

    claim_path = "claim"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if sees_everything(request):
            return queryset
        lookup = f"{self.claim_path}__in" if self.claim_path else "pk__in"
        return queryset.filter(**{lookup: reviewable_claims().values("pk")}).distinct()

    def has_add_permission(self, request, *args):
        return sees_everything(request) and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return sees_everything(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return sees_everything(request) and super().has_delete_permission(request, obj)
