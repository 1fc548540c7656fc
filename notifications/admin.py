from django.contrib import admin

from notifications.models import Delivery, Notice, Subscriber, Webhook, WebhookDelivery


@admin.register(Webhook)
class WebhookAdmin(admin.ModelAdmin):
    list_display = ["name", "owner", "url", "active", "consecutive_failures", "disabled_at"]
    list_filter = ["active"]
    filter_horizontal = ["services"]
    readonly_fields = ["consecutive_failures", "disabled_at", "created_at"]

    def save_model(self, request, obj, form, change):
        # Enabling a disabled hook again starts its failure count afresh.
        if obj.active and obj.disabled_at is not None:
            obj.disabled_at = None
            obj.consecutive_failures = 0
        super().save_model(request, obj, form, change)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    """The delivery log: every attempt with its status or error."""

    list_display = ["webhook", "event_key", "status", "attempts", "next_attempt_at", "created_at"]
    list_filter = ["status"]
    readonly_fields = [f.name for f in WebhookDelivery._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["recipient", "event_key", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["status"]
    search_fields = ["recipient", "event_key"]
    readonly_fields = [f.name for f in Delivery._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    list_display = ["email", "language", "confirmed_at", "created_at"]
    search_fields = ["email"]


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "event_key", "created_at", "read_at"]
    list_filter = ["kind"]
    readonly_fields = [f.name for f in Notice._meta.fields]
