"""Admin of the review records (imported by claims/admin.py). Decisions, earlier versions
and the audit trail are evidence: read only for everyone, the audit trail cannot even be
deleted by a superuser (AuditEntry refuses it too)."""

from django.contrib import admin

from claims.admin_rules import ReviewableOnlyAdmin
from claims.models import AuditEntry, Batch, BatchOutput, ClaimDecision, ClaimVersion


class ReadOnlyAdmin(ReviewableOnlyAdmin):
    # Rows of a claim: a non-superuser who holds a view permission sees only those of
    # submitted claims (admin_rules.py).
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "claim", "actor", "action"]
    list_filter = ["action"]
    list_select_related = ["claim__doctor__user", "actor"]
    search_fields = ["claim__id", "actor__email"]
    date_hierarchy = "created_at"


@admin.register(ClaimDecision)
class ClaimDecisionAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "claim", "decision", "reason_code", "reviewer", "cure_deadline"]
    list_filter = ["decision", "reason_code"]
    list_select_related = ["claim__doctor__user", "reviewer"]


@admin.register(ClaimVersion)
class ClaimVersionAdmin(ReadOnlyAdmin):
    list_display = ["claim", "number", "submitted_at", "total", "superseded_at"]
    list_select_related = ["claim__doctor__user"]
    exclude = ["snapshot"]


class BatchOutputInline(admin.TabularInline):
    model = BatchOutput
    extra = 0
    can_delete = False
    fields = ["kind", "state", "progress_done", "progress_total", "file", "sha256", "error"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Batch)
class BatchAdmin(admin.ModelAdmin):
    list_display = ["name", "created_by", "created_at", "frozen_at"]
    list_select_related = ["created_by"]
    readonly_fields = ["filters", "created_by", "created_at", "frozen_at", "outlier_threshold"]
    exclude = ["claims"]
    inlines = [BatchOutputInline]

    def has_add_permission(self, request, obj=None):
        return False  # batches are built from the review list
