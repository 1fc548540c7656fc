from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from claims.admin_rules import ReviewableOnlyAdmin
from claims.models import (
    AffectedSlot,
    Claim,
    Consultation,
    Doctor,
    Methodology,
    NomenclatureFee,
    User,
)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "language", "is_staff", "is_superuser"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "language")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)


@admin.register(Doctor)
class DoctorAdmin(ReviewableOnlyAdmin):
    # A reviewer sees the doctors of submitted claims only (admin_rules.py).
    claim_path = "claims"
    list_display = ["riziv", "user"]
    search_fields = ["riziv", "user__email", "user__last_name"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]


@admin.register(Methodology)
class MethodologyAdmin(admin.ModelAdmin):
    list_display = ["version", "published_on", "hourly_rate"]

    def get_readonly_fields(self, request, obj=None):
        # A published version is evidence cited by claims: read only.
        if obj is not None and obj.is_published:
            return [f.name for f in Methodology._meta.fields]
        return []

    def has_delete_permission(self, request, obj=None):
        return obj is None or not obj.is_published


@admin.register(NomenclatureFee)
class NomenclatureFeeAdmin(admin.ModelAdmin):
    list_display = ["code", "label_fr", "fee", "valid_from", "valid_until"]
    list_filter = ["valid_from"]
    search_fields = ["code", "label_fr", "label_nl"]


@admin.register(AffectedSlot)
class AffectedSlotAdmin(admin.ModelAdmin):
    # Declarations: superusers only (nobody else holds their permissions).
    list_display = ["doctor", "start", "end"]
    list_select_related = ["doctor__user"]
    raw_id_fields = ["doctor"]


@admin.register(Consultation)
class ConsultationAdmin(admin.ModelAdmin):
    list_display = ["doctor", "start", "duration_minutes", "code", "fee", "outcome"]
    list_select_related = ["doctor__user"]
    raw_id_fields = ["doctor"]


@admin.register(Claim)
class ClaimAdmin(ReviewableOnlyAdmin):
    # Reviewers never see drafts, as in the review workspace (admin_rules.py).
    claim_path = ""
    list_display = ["id", "doctor", "period_start", "period_end", "status", "total"]
    list_filter = ["status", "period_start"]
    list_select_related = ["doctor__user", "methodology"]
    raw_id_fields = ["doctor"]
    readonly_fields = ["snapshot", "lost_minutes", "total", "dossier_sha256", "submitted_at"]


# The legal team's review records (decisions, versions, audit trail, batches).
from claims.review import admin as review_admin  # noqa: E402, F401
