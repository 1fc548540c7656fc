"""What the app tells people, and the records that keep it from telling them twice."""

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from outages.models import Service


class NoticeKind(models.TextChoices):
    FIGURES = "figures", _("A calendar change moved my claims' figures")
    DECISION = "decision", _("A decision on my claim")
    REMINDER = "reminder", _("Reminders before a correction deadline")


class Notice(models.Model):
    """One event for one person: counted by the dashboard's badge, listed on the notices
    page and sent in the next digest (``digest``, once it has left)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=NoticeKind.choices)
    # Names the event ("cure:12:d7"): the unique constraint makes recording it idempotent.
    event_key = models.CharField(max_length=200)
    payload = models.JSONField(default=dict)
    created_at = models.DateTimeField(_("when"), default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    digest = models.ForeignKey(
        "Delivery", on_delete=models.SET_NULL, null=True, blank=True, related_name="notices"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "event_key"], name="notice_once_per_event")
        ]
        # The badge counts a user's unread notices; the digest reads unsent ones.
        indexes = [
            models.Index(fields=["user", "read_at"], name="notice_unread"),
            models.Index(fields=["digest"], name="notice_digest"),
        ]
        verbose_name = _("notice")
        verbose_name_plural = _("notices")

    def __str__(self) -> str:
        return f"{self.user_id} {self.event_key}"


class NotificationPreference(models.Model):
    """Which kinds of e-mail a person wants. Decisions on a claim are always sent."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="notification_preference",
    )
    figures = models.BooleanField(_("calendar changes to my claims' figures"), default=True)
    reminders = models.BooleanField(_("reminders before a correction deadline"), default=True)
    reviewer_digest = models.BooleanField(_("the legal team's daily digest"), default=False)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return str(self.user_id)


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class Delivery(models.Model):
    """One e-mail to one address for one event, rendered once: a retry sends the same
    message, and the unique constraint means an event never reaches an address twice."""

    recipient = models.EmailField(_("recipient"))
    event_key = models.CharField(max_length=200)
    language = models.CharField(max_length=8)
    subject = models.CharField(max_length=300)
    text = models.TextField()
    html = models.TextField()
    headers = models.JSONField(default=dict, blank=True)
    message_id = models.CharField(max_length=200)
    status = models.CharField(
        max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "event_key"], name="delivery_once_per_recipient_event"
            )
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="delivery_retry")]
        verbose_name = _("e-mail delivery")
        verbose_name_plural = _("e-mail deliveries")

    def __str__(self) -> str:
        return f"{self.recipient} {self.event_key} ({self.status})"


class JobRun(models.Model):
    """The last scheduled slot each periodic job ran for, so that a scheduler that was
    down catches up once (not once per missed slot, and not never)."""

    job = models.CharField(max_length=60, unique=True)
    last_slot = models.DateTimeField()
    last_run_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.job} {self.last_slot.isoformat()}"


class IncidentState(models.Model):
    """The incident as notifications last saw it. Compared with the calendar after each
    change, it tells what opened, changed impact or ended, and lets a claim be computed
    with the calendar from before the change (the signed difference of a digest)."""

    # By reference, not a foreign key: a deleted incident's last state is still needed
    # to compute its claims "before".
    reference = models.CharField(max_length=100, unique=True)
    title = models.CharField(max_length=300, blank=True)
    start = models.DateTimeField()
    end = models.DateTimeField(null=True, blank=True)
    impact = models.CharField(max_length=30)
    status = models.CharField(max_length=20)
    source_url = models.CharField(max_length=500, blank=True)
    services = models.JSONField(default=list)

    def __str__(self) -> str:
        return self.reference


class Subscriber(models.Model):
    """A member of the public who asked for e-mails about incidents of some services.
    Nothing but the confirmation is sent before ``confirmed_at`` (double opt-in)."""

    email = models.EmailField(_("e-mail address"), unique=True)
    language = models.CharField(max_length=8)
    services = models.ManyToManyField(Service, related_name="+", verbose_name=_("services"))
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)

    class Meta:
        verbose_name = _("subscriber")
        verbose_name_plural = _("subscribers")

    def __str__(self) -> str:
        return self.email


def _new_secret() -> str:
    return secrets.token_hex(32)


class Webhook(models.Model):
    """An organisation's endpoint for incident events (registered in the admin)."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="webhooks"
    )
    name = models.CharField(_("name"), max_length=120)
    url = models.URLField(_("URL"), max_length=500)
    secret = models.CharField(_("signing secret"), max_length=128, default=_new_secret)
    services = models.ManyToManyField(
        Service,
        related_name="+",
        blank=True,
        verbose_name=_("services"),
        help_text=_("None: every service."),
    )
    active = models.BooleanField(_("active"), default=True)
    consecutive_failures = models.PositiveSmallIntegerField(default=0)
    disabled_at = models.DateTimeField(_("disabled"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")

    def __str__(self) -> str:
        return self.name


class WebhookDelivery(models.Model):
    """One event for one webhook, with the log of every attempt."""

    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    event_key = models.CharField(max_length=200)
    payload = models.JSONField()
    status = models.CharField(
        max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    log = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["webhook", "event_key"], name="webhook_delivery_once_per_event"
            )
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="webhook_retry")]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")

    def __str__(self) -> str:
        return f"{self.webhook_id} {self.event_key} ({self.status})"
