from django.contrib import admin

from outages.models import ImportRecord, Incident, IncidentChange, Service


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ["slug", "name_fr", "name_nl", "name_en", "sla_target", "position"]
    list_editable = ["position"]
    search_fields = ["slug", "name_fr", "name_nl", "name_en"]


class IncidentChangeInline(admin.TabularInline):
    model = IncidentChange
    extra = 0
    can_delete = False
    readonly_fields = ["import_record", "action"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Incident)
class IncidentAdmin(admin.ModelAdmin):
    list_display = ["reference", "title", "start", "end", "impact", "status"]
    list_filter = ["impact", "status", "services"]
    search_fields = ["reference", "title"]
    date_hierarchy = "start"
    filter_horizontal = ["services"]
    inlines = [IncidentChangeInline]


@admin.register(ImportRecord)
class ImportRecordAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "file_name",
        "format",
        "outcome",
        "created_count",
        "updated_count",
        "unchanged_count",
        "created_by",
    ]
    list_filter = ["format", "outcome"]
    readonly_fields = [f.name for f in ImportRecord._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
