from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from evidence.models import (
    StatusComponent,
    StatusObservation,
    WatchedIncident,
    WatcherError,
)
from evidence.services import watched_incident_confirm, watched_incident_discard


@admin.register(StatusComponent)
class StatusComponentAdmin(admin.ModelAdmin):
    list_display = ["name", "group_name", "service", "status", "last_seen"]
    list_editable = ["service"]
    list_filter = [("service", admin.EmptyFieldListFilter), "status"]
    search_fields = ["name", "external_id"]
    readonly_fields = ["status", "last_seen"]


class AppendOnlyAdmin(admin.ModelAdmin):
    """The log is evidence: read here, never written."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(StatusObservation)
class StatusObservationAdmin(AppendOnlyAdmin):
    list_display = [
        "sequence",
        "kind",
        "received_at",
        "component_name",
        "previous_status",
        "status",
    ]
    list_filter = ["kind", "status"]
    search_fields = ["component_name"]


@admin.register(WatcherError)
class WatcherErrorAdmin(AppendOnlyAdmin):
    list_display = ["at", "kind", "url", "message"]
    list_filter = ["kind"]


@admin.register(WatchedIncident)
class WatchedIncidentAdmin(admin.ModelAdmin):
    list_display = ["component", "start", "end", "impact", "state", "incident_link", "official"]
    list_filter = ["state", "impact"]
    readonly_fields = ["component", "start", "end", "impact", "state", "incident", "official"]
    actions = ["confirm", "discard"]

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("provisional incident"))
    def incident_link(self, obj):
        if obj.incident_id is None:
            return "—"
        url = reverse("admin:outages_incident_change", args=[obj.incident_id])
        return format_html('<a href="{}">{}</a>', url, _("edit"))

    @admin.action(description=_("Confirm (the outage is confirmed by a source)"))
    def confirm(self, request, queryset):
        for watched in queryset.select_related("incident"):
            watched_incident_confirm(watched=watched)
        self.message_user(
            request,
            ngettext("%(n)d incident confirmed.", "%(n)d incidents confirmed.", len(queryset))
            % {"n": len(queryset)},
            messages.SUCCESS,
        )

    @admin.action(description=_("Discard (false alarm)"))
    def discard(self, request, queryset):
        for watched in queryset.select_related("incident"):
            watched_incident_discard(watched=watched)
        self.message_user(
            request,
            ngettext("%(n)d incident discarded.", "%(n)d incidents discarded.", len(queryset))
            % {"n": len(queryset)},
            messages.SUCCESS,
        )
