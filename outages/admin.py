from django import forms
from django.contrib import admin
from django.db import models
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from importkit.wallclock import whole_second
from outages.models import ImportRecord, Incident, IncidentChange, PendingImport, Service
from outages.signals import calendar_change_announce


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


class WholeSecondDateTimeField(forms.SplitDateTimeField):
    """The admin's date and time inputs, cut to the whole second as every entry point
    cuts a time (Django accepts 10:00:00.300 there)."""

    def compress(self, data_list):
        value = super().compress(data_list)
        return None if value is None else whole_second(value)


@admin.register(Incident)
class IncidentAdmin(admin.ModelAdmin):
    list_display = ["reference", "title", "start", "end", "impact", "status"]
    list_filter = ["impact", "status", "services"]
    search_fields = ["reference", "title"]
    date_hierarchy = "start"
    filter_horizontal = ["services"]
    inlines = [IncidentChangeInline]
    # Status pages are served over HTTPS: a source typed without a scheme gets https://.
    formfield_overrides = {
        models.URLField: {"assume_scheme": "https"},
        models.DateTimeField: {"form_class": WholeSecondDateTimeField},
    }

    # Hand edits change the calendar as imports do: claims that rest on it are rechecked.
    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        old = (form.initial.get("start"), form.initial.get("end")) if change else ()
        calendar_change_announce(moments=[*old, form.instance.start, form.instance.end])

    def delete_model(self, request, obj):
        calendar_change_announce(moments=[obj.start, obj.end])
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        moments = [when for pair in queryset.values_list("start", "end") for when in pair]
        calendar_change_announce(moments=moments)
        super().delete_queryset(request, queryset)


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
    # MEDIA_ROOT is never served: the raw file is downloaded through an admin-only view.
    exclude = ["raw_file"]
    readonly_fields = [f.name for f in ImportRecord._meta.fields if f.name != "raw_file"] + [
        "raw_file_download"
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("raw file"))
    def raw_file_download(self, obj):
        if not obj.raw_file:
            return "–"
        return format_html(
            '<a href="{}">{}</a>', reverse("outages:import_raw_file", args=[obj.pk]), obj.file_name
        )


@admin.register(PendingImport)
class PendingImportAdmin(admin.ModelAdmin):
    list_display = ["created_at", "file_name", "format", "state", "created_by", "finished_at"]
    list_filter = ["state", "format"]
    exclude = ["stored_file", "preview"]
    readonly_fields = [
        f.name for f in PendingImport._meta.fields if f.name not in ("stored_file", "preview")
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
